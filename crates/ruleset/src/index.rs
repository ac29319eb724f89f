//! Dispatch without trying every rule on every event.
//!
//! Three filters, all conservative (a rule they drop could not have matched):
//! - **gate** by the event's first character: JSON rules need `{`, EVENTLOG and XML `{` or `<`
//!   (`{`: a transport envelope or JSON form); TEXT, CEF and TABULAR rules take any event.
//! - **required literals** per rule, found in the raw event with Aho-Corasick (ASCII case
//!   folded): runs of "safe" characters (letters, digits, `_-.:@#`, which no JSON, XML or CEF
//!   escaping changes) that every event the rule matches contains — the top-level literal text
//!   of a TEXT format string, the values of a header filter (`EventID="4624"`), and for
//!   structured rules what COND compares: constants of `input == "const"` (also through
//!   `lower`), keys of `$x["key"] != null`, both sides of an `and`, one literal of each side of
//!   an `or`. Each rule is found through its two rarest requirements across the rule set (a
//!   pair of literals both found in the event; `type123` rather than `connection`), or its
//!   rarest one when it has a single one, and kept only when its next rarest ones (up to twelve)
//!   were found in the event too. A rule without such literals of at least [`MIN_LITERAL`]
//!   characters is tried on every event its gate lets through.
//! - **literal order**: a TEXT rule's literals must be found in the order of its format string,
//!   each starting at or after the end of the one before ([`Facts::sequence`]): the words of
//!   one event type seldom make another type's words in another order a match.
//!
//! Candidates come out in priority order: `!`-kind first, then the most specific header,
//! then path order. The tests check the index against trying every rule.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use xp_syntax::ast::{BinOp, ExprKind, HeaderKind};
use xp_syntax::template::{Elem, Item, TokenType};
use xp_syntax::Expr;
use xp_syntax::Target;

use crate::Loaded;

/// Shortest literal worth indexing.
pub const MIN_LITERAL: usize = xp_syntax::template::MIN_LITERAL_RUN;

/// Which events a rule's header can read, by the event's first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Any event.
    Any,
    /// Starts with `{`.
    Brace,
    /// Starts with `{` or `<`.
    BraceOrAngle,
}

impl Gate {
    fn of(kind: HeaderKind) -> Gate {
        match kind {
            HeaderKind::Json => Gate::Brace,
            HeaderKind::Eventlog => Gate::BraceOrAngle,
            // `{`: an XML body inside a JSON transport envelope.
            HeaderKind::Xml => Gate::BraceOrAngle,
            HeaderKind::Text | HeaderKind::Cef | HeaderKind::Tabular => Gate::Any,
        }
    }

    fn admits(self, first: Option<u8>) -> bool {
        match self {
            Gate::Any => true,
            Gate::Brace => first == Some(b'{'),
            Gate::BraceOrAngle => matches!(first, Some(b'{' | b'<')),
        }
    }
}

/// What the index and the priority need to know of a formula, read from its source.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// What every event the rule matches contains: each entry is a set of literals
    /// (lowercase) of which the event has at least one. The index picks the rarest entry.
    pub requirements: Vec<AnyOf>,
    /// A TEXT header's literals (lowercase) in the order they stand in the format string: an
    /// event the rule matches holds them in this order, each after the end of the one before.
    pub sequence: Vec<String>,
    /// Specificity for the priority.
    pub specificity: usize,
    /// The header is a catch-all: a TEXT format string of one token that takes anything.
    pub catch_all: bool,
}

/// Every safe run of a text long enough, each a requirement of its own.
fn all_runs(s: &str) -> Vec<AnyOf> {
    xp_syntax::template::literal_runs(s)
        .map(|r| vec![r.to_ascii_lowercase()])
        .collect()
}

/// A requirement: the event contains at least one of these literals.
pub type AnyOf = Vec<String>;

/// The better of two requirements that both hold (the longer shortest literal, then fewer).
fn better(a: Option<AnyOf>, b: Option<AnyOf>) -> Option<AnyOf> {
    let score = |x: &AnyOf| {
        (
            x.iter().map(String::len).min().unwrap_or(0),
            std::cmp::Reverse(x.len()),
        )
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

impl Facts {
    /// Reads a formula's header and COND.
    pub fn of(source: &str) -> Facts {
        let (formula, _) = xp_syntax::parse_formula(source);
        let Some(header) = formula.header else {
            return Facts::default();
        };
        let mut reqs: Vec<AnyOf> = Vec::new();
        let mut sequence: Vec<String> = Vec::new();
        let mut specificity = 0;
        let mut catch_all = false;
        // The KEYVALUE captures of a TEXT header: a key COND finds in one is in the raw text.
        let mut kv_vars: Vec<String> = Vec::new();
        match header.kind {
            HeaderKind::Text => {
                let (t, _) = xp_syntax::parse_template(&header.format);
                for item in &t.items {
                    if let Item::Group(g) = item {
                        for e in g.alts.iter().flatten() {
                            if let Elem::Token(tok) = e {
                                if let (TokenType::Keyvalue, Some(Target::Var(v))) =
                                    (tok.ty, &tok.target)
                                {
                                    kv_vars.push(v.clone());
                                }
                            }
                        }
                    }
                }
                for item in &t.items {
                    match item {
                        Item::Lit(s) => {
                            specificity += s.len();
                            reqs.extend(all_runs(s));
                            sequence.extend(all_runs(s).into_iter().flatten());
                        }
                        Item::Space => {}
                        Item::Group(g) => {
                            specificity += 1;
                            // A group of one alternative is not optional: its plain literals
                            // are required too.
                            if let [alt] = g.alts.as_slice() {
                                for e in alt {
                                    if let Elem::Lit {
                                        text,
                                        optional: false,
                                    } = e
                                    {
                                        specificity += text.len();
                                        reqs.extend(all_runs(text));
                                        sequence.extend(all_runs(text).into_iter().flatten());
                                    }
                                }
                            }
                        }
                    }
                }
                catch_all = formula.cond.is_none()
                    && matches!(t.items.as_slice(), [Item::Group(g)]
                        if matches!(g.alts.as_slice(), [alt] if matches!(alt.as_slice(),
                            [Elem::Token(tok)] if matches!(tok.ty, TokenType::Rest | TokenType::String))));
            }
            _ => {
                if let Ok(f) = xp_eval::input::Filter::parse(&header.format) {
                    specificity += 100 * f.conds.len();
                    for (_, v) in &f.conds {
                        reqs.extend(all_runs(v));
                    }
                }
            }
        }
        if let Some(cond) = &formula.cond {
            specificity += 50 * conjuncts(&cond.expr);
            // The values a TEXT rule compares come from its captures, which token types may
            // rewrite (numbers, addresses): only structured rules take literals from COND.
            if header.kind != HeaderKind::Text {
                reqs.extend(cond_requirements(&cond.expr));
            } else {
                // The keys of a KEYVALUE capture are the raw text's own (`$kv["Volt"] != null`).
                reqs.extend(kv_key_requirements(&cond.expr, &kv_vars));
            }
        }
        reqs.sort();
        reqs.dedup();
        Facts {
            requirements: reqs,
            sequence,
            specificity,
            catch_all,
        }
    }
}

/// Conjuncts of an `and`-chain.
fn conjuncts(e: &Expr) -> usize {
    match &e.kind {
        ExprKind::Paren(x) => conjuncts(x),
        ExprKind::Binary(BinOp::And, a, b) => conjuncts(a) + conjuncts(b),
        _ => 1,
    }
}

/// An input value as COND reads it: a variable, a field, a member of one (`$event["key"]`),
/// or one of them through `lower`/`upper` (the index folds ASCII case).
fn is_input(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Var(_) | ExprKind::Field(_) => true,
        ExprKind::Paren(x) => is_input(x),
        ExprKind::Index(base, _) => is_input(base),
        ExprKind::Call(name, args) if matches!(name.as_str(), "lower" | "upper") => {
            args.len() == 1 && is_input(&args[0])
        }
        _ => false,
    }
}

fn constant(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Str(s, _) => Some(s.clone()),
        ExprKind::Int(i) => Some(i.to_string()),
        ExprKind::Paren(x) => constant(x),
        _ => None,
    }
}

/// The key of a member read (`$event["key"]`), which a present member has in the raw text.
fn member_key(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Paren(x) => member_key(x),
        ExprKind::Index(base, key) if is_input(base) => constant(key),
        _ => None,
    }
}

/// The keys an `and`-chain of a TEXT COND requires of the KEYVALUE captures `kv_vars`
/// (`$kv["key"] != null`): a parsed pair's key is text of the raw event.
fn kv_key_requirements(e: &Expr, kv_vars: &[String]) -> Vec<AnyOf> {
    match &e.kind {
        ExprKind::Paren(x) => kv_key_requirements(x, kv_vars),
        ExprKind::Binary(BinOp::And, a, b) => {
            let mut r = kv_key_requirements(a, kv_vars);
            r.extend(kv_key_requirements(b, kv_vars));
            r
        }
        ExprKind::Binary(BinOp::Ne, a, b) => {
            let read = match (&a.kind, &b.kind) {
                (_, ExprKind::Null) => a,
                (ExprKind::Null, _) => b,
                _ => return Vec::new(),
            };
            match &read.kind {
                ExprKind::Index(base, key) if matches!(&base.kind, ExprKind::Var(v) if kv_vars.contains(v)) => {
                    constant(key).map(|k| all_runs(&k)).unwrap_or_default()
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// What a COND requires of the raw text: `and` needs what both sides need, `or` one literal
/// of each side (either may hold), `input == "const"` the constant, `$x["key"] != null` the key.
fn cond_requirements(e: &Expr) -> Vec<AnyOf> {
    match &e.kind {
        ExprKind::Paren(x) => cond_requirements(x),
        ExprKind::Binary(BinOp::And, a, b) => {
            let mut r = cond_requirements(a);
            r.extend(cond_requirements(b));
            r
        }
        ExprKind::Binary(BinOp::Or, a, b) => {
            let pick = |r: Vec<AnyOf>| {
                r.into_iter()
                    .reduce(|x, y| better(Some(x), Some(y)).unwrap_or_default())
            };
            match (pick(cond_requirements(a)), pick(cond_requirements(b))) {
                (Some(mut x), Some(y)) => {
                    x.extend(y);
                    x.sort();
                    x.dedup();
                    vec![x]
                }
                _ => Vec::new(),
            }
        }
        ExprKind::Binary(BinOp::Eq, a, b) => {
            let c = if is_input(a) {
                constant(b)
            } else if is_input(b) {
                constant(a)
            } else {
                None
            };
            c.map(|c| all_runs(&c)).unwrap_or_default()
        }
        ExprKind::Binary(BinOp::Ne, a, b) => {
            let key = match (&a.kind, &b.kind) {
                (_, ExprKind::Null) => member_key(a),
                (ExprKind::Null, _) => member_key(b),
                _ => None,
            };
            key.map(|k| all_runs(&k)).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The dispatch index of a rule set.
pub struct Index {
    ac: Option<AhoCorasick>,
    /// Pattern id → rules whose primary requirement names it.
    by_pattern: Vec<Vec<u32>>,
    /// Rules found through their two rarest requirements, both single literals: pattern pair
    /// (lower id first) → rules.
    by_pair: rustc_hash::FxHashMap<(u32, u32), Vec<u32>>,
    /// The same rules by their rarer pattern, with the other one (walked when that costs less
    /// than looking up every pair of found patterns).
    pair_by_first: Vec<Vec<(u32, u32)>>,
    /// Per rule: its other requirements checked on the event's found patterns (each a set of
    /// pattern ids, one of which must be found).
    secondary: Secondary,
    /// Per rule: its TEXT header's literals in order ([`Facts::sequence`]), as pattern ids.
    sequence: Csr,
    /// Rules without a literal.
    always: Vec<u32>,
    /// Per rule.
    gate: Vec<Gate>,
    /// Per rule: its rank in priority order (0 first).
    rank: Vec<u32>,
}

/// The secondary requirements of every rule in one array, a rule's side by side: an event
/// offers hundreds of rules to check when many of its words are common to the rule set, and
/// one read per rule keeps that check in the cache (a vector per requirement did not).
struct Secondary {
    /// Rule `i`'s requirements are `data[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    /// Each requirement as its count of pattern ids, then the ids.
    data: Vec<u32>,
}

impl Secondary {
    fn new(rules: &[Vec<Vec<u32>>]) -> Secondary {
        let mut start = Vec::with_capacity(rules.len() + 1);
        let mut data = Vec::new();
        for reqs in rules {
            start.push(data.len() as u32);
            for req in reqs {
                data.push(req.len() as u32);
                data.extend_from_slice(req);
            }
        }
        start.push(data.len() as u32);
        Secondary { start, data }
    }

    /// Whether every requirement of rule `i` has one of its patterns found.
    fn hold(&self, i: u32, found: &impl Fn(u32) -> bool) -> bool {
        let i = i as usize;
        let mut reqs = &self.data[self.start[i] as usize..self.start[i + 1] as usize];
        while let Some((&n, rest)) = reqs.split_first() {
            let (ids, after) = rest.split_at((n as usize).min(rest.len()));
            if !ids.iter().any(|&id| found(id)) {
                return false;
            }
            reqs = after;
        }
        true
    }
}

/// Lists of pattern ids per rule, side by side in one array.
struct Csr {
    /// Rule `i`'s list is `data[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    data: Vec<u32>,
}

impl Csr {
    fn new(lists: &[Vec<u32>]) -> Csr {
        let mut start = Vec::with_capacity(lists.len() + 1);
        let mut data = Vec::new();
        for l in lists {
            start.push(data.len() as u32);
            data.extend_from_slice(l);
        }
        start.push(data.len() as u32);
        Csr { start, data }
    }

    fn get(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.data[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

/// Where the patterns were found in an event: `(pattern, start, end)` sorted by pattern, then
/// start.
struct Found(Vec<(u32, u32, u32)>);

impl Found {
    /// Whether the patterns `seq` occur in this order, each starting at or after the end of
    /// the one before (the earliest such occurrence of each is taken, which finds a chain
    /// whenever one exists).
    fn in_order(&self, seq: &[u32]) -> bool {
        let mut pos = 0u32;
        for &p in seq {
            let lo = self.0.partition_point(|&(q, s, _)| (q, s) < (p, pos));
            match self.0.get(lo) {
                Some(&(q, _, e)) if q == p => pos = e,
                _ => return false,
            }
        }
        true
    }
}

/// Total bytes of the index's literals up to which they are found with a DFA.
const DFA_PATTERN_BYTES: usize = 100_000;

/// Requirements checked besides the primary one, at most.
const SECONDARY: usize = 12;

impl Index {
    /// Builds the index.
    pub fn build(rules: &[Loaded]) -> Index {
        let mut order: Vec<usize> = (0..rules.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(rules[i].priority()), i));
        let mut rank = vec![0u32; rules.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r as u32;
        }
        // How many rules name each literal: a rule is found through its rarest requirement and
        // checked against the next rarest ones.
        let mut freq: std::collections::HashMap<&str, usize> = Default::default();
        for r in rules {
            let mut mine: Vec<&str> = r
                .requirements
                .iter()
                .flatten()
                .map(String::as_str)
                .collect();
            mine.sort_unstable();
            mine.dedup();
            for l in mine {
                *freq.entry(l).or_default() += 1;
            }
        }
        let by_rarity = |r: &Loaded| -> Vec<AnyOf> {
            let mut reqs = r.requirements.clone();
            reqs.sort_by_key(|req| {
                (
                    req.iter().map(|l| freq[l.as_str()]).sum::<usize>(),
                    std::cmp::Reverse(req.iter().map(String::len).min().unwrap_or(0)),
                )
            });
            reqs.truncate(SECONDARY + 1);
            reqs
        };
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_of: std::collections::HashMap<String, u32> = Default::default();
        let mut id_of = |lit: &String, patterns: &mut Vec<String>| -> u32 {
            *pattern_of.entry(lit.clone()).or_insert_with(|| {
                patterns.push(lit.clone());
                (patterns.len() - 1) as u32
            })
        };
        let mut by_pattern: Vec<Vec<u32>> = Vec::new();
        let mut secondary = Vec::with_capacity(rules.len());
        let mut always = Vec::new();
        let mut pairs: Vec<(u32, u32, u32)> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let reqs = by_rarity(r);
            if let [a, b, rest @ ..] = reqs.as_slice() {
                if let ([x], [y]) = (a.as_slice(), b.as_slice()) {
                    let (x, y) = (id_of(x, &mut patterns), id_of(y, &mut patterns));
                    if x != y {
                        pairs.push((x.min(y), x.max(y), i as u32));
                        secondary.push(
                            rest.iter()
                                .map(|req| {
                                    let mut ids: Vec<u32> =
                                        req.iter().map(|l| id_of(l, &mut patterns)).collect();
                                    ids.sort_unstable();
                                    ids
                                })
                                .collect(),
                        );
                        continue;
                    }
                }
            }
            let Some((primary, rest)) = reqs.split_first() else {
                always.push(i as u32);
                secondary.push(Vec::new());
                continue;
            };
            for lit in primary {
                let p = id_of(lit, &mut patterns) as usize;
                if by_pattern.len() <= p {
                    by_pattern.resize(p + 1, Vec::new());
                }
                by_pattern[p].push(i as u32);
            }
            let rest: Vec<Vec<u32>> = rest
                .iter()
                .map(|req| {
                    let mut ids: Vec<u32> = req.iter().map(|l| id_of(l, &mut patterns)).collect();
                    ids.sort_unstable();
                    ids
                })
                .collect();
            secondary.push(rest);
        }
        // Sequences of two literals or more, of patterns the index looks for (a TEXT rule's
        // literals are its requirements, so each has its pattern).
        let sequences: Vec<Vec<u32>> = rules
            .iter()
            .map(|r| {
                let ids: Option<Vec<u32>> = r
                    .sequence
                    .iter()
                    .map(|l| pattern_of.get(l).copied())
                    .collect();
                ids.filter(|ids| ids.len() >= 2).unwrap_or_default()
            })
            .collect();
        by_pattern.resize(patterns.len(), Vec::new());
        for v in &mut by_pattern {
            v.dedup();
        }
        let mut by_pair: rustc_hash::FxHashMap<(u32, u32), Vec<u32>> = Default::default();
        let mut pair_by_first: Vec<Vec<(u32, u32)>> = vec![Vec::new(); patterns.len()];
        for &(x, y, i) in &pairs {
            by_pair.entry((x, y)).or_default().push(i);
            pair_by_first[x as usize].push((y, i));
        }
        // A DFA (one table lookup per byte of every event) while the patterns are few enough
        // for its table to stay small: its states are at most the patterns' bytes, and its
        // alphabet the few classes of safe characters, case folded (about 300 bytes a pattern
        // byte: 5 MB for the 1,737 literals of the loghub replay's 752 rules);
        // beyond, the contiguous NFA, smaller and slower.
        let pattern_bytes: usize = patterns.iter().map(String::len).sum();
        let kind = if pattern_bytes <= DFA_PATTERN_BYTES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let ac = (!patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(kind))
                .build(&patterns)
                .expect("literal patterns always build")
        });
        always.sort_by_key(|&i| rank[i as usize]);
        Index {
            ac,
            by_pattern,
            by_pair,
            pair_by_first,
            secondary: Secondary::new(&secondary),
            sequence: Csr::new(&sequences),
            always,
            gate: rules.iter().map(|r| Gate::of(r.kind)).collect(),
            rank,
        }
    }

    /// Rules to try on `raw`, in priority order.
    pub fn candidates(&self, raw: &str) -> Vec<usize> {
        let first = raw
            .trim_start_matches('\u{feff}')
            .bytes()
            .find(|b| !b.is_ascii_whitespace());
        let mut out: Vec<u32> = self
            .always
            .iter()
            .copied()
            .filter(|&i| self.gate[i as usize].admits(first))
            .collect();
        if let Some(ac) = &self.ac {
            let mut at: Vec<(u32, u32, u32)> = ac
                .find_overlapping_iter(raw)
                .map(|m| (m.pattern().as_u32(), m.start() as u32, m.end() as u32))
                .collect();
            at.sort_unstable();
            let at = Found(at);
            let mut found: Vec<u32> = at.0.iter().map(|&(p, _, _)| p).collect();
            found.dedup();
            // The found patterns as a bit set, for the secondary checks.
            let mut seen = vec![0u64; self.by_pattern.len().div_ceil(64)];
            for &p in &found {
                seen[p as usize / 64] |= 1 << (p % 64);
            }
            let has = |id: u32| seen[id as usize / 64] & (1 << (id % 64)) != 0;
            let before = out.len();
            let keep = |i: u32| self.gate[i as usize].admits(first) && self.secondary.hold(i, &has);
            for &p in &found {
                out.extend(
                    self.by_pattern[p as usize]
                        .iter()
                        .copied()
                        .filter(|&i| keep(i)),
                );
            }
            if !self.by_pair.is_empty() {
                // Whichever costs less: a lookup per pair of found patterns, or a walk of the
                // pairs that start at each found pattern (the same rules either way).
                let lookups = found.len() * found.len().saturating_sub(1) / 2;
                let walk: usize = found
                    .iter()
                    .map(|&x| self.pair_by_first[x as usize].len())
                    .sum();
                if lookups < walk {
                    for (k, &x) in found.iter().enumerate() {
                        for &y in &found[k + 1..] {
                            if let Some(rs) = self.by_pair.get(&(x, y)) {
                                out.extend(rs.iter().copied().filter(|&i| keep(i)));
                            }
                        }
                    }
                } else {
                    for &x in &found {
                        for &(y, i) in &self.pair_by_first[x as usize] {
                            if has(y) && keep(i) {
                                out.push(i);
                            }
                        }
                    }
                }
            }
            if out.len() > before {
                out.sort_by_key(|&i| self.rank[i as usize]);
                out.dedup();
                // A TEXT rule whose literals are all found, but not in its order, cannot match.
                out.retain(|&i| {
                    let seq = self.sequence.get(i);
                    seq.is_empty() || at.in_order(seq)
                });
            }
        }
        out.into_iter().map(|i| i as usize).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_cond_on_a_keyvalue_key_is_a_literal_of_the_raw_text() {
        let src = "TEXT = '{$t=DATETIME} W {$kv=KEYVALUE(\" \", \": \", \"\\\\\"\")}'\n\
                   COND = $kv[\"KeyguardUpdateMonitor\"] != null and $x == \"y\"\n\
                   id = \"r\"\n";
        let f = Facts::of(src);
        assert_eq!(
            f.requirements,
            vec![vec!["keyguardupdatemonitor".to_string()]]
        );
        // A capture's value may be rewritten by its token type: no literal from it.
        let src = "TEXT = 'a {$n=NUMBER}'\nCOND = $n == \"42\"\nid = \"r\"\n";
        assert!(Facts::of(src).requirements.is_empty());
    }

    #[test]
    fn literals_found_out_of_the_header_order_offer_no_rule() {
        let src = "TEXT = 'session {$u=WORD} opened for {$v=WORD} from {$ip=IPV4}'\nid = \"r\"\n";
        assert_eq!(
            Facts::of(src).sequence,
            ["session", "opened", "for", "from"]
        );
        let rules = vec![crate::Loaded::compile(src, "r".into()).unwrap()];
        let index = Index::build(&rules);
        assert_eq!(
            index.candidates("session x opened for y from 10.0.0.1"),
            [0]
        );
        assert!(index
            .candidates("from 10.0.0.1 session x opened for y")
            .is_empty());
        // A literal that repeats needs two occurrences in order.
        let found = Found(vec![(0, 0, 3), (1, 4, 7)]);
        assert!(found.in_order(&[0, 1]));
        assert!(!found.in_order(&[1, 0]));
        assert!(!found.in_order(&[0, 0]));
        assert!(Found(vec![(0, 0, 3), (0, 5, 8)]).in_order(&[0, 0]));
        // Overlapping occurrences do not chain.
        assert!(!Found(vec![(0, 0, 3), (1, 2, 5)]).in_order(&[0, 1]));
    }
}
