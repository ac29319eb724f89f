//! `normforge diff <OLD> <NEW>`: two rule trees or two JSON reports.

use review::regression::{self, Thresholds};
use xp_eval::CompileOptions;
use xp_package::ValidateOptions;

use crate::cli::DiffArgs;
use crate::exit::{Coded, FAILED, INPUT, OK};

/// Runs the command.
pub fn run(a: &DiffArgs) -> anyhow::Result<u8> {
    let th = Thresholds::parse(&a.thresholds, a.items).map_err(|m| Coded(INPUT, m))?;
    for p in [&a.old, &a.new] {
        if !p.exists() {
            return Err(Coded(INPUT, format!("{}: no such file or directory", p.display())).into());
        }
    }
    let (json, markdown, regressions) = match (a.old.is_dir(), a.new.is_dir()) {
        (true, true) => {
            let opts = ValidateOptions {
                run: super::run_options(&a.run),
                compile: CompileOptions {
                    strict: a.run.strict,
                },
            };
            let d = review::tree::diff_trees(&a.old, &a.new, &opts)?;
            let r = regression::of_tree(&d, &th);
            let md = review::markdown::tree(&d, &r);
            (serde_json::to_value(&d)?, md, r)
        }
        (false, false) => {
            let d = review::metrics::diff_reports(&a.old, &a.new)?;
            let r = regression::of_report(&d, &th);
            let md = review::markdown::report(
                &a.old.display().to_string(),
                &a.new.display().to_string(),
                &d,
                &r,
            );
            (serde_json::to_value(&d)?, md, r)
        }
        _ => {
            return Err(review::Error::Mixed {
                old: a.old.clone(),
                new: a.new.clone(),
            }
            .into())
        }
    };
    if a.json {
        let mut v = json;
        v["regressions"] = serde_json::to_value(&regressions)?;
        crate::outln!("{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        crate::out!("{markdown}")?;
    }
    Ok(if a.fail_on_regression && !regressions.is_empty() {
        FAILED
    } else {
        OK
    })
}
