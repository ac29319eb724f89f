//! `normforge cluster <LOG>`: event types of a source log.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use ingest::{Item, Options, Reader, Rejected};
use log_cluster::events::{EventCluster, EventClusterer};
use log_cluster::identifier::RuleBased;
use log_cluster::mask::Masker;
use serde::Serialize;

use crate::exit::OK;

/// Threads that prepare events.
const PREPARE_THREADS: usize = 2;

/// What the preparing threads hand over.
enum Prepared {
    Event(log_cluster::events::Prepared),
    Rejected(Rejected),
}

impl From<log_cluster::events::Prepared> for Prepared {
    fn from(p: log_cluster::events::Prepared) -> Prepared {
        Prepared::Event(p)
    }
}

/// Events handed from the reader thread at a time.
const BATCH: usize = 2048;

/// Rejections kept for the report (all are counted).
const MAX_REJECTED_LISTED: usize = 10_000;

/// What clustering a log gives.
#[derive(Serialize)]
pub struct Report {
    /// Lines read.
    pub lines: usize,
    /// Events found.
    pub events: usize,
    /// Rejections (the first ones).
    pub rejected: Vec<Rejected>,
    /// All rejections.
    pub rejected_total: usize,
    /// Event types.
    pub clusters: Vec<EventCluster>,
}

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
    rejected: &'a [Rejected],
    rejected_total: usize,
    clusters: Vec<HeadedCluster<'a>>,
}

/// Member events kept per distinct shape for header synthesis.
const KEEP_TEXTS: usize = 2000;

/// Reads and clusters a log (shared with the commands built on clustering).
pub fn cluster_log(
    log: &Path,
    max_event_bytes: usize,
    quiet: bool,
    keep_texts: usize,
) -> anyhow::Result<Report> {
    let (input, total): (Box<dyn BufRead + Send>, u64) = if log.as_os_str() == "-" {
        (Box::new(std::io::BufReader::new(std::io::stdin())), 0)
    } else {
        let f = std::fs::File::open(log)
            .with_context(|| format!("{}: cannot read the log", log.display()))?;
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(std::io::BufReader::with_capacity(1 << 16, f)), len)
    };
    let t_start = std::time::Instant::now();
    let pb = crate::progress::bytes(total, quiet);
    let mut clusterer =
        EventClusterer::new(log_cluster::Config::default(), RuleBased).keep_texts(keep_texts);
    let mut rejected = Vec::new();
    let mut rejected_total = 0;
    // One thread reads and detects, two prepare (identifiers, masking), this one folds.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(8);
    let rx = std::sync::Mutex::new(rx);
    let (ptx, prx) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(8);
    let reader_pb = pb.clone();
    let extractor = RuleBased;
    let lines = std::thread::scope(|s| -> anyhow::Result<usize> {
        let pb = reader_pb;
        let producer = s.spawn(move || -> std::io::Result<usize> {
            let mut reader = Reader::new(input, Options { max_event_bytes });
            let mut batch = Vec::with_capacity(BATCH);
            while let Some(item) = reader.next() {
                batch.push(item?);
                if batch.len() == BATCH {
                    pb.set_position(reader.bytes_read);
                    if tx
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                    {
                        break;
                    }
                }
            }
            let _ = tx.send(batch);
            pb.set_message("clustering");
            Ok(reader.lines_read())
        });
        let rx = &rx;
        let extractor = &extractor;
        for _ in 0..PREPARE_THREADS {
            let ptx = ptx.clone();
            s.spawn(move || {
                let mut masker = Masker::default();
                loop {
                    let batch = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    let Ok(batch) = batch else { return };
                    let prepared: Vec<Prepared> = batch
                        .into_iter()
                        .map(|item| match item {
                            Item::Event(e) => Prepared::from(log_cluster::events::prepare(
                                extractor,
                                &mut masker,
                                e,
                            )),
                            Item::Rejected(r) => Prepared::Rejected(r),
                        })
                        .collect();
                    if ptx.send(prepared).is_err() {
                        return;
                    }
                }
            });
        }
        drop(ptx);
        for batch in prx {
            for p in batch {
                match p {
                    Prepared::Event(e) => clusterer.add_prepared(e),
                    Prepared::Rejected(r) => {
                        rejected_total += 1;
                        if rejected.len() < MAX_REJECTED_LISTED {
                            rejected.push(r);
                        }
                    }
                }
            }
        }
        let lines = producer
            .join()
            .map_err(|_| anyhow::anyhow!("the reader thread failed"))?;
        lines.with_context(|| format!("{}: read error", log.display()))
    })?;
    // Rejections arrive in batch order; report them by line.
    rejected.sort_by_key(|r| r.line);
    let t_fold = std::time::Instant::now();
    let events = clusterer.events();
    let clusters = clusterer.finish();
    if std::env::var_os("NORMFORGE_TIMING").is_some() {
        eprintln!(
            "timing: read+prepare+fold {:.2?}, clustering {:.2?}",
            t_fold.duration_since(t_start),
            t_fold.elapsed()
        );
    }
    pb.finish_and_clear();
    Ok(Report {
        lines,
        events,
        rejected,
        rejected_total,
        clusters,
    })
}

pub fn run(log: &Path, json: bool, max_event_bytes: usize, headers: bool) -> anyhow::Result<u8> {
    let report = cluster_log(
        log,
        max_event_bytes,
        json,
        if headers { KEEP_TEXTS } else { 0 },
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
    Ok(OK)
}
