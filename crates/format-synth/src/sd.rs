//! RFC 5424 structured data in TEXT members: an element `[SD-ID PARAM="value" …]` is one
//! record of `key="value"` pairs, read whole as `[SD-ID {$sd=KEYVALUE}]` so that its values
//! (addresses, ports, users) reach the rule under their parameter names, whatever their order
//! or number.
//!
//! RFC 5424 §6.3: `SD-ELEMENT = "[" SD-ID *(SP SD-PARAM) "]"`, `SD-PARAM = PARAM-NAME "="
//! %d34 PARAM-VALUE %d34`; names are 1–32 printable US-ASCII characters other than `=`, space,
//! `]` and `"`; inside a value `"`, `\` and `]` are escaped with `\`.
//!
//! `[junos@2636.1.1.1.2.40 source-address="10.0.0.5" source-port="51514"]` →
//! `[junos@2636.1.1.1.2.40 {$sd=KEYVALUE}]`.

/// Longest SD-ID and PARAM-NAME (RFC 5424 `SD-NAME`).
const MAX_NAME: usize = 32;

/// The byte offset of the `]` closing the structured-data element that opens at byte `i` of
/// `line`, when one with at least one parameter opens there.
pub fn element_end(line: &str, i: usize) -> Option<usize> {
    let b = line.as_bytes();
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    let id = name_len(&b[j..]);
    if id == 0 {
        return None;
    }
    j += id;
    let mut params = 0;
    while b.get(j) == Some(&b' ') {
        j += 1;
        let n = name_len(&b[j..]);
        if n == 0 || b.get(j + n) != Some(&b'=') || b.get(j + n + 1) != Some(&b'"') {
            return None;
        }
        j += n + 2;
        // The value, up to its unescaped closing quote.
        loop {
            match b.get(j)? {
                b'\\' => j += 2,
                b'"' => break,
                _ => j += 1,
            }
        }
        j += 1;
        params += 1;
    }
    (params > 0 && b.get(j) == Some(&b']')).then_some(j)
}

/// Whether `text` is one whole structured-data element.
pub fn is_element(text: &str) -> bool {
    element_end(text, 0) == Some(text.len().wrapping_sub(1))
}

/// The SD-ID of an element (`junos@2636.1.1.1.2.40`).
pub fn id(element: &str) -> &str {
    let b = element.as_bytes();
    let n = name_len(b.get(1..).unwrap_or_default());
    element.get(1..1 + n).unwrap_or("")
}

/// Length of the SD-NAME at the start of `b` (0 when none, or one longer than allowed).
fn name_len(b: &[u8]) -> usize {
    let n = b
        .iter()
        .take_while(|&&c| (33..=126).contains(&c) && !matches!(c, b'=' | b']' | b'"'))
        .count();
    if n > MAX_NAME {
        0
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_as_rfc_5424_writes_them() {
        // RFC 5424 §6.5, example 3.
        let line = r#"[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] msg"#;
        let end = element_end(line, 0).unwrap();
        assert_eq!(&line[end..end + 2], "][");
        assert!(is_element(&line[..=end]));
        assert_eq!(id(&line[..=end]), "exampleSDID@32473");
        let second = element_end(line, end + 1).unwrap();
        assert_eq!(id(&line[end + 1..=second]), "examplePriority@32473");
        // Escapes inside a value.
        assert!(is_element(r#"[a b="x\"y\]z"]"#));
    }

    #[test]
    fn refuses_what_is_no_element() {
        for text in [
            "[]",
            "[id]",
            "[id ]",
            r#"[id a=1]"#,
            r#"[id a="1"#,
            r#"[id a="1" ]"#,
            "[10/Oct/2000:13:55:36 -0700]",
            r#"[a="1"]"#,
        ] {
            assert!(!is_element(text), "{text}");
        }
        let long = format!("[{} a=\"1\"]", "x".repeat(33));
        assert!(!is_element(&long));
        assert_eq!(element_end("x", 5), None);
    }
}
