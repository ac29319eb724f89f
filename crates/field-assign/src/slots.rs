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
    /// The segment before the key, for nested names (`source` of `$source["ip"]`).
    pub parent: Option<String>,
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

/// `key=value` pairs of a string that is a run of at least two of them, values unquoted
/// (`"…"` and `'…'` quotes both protect spaces).
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
        let quoted = after
            .strip_prefix('"')
            .map(|q| (q, '"'))
            .or_else(|| after.strip_prefix('\'').map(|q| (q, '\'')));
        let (value, next) = if let Some((q, quote)) = quoted {
            let end = q.find(quote)?;
            (&q[..end], &q[end + 1..])
        } else {
            // An unquoted value runs to the next ` key=` (CEF values hold spaces).
            let end = next_pair(after).unwrap_or(after.len());
            (after[..end].trim_end(), &after[end..])
        };
        out.push((key.to_string(), value.to_string()));
        rest = next.trim_start();
    }
    (out.len() >= 2).then_some(out)
}

/// Keys written `key=` in the members' text (candidate keys of a KEYVALUE capture).
fn written_keys(members: &[&str], colon: bool) -> Vec<String> {
    let mut out = Keys::default();
    for m in members {
        for tok in m.split_whitespace() {
            let key = if colon {
                tok.strip_suffix(':')
            } else {
                tok.split_once('=').map(|(k, _)| k)
            };
            let Some(k) = key else {
                continue;
            };
            // The key is what follows the last character no key has: a CEF extension's
            // first key comes right after the header's `|` (`…|10|src=10.0.0.1`).
            let is_key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
            let k = &k[k.rfind(|c: char| !is_key_char(c)).map_or(0, |i| i + 1)..];
            let ok = k
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            if ok {
                out.add(k);
            }
        }
    }
    out.list
}

/// Where the next ` key=` starts in `s` (the offset of the space).
fn next_pair(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' {
            let rest = &s[i + 1..];
            let k = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if k > 0 && rest[k..].starts_with('=') {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// Candidate expressions of a cluster: captures for TEXT (the keys of a KEYVALUE capture),
/// flattened paths (and the keys of embedded key=value strings) for structured kinds.
fn candidates(
    kind: Kind,
    head: &str,
    captures: &[String],
    members: &[&str],
) -> (Vec<String>, Vec<String>) {
    let mut prelude = Vec::new();
    let mut exprs: Vec<String> = Vec::new();
    match kind {
        Kind::Text | Kind::Keyvalue | Kind::Cef => {
            for c in captures {
                let e = if c.starts_with('$') {
                    c.clone()
                } else {
                    format!("${c}")
                };
                let token = format!("{{{e}=KEYVALUE");
                if head.contains(&format!("{{{e}=CSV(")) {
                    // A record's fields, as many as its longest member has.
                    let width = members
                        .iter()
                        .map(|m| m.matches(',').count() + 1)
                        .max()
                        .unwrap_or(0)
                        .min(format_synth::csv::MAX_FIELDS);
                    exprs.extend((0..width).map(|i| format!("{e}[{i}]")));
                } else if let Some(at) = head.find(&token) {
                    // `KEYVALUE(" ", ": ", "\"")`: keys written `Key: value`.
                    let args = &head[at + token.len()..];
                    let colon = args.starts_with('(')
                        && args[..args.find('}').unwrap_or(args.len())].contains("\": \"");
                    for k in written_keys(members, colon) {
                        exprs.push(format!("{e}[{}]", xp_syntax::printer::quote_str(&k, '"')));
                    }
                } else if !exprs.contains(&e) {
                    exprs.push(e);
                }
            }
        }
        _ => {
            let mut kv_paths: Vec<(String, Vec<String>)> = Vec::new();
            for m in members {
                for (path, value) in format_synth::structured::flatten_to(kind, m, 4) {
                    if value.starts_with('\u{1}') {
                        continue;
                    }
                    if kv_pairs(&value).is_some() || named_pair(&path, &value) {
                        match kv_paths.iter_mut().find(|(p, _)| *p == path) {
                            Some((_, vs)) => vs.push(value),
                            None => kv_paths.push((path, vec![value])),
                        }
                    } else if !exprs.contains(&path) {
                        exprs.push(path);
                    }
                }
            }
            for (path, values) in kv_paths {
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                let path = object_record(&path, &values, &mut prelude).unwrap_or(path);
                open_kv(&path, &values, &mut prelude, &mut exprs);
            }
        }
    }
    (prelude, exprs)
}

/// The record of a list (`$items["PATH"][0]`) that names the event's object. Linux audit
/// writes one `PATH` record per path a call touched, each with its role (`nametype`): a
/// `PARENT` record is the directory holding the object, so the object is the first record
/// that is no parent. Defines a variable holding that record (the first record when all are
/// parents) and returns it; `None` for lists whose records carry no role.
fn object_record(path: &str, values: &[&str], prelude: &mut Vec<String>) -> Option<String> {
    const ROLE: &str = "nametype=PARENT";
    let list = path.strip_suffix("[0]")?;
    if !values.iter().any(|v| v.contains("nametype=")) {
        return None;
    }
    let var = format!("${}_record", key_of(list).to_ascii_lowercase());
    prelude.push(format!("{var} = {path}"));
    // Audit's calls touch at most a few paths: a parent and its entry, or two of each for a
    // rename.
    for i in 1..4 {
        prelude.push(format!(
            "{var} = if find_substr({var}, \"{ROLE}\") != null and {list}[{i}] != null then {list}[{i}] else {var} endif"
        ));
    }
    Some(var)
}

/// The record a `keyvalue()` helper reads (`$kv1` → `PATH` for `$kv1 = keyvalue($items["PATH"][0], …)`):
/// the name of the list whose record it opens, through a variable that holds one. `None` for
/// other helpers (a nested `msg='…'` run).
fn record_of(expr: &str, prelude: &[String]) -> Option<String> {
    let var = &expr[..expr.find('[')?];
    let def = |v: &str| {
        prelude
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{v} = ")))
            .map(str::to_string)
    };
    let d = def(var)?;
    let mut src = d
        .strip_prefix("keyvalue(")?
        .split(", \" \"")
        .next()?
        .to_string();
    if src.starts_with('$') && !src.contains('[') {
        src = def(&src)?;
    }
    let list = src.strip_suffix("[0]")?;
    Some(key_of(list)).filter(|k| !k.is_empty())
}

/// The record type a TEXT header states before its KEYVALUE capture (`type=SYSCALL msg=… {$kv=KEYVALUE}`)
/// for the keys of that capture (`$kv["key"]`): they are that record's, as a list's are.
fn header_record(head: &str, expr: &str) -> Option<String> {
    let var = &expr[..expr.find('[')?];
    let token = head.find(&format!("{{{var}=KEYVALUE"))?;
    let before = &head[..token];
    let at = before.rfind("type=")?;
    let name: String = before[at + 5..]
        .chars()
        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
        .collect();
    let starts_word = at == 0 || !before.as_bytes()[at - 1].is_ascii_alphanumeric();
    (starts_word && name.len() >= 2).then_some(name)
}

/// Opens `expr`, whose `values` are runs of `key=value` pairs, with `keyvalue()`: one helper
/// variable in `prelude` and one expression per key in `exprs`. Single-quoted values (auditd
/// `msg='op=… res=success'`) make `'` the quote; a value that is itself a run of pairs is
/// opened in turn, with `"` as its quote.
fn open_kv(expr: &str, values: &[&str], prelude: &mut Vec<String>, exprs: &mut Vec<String>) {
    open_kv_at(expr, values, prelude, exprs, 0);
}

fn open_kv_at(
    expr: &str,
    values: &[&str],
    prelude: &mut Vec<String>,
    exprs: &mut Vec<String>,
    depth: usize,
) {
    let single = values.iter().any(|v| single_quoted(v));
    let var = format!("$kv{}", prelude.len());
    let quote = if single {
        ", \"'\""
    } else if depth > 0 {
        ", '\"'"
    } else {
        ""
    };
    prelude.push(format!("{var} = keyvalue({expr}, \" \", \"=\"{quote})"));
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    for v in values {
        let pairs = match kv_pairs(v) {
            Some(p) => p,
            // A record of one pair (see `named_pair`).
            None if depth == 0 && v.matches('=').count() == 1 => {
                let (k, x) = v.split_once('=').unwrap_or_default();
                vec![(k.trim().to_string(), x.trim_matches('"').to_string())]
            }
            None if depth > 0 => pair_words(v)
                .into_iter()
                .map(|k| (k, String::new()))
                .collect(),
            None => Vec::new(),
        };
        for (k, x) in pairs {
            match index.get(&k) {
                Some(&i) => keys[i].1.push(x),
                None if keys.len() < MAX_KEYS => {
                    index.insert(k.clone(), keys.len());
                    keys.push((k, vec![x]));
                }
                None => {}
            }
        }
    }
    for (k, xs) in keys {
        let e = format!("{var}[{}]", xp_syntax::printer::quote_str(&k, '"'));
        // Most values must be runs of pairs; the others (a prose lead such as
        // `pam_tally2 uid=1000 …`) are read by the same `keyvalue()`, which skips what is no pair.
        let runs = xs.iter().filter(|x| pair_words(x).len() >= 2).count();
        let nested = single && depth == 0 && runs > 0 && runs * 2 >= xs.len();
        if nested {
            let xs: Vec<&str> = xs.iter().map(String::as_str).collect();
            open_kv_at(&e, &xs, prelude, exprs, depth + 1);
        } else {
            exprs.push(e);
        }
    }
}

/// The keys of the words of `s` written `key=…` (prose around them allowed).
fn pair_words(s: &str) -> Vec<String> {
    let mut out = Keys::default();
    for w in s.split_whitespace() {
        if let Some((k, _)) = w.split_once('=') {
            let ok = k
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if ok {
                out.add(k);
            }
        }
    }
    out.list
}

/// Distinct keys in order of first appearance, at most [`MAX_KEYS`]: a record of more keys
/// (a 1 MB line of `k=v` pairs) is read by its first ones, so the probe formula and the rule
/// stay small and the reading linear.
#[derive(Default)]
struct Keys {
    list: Vec<String>,
    seen: std::collections::HashSet<String>,
}

/// Most keys of one record that become slots.
const MAX_KEYS: usize = 256;

impl Keys {
    fn add(&mut self, k: &str) {
        if self.list.len() < MAX_KEYS && !self.seen.contains(k) {
            self.seen.insert(k.to_string());
            self.list.push(k.to_string());
        }
    }
}

/// Whether `value` is the one pair its own path names (auditd `$items["CWD"][0]` holding
/// `cwd="/root"`): a record of one key, opened like longer runs.
fn named_pair(path: &str, value: &str) -> bool {
    let key = path_key(path);
    value.split_once('=').is_some_and(|(k, v)| {
        k.eq_ignore_ascii_case(&key)
            && !v.is_empty()
            && (!v.contains(' ') || (v.len() >= 2 && v.starts_with('"') && v.ends_with('"')))
    })
}

/// Whether some value of the pairs in `s` is written `key='…'`.
fn single_quoted(s: &str) -> bool {
    s.match_indices("='").any(|(i, _)| {
        s[..i].rsplit(' ').next().is_some_and(|k| {
            !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    })
}

/// The key of an expression: the capture name, or the last path segment.
fn key_of(e: &str) -> String {
    if e.contains('[') {
        path_key(e)
    } else {
        capture_key(e)
    }
}

/// The value of every expression in every member (`None`: absent or empty).
fn probe(
    head: &str,
    prelude: &[String],
    exprs: &[String],
    members: &[&str],
) -> Vec<Vec<Option<String>>> {
    let mut src = String::from(head);
    src.push('\n');
    for p in prelude {
        src.push_str(p);
        src.push('\n');
    }
    for (i, e) in exprs.iter().enumerate() {
        src.push_str(&format!("{PROBE}{i} = {e}\n"));
    }
    let rule = Rule::compile(&src, Default::default()).ok();
    let opts = run_options();
    let mut values = vec![Vec::with_capacity(members.len()); exprs.len()];
    for m in members {
        let out = match rule.as_ref().map(|r| r.normalize(m, &opts)) {
            Some(Ok(Outcome::Normalized(ev))) => Some(ev),
            _ => None,
        };
        for (i, v) in values.iter_mut().enumerate() {
            v.push(
                out.as_ref()
                    .and_then(|ev| ev.get(&format!("{PROBE}{i}")))
                    // A time as a datetime field shows it (milliseconds kept), not as text.
                    .and_then(|v| match v {
                        xp_eval::Value::Time(ms) => Some(xp_eval::datetime::format_ms(*ms)),
                        other => other.to_text(),
                    })
                    .filter(|t| !t.is_empty()),
            );
        }
    }
    values
}

/// The slots of a cluster, read from `members` with the head (`head` is formula text:
/// header and COND). A TEXT capture whose every value is a run of `key=value` pairs (a CEF
/// extension caught by REST) is opened with `keyvalue()` too.
pub fn read(kind: Kind, head: &str, captures: &[String], members: &[&str]) -> Slots {
    let (mut prelude, mut exprs) = candidates(kind, head, captures, members);
    // A key that is no XP name at the top level (`xml:lang`) cannot be read; one such path must
    // not spoil the probe of all the others.
    exprs.retain(|e| is_expression(e));
    if matches!(kind, Kind::Text | Kind::Keyvalue | Kind::Cef) {
        let first = probe(head, &prelude, &exprs, members);
        let mut opened = Vec::new();
        for (e, vals) in exprs.iter().zip(&first) {
            let present: Vec<&String> = vals.iter().flatten().collect();
            // A capture, or a KEYVALUE member holding a quoted run (audit's `msg='op=login
            // acct="bob" res=failed'`).
            let member = e.contains('[') && !e.starts_with("$kv");
            if member || present.is_empty() {
                continue;
            }
            let keys: Option<Vec<Vec<(String, String)>>> =
                present.iter().map(|v| kv_pairs(v)).collect();
            if keys.is_some() {
                let values: Vec<&str> = present.iter().map(|v| v.as_str()).collect();
                open_kv(e, &values, &mut prelude, &mut opened);
            }
        }
        exprs.extend(opened);
    }
    let values = probe(head, &prelude, &exprs, members);
    let layout = crate::records::layout(head, &exprs, &values);
    let slots = exprs
        .into_iter()
        .zip(values)
        .filter(|(_, v)| v.iter().any(Option::is_some))
        .map(|(e, values)| Slot {
            key: crate::records::column(head, &e, layout).unwrap_or_else(|| key_of(&e)),
            parent: parent_key(&e)
                .or_else(|| record_of(&e, &prelude))
                .or_else(|| header_record(head, &e)),
            expr: e,
            values,
        })
        .collect();
    Slots { prelude, slots }
}

/// Whether `e` parses as one XP expression.
fn is_expression(e: &str) -> bool {
    let (_, diags) = xp_syntax::parse_formula(&format!("JSON = ''\n{PROBE} = {e}\n"));
    !diags.iter().any(xp_syntax::Diagnostic::is_error)
}

/// The segment before the key in an access path (`$source["ip"]` → `source`).
pub fn parent_key(e: &str) -> Option<String> {
    let p = e.trim_end_matches("[0]");
    let i = p.rfind("[\"")?;
    let head = &p[..i];
    Some(key_of(head)).filter(|k| !k.is_empty() && !k.starts_with("kv"))
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
        let p = kv_pairs("msg=Some text here spt=22").unwrap();
        assert_eq!(p[0], ("msg".into(), "Some text here".into()));
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
    fn a_key_that_is_no_name_does_not_spoil_the_others() {
        // Windows XML attributes such as `xml:lang` reach the event as names XP cannot write.
        let ev = r#"{"Event":{"xmlns":"x","xml:lang":"ru-RU","System":{"EventID":"4624","Channel":"Security","Computer":"h1"},"EventData":{"Data":[{"Name":"user","text":"bob"}]}}}"#;
        let s = read(Kind::Eventlog, "EVENTLOG = 'EventID=\"4624\"'", &[], &[ev]);
        assert!(s
            .slots
            .iter()
            .any(|x| x.key == "user" && x.values[0].as_deref() == Some("bob")));
        assert!(!s.slots.iter().any(|x| x.expr.contains("xml:lang")));
    }

    #[test]
    fn the_object_record_of_an_audit_path_list_is_no_parent() {
        let members = [
            r#"{"items": {"PATH": ["item=0 name=\"/var/www/\" inode=1 mode=040755 nametype=PARENT", "item=1 name=\"/var/www/x\" inode=2 mode=0100644 nametype=CREATE"], "SYSCALL": ["arch=c000003e syscall=2 key=\"k\""]}}"#,
            r#"{"items": {"PATH": ["item=0 name=\"/etc/passwd\" inode=3 mode=0100644 nametype=NORMAL"], "SYSCALL": ["arch=c000003e syscall=2 key=\"k\""]}}"#,
        ];
        let s = read(Kind::Json, "JSON = ''", &[], &members);
        let name = s.slots.iter().find(|x| x.key == "name").unwrap();
        assert_eq!(
            name.values,
            vec![
                Some("\"/var/www/x\"".into()),
                Some("\"/etc/passwd\"".into())
            ]
        );
        // Keys of a list's record carry the record's name: `PATH` + `name`, `SYSCALL` + `key`.
        assert_eq!(name.parent.as_deref(), Some("PATH"));
        let key = s.slots.iter().find(|x| x.key == "key").unwrap();
        assert_eq!(key.parent.as_deref(), Some("SYSCALL"));
    }

    #[test]
    fn opens_keyvalue_captures_and_kv_rest() {
        let s = read(
            Kind::Text,
            "TEXT = 'date={$date=WORD} {$kv=KEYVALUE}'",
            &["$date".into(), "$kv".into()],
            &["date=x srcip=10.0.0.1 dstport=80"],
        );
        let srcip = s.slots.iter().find(|x| x.key == "srcip").unwrap();
        assert_eq!(srcip.values[0].as_deref(), Some("10.0.0.1"));
        let s = read(
            Kind::Cef,
            "TEXT = 'CEF:0|{$rest=REST}'",
            &["$rest".into()],
            &["CEF:0|src=10.0.0.2 spt=22"],
        );
        let src = s.slots.iter().find(|x| x.key == "src").unwrap();
        assert_eq!(src.values[0].as_deref(), Some("10.0.0.2"));
        assert_eq!(parent_key("$source[\"ip\"]").as_deref(), Some("source"));
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
