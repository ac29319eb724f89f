//! Evaluation of normforge's parts against benchmarks: log-parsing accuracy on loghub, and
//! generated rules against an expert knowledge base.
#![deny(missing_docs)]

pub mod chrf;
pub mod ecs;
pub mod kb;
pub mod loghub;
pub mod metrics;
pub mod page;
pub mod split;
