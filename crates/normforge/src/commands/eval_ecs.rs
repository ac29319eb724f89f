//! `normforge eval ecs <DIR>`: rules generated from ECS-labelled logs, scored against the
//! expected events.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use evaluation::ecs::{self, FileScore, Totals};
use ruleset::stream::{Out, StreamOptions};
use serde_json::{Map, Value};

use crate::cli::{EcsArgs as Args, RunArgs};
use crate::exit::OK;

/// Largest expected-events file read, in bytes.
const MAX_EXPECTED_BYTES: u64 = 256 << 20;

/// The `(name, log, expected)` pairs of a folder, by name.
fn pairs(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf, PathBuf)>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read the folder", dir.display()))?;
    for e in entries {
        let path = e
            .with_context(|| format!("{}: cannot read the folder", dir.display()))?
            .path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".log"))
        else {
            continue;
        };
        let expected = dir.join(format!("{name}.ecs.jsonl"));
        if expected.is_file() {
            out.push((name.to_string(), path.clone(), expected));
        }
    }
    out.sort();
    if out.is_empty() {
        anyhow::bail!(
            "{}: no `<name>.log` with a `<name>.ecs.jsonl` beside it",
            dir.display()
        );
    }
    Ok(out)
}

/// The expected events of a file, one JSON object a line.
fn expected_events(path: &Path) -> anyhow::Result<Vec<Value>> {
    let text = xp_package::read_text_limited(path, MAX_EXPECTED_BYTES)
        .with_context(|| format!("{}: cannot read the expected events", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON object", path.display(), i + 1))?;
        if !v.is_object() {
            anyhow::bail!("{}:{}: not a JSON object", path.display(), i + 1);
        }
        out.push(v);
    }
    Ok(out)
}

/// The sealed names of a `--sealed` file (names or prefixes, `#` comments).
pub(super) fn sealed_names(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = xp_package::read_text_limited(path, 1 << 20)
        .with_context(|| format!("{}: cannot read the sealed list", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// The fields each line of `log` normalizes to under the rules of `rules` (as `normalize-log`
/// prints them: the winning rule's, catch-all rules included), by 1-based line.
fn normalized(
    rules: &Path,
    log: &Path,
    run: &RunArgs,
) -> anyhow::Result<BTreeMap<usize, Map<String, Value>>> {
    let set = super::normalize_log::load_rules(rules)?;
    let input = super::normalize_log::open_log(log)?;
    let opts = StreamOptions {
        run: super::run_options(run),
        max_event_bytes: run.max_event_bytes,
        workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    let mut got = BTreeMap::new();
    ruleset::stream::run(
        &set,
        input,
        &opts,
        |e| {
            e.applied
                .winner
                .as_ref()
                .map(|(_, fields)| (e.line, fields.to_json()))
        },
        |o| {
            if let Out::Event(Some((line, fields))) = o {
                got.insert(line, fields);
            }
            Ok(())
        },
    )
    .with_context(|| format!("{}: normalize-log failed", log.display()))?;
    Ok(got)
}

/// A folder of its own for one file's rules, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch(std::env::temp_dir().join(format!("normforge-eval-ecs-{}-{n}", std::process::id())))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the command.
pub fn run(a: &Args) -> anyhow::Result<u8> {
    let t0 = std::time::Instant::now();
    let kb = super::generate::load_kb(&a.kb)?;
    let sealed = match &a.sealed {
        Some(p) => sealed_names(p)?,
        None => Vec::new(),
    };
    let is_sealed = |name: &str| sealed.iter().any(|s| name.starts_with(s.as_str()));
    let buckets = ecs::buckets();
    let mut files: Vec<FileScore> = Vec::new();
    // The expected events of the files not sealed: a sealed file shows nothing but totals.
    let mut open_expected: Vec<Value> = Vec::new();
    for (n, (name, log, exp)) in pairs(&a.dir)?.into_iter().enumerate() {
        let closed = is_sealed(&name);
        let expected = expected_events(&exp)?;
        let scratch = Scratch::new(n);
        let (got, failed) = match super::generate::generate_quietly(&log, &scratch.0, &kb, &a.run) {
            Ok(_) => (normalized(&scratch.0, &log, &a.run)?, None),
            Err(e) => (BTreeMap::new(), Some(format!("{e:#}"))),
        };
        if let Some(why) = &failed {
            eprintln!("eval ecs: {}: generate failed: {why}", log.display());
        }
        files.push(FileScore {
            name,
            lines: expected.len(),
            normalized: got.len(),
            failed,
            buckets: ecs::score(&buckets, &expected, &got),
            reach: ecs::reach(&buckets, &expected, &got),
        });
        if !closed {
            open_expected.extend(expected);
        }
    }
    let total = Totals::of(&files);
    let (closed, open): (Vec<FileScore>, Vec<FileScore>) =
        files.into_iter().partition(|f| is_sealed(&f.name));
    let report = ecs::Report {
        buckets,
        total,
        open: (!closed.is_empty()).then(|| Totals::of(&open)),
        sealed: (!closed.is_empty()).then(|| Totals::of(&closed)),
        files: open,
        uncovered: ecs::uncovered(&open_expected),
    };
    if let Some(path) = &a.html {
        let sub = format!(
            "{} files under {}; {:.1} s",
            report.total.files,
            a.dir.display(),
            t0.elapsed().as_secs_f64()
        );
        super::html::write(path, &evaluation::page::ecs_page(&report, &sub))?;
    }
    if a.json {
        crate::outln!("{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(OK);
    }
    print_table(&report)?;
    Ok(OK)
}

/// A ratio with three decimals, `-` when undefined.
fn ratio(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.3}"))
}

fn print_table(r: &ecs::Report) -> anyhow::Result<()> {
    let names: Vec<&str> = r.buckets.iter().map(|b| b.name.as_str()).collect();
    crate::outln!(
        "| file | lines | normalized | P | R | {} |",
        names.join(" | ")
    )?;
    crate::outln!("|---|---:|---:|---:|---:|{}", "---:|".repeat(names.len()))?;
    let cells = |b: &BTreeMap<String, ecs::Counts>| -> String {
        names
            .iter()
            .map(|n| match b.get(*n) {
                Some(c) if c.expected > 0 => format!("{}/{}", c.found, c.expected),
                _ => "-".into(),
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    for f in &r.files {
        let mut t = ecs::Counts::default();
        for c in f.buckets.values() {
            t.add(c);
        }
        crate::outln!(
            "| {}{} | {} | {} | {} | {} | {} |",
            f.name,
            if f.failed.is_some() { " (failed)" } else { "" },
            f.lines,
            f.normalized,
            ratio(t.precision()),
            ratio(t.recall()),
            cells(&f.buckets)
        )?;
    }
    let mut totals = vec![("**total**", &r.total)];
    if let (Some(o), Some(s)) = (&r.open, &r.sealed) {
        totals.push(("open", o));
        totals.push(("sealed", s));
    }
    for (label, t) in totals {
        crate::outln!(
            "| {label} ({} files) | {} | | {} | {} | {} |",
            t.files,
            t.lines,
            ratio(t.precision),
            ratio(t.recall),
            cells(&t.buckets)
        )?;
    }
    crate::outln!()?;
    crate::outln!("| bucket | P | R | generated | correct | expected | found |")?;
    crate::outln!("|---|---:|---:|---:|---:|---:|---:|")?;
    for b in &names {
        let c = r.total.buckets.get(*b).copied().unwrap_or_default();
        crate::outln!(
            "| {b} | {} | {} | {} | {} | {} | {} |",
            ratio(c.precision()),
            ratio(c.recall()),
            c.generated,
            c.correct,
            c.expected,
            c.found
        )?;
    }
    crate::outln!()?;
    let reach = |t: &Totals| {
        format!(
            "{}/{} ({})",
            t.reach.reached,
            t.reach.expected,
            ratio(t.reach_share)
        )
    };
    let mut line = format!(
        "Addresses and account names in any field: {}",
        reach(&r.total)
    );
    if let (Some(o), Some(s)) = (&r.open, &r.sealed) {
        line.push_str(&format!("; open {}, sealed {}", reach(o), reach(s)));
    }
    crate::outln!("{line}")?;
    let shown: Vec<String> = r
        .uncovered
        .iter()
        .take(20)
        .map(|u| format!("{} ({})", u.field, u.lines))
        .collect();
    crate::outln!()?;
    crate::outln!(
        "ECS fields no crosswalk row covers: {} (lines that state each; `--json` lists all): {}",
        r.uncovered.len(),
        shown.join(", ")
    )?;
    Ok(())
}
