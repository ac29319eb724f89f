//! Windows events (JSON as in the KB raws, or `<Event>` XML) to XP variables.
//!
//! | variable | source |
//! |---|---|
//! | `$Channel`, `$EventID`, `$Provider`, `$TimeCreated`, … | each child of `Event.System` |
//! | `$Data` | `Event.EventData.Data`: a map `Name → text` for named items (an item without text is null); a list of texts for unnamed items; the plain string when Data is a string. |
//! | `$EventData`, `$UserData`, `$RenderingInfo`, `$System` | the element as a nested map |
//!
//! In XML, attributes become keys and an element's text is `"text"` when it also has
//! attributes (`<EventID Qualifiers="0">4624</EventID>` → `{"Qualifiers": "0", "text": "4624"}`),
//! which is exactly the JSON rendering the expert knowledge base uses.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::input::json::Lean;
use crate::input::{xml::parse_xml, Bindings, Key};
use crate::value::{Map, Str, Value};

/// Decodes a Windows event and returns `(System map, bindings)`. Only members for which
/// `want(name)` holds are turned into values (the rest are checked, not built).
pub fn decode_eventlog(
    raw: &str,
    want: &dyn Fn(&str) -> bool,
) -> Result<(Value, Bindings), String> {
    decode_eventlog_with(raw, want, None)
}

/// Like [`decode_eventlog`]; with `data_keys`, only those `Data` items get their text read.
pub fn decode_eventlog_with(
    raw: &str,
    want: &dyn Fn(&str) -> bool,
    data_keys: Option<&DataKeys>,
) -> Result<(Value, Bindings), String> {
    let t = raw.trim_start();
    if t.starts_with('<') {
        let (name, event) = parse_xml(t, "text")?;
        if name != "Event" {
            return Err(format!("expected an <Event> element, found <{name}>"));
        }
        return from_parsed(&event, want);
    }
    let mut out = Collected::default();
    let mut de = serde_json::Deserializer::from_str(t);
    out.data_keys = data_keys;
    RootSeed {
        want,
        out: &mut out,
    }
    .deserialize(&mut de)
    .map_err(|e| json_error(&e))?;
    de.end().map_err(|e| json_error(&e))?;
    if !out.saw_system {
        return Err("not a Windows event: no `Event` object with a `System` member".into());
    }
    Ok((Value::Map(Arc::new(out.system)), out.bindings))
}

fn json_error(e: &serde_json::Error) -> String {
    crate::input::json::describe_error(e, |msg| Some(format!("not a Windows event: {msg}")))
}

/// The `Data` item names a rule reads.
pub type DataKeys = rustc_hash::FxHashSet<String>;

/// What one pass over the JSON collects.
#[derive(Default)]
struct Collected<'k> {
    system: Map,
    bindings: Bindings,
    saw_system: bool,
    data_keys: Option<&'k DataKeys>,
}

/// The document: `{"Event": {...}}`, or the event object itself (with `System` at the top).
struct RootSeed<'w, 'o, 'k> {
    want: &'w dyn Fn(&str) -> bool,
    out: &'o mut Collected<'k>,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Windows event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if k == "Event" {
                map.next_value_seed(EventSeed {
                    want: self.want,
                    out: self.out,
                })?;
            } else {
                // The event object itself at the top level.
                event_member(&k, &mut map, self.want, self.out)?;
            }
        }
        Ok(())
    }
}

struct EventSeed<'w, 'o, 'k> {
    want: &'w dyn Fn(&str) -> bool,
    out: &'o mut Collected<'k>,
}

impl<'de> DeserializeSeed<'de> for EventSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `Event` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            event_member(&k, &mut map, self.want, self.out)?;
        }
        Ok(())
    }
}

/// One member of the event object.
fn event_member<'de, A: MapAccess<'de>>(
    k: &str,
    map: &mut A,
    want: &dyn Fn(&str) -> bool,
    out: &mut Collected<'_>,
) -> Result<(), A::Error> {
    match k {
        "System" if !want("System") => {
            out.saw_system = true;
            map.next_value_seed(SystemSeed { want, out })?;
        }
        "System" => {
            out.saw_system = true;
            let v: Value = map.next_value()?;
            if let Value::Map(sys) = &v {
                for (name, val) in sys.iter() {
                    if want(name) {
                        out.system.push(name.clone(), val.clone());
                        out.bindings.push((name.clone(), val.clone()));
                    }
                }
            }
            if want("System") {
                out.bindings.push((Str::new("System"), v));
            }
        }
        "EventData" if !want("EventData") => {
            map.next_value_seed(EventDataSeed { want, out })?;
        }
        "EventData" => {
            let v: Value = map.next_value()?;
            if want("Data") {
                out.bindings
                    .push((Str::new("Data"), data_value(&v.index(&Value::str("Data")))));
            }
            if let Value::Map(ed) = &v {
                for (name, val) in ed.iter() {
                    if name != "Data" && want(name) {
                        out.bindings.push((name.clone(), val.clone()));
                    }
                }
            }
            out.bindings.push((Str::new("EventData"), v));
        }
        _ if k != "xmlns" && want(k) => {
            let v: Value = map.next_value()?;
            out.bindings.push((Str::new(k), v));
        }
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
    Ok(())
}

/// `System` members straight into bindings: only the wanted ones become values.
struct SystemSeed<'w, 'o, 'k> {
    want: &'w dyn Fn(&str) -> bool,
    out: &'o mut Collected<'k>,
}

impl<'de> DeserializeSeed<'de> for SystemSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SystemSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `System` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if (self.want)(&k) {
                let v: Value = map.next_value()?;
                let name = Str::new(&k);
                self.out.system.push(name.clone(), v.clone());
                self.out.bindings.push((name, v));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `EventData` read straight into `$Data` (and its other wanted members), without building
/// the `{"Name", "text"}` objects of the items.
struct EventDataSeed<'w, 'o, 'k> {
    want: &'w dyn Fn(&str) -> bool,
    out: &'o mut Collected<'k>,
}

impl<'de> DeserializeSeed<'de> for EventDataSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventDataSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `EventData` object")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        if (self.want)("Data") {
            self.out.bindings.push((Str::new("Data"), Value::Null));
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_data = false;
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if k == "Data" && (self.want)("Data") {
                saw_data = true;
                let v = map.next_value_seed(DataSeed {
                    keys: self.out.data_keys,
                })?;
                self.out.bindings.push((Str::new("Data"), v));
            } else if k != "Data" && (self.want)(&k) {
                let v: Value = map.next_value()?;
                self.out.bindings.push((Str::new(&k), v));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !saw_data && (self.want)("Data") {
            self.out.bindings.push((Str::new("Data"), Value::Null));
        }
        Ok(())
    }
}

/// `EventData.Data` as `$Data` (see [`data_value`]), in one pass; with `keys`, items of
/// other names are skipped.
struct DataSeed<'k> {
    keys: Option<&'k DataKeys>,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`EventData.Data`")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        // Every item in order; the map of names is built at the end, unless an item is
        // unnamed (then `$Data` is the list of texts, as `data_value` does).
        let mut items: Vec<DataItem<'de>> = Vec::with_capacity(seq.size_hint().unwrap_or(32));
        while let Some(item) = seq.next_element_seed(DataItemVisitor { keys: self.keys })? {
            items.push(item);
        }
        if items.iter().any(|i| i.name.is_none()) {
            return Ok(Value::List(Arc::new(
                items.into_iter().map(|i| i.text).collect(),
            )));
        }
        let mut named = Map::with_capacity(items.len());
        for item in items {
            let Some(n) = item.name else { continue };
            // A name the rule never reads is left out: `$Data["X"]` is null either way, and
            // the map the rule looks its keys up in stays small.
            if self.keys.is_some_and(|ks| !ks.contains(&*n)) {
                continue;
            }
            named.insert_if_absent(Str::new(&n), item.text);
        }
        Ok(Value::Map(Arc::new(named)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        let item = DataItemVisitor { keys: self.keys }.visit_map(map)?;
        Ok(match item.name {
            Some(n) => {
                let mut m = Map::with_capacity(1);
                m.push(Str::new(&n), item.text);
                Value::Map(Arc::new(m))
            }
            None => item.text,
        })
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(trimmed(v))
    }
    crate::input::json::scalar_visits!();
}

fn trimmed(s: &str) -> Value {
    Value::str(s.trim())
}

/// One Data item: `{"Name": …, "text": …}` or a bare string; the name as read (borrowed from
/// the input when it holds no escape: most names are only looked up, never kept).
struct DataItem<'de> {
    name: Option<Cow<'de, str>>,
    text: Value,
}

struct DataItemVisitor<'k> {
    keys: Option<&'k DataKeys>,
}

impl<'de> DeserializeSeed<'de> for DataItemVisitor<'_> {
    type Value = DataItem<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DataItem<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DataItemVisitor<'_> {
    type Value = DataItem<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Data item")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataItem<'de>, A::Error> {
        let mut item = DataItem {
            name: None,
            text: Value::Null,
        };
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            match &*k {
                "Name" => {
                    item.name = match map.next_value::<Lean<'de>>()? {
                        Lean::Str(s) => Some(Cow::Borrowed(s)),
                        Lean::Other(Value::Str(s)) => Some(Cow::Owned(s.to_string())),
                        Lean::Other(other) => other.to_text().map(Cow::Owned),
                    };
                }
                "text" | "#text"
                    if self.keys.is_some_and(|ks| {
                        item.name.as_ref().is_some_and(|n| !ks.contains(&**n))
                    }) =>
                {
                    // A named item the rule never reads: skip its text.
                    map.next_value::<IgnoredAny>()?;
                }
                // A string value is read trimmed.
                "text" | "#text" => item.text = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(item)
    }
    fn visit_str<E>(self, v: &str) -> Result<DataItem<'de>, E> {
        Ok(DataItem {
            name: None,
            text: trimmed(v),
        })
    }
    fn visit_unit<E>(self) -> Result<DataItem<'de>, E> {
        Ok(DataItem {
            name: None,
            text: Value::Null,
        })
    }
    fn visit_i64<E>(self, v: i64) -> Result<DataItem<'de>, E> {
        Ok(DataItem {
            name: None,
            text: Value::Int(v),
        })
    }
    fn visit_u64<E>(self, v: u64) -> Result<DataItem<'de>, E> {
        Ok(DataItem {
            name: None,
            text: i64::try_from(v).map_or(Value::Float(v as f64), Value::Int),
        })
    }
    fn visit_bool<E>(self, v: bool) -> Result<DataItem<'de>, E> {
        Ok(DataItem {
            name: None,
            text: Value::Bool(v),
        })
    }
}

/// Bindings from an already parsed `Event` value (the XML path).
fn from_parsed(event: &Value, want: &dyn Fn(&str) -> bool) -> Result<(Value, Bindings), String> {
    let Value::Map(ev) = event else {
        return Err("not a Windows event: `Event` is not an object".into());
    };
    let system = ev.get("System").cloned().unwrap_or(Value::Null);
    let mut b: Bindings = Vec::with_capacity(24);
    let Value::Map(sys) = &system else {
        return Err("not a Windows event: no `System` object".into());
    };
    for (k, v) in sys.iter() {
        if want(k) {
            b.push((k.clone(), v.clone()));
        }
    }
    for (k, v) in ev.iter() {
        if want(k) {
            b.push((k.clone(), v.clone()));
        }
    }
    let event_data = ev.get("EventData").cloned().unwrap_or(Value::Null);
    if want("Data") {
        b.push((
            Str::new("Data"),
            data_value(&event_data.index(&Value::str("Data"))),
        ));
    }
    if let Value::Map(ed) = &event_data {
        for (k, v) in ed.iter() {
            if k != "Data" && want(k) {
                b.push((k.clone(), v.clone()));
            }
        }
    }
    Ok((system, b))
}

/// The text of a Data item, trimmed (as XML text is).
fn text_of(item: &Value) -> Value {
    let v = match item {
        Value::Map(m) => m
            .get("text")
            .cloned()
            .or_else(|| m.get("#text").cloned())
            .unwrap_or(Value::Null),
        other => other.clone(),
    };
    match &v {
        Value::Str(s) if s.trim().len() != s.len() => Value::str(s.trim()),
        _ => v,
    }
}

fn data_value(data: &Value) -> Value {
    match data {
        Value::List(items) => {
            let named = !items.is_empty()
                && items
                    .iter()
                    .all(|i| matches!(i, Value::Map(m) if m.contains_key("Name")));
            if named {
                let mut map = Map::with_capacity(items.len());
                for i in items.iter() {
                    if let Value::Map(m) = i {
                        let name = m.get("Name").and_then(Value::to_text).unwrap_or_default();
                        map.insert_if_absent(Str::new(&name), text_of(i));
                    }
                }
                Value::Map(Arc::new(map))
            } else {
                Value::List(Arc::new(items.iter().map(text_of).collect()))
            }
        }
        Value::Map(m) if m.contains_key("Name") => {
            let name = m.get("Name").and_then(Value::to_text).unwrap_or_default();
            let mut map = Map::new();
            map.insert(Str::new(&name), text_of(data));
            Value::Map(Arc::new(map))
        }
        Value::Map(_) => text_of(data),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(b: &Bindings, k: &str) -> Value {
        b.iter()
            .find(|(n, _)| &**n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    }

    #[test]
    fn json_and_xml_agree() {
        let json = r#"{"Event":{"System":{"Provider":{"Name":"P"},"EventID":{"Qualifiers":"0","text":"7"},"Channel":"System","Correlation":null},"EventData":{"Data":[{"Name":"A","text":"1"},{"Name":"B"}]}}}"#;
        let xml = r#"<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="P"/><EventID Qualifiers="0">7</EventID><Channel>System</Channel><Correlation/></System><EventData><Data Name="A">1</Data><Data Name="B"/></EventData></Event>"#;
        let (_, a) = decode_eventlog(json, &|_| true).unwrap();
        let (_, b) = decode_eventlog(xml, &|_| true).unwrap();
        for k in ["Provider", "EventID", "Channel", "Data", "Correlation"] {
            assert!(
                get(&a, k).loose_eq(&get(&b, k)) || (get(&a, k).is_null() && get(&b, k).is_null()),
                "{k}: {:?} vs {:?}",
                get(&a, k),
                get(&b, k)
            );
        }
        assert_eq!(
            get(&a, "Data").index(&Value::str("A")).to_text().unwrap(),
            "1"
        );
        assert!(get(&a, "Data").index(&Value::str("B")).is_null());
    }

    #[test]
    fn string_data_is_positional() {
        let (_, b) = decode_eventlog(
            r#"{"Event":{"System":{"EventID":"1"},"EventData":{"Data":"x"}}}"#,
            &|_| true,
        )
        .unwrap();
        assert_eq!(
            get(&b, "Data").index(&Value::Int(0)).to_text().unwrap(),
            "x"
        );
    }
}
