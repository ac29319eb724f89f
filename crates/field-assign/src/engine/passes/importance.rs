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

/// Severity words by the importance they state, from the highest (`schema/severity-words.tsv`):
/// the highest levels of syslog, application log levels and alert scales are `high`, errors
/// `medium`, warnings and notices `low`, information and debugging `info`.
fn severity_words_by_importance() -> &'static [(&'static str, Vec<&'static str>)] {
    static W: std::sync::OnceLock<Vec<(&'static str, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    W.get_or_init(|| {
        let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
        for c in crate::tsv::table("severity-words").data() {
            match out.iter_mut().find(|(imp, _)| *imp == c[1]) {
                Some((_, words)) => words.push(c[0]),
                None => out.push((c[1], vec![c[0]])),
            }
        }
        out
    })
}

/// A severity or level key whose every value is a severity word (`"severity": "high"`,
/// `level=error`) states the importance, read per event.
pub(crate) fn severity_words(slots: &Slots, b: &mut Builder) {
    if b.has("importance") {
        return;
    }
    let known = |v: &str| {
        let v = unquote(v).trim_matches('"').to_ascii_lowercase();
        severity_words_by_importance()
            .iter()
            .any(|(_, ws)| ws.contains(&v.as_str()))
    };
    let Some(s) = slots.slots.iter().find(|s| {
        lexicon::has_role(&s.key, "severity-key")
            && s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| known(v))
    }) else {
        return;
    };
    let mut e = String::new();
    let levels = severity_words_by_importance();
    for (i, (imp, words)) in levels
        .iter()
        .take(levels.len().saturating_sub(1))
        .enumerate()
    {
        let list: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
        let word = if i == 0 { "if" } else { " elif" };
        e.push_str(&format!(
            "{word} in_list([{}], lower({})) then \"{imp}\"",
            list.join(", "),
            slot_expr(s)
        ));
    }
    let lowest = levels.last().map_or("info", |(imp, _)| imp);
    e.push_str(&format!(" else \"{lowest}\" endif"));
    b.set("importance", Source::Expr(e), Why::Severity);
}

/// The importance of a severity word, if it is one.
pub(crate) fn severity_of(word: &str) -> Option<&'static str> {
    let w = word.to_ascii_lowercase();
    severity_words_by_importance()
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
