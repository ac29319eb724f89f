//! XP expressions over a slot: unquoted, decoded, guarded against placeholders.

use std::collections::BTreeSet;

use crate::engine::values::{is_placeholder_of, unquote};
use crate::slots::Slot;

/// A slot's expression, unquoted when values are quoted: `strip()` takes the quotes off the
/// values that have them and leaves the others (audit writes `comm="nano"` beside the hex
/// `comm=6E616E6F` of a name with special characters).
pub(crate) fn slot_expr(s: &Slot) -> String {
    let is_quoted = |v: &String| v.len() >= 2 && v.starts_with('"') && v.ends_with('"');
    let quoted = s.values.iter().flatten().any(is_quoted)
        && s.values
            .iter()
            .flatten()
            .all(|v| is_quoted(v) || !v.starts_with('"'));
    // Linux audit writes a string value with spaces or control characters as bare hex
    // (`proctitle=2F62696E2F7368002D63`, its arguments NUL-separated): decoded, NULs as spaces.
    let hexed = s.values.iter().flatten().any(|v| hex_text(v))
        && s.values
            .iter()
            .flatten()
            .all(|v| hex_text(v) || is_quoted(v));
    let e = if hexed {
        format!("replace(hex_to_string({}), \" \", \"\\u0000\")", s.expr)
    } else {
        s.expr.clone()
    };
    if quoted {
        format!("strip({e}, '\"', '\"')")
    } else if crate::engine::values::all_bracketed(&s.values) {
        // Every value in square brackets (`ip=[198.51.100.7], port=[51234]`): their inside.
        format!("strip({e}, \"[\", \"]\")")
    } else {
        e
    }
}

/// Whether a bare value is text written as hex the way audit writes it: an even number (8 or
/// more) of hex digits that decode to printable UTF-8 (NUL, tab and line breaks allowed) with a letter in it
/// and a character that made the encoding necessary (a space, a control character, a `"`);
/// a serial that happens to be all hex digits (`31333343`) has none.
pub(crate) fn hex_text(v: &str) -> bool {
    if v.len() < 8 || !v.len().is_multiple_of(2) || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    let bytes: Option<Vec<u8>> = (0..v.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&v[i..i + 2], 16).ok())
        .collect();
    // UTF-8 text (a Cyrillic file name) is text too; random bytes seldom are valid UTF-8.
    // Audit cuts a long value at a byte count, maybe inside the last character.
    let text = bytes.and_then(|b| match std::str::from_utf8(&b) {
        Ok(t) => Some(t.to_string()),
        Err(e) if e.error_len().is_none() => {
            Some(String::from_utf8_lossy(&b[..e.valid_up_to()]).into_owned())
        }
        Err(_) => None,
    });
    text.is_some_and(|t| {
        t.chars()
            .all(|c| matches!(c, '\0' | '\t' | '\n' | '\r') || !c.is_control())
            && t.chars().any(|c| c.is_alphabetic())
            && t.chars().any(|c| c <= ' ' || c == '"')
    })
}

/// The expression a field gets from a slot: `wrapped` as is, or guarded so that the
/// placeholders seen among the members leave the field unset
/// (`if $Data["TargetUserName"] != "-" then lower(…) endif`). `None` when the slot holds
/// nothing but placeholders, or holds whole `key=value` records rather than values.
pub(crate) fn guarded(s: &Slot, wrapped: String) -> Option<String> {
    let (cond, wrapped) = guard_parts(s, wrapped)?;
    Some(match cond {
        Some(cond) => format!("if {cond} then {wrapped} endif"),
        None => wrapped,
    })
}

/// [`guarded`] in parts: the condition under which the slot holds data (none when it always
/// does) and the expression.
pub(crate) fn guard_parts(s: &Slot, wrapped: String) -> Option<(Option<String>, String)> {
    let present: Vec<&str> = s.values.iter().flatten().map(|v| unquote(v)).collect();
    let record = format!("{}=", s.key.to_lowercase());
    if present.is_empty()
        || present.iter().all(|v| is_placeholder_of(&s.key, v))
        || present
            .iter()
            .any(|v| v.to_lowercase().starts_with(&record))
    {
        return None;
    }
    let seen: BTreeSet<&str> = present
        .iter()
        .map(|v| v.trim())
        .filter(|v| is_placeholder_of(&s.key, v))
        .collect();
    if seen.is_empty() {
        return Some((None, wrapped));
    }
    let raw = slot_expr(s);
    let cond: Vec<String> = seen.iter().map(|p| format!("{raw} != \"{p}\"")).collect();
    Some((Some(cond.join(" and ")), wrapped))
}

/// Whether expression `e` reads `x` (`$ip` is not read by `$ip2`).
pub(crate) fn mentions(e: &str, x: &str) -> bool {
    e.match_indices(x).any(|(i, _)| {
        !e[i + x.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}
