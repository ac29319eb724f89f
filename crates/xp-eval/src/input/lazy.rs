//! Lazy JSON: the members of an object as unparsed text, so that only the members a rule
//! reads are turned into values. The whole text is still checked to be valid JSON.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::input::json::parse_json;
use crate::value::Value;

/// Members of a JSON object: `(key, raw JSON text of the value)`, in order.
pub type RawEntries<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

/// The members of the JSON object `text`; `Err` when it is not valid JSON or not an object.
pub fn raw_entries(text: &str) -> Result<RawEntries<'_>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let entries = (&mut de)
        .deserialize_map(EntriesVisitor)
        .map_err(|e| json_error(&e))?;
    de.end().map_err(|e| json_error(&e))?;
    Ok(entries)
}

fn json_error(e: &serde_json::Error) -> String {
    crate::input::json::describe_error(e, |msg| {
        let found = msg
            .split("invalid type: ")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .unwrap_or("another value");
        Some(format!("a JSON rule needs a JSON object, found {found}"))
    })
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = RawEntries<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some((k, v)) = map.next_entry::<crate::input::Key<'de>, &'de RawValue>()? {
            out.push((k.0, v));
        }
        Ok(out)
    }
}

/// The raw value of a key (the last one when a key repeats).
pub fn find<'a>(entries: &RawEntries<'a>, key: &str) -> Option<&'a RawValue> {
    entries
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
}

/// Parses a raw member into a value (`Err` for JSON nested too deep to read).
pub fn value(raw: &RawValue) -> Result<Value, String> {
    parse_json(raw.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_errors() {
        let e = raw_entries(r#"{"a": {"b": [1, 2]}, "c": "x"}"#).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(find(&e, "a").unwrap().get(), r#"{"b": [1, 2]}"#);
        assert!(raw_entries("[1]")
            .unwrap_err()
            .contains("needs a JSON object, found sequence"));
        assert!(raw_entries("{").unwrap_err().contains("not valid JSON"));
        assert!(raw_entries(r#"{"a": 1} x"#).is_err());
    }
}
