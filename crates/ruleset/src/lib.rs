//! A rule set applied to events the way the SIEM does. [`RuleSet::load`] compiles every
//! package under a folder; [`RuleSet::apply`] finds the rules that match an event through an
//! index ([`index`]: header kind by the event's first character, and one required literal per
//! rule found with Aho-Corasick) and orders them (`!`-kind first, then the most specific
//! header); [`stream`] runs a whole log on several threads and hands results back in input
//! order. No printing.
#![deny(missing_docs)]

pub mod index;
pub mod stream;

use std::path::{Path, PathBuf};

use serde::Serialize;
use xp_eval::{CompileOptions, NormEvent, Outcome, Rule, RunOptions};
use xp_syntax::ast::HeaderKind;

use crate::index::Index;

/// What can go wrong loading a rule set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Packages cannot be listed or read.
    #[error(transparent)]
    Package(#[from] xp_package::Error),
}

/// One loaded rule.
pub struct Loaded {
    /// The rule's `id` (else its folder name).
    pub id: String,
    /// Package folder relative to the rule-set root.
    pub dir: String,
    /// The compiled rule.
    pub rule: Rule,
    /// Header kind.
    pub kind: HeaderKind,
    /// Written with `!`.
    pub bang: bool,
    /// How specific its header is (literal characters, filter and COND conditions).
    pub specificity: usize,
    /// The header is only a catch-all (`{REST}`-like: one token that takes anything).
    pub catch_all: bool,
    /// What every event it matches contains (sets of literals, one of each set), for the index.
    pub requirements: Vec<index::AnyOf>,
    /// A TEXT header's literals in the order every event it matches holds them, for the index.
    pub sequence: Vec<String>,
}

/// A package that could not be loaded, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    /// Package folder.
    pub dir: String,
    /// First diagnostic.
    pub reason: String,
}

/// A compiled rule set with its dispatch index.
pub struct RuleSet {
    /// The rules, in path order.
    pub rules: Vec<Loaded>,
    /// Packages that did not compile.
    pub skipped: Vec<Skipped>,
    index: Index,
}

/// The result of one event.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The winning rule (index into [`RuleSet::rules`]) and its normalized event (serialize
    /// it, or take [`NormEvent::to_json`] for a JSON map).
    pub winner: Option<(usize, NormEvent)>,
    /// Other rules that also normalized the event, in priority order.
    pub also: Vec<usize>,
    /// The best two had the same priority (the winner is the first by path).
    pub tie: bool,
    /// Rules tried (after the index).
    pub tried: usize,
    /// The rules tried that did not normalize the event (what the index could not rule out).
    pub missed: Vec<usize>,
}

impl RuleSet {
    /// Loads every package at or under `root`. Packages that do not compile are listed in
    /// `skipped`, not fatal.
    pub fn load(root: &Path) -> Result<RuleSet, Error> {
        let mut rules = Vec::new();
        let mut skipped = Vec::new();
        for pkg in xp_package::find_packages(&[root.to_path_buf()])? {
            let dir = rel(root, &pkg.dir);
            let src = match pkg.read_formula() {
                Ok(s) => s,
                Err(e) => {
                    skipped.push(Skipped {
                        dir,
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            match Loaded::compile(&src, dir.clone()) {
                Ok(l) => rules.push(l),
                Err(reason) => skipped.push(Skipped { dir, reason }),
            }
        }
        Ok(RuleSet::from_rules(rules, skipped))
    }

    /// A rule set from compiled rules.
    pub fn from_rules(rules: Vec<Loaded>, skipped: Vec<Skipped>) -> RuleSet {
        let index = Index::build(&rules);
        RuleSet {
            rules,
            skipped,
            index,
        }
    }

    /// Rules the index offers for an event, in priority order.
    pub fn candidates(&self, raw: &str) -> Vec<usize> {
        self.index.candidates(raw)
    }

    /// Runs the candidate rules on one raw event.
    pub fn apply(&self, raw: &str, opts: &RunOptions) -> Applied {
        self.apply_candidates(raw, self.index.candidates(raw), opts)
    }

    /// Runs the rules `cands` (as [`RuleSet::candidates`] gives them for `raw`) on one event.
    pub fn apply_candidates(&self, raw: &str, cands: Vec<usize>, opts: &RunOptions) -> Applied {
        let mut out = Applied {
            tried: cands.len(),
            ..Applied::default()
        };
        for i in cands {
            let Ok(Outcome::Normalized(ev)) = self.rules[i].rule.normalize(raw, opts) else {
                out.missed.push(i);
                continue;
            };
            match &out.winner {
                None => out.winner = Some((i, ev)),
                Some((w, _)) => {
                    if out.also.is_empty() {
                        out.tie = self.rules[*w].priority() == self.rules[i].priority();
                    }
                    out.also.push(i);
                }
            }
        }
        out
    }

    /// Every rule that normalizes the event, by trying all of them (the reference the index
    /// is tested against).
    pub fn apply_all(&self, raw: &str, opts: &RunOptions) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rules.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(self.rules[i].priority()), i));
        order
            .into_iter()
            .filter(|&i| {
                matches!(
                    self.rules[i].rule.normalize(raw, opts),
                    Ok(Outcome::Normalized(_))
                )
            })
            .collect()
    }
}

impl Loaded {
    /// Compiles a formula; `Err` holds the first diagnostic.
    pub fn compile(source: &str, dir: String) -> Result<Loaded, String> {
        let rule = Rule::compile(source, CompileOptions::default()).map_err(|d| {
            d.iter()
                .find(|d| d.is_error())
                .map_or("does not compile".to_string(), |d| d.message.clone())
        })?;
        let facts = index::Facts::of(source);
        let id = rule
            .id()
            .map(str::to_string)
            .unwrap_or_else(|| dir.rsplit('/').next().unwrap_or(&dir).to_string());
        Ok(Loaded {
            id,
            kind: rule.kind(),
            bang: rule.is_bang(),
            specificity: facts.specificity,
            catch_all: facts.catch_all,
            requirements: facts.requirements,
            sequence: facts.sequence,
            rule,
            dir,
        })
    }

    /// Priority among rules matching the same event: `!`-kind, then specificity.
    pub fn priority(&self) -> (bool, usize) {
        (self.bang, self.specificity)
    }
}

fn rel(root: &Path, p: &Path) -> String {
    let r: PathBuf = p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let s = r
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() {
        p.file_name()
            .map_or_else(|| ".".to_string(), |n| n.to_string_lossy().to_string())
    } else {
        s
    }
}
