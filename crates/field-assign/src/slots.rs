//! Slots: the values a rule can read from its events, each an XP expression with a key name
//! and its value in every sampled member.
//!
//! TEXT captures are slots named after the capture (`$from`, `$port`); structured events give
//! one slot per flattened path (`$Data["TargetUserName"]`, key `TargetUserName`); a string
//! value that is itself a run of `key=value` pairs (auditd `$items["SYSCALL"][0]`) is opened
//! with `keyvalue()` into one slot per key. Values are read by running a probe formula (the
//! head plus one assignment per slot) with the normalizer, so every slot is an expression
//! that works.

use ingest::Kind;
use xp_eval::{Outcome, Rule, RunOptions};

/// A readable value.
#[derive(Clone, Debug)]
pub struct Slot {
    /// XP expression.
    pub expr: String,
    /// Key name: the capture name without `$` and trailing digits, or the last path segment.
    pub key: String,
    /// The value in each sampled member (`None` when absent).
    pub values: Vec<Option<String>>,
}

/// The slots of a cluster.
#[derive(Clone, Debug, Default)]
pub struct Slots {
    /// Statements that define the helper variables some slots read.
    pub prelude: Vec<String>,
    /// The slots.
    pub slots: Vec<Slot>,
}

/// Prefix of the probe fields (outside the taxonomy on purpose).
const PROBE: &str = "nfprobe";

/// Options for reading slots: a fixed year so results do not depend on the clock.
pub fn run_options() -> RunOptions {
    RunOptions {
        year: 2000,
        ..RunOptions::default()
    }
}

/// The key of a TEXT capture (`$from2` → `from`).
pub fn capture_key(capture: &str) -> String {
    capture
        .trim_start_matches('$')
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

/// The key of an access path (`$Data["TargetUserName"]` → `TargetUserName`, `$items["SYSCALL"][0]`
/// → `SYSCALL`).
pub fn path_key(path: &str) -> String {
    let p = path.trim_end_matches("[0]");
    match p.rfind("[\"") {
        Some(i) => p[i + 2..].trim_end_matches("\"]").to_string(),
        None => p.trim_start_matches('$').to_string(),
    }
}

/// `key=value` pairs of a string that is a run of at least two of them, values unquoted.
pub fn kv_pairs(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let eq = rest.find('=')?;
        let key = &rest[..eq];
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        let after = &rest[eq + 1..];
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (&q[..end], &q[end + 1..])
        } else {
            let end = after.find(' ').unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        out.push((key.to_string(), value.to_string()));
        rest = next.trim_start();
    }
    (out.len() >= 2).then_some(out)
}

/// Candidate expressions of a cluster: captures for TEXT, flattened paths (and the keys of
/// embedded key=value strings) for structured kinds.
fn candidates(kind: Kind, captures: &[String], members: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut prelude = Vec::new();
    let mut exprs: Vec<String> = Vec::new();
    match kind {
        Kind::Text | Kind::Keyvalue => {
            for c in captures {
                let e = if c.starts_with('$') {
                    c.clone()
                } else {
                    format!("${c}")
                };
                if !exprs.contains(&e) {
                    exprs.push(e);
                }
            }
        }
        _ => {
            let mut kv_paths: Vec<(String, Vec<String>)> = Vec::new();
            for m in members {
                for (path, value) in format_synth::structured::flatten(kind, m) {
                    if value.starts_with('\u{1}') {
                        continue;
                    }
                    if let Some(pairs) = kv_pairs(&value) {
                        let keys: Vec<String> = pairs.into_iter().map(|(k, _)| k).collect();
                        match kv_paths.iter_mut().find(|(p, _)| *p == path) {
                            Some((_, ks)) => {
                                for k in keys {
                                    if !ks.contains(&k) {
                                        ks.push(k);
                                    }
                                }
                            }
                            None => kv_paths.push((path, keys)),
                        }
                    } else if !exprs.contains(&path) {
                        exprs.push(path);
                    }
                }
            }
            for (i, (path, keys)) in kv_paths.into_iter().enumerate() {
                let var = format!("$kv{i}");
                prelude.push(format!("{var} = keyvalue({path}, \" \", \"=\")"));
                for k in keys {
                    exprs.push(format!("{var}[\"{k}\"]"));
                }
            }
        }
    }
    (prelude, exprs)
}

/// The slots of a cluster, read from `members` with the head (`head` is formula text:
/// header and COND).
pub fn read(kind: Kind, head: &str, captures: &[String], members: &[&str]) -> Slots {
    let (prelude, exprs) = candidates(kind, captures, members);
    let mut probe = String::from(head);
    probe.push('\n');
    for p in &prelude {
        probe.push_str(p);
        probe.push('\n');
    }
    for (i, e) in exprs.iter().enumerate() {
        probe.push_str(&format!("{PROBE}{i} = {e}\n"));
    }
    let rule = Rule::compile(&probe, Default::default()).ok();
    let opts = run_options();
    let mut slots: Vec<Slot> = exprs
        .iter()
        .map(|e| Slot {
            expr: e.clone(),
            key: match kind {
                Kind::Text | Kind::Keyvalue => capture_key(e),
                _ => e
                    .strip_prefix("$kv")
                    .and_then(|r| r.split_once('['))
                    .map(|(_, k)| path_key(&format!("$x[{k}")))
                    .unwrap_or_else(|| path_key(e)),
            },
            values: Vec::with_capacity(members.len()),
        })
        .collect();
    for m in members {
        let out = match rule.as_ref().map(|r| r.normalize(m, &opts)) {
            Some(Ok(Outcome::Normalized(ev))) => Some(ev),
            _ => None,
        };
        for (i, s) in slots.iter_mut().enumerate() {
            let v = out
                .as_ref()
                .and_then(|ev| ev.get(&format!("{PROBE}{i}")))
                .and_then(|v| v.to_text())
                .filter(|t| !t.is_empty());
            s.values.push(v);
        }
    }
    slots.retain(|s| s.values.iter().any(Option::is_some));
    Slots { prelude, slots }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(capture_key("$from2"), "from");
        assert_eq!(path_key("$Data[\"TargetUserName\"]"), "TargetUserName");
        assert_eq!(path_key("$items[\"SYSCALL\"][0]"), "SYSCALL");
        assert_eq!(path_key("$Computer"), "Computer");
    }

    #[test]
    fn kv() {
        let p = kv_pairs("arch=c000003e syscall=41 comm=\"a b\" exe=/bin/x").unwrap();
        assert_eq!(p[2], ("comm".into(), "a b".into()));
        assert!(kv_pairs("just words here").is_none());
        assert!(kv_pairs("a=1").is_none());
    }

    #[test]
    fn reads_structured_and_embedded_slots() {
        let ev =
            r#"{"node":"h1","items":{"SYSCALL":["arch=x syscall=59 pid=12 exe=\"/bin/ls\""]}}"#;
        let s = read(Kind::Json, "JSON = ''", &[], &[ev]);
        let get = |k: &str| {
            s.slots
                .iter()
                .find(|x| x.key == k)
                .map(|x| x.values[0].clone())
        };
        assert_eq!(get("node"), Some(Some("h1".into())));
        assert_eq!(get("pid"), Some(Some("12".into())));
        assert_eq!(s.prelude.len(), 1);
    }

    #[test]
    fn reads_text_captures() {
        let s = read(
            Kind::Text,
            "TEXT = 'user {$user=WORD} from {$from=IPV4}'",
            &["$user".into(), "$from".into()],
            &["user bob from 10.0.0.1"],
        );
        assert_eq!(s.slots[1].values[0].as_deref(), Some("10.0.0.1"));
        assert_eq!(s.slots[0].key, "user");
    }
}
