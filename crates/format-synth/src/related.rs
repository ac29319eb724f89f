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
    // Candidate pairs, closest first.
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for i in (0..n).filter(|&i| eligible(i)) {
        for j in (i + 1..n).filter(|&j| eligible(j)) {
            if programs[i] != programs[j] {
                continue;
            }
            let (a, b) = (&words[i], &words[j]);
            if a.len().abs_diff(b.len()) > MAX_DIFF {
                continue;
            }
            let lcs = log_cluster::template::lcs_by(a, b, |x, y| x == y).len();
            let diff = a.len() + b.len() - 2 * lcs;
            if diff <= MAX_DIFF && lcs * 5 >= a.len().max(b.len()) * 3 {
                pairs.push((diff, i, j));
            }
        }
    }
    pairs.sort_unstable();
    let mut group: Vec<usize> = (0..n).collect();
    let find = |g: &[usize], mut i: usize| {
        while g[i] != i {
            i = g[i];
        }
        i
    };
    for (_, i, j) in pairs {
        let (ri, rj) = (find(&group, i), find(&group, j));
        if ri == rj {
            continue;
        }
        let part = |r: usize| -> Vec<usize> { (0..n).filter(|&k| find(&group, k) == r).collect() };
        let (pi, pj) = (part(ri), part(rj));
        if joins(clusters, heads, &programs, &pi, &pj) {
            let (lo, hi) = (ri.min(rj), ri.max(rj));
            group[hi] = lo;
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        let r = find(&group, i);
        match slot[r] {
            Some(s) => out[s].push(i),
            None => {
                slot[r] = Some(out.len());
                out.push(vec![i]);
            }
        }
    }
    out
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
    [
        text::synthesize(&sample, false),
        text::synthesize_listing(&sample),
    ]
    .into_iter()
    .any(|t| covers(clusters, heads, programs, &both, &t))
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
