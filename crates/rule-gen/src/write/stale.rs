//! What a killed run leaves beside the output folder `DIR`: `.DIR.tmp-PID` (a new tree, maybe
//! incomplete) and `.DIR.old-PID` (the previous tree, complete, set aside for the new one).
//! A folder is stale when its process is gone (or is this process: it has written nothing yet).
//! A stale old tree is restored when `DIR` is missing (the run died between the two renames);
//! every other stale folder is removed. A folder of a live process is left alone, and so is
//! every folder on a system where liveness cannot be told.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use super::{io, WriteError};

/// What [`recover`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// The old tree put back as the output folder, when one was.
    pub restored: Option<PathBuf>,
    /// Stale folders removed.
    pub removed: Vec<PathBuf>,
}

/// The kind and process of a sibling of `DIR` named `.DIR.tmp-PID` or `.DIR.old-PID`.
fn parse(entry: &OsStr, name: &str) -> Option<(Kind, u32)> {
    let rest = entry.to_str()?.strip_prefix('.')?.strip_prefix(name)?;
    let (kind, pid) = if let Some(pid) = rest.strip_prefix(".tmp-") {
        (Kind::Tmp, pid)
    } else {
        (Kind::Old, rest.strip_prefix(".old-")?)
    };
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind, pid.parse().ok()?))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Tmp,
    Old,
}

/// Whether the process `pid` may still be writing (always, where that cannot be told).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Restores or removes what killed runs left beside `parent/name`.
pub fn recover(parent: &Path, name: &OsStr) -> Result<Recovery, WriteError> {
    let mut done = Recovery::default();
    // A name that is not UTF-8 is matched by nobody: its leftovers stay.
    let Some(name) = name.to_str() else {
        return Ok(done);
    };
    let mut stale: Vec<(Kind, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(parent).map_err(io(parent))? {
        let entry = entry.map_err(io(parent))?;
        if let Some((kind, pid)) = parse(&entry.file_name(), name) {
            if !alive(pid) && entry.file_type().is_ok_and(|t| t.is_dir()) {
                stale.push((kind, entry.path()));
            }
        }
    }
    let dir = parent.join(name);
    if !dir.exists() {
        // The newest old tree, should several runs have died there.
        let newest = stale
            .iter()
            .enumerate()
            .filter(|(_, (k, _))| *k == Kind::Old)
            .max_by_key(|(_, (_, p))| std::fs::metadata(p).and_then(|m| m.modified()).ok())
            .map(|(i, _)| i);
        if let Some(i) = newest {
            let (_, old) = stale.swap_remove(i);
            std::fs::rename(&old, &dir).map_err(io(&old))?;
            done.restored = Some(old);
        }
    }
    for (_, p) in stale {
        // A folder that cannot be removed now is tried again by the next run.
        if std::fs::remove_dir_all(&p).is_ok() {
            done.removed.push(p);
        }
    }
    done.removed.sort();
    Ok(done)
}

/// `.NAME.KIND-PID`.
pub(crate) fn sibling(name: &OsStr, kind: &str, pid: u32) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(format!(".{kind}-{pid}"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_leftovers() {
        assert_eq!(
            parse(OsStr::new(".out.tmp-123"), "out"),
            Some((Kind::Tmp, 123))
        );
        assert_eq!(parse(OsStr::new(".out.old-7"), "out"), Some((Kind::Old, 7)));
        for other in [
            ".out.tmp-",
            ".out.tmp-12a",
            "out.tmp-1",
            ".outx.tmp-1",
            ".out.new-1",
        ] {
            assert_eq!(parse(OsStr::new(other), "out"), None, "{other}");
        }
        assert_eq!(parse(OsStr::new(".out.tmp-99999999999"), "out"), None);
        assert_eq!(
            sibling(OsStr::new("out"), "old", 5),
            OsString::from(".out.old-5")
        );
    }
}
