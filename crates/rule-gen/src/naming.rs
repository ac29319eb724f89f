//! Names: rule names from the event text, folder names sanitized, stable object ids.

use std::collections::{BTreeMap, BTreeSet};

use ingest::Kind;

/// A name safe as a folder and in an id: ASCII letters, digits and `_`, at most 64 chars,
/// never empty.
pub fn sanitize(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_');
    let mut out: String = out.chars().take(64).collect();
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

/// The literal words of a TEXT template's message (after a `prog[pid]:` or `prog:` prefix).
pub fn template_words(header: &str) -> Vec<String> {
    // Drop the tokens, keep the literal text.
    let mut lit = String::new();
    let mut depth = 0;
    for c in header.chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                lit.push('\u{0}');
            }
            _ if depth == 0 => lit.push(c),
            _ => {}
        }
    }
    let lit = lit
        .split_once('=')
        .map_or(lit.as_str(), |(_, r)| r)
        .to_string();
    let msg = match lit.find("]:").or_else(|| lit.find(": ")) {
        Some(i) if i < 80 => &lit[i + 2..],
        _ => &lit[..],
    };
    msg.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2 && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .map(str::to_string)
        .collect()
}

/// The words of a CEF header's Name field when the template has it literally.
fn cef_name(header: &str) -> Vec<String> {
    let Some(i) = header.find("CEF:") else {
        return Vec::new();
    };
    match header[i..].split('|').nth(5) {
        Some(name) if !name.contains('{') => name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The name of a rule for audit records of one system call (`syscall_openat`): the
/// identifier pins the call's number, a member's `arch` says which table numbers it.
pub fn syscall_rule_name(identifier: Option<&str>, member: &str) -> Option<String> {
    let number = field_assign::catalog::identifier_syscall(identifier?)?;
    let arch = member.split("arch=").nth(1)?;
    let arch: String = arch
        .trim_start_matches(['"', '\\'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let call = field_assign::catalog::syscall(&arch, number)?;
    Some(sanitize(&format!("syscall_{}", call.name)))
}

/// The name of a rule for one type of Linux audit record (`cred_acq`, as `ausearch -m`
/// knows it): the record type that states what happened, in lower case like the call names.
pub fn audit_record_rule_name(identifier: Option<&str>) -> Option<String> {
    let (record, _) = field_assign::catalog::audit_record(identifier?)?;
    Some(sanitize(&record.to_ascii_lowercase()))
}

/// A readable rule name for a cluster.
pub fn rule_name(kind: Kind, header: &str, identifier: Option<&str>, cluster: usize) -> String {
    // A Windows event the catalog knows is named as the experts name it: id and title
    // (`4624_An_account_was_successfully_logged_on`).
    if let Some(id) = identifier {
        if let Some(title) = field_assign::catalog::windows_event_title(id) {
            let number = id.rsplit('/').next().unwrap_or(id);
            let number = number.split(' ').next().unwrap_or(number);
            let words: Vec<&str> = title
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(10)
                .collect();
            return sanitize(&format!("{number}_{}", words.join("_")));
        }
    }
    let id_part = identifier.map(|i| {
        if kind == Kind::Keyvalue {
            // `type=traffic subtype=forward action=deny`: every type value says something.
            let values: Vec<&str> = i
                .split(' ')
                .filter_map(|c| c.split_once('=').map(|(_, v)| v))
                .collect();
            return sanitize(&values.join("_"));
        }
        let v = i.split_once('=').map_or(i, |(_, v)| v);
        // `vendor|product|signature`: the signature names the event.
        sanitize(v.rsplit('|').next().unwrap_or(v))
    });
    let words = match kind {
        Kind::Cef => cef_name(header),
        Kind::Text | Kind::Keyvalue => template_words(header),
        _ => Vec::new(),
    };
    let mut parts: Vec<String> = Vec::new();
    // A text line's identifier is mostly its program, already the product folder; a key=value
    // record's type values name it better than its keys do.
    let text = kind == Kind::Text && !words.is_empty();
    let words = if kind == Kind::Keyvalue && id_part.as_deref().is_some_and(|i| i != "unnamed") {
        Vec::new()
    } else {
        words
    };
    if let Some(i) = id_part.filter(|i| i != "unnamed" && !text) {
        parts.push(i);
    }
    parts.extend(words.into_iter().take(6));
    if parts.is_empty() {
        parts.push(format!("event_{cluster}"));
    }
    sanitize(&parts.join("_"))
}

/// The `key=value` candidates of an identifier, joined by spaces that values may contain too
/// (`EventID=Service Control Manager/7036`): a candidate starts where a word has a `=`.
fn candidates(id: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in id.match_indices(' ') {
        let next = id[i + 1..].split(' ').next().unwrap_or("");
        if next.contains('=') {
            out.push(&id[start..i]);
            start = i + 1;
        }
    }
    out.push(&id[start..]);
    out
}

/// The identifiers that name each cluster, by cluster position: each cluster's identifier
/// without the candidates (`key=value`) that every identified cluster of its kind shares,
/// since those tell nothing apart (macOS Endpoint Security's `members:thread=thread_id` and
/// `members:action=result` beside the telling `members:event=exec`). An identifier made only
/// of shared candidates stays whole.
pub fn distinctive_identifiers<'a>(
    clusters: impl Iterator<Item = (Kind, Option<&'a str>)> + Clone,
) -> Vec<Option<String>> {
    let mut per_kind: BTreeMap<&str, (usize, BTreeMap<&'a str, usize>)> = BTreeMap::new();
    for (kind, id) in clusters.clone() {
        if let Some(id) = id {
            let e = per_kind.entry(kind.name()).or_default();
            e.0 += 1;
            for c in candidates(id).into_iter().collect::<BTreeSet<_>>() {
                *e.1.entry(c).or_default() += 1;
            }
        }
    }
    clusters
        .map(|(kind, id)| {
            let id = id?;
            let (n, counts) = &per_kind[kind.name()];
            let telling: Vec<&str> = candidates(id)
                .into_iter()
                .filter(|c| *n < 2 || counts.get(c) != Some(n))
                .collect();
            Some(if telling.is_empty() {
                id.to_string()
            } else {
                telling.join(" ")
            })
        })
        .collect()
}

/// FNV-1a 64.
pub fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A stable ObjectId for a rule id (`NF-` and 10 hex digits of its hash).
pub fn object_id(rule_id: &str) -> String {
    format!("NF-{:010X}", fnv(rule_id) & 0xFF_FFFF_FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(sanitize("../etc/passwd"), "etc_passwd");
        assert_eq!(sanitize("Привет"), "unnamed");
        let h = "TEXT = '{$time=DATETIME} {$host=HOSTNAME} sshd[{$pid=NUMBER}]: Failed password for {$for=WORD} from {$from=IPV4}'";
        assert_eq!(
            rule_name(Kind::Text, h, None, 3),
            "Failed_password_for_from"
        );
        assert_eq!(
            syscall_rule_name(
                Some("members:items=CWD+PATH+SYSCALL items.SYSCALL.syscall=257"),
                r#"{"items": {"SYSCALL": ["arch=c000003e syscall=257 success=yes"]}}"#
            )
            .as_deref(),
            Some("syscall_openat")
        );
        assert_eq!(
            audit_record_rule_name(Some("members:items=COMMENT+CRED_ACQ")).as_deref(),
            Some("cred_acq")
        );
        assert_eq!(audit_record_rule_name(Some("type=PROCTITLE")), None);
        // Another architecture's numbers are not the table's.
        assert_eq!(
            syscall_rule_name(
                Some("members:items=SYSCALL items.SYSCALL.syscall=2"),
                "arch=40000003 syscall=2"
            ),
            None
        );
        assert_eq!(
            rule_name(Kind::Eventlog, "EVENTLOG = ''", Some("EventID=4624"), 1),
            "4624"
        );
        assert_eq!(
            rule_name(
                Kind::Eventlog,
                "EVENTLOG = ''",
                Some("EventID=Service Control Manager/7045"),
                1
            ),
            "7045_A_service_was_installed_in_the_system"
        );
        assert_eq!(
            rule_name(
                Kind::Keyvalue,
                "TEXT = 'date={$date=DATETIME} {$kv=KEYVALUE}'",
                Some("type=traffic subtype=forward action=deny"),
                2
            ),
            "traffic_forward_deny"
        );
        let ids = [
            (Kind::Json, Some("members:t=thread_id members:event=exec")),
            (Kind::Json, Some("members:t=thread_id members:event=open")),
            (Kind::Json, None),
            (Kind::Eventlog, Some("EventID=EventLog/6005")),
            (Kind::Eventlog, Some("EventID=Service Control Manager/7036")),
        ];
        assert_eq!(
            distinctive_identifiers(ids.iter().copied()),
            vec![
                Some("members:event=exec".to_string()),
                Some("members:event=open".to_string()),
                None,
                Some("EventID=EventLog/6005".to_string()),
                Some("EventID=Service Control Manager/7036".to_string()),
            ]
        );
        assert_eq!(
            candidates("EventID=Service Control Manager/7036 members:a=b c"),
            ["EventID=Service Control Manager/7036", "members:a=b c"]
        );
        assert_eq!(object_id("x"), object_id("x"));
        assert_ne!(object_id("x"), object_id("y"));
    }
}
