//! `normforge cluster <LOG>`: event types of a source log.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use ingest::{Item, Options, Reader, Rejected};
use log_cluster::events::{EventCluster, EventClusterer};
use log_cluster::identifier::RuleBased;
use serde::Serialize;

use crate::exit::OK;

/// Rejections kept for the report (all are counted).
const MAX_REJECTED_LISTED: usize = 10_000;

#[derive(Serialize)]
struct Report {
    lines: usize,
    events: usize,
    rejected: Vec<Rejected>,
    rejected_total: usize,
    clusters: Vec<EventCluster>,
}

/// Reads and clusters a log (shared with the commands built on clustering).
pub fn cluster_log(
    log: &Path,
    max_event_bytes: usize,
    quiet: bool,
) -> anyhow::Result<(usize, usize, Vec<Rejected>, usize, Vec<EventCluster>)> {
    let (input, total): (Box<dyn BufRead>, u64) = if log.as_os_str() == "-" {
        (Box::new(std::io::BufReader::new(std::io::stdin())), 0)
    } else {
        let f = std::fs::File::open(log)
            .with_context(|| format!("{}: cannot read the log", log.display()))?;
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(std::io::BufReader::with_capacity(1 << 16, f)), len)
    };
    let pb = crate::progress::bytes(total, quiet);
    let mut reader = Reader::new(input, Options { max_event_bytes });
    let mut clusterer = EventClusterer::new(log_cluster::Config::default(), RuleBased);
    let mut rejected = Vec::new();
    let mut rejected_total = 0;
    let mut n = 0u64;
    while let Some(item) = reader.next() {
        match item.with_context(|| format!("{}: read error", log.display()))? {
            Item::Event(e) => clusterer.add(&e),
            Item::Rejected(r) => {
                rejected_total += 1;
                if rejected.len() < MAX_REJECTED_LISTED {
                    rejected.push(r);
                }
            }
        }
        n += 1;
        if n % 4096 == 0 {
            pb.set_position(reader.bytes_read);
        }
    }
    pb.set_message("clustering");
    let events = clusterer.events();
    let clusters = clusterer.finish();
    pb.finish_and_clear();
    Ok((
        reader.lines_read(),
        events,
        rejected,
        rejected_total,
        clusters,
    ))
}

pub fn run(log: &Path, json: bool, max_event_bytes: usize) -> anyhow::Result<u8> {
    let (lines, events, rejected, rejected_total, clusters) =
        cluster_log(log, max_event_bytes, json)?;
    if json {
        let report = Report {
            lines,
            events,
            rejected,
            rejected_total,
            clusters,
        };
        crate::outln!("{}", serde_json::to_string(&report)?)?;
        return Ok(OK);
    }
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
