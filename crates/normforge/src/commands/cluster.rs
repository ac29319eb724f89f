//! `normforge cluster <LOG>`: event types of a source log.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use ingest::Rejected;
use log_cluster::events::EventCluster;
use serde::Serialize;

use crate::exit::OK;

/// What clustering a log gives.
pub use pipeline::cluster::Clustered as Report;

/// Member events kept per distinct shape for header synthesis.
const KEEP_TEXTS: usize = pipeline::cluster::KEEP_TEXTS;

/// A cluster with its synthesized head (`cluster --headers`).
#[derive(Serialize)]
struct HeadedCluster<'a> {
    #[serde(flatten)]
    cluster: &'a EventCluster,
    header: String,
    matched: usize,
    method: &'static str,
    /// Ids of other clusters with events this header matches too.
    also_matches: Vec<usize>,
    /// Ids of clusters merged into this one (same header, or every event matched by it).
    merged: Vec<usize>,
}

#[derive(Serialize)]
struct HeadedReport<'a> {
    lines: usize,
    events: usize,
    matched_by_own: usize,
    matched_exactly_once: usize,
    /// Events whose candidate headers past the budget were not checked.
    checks_cut: usize,
    rejected: &'a [Rejected],
    rejected_total: usize,
    clusters: Vec<HeadedCluster<'a>>,
}

/// A progress bar as the pipeline's progress sink.
pub struct Bar(pub indicatif::ProgressBar);

impl pipeline::Progress for Bar {
    fn bytes(&self, read: u64) {
        self.0.set_position(read);
    }
    fn stage(&self, name: &'static str) {
        self.0.set_message(name);
    }
    fn events(&self, n: usize) {
        self.0.inc(n as u64);
    }
}

/// Reads and clusters a log (shared with the commands built on clustering).
pub fn cluster_log(
    log: &Path,
    max_event_bytes: usize,
    quiet: bool,
    keep_texts: usize,
    extractor: &(dyn log_cluster::identifier::IdentifierExtractor + Sync),
) -> anyhow::Result<Report> {
    let (input, total): (Box<dyn BufRead + Send>, u64) = if log.as_os_str() == "-" {
        (Box::new(std::io::BufReader::new(std::io::stdin())), 0)
    } else {
        let f = std::fs::File::open(log)
            .with_context(|| format!("{}: cannot read the log", log.display()))?;
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(std::io::BufReader::with_capacity(1 << 16, f)), len)
    };
    let bar = Bar(crate::progress::bytes(total, quiet));
    let report =
        pipeline::cluster::cluster_stream_with(input, max_event_bytes, keep_texts, &bar, extractor)
            .with_context(|| format!("{}: cannot cluster the log", log.display()))?;
    bar.0.finish_and_clear();
    Ok(report)
}

pub fn run(log: &Path, json: bool, max_event_bytes: usize, headers: bool) -> anyhow::Result<u8> {
    let report = cluster_log(
        log,
        max_event_bytes,
        json,
        if headers { KEEP_TEXTS } else { 0 },
        &log_cluster::identifier::RuleBased,
    )?;
    if headers {
        return run_headers(&report, json);
    }
    if json {
        crate::out::json_line(&report)?;
        return Ok(OK);
    }
    let Report {
        lines,
        events,
        rejected,
        rejected_total,
        clusters,
    } = report;
    crate::outln!(
        "{:>4}  {:>7}  {:<9} {:<32} template",
        "id",
        "size",
        "kind",
        "identifier"
    )?;
    for c in &clusters {
        let ident = c.identifier.as_deref().unwrap_or("-");
        crate::outln!(
            "{:>4}  {:>7}  {:<9} {:<32} {}",
            c.id,
            c.size,
            c.kind.name(),
            clip(ident, 32),
            clip(&c.template, 120)
        )?;
        crate::outln!(
            "{:>4}  {:>7}  {:<9} {:<32} e.g. {}",
            "",
            "",
            "",
            "",
            clip(c.representative.lines().next().unwrap_or(""), 120)
        )?;
    }
    crate::outln!(
        "{lines} lines, {events} events in {} clusters, {rejected_total} rejected",
        clusters.len()
    )?;
    for r in rejected.iter().take(20) {
        crate::outln!("rejected line {}: {}", r.line, r.reason)?;
    }
    if rejected_total > 20 {
        crate::outln!("… {} more rejected (see --json)", rejected_total - 20)?;
    }
    Ok(OK)
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn run_headers(report: &Report, json: bool) -> anyhow::Result<u8> {
    let format_synth::merge::Headed {
        clusters,
        heads,
        merged,
        overlap,
    } = format_synth::merge::headed(&report.clusters);
    let (own, once) = (overlap.own, overlap.once);
    let also =
        |j: usize| -> Vec<usize> { overlap.also[j].iter().map(|&i| clusters[i].id).collect() };
    let header_text = |h: &format_synth::Head| match &h.cond {
        Some(c) => format!("{}\nCOND = {c}", h.header),
        None => h.header.clone(),
    };
    if json {
        let out_clusters = clusters
            .iter()
            .zip(&heads)
            .enumerate()
            .map(|(j, (c, h))| HeadedCluster {
                cluster: c,
                header: header_text(h),
                matched: h.matched,
                method: h.method,
                also_matches: also(j),
                merged: merged[j].clone(),
            })
            .collect();
        let out = HeadedReport {
            lines: report.lines,
            events: report.events,
            matched_by_own: own,
            matched_exactly_once: once,
            checks_cut: overlap.cut,
            rejected: &report.rejected,
            rejected_total: report.rejected_total,
            clusters: out_clusters,
        };
        crate::out::json_line(&out)?;
        return Ok(OK);
    }
    for (j, (c, h)) in clusters.iter().zip(&heads).enumerate() {
        crate::outln!(
            "#{} {} events, {} matched by its header ({})",
            c.id,
            c.size,
            h.matched,
            h.method
        )?;
        if !merged[j].is_empty() {
            let ids: Vec<String> = merged[j].iter().map(|i| format!("#{i}")).collect();
            crate::outln!(
                "    # merged: {} (same event type by their headers)",
                ids.join(", ")
            )?;
        }
        let also = also(j);
        if !also.is_empty() {
            let ids: Vec<String> = also.iter().map(|i| format!("#{i}")).collect();
            crate::outln!("    # also matches events of {}", ids.join(", "))?;
        }
        for l in header_text(h).lines() {
            crate::outln!("    {l}")?;
        }
    }
    crate::outln!("{} lines, {} events in {} clusters; matched by own header {own}, by exactly one header {once}", report.lines, report.events, clusters.len())?;
    if overlap.cut > 0 {
        crate::outln!(
            "budget: {} events had more than {} other candidate headers; those of the largest clusters were checked",
            overlap.cut,
            format_synth::MAX_CHECKS
        )?;
    }
    Ok(OK)
}
