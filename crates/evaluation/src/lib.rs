//! Evaluation of normforge's parts against benchmarks: log-parsing accuracy on loghub.
#![deny(missing_docs)]

pub mod loghub;
pub mod metrics;
