//! Conversion of values to the taxonomy type of the field they are assigned to, and their
//! rendering in a normalized event (norm_N.js conventions).

use xp_taxonomy::FieldType;

use crate::datetime;
use crate::text::tokens;
use crate::value::Value;

/// Converts `v` to the field type; `Err(v)` (the value back) when it cannot be (the field is
/// left unset).
pub fn coerce(ty: Option<FieldType>, v: Value, year: i32) -> Result<Value, Value> {
    let Some(ty) = ty else { return Ok(v) };
    let probe = match (&v, ty) {
        (Value::Str(s), FieldType::String) if !s.ends_with('\n') => return Ok(v),
        (Value::Int(_), FieldType::Number)
        | (Value::Ip(_), FieldType::Ip)
        | (Value::Time(_), FieldType::Datetime) => return Ok(v),
        _ => convert(ty, &v, year),
    };
    probe.ok_or(v)
}

fn convert(ty: FieldType, v: &Value, year: i32) -> Option<Value> {
    let v = v.clone();
    match ty {
        FieldType::String => match v {
            // Line feeds at the end of a value are not kept in a normalized event (a carriage
            // return is: the expert corpus has both cases).
            Value::Str(ref s) if s.ends_with('\n') => Some(Value::str(s.trim_end_matches('\n'))),
            Value::Str(_) => Some(v),
            // A list or a map has no string form in a normalized event: the field stays unset.
            Value::List(_) | Value::Map(_) => None,
            other => Some(Value::from(other.to_text()?)),
        },
        FieldType::Number => match v {
            Value::Int(_) => Some(v),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(Value::Int(f as i64)),
            Value::Float(_) => Some(v),
            Value::Str(ref s) => crate::value::parse_int(s)
                .map(Value::Int)
                .or_else(|| v.as_f64().map(Value::Float)),
            _ => None,
        },
        FieldType::Ip => match v {
            Value::Ip(_) => Some(v),
            Value::Str(s) => tokens::parse_ip(&s).map(Value::Ip),
            _ => None,
        },
        FieldType::Datetime => match v {
            Value::Time(_) => Some(v),
            Value::Str(s) => datetime::parse_full(&s, Some(year)).map(Value::Time),
            _ => None,
        },
        FieldType::Mac => match v {
            Value::Str(s) => tokens::parse_mac(&s).map(Value::from),
            _ => None,
        },
    }
}

/// The JSON form of a field value in a normalized event ([`Rendered`] as a JSON value).
pub fn render(ty: Option<FieldType>, v: &Value) -> serde_json::Value {
    serde_json::to_value(Rendered(ty, v)).unwrap_or(serde_json::Value::Null)
}

/// A field value as a normalized event writes it, for serializing straight to text (the one
/// definition of that form; [`render`] makes a JSON value of it): numbers as numbers (a
/// non-finite one as null), booleans, lists and maps as JSON only in fields outside the
/// taxonomy, a datetime field with its milliseconds, everything else as text.
pub struct Rendered<'a>(pub Option<FieldType>, pub &'a Value);

impl serde::Serialize for Rendered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Rendered(ty, v) = *self;
        match (ty, v) {
            (Some(FieldType::Number) | None, Value::Int(n)) => s.serialize_i64(*n),
            (Some(FieldType::Number) | None, Value::Float(f)) if f.is_finite() => {
                s.serialize_f64(*f)
            }
            (Some(FieldType::Number) | None, Value::Float(_)) => s.serialize_unit(),
            (None, Value::Bool(b)) => s.serialize_bool(*b),
            (None, Value::List(_) | Value::Map(_)) => v.to_json().serialize(s),
            // A datetime field keeps milliseconds; as text a datetime has whole seconds.
            (Some(FieldType::Datetime), Value::Time(ms)) => {
                s.serialize_str(&crate::datetime::format_ms(*ms))
            }
            (_, Value::Str(text)) => s.serialize_str(text),
            _ => s.serialize_str(&v.to_text().unwrap_or_default()),
        }
    }
}
