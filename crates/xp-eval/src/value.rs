//! Runtime values of XP and their comparison, conversion and display rules.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Arc;

use crate::datetime;

/// Text of values and map keys: short strings inline, long ones shared (cheap to clone).
pub type Str = smol_str::SmolStr;

/// A map value (JSON object, XML element, `keyvalue()` result): entries in input order,
/// looked up by a linear scan from the end (the last of duplicate keys wins), which beats
/// hashing for the small objects of log events. Past [`INDEX_AFTER`] entries a hash index
/// (key → its last entry) takes over, so building or reading an object of many keys stays
/// linear in its size.
#[derive(Clone, Debug, Default)]
pub struct Map {
    entries: Vec<(Str, Value)>,
    index: Option<Box<rustc_hash::FxHashMap<Str, usize>>>,
}

/// Entries after which a [`Map`] keeps a hash index.
pub const INDEX_AFTER: usize = 32;

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Map {
        Map {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(ix) => ix.get(key).copied(),
            // Lengths first: most keys differ in length, and comparing them needs no call.
            None => self
                .entries
                .iter()
                .rposition(|(k, _)| k.len() == key.len() && k.as_str() == key),
        }
    }

    /// The value of a key (the last one when a key repeats).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// Whether the key is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Appends an entry without looking for an existing key (a later duplicate wins on lookup).
    pub fn push(&mut self, key: Str, value: Value) {
        self.entries.push((key, value));
        let last = self.entries.len() - 1;
        match &mut self.index {
            Some(ix) => {
                ix.insert(self.entries[last].0.clone(), last);
            }
            None if self.entries.len() > INDEX_AFTER => self.reindex(),
            None => {}
        }
    }

    fn reindex(&mut self) {
        if self.entries.len() <= INDEX_AFTER {
            self.index = None;
            return;
        }
        let mut ix = rustc_hash::FxHashMap::default();
        ix.reserve(self.entries.len());
        for (i, (k, _)) in self.entries.iter().enumerate() {
            ix.insert(k.clone(), i);
        }
        self.index = Some(Box::new(ix));
    }

    /// Sets a key, replacing an existing entry (its last one) in place.
    pub fn insert(&mut self, key: Str, value: Value) {
        match self.position(&key) {
            Some(i) => self.entries[i].1 = value,
            None => self.push(key, value),
        }
    }

    /// Sets a key only when it is absent (the first occurrence wins).
    pub fn insert_if_absent(&mut self, key: Str, value: Value) {
        if !self.contains_key(&key) {
            self.push(key, value);
        }
    }

    /// Removes every entry of a key.
    pub fn remove(&mut self, key: &str) {
        if self.contains_key(key) {
            self.entries.retain(|(k, _)| k != key);
            if self.index.is_some() {
                self.reindex();
            }
        }
    }

    /// Entries in order (duplicates included).
    pub fn iter(&self) -> impl Iterator<Item = (&Str, &Value)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// An XP value.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Absent.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Integer.
    Int(i64),
    /// Non-integral number (JSON input only).
    Float(f64),
    /// Text.
    Str(Str),
    /// List.
    List(Arc<Vec<Value>>),
    /// Map.
    Map(Arc<Map>),
    /// Instant, milliseconds since the Unix epoch, UTC.
    Time(i64),
    /// IP address.
    Ip(IpAddr),
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Str::new(s))
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Truth in `if`/`and`/`or`: booleans as themselves, null as false, anything else true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Null => false,
            _ => true,
        }
    }

    /// The string form used by `string()`, concatenation and string-typed fields (a datetime in
    /// whole seconds). `None` for null.
    pub fn to_text(&self) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => format_float(*f),
            Value::Str(s) => s.to_string(),
            Value::Time(ms) => datetime::format_secs(*ms),
            Value::Ip(ip) => ip.to_canonical().to_string(),
            Value::List(_) | Value::Map(_) => self.to_json().to_string(),
        })
    }

    /// Borrowed text for strings; other values are converted.
    pub fn as_str_cow(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Value::Str(s) => Some(std::borrow::Cow::Borrowed(s)),
            other => other.to_text().map(std::borrow::Cow::Owned),
        }
    }

    /// The value as an integer: ints, integral floats, and decimal strings.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
            Value::Str(s) => parse_int(s),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// The value as a float: numbers and numeric strings.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        }
    }

    /// As JSON (times and IPs as strings).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(n) => serde_json::Value::from(*n),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s) => serde_json::Value::String(s.to_string()),
            Value::Time(ms) => serde_json::Value::String(datetime::format_ms(*ms)),
            Value::Ip(ip) => serde_json::Value::String(ip.to_canonical().to_string()),
            Value::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Indexing: `list[i]` (negative counts from the end), `map["key"]`; a list indexed by a
    /// key looks in its first element; a scalar is a one-element list (`s[0]` is `s`) and
    /// `s["!"]` is `s` (the text of an XML leaf). Anything else is null.
    pub fn index(&self, idx: &Value) -> Value {
        match (self, idx) {
            (Value::List(l), Value::Int(i)) => {
                let i = if *i < 0 { l.len() as i64 + i } else { *i };
                if i < 0 {
                    return Value::Null;
                }
                l.get(i as usize).cloned().unwrap_or(Value::Null)
            }
            (Value::List(l), Value::Str(_)) => {
                l.first().map_or(Value::Null, |first| first.index(idx))
            }
            (Value::Map(m), Value::Str(k)) => m.get(k).cloned().unwrap_or(Value::Null),
            (Value::Map(m), Value::Int(i)) => {
                if *i == 0 {
                    m.get("!").cloned().unwrap_or_else(|| self.clone())
                } else {
                    Value::Null
                }
            }
            (Value::Null, _) => Value::Null,
            (scalar, Value::Int(0)) => scalar.clone(),
            (scalar @ Value::Str(_), Value::Str(k)) if &**k == "!" => scalar.clone(),
            _ => Value::Null,
        }
    }

    /// `==`: null equals only null (not the empty string); numbers compare numerically (numeric strings too);
    /// IPs and times compare with strings by parsing them; otherwise text equality.
    pub fn loose_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Null, _) | (_, Value::Null) => false,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Bool(b), Value::Str(s)) | (Value::Str(s), Value::Bool(b)) => {
                s.eq_ignore_ascii_case(if *b { "true" } else { "false" })
            }
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_) | Value::Str(_))
            | (Value::Str(_), Value::Int(_) | Value::Float(_)) => {
                match (self.as_f64(), other.as_f64()) {
                    (Some(a), Some(b)) => a == b,
                    _ => false,
                }
            }
            (Value::Ip(a), Value::Ip(b)) => a == b,
            (Value::Ip(a), Value::Str(s)) | (Value::Str(s), Value::Ip(a)) => {
                s.trim().parse::<IpAddr>().is_ok_and(|b| b == *a)
            }
            (Value::Time(a), Value::Time(b)) => a == b,
            (Value::Time(a), Value::Str(s)) | (Value::Str(s), Value::Time(a)) => {
                datetime::parse_full(s, None).is_some_and(|b| b == *a)
            }
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.loose_eq(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k).is_some_and(|w| v.loose_eq(w)))
            }
            _ => false,
        }
    }

    /// Ordering for `< <= > >=`: numeric when both sides are numbers (or numeric strings),
    /// instants for times, otherwise text; `None` (comparison false) when either is null.
    pub fn loose_cmp(&self, other: &Value) -> Option<std::cmp::Ordering> {
        if self.is_null() || other.is_null() {
            return None;
        }
        if let (Some(a), Some(b)) = (self.as_f64(), other.as_f64()) {
            if !matches!((self, other), (Value::Str(_), Value::Str(_))) {
                return a.partial_cmp(&b);
            }
        }
        match (self, other) {
            (Value::Time(a), Value::Time(b)) => Some(a.cmp(b)),
            (Value::Ip(a), Value::Ip(b)) => Some(a.cmp(b)),
            _ => Some(self.to_text()?.cmp(&other.to_text()?)),
        }
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "number",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Time(_) => "datetime",
            Value::Ip(_) => "ip",
        }
    }
}

/// Parses a decimal integer with optional sign and surrounding whitespace.
pub fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    t.parse::<i64>().ok()
}

/// Shortest text of a float; integral values without a fraction.
pub fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        let mut s = String::new();
        let _ = write!(s, "{f}");
        s
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(Str::from(s))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_maps_keep_the_lookup_rules_of_small_ones() {
        let mut m = Map::new();
        for i in 0..100 {
            m.push(Str::new(format!("k{i}")), Value::Int(i));
        }
        // A later duplicate wins; insert replaces the last entry of a key; remove removes all.
        m.push(Str::new("k5"), Value::Int(500));
        assert_eq!(m.get("k5").and_then(Value::as_int), Some(500));
        m.insert(Str::new("k5"), Value::Int(501));
        assert_eq!(m.get("k5").and_then(Value::as_int), Some(501));
        assert_eq!(m.len(), 101);
        m.insert_if_absent(Str::new("k7"), Value::Int(0));
        assert_eq!(m.get("k7").and_then(Value::as_int), Some(7));
        m.remove("k5");
        assert!(m.get("k5").is_none());
        assert_eq!(m.get("k99").and_then(Value::as_int), Some(99));
        assert_eq!(m.len(), 99);
        assert_eq!(m.iter().next().map(|(k, _)| k.as_str()), Some("k0"));
    }

    #[test]
    fn equality_rules() {
        assert!(Value::Int(3).loose_eq(&Value::str("3")));
        assert!(!Value::Null.loose_eq(&Value::str("")));
        assert!(!Value::Null.loose_eq(&Value::Int(0)));
        assert!(Value::Ip("::1".parse().unwrap()).loose_eq(&Value::str("::1")));
        assert!(Value::Bool(false).loose_eq(&Value::Bool(false)));
    }

    #[test]
    fn indexing_rules() {
        let l = Value::List(Arc::new(vec![Value::str("a"), Value::str("b")]));
        assert!(l.index(&Value::Int(-1)).loose_eq(&Value::str("b")));
        assert!(l.index(&Value::Int(2)).is_null());
        assert!(Value::str("x")
            .index(&Value::Int(0))
            .loose_eq(&Value::str("x")));
        assert!(Value::str("x").index(&Value::Int(1)).is_null());
    }

    #[test]
    fn comparisons_with_null_are_false() {
        assert_eq!(Value::Null.loose_cmp(&Value::Int(1)), None);
        assert_eq!(
            Value::Int(0).loose_cmp(&Value::Int(1000)),
            Some(std::cmp::Ordering::Less)
        );
    }
}
