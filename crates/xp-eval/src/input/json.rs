//! JSON text to [`Value`] in one pass (serde), with serde_json's nesting limit (128).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::sync::Arc;

use crate::value::{Map, Str, Value};

/// Parses JSON text. Errors name the line and column.
pub fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str::<Value>(text).map_err(|e| describe_error(&e, |_| None))
}

/// The message for a JSON decoding error: too deep nesting, then what `wrong_type` says of
/// an `invalid type` error (the caller knows what it expected), else invalid JSON.
pub(crate) fn describe_error(
    e: &serde_json::Error,
    wrong_type: impl FnOnce(&str) -> Option<String>,
) -> String {
    let msg = e.to_string();
    if msg.contains("recursion limit") {
        return format!(
            "JSON nested deeper than 128 levels (line {}, column {})",
            e.line(),
            e.column()
        );
    }
    if msg.contains("invalid type") {
        if let Some(m) = wrong_type(&msg) {
            return m;
        }
    }
    format!("not valid JSON: {msg}")
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

/// The scalar methods of a serde `Visitor` whose value is [`Value`]: null, booleans and
/// numbers (integers beyond `i64` become floats). Strings, lists and maps stay with each
/// visitor, which decode them their own way.
macro_rules! scalar_visits {
    () => {
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::Int(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Value::Float(v))
        }
    };
}
pub(crate) use scalar_visits;

struct ValueVisitor;

/// A JSON value that keeps a string without an escape borrowed from the input (trimmed, as a
/// [`Value`] string is), for names that are looked up before anything is built of them; any
/// other value is read as a [`Value`].
pub(crate) enum Lean<'de> {
    /// A string that holds no escape, trimmed.
    Str(&'de str),
    /// Any other value.
    Other(Value),
}

impl<'de> Deserialize<'de> for Lean<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lean<'de>, D::Error> {
        d.deserialize_any(LeanVisitor)
    }
}

struct LeanVisitor;

impl<'de> Visitor<'de> for LeanVisitor {
    type Value = Lean<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Lean<'de>, E> {
        Ok(Lean::Str(v.trim()))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Lean<'de>, E> {
        ValueVisitor.visit_str(v).map(Lean::Other)
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Lean<'de>, E> {
        ValueVisitor.visit_string(v).map(Lean::Other)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Lean<'de>, E> {
        Ok(Lean::Other(Value::Null))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Lean<'de>, E> {
        Ok(Lean::Other(Value::Null))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Lean<'de>, E> {
        ValueVisitor.visit_bool(v).map(Lean::Other)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Lean<'de>, E> {
        ValueVisitor.visit_i64(v).map(Lean::Other)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Lean<'de>, E> {
        ValueVisitor.visit_u64(v).map(Lean::Other)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Lean<'de>, E> {
        ValueVisitor.visit_f64(v).map(Lean::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Lean<'de>, A::Error> {
        ValueVisitor.visit_seq(seq).map(Lean::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lean<'de>, A::Error> {
        ValueVisitor.visit_map(map).map(Lean::Other)
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    scalar_visits!();

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(Str::from(v.trim())))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(Str::from(v.trim())))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element::<Value>()? {
            out.push(v);
        }
        Ok(Value::List(Arc::new(out)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((k, v)) = map.next_entry::<crate::input::Key<'de>, Value>()? {
            out.push(Str::new(&*k), v);
        }
        Ok(Value::Map(Arc::new(out)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse_json(&deep).unwrap_err().contains("nested"));
    }

    #[test]
    fn types_are_kept() {
        let v = parse_json(r#"{"a": "1", "b": 2, "c": null, "d": [true]}"#).unwrap();
        assert!(matches!(v.index(&Value::str("a")), Value::Str(_)));
        assert!(matches!(v.index(&Value::str("b")), Value::Int(2)));
        assert!(v.index(&Value::str("c")).is_null());
    }
}
