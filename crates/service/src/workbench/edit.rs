//! A reviewer's edit of a rule: compiled, run on every event of its cluster, and kept only when
//! it compiles and normalizes them all; its tests' expected events (`tests/norm_N.js`) are then
//! made anew from the edit, and the diff of formula and tests shown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use xp_eval::{CompileOptions, Outcome, Rule, RunOptions};

/// Longest formula accepted, bytes.
pub const MAX_FORMULA: usize = 256 << 10;

/// Failing events listed, at most.
const MAX_FAILURES: usize = 10;

/// A kept edit.
#[derive(Clone, Debug)]
pub struct Edit {
    /// The edited formula.xp.
    pub formula: String,
    /// The package's files the edit replaces (`formula.xp`, `tests/norm_N.js`), relative to
    /// the package folder.
    pub files: BTreeMap<PathBuf, String>,
    /// The unified diff of those files against the generated ones.
    pub diff: String,
}

/// A diagnostic at its line.
#[derive(Clone, Debug, Serialize)]
pub struct Diag {
    /// 1-based line (0: the whole formula).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// `XP0102`, …
    pub code: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
}

/// An event the edit does not normalize.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// Its first line in the log.
    pub line: u32,
    /// Why.
    pub reason: String,
}

/// What re-validating an edit gives.
#[derive(Clone, Debug, Serialize)]
pub struct Revalidated {
    /// It compiles and normalizes every event of the cluster: it is kept.
    pub valid: bool,
    /// Compiler errors and warnings.
    pub diagnostics: Vec<Diag>,
    /// Events normalized.
    pub matched: usize,
    /// Events of the cluster.
    pub total: usize,
    /// The first events it does not normalize.
    pub failures: Vec<Failure>,
    /// Diff of the package's files (formula and tests) against the generated ones.
    pub diff: String,
}

/// The diagnostics of `source` at their lines.
pub fn diags(source: &str, d: &[xp_syntax::Diagnostic]) -> Vec<Diag> {
    d.iter()
        .map(|d| {
            let (line, column) = d.span.map_or((0, 0), |s| {
                xp_syntax::span::line_col(source, s.start as usize)
            });
            Diag {
                line,
                column,
                code: d.code.to_string(),
                severity: if d.is_error() { "error" } else { "warning" },
                message: d.message.clone(),
            }
        })
        .collect()
}

/// Re-validates `formula` for the package at `dir` (its generated files in `files`) on the
/// cluster's `events` (`(first line, text)`). Returns the outcome and, when valid, the edit.
pub fn revalidate(
    formula: &str,
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
    events: &[(u32, &str)],
    year: i32,
) -> (Revalidated, Option<Edit>) {
    let mut out = Revalidated {
        valid: false,
        diagnostics: Vec::new(),
        matched: 0,
        total: events.len(),
        failures: Vec::new(),
        diff: String::new(),
    };
    if formula.len() > MAX_FORMULA {
        out.diagnostics.push(Diag {
            line: 0,
            column: 0,
            code: "size".into(),
            severity: "error",
            message: format!("the formula is over {MAX_FORMULA} bytes"),
        });
        return (out, None);
    }
    let rule = match Rule::compile(formula, CompileOptions::default()) {
        Ok(r) => {
            out.diagnostics = diags(formula, &r.warnings);
            r
        }
        Err(d) => {
            out.diagnostics = diags(formula, &d);
            return (out, None);
        }
    };
    let opts = RunOptions {
        year,
        ..RunOptions::default()
    };
    for &(line, raw) in events {
        match normalize(&rule, raw, &opts) {
            Ok(_) => out.matched += 1,
            Err(reason) if out.failures.len() < MAX_FAILURES => {
                out.failures.push(Failure { line, reason });
            }
            Err(_) => {}
        }
    }
    // The package's tests, made anew from the edit.
    let mut changed = BTreeMap::new();
    changed.insert(PathBuf::from("formula.xp"), formula.to_string());
    for (path, raw) in files.iter().filter_map(|(p, c)| {
        let rel = p.strip_prefix(dir).ok()?;
        let name = rel.file_name()?.to_str()?;
        (rel.parent() == Some(Path::new("tests")) && name.starts_with("raw_")).then_some((rel, c))
    }) {
        let norm = path.with_file_name(
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .replacen("raw_", "norm_", 1)
                .replace(".txt", ".js"),
        );
        match normalize(&rule, raw, &opts) {
            Ok(fields) => {
                let mut text = serde_json::to_string_pretty(&serde_json::Value::Object(fields))
                    .unwrap_or_default();
                text.push('\n');
                changed.insert(norm, text);
            }
            Err(reason) => {
                if out.failures.len() < MAX_FAILURES {
                    out.failures.push(Failure {
                        line: 0,
                        reason: format!("{}: {reason}", path.display()),
                    });
                }
            }
        }
    }
    out.diff = diff(dir, files, &changed);
    out.valid = out.matched == out.total && out.failures.is_empty();
    let edit = out.valid.then(|| Edit {
        formula: formula.to_string(),
        files: changed,
        diff: out.diff.clone(),
    });
    (out, edit)
}

/// The rule's normalized event of `raw`, or why there is none.
pub(crate) fn normalize(
    rule: &Rule,
    raw: &str,
    opts: &RunOptions,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match rule.normalize(raw, opts) {
        Ok(Outcome::Normalized(ev)) => Ok(ev.to_json()),
        Ok(Outcome::NoMatch(m)) => Err(format!("no match: {m:?}")),
        Ok(Outcome::Dropped) => Err("the rule drops it".into()),
        Err(d) => Err(format!("{}: {}", d.code, d.message)),
    }
}

/// A unified diff per changed file, paths as in the package.
fn diff(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
    changed: &BTreeMap<PathBuf, String>,
) -> String {
    let mut out = String::new();
    for (rel, new) in changed {
        let path = dir.join(rel);
        let old = files.get(&path).map_or("", String::as_str);
        if old == new {
            continue;
        }
        let shown = path.to_string_lossy().replace('\\', "/");
        out.push_str(
            &similar::TextDiff::from_lines(old, new.as_str())
                .unified_diff()
                .context_radius(2)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> BTreeMap<PathBuf, String> {
        BTreeMap::from([
            (
                PathBuf::from("V/r/formula.xp"),
                "TEXT = 'login {$u=WORD}'\nsubject.account.name = $u\n".to_string(),
            ),
            (
                PathBuf::from("V/r/tests/raw_1.txt"),
                "login bob\n".to_string(),
            ),
            (
                PathBuf::from("V/r/tests/norm_1.js"),
                "{\n  \"subject.account.name\": \"bob\"\n}\n".to_string(),
            ),
        ])
    }

    #[test]
    fn a_valid_edit_remakes_the_tests_and_shows_the_diff() {
        let events = [(1, "login bob"), (2, "login eve")];
        let (r, edit) = revalidate(
            "TEXT = 'login {$u=WORD}'\nobject.account.name = $u\n",
            Path::new("V/r"),
            &package(),
            &events,
            2024,
        );
        assert!(r.valid, "{r:?}");
        assert_eq!((r.matched, r.total), (2, 2));
        let edit = edit.unwrap();
        assert!(edit.files[Path::new("tests/norm_1.js")].contains("object.account.name"));
        assert!(r.diff.contains("-subject.account.name = $u"), "{}", r.diff);
        assert!(
            r.diff.contains("+  \"object.account.name\": \"bob\""),
            "{}",
            r.diff
        );
        assert!(r.diff.contains("b/V/r/tests/norm_1.js"), "{}", r.diff);
    }

    #[test]
    fn an_edit_that_misses_an_event_or_does_not_compile_is_not_kept() {
        let events = [(1, "login bob"), (2, "logout eve")];
        let (r, edit) = revalidate(
            "TEXT = 'login {$u=WORD}'\nsubject.account.name = $u\n",
            Path::new("V/r"),
            &package(),
            &events,
            2024,
        );
        assert!(!r.valid && edit.is_none());
        assert_eq!(r.failures[0].line, 2);
        let (r, edit) = revalidate(
            "TEXT = 'login {$u=WORD}'\nsubject.account.name = = $u\n",
            Path::new("V/r"),
            &package(),
            &events,
            2024,
        );
        assert!(!r.valid && edit.is_none());
        assert_eq!(r.diagnostics[0].line, 2, "{:?}", r.diagnostics);
        assert_eq!(r.diagnostics[0].severity, "error");
    }
}
