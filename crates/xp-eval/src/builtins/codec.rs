//! `buffer_from_base64(s)` and `decode(buffer, encoding)`. A buffer is a list of byte values.

use base64::Engine as _;
use std::sync::Arc;

use crate::value::Value;

/// `buffer_from_base64(s)`.
pub fn buffer_from_base64(a: &[Value]) -> Value {
    let Some(s) = a[0].as_str_cow() else {
        return Value::Null;
    };
    match base64::engine::general_purpose::STANDARD.decode(s.trim()) {
        Ok(bytes) => Value::List(Arc::new(
            bytes
                .into_iter()
                .map(|b| Value::Int(i64::from(b)))
                .collect(),
        )),
        Err(_) => Value::Null,
    }
}

/// `decode(buffer, "UTF-8" | "UCS2-LE")`.
pub fn decode(a: &[Value]) -> Value {
    let Value::List(l) = &a[0] else {
        return Value::Null;
    };
    let bytes: Vec<u8> = l
        .iter()
        .filter_map(|v| v.as_int().map(|n| n as u8))
        .collect();
    let enc = a[1].to_text().unwrap_or_default().to_ascii_uppercase();
    match enc.as_str() {
        "UTF-8" | "UTF8" => Value::from(String::from_utf8_lossy(&bytes).into_owned()),
        "UCS2-LE" | "UTF-16LE" | "UCS-2LE" => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            Value::from(String::from_utf16_lossy(&units))
        }
        _ => Value::Null,
    }
}
