//! Two rule trees compared package by package: added, removed and changed packages, a unified
//! diff per changed file, and each touched package's validation status on both sides.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use xp_package::{KnownFailures, ValidateOptions};

use crate::metrics::{self, ReportDiff};
use crate::{Error, Result};

/// What happened to a package or a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in NEW.
    Added,
    /// Only in OLD.
    Removed,
    /// In both, different.
    Changed,
}

/// One file that differs.
#[derive(Clone, Debug, Serialize)]
pub struct FileChange {
    /// Path relative to its package (or to the tree for files outside packages).
    pub path: String,
    /// What happened.
    pub change: Change,
    /// Unified diff (`a/PATH`, `b/PATH`), or a note for files that are not UTF-8 text.
    pub diff: String,
}

/// Validation of one package on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Test pairs run.
    pub pairs: usize,
    /// Pairs reproduced.
    pub passed: usize,
    /// The first failure (`raw_N: first line of the reason`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_failure: Option<String>,
}

impl Status {
    /// Every test pair passes and there is at least one (or the formula compiles without tests).
    pub fn validates(&self) -> bool {
        self.first_failure.is_none()
    }
}

/// One package that differs.
#[derive(Clone, Debug, Serialize)]
pub struct PackageChange {
    /// Package folder relative to the tree (`Vendor/Product/source/Rule`).
    pub dir: String,
    /// What happened.
    pub change: Change,
    /// The files that differ.
    pub files: Vec<FileChange>,
    /// Validation in OLD (absent for added packages).
    pub old_status: Option<Status>,
    /// Validation in NEW (absent for removed packages).
    pub new_status: Option<Status>,
}

impl PackageChange {
    /// Validated in OLD and no longer in NEW (a removed package is not a regression of its own).
    pub fn stopped_validating(&self) -> bool {
        matches!((&self.old_status, &self.new_status), (Some(o), Some(n)) if o.validates() && !n.validates())
            || matches!((&self.old_status, &self.new_status), (None, Some(n)) if !n.validates())
    }
}

/// The comparison of two trees.
#[derive(Clone, Debug, Serialize)]
pub struct TreeDiff {
    /// OLD as given.
    pub old: PathBuf,
    /// NEW as given.
    pub new: PathBuf,
    /// Packages that differ, sorted by folder.
    pub packages: Vec<PackageChange>,
    /// Packages identical on both sides.
    pub unchanged: usize,
    /// Files outside packages that differ (`summary.md`, …; `report.json` goes to `metrics`).
    pub other_files: Vec<FileChange>,
    /// Metric deltas of the trees' `report.json`, when both have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<ReportDiff>,
}

/// The generation report a tree may carry at its root.
pub const TREE_REPORT: &str = "report.json";

/// Compares two rule trees; packages that differ are validated on both sides with `opts`.
pub fn diff_trees(old: &Path, new: &Path, opts: &ValidateOptions) -> Result<TreeDiff> {
    let a = Tree::read(old)?;
    let b = Tree::read(new)?;
    let dirs: BTreeSet<&String> = a.packages.keys().chain(b.packages.keys()).collect();
    let mut packages = Vec::new();
    let mut unchanged = 0;
    for dir in dirs {
        let (fa, fb) = (a.packages.get(dir), b.packages.get(dir));
        let empty = BTreeMap::new();
        let files = diff_files(fa.unwrap_or(&empty), fb.unwrap_or(&empty));
        let change = match (fa, fb) {
            (Some(_), None) => Change::Removed,
            (None, Some(_)) => Change::Added,
            _ if files.is_empty() => {
                unchanged += 1;
                continue;
            }
            _ => Change::Changed,
        };
        packages.push(PackageChange {
            dir: dir.clone(),
            change,
            files,
            old_status: fa.map(|_| status(&old.join(dir), opts)),
            new_status: fb.map(|_| status(&new.join(dir), opts)),
        });
    }
    let mut other_a = a.other;
    let mut other_b = b.other;
    let rep_a = other_a.remove(TREE_REPORT);
    let rep_b = other_b.remove(TREE_REPORT);
    let metrics = match (rep_a, rep_b) {
        (Some(x), Some(y)) => Some(metrics::diff_values(
            &metrics::parse(&old.join(TREE_REPORT), &x)?,
            &metrics::parse(&new.join(TREE_REPORT), &y)?,
        )),
        _ => None,
    };
    Ok(TreeDiff {
        old: old.to_path_buf(),
        new: new.to_path_buf(),
        packages,
        unchanged,
        other_files: diff_files(&other_a, &other_b),
        metrics,
    })
}

/// A tree read into memory: package folder → (file → bytes), and the files outside packages.
struct Tree {
    packages: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    other: BTreeMap<String, Vec<u8>>,
}

/// A file of a tree or a report, at most [`xp_package::MAX_FILE_BYTES`] whatever its size
/// claims (`/dev/zero` claims none).
pub(crate) fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    xp_package::read_limited(path, xp_package::MAX_FILE_BYTES).map_err(|e| match e {
        xp_package::Error::Io { path, source } => Error::Io { path, source },
        other => Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(other.to_string()),
        },
    })
}

fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl Tree {
    fn read(root: &Path) -> Result<Tree> {
        if !root.exists() {
            return Err(Error::NotFound(root.to_path_buf()));
        }
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for e in walkdir::WalkDir::new(root).sort_by_file_name() {
            let e = e.map_err(|e| Error::Io {
                path: e.path().unwrap_or(root).to_path_buf(),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("a symbolic-link loop")),
            })?;
            if !e.file_type().is_file() {
                continue;
            }
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .to_path_buf();
            let bytes = read_bounded(e.path())?;
            files.push((rel, bytes));
        }
        let package_dirs: BTreeSet<PathBuf> = files
            .iter()
            .filter(|(p, _)| p.file_name().is_some_and(|n| n == "formula.xp"))
            .map(|(p, _)| p.parent().map(Path::to_path_buf).unwrap_or_default())
            .collect();
        let mut tree = Tree {
            packages: package_dirs
                .iter()
                .map(|d| (slash(d), BTreeMap::new()))
                .collect(),
            other: BTreeMap::new(),
        };
        for (rel, bytes) in files {
            // The innermost package folder holding the file.
            let owner = rel.ancestors().skip(1).find(|a| package_dirs.contains(*a));
            match owner {
                Some(d) => {
                    let inner = rel.strip_prefix(d).unwrap_or(&rel);
                    if let Some(m) = tree.packages.get_mut(&slash(d)) {
                        m.insert(slash(inner), bytes);
                    }
                }
                None => {
                    tree.other.insert(slash(&rel), bytes);
                }
            }
        }
        Ok(tree)
    }
}

fn diff_files(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<FileChange> {
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let (x, y) = (a.get(name), b.get(name));
        let change = match (x, y) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(_), Some(_)) => Change::Changed,
            (Some(_), None) => Change::Removed,
            (None, _) => Change::Added,
        };
        out.push(FileChange {
            path: name.clone(),
            change,
            diff: unified(name, x.map(Vec::as_slice), y.map(Vec::as_slice)),
        });
    }
    out
}

/// A unified diff of one file; either side may be absent.
pub fn unified(name: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> String {
    fn text(b: Option<&[u8]>) -> std::result::Result<&str, std::str::Utf8Error> {
        b.map_or(Ok(""), std::str::from_utf8)
    }
    match (text(old), text(new)) {
        (Ok(x), Ok(y)) => {
            let (ha, hb) = (
                old.map_or("/dev/null".to_string(), |_| format!("a/{name}")),
                new.map_or("/dev/null".to_string(), |_| format!("b/{name}")),
            );
            similar::TextDiff::from_lines(x, y)
                .unified_diff()
                .context_radius(3)
                .header(&ha, &hb)
                .to_string()
        }
        _ => format!(
            "binary file {name} differs ({} → {} bytes)\n",
            old.map_or(0, <[u8]>::len),
            new.map_or(0, <[u8]>::len)
        ),
    }
}

fn status(dir: &Path, opts: &ValidateOptions) -> Status {
    match xp_package::validate(&[dir.to_path_buf()], opts, &KnownFailures::default()) {
        Ok(r) => Status {
            pairs: r.pairs,
            passed: r.passed,
            first_failure: r.failures.first().map(|f| {
                format!(
                    "{}: {}",
                    f.test,
                    f.diff.lines().next().unwrap_or("fails").trim()
                )
            }),
        },
        Err(e) => Status {
            pairs: 0,
            passed: 0,
            first_failure: Some(e.to_string()),
        },
    }
}
