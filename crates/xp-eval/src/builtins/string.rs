//! String built-ins. Offsets are byte offsets (clamped to character boundaries); any null
//! argument where a string is needed gives null.

use smol_str::StrExt;

use crate::builtins::regex_cache::{self, Flavor};
use crate::value::Value;

fn s(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        Value::Null | Value::List(_) | Value::Map(_) => None,
        other => other.as_str_cow(),
    }
}

fn floor(st: &str, i: usize) -> usize {
    xp_syntax::span::floor_char_boundary(st, i)
}

/// `lower(s)`.
pub fn lower(a: &[Value]) -> Value {
    ascii_case(
        &a[0],
        |b| b.is_ascii_uppercase(),
        |x| x.to_ascii_lowercase_smolstr(),
    )
    .unwrap_or_else(|| s(&a[0]).map_or(Value::Null, |x| Value::from(x.to_lowercase())))
}

/// `upper(s)`.
pub fn upper(a: &[Value]) -> Value {
    ascii_case(
        &a[0],
        |b| b.is_ascii_lowercase(),
        |x| x.to_ascii_uppercase_smolstr(),
    )
    .unwrap_or_else(|| s(&a[0]).map_or(Value::Null, |x| Value::from(x.to_uppercase())))
}

/// Case conversion of ASCII text, which needs no Unicode tables and no allocation: the value
/// itself when no byte `changes`, else `convert` of it (short results inline); `None` for
/// anything else (non-ASCII text, other values), left to the Unicode conversion.
fn ascii_case(
    v: &Value,
    changes: impl Fn(u8) -> bool,
    convert: impl Fn(&str) -> smol_str::SmolStr,
) -> Option<Value> {
    let Value::Str(x) = v else { return None };
    if !x.is_ascii() {
        return None;
    }
    Some(if x.bytes().any(changes) {
        Value::Str(convert(x))
    } else {
        v.clone()
    })
}

/// `strip(s, prefix, suffix)`: removes the prefix once and the suffix once, when present.
pub fn strip(a: &[Value]) -> Value {
    let Some(x) = s(&a[0]) else {
        return Value::Null;
    };
    let pre = s(&a[1]).unwrap_or_default();
    let suf = s(&a[2]).unwrap_or_default();
    let mut t: &str = &x;
    if !pre.is_empty() {
        t = t.strip_prefix(&*pre).unwrap_or(t);
    }
    if !suf.is_empty() {
        t = t.strip_suffix(&*suf).unwrap_or(t);
    }
    Value::str(t)
}

/// `substr(s, start[, len])`: negative start counts from the end.
pub fn substr(a: &[Value]) -> Value {
    let Some(x) = s(&a[0]) else {
        return Value::Null;
    };
    let Some(start) = a[1].as_int() else {
        return Value::Null;
    };
    let n = x.len() as i64;
    let start = if start < 0 {
        (n + start).max(0)
    } else {
        start.min(n)
    } as usize;
    let end = match a.get(2) {
        Some(l) => match l.as_int() {
            Some(l) if l >= 0 => (start as i64 + l).min(n) as usize,
            Some(_) => return Value::Null,
            None => return Value::Null,
        },
        None => x.len(),
    };
    let (st, en) = (floor(&x, start), floor(&x, end));
    Value::str(&x[st..en.max(st)])
}

/// `find_substr(s, sub[, from])`: byte offset of the first occurrence, or null.
pub fn find_substr(a: &[Value]) -> Value {
    let (Some(x), Some(sub)) = (s(&a[0]), s(&a[1])) else {
        return Value::Null;
    };
    let from = a.get(2).and_then(Value::as_int).unwrap_or(0).max(0) as usize;
    if from > x.len() {
        return Value::Null;
    }
    let from = floor(&x, from);
    x[from..]
        .find(&*sub)
        .map_or(Value::Null, |i| Value::Int((from + i) as i64))
}

/// `length(x)`: list length or string length in bytes.
pub fn length(a: &[Value]) -> Value {
    match &a[0] {
        Value::Null => Value::Null,
        Value::List(l) => Value::Int(l.len() as i64),
        Value::Map(m) => Value::Int(m.len() as i64),
        other => other
            .as_str_cow()
            .map_or(Value::Null, |x| Value::Int(x.len() as i64)),
    }
}

/// `replace(s, new, glob[, max])`.
pub fn replace(a: &[Value]) -> Value {
    let (Some(x), Some(new), Some(pat)) = (s(&a[0]), s(&a[1]), s(&a[2])) else {
        return Value::Null;
    };
    if pat.is_empty() {
        return Value::str(&x);
    }
    let max = a.get(3).and_then(Value::as_int).unwrap_or(0).max(0) as usize;
    regex_cache::with(Flavor::Glob, &pat, |re| match re {
        Some(re) => Value::from(re.replacen(&x, max, regex::NoExpand(&new)).into_owned()),
        None => Value::str(&x),
    })
}

/// `match(s, glob)`: whole-string glob match.
pub fn glob_match(a: &[Value]) -> Value {
    let (Some(x), Some(pat)) = (s(&a[0]), s(&a[1])) else {
        return Value::Null;
    };
    Value::Bool(regex_cache::with(Flavor::AnchoredGlob, &pat, |re| {
        re.is_some_and(|re| re.is_match(&x))
    }))
}

/// `regex(s, re, group)`: the group of the first match, or null.
pub fn regex(a: &[Value]) -> Value {
    let (Some(x), Some(pat)) = (s(&a[0]), s(&a[1])) else {
        return Value::Null;
    };
    let group = a.get(2).and_then(Value::as_int).unwrap_or(0).max(0) as usize;
    regex_cache::with(Flavor::Regex, &pat, |re| {
        re.and_then(|re| re.captures(&x))
            .and_then(|c| c.get(group))
            .map_or(Value::Null, |m| Value::str(m.as_str()))
    })
}

/// `string(x)`: lists and maps have no string form (null).
pub fn string(a: &[Value]) -> Value {
    match &a[0] {
        Value::List(_) | Value::Map(_) => Value::Null,
        v => v.to_text().map_or(Value::Null, Value::from),
    }
}

/// `hex_to_string(s)`: decodes hex bytes (UTF-8, invalid sequences dropped); input that is
/// not an even-length hex string is returned unchanged.
pub fn hex_to_string(a: &[Value]) -> Value {
    let Some(x) = s(&a[0]) else {
        return Value::Null;
    };
    let t = x.trim();
    if t.is_empty() || t.len() % 2 != 0 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Value::str(&x);
    }
    let bytes: Vec<u8> = (0..t.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&t[i..i + 2], 16).ok())
        .collect();
    Value::from(utf8_dropping_invalid(&bytes))
}

/// Decodes UTF-8, leaving out invalid sequences.
pub fn utf8_dropping_invalid(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let skip = e.error_len().unwrap_or(rest.len());
                bytes = &rest[skip..];
            }
        }
    }
}

/// `join(list, sep)`: null elements are skipped.
pub fn join(a: &[Value]) -> Value {
    let Value::List(l) = &a[0] else {
        return if a[0].is_null() {
            Value::Null
        } else {
            a[0].to_text().map_or(Value::Null, Value::from)
        };
    };
    let sep = s(&a[1]).unwrap_or_default();
    let parts: Vec<String> = l.iter().filter_map(Value::to_text).collect();
    Value::from(parts.join(&sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn string_functions() {
        assert_eq!(
            strip(&[v("/usr/sbin/sshd"), v(""), v("sshd")])
                .to_text()
                .unwrap(),
            "/usr/sbin/"
        );
        assert_eq!(
            substr(&[v("abc"), Value::Int(-1), Value::Int(1)])
                .to_text()
                .unwrap(),
            "c"
        );
        assert_eq!(
            substr(&[v("host.dom"), Value::Int(0), Value::Int(4)])
                .to_text()
                .unwrap(),
            "host"
        );
        assert!(find_substr(&[v("abc"), v("x")]).is_null());
        assert_eq!(hex_to_string(&[v("726F6F74")]).to_text().unwrap(), "root");
        assert_eq!(hex_to_string(&[v("/bin/ls")]).to_text().unwrap(), "/bin/ls");
        assert_eq!(
            replace(&[v("a  b"), v(""), v(" ")]).to_text().unwrap(),
            "ab"
        );
        assert_eq!(lower(&[v("ДОМЕН")]).to_text().unwrap(), "домен");
        assert!(lower(&[Value::Null]).is_null());
    }
}
