//! A text line a structured event wraps is read with a TEXT template of its own: a container's
//! log line (Docker's json-file driver, `{"log": "198.51.100.7 - alice [10/Mar/2025:…] \"GET /
//! HTTP/1.1\" 200 612 …\n", "stream": "stdout", "time": …}`), a cloud logging entry's
//! `textPayload`, a logging library's `message`. The key is one of `schema/key-roles.tsv`
//! `message-key`; its values get a template synthesized as any text cluster's, and the fields the
//! assigner decides for that template fill what the structured event left unset:
//!
//! ```text
//! subformula "message"
//!     TEXT = '{$msg_v1=IPV4} - {$msg_v3=WORD} [{$msg_time=DATETIME}] …'
//! endsubformula
//! submessage("TEXT", "message", $log)
//! src.ip = $msg_v1
//! ```
//!
//! The template's captures are renamed `msg_…` so that they never meet the event's own keys
//! (`$time`); a constant the text assigner took from a word of the template is left out, since
//! no lift captures it there.

use field_assign::{Assignment, ClusterView, FieldAssigner, Source, Why};
use format_synth::ClusterInput;
use ingest::Kind;

/// The subformula's name.
const NAME: &str = "message";
/// The prefix of the template's captures.
const PREFIX: &str = "msg_";
/// The most values a template is synthesized from.
const SAMPLE: usize = 500;

/// The wrapped text's key and values, when every member holds one under a `message-key`, the
/// values differ, and most have a space (text rather than a code).
fn wrapped(members: &[&str]) -> Option<(String, Vec<String>)> {
    let events: Vec<serde_json::Map<String, serde_json::Value>> = members
        .iter()
        .map(|m| match serde_json::from_str::<serde_json::Value>(m) {
            Ok(serde_json::Value::Object(o)) => Some(o),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let first = events.first()?;
    let key = first.keys().find(|k| {
        field_assign::lexicon::has_role(k, "message-key")
            && events
                .iter()
                .all(|e| e.get(*k).and_then(|v| v.as_str()).is_some())
    })?;
    if !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let values: Vec<String> = events
        .iter()
        .filter_map(|e| e.get(key).and_then(|v| v.as_str()))
        .map(|v| v.trim_end_matches(['\n', '\r']).to_string())
        .collect();
    let spaced = values.iter().filter(|v| v.contains(' ')).count();
    let differ = values.iter().any(|v| *v != values[0]) || values.len() == 1;
    (spaced * 2 > values.len() && differ && values.iter().all(|v| !v.contains('\n')))
        .then(|| (key.clone(), values))
}

/// `{$name=` and `"$name=` renamed with the prefix (captures and alternatives).
fn rename_captures(header: &str, captures: &[String]) -> String {
    let mut out = header.to_string();
    for c in captures {
        out = out.replace(&format!("${c}="), &format!("${PREFIX}{c}="));
    }
    out
}

/// `$name` in an expression renamed with the prefix, where it is a whole variable.
fn rename_expr(expr: &str, captures: &[String]) -> String {
    let mut out = expr.to_string();
    for c in captures {
        let var = format!("${c}");
        let mut renamed = String::new();
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&var) {
            let after = &rest[i + var.len()..];
            renamed.push_str(&rest[..i]);
            renamed.push_str(&var[..1]);
            if !after.starts_with(|ch: char| ch.is_alphanumeric() || ch == '_') {
                renamed.push_str(PREFIX);
            }
            renamed.push_str(&var[1..]);
            rest = after;
        }
        renamed.push_str(rest);
        out = renamed;
    }
    out
}

/// Fields of `assignment` the wrapped text states and the event does not: the subformula and
/// its call go into the prelude, the text's fields after the event's own. Nothing changes when
/// the cluster wraps no text, its values share no template, or the template states nothing new.
pub fn embed(
    kind: Kind,
    members: &[&str],
    head_src: &str,
    assigner: &dyn FieldAssigner,
    assignment: &mut Assignment,
) {
    if kind != Kind::Json {
        return;
    }
    let Some((key, values)) = wrapped(members) else {
        return;
    };
    // A representative sample, evenly spaced, bounds the work on a large cluster.
    let step = values.len().div_ceil(SAMPLE).max(1);
    let texts: Vec<&str> = values.iter().step_by(step).map(String::as_str).collect();
    let sub_kind = ingest::detect::line_kind(texts[0]);
    if !matches!(sub_kind, Kind::Text | Kind::Keyvalue) {
        return;
    }
    let heads = format_synth::synthesize(&[ClusterInput {
        kind: sub_kind,
        members: texts.clone(),
    }]);
    let Some(head) = heads.into_iter().next() else {
        return;
    };
    if !head.header.starts_with("TEXT = ")
        || head.cond.is_some()
        || head.matched < head.size
        || head.captures.is_empty()
    {
        return;
    }
    // The assigner reads the captures by their own names (`$user`, `$port`); they are renamed
    // after.
    let view_head = format!("{}\n", head.header);
    let view = ClusterView {
        kind: sub_kind,
        head: &view_head,
        captures: &head.captures,
        members: &texts,
        identifier: None,
    };
    let Some(sub) = assigner.assign_all(&[view]).into_iter().next() else {
        return;
    };
    let instance: Vec<&str> = field_assign::tsv::table("instance-fields")
        .data()
        .map(|c| c[0])
        .collect();
    let header = rename_captures(&head.header, &head.captures);
    // The text's own variables, the captures and what its prelude defines (`$kv0 = …`), take
    // the prefix so that none meets one of the event's.
    let mut vars = head.captures.clone();
    vars.extend(sub.prelude.iter().filter_map(|p| {
        let (name, _) = p.strip_prefix('$')?.split_once(" = ")?;
        name.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            .then(|| name.to_string())
    }));
    let mut added = Vec::new();
    for mut a in sub.fields {
        if let Source::Expr(e) = &a.source {
            a.source = Source::Expr(rename_expr(e, &vars));
        }
        if a.why == Why::Default {
            continue;
        }
        // A constant of an instance field is a word of the template, no value of the text.
        if matches!(a.source, Source::Const(_)) && instance.contains(&a.field.as_str()) {
            continue;
        }
        if assignment
            .get(&a.field)
            .is_none_or(|m| m.why == Why::Default)
        {
            added.push(a);
        }
    }
    if !added.iter().any(|a| matches!(a.source, Source::Expr(_))) {
        return;
    }
    let template = header.trim_start_matches("TEXT = ");
    let mut with = assignment.clone();
    with.prelude.push(format!(
        "subformula \"{NAME}\"\n    TEXT = {template}\nendsubformula"
    ));
    with.prelude
        .push(format!("submessage(\"TEXT\", \"{NAME}\", ${key})"));
    with.prelude
        .extend(sub.prelude.iter().map(|p| rename_expr(p, &vars)));
    for a in added {
        with.fields.retain(|m| m.field != a.field);
        with.fields.push(a);
    }
    // Kept only when the rule still compiles: a rule that does not loses its expressions.
    let compiles = crate::formula::formula("", head_src, &with, "check")
        .and_then(|src| crate::compile(&src))
        .is_ok();
    if compiles {
        *assignment = with;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_are_renamed_whole() {
        let caps = vec!["time".to_string(), "v1".to_string()];
        assert_eq!(
            rename_captures("TEXT = '{$v1=IPV4} [{$time=DATETIME}] {$v10=WORD}'", &caps),
            "TEXT = '{$msg_v1=IPV4} [{$msg_time=DATETIME}] {$v10=WORD}'"
        );
        assert_eq!(
            rename_expr("if $v1 != \"-\" then $v10 + $v1 endif", &caps),
            "if $msg_v1 != \"-\" then $v10 + $msg_v1 endif"
        );
    }

    #[test]
    fn a_wrapped_line_is_a_message_key_of_text() {
        let m = [
            r#"{"log":"198.51.100.7 - alice [10/Mar/2025:10:50:01 +0000] \"GET / HTTP/1.1\" 200 612\n","stream":"stdout"}"#,
            r#"{"log":"198.51.100.8 - bob [10/Mar/2025:10:50:05 +0000] \"GET /a HTTP/1.1\" 403 153\n","stream":"stdout"}"#,
        ];
        let (key, values) = wrapped(&m).unwrap();
        assert_eq!(key, "log");
        assert!(values[0].ends_with("612"));
        assert!(wrapped(&[
            r#"{"level":"info","msg":"ok"}"#,
            r#"{"level":"info","msg":"ok"}"#
        ])
        .is_none());
    }
}
