//! The main job as a library, shared by the `normforge` commands and the HTTP service:
//! [`cluster::cluster_stream`] reads a source log into event types (one thread reads, two
//! prepare, the caller's folds), [`generate::generate`] turns them into validated rule packages
//! plus `summary.md` and `report.json`. Progress and cancellation go through [`Progress`].
//! No printing.
#![deny(missing_docs)]

pub mod cluster;
pub mod generate;

/// Where a long job reports its progress and learns that it should stop. Every method has a
/// default that does nothing, so a caller implements only what it shows.
pub trait Progress: Sync {
    /// Bytes of the input read so far.
    fn bytes(&self, _read: u64) {}
    /// A new stage starts (`reading`, `clustering`, `headers`, `generating`).
    fn stage(&self, _name: &'static str) {}
    /// `n` more events turned into rules.
    fn events(&self, _n: usize) {}
    /// True when the job should stop (a timeout, a shutdown); checked between batches and
    /// clusters.
    fn cancelled(&self) -> bool {
        false
    }
}

/// A progress sink that shows nothing and never cancels.
pub struct Quiet;

impl Progress for Quiet {}

/// What can stop the job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input cannot be read.
    #[error("read error: {0}")]
    Read(#[from] std::io::Error),
    /// [`Progress::cancelled`] said so.
    #[error("cancelled")]
    Cancelled,
    /// A worker thread died (a bug).
    #[error("internal error: {0}")]
    Internal(String),
}
