//! `normforge normalize-log <RULES> <LOG>`: a rule set over a whole log.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::Context;
use ruleset::stream::{EventResult, Out, StreamOptions};
use ruleset::RuleSet;
use serde::Serialize;

use crate::cli::NormalizeLogArgs;
use crate::exit::OK;

/// Figures of a run (`--stats`, and the summary on standard error).
#[derive(Debug, Default, Serialize)]
pub struct Stats {
    /// Rules loaded.
    pub rules: usize,
    /// Packages that did not compile (skipped).
    pub skipped_rules: Vec<ruleset::Skipped>,
    /// Events read.
    pub events: usize,
    /// Events some rule normalized.
    pub normalized: usize,
    /// Of those, events only a catch-all rule (`{REST}`) normalized: counted as unmatched.
    pub catch_all_only: usize,
    /// Events no rule normalized (catch-all ones included).
    pub unmatched: usize,
    /// Events several rules normalized.
    pub several: usize,
    /// Of those, events whose best two rules had the same priority.
    pub ties: usize,
    /// Lines that were no event.
    pub rejected_lines: usize,
    /// Normalized (catch-all excluded) ÷ events.
    pub normalized_share: f64,
    /// Rules tried per event, on average (what the index leaves).
    pub tried_per_event: f64,
    /// Events per rule id.
    pub by_rule: BTreeMap<String, usize>,
    /// The rules most often tried in vain (offered by the index, not normalizing the event),
    /// with how many events each was: the least specific rules, at most 20.
    pub tried_in_vain: Vec<(String, usize)>,
    /// Loading and indexing the rule set, seconds.
    pub load_seconds: f64,
    /// Wall time of the whole command, seconds.
    pub seconds: f64,
    /// Events per second while running the log (loading excluded).
    pub events_per_second: f64,
}

/// What a worker hands back per event.
pub struct Rendered {
    line: Option<Vec<u8>>,
    unmatched: Option<Vec<u8>>,
    rule: Option<usize>,
    catch_all: bool,
    several: bool,
    tie: bool,
    tried: usize,
    missed: Vec<usize>,
}

#[derive(Serialize)]
struct Record<'a> {
    line: usize,
    rule: &'a str,
    fields: &'a xp_eval::NormEvent,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    tie: bool,
}

/// Opens a log (a file or `-`).
pub fn open_log(log: &Path) -> anyhow::Result<Box<dyn BufRead + Send>> {
    Ok(if log.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(log)
            .with_context(|| format!("{}: cannot read the log", log.display()))?;
        Box::new(std::io::BufReader::with_capacity(1 << 16, f))
    })
}

/// Loads a rule set, with a message naming the folder.
pub fn load_rules(dir: &Path) -> anyhow::Result<RuleSet> {
    RuleSet::load(dir).with_context(|| format!("{}: cannot load the rule set", dir.display()))
}

/// Runs the command.
pub fn run(a: &NormalizeLogArgs) -> anyhow::Result<u8> {
    let t0 = std::time::Instant::now();
    let set = load_rules(&a.rules)?;
    let load_seconds = t0.elapsed().as_secs_f64();
    for s in &set.skipped {
        eprintln!("normalize-log: skipped rule {}: {}", s.dir, s.reason);
    }
    let input = open_log(&a.log)?;
    let mut unmatched_out = match &a.unmatched {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p)
                .with_context(|| format!("{}: cannot write the unmatched events", p.display()))?,
        )),
        None => None,
    };
    let want_unmatched = unmatched_out.is_some();
    let opts = StreamOptions {
        run: super::run_options(&a.run),
        max_event_bytes: a.run.max_event_bytes,
        workers: a
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
    };
    let render = |e: &EventResult<'_>| -> Rendered {
        let ap = &e.applied;
        match &ap.winner {
            Some((w, fields)) => {
                let r = &set.rules[*w];
                let rec = Record {
                    line: e.line,
                    rule: &r.id,
                    fields,
                    also: ap.also.iter().map(|&i| set.rules[i].id.as_str()).collect(),
                    tie: ap.tie,
                };
                let mut line = serde_json::to_vec(&rec).unwrap_or_default();
                line.push(b'\n');
                let unmatched = (want_unmatched && r.catch_all && ap.also.is_empty())
                    .then(|| unmatched_line(e));
                Rendered {
                    line: Some(line),
                    unmatched,
                    rule: Some(*w),
                    catch_all: r.catch_all && ap.also.iter().all(|&i| set.rules[i].catch_all),
                    several: !ap.also.is_empty(),
                    tie: ap.tie,
                    tried: ap.tried,
                    missed: ap.missed.clone(),
                }
            }
            None => Rendered {
                line: None,
                unmatched: want_unmatched.then(|| unmatched_line(e)),
                rule: None,
                catch_all: false,
                several: false,
                tie: false,
                tried: ap.tried,
                missed: ap.missed.clone(),
            },
        }
    };
    let mut stats = Stats {
        rules: set.rules.len(),
        skipped_rules: set.skipped.clone(),
        ..Stats::default()
    };
    let mut by_rule = vec![0usize; set.rules.len()];
    let mut in_vain = vec![0usize; set.rules.len()];
    let mut tried = 0usize;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = ruleset::stream::run(&set, input, &opts, render, |o| {
        match o {
            Out::Event(r) => {
                stats.events += 1;
                tried += r.tried;
                for &i in &r.missed {
                    in_vain[i] += 1;
                }
                if let Some(line) = &r.line {
                    out.write_all(line)?;
                }
                if let (Some(u), Some(f)) = (&r.unmatched, unmatched_out.as_mut()) {
                    f.write_all(u)?;
                }
                match r.rule {
                    Some(w) if !r.catch_all => {
                        stats.normalized += 1;
                        by_rule[w] += 1;
                    }
                    Some(w) => {
                        stats.catch_all_only += 1;
                        stats.unmatched += 1;
                        by_rule[w] += 1;
                    }
                    None => stats.unmatched += 1,
                }
                stats.several += usize::from(r.several);
                stats.ties += usize::from(r.tie);
            }
            Out::Rejected(_) => stats.rejected_lines += 1,
        }
        Ok(())
    });
    let flushed = out.flush();
    drop(out);
    result
        .and(flushed)
        .with_context(|| format!("{}: normalize-log failed", a.log.display()))?;
    if let Some(mut f) = unmatched_out {
        f.flush().context("cannot write the unmatched events")?;
    }
    stats.seconds = t0.elapsed().as_secs_f64();
    stats.load_seconds = load_seconds;
    stats.normalized_share = ratio(stats.normalized, stats.events);
    stats.tried_per_event = if stats.events == 0 {
        0.0
    } else {
        tried as f64 / stats.events as f64
    };
    let running = stats.seconds - load_seconds;
    stats.events_per_second = if running > 0.0 {
        stats.events as f64 / running
    } else {
        0.0
    };
    for (i, n) in by_rule.iter().enumerate().filter(|(_, n)| **n > 0) {
        *stats.by_rule.entry(set.rules[i].id.clone()).or_default() += n;
    }
    let mut vain: Vec<(String, usize)> = in_vain
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, &n)| (set.rules[i].id.clone(), n))
        .collect();
    vain.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    vain.truncate(20);
    stats.tried_in_vain = vain;
    eprintln!(
        "normalize-log: {} events, {} normalized ({:.2} %), {} unmatched ({} only by a catch-all), {} matched by several rules ({} ties), {} rejected lines; {} rules loaded in {:.2} s, {:.1} tried per event; {:.0} events/s",
        stats.events,
        stats.normalized,
        100.0 * stats.normalized_share,
        stats.unmatched,
        stats.catch_all_only,
        stats.several,
        stats.ties,
        stats.rejected_lines,
        stats.rules,
        stats.load_seconds,
        stats.tried_per_event,
        stats.events_per_second
    );
    if let Some(p) = &a.stats {
        let mut json = serde_json::to_string_pretty(&stats)?;
        json.push('\n');
        std::fs::write(p, json).with_context(|| format!("{}: cannot write", p.display()))?;
    }
    Ok(OK)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn unmatched_line(e: &EventResult<'_>) -> Vec<u8> {
    let mut v = serde_json::to_vec(&serde_json::json!({
        "line": e.line,
        "kind": e.kind.name(),
        "raw": e.raw,
    }))
    .unwrap_or_default();
    v.push(b'\n');
    v
}
