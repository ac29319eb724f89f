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
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for members in by_program.values() {
        for (i, j) in candidates(members, &words) {
            {
                let (a, b) = (&words[i], &words[j]);
                if a.len().abs_diff(b.len()) > MAX_DIFF {
                    continue;
                }
                let common = log_cluster::template::lcs_by(a, b, |x, y| x == y);
                let diff = a.len() + b.len() - 2 * common.len();
                if diff > MAX_DIFF || common.len() * 5 < a.len().max(b.len()) * 3 {
                    continue;
                }
                let (ka, kb): (Vec<usize>, Vec<usize>) = common.iter().copied().unzip();
                let literal_only = |w: &[&str], kept: &[usize]| {
                    w.iter()
                        .enumerate()
                        .filter(|(p, _)| !kept.contains(p))
                        .all(|(_, t)| !t.contains('{'))
                };
                // One side's difference all literal words: the other's may be a capture
                // that the words fill (`for {$for=WORD}` / `for invalid user admin`).
                if literal_only(a, &ka) || literal_only(b, &kb) {
                    pairs.push((diff, i, j));
                }
            }
        }
    }
    pairs.sort_unstable();
    // Each cluster is tried with its few closest partners only: the number of joint
    // syntheses, the costly part, stays linear in the clusters.
    let mut tries = vec![0usize; n];
    let mut root: Vec<usize> = (0..n).collect();
    let mut parts: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    for (_, i, j) in pairs {
        if tries[i] >= MAX_TRIES || tries[j] >= MAX_TRIES {
            continue;
        }
        let (ri, rj) = (root[i], root[j]);
        if ri == rj {
            continue;
        }
        tries[i] += 1;
        tries[j] += 1;
        if joins(clusters, heads, &programs, &parts[ri], &parts[rj]) {
            let (lo, hi) = (ri.min(rj), ri.max(rj));
            let moved = std::mem::take(&mut parts[hi]);
            for &k in &moved {
                root[k] = lo;
            }
            parts[lo].extend(moved);
            parts[lo].sort_unstable();
        }
    }
    parts.into_iter().filter(|p| !p.is_empty()).collect()
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
fn joins(
    clusters: &[ClusterInput<'_>],
    heads: &[Head],
    programs: &[Option<String>],
    a: &[usize],
    b: &[usize],
) -> bool {
    let both: Vec<usize> = a.iter().chain(b).copied().collect();
    let sample: Vec<&str> = both
        .iter()
        .flat_map(|&k| clusters[k].members.iter().take(SAMPLE).copied())
        .collect();
    // A closed set of phrases is tried as alternatives too: optional words around a new
    // capture would be refused below, alternatives add none.
    covers(
        clusters,
        heads,
        programs,
        &both,
        &text::synthesize(&sample, false),
    ) || covers(
        clusters,
        heads,
        programs,
        &both,
        &text::synthesize_listing(&sample),
    )
}

/// Whether template `t` adds no capture or gap to what the parts `both` had, matches all their
/// members and no sampled event of another cluster of the same program.
fn covers(
    clusters: &[ClusterInput<'_>],
    heads: &[Head],
    programs: &[Option<String>],
    both: &[usize],
    t: &text::TextTemplate,
) -> bool {
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
    // No event of another cluster of the same program.
    !(0..clusters.len())
        .filter(|k| !both.contains(k) && programs[*k] == programs[both[0]])
        .any(|k| {
            clusters[k]
                .members
                .iter()
                .take(SAMPLE)
                .any(|m| c.matches(m, &o))
        })
}

/// The template text of a `TEXT = '…'` header (empty for other headers).
fn template_of(header: &str) -> &str {
    header
        .strip_prefix("TEXT = '")
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or("")
}
