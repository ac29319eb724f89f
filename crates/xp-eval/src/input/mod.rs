//! Raw events to variable bindings, per header kind, plus transport envelopes and header
//! filters.

pub mod cef;
pub mod eventlog;
pub mod json;
pub mod lazy;
pub mod tabular;
pub mod xml;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::value::{Map, Str, Value};

/// Variables an input defines: `(name without $, value)`.
pub type Bindings = Vec<(Str, Value)>;

/// A JSON object key, borrowed from the input when it holds no escape. serde's own
/// `Cow<str>` always copies: every key of every event would be an allocation.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

impl std::ops::Deref for Key<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

struct KeyVisitor;

impl<'de> serde::de::Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

// Keys that mark a JSON object as a SIEM transport envelope (besides `body`): the same
// names a formula reads as envelope identifiers.
use crate::program::ENV_NAMES as ENVELOPE_KEYS;

/// If `raw` is a transport envelope (`{"body": "<event>", "recv_ipv4": …}`), returns the body
/// and the envelope's other members.
pub fn unwrap_envelope(raw: &str) -> Option<(String, Map)> {
    let t = raw.trim_start();
    if !t.starts_with('{') || !t.contains("\"body\"") {
        return None;
    }
    let Ok(Value::Map(m)) = json::parse_json(t) else {
        return None;
    };
    let Some(Value::Str(body)) = m.get("body") else {
        return None;
    };
    if !ENVELOPE_KEYS.iter().any(|k| m.contains_key(k)) {
        return None;
    }
    let mut env = (*m).clone();
    let body = body.to_string();
    env.remove("body");
    Some((body, env))
}

/// A header filter: `EventID="4624"`, `EventCode=4768`, `EventID.text="33205"`; several
/// conditions are separated by whitespace and must all hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// `(dotted path, expected text)`.
    pub conds: Vec<(Vec<String>, String)>,
}

impl Filter {
    /// Parses the filter text; `Err` names the problem.
    pub fn parse(text: &str) -> Result<Filter, String> {
        let mut conds = Vec::new();
        let mut rest = text.trim();
        while !rest.is_empty() {
            let eq = rest.find('=').ok_or_else(|| {
                format!("expected `key=value` in the header filter, found `{rest}`")
            })?;
            let key = rest[..eq].trim();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(format!("bad key `{key}` in the header filter"));
            }
            let after = rest[eq + 1..].trim_start();
            let (value, next) =
                if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                    let close = after[1..]
                        .find(q)
                        .ok_or("unclosed quote in the header filter")?;
                    (after[1..1 + close].to_string(), &after[close + 2..])
                } else {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (after[..end].to_string(), &after[end..])
                };
            conds.push((key.split('.').map(str::to_string).collect(), value));
            rest = next.trim_start();
            if let Some(r) = rest.strip_prefix("and ") {
                rest = r.trim_start();
            }
        }
        Ok(Filter { conds })
    }

    /// Whether every condition holds; paths resolve in `primary` first, then in `fallback`.
    pub fn matches(&self, primary: &Value, fallback: Option<&Value>) -> bool {
        self.conds.iter().all(|(path, want)| {
            let mut v = resolve(primary, path);
            if v.is_null() {
                if let Some(f) = fallback {
                    v = resolve(f, path);
                }
            }
            if let Value::Map(m) = &v {
                if let Some(t) = m.get("text") {
                    v = t.clone();
                }
            }
            v.to_text().is_some_and(|t| t == *want)
        })
    }

    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.conds.is_empty()
    }
}

fn resolve(root: &Value, path: &[String]) -> Value {
    let mut v = root.clone();
    for p in path {
        v = v.index(&Value::str(p));
    }
    v
}

/// Bindings as a map value (for filters over flat variable sets, e.g. CEF).
pub fn bindings_map(b: &Bindings) -> Value {
    let mut m = Map::with_capacity(b.len());
    for (k, v) in b {
        m.insert(k.clone(), v.clone());
    }
    Value::Map(Arc::new(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let f = Filter::parse(r#"EventID="4624""#).unwrap();
        let sys = json::parse_json(r#"{"EventID": {"Qualifiers": "0", "text": "4624"}}"#).unwrap();
        assert!(f.matches(&sys, None));
        let f = Filter::parse("EventCode=4768").unwrap();
        assert!(f.matches(&json::parse_json(r#"{"EventCode": "4768"}"#).unwrap(), None));
        assert!(!f.matches(&json::parse_json(r#"{"EventCode": "4769"}"#).unwrap(), None));
        assert!(Filter::parse("EventID=\"4").is_err());
    }

    #[test]
    fn envelope() {
        let (body, env) =
            unwrap_envelope(r#"{"body": "{\"a\": 1}", "recv_ipv4": "10.0.0.1"}"#).unwrap();
        assert_eq!(body, "{\"a\": 1}");
        assert_eq!(env.get("recv_ipv4").unwrap().to_text().unwrap(), "10.0.0.1");
        assert!(unwrap_envelope(r#"{"body": "x"}"#).is_none());
    }
}
