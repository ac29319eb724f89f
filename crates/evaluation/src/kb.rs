//! `normforge eval kb`: rule generation measured against an expert knowledge base.
//!
//! (a) Conformance: the normalizer on the KB's own test pairs. (b) Leave-one-source-out:
//! for each source folder, its raw tests pooled as one log are clustered, given heads and
//! generated for, with the source's own rules out of retrieval; each raw event is run through
//! the generated rule that matches it (its own cluster's first) and compared with the
//! expert's norm as (field, value) pairs, `id` excluded, types normalized.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use field_assign::engine::Retrieval;
use field_assign::kb::Kb;
use field_assign::FieldAssigner;
use ingest::{Item, Kind, Options as ReadOptions, Reader};
use log_cluster::events::EventClusterer;
use log_cluster::identifier::RuleBased;
use serde::Serialize;
use serde_json::{Map, Value as J};
use xp_eval::{Outcome, Rule, RunOptions};
use xp_taxonomy::Taxonomy;

use crate::chrf::chrf;

/// Errors of the KB evaluation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The KB cannot be read.
    #[error(transparent)]
    Package(#[from] xp_package::Error),
    /// The retrieval KB cannot be loaded.
    #[error(transparent)]
    Kb(#[from] field_assign::kb::Error),
}

/// Counts and scores of one event kind (or the total).
#[derive(Clone, Debug, Default, Serialize)]
pub struct KindScores {
    /// Raw events.
    pub events: usize,
    /// Correct pairs ÷ generated pairs.
    pub precision: f64,
    /// Correct pairs ÷ expert pairs.
    pub recall: f64,
    /// Events matched by their own cluster's generated rule ÷ events.
    pub format_accuracy: f64,
    /// Clusters whose emitted rule normalizes all their members ÷ clusters.
    pub working_rate: f64,
    /// Correct pairs.
    pub correct: usize,
    /// Generated pairs.
    pub generated: usize,
    /// Expert pairs.
    pub expert: usize,
    /// Events matched by their own rule.
    pub matched_own: usize,
    /// Clusters.
    pub clusters: usize,
    /// Clusters with a working rule.
    pub working: usize,
}

impl KindScores {
    fn add(&mut self, o: &KindScores) {
        self.events += o.events;
        self.correct += o.correct;
        self.generated += o.generated;
        self.expert += o.expert;
        self.matched_own += o.matched_own;
        self.clusters += o.clusters;
        self.working += o.working;
    }

    fn finish(&mut self) {
        let r = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.precision = r(self.correct, self.generated);
        self.recall = r(self.correct, self.expert);
        self.format_accuracy = r(self.matched_own, self.events);
        self.working_rate = r(self.working, self.clusters);
    }
}

/// Conformance of the normalizer on the KB's own tests.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Conformance {
    /// Pairs run.
    pub pairs: usize,
    /// Pairs reproduced.
    pub passed: usize,
}

/// Mean chrF of the generated event descriptions against the experts'.
#[derive(Clone, Debug, Default, Serialize)]
pub struct I18n {
    /// English, 0–100.
    pub en_chrf: f64,
    /// Russian, 0–100.
    pub ru_chrf: f64,
}

/// Mean chrF of the generated rule names against the experts' folder names (words, `_` read
/// as a space), per expert event: the name of the rule that normalizes it, 0 when none does.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Names {
    /// 0–100.
    pub chrf: f64,
}

/// Per source.
#[derive(Clone, Debug, Serialize)]
pub struct SourceResult {
    /// Source folder relative to the KB.
    pub source: String,
    /// Rules of the source.
    pub rules: usize,
    /// Its scores.
    pub scores: KindScores,
    /// What generation made of each of its clusters.
    pub clusters: Vec<ClusterResult>,
    /// Each expert event against what its generated rule made of it (written apart, by
    /// `eval kb --diffs`, not part of the report).
    #[serde(skip)]
    pub events: Vec<EventDiff>,
}

/// One expert test event against the generated rule that normalized it: the pairs it missed,
/// got wrong and added (`id` left out, values compared by the field's type).
#[derive(Clone, Debug, Default, Serialize)]
pub struct EventDiff {
    /// Source folder relative to the KB.
    pub source: String,
    /// The expert rule's folder name.
    pub expert_rule: String,
    /// The test (`raw_N`).
    pub test: String,
    /// The generated rule's package folder, absent when no generated rule normalizes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Expert pairs the generated event lacks.
    pub missing: Map<String, J>,
    /// Fields both have, with different values: `[expected, generated]`.
    pub wrong: BTreeMap<String, [J; 2]>,
    /// Generated pairs the expert event lacks.
    pub extra: Map<String, J>,
}

/// One generated cluster of a source.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterResult {
    /// Event kind.
    pub kind: String,
    /// Members.
    pub size: usize,
    /// Members its rule normalizes (0 without a rule).
    pub matched: usize,
    /// The rule's package folder (`Vendor/Product/source/Rule`), absent when rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Why no rule was emitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
}

/// The report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// (a).
    pub conformance: Conformance,
    /// (b) per kind.
    pub by_kind: BTreeMap<String, KindScores>,
    /// (b) all kinds.
    pub total: KindScores,
    /// (b) i18n.
    pub i18n: I18n,
    /// (b) rule names.
    pub names: Names,
    /// (b) per source.
    pub sources: Vec<SourceResult>,
    /// (b) per event kind and field: generated, correct and expert pairs (where precision and
    /// recall go).
    pub fields: BTreeMap<String, BTreeMap<String, FieldCounts>>,
}

/// Pair counts of one field.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FieldCounts {
    /// Generated pairs.
    pub generated: usize,
    /// Correct ones.
    pub correct: usize,
    /// Expert pairs.
    pub expert: usize,
}

/// One expert test event.
struct Expert {
    /// The expert rule's folder name.
    rule: String,
    /// The test (`raw_N`).
    test: String,
    raw: String,
    norm: Map<String, J>,
    en: Option<String>,
    ru: Option<String>,
}

/// The expert description of an event: the first whose Criteria holds, else the first.
fn expert_description(dir: &Path, lang: &str, norm: &Map<String, J>) -> Option<String> {
    xp_package::describe::description(dir, lang, norm)
}

fn read_experts(rules: &[PathBuf]) -> Vec<Expert> {
    let mut out = Vec::new();
    for dir in rules {
        let pkg = xp_package::PackageDir { dir: dir.clone() };
        for t in pkg.tests() {
            let Ok((raw, norm)) = t.read() else {
                continue;
            };
            let raw = raw.trim_end_matches(['\n', '\r']).to_string();
            if raw.trim().is_empty() {
                continue;
            }
            out.push(Expert {
                rule: dir
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                test: t.name.clone(),
                en: expert_description(dir, "en", &norm),
                ru: expert_description(dir, "ru", &norm),
                raw,
                norm,
            });
        }
    }
    out
}

/// Generated descriptions with their placeholders, per package.
fn generated_description(files: &BTreeMap<PathBuf, String>, lang: &str) -> Option<String> {
    let text = files.get(&PathBuf::from(format!("i18n/i18n_{lang}.yaml")))?;
    let v = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).ok()?;
    Some(
        v.get("EventDescriptions")?
            .as_sequence()?
            .first()?
            .get("EventDescription")?
            .as_str()?
            .to_string(),
    )
}

/// The score of one source: its events pooled as one log, generated with `kb`.
fn evaluate_source(
    experts: &[Expert],
    kb: &Kb,
    wrap: &dyn Wrap,
    year: i32,
    per_kind: &mut BTreeMap<String, KindScores>,
    chrf_sums: &mut (f64, f64, f64, usize),
    fields: &mut BTreeMap<String, BTreeMap<String, FieldCounts>>,
) -> (KindScores, Vec<ClusterResult>, Vec<EventDiff>) {
    let tax = Taxonomy::embedded();
    // The pooled log and the first line of each event in it.
    let mut log = String::new();
    let mut starts = Vec::new();
    let mut line = 1;
    for e in experts {
        starts.push(line);
        log.push_str(&e.raw);
        log.push('\n');
        line += e.raw.lines().count().max(1);
    }
    let mut clusterer =
        EventClusterer::new(log_cluster::Config::default(), RuleBased).keep_texts(usize::MAX);
    let mut events: BTreeMap<usize, (Kind, String)> = BTreeMap::new();
    let mut reader = Reader::new(std::io::Cursor::new(log.as_bytes()), ReadOptions::default());
    while let Some(Ok(item)) = reader.next() {
        if let Item::Event(ev) = item {
            events.insert(ev.line, (ev.kind, ev.text.clone()));
            clusterer.add(&ev);
        }
    }
    let clusters = clusterer.finish();
    let headed = format_synth::merge::headed(&clusters);
    let engine = Retrieval::new(kb);
    let assigner = wrap.wrap(&engine);
    let opts = rule_gen::Options {
        tests: 3,
        year,
        meta: rule_gen::Meta::default(),
    };
    let mut generated = rule_gen::generate(&headed, assigner.as_ref(), &opts, |_| {});
    if let Some(n) = wrap.namer() {
        rule_gen::rename::rename(&mut generated, n, year);
    }
    if let Some(d) = wrap.describer() {
        rule_gen::describe::redescribe(&mut generated, d);
    }
    let run = RunOptions {
        year,
        ..RunOptions::default()
    };
    // Compiled rules by cluster id, and each event's cluster.
    let rules: Vec<(usize, Option<Rule>, &rule_gen::Package)> = generated
        .packages
        .iter()
        .map(|p| {
            let src = p.files.get(&PathBuf::from("formula.xp"));
            let r = src.and_then(|s| Rule::compile(s, Default::default()).ok());
            (p.cluster, r, p)
        })
        .collect();
    let mut cluster_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut total = KindScores::default();
    let mut results = Vec::new();
    let mut diffs = Vec::new();
    for c in &headed.clusters {
        let pkg = generated
            .packages
            .iter()
            .find_map(|p| Some((p, p.cluster_counts(c.id)?)));
        results.push(ClusterResult {
            kind: c.kind.name().to_string(),
            size: c.texts.len(),
            matched: pkg.map_or(0, |(_, (_, matched))| matched),
            rule: pkg.map(|(p, _)| p.dir.to_string_lossy().replace('\\', "/")),
            rejected: generated
                .rejected
                .iter()
                .find(|r| r.cluster == c.id)
                .map(|r| r.reason.clone()),
        });
        for (l, _) in &c.texts {
            cluster_of.insert(*l as usize, c.id);
        }
        let k = per_kind.entry(c.kind.name().to_string()).or_default();
        let working = pkg.is_some_and(|(_, (_, matched))| matched == c.texts.len());
        k.clusters += 1;
        total.clusters += 1;
        if working {
            k.working += 1;
            total.working += 1;
        }
    }
    for (e, start) in experts.iter().zip(&starts) {
        let Some((kind, text)) = events.get(start) else {
            continue;
        };
        let mut s = KindScores {
            events: 1,
            ..KindScores::default()
        };
        let own = cluster_of.get(start).copied();
        let norm = |r: &Rule| match r.normalize(text, &run) {
            Ok(Outcome::Normalized(ev)) => Some(ev.to_json()),
            _ => None,
        };
        let mut out = None;
        let mut by = None;
        let own_rule = rules
            .iter()
            .find(|(_, _, p)| own.is_some_and(|c| p.cluster_counts(c).is_some()));
        if let Some((_, Some(r), p)) = own_rule {
            if let Some(o) = norm(r) {
                s.matched_own = 1;
                out = Some(o);
                by = Some(*p);
            }
        }
        if out.is_none() {
            for (_, r, p) in &rules {
                if let Some(o) = r.as_ref().and_then(norm) {
                    out = Some(o);
                    by = Some(*p);
                    break;
                }
            }
        }
        let expected: Vec<(&String, &J)> = e.norm.iter().filter(|(k, _)| *k != "id").collect();
        s.expert = expected.len();
        let fields = fields.entry(kind.name().to_string()).or_default();
        for (k, _) in &expected {
            fields.entry(k.to_string()).or_default().expert += 1;
        }
        if let Some(o) = &out {
            for (k, a) in o.iter().filter(|(k, _)| *k != "id") {
                let f = fields.entry(k.clone()).or_default();
                f.generated += 1;
                if e.norm
                    .get(k)
                    .is_some_and(|v| xp_package::compare::values_equal(tax.type_of(k), v, a))
                {
                    f.correct += 1;
                }
            }
            let mut d = EventDiff {
                expert_rule: e.rule.clone(),
                test: e.test.clone(),
                rule: by.map(|p| p.dir.to_string_lossy().replace('\\', "/")),
                ..EventDiff::default()
            };
            for (k, v) in &expected {
                match o.get(k.as_str()) {
                    None => {
                        d.missing.insert(k.to_string(), (*v).clone());
                    }
                    Some(a) if !xp_package::compare::values_equal(tax.type_of(k), v, a) => {
                        d.wrong.insert(k.to_string(), [(*v).clone(), a.clone()]);
                    }
                    Some(_) => {}
                }
            }
            for (k, a) in o
                .iter()
                .filter(|(k, _)| *k != "id" && !e.norm.contains_key(*k))
            {
                d.extra.insert(k.clone(), a.clone());
            }
            diffs.push(d);
            s.generated = o.keys().filter(|k| *k != "id").count();
            s.correct = expected
                .iter()
                .filter(|(k, v)| {
                    o.get(k.as_str())
                        .is_some_and(|a| xp_package::compare::values_equal(tax.type_of(k), v, a))
                })
                .count();
        }
        if out.is_none() {
            diffs.push(EventDiff {
                expert_rule: e.rule.clone(),
                test: e.test.clone(),
                missing: expected
                    .iter()
                    .map(|(k, v)| (k.to_string(), (*v).clone()))
                    .collect(),
                ..EventDiff::default()
            });
        }
        let (en, ru) = match by {
            Some(p) => (
                generated_description(&p.files, "en"),
                generated_description(&p.files, "ru"),
            ),
            None => (None, None),
        };
        let score = |g: Option<String>, x: &Option<String>| match (g, x) {
            (Some(g), Some(x)) => chrf(&g, x),
            _ => 0.0,
        };
        chrf_sums.0 += score(en, &e.en);
        chrf_sums.1 += score(ru, &e.ru);
        let words = |n: &str| n.replace('_', " ");
        chrf_sums.2 += by
            .and_then(|p| p.dir.file_name())
            .map_or(0.0, |n| chrf(&words(&n.to_string_lossy()), &words(&e.rule)));
        chrf_sums.3 += 1;
        per_kind
            .entry(kind.name().to_string())
            .or_default()
            .add(&KindScores {
                clusters: 0,
                working: 0,
                ..s.clone()
            });
        total.add(&s);
    }
    total.finish();
    (total, results, diffs)
}

/// Runs the evaluation. `own_kb`: the project's KB, used for retrieval only for its sources
/// that the evaluated KB does not contain.
pub fn evaluate(kb_dir: &Path, own_kb: Option<&Path>, year: i32) -> Result<Report, Error> {
    evaluate_with(kb_dir, own_kb, year, &[], &Plain)
}

/// Wraps the deterministic engine into the assigner generation uses (an LLM on top of it),
/// and may give another writer of the event descriptions.
pub trait Wrap {
    /// The assigner over `engine`.
    fn wrap<'k>(&'k self, engine: &'k dyn FieldAssigner) -> Box<dyn FieldAssigner + 'k>;
    /// Who writes the English event descriptions instead of the engine (checked; `None`: the
    /// engine).
    fn describer(&self) -> Option<&dyn rule_gen::describe::Describer> {
        None
    }
    /// Who names the rules instead of the engine (checked; `None`: the engine).
    fn namer(&self) -> Option<&dyn rule_gen::rename::Namer> {
        None
    }
}

/// The engine alone.
#[derive(Debug)]
pub struct Plain;

impl Wrap for Plain {
    fn wrap<'k>(&'k self, engine: &'k dyn FieldAssigner) -> Box<dyn FieldAssigner + 'k> {
        Box::new(Same(engine))
    }
}

/// The engine as is.
struct Same<'k>(&'k dyn FieldAssigner);

impl FieldAssigner for Same<'_> {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn assign(&self, view: &field_assign::ClusterView<'_>) -> field_assign::Assignment {
        self.0.assign(view)
    }
    fn assign_all(&self, views: &[field_assign::ClusterView<'_>]) -> Vec<field_assign::Assignment> {
        self.0.assign_all(views)
    }
}

/// [`evaluate`] with the assigner made by `wrap` and, when `sources` is not empty, only the
/// sources whose path contains one of them (a stated sample, for slow assigners).
pub fn evaluate_with(
    kb_dir: &Path,
    own_kb: Option<&Path>,
    year: i32,
    sources: &[String],
    wrap: &dyn Wrap,
) -> Result<Report, Error> {
    evaluate_progress(kb_dir, own_kb, year, sources, wrap, &|_, _, _| {})
}

/// [`evaluate_with`] that reports `(sources done, sources in all, the next source)` before
/// each source (for a progress bar).
pub fn evaluate_progress(
    kb_dir: &Path,
    own_kb: Option<&Path>,
    year: i32,
    sources: &[String],
    wrap: &dyn Wrap,
    progress: &dyn Fn(usize, usize, &str),
) -> Result<Report, Error> {
    let mut report = Report::default();
    let vopts = xp_package::validate::ValidateOptions {
        run: RunOptions {
            year,
            ..RunOptions::default()
        },
        ..Default::default()
    };
    let v = xp_package::validate::validate(
        &[kb_dir.to_path_buf()],
        &vopts,
        &xp_package::known::KnownFailures::default(),
    )?;
    report.conformance = Conformance {
        pairs: v.pairs,
        passed: v.passed,
    };
    let full = Kb::load(&[kb_dir.to_path_buf()])?;
    let rel = |p: &Path, root: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let evaluated: BTreeSet<String> = full.sources().iter().map(|s| rel(s, kb_dir)).collect();
    let own = match own_kb {
        Some(d) => {
            let k = Kb::load(&[d.to_path_buf()])?;
            k.partition(|r| !evaluated.contains(&rel(&r.source, d))).0
        }
        None => Kb::default(),
    };
    let mut chrf_sums = (0.0, 0.0, 0.0, 0);
    let chosen: Vec<PathBuf> = full
        .sources()
        .into_iter()
        .filter(|source| {
            let name = rel(source, kb_dir);
            sources.is_empty() || sources.iter().any(|s| name.contains(s.as_str()))
        })
        .collect();
    for (done, source) in chosen.iter().cloned().enumerate() {
        progress(done, chosen.len(), &rel(&source, kb_dir));
        let this: Vec<PathBuf> = full
            .rules
            .iter()
            .filter(|r| r.source == source)
            .map(|r| r.dir.clone())
            .collect();
        let experts = read_experts(&this);
        let kb = Kb::from_rules(
            full.rules
                .iter()
                .filter(|r| r.source != source)
                .chain(&own.rules)
                .cloned()
                .collect(),
        );
        let (scores, clusters, mut events) = evaluate_source(
            &experts,
            &kb,
            wrap,
            year,
            &mut report.by_kind,
            &mut chrf_sums,
            &mut report.fields,
        );
        let name = rel(&source, kb_dir);
        for d in &mut events {
            d.source.clone_from(&name);
        }
        report.sources.push(SourceResult {
            source: name,
            rules: this.len(),
            scores,
            clusters,
            events,
        });
    }
    for k in report.by_kind.values_mut() {
        k.finish();
        report.total.add(k);
    }
    report.total.finish();
    if chrf_sums.3 > 0 {
        let n = chrf_sums.3 as f64;
        report.i18n = I18n {
            en_chrf: chrf_sums.0 / n,
            ru_chrf: chrf_sums.1 / n,
        };
        report.names = Names {
            chrf: chrf_sums.2 / n,
        };
    }
    Ok(report)
}
