//! `normforge insight <RULES> <LOG>`: a security summary computed from the normalized events.

use std::collections::BTreeMap;

use ruleset::stream::{EventResult, Out, StreamOptions};
use serde::Serialize;

use crate::cli::InsightArgs;
use crate::exit::OK;

/// The fields insight reads of each event.
const READ: [&str; 8] = [
    "action",
    "object",
    "status",
    "src.ip",
    "src.host",
    "subject.account.name",
    "object.account.name",
    "time",
];

/// What a worker keeps of one event.
pub struct Seen {
    rule: Option<usize>,
    catch_all: bool,
    values: [Option<String>; 8],
}

/// A name and a count.
#[derive(Debug, Serialize)]
pub struct Count {
    /// What.
    pub name: String,
    /// How many events.
    pub events: usize,
}

/// One bucket of the timeline.
#[derive(Debug, Serialize)]
pub struct Bucket {
    /// Start (UTC, RFC 3339).
    pub start: String,
    /// Events.
    pub events: usize,
    /// Failures among them.
    pub failures: usize,
}

/// The summary.
#[derive(Debug, Default, Serialize)]
pub struct Insight {
    /// Events read.
    pub events: usize,
    /// Events normalized (a catch-all alone does not count).
    pub normalized: usize,
    /// Events not normalized.
    pub unmatched: usize,
    /// unmatched ÷ events.
    pub unmatched_share: f64,
    /// Lines that were no event.
    pub rejected_lines: usize,
    /// First and last `time` seen (UTC).
    pub first_seen: Option<String>,
    /// Last `time` seen.
    pub last_seen: Option<String>,
    /// Events by `action / object / status`.
    pub by_class: Vec<Count>,
    /// Events by rule.
    pub by_rule: Vec<Count>,
    /// Events with `status = failure`.
    pub failures: usize,
    /// Failed logins (`action = login`, `status = failure`).
    pub failed_logins: usize,
    /// Top source addresses of failed logins.
    pub failed_login_sources: Vec<Count>,
    /// Top accounts of failed logins (subject or object account).
    pub failed_login_accounts: Vec<Count>,
    /// Top source addresses of all failures.
    pub failure_sources: Vec<Count>,
    /// Failures by `action / object`.
    pub failures_by_class: Vec<Count>,
    /// Events over time.
    pub timeline: Vec<Bucket>,
}

fn top(m: BTreeMap<String, usize>, n: usize) -> Vec<Count> {
    let mut v: Vec<Count> = m
        .into_iter()
        .map(|(name, events)| Count { name, events })
        .collect();
    v.sort_by(|a, b| b.events.cmp(&a.events).then(a.name.cmp(&b.name)));
    v.truncate(n);
    v
}

/// Runs the command.
pub fn run(a: &InsightArgs) -> anyhow::Result<u8> {
    let t0 = std::time::Instant::now();
    let set = super::normalize_log::load_rules(&a.rules)?;
    for s in &set.skipped {
        eprintln!("insight: skipped rule {}: {}", s.dir, s.reason);
    }
    let input = super::normalize_log::open_log(&a.log)?;
    let opts = StreamOptions {
        run: super::run_options(&a.run),
        max_event_bytes: a.run.max_event_bytes,
        workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    let render = |e: &EventResult<'_>| -> Seen {
        match &e.applied.winner {
            Some((w, fields)) => Seen {
                rule: Some(*w),
                catch_all: set.rules[*w].catch_all,
                values: READ.map(|k| {
                    fields.json_of(k).filter(|v| !v.is_null()).map(|v| match v {
                        serde_json::Value::String(s) => s,
                        o => o.to_string(),
                    })
                }),
            },
            None => Seen {
                rule: None,
                catch_all: false,
                values: Default::default(),
            },
        }
    };
    let mut ins = Insight::default();
    let (mut class, mut rules, mut fl_src, mut fl_acc, mut f_src, mut f_class) = (
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
    );
    let mut times: Vec<(i64, bool)> = Vec::new();
    ruleset::stream::run(&set, input, &opts, render, |o| {
        match o {
            Out::Rejected(_) => ins.rejected_lines += 1,
            Out::Event(s) => {
                ins.events += 1;
                let Some(w) = s.rule.filter(|_| !s.catch_all) else {
                    ins.unmatched += 1;
                    return Ok(());
                };
                ins.normalized += 1;
                *rules.entry(set.rules[w].id.clone()).or_insert(0) += 1;
                let [action, object, status, src_ip, src_host, subj, obj_acc, time] = &s.values;
                let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".into());
                *class
                    .entry(format!("{} / {} / {}", v(action), v(object), v(status)))
                    .or_insert(0) += 1;
                let failed = status.as_deref() == Some("failure");
                let source = src_ip.clone().or_else(|| src_host.clone());
                if failed {
                    ins.failures += 1;
                    *f_class
                        .entry(format!("{} / {}", v(action), v(object)))
                        .or_insert(0) += 1;
                    if let Some(src) = &source {
                        *f_src.entry(src.clone()).or_insert(0) += 1;
                    }
                    if action.as_deref() == Some("login") {
                        ins.failed_logins += 1;
                        if let Some(src) = &source {
                            *fl_src.entry(src.clone()).or_insert(0) += 1;
                        }
                        if let Some(acc) = subj.clone().or_else(|| obj_acc.clone()) {
                            *fl_acc.entry(acc).or_insert(0) += 1;
                        }
                    }
                }
                if let Some(t) = time
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                {
                    times.push((t.timestamp_millis(), failed));
                }
            }
        }
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("{}: insight failed: {e}", a.log.display()))?;
    ins.unmatched_share = if ins.events == 0 {
        0.0
    } else {
        ins.unmatched as f64 / ins.events as f64
    };
    ins.by_class = top(class, a.top);
    ins.by_rule = top(rules, a.top);
    ins.failed_login_sources = top(fl_src, a.top);
    ins.failed_login_accounts = top(fl_acc, a.top);
    ins.failure_sources = top(f_src, a.top);
    ins.failures_by_class = top(f_class, a.top);
    timeline(&mut ins, &times);
    if let Some(path) = &a.html {
        let sub = format!(
            "{} with the rules of {}; {:.1} s",
            a.log.display(),
            a.rules.display(),
            t0.elapsed().as_secs_f64()
        );
        super::html::write(path, &page(&ins, &sub))?;
    }
    if a.json {
        crate::outln!("{}", serde_json::to_string_pretty(&ins)?)?;
    } else {
        crate::out!("{}", markdown(&ins))?;
    }
    Ok(OK)
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// At most 24 buckets of a round width (minutes, hours, days).
fn timeline(ins: &mut Insight, times: &[(i64, bool)]) {
    let (Some(lo), Some(hi)) = (
        times.iter().map(|t| t.0).min(),
        times.iter().map(|t| t.0).max(),
    ) else {
        return;
    };
    ins.first_seen = Some(iso(lo));
    ins.last_seen = Some(iso(hi));
    const MIN: i64 = 60_000;
    let widths = [
        MIN,
        5 * MIN,
        15 * MIN,
        60 * MIN,
        6 * 60 * MIN,
        24 * 60 * MIN,
        7 * 24 * 60 * MIN,
        30 * 24 * 60 * MIN,
        365 * 24 * 60 * MIN,
    ];
    let span = hi - lo;
    let width = widths
        .iter()
        .copied()
        .find(|w| span / w < 24)
        .unwrap_or(span / 23 + 1);
    let start = lo - lo.rem_euclid(width);
    let n = ((hi - start) / width + 1) as usize;
    let mut buckets: Vec<Bucket> = (0..n)
        .map(|i| Bucket {
            start: iso(start + i as i64 * width),
            events: 0,
            failures: 0,
        })
        .collect();
    for &(t, failed) in times {
        let b = &mut buckets[((t - start) / width) as usize];
        b.events += 1;
        b.failures += usize::from(failed);
    }
    ins.timeline = buckets;
}

fn table(s: &mut String, title: &str, rows: &[Count]) {
    if rows.is_empty() {
        return;
    }
    s.push_str(&format!("\n## {title}\n\n| | events |\n|---|---:|\n"));
    for r in rows {
        s.push_str(&format!(
            "| {} | {} |\n",
            r.name.replace('|', "\\|"),
            r.events
        ));
    }
}

fn markdown(i: &Insight) -> String {
    let mut s = format!(
        "# Insight\n\n{} events: {} normalized, {} unmatched ({:.2} %), {} rejected lines.\n",
        i.events,
        i.normalized,
        i.unmatched,
        100.0 * i.unmatched_share,
        i.rejected_lines
    );
    if let (Some(a), Some(b)) = (&i.first_seen, &i.last_seen) {
        s.push_str(&format!("First seen {a}, last seen {b}.\n"));
    }
    s.push_str(&format!(
        "{} failures, {} of them failed logins.\n",
        i.failures, i.failed_logins
    ));
    table(&mut s, "Failed logins by source", &i.failed_login_sources);
    table(&mut s, "Failed logins by account", &i.failed_login_accounts);
    table(&mut s, "Failures by source", &i.failure_sources);
    table(&mut s, "Failures by action / object", &i.failures_by_class);
    table(&mut s, "Events by action / object / status", &i.by_class);
    table(&mut s, "Events by rule", &i.by_rule);
    if !i.timeline.is_empty() {
        s.push_str("\n## Timeline\n\n| from | events | failures |\n|---|---:|---:|\n");
        for b in &i.timeline {
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                b.start, b.events, b.failures
            ));
        }
    }
    s
}

fn page(i: &Insight, subtitle: &str) -> review::html::Page {
    use review::html::{bars, Cell, Content, Page, Section, Table};
    let counts = |title: &str, rows: &[Count]| Section {
        title: title.to_string(),
        note: String::new(),
        content: Content::Table(Table {
            headers: vec!["".into(), "events".into()],
            rows: rows
                .iter()
                .map(|r| vec![Cell::text(&r.name), Cell::count(r.events)])
                .collect(),
        }),
    };
    let mut sections = vec![Section {
        title: "Summary".into(),
        note: String::new(),
        content: Content::Table(Table {
            headers: vec!["measure".into(), "value".into()],
            rows: vec![
                vec![Cell::text("events"), Cell::count(i.events)],
                vec![Cell::text("normalized"), Cell::count(i.normalized)],
                vec![
                    Cell::text("unmatched"),
                    Cell::text(format!(
                        "{} ({:.2} %)",
                        i.unmatched,
                        100.0 * i.unmatched_share
                    )),
                ],
                vec![Cell::text("failures"), Cell::count(i.failures)],
                vec![Cell::text("failed logins"), Cell::count(i.failed_logins)],
                vec![
                    Cell::text("first seen"),
                    Cell::text(i.first_seen.clone().unwrap_or_default()),
                ],
                vec![
                    Cell::text("last seen"),
                    Cell::text(i.last_seen.clone().unwrap_or_default()),
                ],
            ],
        }),
    }];
    if !i.timeline.is_empty() {
        let labels: Vec<String> = i
            .timeline
            .iter()
            .map(|b| b.start.get(5..16).unwrap_or(&b.start).replace('T', " "))
            .collect();
        let max = i.timeline.iter().map(|b| b.events).max().unwrap_or(1) as f64;
        sections.push(Section {
            title: "Timeline".into(),
            note: "Events and failures per interval (UTC).".into(),
            content: Content::Plot {
                svg: bars(
                    &labels,
                    &[
                        (
                            "events".into(),
                            i.timeline.iter().map(|b| b.events as f64).collect(),
                        ),
                        (
                            "failures".into(),
                            i.timeline.iter().map(|b| b.failures as f64).collect(),
                        ),
                    ],
                    max.max(1.0),
                ),
            },
        });
    }
    sections.push(counts("Failed logins by source", &i.failed_login_sources));
    sections.push(counts("Failed logins by account", &i.failed_login_accounts));
    sections.push(counts("Failures by source", &i.failure_sources));
    sections.push(counts("Failures by action / object", &i.failures_by_class));
    sections.push(counts("Events by action / object / status", &i.by_class));
    sections.push(counts("Events by rule", &i.by_rule));
    Page {
        title: "normforge insight".into(),
        subtitle: subtitle.to_string(),
        sections,
    }
}
