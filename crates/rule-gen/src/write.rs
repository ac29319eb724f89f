//! Writing a generated tree atomically: everything goes to a temporary sibling folder that is
//! renamed into place at the end, so a failure leaves nothing half-written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Errors of writing the output.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder exists and is not empty.
    #[error("{0}: the output folder is not empty (use --force to replace it)")]
    NotEmpty(PathBuf),
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` (relative path → content) as the folder `dir`, replacing it when `force`.
pub fn write_tree(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
    force: bool,
) -> Result<(), WriteError> {
    let non_empty = dir.is_dir() && std::fs::read_dir(dir).map_err(io(dir))?.next().is_some();
    if dir.exists() && !dir.is_dir() || non_empty && !force {
        return Err(WriteError::NotEmpty(dir.to_path_buf()));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = dir
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().to_string());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    let result = (|| {
        // Each folder once, a level at a time so that its parent is there, the folders of a
        // level on every core; then the files on every core (a KB of 100,000 rules is some
        // 300,000 folders and 450,000 files, and the file system's work on each, most of it
        // the kernel's time on a disk, can run side by side).
        let dirs: rustc_hash::FxHashSet<&Path> =
            files.keys().filter_map(|rel| rel.parent()).collect();
        let mut dirs: Vec<(usize, &Path)> = dirs
            .into_iter()
            .map(|d| (d.components().count(), d))
            .collect();
        dirs.sort_unstable();
        std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
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
        .collect::<Result<(), WriteError>>()?;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::rename(&tmp, dir).map_err(io(dir))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_empty_and_replaces_with_force() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("keep"), "x").unwrap();
        let files = BTreeMap::from([(PathBuf::from("a/b.txt"), "hi".to_string())]);
        assert!(matches!(
            write_tree(&out, &files, false),
            Err(WriteError::NotEmpty(_))
        ));
        assert!(out.join("keep").exists());
        write_tree(&out, &files, true).unwrap();
        assert!(!out.join("keep").exists());
        assert_eq!(std::fs::read_to_string(out.join("a/b.txt")).unwrap(), "hi");
    }

    #[test]
    fn writes_folders_of_every_depth() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("kb");
        let files: BTreeMap<PathBuf, String> = (0..40)
            .flat_map(|i| {
                [
                    (format!("V/P/s/rule_{i}/formula.xp"), format!("f{i}")),
                    (format!("V/P/s/rule_{i}/tests/raw_1.txt"), format!("r{i}")),
                    (format!("V/P/s/rule_{i}/i18n/i18n_en.yaml"), format!("e{i}")),
                ]
            })
            .chain([
                ("report.json".into(), "{}".into()),
                ("x/y/z/w/v.txt".into(), "deep".into()),
            ])
            .map(|(k, v)| (PathBuf::from(k), v))
            .collect();
        write_tree(&out, &files, false).unwrap();
        for (rel, content) in &files {
            assert_eq!(&std::fs::read_to_string(out.join(rel)).unwrap(), content);
        }
        fn count_files(dir: &Path) -> usize {
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .map(|p| if p.is_dir() { count_files(&p) } else { 1 })
                .sum()
        }
        assert_eq!(count_files(&out), files.len());
    }
}
