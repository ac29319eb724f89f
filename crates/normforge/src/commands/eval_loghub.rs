//! `normforge eval loghub <DIR>`.

use std::path::Path;

use evaluation::loghub::{Options, Report};
use evaluation::metrics::Scores;

use crate::exit::OK;

pub fn run(
    dir: &Path,
    json: bool,
    html: Option<&Path>,
    sealed: Option<&Path>,
    worst: usize,
) -> anyhow::Result<u8> {
    let t0 = std::time::Instant::now();
    let opts = Options {
        sealed: match sealed {
            Some(p) => super::eval_ecs::sealed_names(p)?,
            None => Vec::new(),
        },
        worst,
    };
    let report = evaluation::loghub::evaluate(dir, &log_cluster::Config::default(), &opts)?;
    if let Some(path) = html {
        let sub = format!(
            "{} datasets under {}; {:.1} s",
            report.datasets.len(),
            dir.display(),
            t0.elapsed().as_secs_f64()
        );
        super::html::write(path, &evaluation::page::loghub_page(&report, &sub))?;
    }
    if json {
        crate::outln!("{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(OK);
    }
    print_text(&report)
}

fn mean_row(name: &str, m: &Scores) -> anyhow::Result<()> {
    crate::outln!(
        "| **{name}** | | {:.3} | {:.3} | {:.3} | {:.3} |",
        m.ga,
        m.pa,
        m.fga,
        m.fta
    )?;
    Ok(())
}

fn print_text(report: &Report) -> anyhow::Result<u8> {
    crate::outln!("| dataset | lines | GA | PA | FGA | FTA |")?;
    crate::outln!("|---|---:|---:|---:|---:|---:|")?;
    for d in &report.datasets {
        crate::outln!(
            "| {}{} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            d.name,
            if d.sealed { " (sealed)" } else { "" },
            d.lines,
            d.ga,
            d.pa,
            d.fga,
            d.fta
        )?;
    }
    mean_row("mean", &report.mean)?;
    if let (Some(o), Some(s)) = (&report.open, &report.sealed) {
        mean_row("mean, open", o)?;
        mean_row("mean, sealed", s)?;
    }
    for d in &report.datasets {
        let Some(e) = &d.errors else { continue };
        if e.over_split.is_empty() && e.under_split.is_empty() && e.templates.is_empty() {
            continue;
        }
        crate::outln!("\n### {}", d.name)?;
        for (kind, groups) in [
            ("over-split", &e.over_split),
            ("under-split", &e.under_split),
        ] {
            for g in groups {
                crate::outln!(
                    "- {kind}, {} lines in {} parts: `{}`",
                    g.lines,
                    g.parts_total,
                    g.template
                )?;
                for p in &g.parts {
                    crate::outln!("    - {}: `{}`", p.lines, p.template)?;
                }
            }
        }
        for t in &e.templates {
            crate::outln!(
                "- template, {} lines: expected `{}`, made `{}`",
                t.lines,
                t.truth,
                t.predicted
            )?;
        }
    }
    Ok(OK)
}
