//! Two JSON reports compared metric by metric. Any report of the tool works (`eval kb --json`,
//! `eval loghub --json`, `validate --json`, a generated tree's `report.json`): numeric leaves
//! are flattened to dotted paths (array items named by their `source`, `name`, `dir` or `id`),
//! rates are derived where a report gives only counts, and each metric knows whether higher
//! or lower is better by its name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::{Error, Result};

/// Which way a metric should move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// Higher is better (precision, recall, accuracy, rates, chrF, GA/PA/FGA/FTA, passed).
    Higher,
    /// Lower is better (failures, rejections).
    Lower,
    /// A size or a count with no better direction.
    Neither,
}

/// One metric on both sides.
#[derive(Clone, Debug, Serialize)]
pub struct Delta {
    /// Dotted path (`by_kind.EVENTLOG.recall`, `datasets.Apache.ga`).
    pub metric: String,
    /// OLD value (absent: the metric is new).
    pub old: Option<f64>,
    /// NEW value (absent: the metric is gone).
    pub new: Option<f64>,
    /// Direction.
    pub better: Better,
    /// True for per-item metrics (inside a list: per source, per dataset).
    pub item: bool,
}

impl Delta {
    /// NEW − OLD when both exist.
    pub fn change(&self) -> Option<f64> {
        Some(self.new? - self.old?)
    }

    /// How much worse NEW is (positive: worse), when both exist and the metric has a direction.
    pub fn worsening(&self) -> Option<f64> {
        let d = self.change()?;
        match self.better {
            Better::Higher => Some(-d),
            Better::Lower => Some(d),
            Better::Neither => None,
        }
    }
}

/// The comparison of two reports.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReportDiff {
    /// Every metric of either side, in report order (OLD's first, then NEW's new ones).
    pub metrics: Vec<Delta>,
}

/// Parses a report's text.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Value> {
    serde_json::from_slice(bytes).map_err(|e| Error::Json {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Reads and parses a report file.
pub fn read(path: &Path) -> Result<Value> {
    parse(path, &crate::tree::read_bounded(path)?)
}

/// Compares two report files.
pub fn diff_reports(old: &Path, new: &Path) -> Result<ReportDiff> {
    Ok(diff_values(&read(old)?, &read(new)?))
}

/// Compares two parsed reports.
pub fn diff_values(old: &Value, new: &Value) -> ReportDiff {
    let a = flatten(old);
    let b = flatten(new);
    let in_a: BTreeSet<&str> = a.iter().map(|m| m.0.as_str()).collect();
    let b_map: BTreeMap<&str, f64> = b.iter().map(|m| (m.0.as_str(), m.1)).collect();
    let a_map: BTreeMap<&str, f64> = a.iter().map(|m| (m.0.as_str(), m.1)).collect();
    let mut metrics = Vec::new();
    for (path, _, item) in a
        .iter()
        .chain(b.iter().filter(|m| !in_a.contains(m.0.as_str())))
    {
        let leaf = path.rsplit('.').next().unwrap_or(path);
        metrics.push(Delta {
            metric: path.clone(),
            old: a_map.get(path.as_str()).copied(),
            new: b_map.get(path.as_str()).copied(),
            better: better(leaf),
            item: *item,
        });
    }
    ReportDiff { metrics }
}

/// Direction of a metric by its leaf name.
pub fn better(leaf: &str) -> Better {
    match leaf {
        "precision"
        | "recall"
        | "format_accuracy"
        | "working_rate"
        | "en_chrf"
        | "ru_chrf"
        | "ga"
        | "pa"
        | "fga"
        | "fta"
        | "rate"
        | "normalized_share"
        | "passed"
        | "matched_by_own"
        | "matched_exactly_once"
        // Benchmarks (`eval/bench/*.sh --json`).
        | "events_per_second"
        | "lines_per_second"
        | "ratio_vs_drain3" => Better::Higher,
        "failed" | "unexpected" | "rejected" | "rejected_clusters" | "rejected_lines" => {
            Better::Lower
        }
        "unmatched"
        | "several"
        | "tried_per_event"
        | "rule_type_gap"
        | "slowdown_5000_vs_50"
        | "rss_mb"
        | "header_synthesis_wall_s" => Better::Lower,
        _ => Better::Neither,
    }
}

/// Subtrees that hold details, not metrics.
const SKIP: &[&str] = &[
    "fields",
    "rules",
    "assignment",
    "failures",
    "stale_known",
    "clusters",
];

/// Leaves that are timings or settings, not results.
const IGNORE: &[&str] = &["seconds", "year", "size", "cluster"];

/// Numeric leaves as `(path, value, inside a list)`, with derived rates and list lengths.
fn flatten(v: &Value) -> Vec<(String, f64, bool)> {
    let mut out = Vec::new();
    walk(v, "", false, &mut out);
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(v: &Value, path: &str, item: bool, out: &mut Vec<(String, f64, bool)>) {
    match v {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.push((path.to_string(), x, item));
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                if IGNORE.contains(&k.as_str()) {
                    continue;
                }
                if SKIP.contains(&k.as_str()) {
                    if let Value::Array(a) = x {
                        out.push((join(path, k), a.len() as f64, item));
                    }
                    continue;
                }
                if let Value::Array(a) = x {
                    if a.iter().all(|e| !e.is_object()) {
                        out.push((join(path, k), a.len() as f64, item));
                        continue;
                    }
                }
                walk(x, &join(path, k), item, out);
            }
            let num = |k: &str| m.get(k).and_then(Value::as_f64);
            if let (Some(p), Some(n)) = (num("passed"), num("pairs")) {
                out.push((join(path, "rate"), if n > 0.0 { p / n } else { 0.0 }, item));
            }
            if let (Some(p), Some(n)) = (num("events_normalized"), num("events")) {
                out.push((
                    join(path, "normalized_share"),
                    if n > 0.0 { p / n } else { 0.0 },
                    item,
                ));
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let name = ["source", "name", "dir", "id"]
                    .iter()
                    .find_map(|k| x.get(*k).and_then(Value::as_str))
                    .map_or_else(|| i.to_string(), str::to_string);
                walk(x, &join(path, &name), true, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattens_names_items_and_derives_rates() {
        let old = json!({"conformance": {"pairs": 10, "passed": 9},
            "by_kind": {"JSON": {"precision": 0.5, "recall": 0.25}},
            "sources": [{"source": "a/b", "scores": {"recall": 0.5}}],
            "seconds": 3.0});
        let new = json!({"conformance": {"pairs": 10, "passed": 10},
            "by_kind": {"JSON": {"precision": 0.4, "recall": 0.25}},
            "sources": [{"source": "a/b", "scores": {"recall": 0.75}}],
            "seconds": 1.0});
        let d = diff_values(&old, &new);
        let get = |m: &str| d.metrics.iter().find(|x| x.metric == m).cloned().unwrap();
        assert_eq!(get("conformance.rate").new, Some(1.0));
        assert_eq!(get("conformance.rate").old, Some(0.9));
        assert!((get("by_kind.JSON.precision").worsening().unwrap() - 0.1).abs() < 1e-12);
        assert!(get("sources.a/b.scores.recall").item);
        assert!(d.metrics.iter().all(|m| m.metric != "seconds"));
    }

    #[test]
    fn a_metric_on_one_side_only_has_no_change() {
        let d = diff_values(&json!({"a": {"recall": 1}}), &json!({"b": {"recall": 1}}));
        assert_eq!(d.metrics.len(), 2);
        assert!(d.metrics.iter().all(|m| m.change().is_none()));
    }
}
