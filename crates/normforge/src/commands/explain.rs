//! `normforge explain <RULES> [RAW|-]`: which rule, which fields, and the rule's description of
//! the event with its placeholders filled.

use serde_json::json;

use crate::cli::ExplainArgs;
use crate::exit::{Coded, FAILED, OK};

/// Runs the command.
pub fn run(a: &ExplainArgs) -> anyhow::Result<u8> {
    let set = super::normalize_log::load_rules(&a.rules)?;
    let opts = super::run_options(&a.run);
    let (name, raw) = super::normalize::read_event(a.raw.as_deref(), opts.max_event_bytes)?;
    let raw = raw.trim_end_matches(['\r', '\n']);
    let applied = set.apply(raw, &opts);
    let Some((w, fields)) = &applied.winner else {
        return Err(Coded(
            FAILED,
            format!(
                "{name}: no rule of {} normalizes this event ({} rules tried of {})",
                a.rules.display(),
                applied.tried,
                set.rules.len()
            ),
        )
        .into());
    };
    let fields = &fields.to_json();
    let rule = &set.rules[*w];
    let dir = a.rules.join(&rule.dir);
    let template = xp_package::describe::description(&dir, &a.lang, fields);
    let (text, missing) = template
        .as_deref()
        .map(|t| xp_package::describe::fill(t, fields))
        .unwrap_or_default();
    let also: Vec<&str> = applied
        .also
        .iter()
        .map(|&i| set.rules[i].id.as_str())
        .collect();
    if a.json {
        let v = json!({
            "rule": rule.id,
            "dir": rule.dir,
            "description": template.as_ref().map(|_| &text),
            "template": template,
            "missing": missing,
            "fields": fields,
            "also": also,
            "tie": applied.tie,
        });
        crate::outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(OK);
    }
    crate::outln!("rule: {} ({})", rule.id, rule.dir)?;
    match &template {
        Some(_) => crate::outln!("description ({}): {text}", a.lang)?,
        None => crate::outln!("description ({}): none in the rule's i18n", a.lang)?,
    }
    if !missing.is_empty() {
        crate::outln!("  (no value for: {})", missing.join(", "))?;
    }
    crate::outln!("fields:")?;
    for (k, v) in fields {
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            o => o.to_string(),
        };
        crate::outln!("  {k} = {v}")?;
    }
    if !also.is_empty() {
        crate::outln!(
            "also matched by: {}{}",
            also.join(", "),
            if applied.tie { " (a tie)" } else { "" }
        )?;
    }
    Ok(OK)
}
