//! CEF events as TEXT format strings: the seven header fields as literals or tokens, the
//! extension as KEYVALUE.
//!
//! XP has no CEF header kind; expert-style CEF rules are TEXT rules over
//! `CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension`. A field with one
//! value in every member stays literal (vendor, product and signature usually do, and they
//! separate the clusters), except the device version and severity, which are data; a varying
//! field becomes `{$name=UNTIL("|")}` (NUMBER for numbers,
//! the last field before the extension included). The extension is `{$ext=KEYVALUE}` when it
//! is a clean run of pairs in every member, else `{$ext=REST}` for `keyvalue()` to read (CEF
//! values may hold unquoted spaces). Text before `CEF:` (a syslog header) is synthesized as
//! TEXT.

use crate::lit::literal;
use crate::text;

/// Names of the header fields, in order (the variables of the CEF input, too).
pub const FIELDS: [&str; 7] = xp_eval::input::cef::HEADER_NAMES;

/// A CEF event cut into its parts.
struct Parts<'a> {
    prefix: &'a str,
    fields: Vec<&'a str>,
    ext: &'a str,
}

fn cut(line: &str) -> Option<Parts<'_>> {
    let at = line.find("CEF:")?;
    let rest = &line[at + 4..];
    let b = rest.as_bytes();
    let mut fields = Vec::with_capacity(7);
    let mut start = 0;
    let mut i = 0;
    while i < b.len() && fields.len() < 7 {
        match b[i] {
            b'\\' => i += 2,
            b'|' => {
                fields.push(&rest[start..i]);
                start = i + 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    if fields.len() < 7 {
        return None;
    }
    Some(Parts {
        prefix: line[..at].trim_end(),
        fields,
        ext: rest[start.min(rest.len())..].trim_end(),
    })
}

/// The TEXT template for CEF members, with its captures; `None` when a member is not CEF.
pub fn synthesize(members: &[&str]) -> Option<(String, Vec<String>)> {
    let parts: Vec<Parts<'_>> = members.iter().map(|m| cut(m)).collect::<Option<_>>()?;
    let mut tpl = String::new();
    let mut captures = Vec::new();
    if parts.iter().any(|p| !p.prefix.is_empty()) {
        let prefixes: Vec<&str> = parts.iter().map(|p| p.prefix).collect();
        let t = text::synthesize(&prefixes, false);
        tpl.push_str(t.template.trim_end());
        tpl.push(' ');
        captures.extend(t.captures.into_iter().map(|(n, _)| n));
    }
    tpl.push_str("CEF:");
    for (i, name) in FIELDS.iter().enumerate() {
        let values: Vec<&str> = parts.iter().map(|p| p.fields[i]).collect();
        // Version and severity vary from event to event of one type even when a cluster
        // happens to show one value: always tokens.
        let data = matches!(*name, "device_version" | "severity");
        if !data && values.iter().all(|v| *v == values[0]) {
            tpl.push_str(&literal(values[0]));
            tpl.push('|');
        } else if values
            .iter()
            .all(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        {
            tpl.push_str(&format!("{{${name}=NUMBER}}|"));
            captures.push((*name).to_string());
        } else {
            tpl.push_str(&format!("{{${name}=UNTIL(\"|\")}}"));
            captures.push((*name).to_string());
        }
    }
    if parts.iter().any(|p| !p.ext.is_empty()) {
        let exts: Vec<&str> = parts.iter().map(|p| p.ext).collect();
        let clean = exts.iter().all(|e| {
            let mut ends = xp_eval::builtins::keyvalue::scan_kv(
                e,
                0,
                " ",
                "=",
                None,
                xp_eval::builtins::keyvalue::Ends::Pairs,
            );
            ends.sort_unstable();
            ends.last() == Some(&e.len())
        });
        if clean {
            tpl.push_str("{$ext=KEYVALUE(\" \", \"=\", \"\")}");
        } else {
            tpl.push_str("{$ext=REST}");
        }
        captures.push("ext".to_string());
    }
    Some((tpl, captures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_fields_stay_literal() {
        let m = [
            "Mar 10 06:50:40 ids-01 CEF:0|Examplesoft|NetSentry IDS|3.4.1|200101|TCP port sweep|6|src=198.51.100.140 dst=192.0.2.10 act=alert",
            "Mar 10 06:51:02 ids-01 CEF:0|Examplesoft|NetSentry IDS|3.4.2|200101|TCP port sweep|7|src=198.51.100.141 dst=192.0.2.11 act=alert",
        ];
        let (t, caps) = synthesize(&m).unwrap();
        assert_eq!(
            t,
            "{$time=DATETIME} {$host=HOSTNAME} CEF:0|Examplesoft|NetSentry IDS|{$device_version=UNTIL(\"|\")}200101|TCP port sweep|{$severity=NUMBER}|{$ext=KEYVALUE(\" \", \"=\", \"\")}"
        );
        assert_eq!(
            caps,
            vec!["time", "host", "device_version", "severity", "ext"]
        );
    }

    #[test]
    fn spaces_in_values_fall_back_to_rest() {
        let m = ["CEF:0|V|P|1.0|7|N|3|msg=port sweep detected src=10.0.0.1"];
        let (t, _) = synthesize(&m).unwrap();
        assert_eq!(
            t,
            "CEF:0|V|P|{$device_version=UNTIL(\"|\")}7|N|{$severity=NUMBER}|{$ext=REST}"
        );
        assert!(synthesize(&["CEF:0|V|P|1"]).is_none());
    }
}
