//! Errors of this crate.

use std::path::PathBuf;

/// What can go wrong reading packages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A path given to validate does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
    /// No rule package (folder with formula.xp) under a path.
    #[error("{0}: no rule package (a folder with formula.xp) found")]
    NoPackages(PathBuf),
    /// An IO error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A known-failures file line that cannot be read.
    #[error("{path}:{line}: {message}")]
    KnownFailures {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Result alias.
pub type Result<T> = std::result::Result<T, Error>;
