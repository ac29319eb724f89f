//! `normforge validate <PATH>...`.

use std::path::{Path, PathBuf};

use xp_eval::CompileOptions;
use xp_package::{validate, KnownFailures, ValidateOptions};

use crate::cli::RunArgs;
use crate::exit::{FAILED, OK};

pub fn run(
    paths: &[PathBuf],
    json: bool,
    known: Option<&Path>,
    quiet: bool,
    args: &RunArgs,
) -> anyhow::Result<u8> {
    let known = match known {
        Some(p) => KnownFailures::load(p)?,
        None => KnownFailures::default(),
    };
    let opts = ValidateOptions {
        run: super::run_options(args),
        compile: CompileOptions {
            strict: args.strict,
        },
    };
    let report = validate(paths, &opts, &known)?;
    if json {
        crate::outln!("{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        for f in &report.failures {
            let tag = if f.known.is_some() {
                "known failure"
            } else {
                "FAILED"
            };
            crate::outln!("{tag}: {} {}", f.rule, f.test)?;
            if let Some(r) = &f.known {
                crate::outln!("  reason: {r}")?;
            }
            if !quiet {
                for line in f.diff.lines() {
                    crate::outln!("  {line}")?;
                }
            }
        }
        for s in &report.stale_known {
            crate::outln!("now passes (remove it from the known failures): {s}")?;
        }
        let known_n = report.failed - report.unexpected;
        let extra = if known_n > 0 {
            format!(" ({known_n} known)")
        } else {
            String::new()
        };
        crate::outln!("{} rules, {} pairs", report.rules, report.pairs)?;
        crate::outln!("{} passed, {} failed{extra}", report.passed, report.failed)?;
    }
    Ok(if report.unexpected > 0 { FAILED } else { OK })
}
