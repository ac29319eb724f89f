//! The known-failures allowlist: `<rule path> <test> <reason…>` per line, `#` comments.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

/// Allowed failures, `(rule, test) → reason`.
#[derive(Clone, Debug, Default)]
pub struct KnownFailures {
    /// Entries.
    pub entries: BTreeMap<(String, String), String>,
}

impl KnownFailures {
    /// Reads the file.
    pub fn load(path: &Path) -> Result<KnownFailures> {
        let text = crate::package::read_text(path)?;
        KnownFailures::parse(&text).map_err(|(line, message)| Error::KnownFailures {
            path: path.to_path_buf(),
            line,
            message,
        })
    }

    /// Parses the text; `Err((line, message))`.
    pub fn parse(text: &str) -> std::result::Result<KnownFailures, (usize, String)> {
        let mut entries = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let mut parts = t.splitn(3, char::is_whitespace);
            let (Some(rule), Some(test)) = (parts.next(), parts.next()) else {
                return Err((i + 1, "expected `<rule path> <test> <reason>`".into()));
            };
            let reason = parts.next().unwrap_or("").trim().to_string();
            if reason.is_empty() {
                return Err((i + 1, "every known failure needs a reason".into()));
            }
            entries.insert((rule.to_string(), test.to_string()), reason);
        }
        Ok(KnownFailures { entries })
    }

    /// The reason when `(rule, test)` is listed.
    pub fn reason(&self, rule: &str, test: &str) -> Option<&str> {
        self.entries
            .get(&(rule.to_string(), test.to_string()))
            .map(String::as_str)
    }
}
