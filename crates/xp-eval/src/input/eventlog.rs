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

use std::sync::Arc;

use crate::input::{json::parse_json, xml::parse_xml, Bindings};
use crate::value::{Map, Value};

/// Decodes a Windows event and returns `(System map, bindings)`.
pub fn decode_eventlog(raw: &str) -> Result<(Value, Bindings), String> {
    let t = raw.trim_start();
    let event = if t.starts_with('<') {
        let (name, v) = parse_xml(t, "text")?;
        if name != "Event" {
            return Err(format!("expected an <Event> element, found <{name}>"));
        }
        v
    } else {
        let root = parse_json(t)?;
        match root.index(&Value::str("Event")) {
            Value::Map(m) => Value::Map(m),
            _ if matches!(root.index(&Value::str("System")), Value::Map(_)) => root,
            _ => return Err("not a Windows event: no `Event` object with a `System` member".into()),
        }
    };
    let Value::Map(ev) = &event else {
        return Err("not a Windows event: `Event` is not an object".into());
    };
    let system = ev.get("System").cloned().unwrap_or(Value::Null);
    let mut b: Bindings = Vec::with_capacity(24);
    if let Value::Map(sys) = &system {
        for (k, v) in sys.iter() {
            b.push((k.clone(), v.clone()));
        }
    } else {
        return Err("not a Windows event: no `System` object".into());
    }
    for (k, v) in ev.iter() {
        if &**k != "xmlns" {
            b.push((k.clone(), v.clone()));
        }
    }
    let event_data = ev.get("EventData").cloned().unwrap_or(Value::Null);
    let data = event_data.index(&Value::str("Data"));
    b.push((Arc::from("Data"), data_value(&data)));
    if let Value::Map(ed) = &event_data {
        for (k, v) in ed.iter() {
            if &**k != "Data" {
                b.push((k.clone(), v.clone()));
            }
        }
    }
    Ok((system, b))
}

/// The text of a Data item, trimmed (as XML text is).
fn text_of(item: &Value) -> Value {
    let v = match item {
        Value::Map(m) => m.get("text").cloned().or_else(|| m.get("#text").cloned()).unwrap_or(Value::Null),
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
            let named = !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(m) if m.contains_key("Name")));
            if named {
                let mut map = Map::with_capacity(items.len());
                for i in items.iter() {
                    if let Value::Map(m) = i {
                        let name = m.get("Name").and_then(Value::to_text).unwrap_or_default();
                        map.entry(Arc::from(name.as_str())).or_insert_with(|| text_of(i));
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
            map.insert(Arc::from(name.as_str()), text_of(data));
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
        b.iter().find(|(n, _)| &**n == k).map(|(_, v)| v.clone()).unwrap_or(Value::Null)
    }

    #[test]
    fn json_and_xml_agree() {
        let json = r#"{"Event":{"System":{"Provider":{"Name":"P"},"EventID":{"Qualifiers":"0","text":"7"},"Channel":"System","Correlation":null},"EventData":{"Data":[{"Name":"A","text":"1"},{"Name":"B"}]}}}"#;
        let xml = r#"<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="P"/><EventID Qualifiers="0">7</EventID><Channel>System</Channel><Correlation/></System><EventData><Data Name="A">1</Data><Data Name="B"/></EventData></Event>"#;
        let (_, a) = decode_eventlog(json).unwrap();
        let (_, b) = decode_eventlog(xml).unwrap();
        for k in ["Provider", "EventID", "Channel", "Data", "Correlation"] {
            assert!(get(&a, k).loose_eq(&get(&b, k)) || (get(&a, k).is_null() && get(&b, k).is_null()), "{k}: {:?} vs {:?}", get(&a, k), get(&b, k));
        }
        assert_eq!(get(&a, "Data").index(&Value::str("A")).to_text().unwrap(), "1");
        assert!(get(&a, "Data").index(&Value::str("B")).is_null());
    }

    #[test]
    fn string_data_is_positional() {
        let (_, b) = decode_eventlog(r#"{"Event":{"System":{"EventID":"1"},"EventData":{"Data":"x"}}}"#).unwrap();
        assert_eq!(get(&b, "Data").index(&Value::Int(0)).to_text().unwrap(), "x");
    }
}
