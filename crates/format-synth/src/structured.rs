//! Headers of structured events: the header filter (`EVENTLOG = 'EventID="4624"'`,
//! `JSON = ''`, `TABULAR = ','`, `CEF = ''`) and a COND that separates a cluster from the other
//! clusters of the log with conditions every member satisfies and no member of the other
//! clusters does: equality with a value that is constant in the cluster, presence or absence
//! of a member. The COND never pins a value that varies inside the cluster.

use std::collections::BTreeMap;

use ingest::Kind;
use xp_eval::Value;

/// A flattened event: XP access expression → value text (`$Data["LogonType"]` → `"3"`).
pub type Flat = BTreeMap<String, String>;

/// Flattens an event of a structured kind into XP access expressions.
pub fn flatten(kind: Kind, raw: &str) -> Flat {
    flatten_to(kind, raw, 3)
}

/// [`flatten`] down to maps `max` levels deep (field reading looks deeper than the header's
/// conditions: macOS Endpoint Security's `$event["exec"]["target"]["executable"]["path"]`).
pub fn flatten_to(kind: Kind, raw: &str, max: usize) -> Flat {
    let mut out = Flat::new();
    match kind {
        Kind::Eventlog => {
            if let Ok((_, b)) = xp_eval::input::eventlog::decode_eventlog(raw, &|_| true) {
                for (k, v) in b {
                    walk(&format!("${k}"), &v, 0, max, &mut out);
                }
            }
        }
        Kind::Json => {
            if let Ok(Value::Map(m)) = xp_eval::input::json::parse_json(raw.trim()) {
                for (k, v) in m.iter() {
                    if is_var_name(k) {
                        walk(&format!("${k}"), v, 0, max, &mut out);
                    }
                }
            }
        }
        Kind::Cef => {
            if let Ok(b) = xp_eval::input::cef::decode_cef(raw) {
                for (k, v) in b {
                    if is_var_name(&k) && k != "extension" {
                        walk(&format!("${k}"), &v, 2, max, &mut out);
                    }
                }
            }
        }
        Kind::Tabular => {
            if let Ok(b) = xp_eval::input::tabular::decode_tabular(raw, "") {
                for (k, v) in b {
                    if is_var_name(&k) && k != "columns" && k != "header" {
                        walk(&format!("${k}"), &v, 2, max, &mut out);
                    }
                }
            }
        }
        Kind::Text | Kind::Keyvalue => {}
    }
    out
}

/// Whether a top-level key is an XP variable name: letters, digits, `_` and, between them, `.`
/// (the vendor grammar's `$([a-zA-Z0-9_.]+)`: `$user.name` reads the key `user.name`), not
/// starting with a digit.
fn is_var_name(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        && !k.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && !k.ends_with('.')
        && !k.contains("..")
}

fn walk(path: &str, v: &Value, depth: usize, max: usize, out: &mut Flat) {
    match v {
        Value::Map(m) if depth < max => {
            out.insert(path.to_string(), "\u{1}present".to_string());
            for (k, v) in m.iter() {
                let key = k.replace('\\', "\\\\").replace('"', "\\\"");
                walk(&format!("{path}[\"{key}\"]"), v, depth + 1, max, out);
            }
        }
        Value::List(items) => {
            out.insert(path.to_string(), "\u{1}present".to_string());
            // The first record of a list of strings (auditd `$items["SYSCALL"][0]`), or of a
            // list of objects (Google Workspace's `"events": [{"name": "login_failure"}]`).
            match items.first() {
                Some(first @ Value::Str(_)) => {
                    walk(&format!("{path}[0]"), first, depth + 1, max, out);
                }
                Some(first @ Value::Map(_)) if depth < max => {
                    walk(&format!("{path}[0]"), first, depth + 1, max, out);
                }
                _ => {}
            }
        }
        Value::Map(_) => {
            out.insert(path.to_string(), "\u{1}present".to_string());
        }
        Value::Null => {}
        other => {
            if let Some(t) = other.to_text() {
                out.insert(path.to_string(), t);
            }
        }
    }
}

/// A condition on a flattened event.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Condition {
    /// `path == "value"`.
    Equals(String, String),
    /// `path != null`.
    Present(String),
    /// `path == null`.
    Absent(String),
    /// `find_substr(path, "key=value ") != null`: a pair inside a key=value string.
    Contains(String, String),
}

impl Condition {
    /// Whether an event satisfies it.
    pub fn holds(&self, f: &Flat) -> bool {
        match self {
            Condition::Equals(p, v) => f.get(p).is_some_and(|x| x == v),
            Condition::Present(p) => f.contains_key(p),
            Condition::Absent(p) => !f.contains_key(p),
            Condition::Contains(p, n) => f.get(p).is_some_and(|x| x.contains(n.as_str())),
        }
    }

    /// As XP.
    pub fn to_xp(&self) -> String {
        match self {
            Condition::Equals(p, v) => format!("{p} == {}", xp_syntax::quote_str(v, '"')),
            Condition::Present(p) => format!("{p} != null"),
            Condition::Absent(p) => format!("{p} == null"),
            Condition::Contains(p, n) => {
                format!("find_substr({p}, {}) != null", xp_syntax::quote_str(n, '"'))
            }
        }
    }
}

/// Conditions true for every member: constants, presences, and absences of paths that other
/// clusters have.
pub fn candidates(members: &[Flat], others: &[&[Flat]]) -> Vec<Condition> {
    let mut out = Vec::new();
    let Some(first) = members.first() else {
        return out;
    };
    for (p, v) in first {
        if members.iter().all(|m| m.get(p) == Some(v)) && v != "\u{1}present" && v.len() <= 128 {
            out.push(Condition::Equals(p.clone(), v.clone()));
        }
        if members.iter().all(|m| m.contains_key(p)) {
            out.push(Condition::Present(p.clone()));
        }
        // Pairs inside key=value strings that every member shares (auditd `syscall=59`).
        if !v.starts_with('\u{1}') && ingest::detect::is_keyvalue(v) {
            for w in v.split_whitespace() {
                let Some((k, val)) = w.split_once('=') else {
                    continue;
                };
                if k.is_empty()
                    || val.is_empty()
                    || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    continue;
                }
                let spaced = format!("{w} ");
                let needle = if members
                    .iter()
                    .all(|m| m.get(p).is_some_and(|x| x.contains(&spaced)))
                {
                    spaced
                } else {
                    w.to_string()
                };
                if members
                    .iter()
                    .all(|m| m.get(p).is_some_and(|x| x.contains(&needle)))
                {
                    out.push(Condition::Contains(p.clone(), needle));
                }
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for o in others {
        for f in o.iter() {
            for p in f.keys() {
                if !seen.contains(p) && members.iter().all(|m| !m.contains_key(p)) {
                    seen.insert(p.clone());
                    out.push(Condition::Absent(p.clone()));
                }
            }
        }
    }
    out
}

/// Picks conditions so that every other cluster has no member satisfying all of them:
/// the preferred ones first (identifiers such as `$Channel`, `$Provider["Name"]`), then
/// greedily the condition that excludes the most remaining other-cluster events.
pub fn separate(
    members: &[Flat],
    others: &[&[Flat]],
    preferred: &[&str],
) -> (Vec<Condition>, usize) {
    let cands = candidates(members, others);
    let mut chosen: Vec<Condition> = Vec::new();
    for pref in preferred {
        if let Some(c) = cands
            .iter()
            .find(|c| matches!(c, Condition::Equals(p, _) if p == pref))
        {
            chosen.push(c.clone());
        }
    }
    let alive = |chosen: &[Condition]| -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        for (i, o) in others.iter().enumerate() {
            for (j, f) in o.iter().enumerate() {
                if chosen.iter().all(|c| c.holds(f)) {
                    v.push((i, j));
                }
            }
        }
        v
    };
    let mut left = alive(&chosen);
    while !left.is_empty() {
        // Values that look like data (times, numbers, addresses) only when nothing else helps:
        // a COND must not pin what varies from one event of the type to the next.
        let pick = |t: u8| {
            cands
                .iter()
                .filter(|c| !chosen.contains(c) && tier(c) == t)
                .map(|c| {
                    (
                        left.iter()
                            .filter(|&&(i, j)| !c.holds(&others[i][j]))
                            .count(),
                        c,
                    )
                })
                .filter(|(n, _)| *n > 0)
                .max_by(|a, b| a.0.cmp(&b.0).then_with(|| rank(b.1).cmp(&rank(a.1))))
        };
        let best = pick(0).or_else(|| pick(1)).or_else(|| pick(2));
        match best {
            Some((_, c)) => {
                chosen.push(c.clone());
                left = alive(&chosen);
            }
            None => break,
        }
    }
    (chosen, left.len())
}

/// Most top-level keys a [`signature`] names.
const SIGNATURE_KEYS: usize = 3;

/// A COND for a cluster with nothing of its log to exclude: the presence of a few top-level
/// keys every member has (shortest names first), so the rule does not take every JSON event
/// of the knowledge base it joins (the experts' `$eventid != null and $node != null`).
pub fn signature(members: &[Flat]) -> Vec<Condition> {
    let Some(first) = members.first() else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = first
        .keys()
        .filter(|p| !p.contains('[') && members.iter().all(|m| m.contains_key(*p)))
        .collect();
    keys.sort_by_key(|p| (p.len(), p.as_str()));
    keys.into_iter()
        .take(SIGNATURE_KEYS)
        .map(|p| Condition::Present(p.clone()))
        .collect()
}

/// Which conditions a COND reaches for first: 0 for the structure (presence, absence) and
/// type keys (`$event`, `$EventID`, an embedded `syscall=`), 1 for other constant words,
/// 2 for values that look like data (times, numbers, addresses, free text) — a COND must not
/// pin what varies from one event of the type to the next.
fn tier(c: &Condition) -> u8 {
    let type_key = |k: &str| {
        let k = k.trim_matches(|c: char| c == '"' || c == '$');
        log_cluster::identifier::TYPE_KEYS
            .iter()
            .chain(log_cluster::identifier::EMBEDDED_TYPE_KEYS)
            .any(|t| t.eq_ignore_ascii_case(k))
    };
    let last = |p: &str| -> String {
        let seg = p.rsplit('[').next().unwrap_or(p);
        seg.trim_end_matches(']').to_string()
    };
    let variable = |v: &str| {
        v.split_whitespace().count() > 3
            || v.split_whitespace()
                .any(|w| log_cluster::mask::mask_token(w) != w)
    };
    match c {
        Condition::Present(_) | Condition::Absent(_) => 0,
        // A serial number under a type-like key (auditd `eventid`) is no type.
        Condition::Equals(p, v) if type_key(&last(p)) && !variable(v) => 0,
        Condition::Contains(_, n) if n.split_once('=').is_some_and(|(k, _)| type_key(k)) => 0,
        Condition::Equals(_, v) => u8::from(variable(v)) + 1,
        Condition::Contains(_, n) => {
            u8::from(variable(n.split_once('=').map_or("", |(_, v)| v.trim()))) + 1
        }
    }
}

/// Readability: equality before presence before absence, short paths first.
fn rank(c: &Condition) -> (u8, usize) {
    match c {
        Condition::Equals(p, _) => (0, p.len()),
        Condition::Present(p) => (1, p.len()),
        Condition::Absent(p) => (2, p.len()),
        Condition::Contains(p, _) => (3, p.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_record_of_a_list_of_objects_is_read() {
        let f = flatten_to(
            Kind::Json,
            r#"{"events": [{"name": "login_failure", "type": "login"}], "tags": ["a", "b"]}"#,
            4,
        );
        assert_eq!(
            f.get(r#"$events[0]["name"]"#).map(String::as_str),
            Some("login_failure")
        );
        assert_eq!(f.get("$tags[0]").map(String::as_str), Some("a"));
    }

    #[test]
    fn separates_by_constants_and_presence() {
        let a: Vec<Flat> = (0..3)
            .map(|i| {
                Flat::from([
                    ("$type".into(), "LOGIN".into()),
                    ("$user".into(), format!("u{i}")),
                ])
            })
            .collect();
        let b: Vec<Flat> = (0..3)
            .map(|i| {
                Flat::from([
                    ("$type".into(), "LOGOUT".into()),
                    ("$user".into(), format!("u{i}")),
                ])
            })
            .collect();
        let (conds, left) = separate(&a, &[&b], &[]);
        assert_eq!(left, 0);
        assert_eq!(conds[0].to_xp(), "$type == \"LOGIN\"");
    }

    #[test]
    fn a_lone_cluster_is_signed_by_its_shared_top_level_keys() {
        let members: Vec<Flat> = (0..2)
            .map(|i| {
                let mut f = Flat::from([
                    ("$node".into(), "h".into()),
                    ("$eventid".into(), format!("{i}")),
                    ("$items[\"A\"]".into(), "x".into()),
                    ("$timestamp".into(), "1".into()),
                ]);
                if i == 0 {
                    f.insert("$pid".into(), "7".into());
                }
                f
            })
            .collect();
        let xp: Vec<String> = signature(&members).iter().map(Condition::to_xp).collect();
        assert_eq!(
            xp,
            ["$node != null", "$eventid != null", "$timestamp != null"]
        );
    }
}
