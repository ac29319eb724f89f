//! Clustering of ingested events: stage 1 (identifiers) then stage 2 (shapes) inside each
//! identifier and kind. Streaming: events are folded into distinct entries as they come, so
//! memory grows with the number of distinct shapes, not with the log.

use ingest::{Event, Kind};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::identifier::{IdentifierExtractor, KeyStats};
use crate::mask::{mask_token, Masker};
use crate::{Config, ShapeSet, Tok};

/// One event type of a log.
#[derive(Clone, Debug, Serialize)]
pub struct EventCluster {
    /// 1-based id, in order of first appearance.
    pub id: usize,
    /// Number of events.
    pub size: usize,
    /// Kind of its events.
    pub kind: Kind,
    /// The identifier (`EventID=Microsoft-Windows-Security-Auditing/4624`, `program=sshd`), if any.
    pub identifier: Option<String>,
    /// The first event, verbatim.
    pub representative: String,
    /// Template of the message (TEXT, KEYVALUE) or of the event's shape (structured kinds).
    pub template: String,
    /// First line of each member event.
    pub members: Vec<u32>,
    /// Member events kept for later steps (`(line, raw text)`, ascending), when the clusterer
    /// was asked to keep them; not serialized.
    #[serde(skip)]
    pub texts: Vec<(u32, String)>,
}

/// An event with its identifier candidates and shape, computed apart from the clusterer so
/// that several threads can prepare events while one folds them.
#[derive(Clone, Debug)]
pub struct Prepared {
    line: usize,
    kind: Kind,
    text: String,
    candidates: Vec<(String, String)>,
    shape: Vec<Tok>,
}

/// Prepares an event for [`EventClusterer::add_prepared`].
pub fn prepare<X: IdentifierExtractor + ?Sized>(
    extractor: &X,
    masker: &mut Masker,
    ev: Event,
) -> Prepared {
    let candidates = extractor.candidates(&ev);
    let shape = shape_with(&ev, masker);
    Prepared {
        line: ev.line,
        kind: ev.kind,
        text: ev.text,
        candidates,
        shape,
    }
}

struct Entry {
    kind: Kind,
    candidates: Vec<(String, String)>,
    shape: Vec<Tok>,
    representative: String,
    first: usize,
    lines: Vec<u32>,
    texts: Vec<(u32, String)>,
}

/// What makes two events one entry: kind, identifier candidates, shape.
type EntryKey = (Kind, Vec<(String, String)>, Vec<Tok>);

/// Folds events into clusters.
pub struct EventClusterer<X: IdentifierExtractor> {
    cfg: Config,
    extractor: X,
    entries: Vec<Entry>,
    index: FxHashMap<EntryKey, usize>,
    stats: FxHashMap<String, KeyStats>,
    refused: Vec<String>,
    events: usize,
    masker: Masker,
    keep_texts: usize,
}

impl<X: IdentifierExtractor> EventClusterer<X> {
    /// A clusterer with an identifier extractor.
    pub fn new(cfg: Config, extractor: X) -> Self {
        EventClusterer {
            cfg,
            extractor,
            entries: Vec::new(),
            index: FxHashMap::default(),
            stats: FxHashMap::default(),
            refused: Vec::new(),
            events: 0,
            masker: Masker::default(),
            keep_texts: 0,
        }
    }

    /// Keeps up to `n` member texts per distinct shape (for format-string synthesis and tests).
    pub fn keep_texts(mut self, n: usize) -> Self {
        self.keep_texts = n;
        self
    }

    /// Number of events added.
    pub fn events(&self) -> usize {
        self.events
    }

    /// Adds an event.
    pub fn add(&mut self, ev: &Event) {
        let p = prepare(&self.extractor, &mut self.masker, ev.clone());
        self.add_prepared(p);
    }

    /// The identifier extractor (to prepare events elsewhere).
    pub fn extractor(&self) -> &X {
        &self.extractor
    }

    /// Adds a prepared event. The order of calls does not change the result.
    pub fn add_prepared(&mut self, p: Prepared) {
        self.events += 1;
        let Prepared {
            line,
            kind,
            text,
            mut candidates,
            shape,
        } = p;
        for (k, v) in &candidates {
            self.stats.entry(k.clone()).or_default().add(v);
        }
        // Keys that already took too many values are instances, not types: leave them out of
        // the entry key (and fold the entries that differed only by them).
        let newly: Vec<String> = self
            .stats
            .iter()
            .filter(|(k, s)| {
                s.values.len() > crate::identifier::MAX_DISTINCT && !self.refused.contains(k)
            })
            .map(|(k, _)| k.clone())
            .collect();
        if !newly.is_empty() {
            self.refused.extend(newly);
            self.refold();
        }
        candidates.retain(|(k, _)| !self.refused.contains(k));
        let key = (kind, candidates, shape);
        match self.index.get(&key) {
            Some(&i) => {
                let e = &mut self.entries[i];
                e.lines.push(line as u32);
                if e.texts.len() < self.keep_texts {
                    e.texts.push((line as u32, text.clone()));
                }
                if line < e.first {
                    e.first = line;
                    e.representative = text;
                }
            }
            None => {
                let (kind, candidates, shape) = key.clone();
                self.index.insert(key, self.entries.len());
                self.entries.push(Entry {
                    kind,
                    candidates,
                    shape,
                    texts: if self.keep_texts > 0 {
                        vec![(line as u32, text.clone())]
                    } else {
                        Vec::new()
                    },
                    representative: text,
                    first: line,
                    lines: vec![line as u32],
                });
            }
        }
    }

    fn refold(&mut self) {
        let old = std::mem::take(&mut self.entries);
        self.index.clear();
        for mut e in old {
            e.candidates.retain(|(k, _)| !self.refused.contains(k));
            let key = (e.kind, e.candidates.clone(), e.shape.clone());
            match self.index.get(&key) {
                Some(&i) => {
                    let t = &mut self.entries[i];
                    t.lines.extend(e.lines);
                    t.texts.extend(e.texts);
                    if e.first < t.first {
                        t.first = e.first;
                        t.representative = e.representative;
                    }
                }
                None => {
                    self.index.insert(key, self.entries.len());
                    self.entries.push(e);
                }
            }
        }
    }

    /// Clusters everything added; clusters come in the order of their first event.
    pub fn finish(mut self) -> Vec<EventCluster> {
        let refused: Vec<String> = self
            .stats
            .iter()
            .filter(|(k, s)| {
                !(s.is_identifier()
                    || crate::identifier::is_trusted(k)
                        && s.values.len() <= crate::identifier::MAX_DISTINCT)
            })
            .map(|(k, _)| k.clone())
            .collect();
        self.refused.extend(refused);
        self.refold();
        // A fixed order (by first event) makes the result independent of the order of adding.
        self.entries.sort_by_key(|e| e.first);
        // Group entries by kind and identifier, then cluster shapes inside each group.
        let mut groups: FxHashMap<(Kind, Option<String>), Vec<usize>> = FxHashMap::default();
        for (i, e) in self.entries.iter().enumerate() {
            let ident = (!e.candidates.is_empty()).then(|| {
                e.candidates
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            groups.entry((e.kind, ident)).or_default().push(i);
        }
        let mut out = Vec::new();
        for ((kind, identifier), members) in groups {
            let mut set = ShapeSet::default();
            for &i in &members {
                set.add(self.entries[i].shape.clone(), i);
            }
            for c in set.cluster(&self.cfg) {
                // Members move out of the entries, so the line lists exist once.
                let total: usize = c.members.iter().map(|&i| self.entries[i].lines.len()).sum();
                let mut lines: Vec<u32> = Vec::with_capacity(total);
                for &i in &c.members {
                    lines.append(&mut self.entries[i].lines);
                    self.entries[i].lines.shrink_to_fit();
                }
                lines.sort_unstable();
                let first = c
                    .members
                    .iter()
                    .copied()
                    .min_by_key(|&i| self.entries[i].first)
                    .unwrap_or(c.members[0]);
                out.push(EventCluster {
                    id: 0,
                    size: lines.len(),
                    kind,
                    identifier: identifier.clone(),
                    representative: self.entries[first].representative.clone(),
                    template: c.template,
                    members: lines,
                    texts: {
                        let mut t: Vec<(u32, String)> = c
                            .members
                            .iter()
                            .flat_map(|&i| std::mem::take(&mut self.entries[i].texts))
                            .collect();
                        t.sort_by_key(|(l, _)| *l);
                        t
                    },
                });
            }
        }
        out.sort_by_key(|c| c.members[0]);
        for (i, c) in out.iter_mut().enumerate() {
            c.id = i + 1;
        }
        out
    }
}

/// The masked tokens stage 2 compares: the message for TEXT and KEYVALUE; the name and
/// extension keys for CEF; key paths for JSON; data names for EVENTLOG; masked columns for
/// TABULAR.
pub fn shape(ev: &Event) -> Vec<Tok> {
    shape_with(ev, &mut Masker::default())
}

fn shape_with(ev: &Event, masker: &mut Masker) -> Vec<Tok> {
    if ev.kind == Kind::Text {
        return masker.mask_message(ev.body());
    }
    if ev.kind == Kind::Keyvalue {
        return keyvalue_shape(ev.body(), masker);
    }
    structured_shape(ev, masker)
        .into_iter()
        .map(Tok::from)
        .collect()
}

/// KEYVALUE: the masked words (at most two) before the first pair, then the keys in order. Values are
/// data (the identifier keys, such as `type` or `action`, already split by their values), so
/// `service=SSH` and `service=HTTPS` are one event type.
fn keyvalue_shape(body: &str, masker: &mut Masker) -> Vec<Tok> {
    let is_pair = |w: &str| {
        w.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        })
    };
    let start = body
        .split_whitespace()
        .position(is_pair)
        .and_then(|i| body.split_whitespace().nth(i))
        .map_or(body.len(), |w| w.as_ptr() as usize - body.as_ptr() as usize);
    // Prose before the pairs (`authentication failure; logname= uid=0 …`) is a message
    // with pairs in it, not a key=value record: it is compared as text.
    if body[..start].split_whitespace().count() > 2 {
        return masker.mask_message(body);
    }
    let mut out = masker.mask_message(&body[..start]);
    let mut in_quote = false;
    for w in body[start..].split_whitespace() {
        if in_quote {
            in_quote = !w.ends_with('"');
            continue;
        }
        if is_pair(w) {
            let (k, v) = w.split_once('=').unwrap_or((w, ""));
            in_quote = v.starts_with('"') && (v.len() == 1 || !v.ends_with('"'));
            out.push(Tok::from(format!("{k}=")));
        }
    }
    out
}

fn structured_shape(ev: &Event, masker: &mut Masker) -> Vec<String> {
    match ev.kind {
        Kind::Text | Kind::Keyvalue => Vec::new(),
        Kind::Cef => {
            let body = ev.body();
            let at = body.find("CEF:").map_or(0, |i| i + 4);
            let parts: Vec<&str> = body[at..].splitn(8, '|').collect();
            let mut out: Vec<String> = parts
                .get(5)
                .map(|n| {
                    masker
                        .mask_message(n)
                        .into_iter()
                        .map(|t| t.to_string())
                        .collect()
                })
                .unwrap_or_default();
            if let Some(ext) = parts.get(7) {
                let mut keys: Vec<String> = ext
                    .split_whitespace()
                    .filter_map(|w| w.split_once('='))
                    .map(|(k, _)| format!("{k}="))
                    .collect();
                keys.sort();
                keys.dedup();
                out.extend(keys);
            }
            out
        }
        Kind::Json => match serde_json::from_str::<serde_json::Value>(&ev.text) {
            Ok(v) => {
                let mut paths = Vec::new();
                key_paths(&v, String::new(), 0, &mut paths);
                paths.sort();
                paths.dedup();
                paths
            }
            Err(_) => vec!["<invalid>".into()],
        },
        Kind::Eventlog => match xp_eval::input::eventlog::decode_eventlog(&ev.text, &|k| {
            k == "Data" || k == "UserData"
        }) {
            Ok((_, bindings)) => {
                let mut out = Vec::new();
                for (k, v) in bindings {
                    match (k.as_str(), &v) {
                        ("Data", xp_eval::Value::Map(m)) => {
                            out.extend(m.iter().map(|(n, _)| format!("Data.{n}")))
                        }
                        (_, v) => {
                            let j = v.to_json();
                            key_paths(&j, k.to_string(), 1, &mut out);
                        }
                    }
                }
                out.sort();
                out
            }
            Err(_) => vec!["<invalid>".into()],
        },
        Kind::Tabular => {
            let mut lines = ev.text.lines();
            match (lines.next(), lines.next()) {
                (Some(h), Some(r)) => {
                    let sep = ingest::detect::header_separator(h).unwrap_or(b',') as char;
                    h.split(sep)
                        .zip(r.split(sep))
                        .map(|(n, v)| format!("{}={}", n.trim(), mask_token(v.trim())))
                        .collect()
                }
                _ => vec!["<invalid>".into()],
            }
        }
    }
}

fn key_paths(v: &serde_json::Value, prefix: String, depth: usize, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) if depth < 3 => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                key_paths(v, p, depth + 1, out);
            }
        }
        _ if !prefix.is_empty() => out.push(prefix),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifier::RuleBased;

    fn events(text: &str) -> Vec<Event> {
        ingest::Reader::new(text.as_bytes(), Default::default())
            .filter_map(|i| match i.unwrap() {
                ingest::Item::Event(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn identifiers_split_first_and_serials_are_refused() {
        let mut log = String::new();
        for i in 0..30 {
            log.push_str(&format!(
                "{{\"eventid\": \"{i}\", \"type\": \"{}\", \"user\": \"u{i}\"}}\n",
                if i % 2 == 0 { "LOGIN" } else { "LOGOUT" }
            ));
        }
        let mut c = EventClusterer::new(Config::default(), RuleBased);
        for e in events(&log) {
            c.add(&e);
        }
        let clusters = c.finish();
        assert_eq!(clusters.len(), 2, "{clusters:#?}");
        assert_eq!(clusters[0].identifier.as_deref(), Some("type=LOGIN"));
        assert_eq!(clusters[0].members.len() + clusters[1].members.len(), 30);
    }

    #[test]
    fn syslog_program_is_a_first_split() {
        let log = "Dec 10 06:55:46 h sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2\nDec 10 06:55:47 h sshd[2]: Failed password for root from 1.2.3.5 port 23 ssh2\nDec 10 06:55:48 h su[3]: Failed password for root from 1.2.3.4 port 22 ssh2\n";
        let mut c = EventClusterer::new(Config::default(), RuleBased);
        for e in events(log) {
            c.add(&e);
        }
        let clusters = c.finish();
        assert_eq!(clusters.len(), 2);
        assert_eq!(
            clusters[0].template,
            "Failed password for root from <*> port <*> ssh2"
        );
        assert_eq!(clusters[0].members, vec![1, 2]);
    }
}

#[cfg(test)]
mod structural_tests {
    use super::*;
    use crate::identifier::RuleBased;

    #[test]
    fn tagged_unions_identify() {
        let log = "{\"event\": {\"exec\": {\"a\": 1}}, \"event_type\": 9}\n{\"event\": {\"open\": {\"b\": 1}}, \"event_type\": 10}\n";
        let mut c = EventClusterer::new(Config::default(), RuleBased);
        for i in ingest::Reader::new(log.as_bytes(), Default::default()) {
            if let ingest::Item::Event(e) = i.unwrap() {
                let cands = RuleBased.candidates(&e);
                assert!(!cands.is_empty(), "{cands:?}");
                c.add(&e);
            }
        }
        let cl = c.finish();
        assert_eq!(cl.len(), 2, "{cl:#?}");
        assert!(
            cl[0]
                .identifier
                .as_deref()
                .unwrap_or("")
                .contains("members:event=exec"),
            "{cl:#?}"
        );
    }
}
