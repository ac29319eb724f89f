//! Headers for a clustered log, with the clusters they show to be one event type merged: the
//! set `normforge cluster --headers` reports and rule generation builds on.

use log_cluster::events::EventCluster;

use crate::related::related;
use crate::{
    absorbed_by, hits, overlap_after, same_heads, synthesize, ClusterInput, Head, Overlap,
};

/// Clusters with their heads after merging.
#[derive(Clone, Debug)]
pub struct Headed {
    /// The clusters; a merged one keeps the id of its first part.
    pub clusters: Vec<EventCluster>,
    /// The head of each cluster.
    pub heads: Vec<Head>,
    /// Per cluster, the ids of the clusters merged into it.
    pub merged: Vec<Vec<usize>>,
    /// What the heads match beyond their own clusters.
    pub overlap: Overlap,
}

/// The inputs of [`synthesize`] for clusters that kept their member texts.
pub fn inputs(clusters: &[EventCluster]) -> Vec<ClusterInput<'_>> {
    clusters
        .iter()
        .map(|c| ClusterInput {
            kind: c.kind,
            members: c.texts.iter().map(|(_, t)| t.as_str()).collect(),
        })
        .collect()
}

/// Synthesizes the heads of `clusters` (which must keep their texts) and merges the clusters
/// that are one event type: those whose heads came out the same ([`same_heads`]), then TEXT
/// clusters one template covers up to optional words or alternatives ([`related`], their heads
/// synthesized anew), then those whose every event a larger cluster's head matches
/// ([`absorbed`]).
pub fn headed(clusters: &[EventCluster]) -> Headed {
    let first = synthesize(&inputs(clusters));
    let none = vec![Vec::new(); clusters.len()];
    let (c, h, m) = merge(clusters, &first, &same_heads(&first), &none);
    let groups = related(&inputs(&c), &h);
    let (c, h, m) = if groups.iter().any(|g| g.len() > 1) {
        let (c, _, m) = merge(&c, &h, &groups, &m);
        let h = synthesize(&inputs(&c));
        (c, h, m)
    } else {
        (c, h, m)
    };
    // One matching of every event against every head serves both the merge and the overlap.
    let ins = inputs(&c);
    let found = hits(&ins, &h);
    let groups = absorbed_by(&found, &ins, &h);
    let (clusters, heads, merged) = merge(&c, &h, &groups, &m);
    let overlap = overlap_after(&found, &groups);
    Headed {
        clusters,
        heads,
        merged,
        overlap,
    }
}

/// Merges groups `[kept, merged…]`: members, texts and counts add up under the first;
/// `merged` carries the ids merged so far.
fn merge(
    clusters: &[EventCluster],
    heads: &[Head],
    groups: &[Vec<usize>],
    merged: &[Vec<usize>],
) -> (Vec<EventCluster>, Vec<Head>, Vec<Vec<usize>>) {
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for group in groups {
        let mut c = clusters[group[0]].clone();
        let mut h = heads[group[0]].clone();
        let mut ids = merged[group[0]].clone();
        for &k in &group[1..] {
            let o = &clusters[k];
            c.size += o.size;
            c.members.extend_from_slice(&o.members);
            c.texts.extend(o.texts.iter().cloned());
            h.matched += heads[k].matched;
            h.size += heads[k].size;
            ids.push(o.id);
            ids.extend_from_slice(&merged[k]);
        }
        c.members.sort_unstable();
        c.texts.sort_by_key(|(l, _)| *l);
        ids.sort_unstable();
        out.0.push(c);
        out.1.push(h);
        out.2.push(ids);
    }
    out
}
