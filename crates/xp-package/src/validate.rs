//! `validate`: run every test pair of every package and compare with its expectation.

use std::path::{Path, PathBuf};

use serde::Serialize;
use xp_eval::{CompileOptions, Outcome, Rule, RunOptions};
use xp_syntax::render_all;
use xp_taxonomy::Taxonomy;

use crate::compare::{compare, render_diff};
use crate::error::Result;
use crate::known::KnownFailures;
use crate::package::{find_packages, read_text, PackageDir};

/// Options of a validation run.
#[derive(Clone, Debug, Default)]
pub struct ValidateOptions {
    /// Normalizer options.
    pub run: RunOptions,
    /// Compile options.
    pub compile: CompileOptions,
}

/// A failed test pair.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// Package path relative to the validated path.
    pub rule: String,
    /// `raw_N` (or `formula` when the rule does not compile and has no tests).
    pub test: String,
    /// What differs: a unified diff of the two events, or the reason the rule produced none.
    pub diff: String,
    /// The allowlist reason, when this failure is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known: Option<String>,
}

/// The result of a validation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Packages seen.
    pub rules: usize,
    /// Test pairs run.
    pub pairs: usize,
    /// Pairs that reproduced their expectation.
    pub passed: usize,
    /// Pairs that did not (known ones included).
    pub failed: usize,
    /// Failures not on the allowlist.
    pub unexpected: usize,
    /// Every failure.
    pub failures: Vec<Failure>,
    /// Allowlist entries whose test now passes (remove them: the list only shrinks).
    pub stale_known: Vec<String>,
}

/// Validates packages at or under `paths`.
pub fn validate(
    paths: &[PathBuf],
    opts: &ValidateOptions,
    known: &KnownFailures,
) -> Result<Report> {
    let mut report = Report::default();
    for root in paths {
        let pkgs = find_packages(std::slice::from_ref(root))?;
        for pkg in pkgs {
            let rel = rel_name(root, &pkg.dir);
            validate_package(&pkg, &rel, opts, known, &mut report);
        }
    }
    report.unexpected = report.failures.iter().filter(|f| f.known.is_none()).count();
    Ok(report)
}

fn rel_name(root: &Path, dir: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(r) if !r.as_os_str().is_empty() => r.to_string_lossy().replace('\\', "/"),
        _ => dir.file_name().map_or_else(
            || dir.to_string_lossy().to_string(),
            |n| n.to_string_lossy().to_string(),
        ),
    }
}

fn validate_package(
    pkg: &PackageDir,
    rel: &str,
    opts: &ValidateOptions,
    known: &KnownFailures,
    report: &mut Report,
) {
    report.rules += 1;
    let tests = pkg.tests();
    let fail = |report: &mut Report, test: &str, diff: String| {
        report.failed += 1;
        report.failures.push(Failure {
            rule: rel.to_string(),
            test: test.to_string(),
            diff,
            known: known.reason(rel, test).map(str::to_string),
        });
    };
    let src = match pkg.read_formula() {
        Ok(s) => s,
        Err(e) => {
            report.pairs += tests.len().max(1);
            for t in &tests {
                fail(report, &t.name, e.to_string());
            }
            if tests.is_empty() {
                fail(report, "formula", e.to_string());
            }
            return;
        }
    };
    let rule = match Rule::compile(&src, opts.compile) {
        Ok(r) => r,
        Err(diags) => {
            let text = render_all(&diags, &pkg.formula_path().to_string_lossy(), &src);
            report.pairs += tests.len().max(1);
            for t in &tests {
                fail(report, &t.name, text.clone());
            }
            if tests.is_empty() {
                fail(report, "formula", text);
            }
            return;
        }
    };
    let tax = Taxonomy::embedded();
    for t in &tests {
        report.pairs += 1;
        match run_pair(&rule, &t.raw, &t.norm, opts, tax) {
            Ok(()) => {
                report.passed += 1;
                if known.reason(rel, &t.name).is_some() {
                    report.stale_known.push(format!("{rel} {}", t.name));
                }
            }
            Err(diff) => fail(report, &t.name, diff),
        }
    }
}

/// Runs one pair; `Err(diff or reason)` when it does not reproduce.
pub fn run_pair(
    rule: &Rule,
    raw_path: &Path,
    norm_path: &Path,
    opts: &ValidateOptions,
    tax: &Taxonomy,
) -> std::result::Result<(), String> {
    let raw = read_text(raw_path).map_err(|e| e.to_string())?;
    let expected = crate::package::read_norm(norm_path)?;
    let actual = match rule.normalize(&raw, &opts.run) {
        Ok(Outcome::Normalized(ev)) => ev.to_json(),
        Ok(Outcome::NoMatch(miss)) => {
            return Err(format!("the rule does not match this event: {miss:?}"))
        }
        Ok(Outcome::Dropped) => return Err("the rule dropped this event".into()),
        Err(d) => return Err(d.render(&raw_path.to_string_lossy(), &raw)),
    };
    let diffs = compare(&expected, &actual, tax);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(render_diff(&expected, &actual, &diffs))
    }
}
