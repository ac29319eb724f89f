//! The Windows event catalog (`schema/windows-events.tsv`): the documented title of a
//! well-known event id per provider. A Windows event as a SIEM collects it carries no message
//! text, so the title is the only statement of what happened.

use std::collections::HashMap;

/// `(provider, event id)` → title.
fn catalog() -> &'static HashMap<(&'static str, &'static str), &'static str> {
    static C: std::sync::OnceLock<HashMap<(&'static str, &'static str), &'static str>> =
        std::sync::OnceLock::new();
    C.get_or_init(|| {
        include_str!("../../../schema/windows-events.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut c = l.split('\t');
                Some(((c.next()?, c.next()?), c.next()?.trim()))
            })
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
    fn catalog_rows_are_well_formed() {
        let text = include_str!("../../../schema/windows-events.tsv");
        for (n, l) in text.lines().enumerate() {
            if l.starts_with('#') || l.trim().is_empty() {
                continue;
            }
            let cells: Vec<&str> = l.split('\t').collect();
            assert_eq!(cells.len(), 3, "line {}: {l}", n + 1);
            assert!(cells[1].parse::<u32>().is_ok(), "line {}: {l}", n + 1);
            assert!(!cells[2].trim().is_empty(), "line {}: {l}", n + 1);
        }
    }
}
