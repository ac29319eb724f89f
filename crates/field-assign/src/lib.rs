//! Field assignment: what the content of norm.js is made of.
//!
//! For a cluster with its synthesized head, an [`FieldAssigner`] decides which captured
//! variable (a [`slots::Slot`]) becomes which taxonomy field, and which classification
//! constants (subject, action, object, status, importance, category.*, event_src.*) the rule
//! sets. The deterministic engine ([`engine::Retrieval`]) combines a lexicon of well-known
//! names ([`lexicon`]) with retrieval from an expert knowledge base ([`kb::Kb`]): the KB rules
//! that match the cluster's events, the field↔value alignments learned from every KB test
//! pair, and the constants of the nearest KB rule. The LLM adapters plug in behind the same
//! trait.
#![deny(missing_docs)]

pub mod catalog;
pub mod cef;
pub mod engine;
pub mod errno;
pub mod kb;
pub mod lexicon;
pub mod prose;
mod records;
pub mod slots;
pub mod title;
pub mod tsv;
pub mod why;

pub use why::Why;

use ingest::Kind;
use serde::Serialize;

/// Fields of the event source description.
pub const SOURCE_FIELDS: [&str; 4] = [
    "event_src.vendor",
    "event_src.title",
    "event_src.category",
    "event_src.subsys",
];

/// Fields of the classification.
pub const CLASS_FIELDS: [&str; 8] = [
    "subject",
    "action",
    "object",
    "status",
    "importance",
    "category.generic",
    "category.high",
    "category.low",
];

/// Where a field's value comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", content = "value", rename_all = "snake_case")]
pub enum Source {
    /// An XP expression over the rule's variables (`$user`, `lower($Computer)`).
    Expr(String),
    /// A string constant.
    Const(String),
}

/// One assigned field.
#[derive(Clone, Debug, Serialize)]
pub struct Assigned {
    /// Taxonomy field name.
    pub field: String,
    /// Its value.
    pub source: Source,
    /// Why (`kb-rule`, `learned`, `nearest`, `lexicon`, …), for the report.
    pub why: Why,
}

/// The assignments of one cluster.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Assignment {
    /// Statements the expressions need first (`$kv0 = keyvalue($items["SYSCALL"][0], " ", "=")`).
    pub prelude: Vec<String>,
    /// Fields in the order they are written.
    pub fields: Vec<Assigned>,
}

impl Assignment {
    /// The assignment of `field`, if any.
    pub fn get(&self, field: &str) -> Option<&Assigned> {
        self.fields.iter().find(|a| a.field == field)
    }

    /// The constant value of `field`, if it is a constant.
    pub fn constant(&self, field: &str) -> Option<&str> {
        match self.get(field).map(|a| &a.source) {
            Some(Source::Const(c)) => Some(c),
            _ => None,
        }
    }
}

/// What an assigner sees of a cluster.
#[derive(Clone, Debug)]
pub struct ClusterView<'a> {
    /// Event kind.
    pub kind: Kind,
    /// Header and COND as formula text (`format_synth::Head::formula`).
    pub head: &'a str,
    /// Variables the TEXT template captures.
    pub captures: &'a [String],
    /// Member events (a representative sample is enough).
    pub members: &'a [&'a str],
    /// The cluster's event identifier, if any (`EventID=4624`).
    pub identifier: Option<&'a str>,
}

/// Decides the fields of a cluster's rule.
pub trait FieldAssigner {
    /// A short name for reports (`retrieval`, `llm:norm-fields`).
    fn name(&self) -> &str;
    /// The assignment.
    fn assign(&self, cluster: &ClusterView<'_>) -> Assignment;
    /// The assignments of several clusters, in order. An assigner whose layers each use a
    /// different model overrides it to run one layer over every cluster before the next (one
    /// model load per layer instead of one per cluster and layer).
    fn assign_all(&self, clusters: &[ClusterView<'_>]) -> Vec<Assignment> {
        clusters.iter().map(|c| self.assign(c)).collect()
    }
    /// Clusters to hand [`FieldAssigner::assign_all`] at once. Rule generation builds each
    /// batch's packages on every core and sees a stop request between batches: an assigner
    /// that runs a model keeps batches small (a stop is seen soon); one that only computes
    /// takes large ones (fewer waits for the slowest package of a batch).
    fn batch(&self) -> usize {
        32
    }
}

/// A borrowed assigner assigns as its owner does (so assigners can stack on one another).
impl<T: FieldAssigner + ?Sized> FieldAssigner for &T {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn assign(&self, cluster: &ClusterView<'_>) -> Assignment {
        (**self).assign(cluster)
    }
    fn assign_all(&self, clusters: &[ClusterView<'_>]) -> Vec<Assignment> {
        (**self).assign_all(clusters)
    }
    fn batch(&self) -> usize {
        (**self).batch()
    }
}
