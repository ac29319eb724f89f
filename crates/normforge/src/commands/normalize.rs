//! `normforge normalize <RULE> [RAW|-]`.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use xp_eval::{CompileOptions, Outcome, Rule};
use xp_syntax::render_all;

use crate::cli::RunArgs;
use crate::exit::{Coded, FAILED, INPUT, OK};

pub fn run(rule_path: &Path, raw: Option<&Path>, args: &RunArgs) -> anyhow::Result<u8> {
    let formula = if rule_path.is_dir() {
        rule_path.join("formula.xp")
    } else {
        rule_path.to_path_buf()
    };
    let src =
        xp_package::read_text(&formula).with_context(|| "cannot read the rule".to_string())?;
    let rule = match Rule::compile(
        &src,
        CompileOptions {
            strict: args.strict,
        },
    ) {
        Ok(r) => r,
        Err(diags) => {
            eprint!("{}", render_all(&diags, &formula.to_string_lossy(), &src));
            return Err(Coded(INPUT, format!("{}: the rule has errors", formula.display())).into());
        }
    };
    for w in &rule.warnings {
        eprint!("{}", w.render(&formula.to_string_lossy(), &src));
    }
    let opts = super::run_options(args);
    let (name, text) = read_event(raw, opts.max_event_bytes)?;
    match rule.normalize(&text, &opts) {
        Ok(Outcome::Normalized(ev)) => {
            for w in &ev.warnings {
                eprint!("{}", w.render(&name, &text));
            }
            crate::outln!(
                "{}",
                serde_json::to_string_pretty(&serde_json::Value::Object(ev.to_json()))?
            )?;
            Ok(OK)
        }
        Ok(Outcome::NoMatch(miss)) => Err(Coded(
            FAILED,
            format!(
                "{name}: the rule {} does not match the event: {}",
                formula.display(),
                describe(&miss)
            ),
        )
        .into()),
        Ok(Outcome::Dropped) => Err(Coded(
            FAILED,
            format!("{name}: the rule {} dropped the event", formula.display()),
        )
        .into()),
        Err(d) => {
            eprint!("{}", d.render(&name, &text));
            Err(Coded(
                INPUT,
                format!("{name}: the event cannot be read by this rule"),
            )
            .into())
        }
    }
}

fn describe(m: &xp_eval::Miss) -> String {
    match m {
        xp_eval::Miss::Header(h) => h.clone(),
        xp_eval::Miss::Cond => "COND is false".into(),
    }
}

fn read_at_most(input: impl Read, limit: usize, name: &str) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    input
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("{name}: cannot read the event"))?;
    if buf.len() > limit {
        return Err(Coded(
            INPUT,
            format!("{name}: the event is over the limit of {limit} bytes (--max-event-bytes)"),
        )
        .into());
    }
    Ok(buf)
}

/// Reads an event from a file or standard input, refusing more than `limit` bytes and
/// invalid UTF-8.
pub fn read_event(raw: Option<&Path>, limit: usize) -> anyhow::Result<(String, String)> {
    let (name, bytes) = match raw {
        Some(p) if p.as_os_str() != "-" => {
            // Read at most one byte past the limit, whatever the file's size claims (a device
            // such as /dev/zero claims none).
            let f = std::fs::File::open(p)
                .with_context(|| format!("{}: cannot read the event", p.display()))?;
            (
                p.display().to_string(),
                read_at_most(f, limit, &p.display().to_string())?,
            )
        }
        _ => (
            "<stdin>".to_string(),
            read_at_most(std::io::stdin(), limit, "<stdin>")?,
        ),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        Coded(
            INPUT,
            format!(
                "{name}: not valid UTF-8 at byte {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok((name, text))
}
