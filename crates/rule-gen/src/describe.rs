//! Event descriptions from another writer (a language-model task): a pass over generated
//! packages that replaces the English EventDescription when the writer's text passes the
//! checks every description must pass, and keeps the engine's text otherwise. A pass after
//! generation, not a step inside it, so a backend that holds one model at a time loads the
//! description model once.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::i18n::{file, placeholders};
use crate::Generated;

/// What a description writer sees of one rule.
#[derive(Clone, Debug)]
pub struct RuleView<'a> {
    /// Event kind name (`TEXT`, `EVENTLOG`, …).
    pub kind: &'a str,
    /// The normalized events of the rule's tests (the fields it sets, with values).
    pub norms: &'a [Map<String, Value>],
}

/// Writes the English event description of a rule.
pub trait Describer {
    /// Its name, for reports.
    fn name(&self) -> String;
    /// The description, or `None` to keep the engine's.
    fn describe(&self, rule: &RuleView<'_>) -> Option<String>;
}

/// The placeholders a rule's description may use: the fields its tests set, `event_src.host`
/// (the experts' convention: the SIEM fills it from the event source), and `src.host` /
/// `dst.host` when a host field of that side is set (computed from hostname, fqdn or ip).
pub fn allowed_placeholders(norms: &[Map<String, Value>]) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = norms
        .iter()
        .flat_map(|n| {
            n.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, _)| k.clone())
        })
        .collect();
    // The SIEM fills `event_src.host` from the event source itself even where the rule sets
    // no host field; the experts write it in nearly every description.
    out.insert("event_src.host".into());
    for side in ["src", "dst"] {
        if ["hostname", "fqdn", "ip"]
            .iter()
            .any(|f| out.contains(&format!("{side}.{f}")))
        {
            out.insert(format!("{side}.host"));
        }
    }
    out
}

/// Whether a written description may stand: one line, bounded, balanced braces, no
/// placeholder the rule does not set, none twice (no expert description repeats one; a model
/// that does has lost the thread: `from {src.ip}:{src.ip}`).
pub fn acceptable(text: &str, allowed: &BTreeSet<String>) -> bool {
    let opens = text.matches('{').count();
    let names = placeholders(text);
    let distinct: BTreeSet<&String> = names.iter().collect();
    !text.trim().is_empty()
        && text.len() <= 300
        && !text.contains(['\n', '\r'])
        && opens == text.matches('}').count()
        && names.len() == opens
        && distinct.len() == names.len()
        && names.iter().all(|p| allowed.contains(p))
}

/// Repairs the one slip a writer makes that the experts' descriptions never vary on: the
/// closing `on host {…}` names `event_src.host` in nearly every expert description, so an
/// `on host {X}` whose X the rule may not use (`{subject.host}`, `{host}`) becomes
/// `on host {event_src.host}`. Anything else is left for [`acceptable`] to judge.
pub fn repair(text: &str, allowed: &BTreeSet<String>) -> String {
    const LEAD: &str = "on host {";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(LEAD) {
        let after = &rest[i + LEAD.len()..];
        match after.find('}') {
            Some(j) if !allowed.contains(&after[..j]) && !after[..j].contains('{') => {
                out.push_str(&rest[..i]);
                out.push_str("on host {event_src.host}");
                rest = &after[j + 1..];
            }
            _ => {
                out.push_str(&rest[..i + LEAD.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What [`redescribe`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redescribed {
    /// Packages whose English description now comes from the writer.
    pub replaced: usize,
    /// Packages that kept the engine's (no answer, or one that failed the checks).
    pub kept: usize,
}

/// Asks `writer` for every package's English event description and puts each acceptable
/// one in `i18n/i18n_en.yaml` (the rule description line stays the engine's).
pub fn redescribe(generated: &mut Generated, writer: &dyn Describer) -> Redescribed {
    let mut r = Redescribed::default();
    for p in &mut generated.packages {
        let norms: Vec<Map<String, Value>> = p
            .files
            .iter()
            .filter(|(k, _)| {
                k.starts_with("tests")
                    && k.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("norm_"))
            })
            .filter_map(|(_, v)| serde_json::from_str::<Map<String, Value>>(v).ok())
            .collect();
        let allowed = allowed_placeholders(&norms);
        let text = writer
            .describe(&RuleView {
                kind: p.kind,
                norms: &norms,
            })
            .map(|t| repair(t.trim(), &allowed))
            .filter(|t| acceptable(t, &allowed));
        let path = PathBuf::from("i18n/i18n_en.yaml");
        let description = p
            .files
            .get(&path)
            .and_then(|f| f.lines().next())
            .and_then(|l| l.strip_prefix("Description: '"))
            .and_then(|l| l.strip_suffix('\''))
            .map(|d| d.replace("''", "'"));
        match (text, description) {
            (Some(t), Some(d)) => {
                p.files.insert(path, file(&d, &p.id, &t));
                r.replaced += 1;
            }
            _ => r.kept += 1,
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(v: serde_json::Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn placeholders_must_name_set_fields() {
        let allowed = allowed_placeholders(&[norm(serde_json::json!({
            "subject.account.name": "ann",
            "event_src.hostname": "h1",
            "src.ip": null,
        }))]);
        assert!(acceptable(
            "The user {subject.account.name} logged in on host {event_src.host}",
            &allowed
        ));
        // A field the rule does not set (src.ip is null), a broken brace, two lines.
        assert!(!acceptable("Login from {src.ip}", &allowed));
        assert!(!acceptable("Login from {src.host}", &allowed));
        assert!(!acceptable(
            "{subject.account.name} as {subject.account.name}",
            &allowed
        ));
        assert!(acceptable(
            "Started on host {event_src.host}",
            &allowed_placeholders(&[])
        ));
        assert!(!acceptable("Login by {subject.account.name", &allowed));
        assert!(!acceptable("Login\nby ann", &allowed));
        assert!(!acceptable("  ", &allowed));
    }

    #[test]
    fn an_invented_host_placeholder_becomes_the_event_source_host() {
        let allowed = allowed_placeholders(&[norm(serde_json::json!({"src.ip": "10.0.0.1"}))]);
        assert_eq!(
            repair("Login from {src.ip} on host {subject.host}", &allowed),
            "Login from {src.ip} on host {event_src.host}"
        );
        // Allowed ones stay, and so does everything else.
        let t = "Login from {src.ip} on host {event_src.host}, user {x}";
        assert_eq!(repair(t, &allowed), t);
        assert_eq!(repair("on host {broken", &allowed), "on host {broken");
    }

    #[test]
    fn redescribe_keeps_the_engine_text_when_the_writer_fails_the_checks() {
        struct Fixed(&'static str);
        impl Describer for Fixed {
            fn name(&self) -> String {
                "fixed".into()
            }
            fn describe(&self, _: &RuleView<'_>) -> Option<String> {
                Some(self.0.into())
            }
        }
        let package = |desc: &str| crate::Package {
            cluster: 0,
            kind: "TEXT",
            size: 1,
            matched: 1,
            dir: PathBuf::from("V/P/s/R"),
            id: "NF_R".into(),
            assignment: field_assign::Assignment::default(),
            files: [
                (
                    PathBuf::from("i18n/i18n_en.yaml"),
                    file("Event: it's R", "NF_R", desc),
                ),
                (
                    PathBuf::from("tests/norm_1.js"),
                    r#"{"subject.account.name": "ann"}"#.to_string(),
                ),
            ]
            .into_iter()
            .collect(),
            test_members: vec![0],
            merged: Vec::new(),
        };
        let mut g = Generated {
            packages: vec![package("engine text")],
            ..Generated::default()
        };
        let r = redescribe(&mut g, &Fixed("Bad {src.ip}"));
        assert_eq!((r.replaced, r.kept), (0, 1));
        let r = redescribe(&mut g, &Fixed("The user {subject.account.name} did it"));
        assert_eq!((r.replaced, r.kept), (1, 0));
        assert_eq!(
            g.packages[0].files[&PathBuf::from("i18n/i18n_en.yaml")],
            file(
                "Event: it's R",
                "NF_R",
                "The user {subject.account.name} did it"
            )
        );
    }
}
