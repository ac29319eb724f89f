//! Number built-ins. `maybe_*` return null on bad input; the plain forms do too (the
//! normalizer never stops an event for a bad number).

use crate::value::{parse_int, Value};

fn radix(v: &Value, radix: u32) -> Option<i64> {
    match v {
        Value::Int(n) => Some(*n),
        Value::Null => None,
        other => {
            let s = other.to_text()?;
            let t = s.trim();
            let (neg, t) = match t.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, t),
            };
            let t = match radix {
                16 => t
                    .strip_prefix("0x")
                    .or_else(|| t.strip_prefix("0X"))
                    .unwrap_or(t),
                8 => t.strip_prefix("0o").unwrap_or(t),
                _ => t,
            };
            if t.is_empty() {
                return None;
            }
            let n = u64::from_str_radix(t, radix).ok()? as i64;
            Some(if neg { -n } else { n })
        }
    }
}

/// `number(s)`: decimal integer (or a float for a decimal fraction); a number followed by
/// whitespace and other text (`"38000 }"`) reads as that number.
pub fn number(a: &[Value]) -> Value {
    match &a[0] {
        Value::Int(n) => Value::Int(*n),
        Value::Float(f) => Value::Float(*f),
        Value::Bool(b) => Value::Int(i64::from(*b)),
        Value::Time(ms) => Value::Int(*ms / 1000),
        Value::Str(s) => parse_int(s)
            .map(Value::Int)
            .or_else(|| a[0].as_f64().map(Value::Float))
            .or_else(|| {
                s.split_whitespace()
                    .next()
                    .filter(|w| w.len() < s.trim().len())
                    .and_then(parse_int)
                    .map(Value::Int)
            })
            .unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// `number16(s)`, `maybe_number16(s)`: hexadecimal, with or without `0x`.
pub fn number16(a: &[Value]) -> Value {
    radix(&a[0], 16).map_or(Value::Null, Value::Int)
}

/// `number8(s)`, `maybe_number8(s)`: octal.
pub fn number8(a: &[Value]) -> Value {
    radix(&a[0], 8).map_or(Value::Null, Value::Int)
}

/// `mod(a, b)`: integer remainder (null when dividing by zero).
pub fn modulo(a: &[Value]) -> Value {
    match (a[0].as_int(), a[1].as_int()) {
        (Some(x), Some(y)) if y != 0 => Value::Int(x.wrapping_rem(y)),
        _ => Value::Null,
    }
}

/// `div(a, b)`: integer quotient (null when dividing by zero).
pub fn div(a: &[Value]) -> Value {
    match (a[0].as_int(), a[1].as_int()) {
        (Some(x), Some(y)) if y != 0 => Value::Int(x.wrapping_div(y)),
        _ => Value::Null,
    }
}

/// `bool(x)`: "true"/"false" (any case), numbers by non-zero.
pub fn to_bool(a: &[Value]) -> Value {
    match &a[0] {
        Value::Bool(b) => Value::Bool(*b),
        Value::Int(n) => Value::Bool(*n != 0),
        Value::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

/// `flip_endianness16/32/64(n)`: byte-swaps the low 2/4/8 bytes.
pub fn flip(a: &[Value], bits: u32) -> Value {
    let Some(n) = a[0].as_int() else {
        return Value::Null;
    };
    Value::Int(match bits {
        16 => i64::from((n as u16).swap_bytes()),
        32 => i64::from((n as u32).swap_bytes()),
        _ => n.swap_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number16(&[Value::str("0x8e99e")]).as_int(), Some(584094));
        assert_eq!(
            number16(&[Value::str("0x7e31b06")]).as_int(),
            Some(132324102)
        );
        assert!(number16(&[Value::str("-")]).is_null());
        assert_eq!(number(&[Value::str("42")]).as_int(), Some(42));
        assert!(number(&[Value::str("x")]).is_null());
        assert_eq!(flip(&[Value::Int(0x1234)], 16).as_int(), Some(0x3412));
    }
}
