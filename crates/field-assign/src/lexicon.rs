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

/// Word patterns (all words present, in any order) and what they state, most specific first.
const CLASSES: &[(&[&str], Class)] = &[
    (
        &["accepted", "password"],
        c("account", "login", "system", Some("success")),
    ),
    (
        &["accepted", "publickey"],
        c("account", "login", "system", Some("success")),
    ),
    (
        &["failed", "password"],
        c("account", "login", "system", Some("failure")),
    ),
    (
        &["authentication", "failure"],
        c("account", "login", "system", Some("failure")),
    ),
    (
        &["authentication", "failures"],
        c("account", "login", "system", Some("failure")),
    ),
    (
        &["invalid", "user"],
        c("account", "login", "system", Some("failure")),
    ),
    (
        &["login", "failed"],
        c("account", "login", "system", Some("failure")),
    ),
    (
        &["failed", "login"],
        c("account", "login", "system", Some("failure")),
    ),
    (
        &["logged", "successfully"],
        c("account", "login", "system", Some("success")),
    ),
    (
        &["session", "opened"],
        c("account", "login", "session", Some("success")),
    ),
    (
        &["session", "closed"],
        c("account", "logout", "session", Some("success")),
    ),
    (
        &["logged", "out"],
        c("account", "logout", "session", Some("success")),
    ),
    // systemd-logind: `New session 42 of user alice.`, `Removed session 42.`
    (
        &["new", "session", "user"],
        c("account", "login", "system", Some("success")),
    ),
    (
        &["removed", "session"],
        c("account", "logout", "system", Some("success")),
    ),
    // A stateful firewall's connection table (ASA `Built inbound TCP connection`,
    // `Teardown TCP connection`).
    (
        &["built", "connection"],
        c("rule", "open", "connection", Some("success")),
    ),
    (
        &["teardown", "connection"],
        c("rule", "close", "connection", Some("success")),
    ),
    (&["disconnected"], c("process", "close", "connection", None)),
    (&["disconnect"], c("process", "close", "connection", None)),
    (
        &["connection", "closed"],
        c("process", "close", "connection", None),
    ),
    (
        &["connection", "reset"],
        c("process", "close", "connection", Some("failure")),
    ),
    (
        &["connection", "refused"],
        c("process", "open", "connection", Some("failure")),
    ),
    (
        &["connection", "from"],
        c("process", "open", "connection", None),
    ),
    (&["connected"], c("process", "open", "connection", None)),
    (&["listening"], c("process", "start", "service", None)),
    (&["started"], c("process", "start", "process", None)),
    (&["starting"], c("process", "start", "process", None)),
    (&["stopped"], c("process", "stop", "process", None)),
    (&["terminating"], c("process", "stop", "process", None)),
    (&["shutdown"], c("process", "stop", "process", None)),
    (&["created"], c("account", "create", "object", None)),
    (&["deleted"], c("account", "remove", "object", None)),
    (&["removed"], c("account", "remove", "object", None)),
];

const fn c(
    subject: &'static str,
    action: &'static str,
    object: &'static str,
    status: Option<&'static str>,
) -> Class {
    Class {
        subject,
        action,
        object,
        status,
    }
}

/// A firewall's verdict on a packet or connection between two ends (UFW's `[UFW BLOCK] …
/// SRC= DST=`, ASA's `Deny tcp src … dst …`): the verdict word and the act it states. The rule
/// decided, the connection is the object, and the decision itself succeeded.
const VERDICTS: &[(&str, &str)] = &[
    ("block", "deny"),
    ("deny", "deny"),
    ("denied", "deny"),
    ("drop", "deny"),
    ("dropped", "deny"),
    ("reject", "deny"),
    ("allow", "allow"),
    ("accept", "allow"),
    ("permit", "allow"),
    ("permitted", "allow"),
];

/// The verdict a record between two ends (`src`, `dst`) states, if any.
fn verdict(words: &BTreeSet<String>) -> Option<Class> {
    if !(words.contains("src") && words.contains("dst")) {
        return None;
    }
    VERDICTS
        .iter()
        .find(|(w, _)| words.contains(*w))
        .map(|(_, act)| c("rule", act, "connection", Some("success")))
}

/// Words that say an action failed.
const FAILURE: &[&str] = &[
    "failed", "failure", "failures", "error", "denied", "refused", "rejected", "invalid", "unable",
    "cannot", "timeout", "exceeded", "illegal", "bad",
];

/// Whether a (lower-case) word says an action failed.
pub fn is_failure_word(w: &str) -> bool {
    FAILURE.contains(&w)
}

/// The classification the words state, if any.
pub fn classify(words: &BTreeSet<String>) -> Option<Class> {
    let mut class = verdict(words).or_else(|| {
        CLASSES
            .iter()
            .find(|(ws, _)| ws.iter().all(|w| words.contains(*w)))
            .map(|(_, c)| *c)
    })?;
    if class.status.is_none() {
        let failed = FAILURE.iter().any(|w| words.contains(*w));
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

/// The rows of a three-column lexicon table: comment and blank lines skipped, rows with fewer
/// than three cells ignored.
fn rows3(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    crate::tsv::rows(text).filter_map(|(_, c)| Some((*c.first()?, *c.get(1)?, *c.get(2)?)))
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
        for (rank, (k, f, t)) in rows3(include_str!("../../../schema/key-lexicon.tsv")).enumerate()
        {
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

/// Preference among time keys: the event's own time before file or process times.
pub fn time_rank(key: &str) -> u8 {
    match normalize_key(key).as_str() {
        "time" | "timestamp" | "eventtime" | "systemtime" | "timecreated" | "datetime" => 0,
        k if k.starts_with("st") || k.contains("birth") || k.contains("modif") => 2,
        _ => 1,
    }
}

/// Keys that name the host that produced the event.
pub fn is_host_key(key: &str) -> bool {
    matches!(
        normalize_key(key).as_str(),
        "host"
            | "hostname"
            | "node"
            | "computer"
            | "computername"
            | "dvchost"
            | "devicehostname"
            | "hostip"
            | "devname"
    )
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn source_signatures_load_and_apply_to_every_member_only() {
        let tax = xp_taxonomy::Taxonomy::embedded();
        for (_, f, _) in source_signatures() {
            assert!(tax.type_of(f).is_some(), "{f}");
        }
        let audit = ["type=USER_LOGIN msg=audit(1.2:3): pid=1 uid=0 auid=0 ses=1 res=success"];
        assert!(source_constants(&audit).contains(&("event_src.subsys", "auditd")));
        let mixed = [audit[0], "sshd[1]: Accepted password for bob"];
        assert!(source_constants(&mixed).is_empty());
    }

    #[test]
    fn lexicon_loads_and_fields_exist() {
        assert_eq!(
            key_field(None, "IpAddress"),
            Some(("src.ip", Transform::Same))
        );
        assert_eq!(
            key_field(Some("source"), "ip"),
            Some(("src.ip", Transform::Same))
        );
        assert_eq!(key_field(None, "ip"), None);
        assert_eq!(
            key_field(None, "SubjectLogonId"),
            Some(("subject.account.session_id", Transform::Hex))
        );
        let tax = xp_taxonomy::Taxonomy::embedded();
        let (exact, folded) = key_lexicon();
        for (f, _, _) in exact.values().chain(folded.values()).filter(|e| e.0 != "-") {
            assert!(tax.get(f).is_some(), "{f} is not in the taxonomy");
        }
    }
}

/// Words of a name or text: alphanumeric runs split at case changes
/// (`USER_LOGIN` → user, login; `SubjectUserName` → subject, user, name), lower-cased.
pub fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        let mut cur = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
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
        rows3(include_str!("../../../schema/source-signatures.tsv"))
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
        rows3(include_str!("../../../schema/event-words.tsv"))
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

/// The status a result value states (`success`, `yes`, `failed`, `denied`, …).
pub fn status_word(v: &str) -> Option<&'static str> {
    let v = v
        .trim_matches(|c: char| c == '\'' || c == '"')
        .to_ascii_lowercase();
    match v.as_str() {
        "success" | "succeeded" | "successful" | "yes" | "true" | "ok" | "allow" | "allowed"
        | "accept" | "accepted" | "pass" | "passed" | "permit" | "permitted" => Some("success"),
        "fail" | "failed" | "failure" | "no" | "false" | "deny" | "denied" | "reject"
        | "rejected" | "block" | "blocked" | "drop" | "dropped" | "error" => Some("failure"),
        _ => None,
    }
}

/// Keys that hold an error only when the act failed (cloud audit trails' `errorCode`, many
/// JSON APIs' `error`): present, the event failed; absent or empty, it succeeded.
pub fn is_error_key(key: &str) -> bool {
    matches!(
        normalize_key(key).as_str(),
        "error" | "errorcode" | "errortype" | "errormessage" | "err"
    )
}

/// Keys that hold an outcome.
pub fn is_result_key(key: &str) -> bool {
    matches!(
        normalize_key(key).as_str(),
        "res"
            | "result"
            | "outcome"
            | "status"
            | "success"
            | "eventoutcome"
            | "act"
            | "action"
            // AppArmor's decision (`apparmor="DENIED"`).
            | "apparmor"
    )
}

#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn splits_and_classifies() {
        assert_eq!(split_words("USER_LOGIN"), ["user", "login"]);
        assert_eq!(split_words("SubjectUserName"), ["subject", "user", "name"]);
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
    include_str!("../../../schema/categories.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let c: Vec<&'static str> = l.split('\t').map(str::trim).collect();
            (c.len() == 5).then(|| (c[0], c[1], c[2], c[3], c[4]))
        })
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
        let text = include_str!("../../../schema/categories.tsv");
        for l in text.lines().filter(|l| !l.starts_with('#')) {
            assert_eq!(l.split('\t').count(), 5, "{l}");
        }
    }
}
