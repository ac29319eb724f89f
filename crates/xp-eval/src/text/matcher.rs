//! Backtracking matcher for TEXT format strings.
//!
//! The template is anchored at both ends. Alternatives are tried left to right, optional parts
//! first present, variable-length tokens longest first (`STRING*`/`LITERAL*` shortest first);
//! `HOSTNAME` and `WORDDASH` take their whole run of characters (a token of a character class
//! never ends inside a run of its own class); on failure the matcher backs up to the last
//! choice. A search stops where the input left holds more runs of whitespace than the rest of
//! the template can take (each space one, a literal one per run it holds, tokens that stop at
//! whitespace none), which decides most failed matches of word-token templates before any
//! choice is tried.
//!
//! Elements that leave no choice (a literal, a token whose recogniser gives one end, a space
//! before something that cannot start with whitespace) are taken in a loop, one step each, and
//! a token's candidate end is refused without a step when the literal after it in its
//! sequence is absent there (`for {$user=STRING*} from`: one comparison per candidate). Both
//! only skip states that fail whatever the captures, so the result is the search's.
//!
//! **Cost.** The search first runs alone, which is fastest when the first choices succeed (a
//! few steps per element). Past [`switch_after`] steps (linear in the input) it stops and runs
//! again guided by a reachability table ([`super::reach`]): every choice it makes then leads to
//! a match or is refused in one step, so it finishes in at most one step per candidate end of
//! each token on the successful path. The worst case is the table's, `O(E · n²)` for `E`
//! template elements and `n` input bytes (`O(E · n)` without `KEYVALUE`), and the result is the
//! one unlimited backtracking gives. The step budget
//! ([`STEP_BUDGET`]) remains a guard for inputs whose table would exceed
//! [`super::reach::MAX_CELLS`]: past it the match fails with [`MatchOutcome::Budget`].

use std::net::IpAddr;
use std::sync::Arc;

use xp_syntax::template::{Elem, Item, Rep, Template, TokenSpec, TokenType};
use xp_syntax::Target;

use crate::builtins::csv::split_csv;
use crate::builtins::keyvalue::{parse_kv, scan_kv, Ends};
use crate::datetime;
use crate::text::reach;
use crate::text::tokens::{self, is_ws};
use crate::value::Value;

/// Steps one match may take before it gives up.
pub const STEP_BUDGET: u64 = 200_000;

/// One element of a compiled template, with the whitespace room of its sequence from it on.
#[derive(Clone, Debug)]
pub(crate) struct Atom {
    pub(crate) el: El,
    /// Its element in the reachability graph ([`super::reach::graph`]).
    pub(crate) node: u32,
    /// How many separate runs of whitespace this element and those after it in its sequence
    /// can take at most ([`UNBOUNDED`] when one of them can take any text): input left with
    /// more runs than the rest of the template has room for cannot match, whatever the
    /// choices before.
    room: u32,
    /// A space before an element that cannot start with whitespace: only its whole run can
    /// lead to a match, so it takes that run without a choice ([`set_lookahead`]).
    greedy: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum El {
    Lit(Box<str>),
    Space,
    Alt(Vec<Vec<Atom>>),
    Tok(Box<Tok>),
}

impl Atom {
    fn new(el: El) -> Atom {
        Atom {
            el,
            room: 0,
            node: 0,
            greedy: false,
        }
    }
}

/// Room for any number of whitespace runs.
const UNBOUNDED: u32 = u32::MAX / 4;

/// Sets the room of every atom of `seq` (and of its alternatives); returns the sequence's.
fn set_room(seq: &mut [Atom]) -> u32 {
    let mut after = 0u32;
    for a in seq.iter_mut().rev() {
        let own = match &mut a.el {
            // A space takes one run at most (or none); a literal one per run of whitespace in it.
            El::Space => 1,
            El::Lit(s) => {
                let b = s.as_bytes();
                (0..b.len())
                    .filter(|&i| {
                        tokens::is_ws(b[i]) && (i + 1 == b.len() || !tokens::is_ws(b[i + 1]))
                    })
                    .count() as u32
            }
            El::Alt(alts) => alts.iter_mut().map(|alt| set_room(alt)).max().unwrap_or(0),
            El::Tok(t) => tok_room(t),
        };
        after = after.saturating_add(own).min(UNBOUNDED);
        a.room = after;
    }
    after
}

/// Whitespace runs a token can take: none for those whose recogniser stops at whitespace,
/// any number for the others (quoted strings, dates, durations, key-value lists, `REST`, …).
fn tok_room(t: &Tok) -> u32 {
    match (t.ty, t.rep) {
        (TokenType::Word, Rep::One | Rep::Opt)
        | (
            TokenType::Number
            | TokenType::Ipv4
            | TokenType::Ipv6
            | TokenType::Hostname
            | TokenType::Worddash
            | TokenType::Macaddr,
            _,
        ) => 0,
        _ => UNBOUNDED,
    }
}

/// The room of a sequence (the room of its first atom).
fn room(atoms: &[Atom]) -> u32 {
    atoms.first().map_or(0, |a| a.room)
}

#[derive(Clone, Debug)]
pub(crate) struct Tok {
    pub(crate) ty: TokenType,
    pub(crate) rep: Rep,
    target: Option<u16>,
    pub(crate) args: Vec<String>,
    /// The delimiter search of `UNTIL`, built once.
    pub(crate) finder: Option<Box<memchr::memmem::Finder<'static>>>,
    /// The literal that follows the token in its sequence, checked at each candidate end
    /// before the rest of the template is tried ([`set_follow`]).
    follow: Option<Follow>,
}

/// The literal text an input must hold where a token ends: the literal after it in its
/// sequence, with a space between or not. A candidate end without it cannot lead to a match
/// (the literal fails whatever the captures), so it is refused without a step: a lazy
/// `STRING*` before ` from ` tries each end by one byte comparison instead of two levels of
/// the search.
#[derive(Clone, Debug)]
struct Follow {
    /// A space comes first: the input's whitespace there is skipped (a space takes the whole
    /// run before a literal that starts with a non-space character).
    space: bool,
    /// The literal's bytes, without its leading whitespace when a space comes first.
    lit: Box<[u8]>,
}

impl Follow {
    /// Whether `b[end..]` can start the rest of the sequence.
    #[inline]
    fn allows(&self, b: &[u8], end: usize) -> bool {
        let mut p = end;
        if self.space {
            while p < b.len() && is_ws(b[p]) {
                p += 1;
            }
        }
        b.get(p..).is_some_and(|rest| rest.starts_with(&self.lit))
    }
}

/// Sets [`Tok::follow`] for every token of `seq` (and of its alternatives) that a literal
/// follows in its sequence, with or without a space between, and [`Atom::greedy`] for every
/// space before an element that cannot start with whitespace.
fn set_lookahead(seq: &mut [Atom]) {
    for i in 0..seq.len() {
        if matches!(seq[i].el, El::Space) {
            seq[i].greedy = seq.get(i + 1).is_some_and(|a| starts_non_ws(&a.el));
        }
        let follow = {
            let (space, at) = match seq.get(i + 1).map(|a| &a.el) {
                Some(El::Space) => (true, i + 2),
                _ => (false, i + 1),
            };
            match seq.get(at).map(|a| &a.el) {
                Some(El::Lit(s)) => {
                    let b = s.as_bytes();
                    // After a space the literal's own leading whitespace is part of the run
                    // the space skips; a literal of whitespace only says nothing.
                    let lit = if space {
                        let k = b.iter().take_while(|&&c| is_ws(c)).count();
                        &b[k..]
                    } else {
                        b
                    };
                    (!lit.is_empty()).then(|| Follow {
                        space,
                        lit: lit.into(),
                    })
                }
                _ => None,
            }
        };
        match &mut seq[i].el {
            El::Tok(t) => t.follow = follow,
            El::Alt(alts) => alts.iter_mut().for_each(|alt| set_lookahead(alt)),
            El::Lit(_) | El::Space => {}
        }
    }
}

/// Whether every text an element takes starts with a non-whitespace character: a literal that
/// does, and the tokens whose recogniser refuses whitespace at their start.
fn starts_non_ws(el: &El) -> bool {
    match el {
        El::Lit(s) => s.as_bytes().first().is_some_and(|&c| !is_ws(c)),
        El::Tok(t) => matches!(
            (t.ty, t.rep),
            (TokenType::Number | TokenType::Ipv4 | TokenType::Hostname, _)
                | (
                    TokenType::Word | TokenType::String | TokenType::Literal,
                    Rep::One
                )
        ),
        El::Space | El::Alt(_) => false,
    }
}

/// A compiled TEXT template.
#[derive(Clone, Debug)]
pub struct Matcher {
    atoms: Vec<Atom>,
    targets: Vec<Target>,
    /// Literal text the input must start with (fast rejection).
    prefix: Box<str>,
    /// Literal text the input must end with, before trailing whitespace when the template ends
    /// in a space (fast rejection).
    suffix: Box<str>,
    /// Whether the template ends in a space.
    space_tail: bool,
    /// Literal texts the input must contain, in order (fast rejection).
    required: Required,
    /// The template as a graph for the reachability table.
    graph: Vec<reach::Node>,
}

/// The literals an input must contain in order, in one buffer: checked on every event a rule
/// is offered, so their bytes sit together (a searcher object per literal spread a rule over
/// many cache lines, which a set of thousands of rules pays on every event).
#[derive(Clone, Debug, Default)]
struct Required {
    bytes: Box<[u8]>,
    /// The end of each literal in `bytes`.
    ends: Box<[u32]>,
}

/// Haystack × needle bytes up to which a literal is looked for by its first byte
/// (`memchr`, then a comparison at each hit); beyond, by `memmem`'s searcher, whose cost does not
/// grow with the needle.
const DIRECT_SCAN_BYTES: usize = 1 << 16;

impl Required {
    fn new<'a>(lits: impl Iterator<Item = &'a [u8]>) -> Required {
        let mut bytes = Vec::new();
        let mut ends = Vec::new();
        for l in lits {
            bytes.extend_from_slice(l);
            ends.push(bytes.len() as u32);
        }
        Required {
            bytes: bytes.into(),
            ends: ends.into(),
        }
    }

    /// Whether `text` holds every literal, in order, none overlapping the one before.
    fn all_in(&self, text: &[u8]) -> bool {
        let mut from = 0;
        let mut start = 0;
        for &end in self.ends.iter() {
            let needle = &self.bytes[start..end as usize];
            start = end as usize;
            match find(&text[from..], needle) {
                Some(i) => from += i + needle.len(),
                None => return false,
            }
        }
        true
    }
}

/// The first occurrence of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    if hay.len().saturating_mul(needle.len()) > DIRECT_SCAN_BYTES {
        return memchr::memmem::find(hay, needle);
    }
    memchr::memchr_iter(first, hay).find(|&i| hay[i + 1..].starts_with(rest))
}

/// Result of a match attempt.
#[derive(Clone, Debug)]
pub enum MatchOutcome {
    /// Matched: captured values in template order, `(target index, value)`.
    Matched(Vec<(u16, Value)>),
    /// Did not match.
    NoMatch,
    /// Gave up after [`STEP_BUDGET`] steps.
    Budget,
}

#[derive(Clone, Copy, Debug)]
enum Cap {
    Text(u32, u32),
    Unquote(u32, u32),
    Number(u32, u32),
    Ip(u32, u32, IpAddr),
    Time(u32, u32, i64),
    Dur(u32, u32, i64),
    Mac(u32, u32),
    Kv(u32, u32, u16),
    Csv(u32, u32, u16),
}

impl Cap {
    /// The byte range the capture took.
    fn span(&self) -> (u32, u32) {
        match *self {
            Cap::Text(a, b)
            | Cap::Unquote(a, b)
            | Cap::Number(a, b)
            | Cap::Mac(a, b)
            | Cap::Ip(a, b, _)
            | Cap::Time(a, b, _)
            | Cap::Dur(a, b, _)
            | Cap::Kv(a, b, _)
            | Cap::Csv(a, b, _) => (a, b),
        }
    }
}

/// What a search found.
enum Searched {
    Found(Vec<(u16, Cap)>),
    NoMatch,
    Budget,
}

struct St<'t> {
    text: &'t str,
    /// `runs[p]`: the runs of whitespace in `text[p..]` (one partly before `p` included);
    /// counted once the search has taken [`St::checks_after`] steps (a first try that succeeds never
    /// needs them).
    runs: Vec<u32>,
    caps: Vec<(u16, Cap)>,
    steps: u64,
    depth: u32,
    budget: bool,
    year: i32,
    /// Failed `(atoms, continuation, position)` states, once matching gets expensive: a state
    /// that failed once fails again (captures do not influence matching).
    failed: Option<rustc_hash::FxHashSet<(usize, usize, u64, usize)>>,
    /// Steps after which the search stops to be run again with the reachability table.
    limit: u64,
    /// The reachability table, on the second run.
    table: Option<reach::Table>,
    /// Steps after which each state is checked ([`may_go_on`]).
    checks_after: u64,
}

/// Steps after which the whitespace room of the input is counted and checked, at least; a
/// template of more elements waits two steps per element of its graph (a first try that
/// succeeds takes about one per element), at most [`CHECKS_AFTER_MAX`].
const RUNS_AFTER: u64 = 32;

/// The most steps taken before the checks start: below [`MAX_MATCH_DEPTH`], which the
/// recursion cannot exceed before them (it deepens by one level at most per step).
const CHECKS_AFTER_MAX: u64 = 1_024;
const _: () = assert!(CHECKS_AFTER_MAX < MAX_MATCH_DEPTH as u64);

/// Steps after which failed states are remembered.
const MEMO_AFTER: u64 = 2_000;

/// What follows the atoms being matched; `id` identifies its content.
enum Cont<'a> {
    Nil,
    /// Atoms, what follows them, the content id and the whitespace room of it all.
    Seq(&'a [Atom], &'a Cont<'a>, u64, u32),
}

impl Cont<'_> {
    fn id(&self) -> u64 {
        match self {
            Cont::Nil => 0,
            Cont::Seq(_, _, id, _) => *id,
        }
    }

    fn room(&self) -> u32 {
        match self {
            Cont::Nil => 0,
            Cont::Seq(_, _, _, r) => *r,
        }
    }

    fn seq<'a>(atoms: &'a [Atom], parent: &'a Cont<'a>) -> Cont<'a> {
        let id = parent
            .id()
            .wrapping_mul(0x100_0000_01b3)
            .wrapping_add((atoms.as_ptr() as u64) ^ ((atoms.len() as u64) << 48))
            | 1;
        Cont::Seq(
            atoms,
            parent,
            id,
            room(atoms).saturating_add(parent.room()).min(UNBOUNDED),
        )
    }
}

impl Matcher {
    /// Compiles a parsed template.
    pub fn new(t: &Template) -> Matcher {
        let mut targets = Vec::new();
        let mut atoms = Vec::new();
        for item in &t.items {
            match item {
                Item::Lit(s) => atoms.push(Atom::new(El::Lit(s.as_str().into()))),
                Item::Space => atoms.push(Atom::new(El::Space)),
                Item::Group(g) => {
                    let mut alts: Vec<Vec<Atom>> = g
                        .alts
                        .iter()
                        .map(|alt| convert_alt(alt, g.alts.len() == 1, &mut targets))
                        .collect();
                    if alts.len() == 1 {
                        atoms.append(&mut alts[0]);
                    } else {
                        atoms.push(Atom::new(El::Alt(alts)));
                    }
                }
            }
        }
        set_room(&mut atoms);
        set_lookahead(&mut atoms);
        let graph = reach::graph(&mut atoms);
        let mut prefix = String::new();
        for a in &atoms {
            match &a.el {
                El::Lit(s) => prefix.push_str(s),
                _ => break,
            }
        }
        // The template is anchored at its end: the literals it ends with (before a final space,
        // which takes the input's trailing whitespace, a literal holding none) end the input.
        let space_tail = matches!(atoms.last().map(|a| &a.el), Some(El::Space));
        let mut tail: Vec<&str> = Vec::new();
        for a in atoms.iter().rev().skip(usize::from(space_tail)) {
            match &a.el {
                El::Lit(s) => tail.push(s),
                _ => break,
            }
        }
        let suffix: String = tail.iter().rev().copied().collect();
        // Literals outside alternatives must all occur, in this order.
        let required = Required::new(atoms.iter().filter_map(|a| match &a.el {
            El::Lit(s) if s.len() >= 2 => Some(s.as_bytes()),
            _ => None,
        }));
        Matcher {
            atoms,
            targets,
            required,
            graph,
            prefix: prefix.into(),
            suffix: suffix.into(),
            space_tail,
        }
    }

    /// Capture targets, indexed by the `u16` of [`MatchOutcome::Matched`].
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Matches the whole `text`; `year` completes year-less dates.
    pub fn match_text(&self, text: &str, year: i32) -> MatchOutcome {
        self.match_with(text, year, false)
    }

    /// [`Matcher::match_text`] guided by the reachability table from the first step: the same
    /// outcome, for tests and fuzzing that compare the two ways.
    pub fn match_text_guided(&self, text: &str, year: i32) -> MatchOutcome {
        self.match_with(text, year, true)
    }

    /// Whether the template matches `text`, decided by the reachability table alone, without
    /// the search: an independent check of [`Matcher::match_text`] for tests and fuzzing;
    /// `None` when the table would be too large.
    pub fn matches_by_table(&self, text: &str, year: i32) -> Option<bool> {
        let table = reach::Table::build(&self.graph, text, year)?;
        let start = self.atoms.first().map_or(0, |a| a.node);
        Some(table.ok(start, 0))
    }

    /// The byte range each capture took in `text`, `(target index, start, end)` in template
    /// order, when the template matches (the same search as [`Matcher::match_text`]); for a
    /// reviewer, who sees which part of an event went where.
    pub fn spans(&self, text: &str, year: i32) -> Option<Vec<(u16, usize, usize)>> {
        match self.search(text, year, false) {
            Searched::Found(caps) => Some(
                caps.into_iter()
                    .map(|(t, c)| {
                        let (a, b) = c.span();
                        (t, a as usize, b as usize)
                    })
                    .collect(),
            ),
            Searched::NoMatch | Searched::Budget => None,
        }
    }

    /// [`Matcher::match_text`]; `table_first` builds the reachability table before searching.
    fn match_with(&self, text: &str, year: i32, table_first: bool) -> MatchOutcome {
        match self.search(text, year, table_first) {
            Searched::Found(caps) => MatchOutcome::Matched(
                caps.into_iter()
                    .map(|(t, c)| (t, self.cap_value(text, t, c)))
                    .collect(),
            ),
            Searched::NoMatch => MatchOutcome::NoMatch,
            Searched::Budget => MatchOutcome::Budget,
        }
    }

    /// The search: the captures of the first match in the language's order.
    fn search(&self, text: &str, year: i32, table_first: bool) -> Searched {
        if !text.starts_with(&*self.prefix) {
            return Searched::NoMatch;
        }
        let end = if self.space_tail {
            text.trim_end_matches(tokens::is_ws_char)
        } else {
            text
        };
        if !end.ends_with(&*self.suffix) {
            return Searched::NoMatch;
        }
        if !self.required.all_in(text.as_bytes()) {
            return Searched::NoMatch;
        }
        let mut st = St {
            text,
            runs: Vec::new(),
            caps: Vec::with_capacity(self.targets.len()),
            steps: 0,
            depth: 0,
            budget: false,
            year,
            failed: None,
            limit: switch_after(text.len()),
            table: None,
            checks_after: (2 * self.graph.len() as u64).clamp(RUNS_AFTER, CHECKS_AFTER_MAX),
        };
        let mut ok = if table_first {
            st.budget = true;
            false
        } else {
            m(&self.atoms, &Cont::Nil, 0, &mut st)
        };
        if !ok && st.budget {
            // The search has gone on past what the input justifies: run it again guided by
            // the reachability table (exact, and polynomial in the template and the input).
            if let Some(table) = reach::Table::build(&self.graph, text, year) {
                st.caps.clear();
                // Past the first steps, so that every state is checked against the table.
                st.steps = st.checks_after;
                st.depth = 0;
                st.budget = false;
                st.failed = None;
                st.limit = u64::MAX;
                st.table = Some(table);
                ok = m(&self.atoms, &Cont::Nil, 0, &mut st);
            } else if st.limit < STEP_BUDGET {
                // Too large for a table: the plain search with its whole budget.
                st.caps.clear();
                st.steps = 0;
                st.depth = 0;
                st.budget = false;
                st.failed = None;
                st.limit = STEP_BUDGET;
                ok = m(&self.atoms, &Cont::Nil, 0, &mut st);
            }
        }
        if ok {
            Searched::Found(std::mem::take(&mut st.caps))
        } else if st.budget {
            Searched::Budget
        } else {
            Searched::NoMatch
        }
    }

    fn cap_value(&self, text: &str, _t: u16, c: Cap) -> Value {
        let slice = |a: u32, b: u32| &text[a as usize..b as usize];
        match c {
            Cap::Text(a, b) => {
                // An empty capture (`STRING*` matching nothing) leaves its target unset.
                let t = slice(a, b).trim();
                if t.is_empty() {
                    Value::Null
                } else {
                    Value::str(t)
                }
            }
            Cap::Unquote(a, b) => Value::str(slice(a + 1, b - 1)),
            Cap::Number(a, b) => {
                let s = slice(a, b);
                match s.parse::<i64>() {
                    Ok(n) => Value::Int(n),
                    Err(_) => s
                        .parse::<f64>()
                        .map_or_else(|_| Value::str(s), Value::Float),
                }
            }
            Cap::Ip(_, _, ip) => Value::Ip(ip),
            Cap::Time(_, _, ms) => Value::Time(ms),
            Cap::Dur(_, _, s) => Value::Int(s),
            Cap::Mac(a, b) => Value::from(tokens::parse_mac(slice(a, b)).unwrap_or_default()),
            Cap::Kv(a, b, tok) => {
                let (ps, ks, q) = kv_args(&self.find_args(tok));
                Value::Map(Arc::new(parse_kv(slice(a, b), &ps, &ks, q)))
            }
            Cap::Csv(a, b, tok) => {
                let args = self.find_args(tok);
                let sep = args.first().cloned().unwrap_or_else(|| ",".into());
                let q = args.get(1).and_then(|q| q.chars().next());
                Value::List(Arc::new(
                    split_csv(slice(a, b).trim(), &sep, q)
                        .iter()
                        .map(|f| crate::builtins::csv::field_value(f))
                        .collect(),
                ))
            }
        }
    }

    fn find_args(&self, id: u16) -> Vec<String> {
        fn walk(atoms: &[Atom], id: u16) -> Option<Vec<String>> {
            for a in atoms {
                match &a.el {
                    El::Tok(t)
                        if t.target == Some(id) || (t.target.is_none() && id == u16::MAX) =>
                    {
                        return Some(t.args.clone())
                    }
                    El::Alt(alts) => {
                        for alt in alts {
                            if let Some(r) = walk(alt, id) {
                                return Some(r);
                            }
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        walk(&self.atoms, id).unwrap_or_default()
    }
}

/// `r[p]`: how many runs of whitespace end at or after `p` (`r[len] = 0`).
fn whitespace_runs(b: &[u8]) -> Vec<u32> {
    let mut r = vec![0u32; b.len() + 1];
    for p in (0..b.len()).rev() {
        let ends_here = tokens::is_ws(b[p]) && (p + 1 == b.len() || !tokens::is_ws(b[p + 1]));
        r[p] = r[p + 1] + u32::from(ends_here);
    }
    r
}

pub(crate) fn kv_args(args: &[String]) -> (String, String, Option<char>) {
    let ps = args.first().cloned().unwrap_or_else(|| " ".into());
    let ks = args.get(1).cloned().unwrap_or_else(|| "=".into());
    let q = match args.get(2) {
        Some(q) => q.chars().next(),
        None => Some('"'),
    };
    (ps, ks, q)
}

fn convert_alt(alt: &[Elem], single: bool, targets: &mut Vec<Target>) -> Vec<Atom> {
    let mut out = Vec::new();
    let n = alt.len();
    // In a one-alternative group of several elements, a trailing `?` makes the group optional.
    let group_opt = single
        && n > 1
        && match &alt[n - 1] {
            Elem::Lit { optional, .. } => *optional,
            Elem::Token(t) => t.rep == Rep::Opt,
            Elem::Space => false,
        };
    for (i, e) in alt.iter().enumerate() {
        let last_and_group = group_opt && i == n - 1;
        match e {
            Elem::Space => out.push(Atom::new(El::Space)),
            Elem::Lit { text, optional } => {
                let a = Atom::new(El::Lit(text.as_str().into()));
                if *optional && !last_and_group {
                    out.push(Atom::new(El::Alt(vec![vec![a], vec![]])));
                } else {
                    out.push(a);
                }
            }
            Elem::Token(t) => {
                let tok = convert_tok(t, targets, last_and_group);
                if t.rep == Rep::Opt && !last_and_group {
                    out.push(Atom::new(El::Alt(vec![
                        vec![Atom::new(El::Tok(Box::new(tok)))],
                        vec![],
                    ])));
                } else {
                    out.push(Atom::new(El::Tok(Box::new(tok))));
                }
            }
        }
    }
    if group_opt {
        vec![Atom::new(El::Alt(vec![out, vec![]]))]
    } else {
        out
    }
}

fn convert_tok(t: &TokenSpec, targets: &mut Vec<Target>, strip_opt: bool) -> Tok {
    let target = t.target.as_ref().map(|tg| {
        targets.push(tg.clone());
        (targets.len() - 1) as u16
    });
    let rep = match t.rep {
        Rep::Opt => Rep::One,
        r => r,
    };
    let _ = strip_opt;
    let finder = (t.ty == TokenType::Until)
        .then(|| Box::new(memchr::memmem::Finder::new(t.args[0].as_bytes()).into_owned()));
    Tok {
        ty: t.ty,
        rep,
        target,
        args: t.args.clone(),
        finder,
        follow: None,
    }
}

/// Steps of the unguided search on an input of `len` bytes before it switches to the
/// reachability table: a successful first try takes a few steps per element (a lazy token one
/// per position it extends over, rarely many); past that the table, `O(E · n)`, is cheaper
/// than searching on.
pub fn switch_after(len: usize) -> u64 {
    (2_048 + len as u64 / 2).min(STEP_BUDGET)
}

/// Matches `atoms`, then the continuation `k`, from `pos`. The elements that leave no choice
/// (a literal, a greedy space, a token with one candidate end) are taken in a loop, one step
/// each; the first that offers a choice is searched by [`m_inner`] one level deeper.
fn m<'a>(mut atoms: &'a [Atom], mut k: &'a Cont<'a>, mut pos: usize, st: &mut St<'_>) -> bool {
    let save = st.caps.len();
    let b = st.text.as_bytes();
    loop {
        st.steps += 1;
        // The first steps of a search need no checks: a first try that succeeds takes few.
        if st.steps > st.checks_after && !may_go_on(atoms, k, pos, st) {
            break;
        }
        let Some((a, rest)) = atoms.split_first() else {
            match k {
                Cont::Nil if pos == b.len() => return true,
                Cont::Nil => break,
                Cont::Seq(next, kk, _, _) => {
                    atoms = next;
                    k = kk;
                    continue;
                }
            }
        };
        let end = match &a.el {
            El::Lit(s) => {
                if !b[pos..].starts_with(s.as_bytes()) {
                    break;
                }
                pos + s.len()
            }
            El::Space if a.greedy => {
                let mut e = pos;
                while e < b.len() && is_ws(b[e]) {
                    e += 1;
                }
                e
            }
            El::Tok(t) => match single(t, pos, st) {
                Some(None) => break,
                Some(Some((e, cap))) => {
                    if t.follow.as_ref().is_some_and(|f| !f.allows(b, e)) {
                        break;
                    }
                    if let Some(id) = t.target {
                        st.caps.push((id, cap));
                    }
                    e
                }
                None => return branch(atoms, k, pos, st, save),
            },
            El::Space | El::Alt(_) => return branch(atoms, k, pos, st, save),
        };
        atoms = rest;
        pos = end;
    }
    st.caps.truncate(save);
    false
}

/// The search of an element that offers a choice, one level deeper; the captures taken since
/// `save` are dropped when it fails.
fn branch(atoms: &[Atom], k: &Cont<'_>, pos: usize, st: &mut St<'_>, save: usize) -> bool {
    st.depth += 1;
    let ok = m_memo(atoms, k, pos, st);
    st.depth -= 1;
    if !ok {
        st.caps.truncate(save);
    }
    ok
}

/// The checks of a search past its first [`St::checks_after`] steps: its limits, the table, and the
/// whitespace room.
fn may_go_on(atoms: &[Atom], k: &Cont<'_>, pos: usize, st: &mut St<'_>) -> bool {
    // The search recurses one level per element it has matched: a template longer than the
    // parser accepts (built by hand, not parsed) gives up like an exhausted budget instead of
    // overflowing the stack (the depth never exceeds the steps, so checking past the first
    // steps is enough).
    if st.steps > st.limit || st.depth >= MAX_MATCH_DEPTH {
        st.budget = true;
        return false;
    }
    // Guided by the table: a state that cannot reach the end fails at once.
    if let (Some(t), Some(a)) = (&st.table, atoms.first()) {
        if !t.ok(a.node, pos) {
            return false;
        }
    }
    // More runs of whitespace left than the rest of the template can take: no choice from here
    // on matches.
    if st.runs.is_empty() {
        st.runs = whitespace_runs(st.text.as_bytes());
    }
    st.runs[pos] <= room(atoms).saturating_add(k.room())
}

/// Deepest recursion of one match: every element of the longest template the parser accepts,
/// with its groups' continuations.
const MAX_MATCH_DEPTH: u32 = 2 * xp_syntax::template::MAX_TEMPLATE_ELEMENTS as u32 + 16;

#[inline]
fn m_memo(atoms: &[Atom], k: &Cont<'_>, pos: usize, st: &mut St<'_>) -> bool {
    if st.steps > MEMO_AFTER && st.table.is_none() {
        let key = (atoms.as_ptr() as usize, atoms.len(), k.id(), pos);
        let failed = st.failed.get_or_insert_with(Default::default);
        if failed.contains(&key) {
            return false;
        }
        let caps = st.caps.len();
        let ok = m_inner(atoms, k, pos, st);
        if !ok && !st.budget {
            st.caps.truncate(caps);
            if let Some(f) = st.failed.as_mut() {
                f.insert(key);
            }
        }
        return ok;
    }
    m_inner(atoms, k, pos, st)
}

fn m_inner(atoms: &[Atom], k: &Cont<'_>, pos: usize, st: &mut St<'_>) -> bool {
    let Some((a, rest)) = atoms.split_first() else {
        return match k {
            Cont::Nil => pos == st.text.len(),
            Cont::Seq(next, kk, _, _) => m(next, kk, pos, st),
        };
    };
    let b = st.text.as_bytes();
    match &a.el {
        El::Lit(s) => st.text[pos..].starts_with(&**s) && m(rest, k, pos + s.len(), st),
        El::Space => {
            let mut e = pos;
            while e < b.len() && is_ws(b[e]) {
                e += 1;
            }
            loop {
                if m(rest, k, e, st) {
                    return true;
                }
                if e == pos || st.budget {
                    return false;
                }
                e -= 1;
            }
        }
        El::Alt(alts) => {
            let cont = Cont::seq(rest, k);
            for alt in alts {
                let save = st.caps.len();
                if m(alt, &cont, pos, st) {
                    return true;
                }
                st.caps.truncate(save);
                if st.budget {
                    return false;
                }
            }
            false
        }
        El::Tok(t) => tok(t, rest, k, pos, st),
    }
}

/// Tries one candidate end for a token.
fn attempt(t: &Tok, rest: &[Atom], k: &Cont<'_>, end: usize, cap: Cap, st: &mut St<'_>) -> bool {
    if let Some(f) = &t.follow {
        if !f.allows(st.text.as_bytes(), end) {
            return false;
        }
    }
    let save = st.caps.len();
    if let Some(id) = t.target {
        st.caps.push((id, cap));
    }
    if m(rest, k, end, st) {
        return true;
    }
    st.caps.truncate(save);
    false
}

/// The candidate end of a token whose recogniser gives at most one: `Some(None)` when it has
/// none at `pos`, `None` for a token that may have several (searched by [`tok`]).
fn single(t: &Tok, pos: usize, st: &St<'_>) -> Option<Option<(usize, Cap)>> {
    let text = st.text;
    let b = text.as_bytes();
    let p = pos as u32;
    let text_to = |e: usize| (e, Cap::Text(p, e as u32));
    Some(match t.ty {
        TokenType::Rest => Some(text_to(b.len())),
        TokenType::Csv => Some((
            b.len(),
            Cap::Csv(p, b.len() as u32, t.target.unwrap_or(u16::MAX)),
        )),
        // A token of a character class takes its whole run: `{HOSTNAME?} {IPV4}` does not give
        // the host the first digit of an address.
        TokenType::Worddash => tokens::worddash_end(text, pos).map(text_to),
        TokenType::Hostname => tokens::hostname_end(b, pos).map(text_to),
        TokenType::Ipv4 => {
            tokens::ipv4(b, pos).map(|(e, ip)| (e, Cap::Ip(p, e as u32, IpAddr::V4(ip))))
        }
        TokenType::Datetime => datetime::parse_prefix(&text[pos..], Some(st.year))
            .map(|(len, ms)| (pos + len, Cap::Time(p, (pos + len) as u32, ms))),
        TokenType::Macaddr => tokens::macaddr(b, pos).map(|(e, _)| (e, Cap::Mac(p, e as u32))),
        TokenType::Duration => {
            tokens::duration(b, pos).map(|(e, secs)| (e, Cap::Dur(p, e as u32, secs)))
        }
        // A number with a fraction may also end before it.
        TokenType::Number => match tokens::number(b, pos) {
            None => None,
            Some((None, int_end)) => Some((int_end, Cap::Number(p, int_end as u32))),
            Some((Some(_), _)) => return None,
        },
        _ => return None,
    })
}

fn tok(t: &Tok, rest: &[Atom], k: &Cont<'_>, pos: usize, st: &mut St<'_>) -> bool {
    if let Some(one) = single(t, pos, st) {
        return one.is_some_and(|(e, cap)| attempt(t, rest, k, e, cap, st));
    }
    let text = st.text;
    let b = text.as_bytes();
    let p = pos as u32;
    match (t.ty, t.rep) {
        (TokenType::Until, _) => {
            let delim = t.args[0].as_bytes();
            let Some(finder) = &t.finder else {
                return false;
            };
            let mut from = pos;
            while let Some(off) = finder.find(&b[from..]) {
                let at = from + off;
                if attempt(t, rest, k, at + delim.len(), Cap::Text(p, at as u32), st) {
                    return true;
                }
                if st.budget {
                    return false;
                }
                from = at + 1;
                while from < b.len() && !text.is_char_boundary(from) {
                    from += 1;
                }
            }
            false
        }
        (TokenType::Word | TokenType::String | TokenType::Literal, Rep::Star | Rep::Plus) => {
            // Several strings, lazily: any run of text (separators included), shortest first;
            // `+` needs at least one non-whitespace character.
            if t.rep == Rep::Star && attempt(t, rest, k, pos, Cap::Text(p, p), st) {
                return true;
            }
            let mut seen_word = false;
            let mut e = pos + 1;
            while e <= b.len() {
                seen_word |= !is_ws(b[e - 1]);
                if text.is_char_boundary(e)
                    && (seen_word || t.rep == Rep::Star)
                    && attempt(t, rest, k, e, Cap::Text(p, e as u32), st)
                {
                    return true;
                }
                if st.budget {
                    return false;
                }
                e += 1;
            }
            false
        }
        (TokenType::Word | TokenType::String | TokenType::Literal, _) => {
            if pos >= b.len() || is_ws(b[pos]) {
                return false;
            }
            if t.ty != TokenType::Word && (b[pos] == b'"' || b[pos] == b'\'') {
                if let Some(close) = text[pos + 1..].find(b[pos] as char) {
                    let end = pos + 1 + close + 1;
                    if attempt(t, rest, k, end, Cap::Unquote(p, end as u32), st) {
                        return true;
                    }
                }
            }
            let mut e = tokens::chunk_end(b, pos);
            while e > pos {
                if text.is_char_boundary(e) && attempt(t, rest, k, e, Cap::Text(p, e as u32), st) {
                    return true;
                }
                if st.budget {
                    return false;
                }
                e -= 1;
            }
            false
        }
        (TokenType::Number, _) => {
            let Some((frac_end, int_end)) = tokens::number(b, pos) else {
                return false;
            };
            if let Some(fe) = frac_end {
                if attempt(t, rest, k, fe, Cap::Number(p, fe as u32), st) {
                    return true;
                }
            }
            attempt(t, rest, k, int_end, Cap::Number(p, int_end as u32), st)
        }
        (TokenType::Ipv6, _) => {
            for (e, ip) in tokens::ipv6_candidates(text, pos) {
                if attempt(t, rest, k, e, Cap::Ip(p, e as u32, IpAddr::V6(ip)), st) {
                    return true;
                }
                if st.budget {
                    return false;
                }
            }
            false
        }
        (TokenType::Keyvalue, _) => {
            let (ps, ks, q) = kv_args(&t.args);
            for e in scan_kv(text, pos, &ps, &ks, q, Ends::Token) {
                if attempt(
                    t,
                    rest,
                    k,
                    e,
                    Cap::Kv(p, e as u32, t.target.unwrap_or(u16::MAX)),
                    st,
                ) {
                    return true;
                }
                if st.budget {
                    return false;
                }
            }
            false
        }
        // Tokens of one candidate end, handled by `single` above.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xp_syntax::parse_template;

    fn run(tpl: &str, text: &str) -> Option<Vec<String>> {
        let (t, d) = parse_template(tpl);
        assert!(d.is_empty(), "{d:?}");
        match Matcher::new(&t).match_text(text, 2024) {
            MatchOutcome::Matched(caps) => Some(
                caps.into_iter()
                    .map(|(_, v)| v.to_text().unwrap_or_default())
                    .collect(),
            ),
            _ => None,
        }
    }

    #[test]
    fn the_literal_a_template_ends_with_ends_the_input() {
        // The fast rejection by the template's last literals agrees with the search.
        assert_eq!(run("a {$x=WORD} end", "a b end"), Some(vec!["b".into()]));
        assert_eq!(run("a {$x=WORD} end", "a b end x"), None);
        assert_eq!(run("a {$x=WORD} end", "a b end "), None);
        assert_eq!(
            run("a {$x=WORD} end ", "a b end \t "),
            Some(vec!["b".into()])
        );
        assert_eq!(run("a {$x=WORD} end ", "a b endx"), None);
        assert_eq!(run("a {$x=WORD}end", "a bend"), Some(vec!["b".into()]));
        assert_eq!(run("{$x=WORD}", "b"), Some(vec!["b".into()]));
        assert_eq!(run("end", "end"), Some(vec![]));
    }

    #[test]
    fn sshd_line() {
        let caps = run(
            "{DATETIME} {event_src.hostname=HOSTNAME} sshd[{NUMBER}]: Failed password for {\"invalid user \"?}{$user=STRING} from {src.ip=IPV4|src.ip=IPV6} port {src.port=NUMBER} {WORD}",
            "Dec 10 06:55:46 gw01 sshd[24200]: Failed password for invalid user webmaster from 203.0.113.7 port 38926 ssh2",
        )
        .unwrap();
        assert_eq!(caps, vec!["gw01", "webmaster", "203.0.113.7", "38926"]);
    }

    #[test]
    fn until_and_space() {
        assert_eq!(
            run(
                "avc: {$a=UNTIL(\"{\")}{$op=UNTIL(\" for \")}{$r=REST}",
                "avc:  denied  { send_msg } for x=1"
            )
            .unwrap(),
            vec!["denied", "send_msg }", "x=1"]
        );
        assert_eq!(
            run("cn={$id=UNTIL(',')}{REST}", "cn=test,ou=x").unwrap(),
            vec!["test"]
        );
    }

    #[test]
    fn lazy_string_star() {
        assert_eq!(
            run(
                "{STRING*} failed to add user {$u=STRING*} to group {REST}",
                "usermod: failed to add user bob smith to group wheel"
            )
            .unwrap(),
            vec!["bob smith"]
        );
    }

    #[test]
    fn literal_star_in_quotes() {
        assert_eq!(
            run(
                "UID=\"{$u=LITERAL*}\" AUID=\"{$a=LITERAL*}\"",
                "UID=\"root user\" AUID=\"unset\""
            )
            .unwrap(),
            vec!["root user", "unset"]
        );
    }

    #[test]
    fn optional_groups() {
        assert_eq!(
            run("a{'('$full=UNTIL(')')?} b", "a(John Doe) b").unwrap(),
            vec!["John Doe"]
        );
        assert_eq!(
            run("a{'('$full=UNTIL(')')?} b", "a b").unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            run("x {$n=NUMBER?} y", "x  y").unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            run("{\"name\"|\"имя\"}={$v=WORD}", "имя=1").unwrap(),
            vec!["1"]
        );
    }

    #[test]
    fn anchored() {
        assert!(run("abc", "abcd").is_none());
        assert!(run("{$x=WORD}", "two words").is_none());
    }

    #[test]
    fn keyvalue_token() {
        let (t, _) = parse_template("{$kv=KEYVALUE} end");
        match Matcher::new(&t).match_text("a=1 b=\"x y\" end", 2024) {
            MatchOutcome::Matched(c) => {
                assert_eq!(c[0].1.index(&Value::str("b")).to_text().unwrap(), "x y")
            }
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn input_with_more_runs_of_whitespace_than_the_template_takes_fails_without_a_search() {
        // 40 words against 39 WORD tokens: every way of splitting words between tokens fails,
        // and there are more of them than the step budget; the whitespace count says so first.
        let tpl: Vec<String> = (0..39).map(|i| format!("{{$w{i}=WORD}}")).collect();
        let (t, d) = parse_template(&tpl.join(" "));
        assert!(d.is_empty(), "{d:?}");
        let text: Vec<String> = (0..40).map(|i| format!("{i:0>30}")).collect();
        let text = text.join(" ");
        assert!(matches!(
            Matcher::new(&t).match_text(&text, 2024),
            MatchOutcome::NoMatch
        ));
        // A token that takes any text has room for every run.
        let got = run("{$a=WORD} {$r=REST}", &text).unwrap();
        assert_eq!(got[0], "0".repeat(30));
        // The runs a literal holds count as room.
        assert!(run("{$a=WORD} x y {$b=WORD}", "a x y b").is_some());
        assert!(run("{$a=WORD} x {$b=WORD}", "a x y b").is_none());
    }

    #[test]
    fn required_literals_are_found_in_order_on_short_and_long_inputs() {
        let r = Required::new([b"ab".as_slice(), b"ba".as_slice()].into_iter());
        assert!(r.all_in(b"xxabxba"));
        // The second may not overlap the first, nor come before it.
        assert!(!r.all_in(b"xxaba"));
        assert!(!r.all_in(b"baab"));
        assert!(Required::new(std::iter::empty()).all_in(b""));
        // Past the direct scan's bound the searcher takes over, with the same answers.
        let mut long = b"ab".repeat(40_000);
        assert!(long.len() * 2 > DIRECT_SCAN_BYTES);
        assert!(r.all_in(&long));
        long = vec![b'a'; 70_000];
        assert!(!r.all_in(&long));
        long.extend_from_slice(b"abba");
        assert!(r.all_in(&long));
        // `find` agrees with a plain search on every needle of a small text.
        let hay = b"a-b.ab-ba..b-aab";
        for i in 0..hay.len() {
            for j in i + 1..=hay.len().min(i + 4) {
                let needle = &hay[i..j];
                let plain = hay.windows(needle.len()).position(|w| w == needle);
                assert_eq!(find(hay, needle), plain, "{needle:?}");
            }
        }
    }

    /// The look-ahead that spares the search its dead ends (a space that takes its whole run, a
    /// token end refused when the literal after it is absent) never refuses a match: a space
    /// before a literal or an alternative that starts with whitespace still gives way, and a
    /// lazy run still stops at the first place the literal after it allows.
    #[test]
    fn the_look_ahead_refuses_only_dead_ends() {
        let cases: &[(&str, &str, Option<&[&str]>)] = &[
            ("{$a=WORD} {\" x\"|\"y\"}", "a x", Some(&["a"])),
            ("{$a=WORD} {\" x\"|\"y\"}", "a  x", Some(&["a"])),
            ("{$a=WORD} {\" x\"|\"y\"}", "a y", Some(&["a"])),
            ("{$a=WORD} {$b=STRING*}", "a  b", Some(&["a", "b"])),
            (
                "for {$u=STRING*} from {$ip=IPV4}",
                "for invalid user from x from 10.0.0.1",
                Some(&["invalid user from x", "10.0.0.1"]),
            ),
            (
                "for {$u=STRING*} from {$ip=IPV4}",
                "for a\tfrom 10.0.0.1",
                Some(&["a", "10.0.0.1"]),
            ),
            (
                "for {$u=STRING*}from {$ip=IPV4}",
                "for a from 10.0.0.1",
                Some(&["a", "10.0.0.1"]),
            ),
            ("{$n=NUMBER}. {$w=WORD}", "12. x", Some(&["12", "x"])),
            ("{$n=NUMBER}{$w=WORD}", "12.5x", Some(&["12.5", "x"])),
            ("{$h=HOSTNAME} {$w=WORD}", "h1  w", Some(&["h1", "w"])),
            ("{$h=HOSTNAME} {$w=WORD}", "h1 ", None),
            ("{$u=STRING*} port", "a port b port", Some(&["a port b"])),
            ("{$a=WORD} from", "a\tfrom", Some(&["a"])),
            ("{$a=STRING*} {\" x\"}", "a x", Some(&["a"])),
            ("{$a=WORD} {\" x\"}", "a  x", Some(&["a"])),
        ];
        for (tpl, text, want) in cases {
            let got = run(tpl, text);
            let want = want.map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(got, want, "{tpl} on {text:?}");
            let (t, _) = parse_template(tpl);
            assert_eq!(
                Matcher::new(&t).matches_by_table(text, 2024),
                Some(want.is_some()),
                "{tpl} on {text:?}"
            );
        }
    }

    /// The table-guided search gives what the plain search gives, on every template of a small
    /// grammar against inputs made of the same pieces (exhaustive over a seeded sample).
    #[test]
    fn the_table_guided_search_agrees_with_backtracking() {
        let elems = [
            "{$a=WORD}",
            "{$b=STRING}",
            "{$c=STRING*}",
            "{$d=STRING+}",
            "{$e=NUMBER}",
            "{$f=HOSTNAME?}",
            "{$g=IPV4}",
            "{$h=UNTIL(\":\")}",
            "{\"x\"?}",
            "{$i=WORD|$j=NUMBER|}",
            "=",
            " ",
            "{$k=REST}",
            "{$l=WORDDASH}",
            "{$m=LITERAL}",
            "{\" x\"|\"y\"}",
            "x",
            ": ",
            "{$n=NUMBER}.",
            "{$o=DATETIME}",
        ];
        let pieces = [
            "a",
            "b1",
            "10",
            "10.0.0.1",
            " ",
            "  ",
            ":",
            "=",
            "x",
            "\"q r\"",
            "h-1.c",
            "7.5",
            " x",
            "y",
            "Mar 10 06:55:46",
            "\t",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut compared = 0;
        for _ in 0..400 {
            let tpl: String = (0..1 + next(5)).map(|_| elems[next(elems.len())]).collect();
            let (t, d) = parse_template(&tpl);
            if !d.is_empty() {
                continue;
            }
            let m = Matcher::new(&t);
            for _ in 0..25 {
                let text: String = (0..1 + next(6))
                    .map(|_| pieces[next(pieces.len())])
                    .collect();
                let plain = m.match_with(&text, 2024, false);
                let guided = m.match_with(&text, 2024, true);
                let show = |o: &MatchOutcome| match o {
                    MatchOutcome::Matched(c) => format!(
                        "{:?}",
                        c.iter().map(|(i, v)| (*i, v.to_text())).collect::<Vec<_>>()
                    ),
                    other => format!("{other:?}"),
                };
                assert_eq!(show(&plain), show(&guided), "{tpl} on {text:?}");
                // The table alone (no search) says whether there is a match at all.
                if let Some(exists) = m.matches_by_table(&text, 2024) {
                    assert_eq!(
                        exists,
                        matches!(plain, MatchOutcome::Matched(_)),
                        "{tpl} on {text:?}"
                    );
                }
                compared += 1;
            }
        }
        assert!(compared > 5_000, "{compared}");
    }

    #[test]
    fn a_64_kb_line_against_60_tokens_is_decided_exactly() {
        // A lazy run in front of 20 STRING: the plain search would exhaust its budget.
        let mut tpl = vec!["{$msg=STRING*}".to_string()];
        tpl.extend((0..20).map(|i| format!("{{$s{i}=STRING}}")));
        tpl.push("{$n=NUMBER}".into());
        let (t, d) = parse_template(&tpl.join(" "));
        assert!(d.is_empty(), "{d:?}");
        let m = Matcher::new(&t);
        let mut line: String = (0..11_000).map(|i| format!("w{i} ")).collect();
        line.push_str(
            &(0..20)
                .map(|i| format!("v{i}"))
                .collect::<Vec<_>>()
                .join(" "),
        );
        assert!(line.len() > 60_000);
        match m.match_text(&format!("{line} 42"), 2024) {
            MatchOutcome::Matched(c) => {
                assert_eq!(c[1].1.to_text().unwrap(), "v0");
                assert_eq!(c[21].1.to_text().unwrap(), "42");
            }
            o => panic!("{o:?}"),
        }
        assert!(matches!(
            m.match_text(&format!("{line} xx"), 2024),
            MatchOutcome::NoMatch
        ));
    }

    #[test]
    fn a_class_token_takes_its_whole_run() {
        assert_eq!(
            run("{$h=HOSTNAME?} {$ip=IPV4} x", "10.0.211.47 x"),
            Some(vec!["10.0.211.47".into()])
        );
        assert_eq!(run("{$h=HOSTNAME}-x", "web-01-x"), None);
        assert_eq!(run("{$h=WORD}-x", "web-01-x"), Some(vec!["web-01".into()]));
    }

    #[test]
    fn pathological_input_hits_the_budget_not_a_hang() {
        let (t, _) = parse_template("{STRING*} {STRING*} {STRING*} {STRING*} x");
        let text = "a ".repeat(2000);
        assert!(matches!(
            Matcher::new(&t).match_text(&text, 2024),
            MatchOutcome::Budget | MatchOutcome::NoMatch
        ));
    }
}
