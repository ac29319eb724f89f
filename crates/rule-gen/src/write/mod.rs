//! Writing a generated tree so that no moment of the run, a kill included, loses a complete
//! tree: everything goes to `.DIR.tmp-PID` beside `DIR` (in the parent of its canonical path,
//! never inside it); an existing `DIR` is renamed aside to `.DIR.old-PID`, the new tree renamed
//! into place, and only then the old one deleted. A run finds what a killed run left
//! ([`stale`]): it restores an old tree whose replacement never arrived and removes the rest.
//! Folders that must not be replaced ([`guard`]) are refused whatever `force` says.

pub mod guard;
pub mod stale;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use guard::GENERATOR;

/// Errors of writing the output.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder exists and is not empty.
    #[error("{0}: the output folder is not empty (use --force to replace it)")]
    NotEmpty(PathBuf),
    /// The output path exists and is not a folder.
    #[error("{0}: the output path is a file, not a folder")]
    NotAFolder(PathBuf),
    /// A folder that is never replaced, even with `force`.
    #[error("{path}: refusing to write the output here: {why}")]
    Refused {
        /// The folder (as canonical as it could be made).
        path: PathBuf,
        /// Why.
        why: &'static str,
    },
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` (relative path → content) as the folder `dir`, replacing a previous output
/// there when `force`; says what it recovered from killed runs.
pub fn write_tree(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
    force: bool,
) -> Result<stale::Recovery, WriteError> {
    write_tree_in(dir, files, force, &guard::Protected::here())
}

/// Checks that `dir` may be written (with `force`) after recovering what killed runs left
/// beside it: what a command does before its work, so that a refusal comes first.
pub fn prepare(dir: &Path, force: bool) -> Result<stale::Recovery, WriteError> {
    prepare_in(dir, force, &guard::Protected::here()).map(|(_, r)| r)
}

fn prepare_in(
    dir: &Path,
    force: bool,
    protected: &guard::Protected,
) -> Result<(guard::Target, stale::Recovery), WriteError> {
    let target = guard::Target::resolve(dir)?;
    let path = target.path();
    guard::not_protected(&path, protected)?;
    if std::fs::metadata(&path).is_ok_and(|m| !m.is_dir()) {
        return Err(WriteError::NotAFolder(path));
    }
    // What killed runs left goes first: a restored tree is judged as the folder that was there.
    let recovery = stale::recover(&target.parent, &target.name)?;
    guard::may_replace(&path, force)?;
    Ok((target, recovery))
}

/// [`write_tree`] with the folders to protect given.
pub fn write_tree_in(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
    force: bool,
    protected: &guard::Protected,
) -> Result<stale::Recovery, WriteError> {
    let (target, recovery) = prepare_in(dir, force, protected)?;
    let (parent, name) = (&target.parent, &target.name);
    let dir = target.path();
    let pid = std::process::id();
    let tmp = parent.join(stale::sibling(name, "tmp", pid));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    if let Err(e) = write_files(&tmp, files) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if !dir.exists() {
        std::fs::rename(&tmp, &dir).map_err(io(&dir))?;
        return Ok(recovery);
    }
    let old = parent.join(stale::sibling(name, "old", pid));
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    std::fs::rename(&dir, &old).map_err(io(&dir))?;
    if let Err(source) = std::fs::rename(&tmp, &dir) {
        // Put the old tree back; the new one is left for the next run to remove.
        let _ = std::fs::rename(&old, &dir);
        return Err(WriteError::Io { path: dir, source });
    }
    // The new tree is in place; an old tree that cannot be removed now is a stale folder the
    // next run removes.
    let _ = std::fs::remove_dir_all(&old);
    Ok(recovery)
}

/// Writes the files under `tmp`, made fresh.
fn write_files(tmp: &Path, files: &BTreeMap<PathBuf, String>) -> Result<(), WriteError> {
    // Each folder once, a level at a time so that its parent is there, the folders of a level
    // on every core; then the files on every core (a KB of 100,000 rules is some 300,000
    // folders and 450,000 files, and the file system's work on each, most of it the kernel's
    // time on a disk, can run side by side).
    let dirs: rustc_hash::FxHashSet<&Path> = files.keys().filter_map(|rel| rel.parent()).collect();
    let mut dirs: Vec<(usize, &Path)> = dirs
        .into_iter()
        .map(|d| (d.components().count(), d))
        .collect();
    dirs.sort_unstable();
    std::fs::create_dir_all(tmp).map_err(io(tmp))?;
    for level in dirs.chunk_by(|a, b| a.0 == b.0) {
        format_synth::par::par_map(level, |_, (_, d)| {
            let p = tmp.join(d);
            std::fs::create_dir_all(&p).map_err(io(&p))
        })
        .into_iter()
        .collect::<Result<(), WriteError>>()?;
    }
    let files: Vec<(&PathBuf, &String)> = files.iter().collect();
    format_synth::par::par_map(&files, |_, (rel, content)| {
        let p = tmp.join(rel);
        std::fs::write(&p, content).map_err(io(&p))
    })
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests;
