//! Deterministic knowledge that holds for any source: times, the syslog host, the event
//! identifier as msgid, and the classification an event's own words state ("Accepted
//! password", "authentication failure", "session opened").

use std::collections::BTreeSet;

use crate::kb::Transform;

/// A classification stated by words of the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Class {
    /// subject.
    pub subject: &'static str,
    /// action.
    pub action: &'static str,
    /// object.
    pub object: &'static str,
    /// status, when the words say it.
    pub status: Option<&'static str>,
}

/// Word patterns (all words present, in any order) and what they state, most specific first
/// (`schema/message-classes.tsv`).
fn classes() -> &'static [(Vec<&'static str>, Class)] {
    static C: std::sync::OnceLock<Vec<(Vec<&'static str>, Class)>> = std::sync::OnceLock::new();
    C.get_or_init(|| {
        crate::tsv::table("message-classes")
            .data()
            .map(|c| {
                let status = Some(c[4]).filter(|s| *s != "-");
                (
                    c[0].split(' ').collect(),
                    Class {
                        subject: c[1],
                        action: c[2],
                        object: c[3],
                        status,
                    },
                )
            })
            .collect()
    })
}

/// The words of `schema/outcome-words.tsv` read in `context`, with what they state, in file
/// order.
pub fn outcome_words(context: &str) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    crate::tsv::table("outcome-words")
        .data()
        .filter(move |c| c[1] == context)
        .map(|c| (c[0], c[2]))
}

/// What a word states in `context` (`schema/outcome-words.tsv`), if anything.
pub fn outcome_of(word: &str, context: &str) -> Option<&'static str> {
    outcome_words(context)
        .find(|(w, _)| *w == word)
        .map(|(_, o)| o)
}

/// A firewall's verdict on a packet or connection between two ends (UFW's `[UFW BLOCK] …
/// SRC= DST=`, ASA's `Deny tcp src … dst …`): the verdict word and the act it states. The rule
/// decided, the connection is the object, and the decision itself succeeded. The message names
/// both ends by their sides' own words (`schema/direction-words.tsv`).
fn verdict(words: &BTreeSet<String>) -> Option<Class> {
    let sides: BTreeSet<&str> = crate::tsv::table("direction-words")
        .data()
        .map(|c| c[1])
        .collect();
    if !sides.iter().all(|s| words.contains(*s)) {
        return None;
    }
    outcome_words("verdict-word")
        .find(|(w, _)| words.contains(*w))
        .map(|(_, act)| Class {
            subject: "rule",
            action: act,
            object: "connection",
            status: Some("success"),
        })
}

/// Whether a (lower-case) word says an action failed.
pub fn is_failure_word(w: &str) -> bool {
    outcome_of(w, "message-word").is_some()
}

/// The classification the words state, if any.
pub fn classify(words: &BTreeSet<String>) -> Option<Class> {
    let mut class = verdict(words).or_else(|| {
        classes()
            .iter()
            .find(|(ws, _)| ws.iter().all(|w| words.contains(*w)))
            .map(|(_, c)| *c)
    })?;
    if class.status.is_none() {
        let failed = outcome_words("message-word").any(|(w, _)| words.contains(w));
        class.status = Some(if failed { "failure" } else { "success" });
    }
    Some(class)
}

/// Whether every present value parses as a date and time.
pub fn all_times(values: &[Option<String>]) -> bool {
    let mut any = false;
    for v in values.iter().flatten() {
        if xp_eval::datetime::parse_full(v, Some(2000)).is_none() {
            return false;
        }
        any = true;
    }
    any
}

/// The host fields a syslog HOSTNAME value gives: an address, an FQDN or a short name.
pub fn host_field(values: &[Option<String>]) -> Option<&'static str> {
    let vs: Vec<&String> = values.iter().flatten().collect();
    if vs.is_empty() {
        return None;
    }
    let ip = |v: &&String| v.parse::<std::net::IpAddr>().is_ok();
    if vs.iter().all(ip) {
        Some("event_src.ip")
    } else if vs.iter().any(ip) {
        // Addresses beside names: split per event (`host_or_address`).
        None
    } else if vs.iter().all(|v| !v.contains('.')) {
        Some("event_src.hostname")
    } else {
        // Names, some dotted: the engine's host split decides per event.
        Some("event_src.fqdn")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(s: &str) -> BTreeSet<String> {
        crate::kb::words(s)
    }

    #[test]
    fn host_values_name_their_field() {
        let v = |xs: &[&str]| xs.iter().map(|x| Some(x.to_string())).collect::<Vec<_>>();
        assert_eq!(host_field(&v(&["10.0.0.1", "::1"])), Some("event_src.ip"));
        assert_eq!(host_field(&v(&["web1.corp.lan"])), Some("event_src.fqdn"));
        assert_eq!(host_field(&v(&["web1"])), Some("event_src.hostname"));
        // An address is dotted too: beside an FQDN it is no name.
        assert_eq!(host_field(&v(&["10.0.0.1", "web1.corp.lan"])), None);
    }

    #[test]
    fn classifies_by_words() {
        let c = classify(&ws("Failed password for root from 1.2.3.4")).unwrap();
        assert_eq!((c.action, c.status), ("login", Some("failure")));
        let c = classify(&ws("Accepted password for bob")).unwrap();
        assert_eq!(c.status, Some("success"));
        let c = classify(&ws("Received disconnect from 1.2.3.4")).unwrap();
        assert_eq!((c.action, c.object), ("close", "connection"));
        assert!(classify(&ws("kernel: random words")).is_none());
    }

    #[test]
    fn hosts() {
        assert_eq!(host_field(&[Some("10.0.0.1".into())]), Some("event_src.ip"));
        assert_eq!(host_field(&[Some("a.b.c".into())]), Some("event_src.fqdn"));
        assert_eq!(
            host_field(&[Some("web1".into())]),
            Some("event_src.hostname")
        );
        // Short names beside FQDNs: split per event by the engine.
        assert_eq!(
            host_field(&[Some("app-03".into()), Some("db-01.corp.example".into())]),
            Some("event_src.fqdn")
        );
    }
}

/// One lexicon row: field, transform and the row's rank (earlier rows win over later ones).
type Entry = (String, Transform, usize);

/// The lexicon: rows whose key has an upper-case letter compare exactly (auditd writes the
/// interpreted `AUID="bob"` beside the numeric `auid=1000`), the others normalized.
fn key_lexicon() -> &'static (
    std::collections::HashMap<String, Entry>,
    std::collections::HashMap<String, Entry>,
) {
    type Maps = (
        std::collections::HashMap<String, Entry>,
        std::collections::HashMap<String, Entry>,
    );
    static LEX: std::sync::OnceLock<Maps> = std::sync::OnceLock::new();
    LEX.get_or_init(|| {
        let mut exact = std::collections::HashMap::new();
        let mut folded = std::collections::HashMap::new();
        for (rank, c) in crate::tsv::table("key-lexicon").data().enumerate() {
            let (k, f, t) = (c[0], c[1], c[2]);
            let t = match t {
                "lower" => Transform::Lower,
                "hex" => Transform::Hex,
                "tty" => Transform::Tty,
                "filetype" => Transform::FileType,
                "errno" => Transform::Errno,
                "direction" => Transform::Direction,
                "elevation" => Transform::Elevation,
                _ => Transform::Same,
            };
            if k.chars().any(|c| c.is_ascii_uppercase()) {
                exact.insert(k.to_string(), (f.to_string(), t, rank));
            } else {
                folded.insert(k.to_string(), (f.to_string(), t, rank));
            }
        }
        (exact, folded)
    })
}

/// A key compared with the lexicon: lower case without `_`, `-`, `.`.
pub fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a well-known key name goes to, and how its value is transformed; a nested key
/// is looked up with its parent first (`source` + `ip`).
pub fn key_field(parent: Option<&str>, key: &str) -> Option<(&'static str, Transform)> {
    key_entry(parent, key).map(|(f, t, _)| (f, t))
}

/// [`key_field`] with the row's rank: where two keys of one event name the same field, the
/// earlier row is the better evidence (`auid`, the login identity, before `uid`).
pub fn key_entry(parent: Option<&str>, key: &str) -> Option<(&'static str, Transform, usize)> {
    let (exact, folded) = key_lexicon();
    exact
        .get(key)
        .or_else(|| parent.and_then(|p| folded.get(&normalize_key(&format!("{p}{key}")))))
        .or_else(|| folded.get(&normalize_key(key)))
        .filter(|(f, _, _)| f != "-")
        .map(|(f, t, r)| (f.as_str(), *t, *r))
}

/// The keys of `role` in `schema/key-roles.tsv` (normalized as [`normalize_key`] does).
fn role_keys(role: &str) -> impl Iterator<Item = &'static str> + '_ {
    crate::tsv::table("key-roles")
        .data()
        .filter(move |c| c[1] == role)
        .map(|c| c[0])
}

/// Whether `key` has `role` in `schema/key-roles.tsv` (`host-key`, `result-key`, `error-key`,
/// `severity-key`, `program-key`, `event-time-key`).
pub fn has_role(key: &str, role: &str) -> bool {
    let k = normalize_key(key);
    role_keys(role).any(|r| r == k)
}

/// Preference among time keys: the event's own time (`event-time` keys) before file or process
/// times (`st_mtime`, birth and modification times).
pub fn time_rank(key: &str) -> u8 {
    let k = normalize_key(key);
    if role_keys("event-time-key").any(|r| r == k) {
        0
    } else if k.starts_with("st") || k.contains("birth") || k.contains("modif") {
        2
    } else {
        1
    }
}

/// Keys that name the host that produced the event.
pub fn is_host_key(key: &str) -> bool {
    has_role(key, "host-key")
}

/// Words of a name or text: alphanumeric runs split at case changes
/// (`USER_LOGIN` → user, login; `SubjectUserName` → subject, user, name), lower-cased.
pub fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        let mut cur = String::new();
        for (i, &c) in chars.iter().enumerate() {
            // An acronym's plural `s` stays with it: `sourceIPs` is `source` + `ips`.
            let plural = chars.get(i + 1) == Some(&'s')
                && chars.get(i + 2).is_none_or(|n| !n.is_ascii_lowercase());
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
                        && !plural
                        && chars[i - 1].is_ascii_uppercase());
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur).to_lowercase());
            }
            cur.push(c);
        }
        if !cur.is_empty() {
            out.push(cur.to_lowercase());
        }
    }
    out.retain(|w| w.chars().any(|c| c.is_ascii_alphabetic()));
    out
}

/// `schema/source-signatures.tsv`: (substrings every member has, field, value) in file order.
fn source_signatures() -> &'static [(Vec<String>, String, String)] {
    static S: std::sync::OnceLock<Vec<(Vec<String>, String, String)>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        crate::tsv::table("source-signatures")
            .data()
            .map(|c| (c[0], c[1], c[2]))
            .map(|(sig, f, v)| {
                (
                    sig.split('&').map(str::to_string).collect(),
                    f.to_string(),
                    v.to_string(),
                )
            })
            .collect()
    })
}

/// The event_src.* constants of the well-known source every member shows the signature of.
pub fn source_constants(members: &[&str]) -> Vec<(&'static str, &'static str)> {
    if members.is_empty() {
        return Vec::new();
    }
    source_signatures()
        .iter()
        .filter(|(sig, _, _)| {
            members
                .iter()
                .all(|m| sig.iter().all(|s| m.contains(s.as_str())))
        })
        .map(|(_, f, v)| (f.as_str(), v.as_str()))
        .collect()
}

/// One row of `schema/event-words.tsv`.
struct EventWord {
    word: String,
    action: bool,
    /// A noun of event titles only (`title-object`): as a key name of a structured event it
    /// names a member, not the event's type (`thread`, `task`, `log`).
    title_only: bool,
    value: String,
}

/// `schema/event-words.tsv` in file order.
fn event_words() -> &'static [EventWord] {
    static W: std::sync::OnceLock<Vec<EventWord>> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        crate::tsv::table("event-words")
            .data()
            .map(|c| (c[0], c[1], c[2]))
            .map(|(w, slot, v)| EventWord {
                word: w.to_string(),
                action: slot == "action",
                title_only: slot == "title-object",
                value: v.to_string(),
            })
            .collect()
    })
}

/// Splits a compound event name at a leading verb the lexicon knows (`getattrlist` → get,
/// attrlist; `readdir` → read, dir; `setflags` → set, flags): API and system-call names are
/// written so. Words the lexicon knows whole stay whole (`setuid`).
fn split_compounds(words: &[String]) -> Vec<String> {
    let mut out = words.to_vec();
    for w in words {
        if event_words().iter().any(|e| e.word == *w) {
            continue;
        }
        let head = event_words().iter().find(|e| {
            e.action && e.word.len() >= 3 && w.len() >= e.word.len() + 3 && w.starts_with(&e.word)
        });
        if let Some(e) = head {
            out.push(e.word.clone());
            out.push(w[e.word.len()..].to_string());
        }
    }
    out
}

/// The action and object that the words of an event type name state.
pub fn classify_words(words: &[String]) -> (Option<&'static str>, Option<&'static str>) {
    let words = &split_compounds(words);
    let find = |action: bool| {
        event_words()
            .iter()
            .find(|e| e.action == action && !e.title_only && words.contains(&e.word))
    };
    let action = find(true);
    // A word that names its act and what it is done to says both (`cmd` of `USER_CMD`: a
    // command executed, though `user` also names an object).
    let own = action.and_then(|a| {
        event_words()
            .iter()
            .find(|e| !e.action && !e.title_only && e.word == a.word)
    });
    (
        action.map(|e| e.value.as_str()),
        own.or_else(|| find(false)).map(|e| e.value.as_str()),
    )
}

/// The status a result value states (`success`, `yes`, `failed`, `denied`, …:
/// `schema/outcome-words.tsv`, context `result-value`).
pub fn status_word(v: &str) -> Option<&'static str> {
    let v = v
        .trim_matches(|c: char| c == '\'' || c == '"')
        .to_ascii_lowercase();
    outcome_of(&v, "result-value")
}

/// Keys that hold an error only when the act failed (cloud audit trails' `errorCode`, many
/// JSON APIs' `error`): present, the event failed; absent or empty, it succeeded.
pub fn is_error_key(key: &str) -> bool {
    has_role(key, "error-key")
}

/// Keys that hold an outcome.
pub fn is_result_key(key: &str) -> bool {
    has_role(key, "result-key")
}

#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn splits_and_classifies() {
        assert_eq!(split_words("USER_LOGIN"), ["user", "login"]);
        assert_eq!(split_words("SubjectUserName"), ["subject", "user", "name"]);
        assert_eq!(split_words("sourceIPs"), ["source", "ips"]);
        assert_eq!(split_words("HTTPSettings"), ["http", "settings"]);
        assert_eq!(split_words("$event[\"chdir\"]"), ["event", "chdir"]);
        let w = split_words("getattrlist readdir");
        assert_eq!(classify_words(&w), (Some("read"), Some("file_object")));
        let w = split_words("ADD_GROUP");
        assert_eq!(classify_words(&w), (Some("create"), Some("user_group")));
        assert_eq!(status_word("failed'"), Some("failure"));
        assert_eq!(status_word("maybe"), None);
    }
}

/// What a word (already a lemma) of an event title names as an action or as an object, in
/// `event-words.tsv`.
pub fn word_meaning(word: &str, action: bool) -> Option<&'static str> {
    event_words()
        .iter()
        .find(|e| e.action == action && e.word == word)
        .map(|e| e.value.as_str())
}

/// `schema/categories.tsv`: the taxonomy's categories (generic, high, low) for an action on an
/// object, when the knowledge base has no precedent.
pub fn object_category(
    action: &str,
    object: &str,
) -> Option<(&'static str, &'static str, &'static str)> {
    crate::tsv::table("categories")
        .data()
        .map(|c| (c[0], c[1], c[2], c[3], c[4]))
        .find(|(o, acts, ..)| {
            (*o == object || *o == "*") && (*acts == "*" || acts.split(',').any(|a| a == action))
        })
        .map(|(_, _, g, h, l)| (g, h, l))
}

#[cfg(test)]
mod category_tests {
    use super::*;

    #[test]
    fn categories_by_object_and_act() {
        assert_eq!(
            object_category("start", "process"),
            Some(("Process", "Availability Management", "Control"))
        );
        assert_eq!(
            object_category("modify", "process"),
            Some(("Process", "System Management", "Manipulation"))
        );
        assert_eq!(
            object_category("login", "session"),
            Some(("Operating System", "Access Management", "Communication"))
        );
        assert_eq!(object_category("access", "system"), None);
    }
}
