//! Clustering of log messages into event types.
//!
//! Stage 2 of the method (stage 1, identifiers, lives in [`identifier`]): each message is
//! tokenized and its variable data masked ([`mask`]); messages with the same masked tokens form
//! one group; the distinct masked sequences of a block (same number of tokens, bounded size) are
//! compared with the normalized Indel distance and clustered with HDBSCAN over that distance
//! matrix; a sequence HDBSCAN leaves as noise stays a group of its own (rare events are never
//! dropped). Each cluster gets a template ([`template`]) with `<*>` for what varies.
#![deny(missing_docs)]

mod columns;
pub mod events;
pub mod identifier;
pub mod mask;
pub mod template;
pub mod token;

use rustc_hash::FxHashMap;

/// A masked token: short ones inline, long ones shared.
pub type Tok = xp_eval::value::Str;

/// Clustering parameters (one configuration for every log).
#[derive(Clone, Debug)]
pub struct Config {
    /// HDBSCAN's smallest cluster.
    pub min_cluster_size: usize,
    /// HDBSCAN's neighbourhood size for core distances.
    pub min_samples: usize,
    /// Largest number of distinct masked sequences compared in one matrix.
    pub max_block: usize,
    /// Largest normalized distance at which two sequences may share a cluster.
    pub max_distance: f32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            min_cluster_size: 2,
            min_samples: 1,
            max_block: 1500,
            max_distance: 0.5,
        }
    }
}

/// One event type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Indices of the member messages, ascending.
    pub members: Vec<usize>,
    /// The template: tokens joined by single spaces, `<*>` for variable parts.
    pub template: String,
}

/// A distinct masked message with the messages that share it.
struct Distinct {
    masked: Vec<Tok>,
    ids: Vec<u32>,
    members: Vec<usize>,
}

/// Clusters messages; every message is in exactly one cluster. Clusters come in the order of
/// their first member./// Clusters messages; every message is in exactly one cluster. Clusters come in the order of
/// their first member.
pub fn cluster_texts(texts: &[&str], cfg: &Config) -> Vec<Cluster> {
    let mut shapes = ShapeSet::default();
    let mut masker = mask::Masker::default();
    for (i, t) in texts.iter().enumerate() {
        shapes.add(masker.mask_message(t), i);
    }
    shapes.cluster(cfg)
}

/// Distinct masked token sequences with the items that share each: the unit of clustering.
#[derive(Default)]
pub struct ShapeSet {
    by_key: FxHashMap<Vec<Tok>, usize>,
    distinct: Vec<Distinct>,
    interner: FxHashMap<Tok, u32>,
}

impl ShapeSet {
    /// Adds an item (any index the caller chooses) with its masked tokens.
    pub fn add(&mut self, masked: Vec<Tok>, item: usize) {
        let masked = collapse_lists(masked);
        if let Some(&d) = self.by_key.get(&masked) {
            self.distinct[d].members.push(item);
            return;
        }
        let ids = masked
            .iter()
            .map(|m| {
                let next = self.interner.len() as u32;
                *self.interner.entry(m.clone()).or_insert(next)
            })
            .collect();
        self.by_key.insert(masked.clone(), self.distinct.len());
        self.distinct.push(Distinct {
            masked,
            ids,
            members: vec![item],
        });
    }

    /// Number of distinct sequences.
    pub fn len(&self) -> usize {
        self.distinct.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.distinct.is_empty()
    }

    /// Clusters the sequences; cluster members are the items given to [`ShapeSet::add`],
    /// ascending; clusters come in the order of their first member.
    pub fn cluster(mut self, cfg: &Config) -> Vec<Cluster> {
        let distinct = std::mem::take(&mut self.distinct);
        if distinct.is_empty() {
            return Vec::new();
        }
        let contexts = Contexts::build(&distinct);
        let wild = {
            let next = self.interner.len() as u32;
            *self
                .interner
                .entry(Tok::new_inline(mask::WILDCARD))
                .or_insert(next)
        };
        // When the sequences do not fit one distance matrix, the blocks must not decide what a
        // type is: sequences that differ in one value column are folded first (see
        // `columns`), so a type never straddles blocks. (On one matrix HDBSCAN and the column
        // splits decide, as they always did.)
        let distinct = if distinct.len() > cfg.max_block {
            columns::fold_value_columns(distinct, wild, &contexts)
        } else {
            distinct
        };
        // Blocks bound the distance matrices: all sequences together when few, otherwise split by
        // token count, then by leading tokens.
        let all: Vec<usize> = (0..distinct.len()).collect();
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        if all.len() <= cfg.max_block {
            blocks.push(all);
        } else {
            let mut by_len: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
            for (d, dd) in distinct.iter().enumerate() {
                by_len.entry(dd.masked.len()).or_default().push(d);
            }
            let mut keys: Vec<usize> = by_len.keys().copied().collect();
            keys.sort_unstable();
            for k in keys {
                blocks.extend(split_block(&distinct, &by_len[&k], cfg.max_block));
            }
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for block in blocks {
            groups.extend(cluster_block(&distinct, &block, cfg, &contexts));
        }
        // A merge must keep at least half of its members' words as literals; otherwise it
        // joined different event types (only variables would be left) and is undone.
        let groups: Vec<Vec<usize>> = groups
            .into_iter()
            .flat_map(|g| keep_words(&distinct, g))
            .collect();
        let mut out: Vec<Cluster> = groups
            .into_iter()
            .map(|g| {
                let masked: Vec<(&[Tok], usize)> = g
                    .iter()
                    .map(|&d| (distinct[d].masked.as_slice(), distinct[d].members.len()))
                    .collect();
                let template = template::template_of(&masked).join(" ");
                let mut members: Vec<usize> = g
                    .iter()
                    .flat_map(|&d| distinct[d].members.iter().copied())
                    .collect();
                members.sort_unstable();
                Cluster { members, template }
            })
            .collect();
        out.sort_by_key(|c| c.members[0]);
        out
    }
}

fn collapse_lists(mut m: Vec<Tok>) -> Vec<Tok> {
    const LIST: usize = 8;
    let mut out = Vec::with_capacity(m.len());
    let mut i = 0;
    while i < m.len() {
        let mut j = i + 1;
        while j < m.len() && m[j] == m[i] && m[i].contains(mask::WILDCARD) {
            j += 1;
        }
        if j - i >= LIST {
            out.push(Tok::new_inline(mask::WILDCARD));
        } else {
            out.extend(m[i..j].iter_mut().map(std::mem::take));
        }
        i = j;
    }
    out
}

/// Splits a block by the first token, then the first two, … until every part fits.
fn split_block(distinct: &[Distinct], block: &[usize], max: usize) -> Vec<Vec<usize>> {
    fn go(
        distinct: &[Distinct],
        block: Vec<usize>,
        depth: usize,
        max: usize,
        out: &mut Vec<Vec<usize>>,
    ) {
        if block.len() <= max || depth >= distinct[block[0]].masked.len() {
            out.push(block);
            return;
        }
        let mut parts: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for &d in &block {
            parts
                .entry(distinct[d].masked[depth].as_str())
                .or_default()
                .push(d);
        }
        let mut parts: Vec<Vec<usize>> = parts.into_values().collect();
        parts.sort_by_key(|p| p[0]);
        for p in parts {
            go(distinct, p, depth + 1, max, out);
        }
    }
    let mut out = Vec::new();
    go(distinct, block.to_vec(), 0, max, &mut out);
    out
}

/// HDBSCAN over the normalized Indel distances of one block.
fn cluster_block(
    distinct: &[Distinct],
    block: &[usize],
    cfg: &Config,
    ctx: &Contexts,
) -> Vec<Vec<usize>> {
    if block.len() < 2 {
        return vec![block.to_vec()];
    }
    let n = block.len();
    let mut m = vec![vec![0f32; n]; n];
    for i in 0..n {
        let a = &distinct[block[i]].ids;
        for j in i + 1..n {
            let b = &distinct[block[j]].ids;
            let d = rapidfuzz::distance::indel::normalized_distance(
                a.iter().copied(),
                b.iter().copied(),
            ) as f32;
            m[i][j] = d;
            m[j][i] = d;
        }
    }
    let params = hdbscan::HdbscanHyperParams::builder()
        .min_cluster_size(cfg.min_cluster_size.max(2))
        .min_samples(cfg.min_samples.max(1))
        .allow_single_cluster(true)
        .dist_metric(hdbscan::DistanceMetric::Precalculated)
        .build();
    let labels = match hdbscan::Hdbscan::new(&m, params).cluster() {
        Ok(l) => l,
        Err(_) => vec![-1; n],
    };
    let mut by_label: FxHashMap<i32, Vec<usize>> = FxHashMap::default();
    let mut out = Vec::new();
    for (i, &l) in labels.iter().enumerate() {
        if l < 0 {
            out.push(vec![block[i]]);
        } else {
            by_label.entry(l).or_default().push(block[i]);
        }
    }
    for (_, members) in by_label {
        for part in split_far(&m, block, &members, cfg.max_distance) {
            split_constants(distinct, part, &mut out, ctx);
        }
    }
    out
}

/// The plain words and keys (`user=`, `rhost=`) that every member of a part has, in order:
/// parts of different lengths are one event type only when these agree.
fn constant_signature(distinct: &[Distinct], part: &[usize]) -> Vec<String> {
    let keys = |d: usize| -> Vec<String> {
        let m = &distinct[d].masked;
        m.iter()
            .enumerate()
            .filter_map(|(i, t)| match t.split_once('=') {
                Some((k, _)) => Some(k),
                // A short word right after a number is its unit (`<1 sec`, `(18.4 KB)`), not a
                // constant.
                None if i > 0 && m[i - 1].ends_with(mask::WILDCARD) && is_unit(t) => None,
                None => template::is_plain_word(t).then_some(t.as_str()),
            })
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect()
    };
    let first = keys(part[0]);
    first
        .into_iter()
        .filter(|k| part.iter().all(|&d| keys(d).contains(k)))
        .collect()
}

/// `sec`, `ms`, `KB)`: at most three letters, or a word closing a parenthesis.
fn is_unit(t: &str) -> bool {
    let core = t.trim_end_matches([')', ',', '.', ';']);
    !t.ends_with(':')
        && core.chars().all(char::is_alphabetic)
        && (core.len() <= 3 || t.ends_with(')'))
}

/// Splits a cluster on a column of constants (see [`template::is_constant_column`]),
/// recursively, so that `Accepted …` and `Failed …` stay apart.
fn split_constants(
    distinct: &[Distinct],
    members: Vec<usize>,
    out: &mut Vec<Vec<usize>>,
    ctx: &Contexts,
) {
    if members.len() < 2 {
        out.push(members);
        return;
    }
    // Columns line up only between sequences of one length.
    let n = distinct[members[0]].masked.len();
    if members.iter().any(|&d| distinct[d].masked.len() != n) {
        let mut by_len: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
        for &d in &members {
            by_len.entry(distinct[d].masked.len()).or_default().push(d);
        }
        // Split each length on its constants; keep the parts of different lengths together
        // when their first tokens agree.
        let mut parts = Vec::new();
        for (_, g) in by_len {
            split_constants(distinct, g, &mut parts, ctx);
        }
        let mut merged: Vec<Vec<usize>> = Vec::new();
        for p in parts {
            let key = constant_signature(distinct, &p);
            match merged
                .iter_mut()
                .find(|m| constant_signature(distinct, m) == key)
            {
                Some(m) => m.extend(p),
                None => merged.push(p),
            }
        }
        out.extend(merged);
        return;
    }
    for pos in 0..n {
        let col: Vec<&str> = members
            .iter()
            .map(|&d| distinct[d].masked[pos].as_str())
            .collect();
        if is_type_column(distinct, &members, pos, &col, ctx) {
            let mut parts: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
            for (&d, v) in members.iter().zip(&col) {
                parts.entry(v).or_default().push(d);
            }
            let mut parts: Vec<Vec<usize>> = parts.into_values().collect();
            parts.sort_by_key(|p| p[0]);
            for p in parts {
                split_constants(distinct, p, out, ctx);
            }
            return;
        }
    }
    out.push(members);
}

/// Whether the values `col` at `pos` of the sequences `members` (all of one length) tell event
/// types apart: they differ, are constants ([`template::is_constant_column`]) in a place of
/// constants (upper-case states, or a context that holds few words across the log), are not
/// names after a naming word, and are not a column of codes most lines have their own of.
fn is_type_column(
    distinct: &[Distinct],
    members: &[usize],
    pos: usize,
    col: &[&str],
    ctx: &Contexts,
) -> bool {
    col.iter().any(|v| *v != col[0])
        && !(pos > 0
            && template::names_next(&distinct[members[0]].masked[pos - 1])
            && col.iter().all(|v| template::is_name_after(v)))
        && template::is_constant_column(col)
        && (template::is_upper_column(col) || ctx.is_constant(&distinct[members[0]].masked, pos))
        && !is_data_column(distinct, members, col)
}

/// A column of codes (values with a digit) where most lines bring a value of their own is
/// data (`slot J05`, `J08`, `J14`, … once each): a type's constants repeat across its events.
/// At least three values, on more than half of the lines. (Words without digits keep the
/// rules of [`template::is_constant_column`]: a small log shows each verb once.)
fn is_data_column(distinct: &[Distinct], members: &[usize], col: &[&str]) -> bool {
    if !col.iter().all(|v| v.bytes().any(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut values: Vec<&str> = col.to_vec();
    values.sort_unstable();
    values.dedup();
    let lines: usize = members.iter().map(|&d| distinct[d].members.len()).sum();
    values.len() >= 3 && values.len() * 2 > lines
}

/// Splits a cluster whose members are farther apart than `max` from its first member.
fn split_far(m: &[Vec<f32>], block: &[usize], members: &[usize], max: f32) -> Vec<Vec<usize>> {
    let pos = |d: usize| block.iter().position(|&b| b == d).unwrap_or(0);
    let mut rest: Vec<usize> = members.to_vec();
    let mut out = Vec::new();
    while let Some(&seed) = rest.first() {
        let (near, far): (Vec<usize>, Vec<usize>) =
            rest.iter().partition(|&&d| m[pos(seed)][pos(d)] <= max);
        out.push(near);
        rest = far;
    }
    out
}

/// For each context (the tokens before and after), the plain words seen between them across
/// all sequences. A column is constant only if its context is not a place where many
/// different words occur elsewhere in the log (`for root from`, `for alice from`, … make the
/// word after `for` a variable, even in a cluster where it takes few values).
#[derive(Default)]
struct Contexts {
    words: FxHashMap<(Tok, Tok), rustc_hash::FxHashSet<Tok>>,
}

/// Words a context may hold and still be a place for constants: the same few values a column
/// may hold ([`template::FEW_VALUES`]; one count for "a few", not two).
const CONTEXT_CONSTANTS: usize = template::FEW_VALUES;

impl Contexts {
    fn build(distinct: &[Distinct]) -> Contexts {
        let mut c = Contexts::default();
        for d in distinct {
            for pos in 0..d.masked.len() {
                if template::is_plain_word(&d.masked[pos]) {
                    let set = c.words.entry(Self::key(&d.masked, pos)).or_default();
                    if set.len() <= CONTEXT_CONSTANTS {
                        set.insert(d.masked[pos].clone());
                    }
                }
            }
        }
        c
    }

    fn key(m: &[Tok], pos: usize) -> (Tok, Tok) {
        let prev = if pos > 0 {
            m[pos - 1].clone()
        } else {
            Tok::new_inline("^")
        };
        let next = m
            .get(pos + 1)
            .cloned()
            .unwrap_or_else(|| Tok::new_inline("$"));
        (prev, next)
    }

    fn is_constant(&self, m: &[Tok], pos: usize) -> bool {
        self.words
            .get(&Self::key(m, pos))
            .is_none_or(|s| s.len() <= CONTEXT_CONSTANTS)
    }
}

/// Undoes a merge that keeps half or fewer of the words of its largest member.
fn keep_words(distinct: &[Distinct], g: Vec<usize>) -> Vec<Vec<usize>> {
    if g.len() < 2 {
        return vec![g];
    }
    let masked: Vec<(&[Tok], usize)> = g
        .iter()
        .map(|&d| (distinct[d].masked.as_slice(), distinct[d].members.len()))
        .collect();
    let tpl = template::template_of(&masked);
    // The constant words a token stands for: a plain word one; a closing record of
    // `;`-separated pairs the keys it has at least (`TTY=… ; PWD=… ; USER=…`), constant words
    // of the message as a word is.
    let words = |x: &Tok| {
        if x == mask::SEMICOLON_RUN {
            mask::SEMICOLON_PAIRS
        } else {
            usize::from(template::is_plain_word(x))
        }
    };
    let kept: usize = tpl.iter().map(|x| words(&Tok::from(x.as_str()))).sum();
    let reference = masked
        .iter()
        .max_by_key(|(m, n)| (*n, m.len()))
        .map_or(0, |(m, _)| m.iter().map(words).sum());
    // Nor may it keep only short words (`<*> <*> to <*>`): those name no event type.
    let content = |x: &str| {
        x == mask::SEMICOLON_RUN
            || template::is_plain_word(x)
                && x.trim_matches(|c: char| !c.is_alphanumeric())
                    .chars()
                    .count()
                    >= CONTENT_WORD
    };
    let keeps_content =
        tpl.iter().any(|x| content(x)) || !masked.iter().any(|(m, _)| m.iter().any(|x| content(x)));
    // A merge keeps a type when it keeps most of its words (all, when it has none): one that
    // keeps half of them has lost as much as it kept (`boot (command <*>)` and
    // `wait (command <*>)` share one word of two).
    if (kept * 2 > reference || kept >= reference) && keeps_content {
        vec![g]
    } else {
        g.into_iter().map(|d| vec![d]).collect()
    }
}

/// Fewest letters of a word that can name an event type (shorter ones: `to`, `of`, `in`).
const CONTENT_WORD: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_split_clusters() {
        let texts = [
            "NIFF: node node-129 has detected an available network connection on network 10.128.0.0 via interface ee0",
            "NIFF: node node-130 has detected an available network connection on network 10.128.0.0 via interface ee0",
            "NIFF: node node-12 has detected an available network connection on network 5.5.224.0 via interface alt0",
            "NIFF: node node-13 has detected an available network connection on network 5.5.224.0 via interface alt0",
            "NIFF: node node-14 detected a failed network connection on network 5.5.224.0 via interface alt0",
        ];
        let c = cluster_texts(&texts, &Config::default());
        assert_eq!(c.len(), 3, "{c:?}");
    }

    #[test]
    fn a_merge_that_keeps_only_short_words_is_undone() {
        let texts = [
            "autopurge.snapRetainCount set to 3",
            "tickTime set to 2000",
            "Snapshotting: 0x300000dcd to /var/lib/zookeeper/version-2/snapshot.300000dcd",
            "autopurge.purgeInterval set to 0",
            "Snapshotting: 0x50000062e to /var/lib/zookeeper/version-2/snapshot.50000062e",
            "maxSessionTimeout set to -1",
            "minSessionTimeout set to -1",
        ];
        // The merge of all of them (as HDBSCAN made it on a whole log) keeps `to` alone.
        let mut set = ShapeSet::default();
        for (i, t) in texts.iter().enumerate() {
            set.add(mask::mask_message(t), i);
        }
        let all: Vec<usize> = (0..set.distinct.len()).collect();
        assert!(keep_words(&set.distinct, all).len() > 1);
        // A merge that keeps a word of its own stays (`<*> set to <*>`).
        let set_to: Vec<usize> = (0..set.distinct.len())
            .filter(|&d| set.distinct[d].masked.iter().any(|t| t == "set"))
            .collect();
        assert_eq!(keep_words(&set.distinct, set_to).len(), 1);
    }

    #[test]
    fn a_column_of_codes_each_seen_once_is_data() {
        let texts: Vec<String> = ["J05", "J08", "J14", "J15", "J16"]
            .iter()
            .map(|s| format!("VPD check: U01 node in slot {s} do not match"))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let c = cluster_texts(&refs, &Config::default());
        assert_eq!(c.len(), 1, "{c:?}");
        // States repeat: two of them over many lines stay two types.
        let mut states: Vec<&str> = vec!["link state S01 entered"; 5];
        states.extend(vec!["link state S02 entered"; 5]);
        assert_eq!(cluster_texts(&states, &Config::default()).len(), 2);
    }

    #[test]
    fn a_merge_that_keeps_half_of_the_words_is_undone() {
        // A command's name and its number: the name is the type (`boot`, `wait`, `halt`).
        let mut texts = Vec::new();
        for i in 0..30 {
            let cmd = ["boot", "wait", "halt", "bootGenvmunix", "clusterAddMember"][i % 5];
            texts.push(format!("{cmd} (command {})", 2000 + i * 37));
        }
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let c = cluster_texts(&texts, &Config::default());
        let mut templates: Vec<&str> = c.iter().map(|c| c.template.as_str()).collect();
        templates.sort_unstable();
        assert_eq!(
            templates,
            [
                "boot (command <*>)",
                "bootGenvmunix (command <*>)",
                "clusterAddMember (command <*>)",
                "halt (command <*>)",
                "wait (command <*>)"
            ],
            "{c:?}"
        );
    }

    #[test]
    fn records_of_semicolon_pairs_are_one_type_whatever_their_values() {
        // sudo's command records: the user before the record and the record's optional keys
        // and spaced values vary; the event type does not.
        let texts = [
            "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id",
            "bob : TTY=pts/3 ; PWD=/root ; USER=root ; ENV=LANG=C ; COMMAND=/usr/bin/apt-get -y upgrade",
            "deploy : TTY=unknown ; PWD=/srv/app ; USER=postgres ; GROUP=postgres ; COMMAND=/usr/bin/psql",
            "carol : TTY=pts/1 ; PWD=/home/carol ; USER=root ; COMMAND=/bin/ls /root",
        ];
        let c = cluster_texts(&texts, &Config::default());
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].template, "<*> : <*;*>");
    }
}
