//! What people review. [`tree::diff_trees`] compares two rule trees package by package (unified
//! diffs per file, validation status before and after); [`metrics::diff_reports`] compares two
//! JSON reports (`eval kb --json`, `eval loghub --json`, a tree's `report.json`) metric by
//! metric; [`markdown`] renders either for a CI job summary or a PR comment; [`regression`]
//! decides whether a change is a regression. No printing.
#![deny(missing_docs)]

pub mod html;
pub mod markdown;
pub mod metrics;
pub mod regression;
pub mod tree;

use std::path::PathBuf;

/// What can go wrong reading the two sides.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A path that cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A report that is not JSON.
    #[error("{path}: not a JSON report: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// Two sides of different nature (a folder and a file).
    #[error("{old} and {new}: compare two rule trees (folders) or two JSON reports (files), not one of each")]
    Mixed {
        /// Old side.
        old: PathBuf,
        /// New side.
        new: PathBuf,
    },
    /// A path that does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
}

/// Result of this crate.
pub type Result<T> = std::result::Result<T, Error>;
