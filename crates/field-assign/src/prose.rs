//! The constant prose of a TEXT header: what a syslog message says in words once its
//! variable parts, its syslog prefix and its key=value pairs are set aside
//! (`delete user '{$user=WORD}'` → `delete user`), read like an event title.

/// The literal text of a TEXT header's template after the syslog program (`…sshd[…]: `), with
/// groups and `key=value` words removed; `None` for other headers or when no word is left.
pub fn literal_prose(head: &str) -> Option<String> {
    let template = text_template(head)?;
    let syslog = template.starts_with("{$time=DATETIME} {$host=HOSTNAME} ");
    let mut text = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    if depth == 0 {
                        text.push(n);
                    }
                }
            }
            '"' if depth > 0 => quoted = !quoted,
            '{' if !quoted => {
                depth += 1;
                if depth == 1 {
                    text.push(' ');
                }
            }
            '}' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let text = if syslog {
        let at = text.find(": ")?;
        text[at + 2..].to_string()
    } else {
        text
    };
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !w.contains('='))
        .collect();
    words
        .iter()
        .any(|w| w.chars().any(char::is_alphabetic))
        .then(|| words.join(" "))
}

/// The template of a TEXT header (between the quotes of `TEXT = '…'`), as written.
pub fn text_template(head: &str) -> Option<&str> {
    let start = head.find("TEXT")?;
    let body = &head[start..];
    let open = body.find('\'')?;
    let close = body.rfind('\'')?;
    body.get(open + 1..close)
}

/// Words that say an act failed when a message states it without a verb of failure
/// (`3 incorrect password attempts`, `user NOT in sudoers`, `command not allowed`).
const REFUSALS: &[&str] = &[
    "incorrect",
    "forbidden",
    "unauthorized",
    "disallowed",
    "prohibited",
];

/// What follows `not` when a message reports a refusal.
const NOT_WHAT: &[&str] = &[
    "allowed",
    "permitted",
    "authorized",
    "in",
    "found",
    "known",
    "resolve",
    "receive",
    "exist",
    "available",
    "supported",
    "accepted",
];

/// Whether the prose reports a failure: a failure word of [`crate::lexicon`], a refusal
/// word, or `not` before one of [`NOT_WHAT`].
pub fn states_failure(prose: &str) -> bool {
    let words: Vec<String> = prose
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        crate::lexicon::is_failure_word(w)
            || REFUSALS.contains(&w.as_str())
            || w == "not"
                && words
                    .get(i + 1)
                    .is_some_and(|n| NOT_WHAT.contains(&n.as_str()))
    })
}

/// Programs that run a command or a shell as another user: their PAM sessions and
/// authentications are a change of identity (the taxonomy's `elevate`), not a login.
const SWITCH_USER: &[&str] = &[
    "su", "sudo", "runuser", "doas", "pkexec", "ksu", "sg", "newgrp",
];

/// Whether a program (a name or a path, `su-l` for su's login-shell PAM service) is a
/// switch-user program.
pub fn is_switch_user_program(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    let base = base.split_once('-').map_or(base, |(b, _)| b);
    SWITCH_USER.contains(&base)
}

/// The switch-user programs, as an XP list literal (`["su", "sudo", …]`).
pub fn switch_user_list() -> String {
    let names: Vec<String> = SWITCH_USER.iter().map(|p| format!("\"{p}\"")).collect();
    format!("[{}]", names.join(", "))
}

/// Whether every member was written by a switch-user program, by its syslog program or by
/// the PAM service it names (`pam_unix(su-l:session)`).
pub fn switch_user(members: &[&str]) -> bool {
    let is_switch = is_switch_user_program;
    !members.is_empty()
        && members.iter().all(|m| {
            let pam = m
                .find("pam_")
                .and_then(|i| m[i..].find('(').map(|j| i + j + 1))
                .and_then(|s| m[s..].find(':').map(|e| &m[s..s + e]));
            pam.is_some_and(is_switch)
                || ingest::syslog::parse(m)
                    .and_then(|h| h.app)
                    .is_some_and(|a| is_switch(&a))
        })
}

/// A Cisco message's `%FACILITY-SEVERITY-MNEMONIC:` tag (IOS `%LINK-3-UPDOWN:`, ASA
/// `%ASA-6-302013:`): the facility, the syslog severity (0 emergency … 7 debugging) and the
/// mnemonic, which names the message type.
pub fn cisco_tag(line: &str) -> Option<(&str, u8, &str)> {
    let at = line.find('%')?;
    let rest = &line[at + 1..];
    let end = rest.find(':')?;
    let mut parts = rest[..end].splitn(3, '-');
    let (facility, severity, mnemonic) = (parts.next()?, parts.next()?, parts.next()?);
    let ident = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    };
    let severity = severity.parse::<u8>().ok().filter(|s| *s <= 7)?;
    (ident(facility) && ident(mnemonic)).then_some((facility, severity, mnemonic))
}

/// The taxonomy's importance for a syslog severity: emergency to critical are high, errors
/// medium, warnings and notices low, informational and debugging info.
pub fn severity_importance(severity: u8) -> &'static str {
    match severity {
        0..=2 => "high",
        3 => "medium",
        4 | 5 => "low",
        _ => "info",
    }
}

/// The act a `failed to <verb>` phrase names (`Failed to start docker.service`), by the
/// verb's meaning in `schema/event-words.tsv`.
pub fn failed_act(prose: &str) -> Option<&'static str> {
    let words: Vec<String> = prose
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.windows(3).find_map(|w| {
        (w[0] == "failed" && w[1] == "to")
            .then(|| crate::lexicon::word_meaning(&w[2], true))
            .flatten()
    })
}

/// Suffixes of systemd unit names (`nginx.service`, `backup.timer`).
const UNIT_SUFFIXES: &[&str] = &[
    ".service", ".socket", ".timer", ".mount", ".target", ".path", ".slice", ".scope",
];

/// The systemd unit a message names (`Started nginx.service - …`, `nginx.service: Main
/// process exited`): its first word that ends in a unit suffix.
pub fn systemd_unit(body: &str) -> Option<&str> {
    body.split_whitespace()
        .map(|w| w.trim_end_matches([':', '.', ',', ';']))
        .find(|w| {
            UNIT_SUFFIXES.iter().any(|s| {
                w.len() > s.len()
                    && w.ends_with(s)
                    && w[..w.len() - s.len()].chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '@' | '.' | '\\')
                    })
            })
        })
}

/// The end of a connection a word says an address is (`schema/direction-words.tsv`: `src
/// outside:10.0.0.1/80`, `for outside:…`, `from …`; `dst …`, `to …`).
pub fn address_side(word: &str) -> Option<&'static str> {
    let word = word.to_ascii_lowercase();
    crate::tsv::table("direction-words")
        .data()
        .find(|c| c[0] == word)
        .map(|c| c[1])
}

#[cfg(test)]
mod tests {
    #[test]
    fn cisco_tags() {
        assert_eq!(
            cisco_tag("fw %ASA-6-302013: Built inbound TCP connection"),
            Some(("ASA", 6, "302013"))
        );
        assert_eq!(
            cisco_tag("sw1: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down"),
            Some(("LINK", 3, "UPDOWN"))
        );
        assert_eq!(cisco_tag("100% done: ok"), None);
        assert_eq!(severity_importance(4), "low");
    }

    #[test]
    fn systemd_units_and_failed_acts() {
        assert_eq!(
            systemd_unit("Started nginx.service - A high performance web server."),
            Some("nginx.service")
        );
        assert_eq!(
            systemd_unit("redis-server.service: Main process exited, code=killed"),
            Some("redis-server.service")
        );
        assert_eq!(systemd_unit("Accepted password for root"), None);
        assert_eq!(
            failed_act("Failed to start docker.service - Docker"),
            Some("start")
        );
        assert_eq!(failed_act("Failed password for root"), None);
    }

    use super::*;

    #[test]
    fn prose_of_a_syslog_header() {
        let h = r#"TEXT = '{$time=DATETIME} {$host=HOSTNAME} userdel[{$pid=NUMBER}]: delete user \'{$v4=WORD}\''"#;
        assert_eq!(literal_prose(h).as_deref(), Some("delete user ' '"));
        let h = r#"TEXT = '{$time=DATETIME} {$host=HOSTNAME} groupadd{"["$pid=NUMBER"]"|}: new group: name=developers, GID={$gid=NUMBER}'"#;
        assert_eq!(literal_prose(h).as_deref(), Some("new group:"));
        assert_eq!(literal_prose("JSON = ''"), None);
    }

    #[test]
    fn refusals_are_failures() {
        assert!(states_failure("user NOT in sudoers ; TTY="));
        assert!(states_failure("incorrect password attempts"));
        assert!(states_failure("FAILED SU (to root) on"));
        assert!(!states_failure("session opened for user by"));
        assert!(!states_failure("note in the log"));
        assert!(states_failure("Did not receive identification string from"));
        assert!(states_failure("Name or service not known"));
        // A statement about an address is no failed act.
        assert!(!states_failure("but this does not map back to the address"));
    }

    #[test]
    fn switch_user_programs() {
        assert!(switch_user(&[
            "2025-05-12T08:30:00+00:00 app-03 su[5120]: pam_unix(su-l:session): session opened for user postgres by alice(uid=1000)"
        ]));
        assert!(switch_user(&[
            "Mar  1 10:00:00 host sudo: pam_unix(sudo:session): session closed for user root"
        ]));
        assert!(!switch_user(&[
            "Mar  1 10:00:00 host sshd[1]: pam_unix(sshd:session): session closed for user root"
        ]));
    }
}
