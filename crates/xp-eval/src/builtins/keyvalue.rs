//! `keyvalue(s, pair_sep, kv_sep[, quote])` and the `KEYVALUE` token.
//!
//! Pairs are separated by `pair_sep` (a single space also accepts any run of whitespace); each
//! pair is split at its first `kv_sep`; keys and values are trimmed; a piece without `kv_sep`
//! continues the previous value (`op=adding group to /etc/gshadow id=1` gives `op` = `adding
//! group to /etc/gshadow`; with a separator other than a space the piece keeps its leading
//! whitespace, so an indented line of a multi-line value stays indented); an empty value is null; the first occurrence of a key wins. With a `quote` character, a value that
//! starts with it runs to the matching quote (separators inside are kept) and loses its
//! quotes; without one, quotes are ordinary characters and stay in the value.

use std::sync::Arc;

use crate::value::{Map, Str, Value};

/// Parses `s` into a map.
pub fn parse_kv(s: &str, pair_sep: &str, kv_sep: &str, quote: Option<char>) -> Map {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if kv_sep.is_empty() {
        return Map::new();
    }
    let joiner = if pair_sep == " " { " " } else { pair_sep };
    let mut rest = s;
    while !rest.is_empty() {
        let (piece, next) = next_piece(rest, pair_sep, kv_sep, quote);
        match piece.find(kv_sep) {
            Some(eq) if !piece[..eq].trim().is_empty() => {
                pairs.push((
                    piece[..eq].trim(),
                    piece[eq + kv_sep.len()..].trim().to_string(),
                ));
            }
            _ => {
                // A piece without a separator continues the previous value:
                // `op=adding group to /etc/gshadow id=1001`. Between pairs separated by
                // whitespace the pieces are words; with an explicit separator (a line break)
                // a piece is a line of the value and keeps its indentation
                // (`statement:SELECT a,\n\t\tb` keeps the tabs).
                if let Some((_, v)) = pairs.last_mut() {
                    if pair_sep == " " {
                        if !piece.trim().is_empty() {
                            v.push_str(joiner);
                            v.push_str(piece.trim());
                        }
                    } else {
                        v.push_str(joiner);
                        v.push_str(piece);
                    }
                }
            }
        }
        rest = next;
    }
    let mut map = Map::with_capacity(pairs.len());
    for (k, v) in pairs {
        let mut val: &str = v.trim_end();
        if let Some(q) = quote {
            if val.len() >= 2 * q.len_utf8() && val.starts_with(q) && val.ends_with(q) {
                val = &val[q.len_utf8()..val.len() - q.len_utf8()];
            } else if let Some(rest) = val.strip_prefix(q) {
                if !rest.contains(q) {
                    val = rest;
                }
            }
        }
        // An empty value reads as null (`Command Path = ` is an absent path).
        let v = if val.is_empty() {
            Value::Null
        } else {
            Value::str(val)
        };
        map.insert_if_absent(Str::new(k), v);
    }
    map
}

/// Splits off the next pair: returns `(pair text, remaining text)`.
fn next_piece<'a>(
    s: &'a str,
    pair_sep: &str,
    kv_sep: &str,
    quote: Option<char>,
) -> (&'a str, &'a str) {
    let ws_sep = pair_sep == " ";
    let b = s.as_bytes();
    let mut i = 0;
    // Inside the value part, a quoted run hides separators. The value starts after the
    // separator of this piece's own key (a key holds no whitespace): with `kv_sep` ": " and
    // whitespace between pairs, `Src: 10.0.0.1 Dst: 10.0.0.2` splits after each value, not
    // inside the separator.
    let value_start = s
        .find(kv_sep)
        .filter(|&p| !s[..p].trim_start().bytes().any(crate::text::tokens::is_ws))
        .map(|p| p + kv_sep.len());
    while i < b.len() {
        if let (Some(q), Some(vs)) = (quote, value_start) {
            if i >= vs && s[i..].starts_with(q) && s[vs..i].trim().is_empty() {
                match s[i + q.len_utf8()..].find(q) {
                    Some(close) => {
                        i += q.len_utf8() + close + q.len_utf8();
                        continue;
                    }
                    // An unclosed quote runs to the end of the text.
                    None => return (s, ""),
                }
            }
        }
        if ws_sep && crate::text::tokens::is_ws(b[i]) && value_start.is_none_or(|vs| i >= vs) {
            let mut j = i;
            while j < b.len() && crate::text::tokens::is_ws(b[j]) {
                j += 1;
            }
            return (&s[..i], &s[j..]);
        }
        if !ws_sep && !pair_sep.is_empty() && s[i..].starts_with(pair_sep) {
            return (&s[..i], &s[i + pair_sep.len()..]);
        }
        i += s[i..].chars().next().map_or(1, char::len_utf8);
    }
    (s, "")
}

/// Which ends [`scan_kv`] gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ends {
    /// One per pair.
    Pairs,
    /// Where a KEYVALUE token may end: after each pair, and after a quoted value's closing
    /// quote when text without a separator follows it, as RFC 5424 structured data closes its
    /// element right there (`[origin ip="10.0.0.1"]`).
    Token,
}

/// Ends of successive `key=value` pairs starting at `pos` ([`Ends`]), longest first. A pair
/// needs a non-empty key of non-whitespace characters without `kv_sep`.
pub fn scan_kv(
    text: &str,
    pos: usize,
    pair_sep: &str,
    kv_sep: &str,
    quote: Option<char>,
    which: Ends,
) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = pos;
    loop {
        let rest = &text[at..];
        let Some(eq) = rest.find(kv_sep) else { break };
        let key = &rest[..eq];
        if key.is_empty() || key.bytes().any(crate::text::tokens::is_ws) {
            break;
        }
        let (piece, _) = next_piece(rest, pair_sep, kv_sep, quote);
        let end = at + piece.trim_end().len();
        if end <= at + eq {
            break;
        }
        // A quoted value may end the token at its closing quote ([`Ends::Token`]).
        if let Some(q) = quote.filter(|_| which == Ends::Token) {
            let value = &rest[eq + kv_sep.len()..piece.len()];
            let lead = value.len() - value.trim_start().len();
            if let Some(inner) = value[lead..].strip_prefix(q) {
                if let Some(close) = inner.find(q) {
                    let quoted_end =
                        at + eq + kv_sep.len() + lead + q.len_utf8() + close + q.len_utf8();
                    if quoted_end < end {
                        ends.push(quoted_end);
                    }
                }
            }
        }
        ends.push(end);
        // Skip the separator to the next pair.
        let mut next = at + piece.len();
        let b = text.as_bytes();
        if pair_sep == " " {
            while next < b.len() && crate::text::tokens::is_ws(b[next]) {
                next += 1;
            }
        } else if text[next..].starts_with(pair_sep) {
            next += pair_sep.len();
            while next < b.len() && b[next] == b' ' {
                next += 1;
            }
        }
        if next >= text.len() || next == at {
            break;
        }
        at = next;
    }
    ends.reverse();
    ends
}

/// The builtin: `keyvalue(s, pair_sep, kv_sep[, quote])`.
pub fn keyvalue(args: &[Value]) -> Value {
    let (Some(s), Some(ps), Some(ks)) = (
        args[0].as_str_cow(),
        args[1].as_str_cow(),
        args[2].as_str_cow(),
    ) else {
        return Value::Null;
    };
    let quote = args
        .get(3)
        .and_then(Value::as_str_cow)
        .and_then(|q| q.chars().next());
    Value::Map(Arc::new(parse_kv(&s, &ps, &ks, quote)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(m: &Map, k: &str) -> String {
        m.get(k)
            .and_then(Value::to_text)
            .unwrap_or_else(|| "<null>".into())
    }

    #[test]
    fn auditd_nested_quotes() {
        let raw = r#"pid=1203 uid=0 msg='op=login id=0 exe="/usr/sbin/sshd" hostname=? res=success' UID="root""#;
        let m = parse_kv(raw, " ", "=", Some('\''));
        assert_eq!(get(&m, "pid"), "1203");
        assert_eq!(
            get(&m, "msg"),
            r#"op=login id=0 exe="/usr/sbin/sshd" hostname=? res=success"#
        );
        assert_eq!(get(&m, "UID"), "\"root\"");
        let inner = parse_kv(&get(&m, "msg"), " ", "=", Some('"'));
        assert_eq!(get(&inner, "exe"), "/usr/sbin/sshd");
        assert_eq!(get(&inner, "res"), "success");
    }

    #[test]
    fn pieces_without_separator_continue_the_value() {
        let m = parse_kv(
            "op=adding group to /etc/gshadow id=1001 subj==unconfined",
            " ",
            "=",
            None,
        );
        assert_eq!(get(&m, "op"), "adding group to /etc/gshadow");
        assert_eq!(get(&m, "id"), "1001");
        assert_eq!(get(&m, "subj"), "=unconfined");
    }

    #[test]
    fn line_separated_and_trimmed() {
        let m = parse_kv(
            "        Severity = Informational\r\n        Host Name = ConsoleHost\r\n",
            "\r\n",
            "=",
            None,
        );
        assert_eq!(get(&m, "Host Name"), "ConsoleHost");
    }

    #[test]
    fn scan_finds_pair_runs() {
        let t = "a=1 b=\"x y\" c=3 tail";
        let ends = scan_kv(t, 0, " ", "=", Some('"'), Ends::Pairs);
        assert_eq!(&t[..ends[0]], "a=1 b=\"x y\" c=3");
        assert_eq!(ends.len(), 3);
    }

    #[test]
    fn a_closing_quote_may_end_the_run() {
        // RFC 5424 structured data: the element closes right after the last quoted value.
        let t = r#"a="1" b="x]y"] msg"#;
        let ends = scan_kv(t, 0, " ", "=", Some('"'), Ends::Token);
        let texts: Vec<&str> = ends.iter().map(|&e| &t[..e]).collect();
        assert_eq!(texts, [r#"a="1" b="x]y"]"#, r#"a="1" b="x]y""#, r#"a="1""#]);
        let m = parse_kv(&t[..ends[1]], " ", "=", Some('"'));
        assert_eq!(get(&m, "b"), "x]y");
        // One end per pair for the scan of pairs.
        assert_eq!(scan_kv(t, 0, " ", "=", Some('"'), Ends::Pairs).len(), 2);
        // Without a quote character, or with nothing after the quote, no end is added.
        assert_eq!(
            scan_kv(r#"a="1"]"#, 0, " ", "=", None, Ends::Token).len(),
            1
        );
        assert_eq!(
            scan_kv(r#"a="1" b=2"#, 0, " ", "=", Some('"'), Ends::Token).len(),
            2
        );
    }

    #[test]
    fn colon_pairs_between_whitespace() {
        let t = "Src: 10.0.0.1 Dst: 10.0.0.2 Rule: allow web Proto: tcp";
        let m = parse_kv(t, " ", ": ", Some('"'));
        assert_eq!(get(&m, "Src"), "10.0.0.1");
        assert_eq!(get(&m, "Dst"), "10.0.0.2");
        assert_eq!(get(&m, "Rule"), "allow web");
        assert_eq!(get(&m, "Proto"), "tcp");
        // The TEXT token takes whole pairs only, as with `=`: a value with a space ends the run.
        let ends = scan_kv(t, 0, " ", ": ", Some('"'), Ends::Pairs);
        assert_eq!(ends.len(), 3);
        let t = "Src: 10.0.0.1 Dst: 10.0.0.2 Proto: tcp";
        assert_eq!(scan_kv(t, 0, " ", ": ", Some('"'), Ends::Pairs)[0], t.len());
    }
}
