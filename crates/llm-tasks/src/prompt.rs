//! Prompts, rendered from the templates in `adapters/prompts/` (embedded at build time).

use ingest::Kind;

/// The fields the `norm-fields` task answers: the classification and the event-source
/// description, which an event's own values do not show.
pub fn answer_fields() -> impl Iterator<Item = &'static str> {
    field_assign::CLASS_FIELDS
        .into_iter()
        .chain(field_assign::SOURCE_FIELDS)
}

/// Whether the `norm-fields` task answers `field`.
pub fn is_answer_field(field: &str) -> bool {
    answer_fields().any(|f| f == field)
}

/// Largest event text put in a prompt, in characters.
pub const MAX_EVENT_CHARS: usize = 1200;

fn env() -> minijinja::Environment<'static> {
    let mut e = minijinja::Environment::new();
    e.set_keep_trailing_newline(true);
    // The template is part of the build; a broken one fails the tests.
    let _ = e.add_template(
        "norm-fields",
        include_str!("../../../adapters/prompts/norm-fields.j2"),
    );
    let _ = e.add_template("msgid", include_str!("../../../adapters/prompts/msgid.j2"));
    let _ = e.add_template("i18n", include_str!("../../../adapters/prompts/i18n.j2"));
    let _ = e.add_template("xp", include_str!("../../../adapters/prompts/xp.j2"));
    let _ = e.add_template(
        "metainfo",
        include_str!("../../../adapters/prompts/metainfo.j2"),
    );
    e
}

/// The `msgid` prompt: the event alone (its kind and text).
pub fn msgid(kind: Kind, raw: &str) -> Result<String, String> {
    env()
        .get_template("msgid")
        .and_then(|t| {
            t.render(minijinja::context! {
                kind => kind.name(),
                event => event_text(kind, raw),
            })
        })
        .map_err(|e| e.to_string())
}

/// The answer of the `msgid` task when the event names no type.
pub const NOT_FIELD: &str = "NOT_FIELD";

/// The expert answer of the `msgid` task for a test pair: the norm's `msgid` when the raw
/// event spells it (an identifier to extract, not one the rule invents), else [`NOT_FIELD`].
pub fn msgid_answer(raw: &str, norm: &serde_json::Map<String, serde_json::Value>) -> String {
    let v = match norm.get("msgid") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => return NOT_FIELD.to_string(),
    };
    let ok = !v.is_empty() && v.len() <= 48 && regex_lite_match(&v) && raw.contains(v.as_str());
    if ok {
        v
    } else {
        NOT_FIELD.to_string()
    }
}

/// Whether `v` is identifier-shaped (letters, digits, `_ . : / -`).
fn regex_lite_match(v: &str) -> bool {
    v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/' | '-'))
}

/// A compact view of an event: `path = value` lines for structured kinds (embedded key=value
/// strings opened), the text itself otherwise; cut at [`MAX_EVENT_CHARS`].
pub fn event_text(kind: Kind, raw: &str) -> String {
    let mut out = match kind {
        Kind::Text | Kind::Keyvalue | Kind::Cef => raw.trim().to_string(),
        _ => {
            let mut s = String::new();
            for (path, value) in format_synth::structured::flatten(kind, raw) {
                if value.starts_with('\u{1}') {
                    continue;
                }
                let p = path
                    .trim_start_matches('$')
                    .replace("[\"", ".")
                    .replace("\"]", "");
                s.push_str(&format!("{p} = {value}\n"));
            }
            s
        }
    };
    if out.chars().count() > MAX_EVENT_CHARS {
        out = out.chars().take(MAX_EVENT_CHARS).collect();
        out.push('…');
    }
    out
}

/// The `norm-fields` prompt.
pub fn norm_fields(kind: Kind, header: &str, raw: &str) -> Result<String, String> {
    let header: String = header.lines().next().unwrap_or("").to_string();
    env()
        .get_template("norm-fields")
        .and_then(|t| {
            t.render(minijinja::context! {
                kind => kind.name(),
                header => header,
                event => event_text(kind, raw),
            })
        })
        .map_err(|e| e.to_string())
}

/// Most field lines in an `i18n` prompt.
pub const MAX_I18N_FIELDS: usize = 24;

/// The fields of a rule as `field = value` lines for the `i18n` prompt: the classification
/// and event-source fields first (they say what happened), then `msgid`, then the rest by
/// name; `id` and `time` left out, values cut at 40 characters, at most [`MAX_I18N_FIELDS`].
/// `norms`: the rule's normalized events; a field takes its first value.
pub fn i18n_fields(norms: &[serde_json::Map<String, serde_json::Value>]) -> String {
    let mut values: std::collections::BTreeMap<&str, String> = std::collections::BTreeMap::new();
    for n in norms {
        for (k, v) in n {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(x) => x.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => continue,
            };
            if k == "id" || k == "time" || text.is_empty() {
                continue;
            }
            values.entry(k.as_str()).or_insert(text);
        }
    }
    let first: Vec<&str> = answer_fields().chain(["msgid"]).collect();
    let mut order: Vec<&str> = first
        .iter()
        .copied()
        .filter(|f| values.contains_key(f))
        .collect();
    order.extend(values.keys().copied().filter(|k| !first.contains(k)));
    order
        .into_iter()
        .take(MAX_I18N_FIELDS)
        .map(|k| {
            let v = &values[k];
            let v: String = if v.chars().count() > 40 {
                v.chars().take(40).chain(['…']).collect()
            } else {
                v.clone()
            };
            format!("{k} = {}", v.replace(['\n', '\r'], " "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `i18n` prompt: the event kind and the fields the rule sets.
pub fn i18n(
    kind: &str,
    norms: &[serde_json::Map<String, serde_json::Value>],
) -> Result<String, String> {
    env()
        .get_template("i18n")
        .and_then(|t| {
            t.render(minijinja::context! {
                kind => kind,
                fields => i18n_fields(norms),
            })
        })
        .map_err(|e| e.to_string())
}

/// Longest event line in a `metainfo` prompt, in characters.
pub const MAX_NAME_EVENT_CHARS: usize = 200;

/// The `metainfo` prompt (the rule's name): the event kind, for a line-shaped event (TEXT,
/// key=value, CEF) its first line cut at [`MAX_NAME_EVENT_CHARS`] (the words that name it),
/// and the fields the rule sets (as for `i18n`). Structured events are named by their fields
/// (msgid, provider, classification), not by their text.
pub fn metainfo(
    kind: &str,
    raw: Option<&str>,
    norms: &[serde_json::Map<String, serde_json::Value>],
) -> Result<String, String> {
    let line_shaped = matches!(kind, "TEXT" | "KEYVALUE" | "CEF");
    let event = raw
        .filter(|_| line_shaped)
        .and_then(|r| r.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| {
            if l.chars().count() > MAX_NAME_EVENT_CHARS {
                l.chars().take(MAX_NAME_EVENT_CHARS).chain(['…']).collect()
            } else {
                l.to_string()
            }
        });
    env()
        .get_template("metainfo")
        .and_then(|t| {
            t.render(minijinja::context! {
                kind => kind,
                event => event,
                fields => i18n_fields(norms),
            })
        })
        .map_err(|e| e.to_string())
}

/// Largest event text in an `xp-*` prompt, in characters.
pub const MAX_XP_EVENT_CHARS: usize = 800;

/// The XP-code task of an event kind: `xp-text` for lines (TEXT, key=value), `xp-structured`
/// for the rest (JSON, EVENTLOG, TABULAR, CEF: their values are variables by path).
pub fn xp_task(kind: Kind) -> llm::Task {
    match kind {
        Kind::Text | Kind::Keyvalue => llm::Task::XpText,
        _ => llm::Task::XpStructured,
    }
}

/// The `xp-text` / `xp-structured` prompt: the kind, the rule's head (header and COND as one
/// line each), the event, and on the repair round the interpreter's errors on the last answer.
pub fn xp(kind: Kind, head: &str, raw: &str, errors: Option<&str>) -> Result<String, String> {
    let mut event = event_text(kind, raw);
    if event.chars().count() > MAX_XP_EVENT_CHARS {
        event = event
            .chars()
            .take(MAX_XP_EVENT_CHARS)
            .chain(['…'])
            .collect();
    }
    let header = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(2)
        .collect::<Vec<_>>()
        .join(" ; ");
    env()
        .get_template("xp")
        .and_then(|t| {
            t.render(minijinja::context! {
                kind => kind.name(),
                header => header,
                event => event.trim_end(),
                errors => errors,
            })
        })
        .map_err(|e| e.to_string())
}

/// The JSON schema of a `norm-fields` answer: an object of the [`answer_fields`] as strings.
pub fn norm_fields_schema() -> serde_json::Value {
    let props: serde_json::Map<String, serde_json::Value> = answer_fields()
        .map(|f| {
            (
                f.to_string(),
                serde_json::json!({"type": "string", "maxLength": 48}),
            )
        })
        .collect();
    serde_json::json!({
        "type": "object",
        "properties": props,
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msgid_prompt_and_answers() {
        let raw = r#"{"EventID": "4624", "user": "ann"}"#;
        let p = msgid(Kind::Json, raw).unwrap();
        assert!(
            p.contains("EventID = 4624") && p.ends_with("msgid:\n"),
            "{p:?}"
        );
        let norm = |v: serde_json::Value| v.as_object().unwrap().clone();
        assert_eq!(
            msgid_answer(raw, &norm(serde_json::json!({"msgid": "4624"}))),
            "4624"
        );
        // A msgid the rule invents is not in the event: nothing to extract.
        assert_eq!(
            msgid_answer(raw, &norm(serde_json::json!({"msgid": "logon"}))),
            NOT_FIELD
        );
        assert_eq!(msgid_answer(raw, &norm(serde_json::json!({}))), NOT_FIELD);
    }

    #[test]
    fn i18n_prompt_orders_the_fields() {
        let n = serde_json::json!({
            "id": "x", "time": "2024-01-01T00:00:00Z", "src.ip": "10.0.0.1",
            "action": "login", "msgid": 4624, "subject.account.name": "ann",
        });
        let p = i18n("EVENTLOG", &[n.as_object().unwrap().clone()]).unwrap();
        assert_eq!(
            p,
            "kind: EVENTLOG\nfields:\naction = login\nmsgid = 4624\nsrc.ip = 10.0.0.1\nsubject.account.name = ann\ndescription:\n"
        );
    }

    #[test]
    fn metainfo_prompt_shows_lines_not_structures() {
        let n = serde_json::json!({"action": "login", "msgid": "4624"});
        let n = [n.as_object().unwrap().clone()];
        let p = metainfo("EVENTLOG", Some("{\"EventID\": 4624}"), &n).unwrap();
        assert_eq!(
            p,
            "kind: EVENTLOG\nfields:\naction = login\nmsgid = 4624\nrule name:\n"
        );
        let long = format!("sshd[1]: Accepted password for ann {}", "x".repeat(300));
        let p = metainfo("TEXT", Some(&long), &n).unwrap();
        assert!(p.starts_with("kind: TEXT\nevent: sshd[1]: Accepted"), "{p}");
        assert!(p.contains("…\nfields:"), "{p}");
    }

    #[test]
    fn renders_the_norm_fields_prompt() {
        let p = norm_fields(Kind::Json, "JSON = ''\nCOND = x", r#"{"a": {"b": "c"}}"#).unwrap();
        assert!(p.contains("kind: JSON"), "{p}");
        assert!(p.contains("a.b = c"), "{p}");
        assert!(p.contains("header: JSON = ''\n"), "{p}");
        assert!(p.ends_with("norm:\n"), "{p:?}");
    }
}
