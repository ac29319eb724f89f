//! Format strings for clusters of events: the head of every generated rule.
//!
//! [`synthesize`] takes the clusters of one log (kind and member events) and returns, for each,
//! a header and COND that match every member — checked with the normalizer, generalized step
//! by step when a member does not match — and that try to match no event of another cluster.
#![deny(missing_docs)]

pub mod cef;
pub mod check;
pub mod clf;
pub mod csv;
pub mod kv;
pub mod lit;
pub mod merge;
pub mod par;
pub mod related;
pub mod sd;
pub mod structured;
pub mod text;

use ingest::Kind;
use serde::Serialize;
use xp_eval::RunOptions;
use xp_syntax::template::TokenType;

use crate::check::{formula, Compiled};
use crate::structured::{flatten, separate, Flat};

/// One cluster to synthesize for.
#[derive(Clone, Debug)]
pub struct ClusterInput<'a> {
    /// Event kind.
    pub kind: Kind,
    /// Member events (raw text).
    pub members: Vec<&'a str>,
}

/// The synthesized head of a rule.
#[derive(Clone, Debug, Serialize)]
pub struct Head {
    /// The header line, e.g. `TEXT = '…'` or `EVENTLOG = 'EventID="4624"'`.
    pub header: String,
    /// The COND expression, if any.
    pub cond: Option<String>,
    /// Variables the TEXT template captures, in order.
    pub captures: Vec<String>,
    /// Members the header matches.
    pub matched: usize,
    /// Members.
    pub size: usize,
    /// How the header was obtained: `sample`, `all`, `layout`, `loose`, `fallback`.
    pub method: &'static str,
}

impl Head {
    /// Header and COND as formula text.
    pub fn formula(&self) -> String {
        formula(&self.header, self.cond.as_deref())
    }
}

fn opts() -> RunOptions {
    RunOptions {
        year: 2000,
        ..RunOptions::default()
    }
}

/// Deterministic 70 % sample of `n` items (all when fewer than 4).
fn sample(n: usize, seed: u64) -> Vec<usize> {
    if n < 4 {
        return (0..n).collect();
    }
    let mut out: Vec<usize> = (0..n)
        .filter(|&i| {
            let mut x = (i as u64)
                .wrapping_add(seed)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
            x ^= x >> 31;
            x % 10 < 7
        })
        .collect();
    if out.is_empty() {
        out.push(0);
    }
    out
}

/// Synthesizes the heads of all clusters of a log.
pub fn synthesize(clusters: &[ClusterInput<'_>]) -> Vec<Head> {
    // Structured kinds need the other clusters of their kind to separate from.
    let flats: Vec<Vec<Flat>> = clusters
        .iter()
        .map(|c| {
            if is_structured(c.kind) {
                c.members.iter().map(|m| flatten(c.kind, m)).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    // TEXT clusters see a few events of each other TEXT cluster, to choose COND terms from.
    let text_samples: Vec<(usize, &str)> = clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| !is_structured(c.kind) || c.kind == Kind::Cef)
        .flat_map(|(i, c)| {
            let step = c.members.len().div_ceil(SIBLING_SAMPLE).max(1);
            c.members.iter().step_by(step).map(move |m| (i, *m))
        })
        .collect();
    // Where the log's lines hold many different words (`for <name> from`), once for all.
    let seen = text::Seen::of(&text_samples);
    par::par_map(clusters, |i, c| match c.kind {
        Kind::Text | Kind::Keyvalue => {
            text_head(&c.members, i as u64, || siblings(&text_samples, i), &seen)
        }
        Kind::Cef => {
            let others = siblings(&text_samples, i);
            cef_head(&c.members, i as u64, &others).unwrap_or_else(|| {
                let others: Vec<(&[&str], &[Flat])> = clusters
                    .iter()
                    .enumerate()
                    .filter(|(j, o)| *j != i && o.kind == Kind::Cef)
                    .map(|(j, o)| (o.members.as_slice(), flats[j].as_slice()))
                    .collect();
                structured_head(Kind::Cef, &c.members, &flats[i], &others)
            })
        }
        kind => {
            let others: Vec<(&[&str], &[Flat])> = clusters
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && o.kind == kind)
                .map(|(j, o)| (o.members.as_slice(), flats[j].as_slice()))
                .collect();
            structured_head(kind, &c.members, &flats[i], &others)
        }
    })
}

/// Other clusters' sampled events a TEXT or CEF head is checked against: all of them up to
/// [`MAX_SIBLINGS`], past it an even spread of that many (a budget that keeps a log of very
/// many event types near-linear; no log of the samples, loghub or kb/dev reaches it).
fn siblings<'a>(samples: &[(usize, &'a str)], own: usize) -> Vec<&'a str> {
    let step = samples.len().div_ceil(MAX_SIBLINGS).max(1);
    samples
        .iter()
        .step_by(step)
        .filter(|(j, _)| *j != own)
        .map(|(_, m)| *m)
        .collect()
}

/// Most sampled events of other clusters one head is checked against.
const MAX_SIBLINGS: usize = 20_000;

fn is_structured(k: Kind) -> bool {
    matches!(k, Kind::Json | Kind::Eventlog | Kind::Cef | Kind::Tabular)
}

fn count(header: &str, cond: Option<&str>, members: &[&str]) -> usize {
    let c = Compiled::new(&formula(header, cond));
    let o = opts();
    members.iter().filter(|m| c.matches(m, &o)).count()
}

fn quote(tpl: &str) -> String {
    xp_syntax::quote_str(tpl, '\'')
}

/// Events of each other TEXT cluster a TEXT header is checked against for COND.
const SIBLING_SAMPLE: usize = 20;

/// Greedy COND from the run's terms: each step adds the term that excludes most of the other
/// clusters' events the header still matches, while it keeps every member; stops when none
/// are left or no term helps.
fn text_cond(
    header: &str,
    terms: impl FnOnce(&[&str]) -> Vec<(String, bool)>,
    members: &[&str],
    others: &[&str],
) -> Option<String> {
    let mut intruders: Vec<&str> = {
        let c = Compiled::new(&formula(header, None));
        let o = opts();
        others
            .iter()
            .copied()
            .filter(|m| c.matches(m, &o))
            .collect()
    };
    if intruders.is_empty() {
        return None;
    }
    let terms = terms(&intruders);
    let mut chosen: Vec<&str> = Vec::new();
    while !intruders.is_empty() {
        // Terms on keys and words first; pinned numbers only when those do not help.
        let mut best: Option<(usize, &str)> = None;
        for variable in [false, true] {
            for (t, _) in terms
                .iter()
                .filter(|(t, v)| *v == variable && !chosen.contains(&t.as_str()))
            {
                let mut cond = chosen.clone();
                cond.push(t);
                let left = count(header, Some(&cond.join(" and ")), &intruders);
                if left < intruders.len() && best.is_none_or(|(b, _)| left < b) {
                    best = Some((left, t));
                }
            }
            if best.is_some() {
                break;
            }
        }
        let Some((_, t)) = best else { break };
        chosen.push(t);
        let cond = chosen.join(" and ");
        if count(header, Some(&cond), members) < members.len() {
            chosen.pop();
            break;
        }
        let c = Compiled::new(&formula(header, Some(&cond)));
        let o = opts();
        intruders.retain(|m| c.matches(m, &o));
    }
    (!chosen.is_empty()).then(|| chosen.join(" and "))
}

/// Whether a TEXT header holds a literal the rule-set index can look for
/// ([`xp_syntax::template::literal_runs`]).
fn has_index_literal(header: &str) -> bool {
    let format = header
        .strip_prefix("TEXT = ")
        .map(|f| f.trim_matches('\''))
        .unwrap_or(header);
    let (t, _) = xp_syntax::parse_template(format);
    t.items.iter().any(|i| match i {
        xp_syntax::template::Item::Lit(s) => xp_syntax::template::literal_runs(s).next().is_some(),
        _ => false,
    })
}

/// A COND for the dispatch of a TEXT rule whose header is all tokens and short literals before
/// a KEYVALUE run (`{DATETIME} {NUMBER} W {$kv=KEYVALUE}`): without it every event of a log
/// is tried on the rule. The run's first key every member has, which the raw text holds
/// (`$kv["KeyguardUpdateMonitor"] != null`).
fn dispatch_cond(
    header: &str,
    run: &kv::KvRun<'_>,
    name: &str,
    members: &[&str],
) -> Option<String> {
    if has_index_literal(header) {
        return None;
    }
    let key = run
        .present
        .iter()
        .find(|k| k.len() >= xp_syntax::template::MIN_LITERAL_RUN)?;
    let cond = format!("${name}[{}] != null", xp_syntax::quote_str(key, '"'));
    (count(header, Some(&cond), members) == members.len()).then_some(cond)
}

/// The record bodies of members a template reads with one CSV token at its end: after the
/// syslog header when the template reads one, else the whole member.
fn csv_bodies<'m>(template: &str, members: &[&'m str]) -> Vec<&'m str> {
    members
        .iter()
        .map(|m| match ingest::syslog::parse(m) {
            Some(h) if template.contains("{$host=HOSTNAME}") => &m[h.body.min(m.len())..],
            _ => m,
        })
        .collect()
}

/// A COND for the dispatch of a TEXT rule that is a header and a CSV record, with no literal
/// the rule-set index can look for: the record's first field with one word in every member.
fn record_dispatch_cond(
    header: &str,
    terms: &[(String, bool)],
    members: &[&str],
) -> Option<String> {
    if has_index_literal(header) {
        return None;
    }
    let (cond, _) = terms.iter().find(|(_, numeric)| !numeric)?;
    (count(header, Some(cond), members) == members.len()).then(|| cond.clone())
}

/// TEXT: from a sample, then from all members, then loosely typed, then a catch-all.
fn text_head<'a>(
    members: &[&str],
    seed: u64,
    others: impl FnOnce() -> Vec<&'a str>,
    seen: &text::Seen,
) -> Head {
    let n = members.len();
    let picked: Vec<&str> = sample(n, seed).into_iter().map(|i| members[i]).collect();
    let attempts: [(&[&str], bool, &'static str); 3] = [
        (&picked, false, "sample"),
        (members, false, "all"),
        (members, true, "loose"),
    ];
    // The common log format's own layout, for web access logs whose requests or trailing
    // fields differ in shape: it replaces a template that reads them with lazy runs.
    let layout = clf::template(members)
        .filter(|t| count(&format!("TEXT = {}", quote(&t.template)), None, members) == n);
    for (from, loose, method) in attempts {
        let t = text::synthesize_seen(from, loose, Some(seen));
        let header = format!("TEXT = {}", quote(&t.template));
        let matched = count(&header, None, members);
        if matched == n {
            let lazy = t.template.contains("=STRING*}") || t.template.contains("=REST}");
            let (t, method) = match &layout {
                Some(l) if lazy => (l.clone(), "layout"),
                _ => (t, method),
            };
            let header = format!("TEXT = {}", quote(&t.template));
            // COND terms come from all members, not the sample the template came from.
            let run = t
                .captures
                .iter()
                .find(|(_, ty)| *ty == TokenType::Keyvalue)
                .and_then(|(name, _)| Some((kv::find(members)?, name.as_str())));
            let record = t
                .captures
                .iter()
                .find(|(_, ty)| *ty == TokenType::Csv)
                .and_then(|(name, _)| {
                    Some((csv::find(&csv_bodies(&t.template, members))?, name.as_str()))
                });
            let cond = match (run, record) {
                (Some((run, name)), _) => {
                    text_cond(&header, |i| run.cond_terms(name, i), members, &others())
                        .or_else(|| dispatch_cond(&header, &run, name, members))
                }
                (None, Some((record, name))) => {
                    let terms = record.cond_terms(name);
                    text_cond(&header, |_| terms.clone(), members, &others())
                        .or_else(|| record_dispatch_cond(&header, &terms, members))
                }
                _ => None,
            };
            return Head {
                header,
                cond,
                captures: t.captures.into_iter().map(|(c, _)| c).collect(),
                matched,
                size: n,
                method,
            };
        }
    }
    let header = "TEXT = '{$message=REST}'".to_string();
    let matched = count(&header, None, members);
    Head {
        header,
        cond: None,
        captures: vec!["message".into()],
        matched,
        size: n,
        method: "fallback",
    }
}

/// CEF as TEXT (`cef.rs`): from a sample, then from all members; `None` when no template
/// matches every member or one matches another cluster's events (the caller then uses the
/// CEF input with a COND).
fn cef_head(members: &[&str], seed: u64, others: &[&str]) -> Option<Head> {
    let n = members.len();
    let picked: Vec<&str> = sample(n, seed).into_iter().map(|i| members[i]).collect();
    for (from, method) in [(&picked[..], "sample"), (members, "all")] {
        let Some((tpl, captures)) = cef::synthesize(from) else {
            continue;
        };
        let header = format!("TEXT = {}", quote(&tpl));
        let matched = count(&header, None, members);
        if matched == n {
            if count(&header, None, others) > 0 {
                return None;
            }
            return Some(Head {
                header,
                cond: None,
                captures,
                matched,
                size: n,
                method,
            });
        }
    }
    None
}

/// Structured kinds: header filter from constant identifiers, COND from [`separate`].
fn structured_head(
    kind: Kind,
    members: &[&str],
    flats: &[Flat],
    others: &[(&[&str], &[Flat])],
) -> Head {
    let n = members.len();
    let constant = |p: &str| -> Option<String> {
        let v = flats.first()?.get(p)?;
        // A map or list is flattened to a presence marker, not a value.
        (!v.starts_with('\u{1}') && flats.iter().all(|f| f.get(p) == Some(v))).then(|| v.clone())
    };
    let (header, preferred): (String, Vec<&str>) = match kind {
        Kind::Eventlog => {
            let id = constant("$EventID").or_else(|| constant("$EventID[\"text\"]"));
            let filter = match id {
                Some(id) if constant("$EventID").is_some() => format!("EventID=\"{id}\""),
                Some(id) => format!("EventID.text=\"{id}\""),
                None => String::new(),
            };
            (
                format!("EVENTLOG = {}", quote(&filter)),
                vec!["$Channel", "$Provider[\"Name\"]"],
            )
        }
        Kind::Json => ("JSON = ''".to_string(), Vec::new()),
        Kind::Cef => (
            "CEF = ''".to_string(),
            vec!["$device_vendor", "$device_product", "$signature_id"],
        ),
        _ => {
            let sep = members
                .first()
                .and_then(|m| m.lines().next())
                .map_or(b',', xp_eval::input::tabular::detect_separator);
            let sep = if sep == b'\t' {
                "\\t".to_string()
            } else {
                (sep as char).to_string()
            };
            (format!("TABULAR = {}", quote(&sep)), Vec::new())
        }
    };
    // Other clusters the header filter lets through are the ones COND must exclude.
    let filter = Compiled::new(&formula(&header, None));
    let o = opts();
    let passing: Vec<Vec<Flat>> = others
        .iter()
        .map(|(raws, fl)| {
            raws.iter()
                .zip(fl.iter())
                .filter(|(r, _)| filter.matches(r, &o))
                .map(|(_, f)| f.clone())
                .collect()
        })
        .collect();
    let others: Vec<&[Flat]> = passing
        .iter()
        .filter(|p| !p.is_empty())
        .map(Vec::as_slice)
        .collect();
    let (mut conds, _left) = separate(flats, &others, &preferred);
    if conds.is_empty() && kind == Kind::Json {
        conds = structured::signature(flats);
    }
    let cond = (!conds.is_empty()).then(|| {
        conds
            .iter()
            .map(|c| c.to_xp())
            .collect::<Vec<_>>()
            .join(" and ")
    });
    let matched = count(&header, cond.as_deref(), members);
    Head {
        header,
        cond,
        captures: Vec::new(),
        matched,
        size: n,
        method: "structured",
    }
}

/// Which heads match each member event, found by [`hits`].
#[derive(Clone, Debug, Default)]
pub struct Hits {
    /// `of[cluster][member]`: the indices of the heads that match that event.
    pub of: Vec<Vec<Vec<usize>>>,
    /// Events with more candidate heads than [`MAX_CHECKS`]: the others' heads past the
    /// budget were not checked, so their lists may be short.
    pub cut: usize,
}

/// Which heads match each member event. TEXT heads are looked up through the literal words of
/// their templates: an event can only match a head whose every literal word it contains, so
/// each head is filed under its rarest words and checked only on events holding all of its
/// words, in order. The cost grows with the matches, not with events × heads; a budget of
/// [`MAX_CHECKS`] other heads per event bounds it where many heads share their words. Clusters
/// are checked in parallel.
pub fn hits(clusters: &[ClusterInput<'_>], heads: &[Head]) -> Hits {
    let compiled: Vec<Compiled> = par::par_map(heads, |_, h| Compiled::new(&h.formula()));
    let o = opts();
    let seqs: Vec<Vec<String>> = par::par_map(heads, |j, h| {
        if is_text(clusters[j].kind) {
            literal_word_seq(&h.header).unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let lits: Vec<Option<Vec<String>>> = seqs
        .iter()
        .map(|q| {
            let mut l = q.clone();
            l.sort();
            l.dedup();
            (!l.is_empty()).then_some(l)
        })
        .collect();
    let mut df: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for w in lits.iter().flatten().flatten() {
        *df.entry(w.as_str()).or_default() += 1;
    }
    // Literal words as numbers: events are compared with heads by number.
    let mut id: rustc_hash::FxHashMap<&str, u32> = rustc_hash::FxHashMap::default();
    for w in seqs.iter().flatten() {
        let next = id.len() as u32;
        id.entry(w.as_str()).or_insert(next);
    }
    let seq_ids: Vec<Vec<u32>> = seqs
        .iter()
        .map(|q| q.iter().map(|w| id[w.as_str()]).collect())
        .collect();
    // A head's literal words as bits (numbers modulo 64), side by side for every head: most
    // heads filed under an event's words lack another of its words, which one AND tells
    // without reading the head's words.
    let sigs: Vec<u64> = seq_ids.iter().map(|q| word_bits(q)).collect();
    // Each head is filed under its (up to) three rarest literal words as one key, and under
    // the rarest alone. An event of few distinct words looks up every set of one to three of
    // them (exact, and small blocks even where every word is common); a longer one looks up
    // each of its words among the rarest.
    let mut by_key: Vec<(u64, u32)> = Vec::new();
    let mut by_first: Vec<(u64, u32)> = Vec::new();
    let mut unindexed: Vec<usize> = Vec::new();
    for (j, l) in lits.iter().enumerate() {
        let Some(l) = l else {
            unindexed.push(j);
            continue;
        };
        let mut rare: Vec<&str> = l.iter().map(String::as_str).collect();
        rare.sort_by_key(|w| (df[w], std::cmp::Reverse(w.len()), *w));
        rare.truncate(KEY_WORDS);
        by_first.push((u64::from(id[rare[0]]), j as u32));
        let mut key: Vec<u32> = rare.iter().map(|w| id[w]).collect();
        key.sort_unstable();
        by_key.push((key_hash(&key), j as u32));
    }
    let (by_key, by_first) = (Filed::new(by_key), Filed::new(by_first));
    let per: Vec<(Vec<Vec<usize>>, usize)> = par::par_map(clusters, |i, c| {
        let mut cut = 0;
        let found = c
            .members
            .iter()
            .map(|m| {
                let mut cands: Vec<usize> = unindexed
                    .iter()
                    .copied()
                    .filter(|&j| same_family(clusters[j].kind, c.kind))
                    .collect();
                if is_text(c.kind) {
                    // The event's words that some head holds (the others are in no key and
                    // equal no literal word), in order.
                    let in_order: Vec<u32> = words(m).filter_map(|w| id.get(w).copied()).collect();
                    let mut here = in_order.clone();
                    here.sort_unstable();
                    here.dedup();
                    let bits = word_bits(&here);
                    // The head's literal words stand in the event in the head's order.
                    let holds = |j: usize| {
                        let mut at = in_order.iter();
                        sigs[j] & !bits == 0 && seq_ids[j].iter().all(|l| at.any(|w| w == l))
                    };
                    let mut take = |js: &[u32]| {
                        cands.extend(js.iter().map(|&j| j as usize).filter(|&j| holds(j)));
                    };
                    if here.len() <= MAX_SUBSET_WORDS {
                        for_subsets(&here, |key| take(by_key.get(key)));
                    } else {
                        for &w in &here {
                            take(by_first.get(u64::from(w)));
                        }
                    }
                }
                cands.sort_unstable();
                cands.dedup();
                // Over budget: the own head, then the heads of the largest clusters.
                if cands.len() > MAX_CHECKS + 1 {
                    cut += 1;
                    let own = cands.contains(&i);
                    cands.retain(|&j| j != i);
                    cands.sort_by_key(|&j| (std::cmp::Reverse(clusters[j].members.len()), j));
                    cands.truncate(MAX_CHECKS);
                    if own {
                        cands.push(i);
                    }
                    cands.sort_unstable();
                }
                cands
                    .into_iter()
                    .filter(|&j| compiled[j].matches(m, &o))
                    .collect()
            })
            .collect();
        (found, cut)
    });
    let cut = per.iter().map(|(_, c)| c).sum();
    Hits {
        of: per.into_iter().map(|(f, _)| f).collect(),
        cut,
    }
}

/// Heads besides its own that [`hits`] checks on one event: past it, those of the largest
/// clusters. No event of the samples or loghub has more than 12 candidates (a log of 100,000
/// event types drawn from one small vocabulary has about 75 an event).
pub const MAX_CHECKS: usize = 32;

/// Literal words a head is filed under in [`hits`].
const KEY_WORDS: usize = 3;
/// Distinct words of an event up to which [`hits`] looks up every set of up to
/// [`KEY_WORDS`] of them (2,324 sets at 24 words).
const MAX_SUBSET_WORDS: usize = 24;

/// The key of a set of literal words, by their numbers in ascending order (collisions only add
/// candidates, which are checked).
fn key_hash(ids: &[u32]) -> u64 {
    ids.iter().fold(ids.len() as u64, |k, &w| {
        (k.rotate_left(26) ^ u64::from(w)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    })
}

/// Literal words by number as 64 bits (number modulo 64): a head whose bits are not all among
/// an event's lacks one of its words.
fn word_bits(ids: &[u32]) -> u64 {
    ids.iter().fold(0, |b, &w| b | 1 << (w % 64))
}

/// Heads filed under keys, in one block: reading a key's heads touches two places in memory,
/// not one per key and one per head list.
struct Filed {
    at: rustc_hash::FxHashMap<u64, (u32, u32)>,
    heads: Vec<u32>,
}

impl Filed {
    /// From `(key, head)` pairs; each key's heads in ascending order.
    fn new(mut pairs: Vec<(u64, u32)>) -> Filed {
        pairs.sort_unstable();
        let mut at = rustc_hash::FxHashMap::default();
        let mut heads = Vec::with_capacity(pairs.len());
        for (k, j) in pairs {
            let e = at.entry(k).or_insert((heads.len() as u32, 0));
            e.1 += 1;
            heads.push(j);
        }
        Filed { at, heads }
    }

    fn get(&self, key: u64) -> &[u32] {
        match self.at.get(&key) {
            Some(&(from, n)) => &self.heads[from as usize..(from + n) as usize],
            None => &[],
        }
    }
}

/// Calls `f` with the key of every subset of one to [`KEY_WORDS`] of `ids` (ascending).
fn for_subsets(ids: &[u32], mut f: impl FnMut(u64)) {
    let n = ids.len();
    for a in 0..n {
        f(key_hash(&[ids[a]]));
        for b in a + 1..n {
            f(key_hash(&[ids[a], ids[b]]));
            for c in b + 1..n {
                f(key_hash(&[ids[a], ids[b], ids[c]]));
            }
        }
    }
}

/// Clusters whose heads came out the same (header and COND): one event type split in two by
/// clustering, and one rule. Groups of indices in order of their first member; every index
/// is in exactly one group.
pub fn same_heads(heads: &[Head]) -> Vec<Vec<usize>> {
    let mut by_formula: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, h) in heads.iter().enumerate() {
        // A catch-all is no evidence that two clusters are one type.
        if h.method == "fallback" {
            groups.push(vec![i]);
            continue;
        }
        match by_formula.entry(h.formula()) {
            std::collections::hash_map::Entry::Occupied(e) => groups[*e.get()].push(i),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(groups.len());
                groups.push(vec![i]);
            }
        }
    }
    groups
}

/// Clusters every event of which another cluster's head matches too: that head's event type,
/// split off by clustering (`node-D7` and `node-D0` as constants of two clusters whose headers
/// differ only there). Groups `[root, absorbed…]`, every index in exactly one; a root is a
/// larger cluster (processed first) that is not itself absorbed, and never a catch-all.
pub fn absorbed(clusters: &[ClusterInput<'_>], heads: &[Head]) -> Vec<Vec<usize>> {
    absorbed_by(&hits(clusters, heads), clusters, heads)
}

/// [`absorbed`] from the [`hits`] of `heads` on `clusters`.
pub fn absorbed_by(hits: &Hits, clusters: &[ClusterInput<'_>], heads: &[Head]) -> Vec<Vec<usize>> {
    let h = &hits.of;
    let n = heads.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(clusters[i].members.len()));
    let mut owner: Vec<Option<usize>> = vec![None; n];
    let mut done = vec![false; n];
    for &i in &order {
        let mut common: Option<Vec<usize>> = None;
        for m in &h[i] {
            let here: Vec<usize> = m.iter().copied().filter(|&j| j != i).collect();
            common = Some(match common {
                None => here,
                Some(c) => c.into_iter().filter(|j| here.contains(j)).collect(),
            });
        }
        let root = common.unwrap_or_default().into_iter().filter(|&j| {
            done[j]
                && owner[j].is_none()
                && heads[j].method != "fallback"
                && same_family(clusters[j].kind, clusters[i].kind)
        });
        owner[i] = root.max_by_key(|&j| (clusters[j].members.len(), std::cmp::Reverse(j)));
        done[i] = true;
    }
    // A smaller cluster's head may cover a larger one whose own COND leaves the smaller
    // one's events out (audit `USER_LOGIN` records told apart only inside their quoted
    // message): one type, kept under the head that covers both.
    // `kids[j]`: the clusters whose owner is `j` (moved along when `j` gets an owner itself).
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, o) in owner.iter().enumerate() {
        if let Some(j) = *o {
            kids[j].push(i);
        }
    }
    for &k in &order {
        if owner[k].is_some() || h[k].is_empty() {
            continue;
        }
        let covered_by = |j: usize| h[k].iter().all(|m| m.contains(&j));
        // A head that covers every event covers the first: only its heads are candidates.
        let root = h[k][0].iter().copied().filter(|&j| {
            j != k
                && owner[j].is_none()
                && covered_by(j)
                && heads[j].method != "fallback"
                && same_family(clusters[j].kind, clusters[k].kind)
        });
        if let Some(j) = root.max_by_key(|&j| (clusters[j].members.len(), std::cmp::Reverse(j))) {
            for c in std::mem::take(&mut kids[k]) {
                owner[c] = Some(j);
                kids[j].push(c);
            }
            owner[k] = Some(j);
            kids[j].push(k);
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot: Vec<usize> = vec![usize::MAX; n];
    for (i, o) in owner.iter().enumerate() {
        if o.is_none() {
            slot[i] = groups.len();
            groups.push(vec![i]);
        }
    }
    for (i, o) in owner.iter().enumerate() {
        if let Some(j) = *o {
            groups[slot[j]].push(i);
        }
    }
    groups
}

/// What the heads of a log match beyond their own clusters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overlap {
    /// Member events matched by their own head.
    pub own: usize,
    /// Member events matched by their own head and no other.
    pub once: usize,
    /// Per head: the other clusters (indices) with an event this head matches too.
    pub also: Vec<Vec<usize>>,
    /// Events on which not every candidate head was checked ([`Hits::cut`]): the figures
    /// above count what was checked.
    pub cut: usize,
}

/// Own, exactly-once and per-head overlaps over all member events.
pub fn overlap(clusters: &[ClusterInput<'_>], heads: &[Head]) -> Overlap {
    let groups: Vec<Vec<usize>> = (0..heads.len()).map(|i| vec![i]).collect();
    overlap_after(&hits(clusters, heads), &groups)
}

/// [`overlap`] of the clusters `groups` makes of those whose [`hits`] are `h` (groups
/// `[kept, merged…]`, as [`absorbed_by`] gives them, every index in exactly one): the merged
/// clusters keep the head of their first part and lose the others, so an event's hits among
/// the kept heads are its hits after merging, without matching again.
pub fn overlap_after(hits: &Hits, groups: &[Vec<usize>]) -> Overlap {
    let h = &hits.of;
    let mut kept: Vec<Option<usize>> = vec![None; h.len()];
    for (g, group) in groups.iter().enumerate() {
        kept[group[0]] = Some(g);
    }
    let mut out = Overlap {
        also: vec![Vec::new(); groups.len()],
        cut: hits.cut,
        ..Overlap::default()
    };
    for (g, group) in groups.iter().enumerate() {
        for m in group.iter().flat_map(|&i| &h[i]) {
            let now: Vec<usize> = m.iter().filter_map(|&j| kept[j]).collect();
            let by_own = now.contains(&g);
            out.own += usize::from(by_own);
            out.once += usize::from(by_own && now.len() == 1);
            for &j in now.iter().filter(|&&j| j != g) {
                if !out.also[j].contains(&g) {
                    out.also[j].push(g);
                }
            }
        }
    }
    for a in &mut out.also {
        a.sort_unstable();
    }
    out
}

/// `(matched by own head, matched by exactly one head)` over all member events.
pub fn disjointness(clusters: &[ClusterInput<'_>], heads: &[Head]) -> (usize, usize) {
    let o = overlap(clusters, heads);
    (o.own, o.once)
}

fn same_family(a: Kind, b: Kind) -> bool {
    a == b || (is_text(a) && is_text(b))
}

/// Alphanumeric words of a text (at least 3 characters).
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| w.len() >= 3)
}

/// The words (as [`words`] reads them) that every event a TEXT header matches holds whole, in
/// the header's order: those of its literal texts, less a literal's first and last word where
/// a token may glue more characters to them (`user{$id=NUMBER}` matches `user42`). `None` for
/// another kind.
fn literal_word_seq(header: &str) -> Option<Vec<String>> {
    let tpl = header.strip_prefix("TEXT = ")?;
    let (formula_ast, _) = xp_syntax::parse_formula(&format!("TEXT = {tpl}\n"));
    let h = formula_ast.header?;
    let (t, _) = xp_syntax::parse_template(&h.format);
    let items = &t.items;
    let mut out: Vec<String> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let xp_syntax::template::Item::Lit(l) = item else {
            continue;
        };
        // A neighbour that is neither a space nor the template's end may touch the literal.
        let open = |i: Option<&xp_syntax::template::Item>| {
            !matches!(i, None | Some(xp_syntax::template::Item::Space))
        };
        let glued_before = open(k.checked_sub(1).and_then(|p| items.get(p)))
            && l.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        let glued_after =
            open(items.get(k + 1)) && l.ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let ws: Vec<&str> = words(l).collect();
        let from = usize::from(glued_before);
        let to = ws.len().saturating_sub(usize::from(glued_after));
        out.extend(
            ws.get(from..to.max(from))
                .unwrap_or(&[])
                .iter()
                .map(|w| w.to_string()),
        );
    }
    Some(out)
}

fn is_text(k: Kind) -> bool {
    matches!(k, Kind::Text | Kind::Keyvalue)
}

#[cfg(test)]
mod overlap_tests {
    use super::*;

    #[test]
    fn past_the_budget_the_own_head_and_the_largest_clusters_are_checked_and_counted() {
        // 40 one-event clusters whose heads are one template: every head matches every event.
        let texts: Vec<String> = (0..40).map(|k| format!("alpha v{k} omega")).collect();
        let clusters: Vec<ClusterInput<'_>> = texts
            .iter()
            .enumerate()
            .map(|(k, t)| ClusterInput {
                kind: Kind::Text,
                // Cluster 39 is the largest: its head is checked on every event.
                members: vec![t.as_str(); if k == 39 { 2 } else { 1 }],
            })
            .collect();
        let head = Head {
            header: "TEXT = 'alpha {$x=WORD} omega'".into(),
            cond: None,
            captures: vec!["x".into()],
            matched: 1,
            size: 1,
            method: "sample",
        };
        let heads = vec![head; 40];
        let h = hits(&clusters, &heads);
        assert_eq!(h.cut, 41);
        for (i, per) in h.of.iter().enumerate() {
            for m in per {
                assert_eq!(m.len(), MAX_CHECKS + 1, "{m:?}");
                assert!(m.contains(&i) && m.contains(&39), "{i}: {m:?}");
            }
        }
        let o = overlap(&clusters, &heads);
        assert_eq!((o.own, o.once, o.cut), (41, 0, 41));
        // Under the budget nothing is cut: every head is checked.
        let h = hits(&clusters[..20], &heads[..20]);
        assert_eq!(h.cut, 0);
        assert!(h.of.iter().flatten().all(|m| m.len() == 20));
    }

    #[test]
    fn distinct_types_do_not_overlap() {
        let a = ["Mar  1 00:00:01 host-1 app[1001]: lock granted module update socket 1.2.3.4 invalid driver flush", "Mar  1 00:00:02 host-2 app[1002]: lock granted module update socket 1.2.3.5 invalid driver flush"];
        let b = [
            "Mar  1 00:00:03 host-3 app[1003]: unlock reject read 12 delete process deny task",
            "Mar  1 00:00:04 host-4 app[1004]: unlock reject read 13 delete process deny task",
        ];
        let clusters = vec![
            ClusterInput {
                kind: Kind::Text,
                members: a.to_vec(),
            },
            ClusterInput {
                kind: Kind::Text,
                members: b.to_vec(),
            },
        ];
        let heads = synthesize(&clusters);
        let h = hits(&clusters, &heads);
        assert_eq!(h.cut, 0);
        assert_eq!(
            h.of,
            vec![vec![vec![0], vec![0]], vec![vec![1], vec![1]]],
            "{heads:#?}"
        );
    }

    #[test]
    fn a_timestamp_datetime_rejects_is_not_read_with_datetime() {
        // A lenient syslog parse takes `Jun 32 75:86:77`; the DATETIME token does not: the
        // header must read it with other tokens rather than fall back to a catch-all.
        let lines: Vec<String> = (0..6)
            .map(|i| {
                format!(
                    "Jun {} {}:{}:7{i} combo su(pam_unix)[{}]: session closed for user cyrus",
                    30 + i,
                    60 + i,
                    80 + i,
                    1000 + i
                )
            })
            .collect();
        let clusters = vec![ClusterInput {
            kind: Kind::Text,
            members: lines.iter().map(String::as_str).collect(),
        }];
        let heads = synthesize(&clusters);
        assert_ne!(heads[0].method, "fallback", "{}", heads[0].header);
        assert!(heads[0]
            .header
            .contains("session closed for user {$user=WORD}"));
        assert!(!heads[0].header.contains("DATETIME"), "{}", heads[0].header);
        assert_eq!(heads[0].matched, lines.len());
    }

    #[test]
    fn keyvalue_runs_with_trailing_whitespace_keep_their_token() {
        // pam_unix ends its pairs with a space; the header must still match, not fall back.
        let lines: Vec<String> = (0..6)
            .map(|i| format!("authentication failure; logname= uid={} euid={} tty=ssh ruser= rhost=10.0.0.{i} ", i % 3, i % 2))
            .collect();
        let clusters = vec![ClusterInput {
            kind: Kind::Text,
            members: lines.iter().map(String::as_str).collect(),
        }];
        let heads = synthesize(&clusters);
        assert_eq!(
            heads[0].header,
            "TEXT = 'authentication failure; logname= {$kv=KEYVALUE} '"
        );
        assert_eq!(heads[0].matched, lines.len());
    }

    #[test]
    fn keyvalue_runs_are_told_apart_by_cond() {
        // Only the syscall number tells these two apart.
        let execve: Vec<String> = (0..4)
            .map(|i| format!("type=SYSCALL msg=audit(1364481363.{i}:2428{i}): arch=c000003e syscall=59 success={} exit={} pid={} comm=\"{}\"", ["yes", "no"][i % 2], i % 2, 100 + i, ["ls", "id"][i % 2]))
            .collect();
        let open: Vec<String> = (0..4)
            .map(|i| format!("type=SYSCALL msg=audit(1364481364.{i}:2429{i}): arch=c000003e syscall=2 success={} exit={} pid={} comm=\"{}\"", ["yes", "no"][i % 2], i % 2, 200 + i, ["ls", "id"][i % 2]))
            .collect();
        let clusters = vec![
            ClusterInput {
                kind: Kind::Text,
                members: execve.iter().map(String::as_str).collect(),
            },
            ClusterInput {
                kind: Kind::Text,
                members: open.iter().map(String::as_str).collect(),
            },
        ];
        let heads = synthesize(&clusters);
        // The record header is no pair: its time and serial are captures before the run.
        assert_eq!(
            heads[0].header,
            "TEXT = 'type=SYSCALL msg=audit({$audit=DATETIME}:{$v2=NUMBER}): {$kv=KEYVALUE}'"
        );
        assert!(
            heads[0]
                .cond
                .as_deref()
                .unwrap()
                .contains("$kv[\"syscall\"] == \"59\""),
            "{heads:#?}"
        );
        let (own, once) = disjointness(&clusters, &heads);
        assert_eq!((own, once), (8, 8), "{heads:#?}");
    }

    #[test]
    fn overlaps_are_reported_per_head() {
        let clusters = vec![
            ClusterInput {
                kind: Kind::Text,
                members: vec!["job 12 done in 3 s", "job 13 done in 4 s"],
            },
            ClusterInput {
                kind: Kind::Text,
                members: vec!["job 14 done in 5 s"],
            },
            ClusterInput {
                kind: Kind::Text,
                members: vec!["disk sda1 is full", "disk sdb2 is full"],
            },
        ];
        let heads = synthesize(&clusters);
        let o = overlap(&clusters, &heads);
        assert_eq!(o.own, 5, "{heads:#?}");
        assert_eq!(o.once, 2, "{heads:#?}");
        assert_eq!(o.also, vec![vec![1], vec![0], vec![]], "{heads:#?}");
    }

    #[test]
    fn equal_heads_are_grouped() {
        let head = |h: &str, method: &'static str| Head {
            header: h.to_string(),
            cond: None,
            captures: Vec::new(),
            matched: 1,
            size: 1,
            method,
        };
        let heads = [
            head("TEXT = 'a {$x=NUMBER}'", "sample"),
            head("TEXT = 'b'", "sample"),
            head("TEXT = 'a {$x=NUMBER}'", "all"),
            head("TEXT = '{$message=REST}'", "fallback"),
            head("TEXT = '{$message=REST}'", "fallback"),
        ];
        assert_eq!(
            same_heads(&heads),
            vec![vec![0, 2], vec![1], vec![3], vec![4]]
        );
    }

    #[test]
    fn a_cluster_inside_a_larger_ones_header_is_absorbed() {
        let big: Vec<String> = (0..6)
            .map(|i| {
                format!(
                    "node-{} fs domain d{i} is no longer served",
                    ["A1", "B2", "C3"][i % 3]
                )
            })
            .collect();
        let clusters = vec![
            ClusterInput {
                kind: Kind::Text,
                members: big.iter().map(String::as_str).collect(),
            },
            ClusterInput {
                kind: Kind::Text,
                members: vec![
                    "node-D7 fs domain d9 is no longer served",
                    "node-D7 fs domain d8 is no longer served",
                ],
            },
            ClusterInput {
                kind: Kind::Text,
                members: vec!["disk sda1 is full", "disk sdb2 is full"],
            },
        ];
        let heads = synthesize(&clusters);
        assert_eq!(
            absorbed(&clusters, &heads),
            vec![vec![0, 1], vec![2]],
            "{heads:#?}"
        );
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    #[test]
    fn access_log_lines_of_different_shapes_take_the_common_log_format_layout() {
        // A request of `-` beside a full one, trailing fields on some lines: aligned, the
        // status hides in a lazy run; the format's layout reads it.
        let m = [
            r#"192.168.33.1 - - [26/Dec/2016:16:22:13 +0000] "GET /hello HTTP/1.1" 404 499 "-" "Mozilla/5.0 (Macintosh)""#,
            r#"127.0.0.1 - - [02/Feb/2019:05:38:45 +0100] "-" 408 152 "-" "-""#,
            r#"172.17.0.1 - - [29/May/2017:19:02:48 +0000] "GET /stringpatch HTTP/1.1" 404 612 "-" "Mozilla/5.0 (Windows NT 6.1)" "-""#,
        ];
        let head = text_head(&m, 0, Vec::new, &text::Seen::default());
        assert_eq!(head.method, "layout", "{}", head.header);
        assert!(head.header.contains("{$status=NUMBER}"), "{}", head.header);
        // Lines one aligned template reads without lazy runs keep it.
        let m = [
            r#"10.0.0.1 - - [26/Dec/2016:16:22:13 +0000] "GET /a HTTP/1.1" 200 10"#,
            r#"10.0.0.2 - - [26/Dec/2016:16:22:14 +0000] "GET /b HTTP/1.1" 404 12"#,
        ];
        let head = text_head(&m, 0, Vec::new, &text::Seen::default());
        assert_ne!(head.method, "layout", "{}", head.header);
    }
}

#[cfg(test)]
mod dispatch_tests {
    use super::*;

    #[test]
    fn a_header_without_a_literal_gets_a_key_for_the_dispatch() {
        let one = ["03-17 12:58:46.333  5779  4304 W KeyguardUpdateMonitor: ACTION_BATTERY_CHANGED AMP: 0; Volt: 5"];
        let heads = synthesize(&[ClusterInput {
            kind: Kind::Text,
            members: one.to_vec(),
        }]);
        let h = &heads[0];
        assert!(h.header.contains("KEYVALUE"), "{}", h.header);
        assert!(!has_index_literal(&h.header), "{}", h.header);
        assert_eq!(
            h.cond.as_deref(),
            Some(r#"$kv["KeyguardUpdateMonitor"] != null"#)
        );
        // A header with a literal of its own needs none.
        assert!(has_index_literal("TEXT = 'Volt {$v=NUMBER}'"));
        assert!(!has_index_literal("TEXT = '{$t=DATETIME} W {$v=NUMBER}'"));
    }
}
