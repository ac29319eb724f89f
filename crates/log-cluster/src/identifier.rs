//! Stage 1: event identifiers. An extractor proposes `(key, value)` candidates per event
//! (EventID, CEF signature, `msgid`, the syslog program, …); a key is accepted as an
//! identifier only when it names types rather than instances: few distinct values relative to
//! the number of events (auditd's `eventid` is a serial number and is refused). The identifier
//! is a first split: stage 2 still clusters inside each identifier.

use ingest::{Event, Kind};
use rustc_hash::{FxHashMap, FxHashSet};

/// Proposes identifier candidates for an event, most specific first. The LLM adapter of the
/// `msgid` task implements this too (answering NOT_FIELD by proposing nothing).
pub trait IdentifierExtractor {
    /// Candidates `(key, value)`.
    fn candidates(&self, event: &Event) -> Vec<(String, String)>;
}

impl<X: IdentifierExtractor + ?Sized> IdentifierExtractor for &X {
    fn candidates(&self, event: &Event) -> Vec<(String, String)> {
        (**self).candidates(event)
    }
}

/// Keys that commonly hold an event type in JSON, key=value and tabular events.
pub const TYPE_KEYS: &[&str] = &[
    "EventID",
    "EventCode",
    "event_id",
    "eventId",
    "eventid",
    "msgid",
    "msg_id",
    "message_id",
    "MessageId",
    "event_type",
    "eventType",
    // Cloud audit trails: AWS CloudTrail's `eventName`, Azure's `operationName`.
    "eventName",
    "event_name",
    "operationName",
    "type",
    "subtype",
    "logid",
    "log_type",
    "action",
    "category",
    "event",
];

/// The rule-based extractor.
#[derive(Clone, Copy, Debug, Default)]
pub struct RuleBased;

impl IdentifierExtractor for RuleBased {
    fn candidates(&self, ev: &Event) -> Vec<(String, String)> {
        let mut out = Vec::new();
        match ev.kind {
            Kind::Eventlog => {
                if let Ok((system, _)) = xp_eval::input::eventlog::decode_eventlog(&ev.text, &|k| {
                    k == "EventID" || k == "Provider" || k == "Channel"
                }) {
                    let get = |k: &str| system.index(&xp_eval::Value::str(k));
                    let id = get("EventID");
                    let id = match &id {
                        xp_eval::Value::Map(_) => id.index(&xp_eval::Value::str("text")),
                        _ => id,
                    };
                    let provider = get("Provider").index(&xp_eval::Value::str("Name"));
                    if let Some(id) = id.to_text() {
                        out.push((
                            "EventID".into(),
                            format!("{}/{}", provider.to_text().unwrap_or_default(), id),
                        ));
                    }
                }
            }
            Kind::Json => {
                if let Ok(serde_json::Value::Object(m)) =
                    serde_json::from_str::<serde_json::Value>(&ev.text)
                {
                    // Tagged unions: an object whose member names say the event's type
                    // (`{"event": {"exec": …}}`, auditd `{"items": {"SYSCALL": …, "PATH": …}}`).
                    for (k, v) in &m {
                        if let serde_json::Value::Object(inner) = v {
                            let mut names: Vec<&str> = inner.keys().map(String::as_str).collect();
                            let upper = names.iter().all(|n| {
                                n.chars().all(|c| {
                                    c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'
                                })
                            });
                            if !names.is_empty() && (names.len() == 1 || upper) {
                                names.sort_unstable();
                                out.push((format!("{STRUCTURAL}{k}"), names.join("+")));
                                embedded(k, inner, &mut out);
                            }
                        }
                    }
                    for k in TYPE_KEYS {
                        if let Some(v) = m.get(*k).and_then(scalar) {
                            out.push(((*k).to_string(), v));
                        }
                    }
                }
            }
            Kind::Cef => {
                let body = ev.body();
                let at = body.find("CEF:").map_or(0, |i| i + 4);
                let parts: Vec<&str> = body[at..].splitn(8, '|').collect();
                if parts.len() >= 5 {
                    out.push((
                        "signature".into(),
                        format!("{}|{}|{}", parts[1], parts[2], parts[4]),
                    ));
                }
            }
            Kind::Keyvalue => {
                let pairs: FxHashMap<&str, &str> = ev
                    .body()
                    .split_whitespace()
                    .filter_map(|w| w.split_once('='))
                    .collect();
                for k in TYPE_KEYS {
                    if let Some(v) = pairs.get(k) {
                        out.push(((*k).to_string(), v.trim_matches('"').to_string()));
                    }
                }
                // A record typed by `type=` is typed further by its own pairs, as embedded
                // records are (`type=SYSCALL … syscall=257`).
                if pairs.contains_key("type") {
                    for k in EMBEDDED_TYPE_KEYS {
                        if let Some(v) = pairs.get(k).filter(|v| !v.is_empty()) {
                            out.push(((*k).to_string(), v.trim_matches('"').to_string()));
                        }
                    }
                }
                // Pairs behind a syslog header belong to its program, as TEXT messages do.
                if let Some(app) = ev.syslog.as_ref().and_then(|h| h.app.clone()) {
                    out.push(("program".into(), app));
                }
            }
            Kind::Tabular => {
                let mut lines = ev.text.lines();
                if let (Some(h), Some(r)) = (lines.next(), lines.next()) {
                    let sep = ingest::detect::header_separator(h).unwrap_or(b',') as char;
                    for (name, value) in h.split(sep).zip(r.split(sep)) {
                        if TYPE_KEYS.contains(&name.trim()) {
                            out.push((name.trim().to_string(), value.trim().to_string()));
                        }
                    }
                }
            }
            Kind::Text => {
                if let Some(h) = &ev.syslog {
                    if let Some(m) = &h.msgid {
                        out.push(("msgid".into(), m.clone()));
                    }
                }
                let body = ev.body();
                if let Some(v) = after(body, "msgid: ").or_else(|| after(body, "msgid=")) {
                    out.push(("msgid".into(), v));
                }
                if let Some(i) = body.find("[ID ") {
                    let id: String = body[i + 4..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    if !id.is_empty() {
                        out.push(("msgid".into(), id));
                    }
                }
                if let Some(app) = ev.syslog.as_ref().and_then(|h| h.app.clone()) {
                    out.push(("program".into(), app));
                }
            }
        }
        out
    }
}

/// Keys that name the type inside an embedded key=value record: auditd SYSCALL records are
/// typed by their system call, CONFIG_CHANGE and similar records by their operation
/// (`op=set`, `op=add_rule`). Only the record's own pairs count: an `op=` inside a quoted
/// `msg='…'` belongs to another layer.
pub const EMBEDDED_TYPE_KEYS: &[&str] = &["syscall", "op"];

/// Type pairs inside the key=value records of a tagged union's members
/// (`{"items": {"SYSCALL": ["arch=c000003e syscall=59 …"]}}` → `items.SYSCALL.syscall=59`).
fn embedded(
    union: &str,
    members: &serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<(String, String)>,
) {
    for (name, v) in members {
        let text = match v {
            serde_json::Value::String(s) => s.as_str(),
            serde_json::Value::Array(a) => match a.first() {
                Some(serde_json::Value::String(s)) => s.as_str(),
                _ => continue,
            },
            _ => continue,
        };
        for w in text.split_whitespace() {
            if let Some((k, val)) = w.split_once('=') {
                if EMBEDDED_TYPE_KEYS.contains(&k) && !val.is_empty() {
                    out.push((format!("{union}.{name}.{k}"), val.to_string()));
                    break;
                }
            }
        }
    }
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() && s.len() <= 64 => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn after(body: &str, marker: &str) -> Option<String> {
    let i = body.find(marker)?;
    let v: String = body[i + marker.len()..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';')
        .collect();
    (!v.is_empty()).then_some(v)
}

/// Prefix of candidates that name a structure (member names), accepted whatever their count.
pub const STRUCTURAL: &str = "members:";

/// Keys whose format defines them as the event type (Windows EventID with its provider, the
/// CEF signature): accepted whatever their count.
pub const DEFINED: &[&str] = &["EventID", "signature"];

/// Whether a candidate key is accepted without the count test: member names, keys whose
/// format defines them as the type, and the type keys of a typed record (`syscall` of an
/// audit `SYSCALL` record: a few events may use many calls, each still a type).
pub fn is_trusted(key: &str) -> bool {
    key.starts_with(STRUCTURAL)
        || DEFINED.contains(&key)
        || EMBEDDED_TYPE_KEYS.contains(&key.rsplit('.').next().unwrap_or(key))
}

/// Largest number of distinct values a key may take and still be an identifier.
pub const MAX_DISTINCT: usize = 2000;

/// Counts of one candidate key.
#[derive(Clone, Debug, Default)]
pub struct KeyStats {
    /// Events that had the key.
    pub count: usize,
    /// Distinct values seen (up to [`MAX_DISTINCT`] + 1).
    pub values: FxHashSet<String>,
}

impl KeyStats {
    /// Records a value.
    pub fn add(&mut self, v: &str) {
        self.count += 1;
        if self.values.len() <= MAX_DISTINCT && !self.values.contains(v) {
            self.values.insert(v.to_string());
        }
    }

    /// Whether the key names event types: more than one event per value on average (at least
    /// three per value once the log is large enough to tell) and not too many values.
    pub fn is_identifier(&self) -> bool {
        let d = self.values.len();
        d <= MAX_DISTINCT && (d * 3 <= self.count || (self.count < 12 && d < self.count) || d == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_not_identifiers() {
        let mut serial = KeyStats::default();
        let mut types = KeyStats::default();
        for i in 0..100 {
            serial.add(&i.to_string());
            types.add(["LOGIN", "LOGOUT", "EXEC"][i % 3]);
        }
        assert!(!serial.is_identifier());
        assert!(types.is_identifier());
    }

    fn json_event(text: &str) -> Event {
        Event {
            line: 1,
            kind: Kind::Json,
            text: text.to_string(),
            syslog: None,
            envelope: None,
        }
    }

    #[test]
    fn embedded_records_are_typed_by_their_operation_not_by_a_quoted_message() {
        let set = json_event(
            r#"{"eventid":"7","items":{"CONFIG_CHANGE":["op=set audit_backlog_limit=8192 res=1"]}}"#,
        );
        let add = json_event(
            r#"{"eventid":"8","items":{"CONFIG_CHANGE":["auid=1 op=add_rule key=\"k\" res=1"]}}"#,
        );
        let pam = json_event(
            r#"{"eventid":"9","items":{"CRED_ACQ":["pid=1 msg='op=PAM:setcred acct=\"root\" res=success'"]}}"#,
        );
        let has = |e: &Event, k: &str, v: &str| {
            RuleBased
                .candidates(e)
                .iter()
                .any(|(ck, cv)| ck == k && cv == v)
        };
        assert!(has(&set, "items.CONFIG_CHANGE.op", "set"));
        assert!(has(&add, "items.CONFIG_CHANGE.op", "add_rule"));
        assert!(!RuleBased
            .candidates(&pam)
            .iter()
            .any(|(k, _)| k.ends_with(".op")));
    }
}
