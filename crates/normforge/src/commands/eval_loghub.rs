//! `normforge eval loghub <DIR>`.

use std::path::Path;

use crate::exit::OK;

pub fn run(dir: &Path, json: bool, html: Option<&Path>) -> anyhow::Result<u8> {
    let t0 = std::time::Instant::now();
    let report = evaluation::loghub::evaluate(dir, &log_cluster::Config::default())?;
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
    crate::outln!("| dataset | lines | GA | PA | FGA | FTA |")?;
    crate::outln!("|---|---:|---:|---:|---:|---:|")?;
    for d in &report.datasets {
        crate::outln!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            d.name,
            d.lines,
            d.ga,
            d.pa,
            d.fga,
            d.fta
        )?;
    }
    let m = &report.mean;
    crate::outln!(
        "| **mean** | | {:.3} | {:.3} | {:.3} | {:.3} |",
        m.ga,
        m.pa,
        m.fga,
        m.fta
    )?;
    Ok(OK)
}
