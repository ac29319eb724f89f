//! Which folder the output goes to, and which folders are never replaced: the root, a folder
//! that is or holds the working folder or the home folder, and a non-empty folder that is not a
//! previous output of ours (its `report.json` names [`GENERATOR`]); `force` replaces only the
//! last kind, and only when it is ours.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{io, WriteError};

/// The `generator` of a tree's `report.json`.
pub const GENERATOR: &str = "normforge";

/// Bytes of `report.json` read to recognise it (its first key is `generator`).
const REPORT_HEAD: u64 = 4096;

/// The output folder as the parent of its canonical path and its name, so that the temporary
/// and set-aside folders are its siblings, never inside it.
#[derive(Clone, Debug)]
pub struct Target {
    /// The canonical parent folder (created when missing).
    pub parent: PathBuf,
    /// The folder's name.
    pub name: OsString,
}

impl Target {
    /// Resolves `dir` (relative to the working folder): `.`, `..` and symbolic links are
    /// followed to the folder they name.
    pub fn resolve(dir: &Path) -> Result<Self, WriteError> {
        let plain_name = dir
            .file_name()
            .filter(|_| !dir.ends_with(".") && !dir.ends_with(".."));
        let canonical = match plain_name {
            Some(name) if !dir.exists() => {
                let parent = match dir.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                std::fs::create_dir_all(parent).map_err(io(parent))?;
                parent.canonicalize().map_err(io(parent))?.join(name)
            }
            _ => dir.canonicalize().map_err(io(dir))?,
        };
        match (canonical.parent(), canonical.file_name()) {
            (Some(parent), Some(name)) => Ok(Self {
                parent: parent.to_path_buf(),
                name: name.to_os_string(),
            }),
            _ => Err(WriteError::Refused {
                path: canonical,
                why: "it is the root folder",
            }),
        }
    }

    /// The folder's canonical path.
    pub fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }
}

/// The folders a run must not replace, besides the root.
#[derive(Clone, Debug, Default)]
pub struct Protected {
    /// The working folder (canonical).
    pub cwd: Option<PathBuf>,
    /// The home folder (canonical).
    pub home: Option<PathBuf>,
}

impl Protected {
    /// This process's working folder and `$HOME`.
    pub fn here() -> Self {
        Self {
            cwd: std::env::current_dir()
                .ok()
                .and_then(|d| d.canonicalize().ok()),
            home: std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .and_then(|h| PathBuf::from(h).canonicalize().ok()),
        }
    }
}

/// Refuses `dir` (canonical) when it is the root or is or holds a protected folder.
pub fn not_protected(dir: &Path, protected: &Protected) -> Result<(), WriteError> {
    let refused = |why| {
        Err(WriteError::Refused {
            path: dir.to_path_buf(),
            why,
        })
    };
    if dir.parent().is_none() {
        return refused("it is the root folder");
    }
    if protected.cwd.as_deref().is_some_and(|c| c.starts_with(dir)) {
        return refused("it is or holds the working folder");
    }
    if protected
        .home
        .as_deref()
        .is_some_and(|h| h.starts_with(dir))
    {
        return refused("it is or holds the home folder");
    }
    Ok(())
}

/// Whether `dir` (canonical, [`not_protected`]) may be written: absent, empty, or (with
/// `force`) a previous output of ours.
pub fn may_replace(dir: &Path, force: bool) -> Result<(), WriteError> {
    let Ok(meta) = std::fs::metadata(dir) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(WriteError::NotAFolder(dir.to_path_buf()));
    }
    if std::fs::read_dir(dir).map_err(io(dir))?.next().is_none() {
        return Ok(());
    }
    if !is_our_output(dir) {
        return Err(WriteError::Refused {
            path: dir.to_path_buf(),
            why:
                "the folder is not empty and is not a previous normforge output (no report.json of ours)",
        });
    }
    if force {
        Ok(())
    } else {
        Err(WriteError::NotEmpty(dir.to_path_buf()))
    }
}

/// Whether `dir` holds a `report.json` written by us.
pub fn is_our_output(dir: &Path) -> bool {
    let Ok(f) = std::fs::File::open(dir.join("report.json")) else {
        return false;
    };
    let mut bytes = Vec::new();
    if f.take(REPORT_HEAD).read_to_end(&mut bytes).is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&bytes);
    let head = head.trim_start();
    head.starts_with('{')
        && (head.contains(&format!("\"generator\": \"{GENERATOR}\""))
            // Trees of versions before the `generator` key.
            || head.contains("\"header_checks_cut\"") && head.contains("\"rejected_lines\""))
}
