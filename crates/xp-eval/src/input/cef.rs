//! ArcSight CEF (normforge extension): `[syslog prefix ]CEF:Version|Device Vendor|Device
//! Product|Device Version|Signature ID|Name|Severity|Extension`.
//!
//! Variables: `$cef_version`, `$device_vendor`, `$device_product`, `$device_version`,
//! `$signature_id`, `$name`, `$severity`, `$extension` (map of all extension keys),
//! `$syslog_prefix` (text before `CEF:`, trimmed), and every extension key as `$<key>`.

use std::sync::Arc;

use crate::input::Bindings;
use crate::value::{Map, Str, Value};

/// The variables of the seven header fields, in order.
pub const HEADER_NAMES: [&str; 7] = [
    "cef_version",
    "device_vendor",
    "device_product",
    "device_version",
    "signature_id",
    "name",
    "severity",
];

/// Parses a CEF event into bindings.
pub fn decode_cef(raw: &str) -> Result<Bindings, String> {
    let line = raw.trim_end_matches(['\r', '\n']);
    let at = line
        .find("CEF:")
        .ok_or("not a CEF event: no `CEF:` marker")?;
    let prefix = line[..at].trim();
    let rest = &line[at + 4..];
    let mut fields = Vec::with_capacity(7);
    let mut cur = String::new();
    let mut chars = rest.char_indices();
    let mut ext_start = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, e)) => cur.push(e),
                None => cur.push('\\'),
            },
            '|' => {
                fields.push(std::mem::take(&mut cur));
                if fields.len() == 7 {
                    ext_start = Some(i + 1);
                    break;
                }
            }
            _ => cur.push(c),
        }
    }
    let Some(ext_start) = ext_start else {
        return Err(format!(
            "not a CEF event: the header has {} of its 7 `|`-separated fields",
            fields.len() + 1
        ));
    };
    let mut b: Bindings = Vec::with_capacity(16);
    for (name, v) in HEADER_NAMES.iter().zip(fields) {
        b.push((Str::new(name), Value::from(v)));
    }
    b.push((
        Str::new("syslog_prefix"),
        if prefix.is_empty() {
            Value::Null
        } else {
            Value::str(prefix)
        },
    ));
    let ext = parse_extension(&rest[ext_start..]);
    for (k, v) in ext.iter() {
        b.push((k.clone(), v.clone()));
    }
    b.push((Str::new("extension"), Value::Map(Arc::new(ext))));
    Ok(b)
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'[' | b']')
}

/// Finds `key=` starts: a key is preceded by start or a space and followed by `=`.
fn parse_extension(ext: &str) -> Map {
    let b = ext.as_bytes();
    let mut starts = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if (i == 0 || b[i - 1] == b' ') && is_key_char(b[i]) {
            let mut j = i;
            while j < b.len() && is_key_char(b[j]) {
                j += 1;
            }
            if j < b.len() && b[j] == b'=' && (j == 0 || b[j - 1] != b'\\') {
                starts.push((i, j));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    let mut map = Map::with_capacity(starts.len());
    for (n, &(ks, ke)) in starts.iter().enumerate() {
        let vend = starts.get(n + 1).map_or(b.len(), |&(next, _)| next);
        let raw = ext[ke + 1..vend].trim_end();
        map.insert(Str::new(&ext[ks..ke]), Value::from(unescape(raw)));
    }
    map
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(e) => out.push(e),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_extension() {
        let b = decode_cef(r"<13>Mar 10 06:55:46 fw CEF:0|Acme|FW\|X|1.0|100|Port scan|5|src=192.0.2.1 msg=hello world a\=b dpt=22").unwrap();
        let get = |k: &str| {
            b.iter()
                .find(|(n, _)| &**n == k)
                .unwrap()
                .1
                .to_text()
                .unwrap()
        };
        assert_eq!(get("device_product"), "FW|X");
        assert_eq!(get("msg"), "hello world a=b");
        assert_eq!(get("dpt"), "22");
        assert_eq!(get("syslog_prefix"), "<13>Mar 10 06:55:46 fw");
    }

    #[test]
    fn short_header_is_an_error() {
        assert!(decode_cef("CEF:0|a|b").is_err());
    }
}
