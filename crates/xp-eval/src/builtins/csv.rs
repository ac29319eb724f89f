//! `csv(s, sep, quote)` and the `CSV` token: split by a separator (one or more characters);
//! a field that starts with the quote character runs to the closing quote (a doubled quote
//! inside is one quote) and loses its quotes. An empty quote means no quoting. Spaces and
//! tabs at the start of a field are skipped (trailing ones are kept) and an empty field is
//! null (`csv("/bin/ls", "/", "")` is `[null, "bin", "ls"]`).

use std::sync::Arc;

use crate::value::Value;

/// Splits `s`.
pub fn split_csv(s: &str, sep: &str, quote: Option<char>) -> Vec<String> {
    if sep.is_empty() {
        return vec![s.to_string()];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut rest = s;
    let mut field_start = true;
    while !rest.is_empty() {
        if let Some(q) = quote {
            let lead = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if field_start && rest[lead..].starts_with(q) {
                rest = &rest[lead..];
                let mut inner = &rest[q.len_utf8()..];
                loop {
                    match inner.find(q) {
                        Some(i) => {
                            cur.push_str(&inner[..i]);
                            inner = &inner[i + q.len_utf8()..];
                            if inner.starts_with(q) {
                                cur.push(q);
                                inner = &inner[q.len_utf8()..];
                                continue;
                            }
                            break;
                        }
                        None => {
                            cur.push_str(inner);
                            inner = "";
                            break;
                        }
                    }
                }
                rest = inner;
                field_start = false;
                continue;
            }
        }
        if rest.starts_with(sep) {
            out.push(std::mem::take(&mut cur));
            rest = &rest[sep.len()..];
            field_start = true;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        cur.push(c);
        rest = &rest[c.len_utf8()..];
        field_start = false;
    }
    out.push(cur);
    out
}

/// The builtin.
pub fn csv(args: &[Value]) -> Value {
    let (Some(s), Some(sep)) = (args[0].as_str_cow(), args[1].as_str_cow()) else {
        return Value::Null;
    };
    let quote = args
        .get(2)
        .and_then(Value::as_str_cow)
        .and_then(|q| q.chars().next());
    Value::List(Arc::new(
        split_csv(&s, &sep, quote)
            .into_iter()
            .map(|f| field_value(&f))
            .collect(),
    ))
}

/// A split field as a value: leading spaces and tabs skipped, null when empty.
pub fn field_value(f: &str) -> Value {
    let t = f.trim_start_matches([' ', '\t']);
    if t.is_empty() {
        Value::Null
    } else {
        Value::str(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        assert_eq!(
            split_csv("/usr/sbin/sshd", "/", None),
            vec!["", "usr", "sbin", "sshd"]
        );
        assert_eq!(
            split_csv("a,'b,c',d", ",", Some('\'')),
            vec!["a", "b,c", "d"]
        );
        assert_eq!(
            split_csv("POCK\\nil", "\\", Some('\'')),
            vec!["POCK", "nil"]
        );
    }
}
