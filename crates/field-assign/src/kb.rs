//! An expert knowledge base as retrieval memory: its rules (compiled, to run on new events),
//! the key names of their raw events, their constant fields, and the field↔value alignments
//! of every test pair (which raw key held the value an expert put in which field).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use ingest::Kind;
use serde_json::Value as J;
use xp_eval::Rule;
use xp_taxonomy::Taxonomy;

use crate::slots::{kv_pairs, path_key};

/// Errors of loading a knowledge base.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The folder holds no rule package or cannot be read.
    #[error(transparent)]
    Package(#[from] xp_package::Error),
}

/// How a raw value is turned into the field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transform {
    /// As is (after the field's type conversion).
    Same,
    /// `lower(…)`.
    Lower,
    /// `maybe_number16(…)`: a `0x…` number in decimal.
    Hex,
    /// A terminal as `who` names it: `/dev/pts/0` and audit's `pts0` → `pts/0`.
    Tty,
    /// The file type of an octal file mode (POSIX `S_IFMT` bits): `0100644` → `regular_file`.
    FileType,
    /// The message of a failed call's negative exit value (`-2` → "No such file or directory").
    Errno,
    /// A direction in the taxonomy's words: Windows Filtering Platform's message codes
    /// (`%%14592` Inbound, `%%14593` Outbound) and the words inbound/outbound → ingress,
    /// egress; other values (audit's `from-client`, `both`) as written.
    Direction,
    /// A Windows token elevation type's message code (`%%1936`) as the enumeration names it
    /// (`TokenElevationTypeDefault`; Full `%%1937`, Limited `%%1938`).
    Elevation,
}

/// The value a code table gives `v`.
fn looked_up(table: &'static [(&str, &str)], v: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v.trim()).map(|(_, d)| *d)
}

/// `expr == "code" then "value" elif …` over a code table (an `if` without its ends).
fn if_arms(table: &[(&str, &str)], expr: &str) -> String {
    table
        .iter()
        .map(|(k, d)| format!("{expr} == \"{k}\" then \"{d}\""))
        .collect::<Vec<_>>()
        .join(" elif ")
}

/// `TOKEN_ELEVATION_TYPE` values as Windows security events write them.
const ELEVATIONS: &[(&str, &str)] = &[
    ("%%1936", "TokenElevationTypeDefault"),
    ("%%1937", "TokenElevationTypeFull"),
    ("%%1938", "TokenElevationTypeLimited"),
];

/// Direction values and the taxonomy's word for them.
const DIRECTIONS: &[(&str, &str)] = &[
    ("%%14592", "ingress"),
    ("%%14593", "egress"),
    ("inbound", "ingress"),
    ("outbound", "egress"),
    ("Inbound", "ingress"),
    ("Outbound", "egress"),
];

/// File types by the octal digits of a mode's `S_IFMT` bits (`0100644`: `010` + `0644`),
/// the permission bits being the last four digits.
const FILE_TYPES: &[(&str, &str)] = &[
    ("010", "regular_file"),
    ("04", "directory"),
    ("012", "symlink"),
    ("014", "socket"),
    ("02", "character_device"),
    ("06", "block_device"),
    ("01", "fifo"),
];

/// The file type of an octal mode, or `None` when it is no such mode.
fn file_type(mode: &str) -> Option<&'static str> {
    let m = mode.trim();
    if m.len() < 6 || !m.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    let ifmt = &m[..m.len() - 4];
    FILE_TYPES.iter().find(|(k, _)| *k == ifmt).map(|(_, t)| *t)
}

impl Transform {
    /// Applies it to a value.
    pub fn apply(self, v: &str) -> String {
        match self {
            Transform::Same => v.to_string(),
            Transform::Lower => v.to_lowercase(),
            Transform::Hex => v
                .trim()
                .strip_prefix("0x")
                .or_else(|| v.trim().strip_prefix("0X"))
                .and_then(|h| i64::from_str_radix(h, 16).ok())
                .map_or_else(String::new, |n| n.to_string()),
            Transform::Tty => match v.strip_prefix("pts") {
                // Audit's SYSCALL records write the pseudo-terminal `pts0`.
                Some(n) if n.starts_with(|c: char| c.is_ascii_digit()) => format!("pts/{n}"),
                _ => v.strip_prefix("/dev/").unwrap_or(v).to_string(),
            },
            Transform::FileType => file_type(v).unwrap_or_default().to_string(),
            Transform::Errno => crate::errno::message(v).unwrap_or_default().to_string(),
            Transform::Direction => looked_up(DIRECTIONS, v).unwrap_or(v).to_string(),
            Transform::Elevation => looked_up(ELEVATIONS, v).unwrap_or_default().to_string(),
        }
    }

    /// Wraps an XP expression.
    pub fn wrap(self, expr: &str) -> String {
        match self {
            Transform::Same => expr.to_string(),
            Transform::Lower => format!("lower({expr})"),
            Transform::Hex => format!("maybe_number16({expr})"),
            Transform::Tty => format!(
                "if match({expr}, \"pts[0-9]*\") then \"pts/\" + substr({expr}, 3) else strip({expr}, \"/dev/\", \"\") endif"
            ),
            // The type digits are what precedes the four permission digits.
            Transform::FileType => {
                let digits = format!("substr({expr}, 0, length({expr}) - 4)");
                let arms: Vec<String> = FILE_TYPES
                    .iter()
                    .map(|(k, t)| format!("{digits} == \"{k}\" then \"{t}\""))
                    .collect();
                format!("if {} endif", arms.join(" elif "))
            }
            Transform::Errno => crate::errno::switch_expr(expr),
            // Unknown values as written.
            Transform::Direction => format!("if {} else {expr} endif", if_arms(DIRECTIONS, expr)),
            // Unknown codes: no value.
            Transform::Elevation => format!("if {} endif", if_arms(ELEVATIONS, expr)),
        }
    }
}

/// One expert rule.
#[derive(Clone, Debug)]
pub struct KbRule {
    /// Its folder.
    pub dir: PathBuf,
    /// The source folder (the rule folder's parent).
    pub source: PathBuf,
    /// Kind of its raw events.
    pub kind: Kind,
    /// The compiled rule (`None` when it does not compile).
    pub rule: Option<Rule>,
    /// Key names (structured) or lower-case words (TEXT) of its raw events.
    pub keys: BTreeSet<String>,
    /// Fields with the same value in every test that no raw value explains.
    pub constants: BTreeMap<String, String>,
    /// (key, field, transform) alignments seen in its tests, with counts.
    pub aligned: HashMap<(String, String, Transform), u32>,
    /// Keys seen, with the number of tests that have them.
    pub seen: HashMap<String, u32>,
}

/// Rules that must agree before their object outweighs the words of an event's type.
pub const AGREED_RULES: usize = 5;

/// A knowledge base.
#[derive(Debug, Default)]
pub struct Kb {
    /// Its rules.
    pub rules: Vec<KbRule>,
    /// Per (kind family, key): tests that have it.
    seen: HashMap<(u8, String), u32>,
    /// Per (kind family, key): (field, transform) → tests where the key's value is the
    /// field's value.
    aligned: HashMap<(u8, String), HashMap<(String, Transform), u32>>,
}

/// Kinds whose events read alike: text lines, Windows events, other structured events.
pub fn family(k: Kind) -> u8 {
    match k {
        Kind::Text | Kind::Keyvalue | Kind::Cef => 0,
        Kind::Eventlog => 1,
        Kind::Json | Kind::Tabular => 2,
    }
}

/// The kind of one raw event file.
pub fn kind_of(raw: &str) -> Kind {
    let t = raw.trim_start_matches('\u{feff}').trim();
    if t.starts_with("<Event") {
        return Kind::Eventlog;
    }
    if t.starts_with('{') {
        if let Ok(v) = serde_json::from_str::<J>(t) {
            let v = v.get("body").and_then(J::as_str).map_or(v.clone(), |b| {
                serde_json::from_str::<J>(b).unwrap_or(J::Null)
            });
            return if ingest::detect::is_eventlog(&v) {
                Kind::Eventlog
            } else {
                Kind::Json
            };
        }
    }
    ingest::detect::line_kind(t.lines().next().unwrap_or(""))
}

/// Words of a text, for similarity: lower-case alphabetic runs of 3+ letters.
pub fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// Prefix of the keys of key=value records embedded in a structured event's values: what a
/// key means there (auditd `euid`) need not be what the same name means as a member of an
/// object (an EDR's `audit_token.euid`), so the two are learned apart.
pub const EMBEDDED: &str = "kv:";

/// (key, value) pairs of a raw event: flattened paths and embedded key=value pairs (keys
/// prefixed with [`EMBEDDED`]) for structured kinds; for TEXT, each token keyed by the word
/// before it (or its `key=`).
pub fn raw_values(kind: Kind, raw: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match kind {
        Kind::Text | Kind::Keyvalue | Kind::Cef => {
            let toks: Vec<&str> = raw.split_whitespace().collect();
            let clean = |t: &str| {
                t.trim_matches(|c: char| "[](),;:'\"<>".contains(c))
                    .to_string()
            };
            for (i, t) in toks.iter().enumerate() {
                if let Some((k, v)) = t.split_once('=') {
                    out.push((k.to_lowercase(), clean(v)));
                    continue;
                }
                if i > 0 {
                    let prev = toks[i - 1]
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase();
                    if !prev.is_empty() {
                        out.push((prev, clean(t)));
                    }
                }
            }
        }
        _ => {
            for (path, value) in format_synth::structured::flatten(kind, raw) {
                if value.starts_with('\u{1}') {
                    continue;
                }
                match kv_pairs(&value) {
                    Some(pairs) => {
                        for (k, v) in pairs {
                            // A quoted value that is a run of pairs itself (auditd `msg='…'`).
                            match kv_pairs(&v) {
                                Some(inner) => out.extend(
                                    inner
                                        .into_iter()
                                        .map(|(k, v)| (format!("{EMBEDDED}{k}"), v)),
                                ),
                                None => out.push((format!("{EMBEDDED}{k}"), v)),
                            }
                        }
                    }
                    None => out.push((path_key(&path), value)),
                }
            }
        }
    }
    out.retain(|(_, v)| v.chars().count() >= 2);
    out
}

/// Whether a raw value, transformed, is the field's expected value.
pub fn same_value(tax: &Taxonomy, field: &str, expected: &J, raw: &str, t: Transform) -> bool {
    let ty = tax.type_of(field);
    xp_package::compare::values_equal(ty, expected, &J::String(t.apply(raw)))
}

/// The text of a norm value.
fn text(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

const TRANSFORMS: [Transform; 3] = [Transform::Same, Transform::Lower, Transform::Hex];

impl Kb {
    /// Loads every rule package under `dirs`.
    pub fn load(dirs: &[PathBuf]) -> Result<Kb, Error> {
        let tax = Taxonomy::embedded();
        let mut rules = Vec::new();
        for p in xp_package::find_packages(dirs)? {
            let Ok(src) = p.read_formula() else { continue };
            let rule = Rule::compile(&src, Default::default()).ok();
            let mut r = KbRule {
                source: p.dir.parent().map(Path::to_path_buf).unwrap_or_default(),
                dir: p.dir.clone(),
                kind: Kind::Text,
                rule,
                keys: BTreeSet::new(),
                constants: BTreeMap::new(),
                aligned: HashMap::new(),
                seen: HashMap::new(),
            };
            let mut values: BTreeMap<String, Option<String>> = BTreeMap::new();
            let mut explained: BTreeSet<String> = BTreeSet::new();
            let mut n = 0;
            for t in p.tests() {
                let Ok((raw, norm)) = t.read() else {
                    continue;
                };
                r.kind = kind_of(&raw);
                let pairs = raw_values(r.kind, &raw);
                match r.kind {
                    Kind::Text | Kind::Keyvalue | Kind::Cef => r.keys.extend(words(&raw)),
                    _ => r.keys.extend(pairs.iter().map(|(k, _)| k.clone())),
                }
                let keys: BTreeSet<&String> = pairs.iter().map(|(k, _)| k).collect();
                for k in keys {
                    *r.seen.entry(k.clone()).or_default() += 1;
                }
                let mut hit: BTreeSet<(String, String, Transform)> = BTreeSet::new();
                for (field, v) in &norm {
                    if field == "id" {
                        continue;
                    }
                    let vt = text(v);
                    let e = values
                        .entry(field.clone())
                        .or_insert_with(|| Some(vt.clone()));
                    if e.as_deref() != Some(vt.as_str()) {
                        *e = None;
                    }
                    for (k, raw_v) in &pairs {
                        for t in TRANSFORMS {
                            if same_value(tax, field, v, raw_v, t) {
                                hit.insert((k.clone(), field.clone(), t));
                                explained.insert(field.clone());
                                break;
                            }
                        }
                    }
                }
                for h in hit {
                    *r.aligned.entry(h).or_default() += 1;
                }
                n += 1;
            }
            if n == 0 {
                continue;
            }
            // Fields missing from some test are not constants.
            r.constants = values
                .into_iter()
                .filter(|(f, _)| !explained.contains(f))
                .filter_map(|(f, v)| Some((f, v?)))
                .collect();
            rules.push(r);
        }
        Ok(Kb::from_rules(rules))
    }

    /// A KB of the given rules, with the statistics recomputed.
    pub fn from_rules(rules: Vec<KbRule>) -> Kb {
        let mut kb = Kb {
            rules,
            ..Kb::default()
        };
        for r in &kb.rules {
            let fam = family(r.kind);
            for (k, n) in &r.seen {
                *kb.seen.entry((fam, k.clone())).or_default() += n;
            }
            for ((k, f, t), n) in &r.aligned {
                *kb.aligned
                    .entry((fam, k.clone()))
                    .or_default()
                    .entry((f.clone(), *t))
                    .or_default() += n;
            }
        }
        kb
    }

    /// Splits off the rules for which `keep` is false (leave-one-source-out).
    pub fn partition(self, keep: impl Fn(&KbRule) -> bool) -> (Kb, Kb) {
        let (a, b): (Vec<_>, Vec<_>) = self.rules.into_iter().partition(|r| keep(r));
        (Kb::from_rules(a), Kb::from_rules(b))
    }

    /// Merges two KBs.
    pub fn merged(self, other: Kb) -> Kb {
        let mut rules = self.rules;
        rules.extend(other.rules);
        Kb::from_rules(rules)
    }

    /// The constant value of `field` most rules that set it as a constant share, when their
    /// share is at least `min_share` and at least three rules agree.
    pub fn usual_constant(&self, field: &str, min_share: f64) -> Option<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut n = 0;
        for r in &self.rules {
            if let Some(v) = r.constants.get(field) {
                *counts.entry(v).or_default() += 1;
                n += 1;
            }
        }
        let (v, c) = counts
            .into_iter()
            .max_by_key(|(v, c)| (*c, std::cmp::Reverse(*v)))?;
        (c >= 3 && c as f64 >= min_share * n as f64).then(|| v.to_string())
    }

    /// What the rules classifying events as (`action`, `object`) set `field` to, when at
    /// least two of them agree and they are at least half of those that set it.
    pub fn precedent(&self, field: &str, action: &str, object: Option<&str>) -> Option<String> {
        self.precedent_where(field, Some(action), object)
    }

    /// The object the rules with this action agree on: at least [`AGREED_RULES`] set one and
    /// nine in ten of those name the same (a login is into the `system` in every source).
    pub fn agreed_object(&self, action: &str) -> Option<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.rules {
            let c = &r.constants;
            if c.get("action").map(String::as_str) == Some(action) {
                if let Some(o) = c.get("object") {
                    *counts.entry(o).or_default() += 1;
                }
            }
        }
        let n: usize = counts.values().sum();
        let (v, k) = counts
            .into_iter()
            .max_by_key(|(v, c)| (*c, std::cmp::Reverse(*v)))?;
        (k >= AGREED_RULES && 10 * k >= 9 * n).then(|| v.to_string())
    }

    /// The value `field` takes in most rules with this object, whatever their action (the
    /// categories describe what is acted on more than the act).
    pub fn object_precedent(&self, field: &str, object: &str) -> Option<String> {
        self.precedent_where(field, None, Some(object))
    }

    fn precedent_where(
        &self,
        field: &str,
        action: Option<&str>,
        object: Option<&str>,
    ) -> Option<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut n = 0;
        for r in &self.rules {
            let c = &r.constants;
            if action.is_some_and(|a| c.get("action").map(String::as_str) != Some(a))
                || object.is_some_and(|o| c.get("object").map(String::as_str) != Some(o))
            {
                continue;
            }
            if let Some(v) = c.get(field) {
                *counts.entry(v).or_default() += 1;
                n += 1;
            }
        }
        let (v, k) = counts
            .into_iter()
            .max_by_key(|(v, c)| (*c, std::cmp::Reverse(*v)))?;
        // A strict majority: a tie between two readings decides nothing.
        (k >= 2 && 2 * k > n).then(|| v.to_string())
    }

    /// Source folders of the rules.
    pub fn sources(&self) -> BTreeSet<PathBuf> {
        self.rules.iter().map(|r| r.source.clone()).collect()
    }

    /// The fields a key's value went to, best first: (field, transform, tests, share of the
    /// tests that have the key).
    pub fn fields_of_key(&self, kind: Kind, key: &str) -> Vec<(String, Transform, u32, f64)> {
        // Words of text lines compare in lower case; keys of structured events exactly
        // (auditd `uid` is a number, `UID` the name it resolves to).
        let key = if family(kind) == 0 {
            key.to_lowercase()
        } else {
            key.to_string()
        };
        let k = (family(kind), key);
        let seen = f64::from(*self.seen.get(&k).unwrap_or(&0)).max(1.0);
        let mut out: Vec<(String, Transform, u32, f64)> = self
            .aligned
            .get(&k)
            .map(|m| {
                m.iter()
                    .map(|((f, t), n)| (f.clone(), *t, *n, f64::from(*n) / seen))
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)).then(a.0.cmp(&b.0)));
        out
    }

    /// As [`Kb::fields_of_key`], counted over some of the rules only (those alike enough to
    /// a cluster: what `name=` means in `useradd`'s lines says little of an audit record's).
    pub fn fields_of_key_in(
        &self,
        kind: Kind,
        key: &str,
        rules: &[&KbRule],
    ) -> Vec<(String, Transform, u32, f64)> {
        let key = if family(kind) == 0 {
            key.to_lowercase()
        } else {
            key.to_string()
        };
        let seen: u32 = rules.iter().filter_map(|r| r.seen.get(&key)).sum();
        let mut counts: HashMap<(String, Transform), u32> = HashMap::new();
        for r in rules {
            for ((k, f, t), n) in &r.aligned {
                if *k == key {
                    *counts.entry((f.clone(), *t)).or_default() += n;
                }
            }
        }
        let seen = f64::from(seen).max(1.0);
        let mut out: Vec<(String, Transform, u32, f64)> = counts
            .into_iter()
            .map(|((f, t), n)| (f, t, n, f64::from(n) / seen))
            .collect();
        out.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)).then(a.0.cmp(&b.0)));
        out
    }

    /// The rules nearest to a set of keys (Jaccard similarity), best first, among rules of
    /// the same kind family.
    pub fn nearest(&self, kind: Kind, keys: &BTreeSet<String>) -> Vec<(f64, &KbRule)> {
        let mut out: Vec<(f64, &KbRule)> = self
            .rules
            .iter()
            .filter(|r| family(r.kind) == family(kind))
            .map(|r| {
                let inter = r.keys.intersection(keys).count() as f64;
                let union = (r.keys.len() + keys.len()) as f64 - inter;
                (if union > 0.0 { inter / union } else { 0.0 }, r)
            })
            .collect();
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.dir.cmp(&b.1.dir)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the XP form of `t` makes of `v` (a JSON event's `$v`).
    fn in_xp(t: Transform, field: &str, v: &str) -> Option<String> {
        crate::tsv::run_field("", field, &t.wrap("$v"), &format!("{{\"v\": \"{v}\"}}"))
    }

    #[test]
    fn terminals_as_who_names_them() {
        let t = Transform::Tty;
        assert_eq!(t.apply("/dev/pts/3"), "pts/3");
        assert_eq!(t.apply("pts12"), "pts/12");
        assert_eq!(t.apply("tty1"), "tty1");
        assert_eq!(t.apply("ssh"), "ssh");
        for (v, want) in [("pts0", "pts/0"), ("/dev/pts/1", "pts/1"), ("cron", "cron")] {
            assert_eq!(in_xp(t, "logon_service", v).as_deref(), Some(want), "{v}");
        }
    }

    /// The Rust and the XP form of a code table's transform agree on `(value, wanted)`
    /// (`None`: no value).
    fn decodes(t: Transform, field: &str, cases: &[(&str, Option<&str>)]) {
        for (v, want) in cases {
            assert_eq!(t.apply(v), want.unwrap_or_default(), "{v}");
            assert_eq!(in_xp(t, field, v).as_deref(), *want, "{v}");
        }
    }

    #[test]
    fn code_tables_decode_in_rust_and_in_xp() {
        // Directions in the taxonomy's words; other values as written.
        decodes(
            Transform::Direction,
            "direction",
            &[
                ("%%14592", Some("ingress")),
                ("%%14593", Some("egress")),
                ("Outbound", Some("egress")),
                ("from-client", Some("from-client")),
            ],
        );
        // Token elevation types by their enumeration names; unknown codes give nothing.
        decodes(
            Transform::Elevation,
            "subject.account.privileges",
            &[
                ("%%1936", Some("TokenElevationTypeDefault")),
                ("%%1938", Some("TokenElevationTypeLimited")),
                ("%%9999", None),
            ],
        );
    }

    #[test]
    fn file_types_of_octal_modes() {
        let t = Transform::FileType;
        assert_eq!(t.apply("0100644"), "regular_file");
        assert_eq!(t.apply("040755"), "directory");
        assert_eq!(t.apply("0120777"), "symlink");
        assert_eq!(t.apply("010600"), "fifo");
        assert_eq!(t.apply("0644"), "");
        assert_eq!(t.apply("rw-r--r--"), "");
        // The XP form agrees.
        for (mode, want) in [
            ("0100644", Some("regular_file")),
            ("040755", Some("directory")),
            ("0644", None),
        ] {
            assert_eq!(in_xp(t, "object.type", mode).as_deref(), want, "{mode}");
        }
    }
}
