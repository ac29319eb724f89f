//! A rule package on disk and its discovery.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One raw→normalized test pair of a package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestPair {
    /// `raw_N` (the test's name).
    pub name: String,
    /// N.
    pub number: u32,
    /// `tests/raw_N.txt`.
    pub raw: PathBuf,
    /// `tests/norm_N.js` (may not exist).
    pub norm: PathBuf,
}

impl TestPair {
    /// Reads the raw event (BOM removed) and the expected normalized event. `Err` names the
    /// file that cannot be read or is not a JSON object.
    pub fn read(
        &self,
    ) -> std::result::Result<(String, serde_json::Map<String, serde_json::Value>), String> {
        let raw = read_text(&self.raw).map_err(|e| e.to_string())?;
        let norm = read_norm(&self.norm)?;
        Ok((raw.trim_start_matches('\u{feff}').to_string(), norm))
    }
}

/// Reads a norm_N.js: a JSON object (BOM allowed).
pub fn read_norm(
    path: &Path,
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, String> {
    let text = read_text(path).map_err(|e| e.to_string())?;
    match serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}')) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(format!("{}: expected a JSON object", path.display())),
        Err(e) => Err(format!("{}: not valid JSON: {e}", path.display())),
    }
}

/// A rule package folder.
#[derive(Clone, Debug)]
pub struct PackageDir {
    /// The folder.
    pub dir: PathBuf,
}

impl PackageDir {
    /// `formula.xp`.
    pub fn formula_path(&self) -> PathBuf {
        self.dir.join("formula.xp")
    }

    /// Test pairs sorted by N.
    pub fn tests(&self) -> Vec<TestPair> {
        let tdir = self.dir.join("tests");
        let Ok(rd) = std::fs::read_dir(&tdir) else {
            return Vec::new();
        };
        let mut out: Vec<TestPair> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let n = name
                    .strip_prefix("raw_")?
                    .strip_suffix(".txt")?
                    .parse::<u32>()
                    .ok()?;
                Some(TestPair {
                    name: format!("raw_{n}"),
                    number: n,
                    raw: e.path(),
                    norm: tdir.join(format!("norm_{n}.js")),
                })
            })
            .collect();
        out.sort_by_key(|t| t.number);
        out
    }

    /// Reads the formula source (BOM kept; the lexer skips it).
    pub fn read_formula(&self) -> Result<String> {
        read_text(&self.formula_path())
    }
}

/// Reads a UTF-8 text file; invalid UTF-8 is an error naming the byte offset.
pub fn read_text(path: &Path) -> Result<String> {
    read_text_limited(path, MAX_FILE_BYTES)
}

/// Largest file of a rule package (formula, test event, expectation, i18n, metainfo) that is
/// read: 16 MiB, far above any real one, so a device or a huge file cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// At most `limit` bytes of a file, whatever its size claims (a device such as `/dev/zero`
/// claims none); more is an error naming the file and the limit.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    f.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("over the limit of {limit} bytes"),
        )));
    }
    Ok(bytes)
}

/// A UTF-8 text file of at most `limit` bytes ([`read_limited`]).
pub fn read_text_limited(path: &Path, limit: u64) -> Result<String> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        ),
    })
}

/// Every package (folder holding `formula.xp`) at or under each path, sorted by path.
pub fn find_packages(paths: &[PathBuf]) -> Result<Vec<PackageDir>> {
    let mut out = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(Error::NotFound(p.clone()));
        }
        let before = out.len();
        for e in walkdir::WalkDir::new(p)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
        {
            if e.file_type().is_file() && e.file_name() == "formula.xp" {
                if let Some(d) = e.path().parent() {
                    out.push(PackageDir {
                        dir: d.to_path_buf(),
                    });
                }
            }
        }
        if out.len() == before {
            return Err(Error::NoPackages(p.clone()));
        }
    }
    Ok(out)
}
