//! XML text to [`Value`]: an element with neither attributes nor child elements is its text;
//! otherwise a map of attributes (by name), child elements (by name; repeated names become a
//! list) and its text under `"text"` (EVENTLOG, as in the JSON rendering of Windows events) or
//! `"!"` (XML submessages). Nesting is limited.

use quick_xml::events::Event;
use quick_xml::Reader;
use std::sync::Arc;

use crate::value::{Map, Str, Value};

/// Deepest element nesting accepted.
pub const MAX_XML_DEPTH: usize = 128;

struct Node {
    name: String,
    attrs: Map,
    /// Child elements by name, in the order their names first appear.
    children: Vec<(Str, Vec<Value>)>,
    /// Name → its place in `children`: finding a parent's child is constant time, so an
    /// element of many distinct children is read in linear time.
    child_index: rustc_hash::FxHashMap<Str, usize>,
    text: String,
}

/// Parses an XML document; returns the root element name and its value.
pub fn parse_xml(text: &str, text_key: &str) -> Result<(String, Value), String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("not valid XML at byte {}: {e}", reader.buffer_position()))?;
        match ev {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let _ = e;
                return Err("XML has content after its root element".into());
            }
            Event::Start(e) => {
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(format!("XML nested deeper than {MAX_XML_DEPTH} levels"));
                }
                stack.push(open(&e)?);
            }
            Event::Empty(e) => {
                let node = open(&e)?;
                finish(node, &mut stack, &mut root, text_key);
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unbalanced XML end tag")?;
                finish(node, &mut stack, &mut root, text_key);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let s = t.unescape().map_err(|e| format!("bad XML text: {e}"))?;
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(format!(
            "XML element <{}> is not closed",
            stack.last().map_or("", |n| n.name.as_str())
        ));
    }
    root.ok_or_else(|| "no XML element".to_string())
}

fn open(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, String> {
    let name = local_name(e.name().as_ref());
    let mut map = Map::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("bad XML attribute: {e}"))?;
        let key = local_name(a.key.as_ref());
        if key == "xmlns" || a.key.as_ref().starts_with(b"xmlns:") {
            continue;
        }
        let v = a
            .unescape_value()
            .map_err(|e| format!("bad XML attribute value: {e}"))?;
        map.insert(Str::new(&key), Value::str(&v));
    }
    Ok(Node {
        name,
        attrs: map,
        children: Vec::new(),
        child_index: Default::default(),
        text: String::new(),
    })
}

fn local_name(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    match s.rfind(':') {
        Some(i) => s[i + 1..].to_string(),
        None => s.to_string(),
    }
}

fn finish(node: Node, stack: &mut [Node], root: &mut Option<(String, Value)>, text_key: &str) {
    let value = if node.attrs.is_empty() && node.children.is_empty() {
        if node.text.is_empty() && text_key == "text" {
            Value::Null
        } else {
            Value::str(&node.text)
        }
    } else {
        let mut map = node.attrs;
        for (k, mut vs) in node.children {
            let v = if vs.len() == 1 {
                vs.pop().unwrap_or_default()
            } else {
                Value::List(Arc::new(vs))
            };
            map.insert(k, v);
        }
        if !node.text.is_empty() {
            map.insert(Str::new(text_key), Value::str(&node.text));
        }
        Value::Map(Arc::new(map))
    };
    match stack.last_mut() {
        Some(parent) => match parent.child_index.get(node.name.as_str()) {
            Some(&i) => parent.children[i].1.push(value),
            None => {
                let name = Str::new(&node.name);
                parent
                    .child_index
                    .insert(name.clone(), parent.children.len());
                parent.children.push((name, vec![value]));
            }
        },
        None => *root = Some((node.name, value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_attributes_and_repeats() {
        let (name, v) = parse_xml(
            r#"<Task xmlns="x"><Actions><Exec><Command>cmd.exe</Command></Exec></Actions><Settings><Enabled>true</Enabled></Settings><A>1</A><A>2</A><A>3</A></Task>"#,
            "!",
        )
        .unwrap();
        assert_eq!(name, "Task");
        let cmd = v
            .index(&Value::str("Actions"))
            .index(&Value::str("Exec"))
            .index(&Value::str("Command"))
            .index(&Value::Int(0));
        assert_eq!(cmd.to_text().unwrap(), "cmd.exe");
        let en = v
            .index(&Value::str("Settings"))
            .index(&Value::str("Enabled"))
            .index(&Value::str("!"));
        assert_eq!(en.to_text().unwrap(), "true");
        let a = v.index(&Value::str("A"));
        assert_eq!(a.index(&Value::Int(2)).to_text().unwrap(), "3");
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(parse_xml("<a><b></a>", "!").is_err());
        assert!(parse_xml("<a>", "!").is_err());
    }
}
