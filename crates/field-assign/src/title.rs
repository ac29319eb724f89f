//! Reading an event title ("A member was added to a security-enabled global group") for the
//! classification: the main verb gives the action, the noun it is done to the object, a
//! failure word the status. English, not a list of titles: the verb is the first word whose
//! lemma the lexicon knows as an action, the object the head noun of the passive subject
//! (the last known noun before the verb) or else of what follows the verb.

use crate::lexicon::{split_words, word_meaning};

/// What a title states.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TitleClass {
    /// action.
    pub action: Option<&'static str>,
    /// object.
    pub object: Option<&'static str>,
    /// status, when the title says the act failed.
    pub status: Option<&'static str>,
    /// Whether the action came from a verb form (`created`, `logged on`) rather than a bare
    /// word that may be a noun (`Web login brute force`).
    pub verb_form: bool,
}

/// Multi-word verbs written as the lexicon's one word.
const PHRASES: &[(&str, &str)] = &[
    ("logged on", "logon"),
    ("logging on", "logon"),
    ("logging in", "login"),
    ("logging off", "logoff"),
    ("logging out", "logout"),
    ("shut down", "shutdown"),
    ("log on", "logon"),
    ("logged in", "login"),
    ("log in", "login"),
    ("logged off", "logoff"),
    ("log off", "logoff"),
    ("logged out", "logout"),
    ("log out", "logout"),
    ("locked out", "lock"),
    ("backed up", "backup"),
    ("back up", "backup"),
    ("directory service", "ds_object"),
    // Proper names, not a file system directory.
    ("directory services", "directory_services"),
    ("active directory", "active_directory"),
];

/// Lemma candidates of an inflected word: `created` → create, `stopped` → stop, `modified` →
/// modify, `creation` → create, `privileges` → privilege.
fn lemmas(w: &str) -> Vec<String> {
    let mut out = vec![w.to_string()];
    let strip = |suffix: &str| w.strip_suffix(suffix).filter(|s| s.len() >= 2);
    if let Some(s) = strip("ied") {
        out.push(format!("{s}y"));
    }
    for suffix in ["ed", "ing"] {
        if let Some(s) = strip(suffix) {
            out.push(s.to_string());
            out.push(format!("{s}e"));
            let b = s.as_bytes();
            if b.len() >= 2 && b[b.len() - 1] == b[b.len() - 2] {
                out.push(s[..s.len() - 1].to_string());
            }
        }
    }
    if let Some(s) = strip("ion") {
        out.push(format!("{s}e"));
    }
    if let Some(s) = strip("es") {
        out.push(s.to_string());
    }
    if let Some(s) = strip("s") {
        out.push(s.to_string());
    }
    out
}

/// The meaning of a word under any of its lemmas.
fn meaning(w: &str, action: bool) -> Option<&'static str> {
    if !action && w == "ds_object" {
        return Some("ds_object");
    }
    lemmas(w).iter().find_map(|l| word_meaning(l, action))
}

/// Words of failure in a title.
const FAILED: &[&str] = &["failed", "failure", "unable", "fails"];

/// Reads a title. A title of several sentences or a `Topic: statement` form is read in its
/// last part (`A change has been made to Windows Firewall exception list. A rule was added`).
pub fn classify_title(title: &str) -> TitleClass {
    let text = title.to_ascii_lowercase();
    let last = text
        .rsplit(['.', ':'])
        .map(str::trim)
        .find(|s| s.split_whitespace().count() >= 2)
        .unwrap_or(&text);
    // A hyphenated compound reads as its last part (`pre-authentication` → authentication),
    // and one ending in a participle is an adjective, not the verb (`security-enabled group`).
    let plain: Vec<&str> = last
        .split_whitespace()
        .filter_map(|t| match t.rsplit_once('-') {
            Some((_, tail)) if tail.ends_with("ed") => None,
            Some((_, tail)) => Some(tail),
            None => Some(t),
        })
        .collect();
    let mut words: Vec<String> = Vec::new();
    // Which words are two joined (`logged on`): verb forms.
    let mut joined_at: Vec<usize> = Vec::new();
    for w in split_words(&plain.join(" ")) {
        let joined = words.last().and_then(|prev| {
            PHRASES
                .iter()
                .find(|(p, _)| *p == format!("{prev} {w}"))
                .map(|(_, j)| j.to_string())
        });
        match (joined, words.last_mut()) {
            (Some(j), Some(prev)) => {
                *prev = j;
                joined_at.push(words.len() - 1);
            }
            _ => words.push(w),
        }
    }
    let status = words
        .iter()
        .any(|w| FAILED.contains(&w.as_str()))
        .then_some("failure");
    // A participle right after an article qualifies a noun (`a privileged object`).
    let verb = (0..words.len()).find(|&i| {
        meaning(&words[i], true).is_some()
            && !(words[i].ends_with("ed")
                && i > 0
                && matches!(words[i - 1].as_str(), "a" | "an" | "the"))
    });
    let Some(v) = verb else {
        let object = words.iter().rev().find_map(|w| meaning(w, false));
        return TitleClass {
            action: None,
            object,
            status,
            verb_form: false,
        };
    };
    let mut action = meaning(&words[v], true);
    let before = words[..v].iter().rev().find_map(|w| meaning(w, false));
    let after = words[v + 1..].iter().find_map(|w| meaning(w, false));
    let moved_into = matches!(action, Some("create" | "remove"))
        && words.get(v + 1).is_some_and(|w| w == "to" || w == "from")
        && words[v + 1..].iter().any(|w| meaning(w, false).is_some());
    // A verb that names its own object (`logon`: into a system) says more than the noun
    // before it, which is the actor (`An account was logged on`).
    let own = word_meaning(&words[v], false);
    let object = if own.is_some() {
        own
    } else if moved_into {
        // Adding a member to a group changes the group.
        action = Some("modify");
        after
    } else {
        before.or(after)
    };
    // A process is started, not created; executing a program starts its process.
    if matches!(action, Some("create" | "execute")) && object == Some("process") {
        action = Some("start");
    }
    // Setting what an actor may do (a thread's capabilities, special privileges) raises it.
    if matches!(action, Some("modify"))
        && words
            .iter()
            .any(|w| matches!(w.as_str(), "capabilities" | "privileges"))
    {
        action = Some("elevate");
    }
    // A file is accessed, not opened (the taxonomy opens sessions, connections and devices).
    if action == Some("open") && object == Some("file_object") {
        action = Some("access");
    }
    let verb_form = word_meaning(&words[v], true).is_none() || joined_at.contains(&v);
    TitleClass {
        action,
        object,
        status,
        verb_form,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

    fn c(t: &str) -> Read<'_> {
        let x = classify_title(t);
        (x.action, x.object, x.status)
    }

    #[test]
    fn reads_titles() {
        let table: &[(&str, Read<'_>)] = &[
            // What a system call does (`schema/linux-syscalls-x86_64.tsv`).
            ("execute a program", (Some("start"), Some("process"), None)),
            ("create a directory", (Some("create"), Some("file_object"), None)),
            ("set the capabilities of a thread", (Some("elevate"), Some("thread"), None)),
            (
                "the capabilities of a process were changed",
                (Some("elevate"), Some("process"), None),
            ),
            ("open and possibly create a file", (Some("access"), Some("file_object"), None)),
            ("unload a kernel module", (Some("stop"), Some("module"), None)),
            (
                "check whether a file can be accessed",
                (Some("access"), Some("file_object"), None),
            ),
            // What an audit record type reports (`schema/linux-audit-records.tsv`).
            (
                "credentials were acquired for a user logging in",
                (Some("login"), Some("system"), None),
            ),
            ("the system was shut down", (Some("stop"), Some("system"), None)),
            (
                "a command was executed by a user",
                (Some("execute"), Some("command"), None),
            ),
            // `Directory Services` is a name, not a file system directory.
            (
                "An attempt was made to set the Directory Services Restore Mode administrator password",
                (Some("modify"), Some("account"), None),
            ),
            (
                "A user account was created",
                (Some("create"), Some("account"), None),
            ),
            (
                "An account failed to log on",
                (Some("login"), Some("system"), Some("failure")),
            ),
            (
                "A member was added to a security-enabled global group",
                (Some("modify"), Some("user_group"), None),
            ),
            (
                "A new process has been created",
                (Some("start"), Some("process"), None),
            ),
            (
                "A change has been made to Windows Firewall exception list. A rule was deleted",
                (Some("remove"), Some("rule"), None),
            ),
            (
                "A directory service object was modified",
                (Some("modify"), Some("ds_object"), None),
            ),
            (
                "Task Scheduler started a task",
                (Some("start"), Some("task"), None),
            ),
            ("Process terminated", (Some("stop"), Some("process"), None)),
            (
                "An operation was attempted on a privileged object",
                (None, None, None),
            ),
            (
                "A service was installed in the system",
                (Some("create"), Some("service"), None),
            ),
            (
                "A security-enabled local group was deleted",
                (Some("remove"), Some("user_group"), None),
            ),
            (
                "Kerberos pre-authentication failed",
                (Some("login"), Some("system"), Some("failure")),
            ),
            (
                "User/Device claims information",
                (None, Some("device"), None),
            ),
        ];
        for (title, want) in table {
            assert_eq!(c(title), *want, "{title}");
        }
    }

    #[test]
    fn tells_verb_forms_from_bare_words() {
        assert!(classify_title("User logged out").verb_form);
        assert!(classify_title("Configuration changed").verb_form);
        assert!(!classify_title("Web login brute force").verb_form);
    }

    #[test]
    fn lemmas_undo_inflection() {
        for (w, l) in [
            ("stopped", "stop"),
            ("modified", "modify"),
            ("creation", "create"),
            ("enabled", "enable"),
            ("added", "add"),
        ] {
            assert!(lemmas(w).iter().any(|x| x == l), "{w}");
        }
    }
}
