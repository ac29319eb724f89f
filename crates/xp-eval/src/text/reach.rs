//! Exact TEXT matching in polynomial time: for every element of a template and every position of
//! the input, whether the template from that element on can match the input from that position
//! to its end ("reachable"). The table is filled backwards over the input, element by element
//! from the end of the template (an element's successors are filled before it).
//!
//! The backtracking search ([`super::matcher`]) then runs with the table as an oracle: a state
//! the table marks unreachable fails in one step, so the search walks straight down the first
//! successful path, in the order of choices the language defines (alternatives left to right,
//! optional parts present first, token lengths as the matcher tries them), and gives the same
//! captures it would have given with unlimited time.
//!
//! **Cost.** For `E` template elements and an input of `n` bytes the table has `E · (n + 1)`
//! cells (one bit each). Whitespace, literals, `WORD`/`STRING`/`LITERAL` (single, `*`, `+`),
//! `UNTIL`, `REST`, `CSV`, `HOSTNAME`, `WORDDASH` and `NUMBER` fill their row in `O(n)`; the
//! fixed-form tokens (`IPV4`, `IPV6`, `DATETIME`, `MACADDR`, `DURATION`) run their recogniser
//! once per position, each reading a bounded prefix, `O(n)`; `KEYVALUE` reads its pairs from each
//! position, `O(n²)` at worst. The walk afterwards takes at most one step per candidate end of
//! each token on the path, `O(E · n)`. Worst case `O(E · n²)`; `O(E · n)` for templates without
//! `KEYVALUE`. Memory: `E · (n + 1) / 8` bytes, refused past [`MAX_CELLS`] (the search then
//! keeps its step budget).

use super::matcher::{kv_args, El, Tok};
use crate::builtins::keyvalue::{scan_kv, Ends};
use crate::datetime;
use crate::text::tokens::{self, is_ws};
use xp_syntax::template::{Rep, TokenType};

/// Most cells (template elements × input positions) a table may have: 32 MiB of bits.
pub const MAX_CELLS: usize = 1 << 28;

/// One element of the template graph: its kind and the element after it.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) next: u32,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// The end of the template: the input must end here.
    End,
    Lit(Box<str>),
    Space,
    /// Alternatives: the entry element of each, in order.
    Split(Vec<u32>),
    Tok(Box<Tok>),
}

/// The reachability table of one input.
pub(crate) struct Table {
    words: usize,
    bits: Vec<u64>,
}

impl Table {
    /// Whether the template from element `node` on matches the input from `pos` to its end.
    pub(crate) fn ok(&self, node: u32, pos: usize) -> bool {
        let i = node as usize * self.words + pos / 64;
        self.bits.get(i).is_some_and(|w| w & (1 << (pos % 64)) != 0)
    }

    /// Fills the table of `graph` (element 0 is the end) for `text`, or `None` when it would
    /// exceed [`MAX_CELLS`].
    pub(crate) fn build(graph: &[Node], text: &str, year: i32) -> Option<Table> {
        let n = text.len();
        if graph.len().checked_mul(n + 1)? > MAX_CELLS {
            return None;
        }
        let words = (n + 1).div_ceil(64);
        let mut bits = vec![0u64; graph.len() * words];
        // Matches begin and end on character boundaries only.
        let mut boundary = vec![0u64; words];
        for p in 0..=n {
            if text.is_char_boundary(p) {
                boundary[p / 64] |= 1 << (p % 64);
            }
        }
        let b = text.as_bytes();
        let mut ws = vec![0u64; words];
        for (p, &c) in b.iter().enumerate() {
            if is_ws(c) {
                ws[p / 64] |= 1 << (p % 64);
            }
        }
        let mut row = BitRow(vec![0; words]);
        for (id, node) in graph.iter().enumerate() {
            let (done, rest) = bits.split_at_mut(id * words);
            let rows = Rows { done, words };
            let dst = &mut rest[..words];
            let next = node.next;
            match &node.kind {
                Kind::Split(targets) => {
                    // Word by word: the union of the alternatives' rows.
                    for &g in targets {
                        for (d, s) in dst.iter_mut().zip(rows.row(g)) {
                            *d |= s;
                        }
                    }
                    continue;
                }
                Kind::End => {
                    dst[n / 64] = 1 << (n % 64);
                    continue;
                }
                _ => {}
            }
            row.clear();
            match &node.kind {
                Kind::Lit(s) if s.is_empty() => {
                    for p in 0..=n {
                        row.put(p, rows.ok(next, p));
                    }
                }
                Kind::Lit(s) => {
                    let finder = memchr::memmem::Finder::new(s.as_bytes());
                    let mut from = 0;
                    while from <= n {
                        let Some(off) = finder.find(&b[from..]) else {
                            break;
                        };
                        let at = from + off;
                        row.put(at, rows.ok(next, at + s.len()));
                        from = at + 1;
                    }
                }
                Kind::Space => {
                    // A run of whitespace, longest first, or none: `row[p] = next[p] or
                    // (ws[p] and row[p + 1])`, a word at a time while runs are short.
                    if !space_row(rows.row(next), &ws, &mut row.0) {
                        row.clear();
                        let mut after = rows.ok(next, n);
                        row.put(n, after);
                        for p in (0..n).rev() {
                            after = rows.ok(next, p) || (is_ws(b[p]) && after);
                            row.put(p, after);
                        }
                    }
                }
                Kind::Tok(tok) => fill_tok(&rows, tok, next, text, year, &mut row),
                Kind::Split(_) | Kind::End => {}
            }
            for ((d, w), m) in dst.iter_mut().zip(&row.0).zip(&boundary) {
                *d = w & m;
            }
        }
        Some(Table { words, bits })
    }
}

/// A space's row from its successor's, word-parallel: each pass carries reachability one
/// position back through whitespace. `false` when runs of whitespace are longer than the
/// passes it makes (the caller then fills the row position by position).
fn space_row(next: &[u64], ws: &[u64], out: &mut [u64]) -> bool {
    out.copy_from_slice(next);
    for _ in 0..8 {
        let mut changed = false;
        for w in 0..out.len() {
            let from_above = (out[w] >> 1) | out.get(w + 1).map_or(0, |x| x << 63);
            let v = out[w] | (ws[w] & from_above);
            changed |= v != out[w];
            out[w] = v;
        }
        if !changed {
            return true;
        }
    }
    false
}

/// The row being filled, one bit a position.
struct BitRow(Vec<u64>);

impl BitRow {
    fn clear(&mut self) {
        self.0.iter_mut().for_each(|w| *w = 0);
    }

    #[inline]
    fn put(&mut self, pos: usize, on: bool) {
        self.0[pos / 64] |= u64::from(on) << (pos % 64);
    }
}

/// The rows filled so far (every element numbered below the one being filled).
struct Rows<'a> {
    done: &'a [u64],
    words: usize,
}

impl Rows<'_> {
    #[inline]
    fn ok(&self, node: u32, pos: usize) -> bool {
        self.done[node as usize * self.words + pos / 64] & (1 << (pos % 64)) != 0
    }

    fn row(&self, node: u32) -> &[u64] {
        let i = node as usize * self.words;
        &self.done[i..i + self.words]
    }
}

/// The row of a token: `row[p]` is whether one of the ends the matcher tries for the token at `p`
/// is reachable for the element after it (`next`).
fn fill_tok(t: &Rows<'_>, tok: &Tok, next: u32, text: &str, year: i32, row: &mut BitRow) {
    let b = text.as_bytes();
    let n = b.len();
    let after = |e: usize| t.ok(next, e);
    match (tok.ty, tok.rep) {
        (TokenType::Rest | TokenType::Csv, _) => {
            let end = after(n);
            for p in 0..=n {
                row.put(p, end);
            }
        }
        (TokenType::Until, _) => {
            let delim = tok.args.first().map_or(&[][..], |d| d.as_bytes());
            let Some(finder) = &tok.finder else { return };
            // Occurrences of the delimiter (overlapping ones too, as the matcher retries from
            // the next character), each reachable when what follows it is.
            let mut good = vec![false; n + 1];
            let mut from = 0;
            while from <= n {
                let Some(off) = finder.find(&b[from..]) else {
                    break;
                };
                let at = from + off;
                good[at] = after(at + delim.len());
                from = at + 1;
            }
            let mut any = false;
            for p in (0..=n).rev() {
                any |= good[p];
                row.put(p, any);
            }
        }
        (TokenType::Word | TokenType::String | TokenType::Literal, Rep::Star | Rep::Plus) => {
            // Any text from `p` (`*`: possibly empty; `+`: through the first non-whitespace).
            let mut any_from = vec![false; n + 2];
            for p in (0..=n).rev() {
                any_from[p] = after(p) || any_from[p + 1];
            }
            let mut first_word = n;
            for p in (0..=n).rev() {
                if p < n && !is_ws(b[p]) {
                    first_word = p;
                }
                row.put(
                    p,
                    if tok.rep == Rep::Star {
                        any_from[p]
                    } else {
                        first_word < n && any_from[first_word + 1]
                    },
                );
            }
        }
        (TokenType::Word | TokenType::String | TokenType::Literal, _) => {
            // A run of non-whitespace, any length from its longest down; STRING and LITERAL
            // also take a quoted string.
            let quoted = tok.ty != TokenType::Word;
            let mut next_quote = [n; 2];
            // `reach_in_run`: some end in `p..=run end` is reachable.
            let mut reach_in_run = after(n);
            for p in (0..n).rev() {
                if is_ws(b[p]) {
                    reach_in_run = after(p);
                    continue;
                }
                let mut ok = reach_in_run;
                if quoted && (b[p] == b'"' || b[p] == b'\'') {
                    let q = usize::from(b[p] == b'\'');
                    if next_quote[q] < n {
                        ok |= after(next_quote[q] + 1);
                    }
                }
                row.put(p, ok);
                reach_in_run = after(p) || reach_in_run;
                for (q, c) in [b'"', b'\''].iter().enumerate() {
                    if b[p] == *c {
                        next_quote[q] = p;
                    }
                }
            }
        }
        (TokenType::Hostname, _) => {
            // The whole run of host-name characters (it never ends inside one).
            let host = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_');
            let mut run_end = n;
            for p in (0..n).rev() {
                if !host(b[p]) {
                    run_end = p;
                    continue;
                }
                row.put(p, b[p].is_ascii_alphanumeric() && after(run_end));
            }
        }
        (TokenType::Worddash, _) => {
            let mut run_end = n;
            for (p, c) in text.char_indices().rev() {
                if !(c.is_alphanumeric() || c == '_' || c == '-') {
                    run_end = p;
                    continue;
                }
                row.put(p, after(run_end));
            }
        }
        (TokenType::Number, _) => {
            // `[+-]?digits[.digits]` (as `tokens::number`), the ends of digit runs found once.
            let mut digits_end = vec![n; n + 1];
            for p in (0..n).rev() {
                digits_end[p] = if b[p].is_ascii_digit() {
                    digits_end[p + 1]
                } else {
                    p
                };
            }
            for p in 0..n {
                let ds = p + usize::from(matches!(b[p], b'+' | b'-'));
                if ds >= n || !b[ds].is_ascii_digit() {
                    continue;
                }
                let int_end = digits_end[ds];
                let frac =
                    (int_end + 1 < n && b[int_end] == b'.' && b[int_end + 1].is_ascii_digit())
                        .then(|| digits_end[int_end + 1]);
                row.put(p, frac.is_some_and(after) || after(int_end));
            }
        }
        (TokenType::Ipv4, _) => {
            for p in 0..n {
                if b[p].is_ascii_digit() {
                    row.put(p, tokens::ipv4(b, p).is_some_and(|(e, _)| after(e)));
                }
            }
        }
        (TokenType::Ipv6, _) => {
            for (p, &c) in b.iter().enumerate() {
                if c.is_ascii_hexdigit() || c == b':' {
                    row.put(
                        p,
                        tokens::ipv6_candidates(text, p)
                            .iter()
                            .any(|&(e, _)| after(e)),
                    );
                }
            }
        }
        (TokenType::Datetime, _) => {
            for p in 0..n {
                if text.is_char_boundary(p) && !is_ws(b[p]) {
                    row.put(
                        p,
                        datetime::parse_prefix(&text[p..], Some(year))
                            .is_some_and(|(len, _)| after(p + len)),
                    );
                }
            }
        }
        (TokenType::Macaddr, _) => {
            for p in 0..n {
                if b[p].is_ascii_hexdigit() {
                    row.put(p, tokens::macaddr(b, p).is_some_and(|(e, _)| after(e)));
                }
            }
        }
        (TokenType::Duration, _) => {
            for p in 0..n {
                if b[p].is_ascii_digit() {
                    row.put(p, tokens::duration(b, p).is_some_and(|(e, _)| after(e)));
                }
            }
        }
        (TokenType::Keyvalue, _) => {
            let (ps, ks, q) = kv_args(&tok.args);
            for (p, &c) in b.iter().enumerate() {
                if text.is_char_boundary(p) && !is_ws(c) {
                    row.put(
                        p,
                        scan_kv(text, p, &ps, &ks, q, Ends::Token)
                            .into_iter()
                            .any(after),
                    );
                }
            }
        }
    }
}

/// Builds the graph of a compiled template: element 0 is the end; every element's successors
/// have smaller numbers. Sets each atom's `node`.
pub(crate) fn graph(atoms: &mut [super::matcher::Atom]) -> Vec<Node> {
    let mut g = vec![Node {
        kind: Kind::End,
        next: 0,
    }];
    build(atoms, 0, &mut g);
    g
}

fn build(atoms: &mut [super::matcher::Atom], next: u32, g: &mut Vec<Node>) -> u32 {
    let mut cur = next;
    for a in atoms.iter_mut().rev() {
        let kind = match &mut a.el {
            El::Lit(s) => Kind::Lit(s.clone()),
            El::Space => Kind::Space,
            El::Tok(t) => Kind::Tok(t.clone()),
            El::Alt(alts) => Kind::Split(alts.iter_mut().map(|alt| build(alt, cur, g)).collect()),
        };
        g.push(Node { kind, next: cur });
        cur = (g.len() - 1) as u32;
        a.node = cur;
    }
    cur
}
