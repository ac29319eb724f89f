//! The CEF header of a format string (`CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|`):
//! which of its fields the cluster's events share literally and which the header captures,
//! so the engine can state the conventions every CEF rule follows (vendor and product as the
//! event source, the signature as msgid, the severity as importance).

/// A header field: the same text in every event, or the variable that captures it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Literal text (CEF escapes `\|` and `\\` undone).
    Literal(String),
    /// A `{$var=…}` capture: the variable with its `$`.
    Var(String),
}

/// The seven header fields after `CEF:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Device vendor.
    pub vendor: Part,
    /// Device product.
    pub product: Part,
    /// Signature (event class) id.
    pub signature: Part,
    /// Name.
    pub name: Part,
    /// Severity.
    pub severity: Part,
}

/// The header fields of a TEXT format string for CEF events, if it is one.
pub fn header(head: &str) -> Option<Header> {
    let start = head.find("CEF:")?;
    let text = &head[start..];
    let mut fields: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                depth += 1;
                cur.push(c);
            }
            '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
                // `UNTIL("|")` takes the separator with the field.
                if depth == 0 && cur.ends_with("UNTIL(\"|\")}") {
                    fields.push(std::mem::take(&mut cur));
                    if fields.len() == 7 {
                        break;
                    }
                }
            }
            '\\' if depth == 0 => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '|' if depth == 0 => {
                fields.push(std::mem::take(&mut cur));
                if fields.len() == 7 {
                    break;
                }
            }
            _ => cur.push(c),
        }
    }
    if fields.len() < 7 {
        return None;
    }
    let part = |f: &str| -> Part {
        match (f.find("{$"), f.find('=')) {
            (Some(i), Some(j)) if j > i => Part::Var(f[i + 1..j].to_string()),
            _ => Part::Literal(f.to_string()),
        }
    };
    Some(Header {
        vendor: part(&fields[1]),
        product: part(&fields[2]),
        signature: part(&fields[4]),
        name: part(&fields[5]),
        severity: part(&fields[6]),
    })
}

/// A vendor or product name as the taxonomy's event_src values write them: lower case, words
/// joined by `_` (`NetSentry IDS` → `netsentry_ids`).
pub fn source_name(s: &str) -> Option<String> {
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (!words.is_empty()).then(|| words.join("_"))
}

/// The importance a CEF severity states: 0–3 low, 4–6 medium, 7–10 high (ArcSight's bands;
/// the taxonomy has no level above high), or the same words spelled out.
pub fn importance(severity: &str) -> Option<&'static str> {
    let s = severity.trim();
    if let Ok(n) = s.parse::<u32>() {
        return match n {
            0..=3 => Some("low"),
            4..=6 => Some("medium"),
            7..=10 => Some("high"),
            _ => None,
        };
    }
    match s.to_ascii_lowercase().as_str() {
        "low" => Some("low"),
        "medium" => Some("medium"),
        "high" | "very-high" | "very high" => Some("high"),
        _ => None,
    }
}

/// An XP expression giving the importance from a captured numeric severity.
pub fn importance_expr(var: &str) -> String {
    format!(
        "if number({var}) >= 7 then \"high\" elif number({var}) >= 4 then \"medium\" else \"low\" endif"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_literal_and_captured_fields() {
        let h = header(
            "TEXT = 'CEF:0|Examplesoft|NetSentry IDS|{$device_version=UNTIL(\"|\")}300417|SSH brute force attempt|{$severity=NUMBER}|{$ext=REST}'",
        )
        .unwrap();
        assert_eq!(h.vendor, Part::Literal("Examplesoft".into()));
        assert_eq!(h.product, Part::Literal("NetSentry IDS".into()));
        assert_eq!(h.signature, Part::Literal("300417".into()));
        assert_eq!(h.name, Part::Literal("SSH brute force attempt".into()));
        assert_eq!(h.severity, Part::Var("$severity".into()));
        assert_eq!(header("TEXT = '{$time=DATETIME} sshd: x'"), None);
    }

    #[test]
    fn names_and_severities() {
        assert_eq!(
            source_name("NetSentry IDS").as_deref(),
            Some("netsentry_ids")
        );
        assert_eq!(importance("8"), Some("high"));
        assert_eq!(importance("5"), Some("medium"));
        assert_eq!(importance("Low"), Some("low"));
        assert_eq!(importance("x"), None);
    }
}
