//! An event cut into the parts a reviewer sees highlighted: what each capture of a TEXT header
//! took (the matcher's byte ranges), and the keys a rule reads where they stand in the event
//! (`"srcip":`, `srcip=`, `Name="TargetUserName"`, `<EventID>`), for structured events and for
//! the key=value text inside a capture.

use serde::Serialize;
use xp_eval::Rule;

/// Key occurrences marked per event, at most.
const MAX_KEY_MARKS: usize = 256;

/// A piece of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    /// Its text.
    pub text: String,
    /// The capture (`$user`, `src.ip`) or key (`srcip`) it is, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `capture` or `key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
}

/// `raw` in parts: keys the rule reads first, the captures around them.
pub fn parts(rule: &Rule, raw: &str, year: i32) -> Vec<Part> {
    let captures = rule.capture_spans(raw, year).unwrap_or_default();
    let keys = key_marks(raw, &rule.keys_read());
    // A label per byte would be simple but large; marks are few: cut at every boundary.
    let mut cuts: Vec<usize> = vec![0, raw.len()];
    for (_, r) in captures.iter().chain(keys.iter()) {
        cuts.push(r.start);
        cuts.push(r.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Part> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b || !raw.is_char_boundary(a) || !raw.is_char_boundary(b) {
            continue;
        }
        let inside = |r: &std::ops::Range<usize>| r.start <= a && b <= r.end;
        let (name, kind) = if let Some((k, _)) = keys.iter().find(|(_, r)| inside(r)) {
            (Some(k.clone()), Some("key"))
        } else if let Some((c, _)) = captures.iter().rev().find(|(_, r)| inside(r)) {
            (Some(c.clone()), Some("capture"))
        } else {
            (None, None)
        };
        match out.last_mut() {
            Some(last) if last.name == name && last.kind == kind => last.text.push_str(&raw[a..b]),
            _ => out.push(Part {
                text: raw[a..b].to_string(),
                name,
                kind,
            }),
        }
    }
    out
}

/// Where the keys stand as keys in `raw`: a whole word (no letter, digit or `_` on either
/// side) followed, past a closing quote and spaces, by `=`, `:` or `>`, or opened by `<`.
fn key_marks(raw: &str, keys: &[String]) -> Vec<(String, std::ops::Range<usize>)> {
    let b = raw.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut marks = Vec::new();
    for k in keys.iter().filter(|k| k.len() >= 2) {
        for (at, _) in raw.match_indices(k.as_str()) {
            let end = at + k.len();
            if (at > 0 && word(b[at - 1])) || (end < b.len() && word(b[end])) {
                continue;
            }
            let mut j = end;
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                j += 1;
            }
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            let opened = at > 0 && b[at - 1] == b'<';
            if opened || (j < b.len() && matches!(b[j], b'=' | b':' | b'>')) {
                marks.push((k.clone(), at..end));
                if marks.len() >= MAX_KEY_MARKS {
                    return marks;
                }
            }
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(src: &str) -> Rule {
        Rule::compile(src, Default::default()).unwrap()
    }

    fn shown(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match (&p.kind, &p.name) {
                (Some(k), Some(n)) => format!("[{k}:{n}|{}]", p.text),
                _ => p.text.clone(),
            })
            .collect()
    }

    #[test]
    fn captures_and_the_keys_inside_them_are_marked() {
        let r = rule("TEXT = 'user {$user=WORD}: {$kv=KEYVALUE}'\nsrc.ip = $kv[\"srcip\"]\n");
        let p = parts(&r, "user bob: srcip=10.0.0.1 dstip=10.0.0.2", 2024);
        assert_eq!(
            shown(&p),
            "user [capture:$user|bob]: [key:srcip|srcip][capture:$kv|=10.0.0.1 dstip=10.0.0.2]"
        );
        let joined: String = p.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(joined, "user bob: srcip=10.0.0.1 dstip=10.0.0.2");
    }

    #[test]
    fn keys_of_structured_events_are_marked_where_they_are_keys() {
        let r = rule("JSON = ''\nsubject.account.name = $user\n");
        let p = parts(&r, r#"{"user": "user", "x": "a user"}"#, 2024);
        assert_eq!(shown(&p), r#"{"[key:user|user]": "user", "x": "a user"}"#);
        let r = rule(
            "EVENTLOG = 'EventID=\"4624\"'\nsubject.account.name = $Data[\"TargetUserName\"]\n",
        );
        let p = parts(
            &r,
            "<Event><EventID>4624</EventID><Data Name='TargetUserName'>bob</Data></Event>",
            2024,
        );
        assert!(
            shown(&p).contains("[key:TargetUserName|TargetUserName]'>bob"),
            "{}",
            shown(&p)
        );
    }
}
