//! Event types into rule packages: headers, field assignment, packages, `summary.md` and
//! `report.json`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use field_assign::FieldAssigner;
use rule_gen::describe::Describer;
use rule_gen::rename::Namer;
use serde::Serialize;

use crate::cluster::Clustered;
use crate::{Error, Progress};

/// `report.json` of a generated tree.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Always `normforge` ([`rule_gen::write::GENERATOR`]): what marks a folder as a previous
    /// output that `--force` may replace.
    pub generator: &'static str,
    /// The log as named by the caller.
    pub log: String,
    /// Lines read.
    pub lines: usize,
    /// Events found.
    pub events: usize,
    /// Lines that were no event.
    pub rejected_lines: usize,
    /// Event types after header merging.
    pub clusters: usize,
    /// Events on which not every candidate header was checked when clusters were merged (the
    /// budget of `format_synth::MAX_CHECKS`; 0 on every log under it).
    pub header_checks_cut: usize,
    /// Packages emitted.
    pub packages: usize,
    /// Events of the clusters that got a package.
    pub events_in_packages: usize,
    /// Events their package normalizes.
    pub events_normalized: usize,
    /// Clusters without a package, and why.
    pub rejected_clusters: Vec<rule_gen::Rejected>,
    /// The field assigner's name.
    pub assigner: String,
    /// Who wrote the English event descriptions besides the engine, and how many it kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptions: Option<Descriptions>,
    /// Who named the rules besides the engine, and how many names it gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names: Option<Descriptions>,
    /// Wall time of the whole job (with `stages` and `model`, the only fields that differ
    /// between runs).
    pub seconds: f64,
    /// Wall time of each stage in order, from the job's start to the report: where a slow job
    /// spent its time.
    pub stages: Vec<StageTime>,
    /// What the language model spent (loads; per task requests, tokens, seconds), when one
    /// was used and its backend measures it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<serde_json::Value>,
    /// The packages.
    pub rules: Vec<rule_gen::Package>,
}

/// What a writer other than the engine gave (English event descriptions, rule names).
#[derive(Clone, Debug, Serialize)]
pub struct Descriptions {
    /// The writer.
    pub writer: String,
    /// Packages whose text it wrote.
    pub replaced: usize,
    /// Packages that kept the engine's (no acceptable answer).
    pub kept: usize,
}

/// One stage's wall time.
#[derive(Clone, Debug, Serialize)]
pub struct StageTime {
    /// The stage (the names [`Progress::stage`] is given after clustering; `clustering`, reading the log
    /// included, before them).
    pub stage: &'static str,
    /// Its wall time.
    pub seconds: f64,
}

/// Stage wall times, each stage ending where the next begins.
struct Stages {
    done: Vec<StageTime>,
    current: &'static str,
    since: std::time::Instant,
}

impl Stages {
    fn new(started: std::time::Instant) -> Self {
        Stages {
            done: Vec::new(),
            current: "clustering",
            since: started,
        }
    }

    /// Ends the current stage and begins `next` (also shown by `progress`).
    fn begin(&mut self, next: &'static str, progress: &dyn Progress) {
        self.end();
        self.current = next;
        progress.stage(next);
    }

    fn end(&mut self) {
        let now = std::time::Instant::now();
        self.done.push(StageTime {
            stage: self.current,
            seconds: now.duration_since(self.since).as_secs_f64(),
        });
        self.since = now;
    }

    fn finish(mut self) -> Vec<StageTime> {
        self.end();
        self.done
    }
}

/// The writers that may replace the engine's texts after generation (each checked; the
/// engine's text stays where an answer fails). The default: the engine alone.
#[derive(Clone, Copy, Default)]
pub struct Writers<'a> {
    /// Who writes the English event descriptions.
    pub describer: Option<&'a dyn Describer>,
    /// Who names the rules (folder, id, metainfo).
    pub namer: Option<&'a dyn Namer>,
}

/// A generated tree: every file (relative path → content, `summary.md` and `report.json`
/// included) and the report.
pub struct Output {
    /// Files to write.
    pub files: BTreeMap<PathBuf, String>,
    /// The report (also in `files` as `report.json`).
    pub report: Report,
    /// Per package folder, the first line of each event its rule was made for (its cluster's
    /// and the merged clusters'), ascending: what a reviewer looks at.
    pub members: BTreeMap<PathBuf, Vec<u32>>,
}

/// Generates the packages for a clustered log. `started`: when the job started (for the
/// report's wall time); `writers`: who names the rules and writes the English event
/// descriptions besides the engine (one pass each, names first).
pub fn generate(
    clustered: &Clustered,
    log_name: &str,
    assigner: &dyn FieldAssigner,
    writers: Writers<'_>,
    opts: &rule_gen::Options,
    started: std::time::Instant,
    progress: &dyn Progress,
) -> Result<Output, Error> {
    let mut stages = Stages::new(started);
    stages.begin("headers", progress);
    let headed = format_synth::merge::headed(&clustered.clusters);
    if progress.cancelled() {
        return Err(Error::Cancelled);
    }
    stages.begin("generating", progress);
    let mut generated = rule_gen::generate_while(
        &headed,
        assigner,
        opts,
        |n| progress.events(n),
        || !progress.cancelled(),
    );
    if progress.cancelled() {
        return Err(Error::Cancelled);
    }
    let names = writers.namer.map(|n| {
        stages.begin("naming", progress);
        let r = rule_gen::rename::rename(&mut generated, n, opts.year);
        Descriptions {
            writer: n.name(),
            replaced: r.replaced,
            kept: r.kept,
        }
    });
    if progress.cancelled() {
        return Err(Error::Cancelled);
    }
    let descriptions = writers.describer.map(|d| {
        stages.begin("describing", progress);
        let r = rule_gen::describe::redescribe(&mut generated, d);
        Descriptions {
            writer: d.name(),
            replaced: r.replaced,
            kept: r.kept,
        }
    });
    stages.begin("packaging", progress);
    let members = package_members(&headed.clusters, &generated.packages);
    let mut files = generated.take_files();
    files.insert(PathBuf::from("summary.md"), generated.summary_md(log_name));
    let stages = stages.finish();
    let report = Report {
        generator: rule_gen::write::GENERATOR,
        log: log_name.to_string(),
        lines: clustered.lines,
        events: clustered.events,
        rejected_lines: clustered.rejected_total,
        clusters: headed.clusters.len(),
        header_checks_cut: headed.overlap.cut,
        packages: generated.packages.len(),
        events_in_packages: generated.packages.iter().map(|p| p.size).sum(),
        events_normalized: generated.packages.iter().map(|p| p.matched).sum(),
        rejected_clusters: generated.rejected.clone(),
        assigner: assigner.name().to_string(),
        descriptions,
        names,
        seconds: started.elapsed().as_secs_f64(),
        stages,
        model: None,
        rules: generated.packages,
    };
    files.insert(PathBuf::from("report.json"), render(&report)?);
    Ok(Output {
        files,
        report,
        members,
    })
}

/// The member lines of each package's clusters.
fn package_members(
    clusters: &[log_cluster::events::EventCluster],
    packages: &[rule_gen::Package],
) -> BTreeMap<PathBuf, Vec<u32>> {
    let by_id: std::collections::HashMap<usize, &log_cluster::events::EventCluster> =
        clusters.iter().map(|c| (c.id, c)).collect();
    packages
        .iter()
        .map(|p| {
            let mut lines: Vec<u32> = std::iter::once(p.cluster)
                .chain(p.merged.iter().map(|m| m.cluster))
                .filter_map(|id| by_id.get(&id))
                .flat_map(|c| c.members.iter().copied())
                .collect();
            lines.sort_unstable();
            lines.dedup();
            (p.dir.clone(), lines)
        })
        .collect()
}

/// `report.json`'s text.
fn render(report: &Report) -> Result<String, Error> {
    let mut json = serde_json::to_string_pretty(report)
        .map_err(|e| Error::Internal(format!("report.json: {e}")))?;
    json.push('\n');
    Ok(json)
}

impl Output {
    /// Records what the language model spent, in the report and in `report.json`.
    pub fn set_model(&mut self, usage: serde_json::Value) -> Result<(), Error> {
        self.report.model = Some(usage);
        let json = render(&self.report)?;
        self.files.insert(PathBuf::from("report.json"), json);
        Ok(())
    }
}
