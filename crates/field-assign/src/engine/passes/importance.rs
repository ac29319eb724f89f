//! **importance** from severity words: a severity or level key whose values are severity words
//! (`level=error`), an upper-case level capture of a TEXT message, or a level the header writes
//! as text (`FATAL:`, `[error]`).
//!
//! `"severity": "high"` → `importance = if in_list(["emerg", …], lower($severity)) then "high" … endif`.

use crate::engine::builder::Builder;
use crate::engine::expr::slot_expr;
use crate::engine::values::unquote;
use crate::slots::{Slot, Slots};
use crate::{lexicon, Source, Why};

/// Severity words and the importance they state: the highest levels of syslog, application
/// log levels and alert scales are `high`, errors `medium`, warnings and notices `low`,
/// information and debugging `info`.
const SEVERITY_WORDS: &[(&str, &[&str])] = &[
    (
        "high",
        &[
            "emerg",
            "emergency",
            "alert",
            "crit",
            "critical",
            "fatal",
            "high",
        ],
    ),
    ("medium", &["err", "error", "medium"]),
    ("low", &["warn", "warning", "notice", "low"]),
    ("info", &["info", "informational", "debug", "trace"]),
];

/// A severity or level key whose every value is a severity word (`"severity": "high"`,
/// `level=error`) states the importance, read per event.
pub(crate) fn severity_words(slots: &Slots, b: &mut Builder) {
    if b.has("importance") {
        return;
    }
    let known = |v: &str| {
        let v = unquote(v).trim_matches('"').to_ascii_lowercase();
        SEVERITY_WORDS
            .iter()
            .any(|(_, ws)| ws.contains(&v.as_str()))
    };
    let Some(s) = slots.slots.iter().find(|s| {
        matches!(
            lexicon::normalize_key(&s.key).as_str(),
            "severity" | "level" | "loglevel" | "severitylevel" | "priority" | "sev"
        ) && s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| known(v))
    }) else {
        return;
    };
    let mut e = String::new();
    for (i, (imp, words)) in SEVERITY_WORDS.iter().take(3).enumerate() {
        let list: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
        let word = if i == 0 { "if" } else { " elif" };
        e.push_str(&format!(
            "{word} in_list([{}], lower({})) then \"{imp}\"",
            list.join(", "),
            slot_expr(s)
        ));
    }
    e.push_str(" else \"info\" endif");
    b.set("importance", Source::Expr(e), Why::Severity);
}

/// The importance of a severity word, if it is one.
pub(crate) fn severity_of(word: &str) -> Option<&'static str> {
    let w = word.to_ascii_lowercase();
    SEVERITY_WORDS
        .iter()
        .find(|(_, ws)| ws.contains(&w.as_str()))
        .map(|(imp, _)| *imp)
}

/// A TEXT message's log level: a capture whose every value is an upper-case level word
/// (`INFO`, `WARN`, `ERROR`), read per event; else a level the header writes as constant text,
/// an upper-case word (`FATAL:`, `- WARN [`) or bracketed in any case (`[error]`).
pub(crate) fn text_level(head: &str, slots: &Slots, b: &mut Builder) {
    if b.has("importance") {
        return;
    }
    let upper_level = |v: &str| {
        let v = unquote(v);
        !v.is_empty() && v.bytes().all(|c| c.is_ascii_uppercase()) && severity_of(v).is_some()
    };
    if let Some(s) = slots.slots.iter().find(|s| {
        s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| upper_level(v))
    }) {
        let key = Slot {
            key: "level".into(),
            ..s.clone()
        };
        severity_words(
            &Slots {
                prelude: Vec::new(),
                slots: vec![key],
            },
            b,
        );
        return;
    }
    // The header's literal text (the format string, quotes and captures left out).
    let Some(start) = head.find("TEXT = '") else {
        return;
    };
    let template = &head[start + 8..];
    let mut literal = String::new();
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            '\'' if depth == 0 => break,
            _ if depth == 0 => literal.push(c),
            _ => literal.push(' '),
        }
    }
    let level = literal.split_whitespace().find_map(|w| {
        let bracketed = w
            .strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .or_else(|| w.strip_prefix('<').and_then(|x| x.strip_suffix('>')));
        match bracketed {
            Some(x) => severity_of(x),
            None => {
                let x = w.strip_suffix(':').unwrap_or(w);
                (x.len() >= 3 && x.bytes().all(|c| c.is_ascii_uppercase()))
                    .then(|| severity_of(x))
                    .flatten()
            }
        }
    });
    if let Some(imp) = level {
        b.set("importance", Source::Const(imp.into()), Why::Level);
    }
}
