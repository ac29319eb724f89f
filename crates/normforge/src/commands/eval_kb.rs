//! `normforge eval kb <KB_DIR>`.

use std::path::{Path, PathBuf};

use crate::exit::OK;

pub fn run(dir: &Path, own: Option<PathBuf>, year: Option<i32>, json: bool) -> anyhow::Result<u8> {
    let own = own.or_else(super::generate::default_kb);
    let year = year.unwrap_or_else(xp_eval::current_year);
    let report = evaluation::kb::evaluate(dir, own.as_deref(), year)?;
    if json {
        crate::outln!("{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(OK);
    }
    let c = &report.conformance;
    crate::outln!(
        "Conformance on the KB's own tests: {}/{} = {:.4}\n",
        c.passed,
        c.pairs,
        if c.pairs == 0 {
            0.0
        } else {
            c.passed as f64 / c.pairs as f64
        }
    )?;
    crate::outln!("Leave-one-source-out generation:\n")?;
    crate::outln!("| kind | events | precision | recall | format accuracy | working rules |")?;
    crate::outln!("|---|---:|---:|---:|---:|---:|")?;
    let row = |name: &str, k: &evaluation::kb::KindScores| {
        format!(
            "| {name} | {} | {:.3} | {:.3} | {:.3} | {:.3} ({}/{}) |",
            k.events,
            k.precision,
            k.recall,
            k.format_accuracy,
            k.working_rate,
            k.working,
            k.clusters
        )
    };
    for (k, s) in &report.by_kind {
        crate::outln!("{}", row(k, s))?;
    }
    crate::outln!("{}", row("**total**", &report.total))?;
    crate::outln!(
        "\n| source | rules | events | precision | recall | format accuracy | working rules |"
    )?;
    crate::outln!("|---|---:|---:|---:|---:|---:|---:|")?;
    for s in &report.sources {
        let k = &s.scores;
        crate::outln!(
            "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            s.source,
            s.rules,
            k.events,
            k.precision,
            k.recall,
            k.format_accuracy,
            k.working_rate
        )?;
    }
    crate::outln!(
        "\ni18n chrF (0–100): en {:.1}, ru {:.1}",
        report.i18n.en_chrf,
        report.i18n.ru_chrf
    )?;
    Ok(OK)
}
