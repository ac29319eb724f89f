//! Columns of values across sequences that are otherwise identical.
//!
//! Two masked sequences of one length that differ in one position only are one event type
//! unless that position tells types apart ([`crate::is_type_column`]: a few constants, an
//! upper-case state): `session <*> create eve sync accept` and `… create bob sync accept` are
//! one type whose fourth word is data. Folding such a column into `<*>` before the distance
//! clustering makes the decision once, over every sequence of the log, instead of leaving it to
//! which block (bounded distance matrix) the sequences land in and how HDBSCAN reads ties
//! there. Plain words fold, and values masked whole or in part or kept with their digits (host
//! names of many domains); `key=value` tokens never do.
//!
//! Cost: one pass per position over the sequences long enough (longest first), with a
//! position-weighted hash of the other tokens; linear in the total number of tokens.

use rustc_hash::FxHashMap;

use crate::{mask::WILDCARD, template, Contexts, Distinct, Tok};

/// A 64-bit mix of a token id at a position (splitmix64 finalizer).
fn mix(pos: usize, id: u32) -> u64 {
    let mut z = ((pos as u64) << 32 | u64::from(id)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Whether a sequence of `words` plain words keeps at least two beside the token `tok` at the
/// position to fold: a message of one or two words is its words, and is never folded
/// (`session opened`, `session closed`).
fn keeps_words(words: usize, tok: &str) -> bool {
    words - usize::from(template::is_plain_word(tok)) >= 2
}

/// A token that may be a value of a folded column: a plain word, or a value masked whole or in
/// part (`(<*>.bflony.adelphia.net)`), or one with digits the masker kept
/// (`(aml-sfh-3343b.adsl.wanadoo.nl)`); never a `key=value` token, whose key names what it
/// holds.
fn foldable(tok: &str) -> bool {
    template::is_plain_word(tok)
        || (!tok.contains('=')
            && (tok.contains(WILDCARD) || tok.bytes().any(|b| b.is_ascii_digit())))
}

/// Whether `a` and `b` (one length) agree everywhere but at `pos`.
fn same_but(a: &Distinct, b: &Distinct, pos: usize) -> bool {
    a.ids
        .iter()
        .zip(&b.ids)
        .enumerate()
        .all(|(i, (x, y))| i == pos || x == y)
}

/// Folds the value columns of sequences that differ in one position into `<*>` (token id
/// `wild`), then merges the sequences that became equal.
pub(crate) fn fold_value_columns(
    mut distinct: Vec<Distinct>,
    wild: u32,
    ctx: &Contexts,
) -> Vec<Distinct> {
    let max_len = distinct.iter().map(|d| d.ids.len()).max().unwrap_or(0);
    let mut hash: Vec<u64> = distinct
        .iter()
        .map(|d| {
            d.ids
                .iter()
                .enumerate()
                .fold(0u64, |h, (i, &id)| h.wrapping_add(mix(i, id)))
        })
        .collect();
    let mut words: Vec<usize> = distinct
        .iter()
        .map(|d| {
            d.masked
                .iter()
                .filter(|t| template::is_plain_word(t))
                .count()
        })
        .collect();
    // Longest first: the sequences long enough for a position are a prefix of this order.
    let mut by_len: Vec<usize> = (0..distinct.len()).collect();
    by_len.sort_by_key(|&d| std::cmp::Reverse(distinct[d].ids.len()));
    let mut folded = false;
    for pos in 0..max_len {
        let mut groups: FxHashMap<(usize, u64), Vec<usize>> = FxHashMap::default();
        for &d in by_len.iter().take_while(|&&d| distinct[d].ids.len() > pos) {
            let dd = &distinct[d];
            let tok = dd.masked[pos].as_str();
            if foldable(tok) && keeps_words(words[d], tok) {
                let key = hash[d].wrapping_sub(mix(pos, dd.ids[pos]));
                groups.entry((dd.ids.len(), key)).or_default().push(d);
            }
        }
        let mut groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
        for g in &mut groups {
            g.sort_unstable();
        }
        groups.sort_unstable_by_key(|g| g[0]);
        for g in groups {
            // A hash collision is not a group: keep those equal to the first elsewhere.
            let members: Vec<usize> = g
                .iter()
                .copied()
                .filter(|&d| same_but(&distinct[g[0]], &distinct[d], pos))
                .collect();
            if members.len() < 2 {
                continue;
            }
            let col: Vec<&str> = members
                .iter()
                .map(|&d| distinct[d].masked[pos].as_str())
                .collect();
            if col.iter().all(|v| *v == col[0] || *v == WILDCARD)
                || crate::is_type_column(&distinct, &members, pos, &col, ctx)
            {
                continue;
            }
            for &d in &members {
                let dd = &mut distinct[d];
                words[d] -= usize::from(template::is_plain_word(&dd.masked[pos]));
                hash[d] = hash[d]
                    .wrapping_sub(mix(pos, dd.ids[pos]))
                    .wrapping_add(mix(pos, wild));
                dd.ids[pos] = wild;
                dd.masked[pos] = Tok::new_inline(WILDCARD);
            }
            folded = true;
        }
    }
    if !folded {
        return distinct;
    }
    // Merge the sequences that became equal, in order of first appearance.
    let mut index: FxHashMap<Vec<Tok>, usize> = FxHashMap::default();
    let mut out: Vec<Distinct> = Vec::with_capacity(distinct.len());
    for d in distinct {
        match index.get(&d.masked) {
            Some(&i) => out[i].members.extend(d.members),
            None => {
                index.insert(d.masked.clone(), out.len());
                out.push(d);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::{cluster_texts, Config};

    #[test]
    fn a_type_never_straddles_blocks() {
        let users = ["alice", "bob", "carol", "dave", "eve", "oscar"];
        let mut texts: Vec<String> = users
            .iter()
            .enumerate()
            .map(|(i, u)| format!("session /var/lib/s/{i}.dat create {u} sync accept"))
            .collect();
        texts.extend(
            users
                .iter()
                .map(|u| format!("volume mounted by {u} on disk now")),
        );
        texts.push("link state up on port 3".into());
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        // Blocks of two sequences: the clusterer has to cut this log into blocks.
        let cfg = Config {
            max_block: 2,
            ..Config::default()
        };
        let c = cluster_texts(&refs, &cfg);
        let templates: Vec<&str> = c.iter().map(|c| c.template.as_str()).collect();
        assert_eq!(c.len(), 3, "{templates:?}");
        assert!(templates.contains(&"session <*> create <*> sync accept"));
        // Host names of many domains, masked in part or kept whole by the masker, are one
        // column of data too.
        let hosts: Vec<String> = [
            "61-52-39-285.bflony.adelphia.net",
            "aml-sfh-3343b.adsl.wanadoo.nl",
            "aml-sfh-4866b.adsl.wanadoo.nl",
            "lns-vlq-23-tou-56.adsl.proxad.net",
            "",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| format!("connection from 10.0.0.{i} ({h}) at Sun Jul 17 01:31:02 2005"))
        .collect();
        let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
        let c = cluster_texts(&refs, &cfg);
        assert_eq!(c.len(), 1, "{c:?}");
        // Constants still split: two states of one column are two types.
        let states = [
            "link state up on port 3",
            "link state down on port 4",
            "link state up on port 5",
            "link state down on port 6",
        ];
        assert_eq!(cluster_texts(&states, &cfg).len(), 2);
    }
}
