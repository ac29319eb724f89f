//! The service's knowledge bases (`--kb`) seen from one generated rule: the rules whose test
//! events resemble its events most (what retrieval learned from, by the same similarity), and
//! the rules that would also normalize its events (the rule-set dispatch), so a duplicate shows
//! before import. Loaded once, on first use.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use xp_eval::RunOptions;

/// Nearest rules listed.
const NEAREST: usize = 3;

/// The knowledge bases, compiled.
pub struct Kbs {
    sets: Vec<(PathBuf, ruleset::RuleSet)>,
    retrieval: field_assign::kb::Kb,
    /// Problems met loading them (a folder that cannot be read).
    pub problems: Vec<String>,
}

/// A rule alike.
#[derive(Clone, Debug, Serialize)]
pub struct Near {
    /// Its package folder.
    pub dir: String,
    /// Jaccard similarity of its test events' keys or words to the cluster's.
    pub similarity: f64,
}

/// A knowledge-base rule that normalizes some of the events.
#[derive(Clone, Debug, Serialize)]
pub struct Also {
    /// The knowledge base.
    pub kb: String,
    /// The rule's folder in it.
    pub dir: String,
    /// Its id.
    pub id: String,
    /// Events of the sample it normalizes (winning the dispatch or not).
    pub events: usize,
}

impl Kbs {
    /// Loads `dirs`.
    pub fn load(dirs: &[PathBuf]) -> Kbs {
        let mut problems = Vec::new();
        let mut sets = Vec::new();
        for d in dirs {
            match ruleset::RuleSet::load(d) {
                Ok(s) => sets.push((d.clone(), s)),
                Err(e) => problems.push(format!("{}: {e}", d.display())),
            }
        }
        let retrieval = field_assign::kb::Kb::load(dirs).unwrap_or_else(|e| {
            problems.push(format!("retrieval: {e}"));
            field_assign::kb::Kb::default()
        });
        Kbs {
            sets,
            retrieval,
            problems,
        }
    }

    /// The rules nearest to `events` (their kind from the first).
    pub fn nearest(&self, events: &[&str]) -> Vec<Near> {
        let Some(first) = events.first() else {
            return Vec::new();
        };
        let kind = field_assign::kb::kind_of(first);
        let mut keys = std::collections::BTreeSet::new();
        for e in events {
            match kind {
                ingest::Kind::Text | ingest::Kind::Keyvalue | ingest::Kind::Cef => {
                    keys.extend(field_assign::kb::words(e));
                }
                _ => keys.extend(
                    field_assign::kb::raw_values(kind, e)
                        .into_iter()
                        .map(|(k, _)| k),
                ),
            }
        }
        self.retrieval
            .nearest(kind, &keys)
            .into_iter()
            .take(NEAREST)
            .map(|(similarity, r)| Near {
                dir: self
                    .sets
                    .iter()
                    .find_map(|(root, _)| r.dir.strip_prefix(root).ok())
                    .unwrap_or(&r.dir)
                    .to_string_lossy()
                    .replace('\\', "/"),
                similarity: (similarity * 1000.0).round() / 1000.0,
            })
            .collect()
    }

    /// The knowledge-base rules that normalize some of `events` (the dispatch's winner and the
    /// others that match too), most events first.
    pub fn also(&self, events: &[&str], year: i32) -> Vec<Also> {
        let opts = RunOptions {
            year,
            ..RunOptions::default()
        };
        let mut counts: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for (k, (_, set)) in self.sets.iter().enumerate() {
            for e in events {
                let applied = set.apply(e, &opts);
                // The winner and every other rule that normalizes the event too.
                for w in applied
                    .winner
                    .iter()
                    .map(|(w, _)| *w)
                    .chain(applied.also.iter().copied())
                {
                    *counts.entry((k, w)).or_default() += 1;
                }
            }
        }
        let mut out: Vec<Also> = counts
            .into_iter()
            .map(|((k, w), n)| {
                let (root, set) = &self.sets[k];
                Also {
                    kb: root.to_string_lossy().into_owned(),
                    dir: set.rules[w].dir.clone(),
                    id: set.rules[w].id.clone(),
                    events: n,
                }
            })
            .collect();
        out.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.dir.cmp(&b.dir)));
        out
    }
}
