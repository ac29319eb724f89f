//! Catalogs of documented event meanings, for events that carry no message text:
//! - Windows (`schema/windows-events.tsv`): the title of a well-known event id per provider.
//!   A Windows event as a SIEM collects it carries no message text, so the title is the only
//!   statement of what happened.
//! - Linux system calls (`schema/linux-syscalls-x86_64.tsv`): a raw audit `SYSCALL` record
//!   names the call by number only; the table gives its name and what the call does.
//! - Linux audit record types (`schema/linux-audit-records.tsv`): a record's type
//!   (`CRED_ACQ`) is an abbreviation; the table states what a record of the type reports.

use std::collections::HashMap;

/// `(provider, event id)` → title.
fn catalog() -> &'static HashMap<(&'static str, &'static str), &'static str> {
    static C: std::sync::OnceLock<HashMap<(&'static str, &'static str), &'static str>> =
        std::sync::OnceLock::new();
    C.get_or_init(|| {
        crate::tsv::table("windows-events")
            .data()
            .filter_map(|c| Some(((*c.first()?, *c.get(1)?), *c.get(2)?)))
            .collect()
    })
}

/// The title of a Windows event, from a cluster identifier as the clusterer writes it
/// (`EventID=Microsoft-Windows-Security-Auditing/4624`, the provider may hold spaces:
/// `EventID=Service Control Manager/7036`).
pub fn windows_event_title(identifier: &str) -> Option<&'static str> {
    let i = identifier.find("EventID=")?;
    let rest = &identifier[i + "EventID=".len()..];
    let (provider, id) = rest.rsplit_once('/')?;
    // The id ends the candidate: a later `key=value` candidate starts after a space.
    let id = id.split(' ').next().unwrap_or(id);
    catalog().get(&(provider, id)).copied()
}

/// The audit `arch` values of the architecture whose system call table we have: the raw
/// record's hex code (`arch=c000003e`) and its interpreted name (`ARCH=x86_64`).
pub const SYSCALL_ARCH: &[&str] = &["c000003e", "x86_64"];

/// A system call: its name and, for the calls that matter to security, what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syscall {
    /// Name (`openat`).
    pub name: &'static str,
    /// What the call does (`open and possibly create a file`), when the table says it.
    pub summary: Option<&'static str>,
}

/// number → system call, x86_64.
fn syscalls() -> &'static HashMap<&'static str, Syscall> {
    static C: std::sync::OnceLock<HashMap<&'static str, Syscall>> = std::sync::OnceLock::new();
    C.get_or_init(|| {
        crate::tsv::table("linux-syscalls-x86_64")
            .data()
            .filter_map(|c| {
                let name = *c.get(1)?;
                let summary = c.get(2).copied().filter(|s| !s.is_empty());
                Some((*c.first()?, Syscall { name, summary }))
            })
            .collect()
    })
}

/// The system call of an audit record: `arch` as the record writes it, `number` its
/// `syscall` value. Only x86_64 is tabled; another architecture's numbers mean other calls.
pub fn syscall(arch: &str, number: &str) -> Option<Syscall> {
    if !SYSCALL_ARCH.contains(&arch.trim_matches('"')) {
        return None;
    }
    syscalls().get(number.trim_matches('"')).copied()
}

/// The system call number a cluster identifier pins (`… items.SYSCALL.syscall=257`).
pub fn identifier_syscall(identifier: &str) -> Option<&str> {
    identifier.split(' ').find_map(|c| {
        let (k, v) = c.split_once('=')?;
        let key = k.rsplit('.').next().unwrap_or(k);
        (key == "syscall" && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())).then_some(v)
    })
}

/// Whether a syslog program is one of the operating system's own (`schema/unix-programs.tsv`).
pub fn is_unix_program(program: &str) -> bool {
    static C: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    C.get_or_init(|| {
        crate::tsv::table("unix-programs")
            .data()
            .filter_map(|c| c.first().copied())
            .collect()
    })
    .contains(program)
}

/// The account and group tools among them (`schema/unix-programs.tsv`) with the act their
/// description states (`groupmod`: "modify a group" → modify a user_group): create, modify
/// or remove an account or a user group.
pub fn account_managers() -> &'static [(&'static str, &'static str, &'static str)] {
    static C: std::sync::OnceLock<Vec<(&'static str, &'static str, &'static str)>> =
        std::sync::OnceLock::new();
    C.get_or_init(|| {
        crate::tsv::table("unix-programs")
            .data()
            .filter_map(|c| {
                let (name, what) = (*c.first()?, *c.get(1)?);
                let t = crate::title::classify_title(what);
                match (t.action?, t.object?) {
                    (a @ ("create" | "modify" | "remove"), o @ ("account" | "user_group")) => {
                        Some((name, a, o))
                    }
                    _ => None,
                }
            })
            .collect()
    })
}

/// record type → what a record of the type reports (types with a summary only).
fn audit_records() -> &'static HashMap<&'static str, &'static str> {
    static C: std::sync::OnceLock<HashMap<&'static str, &'static str>> = std::sync::OnceLock::new();
    C.get_or_init(|| {
        crate::tsv::table("linux-audit-records")
            .data()
            .filter_map(|c| Some((*c.first()?, *c.get(2).filter(|s| !s.is_empty())?)))
            .collect()
    })
}

/// What the audit records a cluster identifier names report (`type=USER_START`, or the
/// record list of an envelope, `members:items=COMMENT+CRED_ACQ`), when one record of the
/// list has a summary. Beside a `SYSCALL` record such a record states what the call did
/// (`LOGIN`: the write to `/proc/self/loginuid` set the login id); the auxiliary records
/// that only describe the call's arguments have no summary.
pub fn audit_record_summary(identifier: &str) -> Option<&'static str> {
    audit_record(identifier).map(|(_, summary)| summary)
}

/// The record type an identifier names that states what happened, and its summary
/// (`members:items=COMMENT+CRED_ACQ` → `CRED_ACQ`), as `audit_record_summary` finds it.
pub fn audit_record(identifier: &str) -> Option<(&str, &'static str)> {
    let types: Vec<&str> = identifier
        .split(' ')
        .filter_map(|c| {
            let (k, v) = c.split_once('=')?;
            let key = k.rsplit(['.', ':']).next().unwrap_or(k);
            (crate::lexicon::has_role(key, "record-type-key")
                || crate::lexicon::has_role(key, "record-list-key"))
            .then_some(v)
        })
        .flat_map(|v| v.split('+'))
        .collect();
    let mut summaries = types
        .iter()
        .filter_map(|t| Some((*t, audit_records().get(t).copied()?)));
    let first = summaries.next()?;
    summaries.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_by_provider_and_id() {
        assert_eq!(
            windows_event_title("EventID=Microsoft-Windows-Security-Auditing/4624"),
            Some("An account was successfully logged on")
        );
        assert_eq!(
            windows_event_title("EventID=Service Control Manager/7045"),
            Some("A service was installed in the system")
        );
        // The id alone does not say it: 4624 of another provider is unknown.
        assert_eq!(windows_event_title("EventID=Some-Provider/4624"), None);
        assert_eq!(windows_event_title("msgid=4624"), None);
    }

    #[test]
    fn audit_record_types_by_name() {
        assert_eq!(
            audit_record_summary("type=USER_START"),
            Some("a user logged in and a session was started for them")
        );
        assert_eq!(
            audit_record_summary("members:items=COMMENT+CRED_ACQ"),
            audit_record_summary("type=CRED_ACQ")
        );
        // What a system call did, beside its auxiliary records.
        assert_eq!(
            audit_record_summary("members:items=KERN_MODULE+PROCTITLE+SYSCALL"),
            Some("a kernel module was loaded")
        );
        assert_eq!(
            audit_record_summary("members:items=CWD+PATH+PROCTITLE+SYSCALL"),
            None
        );
        // Auxiliary records and other logs' types say nothing.
        assert_eq!(audit_record_summary("type=PROCTITLE"), None);
        assert_eq!(audit_record_summary("type=traffic"), None);
        assert_eq!(audit_record_summary("msgid=USER_START"), None);
    }

    #[test]
    fn syscalls_by_architecture_and_number() {
        let open = syscall("c000003e", "257").unwrap();
        assert_eq!(open.name, "openat");
        assert_eq!(open.summary, Some("open and possibly create a file"));
        assert_eq!(syscall("x86_64", "59").map(|s| s.name), Some("execve"));
        // i386 (40000003) numbers mean other calls: 2 is fork there.
        assert_eq!(syscall("40000003", "2"), None);
        assert_eq!(syscall("c000003e", "99999"), None);
        assert_eq!(
            identifier_syscall("members:items=CWD+PATH+SYSCALL items.SYSCALL.syscall=257"),
            Some("257")
        );
        assert_eq!(identifier_syscall("members:items=USER_START"), None);
    }

    /// Checks every row of a catalog: `cells` columns, a number in column `number`, and the
    /// columns `required` not empty; numbers unique when `unique`.
    fn well_formed(name: &str, cells: usize, number: usize, required: &[usize], unique: bool) {
        let mut seen = std::collections::HashSet::new();
        let t = crate::tsv::table(name);
        for (r, c) in t.rows.iter().zip(t.data()) {
            let n = r.line;
            assert_eq!(c.len(), cells, "line {n}: {c:?}");
            assert!(c[number].parse::<u32>().is_ok(), "line {n}: {c:?}");
            assert!(
                !unique || seen.insert(c[number]),
                "line {n}: number repeated"
            );
            for &r in required {
                assert!(!c[r].is_empty(), "line {n}: {c:?}");
            }
        }
    }

    #[test]
    fn catalog_rows_are_well_formed() {
        well_formed("linux-syscalls-x86_64", 3, 0, &[1], true);
        well_formed("windows-events", 3, 1, &[2], false);
        well_formed("linux-audit-records", 3, 1, &[0], true);
        let mut programs = std::collections::HashSet::new();
        let t = crate::tsv::table("unix-programs");
        for (r, c) in t.rows.iter().zip(t.data()) {
            let n = r.line;
            assert!(c.len() == 2 && !c[1].is_empty(), "line {n}: {c:?}");
            assert!(programs.insert(c[0]), "line {n}: {c:?} twice");
        }
        assert!(is_unix_program("sshd") && !is_unix_program("nginx"));
        let managers = account_managers();
        assert!(managers.contains(&("groupmod", "modify", "user_group")));
        assert!(managers.contains(&("useradd", "create", "account")));
        assert!(managers.contains(&("gpasswd", "modify", "user_group")));
        well_formed("linux-errno", 3, 0, &[1, 2], true);
    }
}
