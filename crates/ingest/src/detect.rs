//! Deciding the kind of a one-line event.

use crate::kind::Kind;
use crate::syslog;

/// Whether a JSON object is a Windows event (`{"Event": {"System": …}}` or with `System` at
/// the top).
pub fn is_eventlog(v: &serde_json::Value) -> bool {
    let sys = |o: &serde_json::Value| {
        o.get("System")
            .is_some_and(|s| s.get("EventID").is_some() || s.get("Provider").is_some())
    };
    v.get("Event").is_some_and(sys) || sys(v)
}

/// The body of a SIEM transport envelope (`{"body": "<event>", "recv_ipv4": …}`): a string
/// `body` beside at least one of the collector's keys.
pub fn envelope_body(v: &serde_json::Value) -> Option<&str> {
    let o = v.as_object()?;
    let body = o.get("body")?.as_str()?;
    xp_taxonomy::ENVELOPE_NAMES
        .iter()
        .any(|k| o.contains_key(*k))
        .then_some(body)
}

/// The kind of a text line (not JSON, not XML, not tabular).
pub fn line_kind(line: &str) -> Kind {
    line_kind_with(line, syslog::parse(line).as_ref())
}

/// [`line_kind`] with the syslog header already parsed.
pub fn line_kind_with(line: &str, header: Option<&syslog::SyslogHeader>) -> Kind {
    let body = header.map_or(line, |h| &line[h.body..]);
    if body.starts_with("CEF:") || line.contains("CEF:0|") || line.contains("CEF:1|") {
        return Kind::Cef;
    }
    if is_keyvalue(body) {
        return Kind::Keyvalue;
    }
    Kind::Text
}

/// Three or more `key=value` pairs that make up most of the text.
pub fn is_keyvalue(body: &str) -> bool {
    if body.bytes().filter(|&b| b == b'=').count() < 3 {
        return false;
    }
    let mut pairs = 0;
    let mut words = 0;
    let mut in_quote = false;
    for w in body.split_whitespace() {
        if in_quote {
            if w.ends_with('"') {
                in_quote = false;
            }
            continue;
        }
        words += 1;
        if let Some((k, v)) = w.split_once('=') {
            if !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            {
                pairs += 1;
                if v.starts_with('"') && !(v.len() > 1 && v.ends_with('"')) {
                    in_quote = true;
                }
            }
        }
    }
    pairs >= 3 && pairs * 4 >= words * 3
}

/// Binary data: NUL bytes or many control characters (over a tenth of the characters are
/// controls other than tab: C0, DEL and C1). One pass over the bytes: a character starts at
/// every byte that is no UTF-8 continuation byte, and a C1 control is `0xC2 0x80..=0x9F`.
pub fn is_binary(line: &str) -> bool {
    let b = line.as_bytes();
    // Most lines are printable ASCII: no control at all (a count, which vectorizes).
    let odd = b
        .iter()
        .filter(|&&c| (c < 0x20 && c != b'\t') || c >= 0x7F)
        .count();
    if odd == 0 {
        return false;
    }
    let (mut ctrl, mut chars) = (0usize, 0usize);
    for (i, &c) in b.iter().enumerate() {
        if c == 0 {
            return true;
        }
        if c & 0xC0 != 0x80 {
            chars += 1;
        }
        let c1 = c == 0xC2 && b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n));
        if (c < 0x20 && c != b'\t') || c == 0x7F || c1 {
            ctrl += 1;
        }
    }
    ctrl * 10 > chars.max(1)
}

/// A CSV/TSV header: at least two separators, every field an identifier-like name.
pub fn header_separator(line: &str) -> Option<u8> {
    [b'\t', b',', b';', b'|'].into_iter().find(|&sep| {
        let fields: Vec<&str> = line.split(sep as char).collect();
        fields.len() >= 3
            && fields.iter().all(|f| {
                let f = f.trim().trim_matches('"');
                !f.is_empty()
                    && f.len() <= 64
                    && f.chars().all(|c| {
                        c.is_alphanumeric() || matches!(c, '_' | ' ' | '-' | '.' | '(' | ')' | '/')
                    })
            })
            && !fields
                .iter()
                .all(|f| f.trim().chars().all(|c| c.is_ascii_digit()))
    })
}

/// Number of fields of a CSV row.
pub fn field_count(line: &str, sep: u8) -> usize {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(sep)
        .flexible(true)
        .from_reader(line.as_bytes());
    r.records()
        .next()
        .and_then(Result::ok)
        .map_or(0, |rec| rec.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `is_binary` implements byte by byte.
    fn binary_by_chars(line: &str) -> bool {
        let ctrl = line
            .chars()
            .filter(|c| c.is_control() && *c != '\t')
            .count();
        line.contains('\0') || ctrl * 10 > line.chars().count().max(1)
    }

    #[test]
    fn binary_by_bytes_is_binary_by_characters() {
        let pieces = [
            "a", "\t", "\u{1}", "\u{7f}", "\u{80}", "\u{9f}", "\u{a0}", "é", "Ж", "\u{85}",
            "\u{2028}", "\u{1b}", "😀", " ", "\r", "\u{c2}",
        ];
        // Every line of up to four pieces, and longer mixes.
        let mut lines = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = lines
                .iter()
                .flat_map(|l| pieces.iter().map(move |p| format!("{l}{p}")))
                .collect();
            lines.extend(next);
            lines.dedup();
            if lines.len() > 20_000 {
                break;
            }
        }
        lines.push(format!("{}\u{1}", "x".repeat(9)));
        lines.push(format!("{}\u{1}", "x".repeat(8)));
        lines.push(format!("{}\u{90}", "é".repeat(9)));
        lines.push("a\0b".into());
        for l in &lines {
            assert_eq!(is_binary(l), binary_by_chars(l), "{l:?}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(
            line_kind("Dec 10 06:55:46 host sshd[1]: Failed password"),
            Kind::Text
        );
        assert_eq!(
            line_kind("<13>Mar 10 06:55:46 fw CEF:0|Acme|FW|1|100|x|5|src=1.2.3.4"),
            Kind::Cef
        );
        assert_eq!(
            line_kind("date=2025-03-10 time=06:55:46 devname=fw01 type=traffic action=deny"),
            Kind::Keyvalue
        );
        assert_eq!(line_kind("user=root logged in from host"), Kind::Text);
        assert_eq!(header_separator("date,src ip,user"), Some(b','));
        assert_eq!(header_separator("Dec 10 06:55:46 host sshd"), None);
    }
}
