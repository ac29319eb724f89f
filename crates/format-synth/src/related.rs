//! TEXT clusters that are one event type up to a few words: clustering keeps apart events of
//! different lengths and splits on words that rarely vary, so `login failed for user bob` and
//! `login failed for unknown user mallory`, `session 7 closed: logout` and `session 8 closed:
//! idle timeout`, or one record with `Proto: tcp` and `Proto: udp`, arrive as separate
//! clusters. Two clusters are merged when one template synthesized over both of them matches
//! every member, captures nothing the parts did not (differences become optional or
//! alternative groups, never a new capture or a wider gap) and matches no event of another
//! cluster of the same program.

use ingest::Kind;
use xp_syntax::template::TokenType;

use crate::check::{formula, Compiled};
use crate::{opts, quote, text, ClusterInput, Head};

/// Most token insertions and deletions between two templates that may still be one type.
const MAX_DIFF: usize = 4;
/// Members of each cluster a joint template is synthesized from.
const SAMPLE: usize = 40;
/// Merge attempts per cluster.
const MAX_TRIES: usize = 4;

/// Groups `[kept, merged…]` of cluster indices, every index in exactly one group, in order of
/// the group's first index. Only TEXT clusters with a synthesized (not catch-all) head take part.
pub fn related(clusters: &[ClusterInput<'_>], heads: &[Head]) -> Vec<Vec<usize>> {
    let n = clusters.len();
    let words: Vec<Vec<&str>> = heads
        .iter()
        .map(|h| template_of(&h.header).split_whitespace().collect())
        .collect();
    let eligible = |i: usize| {
        clusters[i].kind == Kind::Text
            && heads[i].method != "fallback"
            && heads[i].matched == heads[i].size
            && !clusters[i].members.is_empty()
    };
    let program = |i: usize| ingest::syslog::parse(clusters[i].members[0]).and_then(|h| h.app);
    let programs: Vec<Option<String>> = (0..n).map(program).collect();
    // Candidate pairs, closest first: templates of one program that differ by a few words,
    // literal on at least one side (tokens on both sides are a different structure).
    let mut by_program: std::collections::BTreeMap<&Option<String>, Vec<usize>> =
        std::collections::BTreeMap::new();
    for i in (0..n).filter(|&i| eligible(i)) {
        by_program.entry(&programs[i]).or_default().push(i);
    }
    // The candidates' alignments are independent: on every core, in order.
    let candidates: Vec<(usize, usize)> = by_program
        .values()
        .flat_map(|members| candidates(members, &words))
        .collect();
    let mut pairs: Vec<(usize, usize, usize)> = crate::par::par_map(&candidates, |_, &(i, j)| {
        close_pair(&words[i], &words[j]).map(|diff| (diff, i, j))
    })
    .into_iter()
    .flatten()
    .collect();
    pairs.sort_unstable();
    // Clusters by the words of their sampled events: only those holding every literal word of
    // a joint template can match it.
    let mut holding: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
    for (k, c) in clusters.iter().enumerate() {
        for m in c.members.iter().take(SAMPLE) {
            for w in crate::words(m) {
                let l = holding.entry(w).or_default();
                if l.last() != Some(&k) {
                    l.push(k);
                }
            }
        }
    }
    let ctx = Ctx {
        clusters,
        heads,
        programs: &programs,
        holding: &holding,
    };
    // Each cluster is tried with its few closest partners only: the number of joint
    // syntheses, the costly part, stays linear in the clusters.
    let mut tries = vec![0usize; n];
    let mut root: Vec<usize> = (0..n).collect();
    let mut parts: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    // Pairs are decided in order. The joint syntheses of pairs whose groups no earlier
    // undecided pair touches do not depend on those pairs: they run in parallel, a batch at a
    // time, and are applied in order, with the result of deciding one pair after another.
    let mut pending: std::collections::VecDeque<(usize, usize)> =
        pairs.into_iter().map(|(_, i, j)| (i, j)).collect();
    while !pending.is_empty() {
        let mut claimed: rustc_hash::FxHashSet<usize> = Default::default();
        let mut batch: Vec<(usize, usize)> = Vec::new();
        let mut deferred: Vec<(usize, usize)> = Vec::new();
        let mut scanned = 0;
        while let Some((i, j)) = pending.pop_front() {
            scanned += 1;
            let (ri, rj) = (root[i], root[j]);
            if claimed.contains(&ri) || claimed.contains(&rj) {
                claimed.extend([ri, rj]);
                deferred.push((i, j));
                if deferred.len() >= BATCH {
                    break;
                }
            } else if tries[i] < MAX_TRIES && tries[j] < MAX_TRIES && ri != rj {
                claimed.extend([ri, rj]);
                batch.push((i, j));
            }
            if batch.len() >= BATCH || scanned >= SCAN {
                break;
            }
        }
        for p in deferred.into_iter().rev() {
            pending.push_front(p);
        }
        let joined = crate::par::par_map(&batch, |_, &(i, j)| {
            joins(&ctx, &parts[root[i]], &parts[root[j]])
        });
        for ((i, j), joined) in batch.into_iter().zip(joined) {
            tries[i] += 1;
            tries[j] += 1;
            if joined {
                let (ri, rj) = (root[i], root[j]);
                let (lo, hi) = (ri.min(rj), ri.max(rj));
                let moved = std::mem::take(&mut parts[hi]);
                for &k in &moved {
                    root[k] = lo;
                }
                parts[lo].extend(moved);
                parts[lo].sort_unstable();
            }
        }
    }
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// Joint syntheses run together at most.
const BATCH: usize = 64;
/// Pairs looked at for one batch (past [`BATCH`] deferred ones, the batch runs as it is).
const SCAN: usize = 1024;

/// What [`joins`] reads.
struct Ctx<'c, 'a> {
    clusters: &'c [ClusterInput<'a>],
    heads: &'c [Head],
    programs: &'c [Option<String>],
    /// Clusters whose sampled events hold a word, ascending.
    holding: &'c rustc_hash::FxHashMap<&'a str, Vec<usize>>,
}

/// Clusters of one program compared pairwise at most; a program of more is compared through
/// shared word pairs ([`candidates`]).
const MAX_PAIRWISE: usize = 1000;
/// A word pair shared by more templates than this says nothing of which are alike.
const MAX_BLOCK: usize = 32;

/// Pairs `(i, j)`, `i` before `j` in `members`, worth comparing. Every pair up to
/// [`MAX_PAIRWISE`] members (the result does not depend on the budget there). Past it, a
/// budget keeps the work near-linear: templates within [`MAX_DIFF`] insertions and deletions
/// of each other keep most of their words in order, so they share a pair of adjacent words;
/// pairs are drawn from the adjacent word pairs that at most [`MAX_BLOCK`] templates hold.
/// The words two templates do not share, when they are few, most words are shared, and one
/// side's difference is all literal words (the other's may be a capture that the words fill:
/// `for {$for=WORD}` / `for invalid user admin`; tokens on both sides are a different
/// structure).
fn close_pair(a: &[&str], b: &[&str]) -> Option<usize> {
    if a.len().abs_diff(b.len()) > MAX_DIFF {
        return None;
    }
    let common = log_cluster::template::lcs_by(a, b, |x, y| x == y);
    let diff = a.len() + b.len() - 2 * common.len();
    if diff > MAX_DIFF || common.len() * 5 < a.len().max(b.len()) * 3 {
        return None;
    }
    let (ka, kb): (Vec<usize>, Vec<usize>) = common.iter().copied().unzip();
    let literal_only = |w: &[&str], kept: &[usize]| {
        w.iter()
            .enumerate()
            .filter(|(p, _)| !kept.contains(p))
            .all(|(_, t)| !t.contains('{'))
    };
    (literal_only(a, &ka) || literal_only(b, &kb)).then_some(diff)
}

fn candidates(members: &[usize], words: &[Vec<&str>]) -> Vec<(usize, usize)> {
    if members.len() <= MAX_PAIRWISE {
        return members
            .iter()
            .enumerate()
            .flat_map(|(x, &i)| members[x + 1..].iter().map(move |&j| (i, j)))
            .collect();
    }
    let mut blocks: rustc_hash::FxHashMap<(&str, &str), Vec<usize>> = Default::default();
    for (x, &i) in members.iter().enumerate() {
        for w in words[i].windows(2) {
            let block = blocks.entry((w[0], w[1])).or_default();
            if block.last() != Some(&x) && block.len() <= MAX_BLOCK {
                block.push(x);
            }
        }
    }
    let mut out: Vec<(usize, usize)> = blocks
        .values()
        .filter(|b| b.len() <= MAX_BLOCK)
        .flat_map(|b| {
            b.iter()
                .enumerate()
                .flat_map(move |(k, &x)| b[k + 1..].iter().map(move |&y| (x, y)))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.into_iter()
        .map(|(x, y)| (members[x], members[y]))
        .collect()
}

/// Whether one template covers parts `a` and `b` as well as their own heads did.
fn joins(ctx: &Ctx<'_, '_>, a: &[usize], b: &[usize]) -> bool {
    let both: Vec<usize> = a.iter().chain(b).copied().collect();
    let sample: Vec<&str> = both
        .iter()
        .flat_map(|&k| ctx.clusters[k].members.iter().take(SAMPLE).copied())
        .collect();
    // A closed set of phrases is tried as alternatives too: optional words around a new
    // capture would be refused below, alternatives add none.
    covers(ctx, &both, &text::synthesize(&sample, false))
        || covers(ctx, &both, &text::synthesize_listing(&sample))
}

/// Whether template `t` adds no capture or gap to what the parts `both` had, matches all their
/// members and no sampled event of another cluster of the same program.
fn covers(ctx: &Ctx<'_, '_>, both: &[usize], t: &text::TextTemplate) -> bool {
    let (clusters, heads, programs) = (ctx.clusters, ctx.heads, ctx.programs);
    let gaps = |captures: &[(String, TokenType)]| {
        captures
            .iter()
            .filter(|(_, ty)| matches!(ty, TokenType::String | TokenType::Rest))
            .count()
    };
    // Parts' capture counts, from their own templates.
    let own = |k: usize| {
        let tpl = template_of(&heads[k].header);
        (
            heads[k].captures.len(),
            tpl.matches("=STRING").count() + tpl.matches("=REST").count(),
        )
    };
    let (most, most_gaps) = both
        .iter()
        .map(|&k| own(k))
        .fold((0, 0), |(c, g), (c2, g2)| (c.max(c2), g.max(g2)));
    if t.captures.len() > most || gaps(&t.captures) > most_gaps {
        return false;
    }
    let header = format!("TEXT = {}", quote(&t.template));
    let c = Compiled::new(&formula(&header, None));
    let o = opts();
    if !both
        .iter()
        .all(|&k| clusters[k].members.iter().all(|m| c.matches(m, &o)))
    {
        return false;
    }
    // No event of another cluster of the same program (of those holding its literal words).
    !holding_all(ctx, &header)
        .into_iter()
        .filter(|k| !both.contains(k) && programs[*k] == programs[both[0]])
        .any(|k| {
            clusters[k]
                .members
                .iter()
                .take(SAMPLE)
                .any(|m| c.matches(m, &o))
        })
}

/// Clusters whose sampled events hold every literal word of `header` (every cluster when it
/// has none), ascending: the events that can match it, by the assumption `crate::hits` makes
/// too (a literal word stands as a word of the event; a space that matches nothing could join
/// it to its neighbour, which neither index sees).
fn holding_all(ctx: &Ctx<'_, '_>, header: &str) -> Vec<usize> {
    let lits = crate::literal_word_seq(header).unwrap_or_default();
    if lits.is_empty() {
        return (0..ctx.clusters.len()).collect();
    }
    let mut lists: Vec<&[usize]> = Vec::new();
    for w in &lits {
        match ctx.holding.get(w.as_str()) {
            Some(l) => lists.push(l),
            None => return Vec::new(),
        }
    }
    lists.sort_by_key(|l| l.len());
    let mut out = lists[0].to_vec();
    for l in &lists[1..] {
        out.retain(|k| l.binary_search(k).is_ok());
    }
    out
}

/// The template text of a `TEXT = '…'` header (empty for other headers).
fn template_of(header: &str) -> &str {
    header
        .strip_prefix("TEXT = '")
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or("")
}
