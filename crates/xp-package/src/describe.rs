//! A package's event descriptions: `metainfo.yaml` says which `LocalizationId` applies to an
//! event (the first `EventDescriptions` entry whose `Criteria` holds), `i18n/i18n_<lang>.yaml`
//! gives its text, whose `{field}` placeholders are filled from the normalized event.

use std::path::Path;

use serde_json::{Map, Value as J};

/// The `EventDescriptions` entries of a YAML text as (`a`, `b`) pairs of two string keys.
pub fn entries(text: &str, a: &str, b: &str) -> Vec<(String, String)> {
    let Ok(v) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) else {
        return Vec::new();
    };
    v.get("EventDescriptions")
        .and_then(|x| x.as_sequence())
        .map(|s| {
            s.iter()
                .filter_map(|d| {
                    Some((
                        d.get(a)?.as_str()?.to_string(),
                        d.get(b)?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a conjunction of `field = "v"`, `field != "v"`, `field = null`, `field != null`
/// holds for a normalized event (anything else — `or`, parentheses — is not understood: false).
pub fn holds(criteria: &str, norm: &Map<String, J>) -> bool {
    if criteria.contains(" or ") || criteria.contains('(') {
        return false;
    }
    criteria.split(" and ").all(|term| {
        let (neg, (f, v)) = match term.split_once("!=") {
            Some(x) => (true, x),
            None => match term.split_once('=') {
                Some(x) => (false, x),
                None => return false,
            },
        };
        let (f, v) = (f.trim(), v.trim());
        let actual = norm.get(f).filter(|x| !x.is_null()).map(text_of);
        let eq = if v == "null" {
            actual.is_none()
        } else {
            actual.as_deref() == Some(v.trim_matches('"'))
        };
        eq != neg
    })
}

fn text_of(x: &J) -> String {
    match x {
        J::String(s) => s.clone(),
        o => o.to_string(),
    }
}

/// The description of an event from the texts of a package's `metainfo.yaml` and
/// `i18n_<lang>.yaml`: the first entry whose Criteria holds, else the first.
pub fn description_in(metainfo: &str, i18n: &str, norm: &Map<String, J>) -> Option<String> {
    let descs = entries(i18n, "LocalizationId", "EventDescription");
    let crit = entries(metainfo, "Criteria", "LocalizationId");
    crit.iter()
        .find(|(c, _)| holds(c, norm))
        .and_then(|(_, id)| descs.iter().find(|(l, _)| l == id))
        .or_else(|| descs.first())
        .map(|(_, d)| d.clone())
}

/// The description of an event from a package folder (`None`: no i18n file or no entry).
pub fn description(dir: &Path, lang: &str, norm: &Map<String, J>) -> Option<String> {
    let read = |p: &Path| crate::package::read_text(p).unwrap_or_default();
    let i18n = read(&dir.join(format!("i18n/i18n_{lang}.yaml")));
    description_in(&read(&dir.join("metainfo.yaml")), &i18n, norm)
}

/// Fills `{field}` placeholders from the event; returns the text and the placeholders the
/// event has no value for (left as they are).
pub fn fill(template: &str, norm: &Map<String, J>) -> (String, Vec<String>) {
    let mut out = String::with_capacity(template.len());
    let mut missing = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if !after[..close].is_empty()
                    && after[..close]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') =>
            {
                let name = &after[..close];
                match norm.get(name).filter(|v| !v.is_null()) {
                    Some(v) => out.push_str(&text_of(v)),
                    None => {
                        out.push_str(&rest[open..open + close + 2]);
                        missing.push(name.to_string());
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm(v: J) -> Map<String, J> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn criteria_pick_the_description_and_placeholders_fill() {
        let meta = "EventDescriptions:\n  - Criteria: id = \"r\" and status = \"failure\"\n    LocalizationId: f\n  - Criteria: id = \"r\" and subject.account.name != null\n    LocalizationId: s\n";
        let en = "EventDescriptions:\n  - LocalizationId: s\n    EventDescription: '{subject.account.name} logged in from {src.ip}'\n  - LocalizationId: f\n    EventDescription: 'Failed for {subject.account.name}'\n";
        let ok = norm(json!({"id": "r", "status": "success", "subject.account.name": "bob"}));
        let d = description_in(meta, en, &ok).unwrap();
        assert_eq!(d, "{subject.account.name} logged in from {src.ip}");
        let (text, missing) = fill(&d, &ok);
        assert_eq!(text, "bob logged in from {src.ip}");
        assert_eq!(missing, vec!["src.ip"]);
        let bad = norm(json!({"id": "r", "status": "failure", "subject.account.name": "eve"}));
        assert_eq!(
            fill(&description_in(meta, en, &bad).unwrap(), &bad).0,
            "Failed for eve"
        );
        assert_eq!(fill("a {not a field} {", &bad).0, "a {not a field} {");
    }
}
