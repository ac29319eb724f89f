//! When a change is a regression: a metric with a direction got worse by more than its
//! threshold, or a package stopped validating.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::metrics::ReportDiff;
use crate::tree::TreeDiff;

/// Allowed worsening per metric; `metric=value` where metric is a full dotted path, a leaf name
/// (`recall`) or `*`, and value an amount (`recall=0.01`) or a share of the old value
/// (`events_per_second=30%`: throughput may drop by 30 % of what it was). Per-item metrics
/// (per source, per dataset) count only with `items`.
#[derive(Clone, Debug, Default)]
pub struct Thresholds {
    by_metric: BTreeMap<String, Allowed>,
    /// Check per-item metrics too.
    pub items: bool,
}

/// An allowed worsening.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Allowed {
    /// By this amount.
    Amount(f64),
    /// By this share of the old value's magnitude.
    Share(f64),
}

impl Thresholds {
    /// Parses `metric=value` specifications.
    pub fn parse(specs: &[String], items: bool) -> Result<Thresholds, String> {
        let mut by_metric = BTreeMap::new();
        for s in specs {
            let (k, v) = s.split_once('=').ok_or_else(|| {
                format!("threshold `{s}`: expected METRIC=VALUE, e.g. recall=0.01")
            })?;
            let v = v.trim();
            let (num, share) = match v.strip_suffix('%') {
                Some(n) => (n.trim(), true),
                None => (v, false),
            };
            let x: f64 = num
                .parse()
                .ok()
                .filter(|x: &f64| x.is_finite() && *x >= 0.0)
                .ok_or_else(|| {
                    format!("threshold `{s}`: `{v}` is not a number ≥ 0 (or a share such as 30%)")
                })?;
            let allowed = if share {
                Allowed::Share(x / 100.0)
            } else {
                Allowed::Amount(x)
            };
            by_metric.insert(k.trim().to_string(), allowed);
        }
        Ok(Thresholds { by_metric, items })
    }

    /// The allowed worsening of a metric whose old value is `old` (default 0).
    pub fn of(&self, metric: &str, old: f64) -> f64 {
        let leaf = metric.rsplit('.').next().unwrap_or(metric);
        match self
            .by_metric
            .get(metric)
            .or_else(|| self.by_metric.get(leaf))
            .or_else(|| self.by_metric.get("*"))
        {
            Some(Allowed::Amount(x)) => *x,
            Some(Allowed::Share(x)) => x * old.abs(),
            None => 0.0,
        }
    }
}

/// One regression.
#[derive(Clone, Debug, Serialize)]
pub struct Regression {
    /// The metric or package.
    pub what: String,
    /// How it got worse.
    pub detail: String,
}

/// Rounding noise of serialized floats.
const EPS: f64 = 1e-9;

/// The metrics that got worse beyond their thresholds.
pub fn of_report(d: &ReportDiff, th: &Thresholds) -> Vec<Regression> {
    d.metrics
        .iter()
        .filter(|m| th.items || !m.item)
        .filter_map(|m| {
            let w = m.worsening()?;
            let allowed = th.of(&m.metric, m.old.unwrap_or(0.0));
            (w > allowed + EPS).then(|| Regression {
                what: m.metric.clone(),
                detail: format!(
                    "{} → {} (worse by {}; allowed {})",
                    fmt(m.old.unwrap_or(0.0)),
                    fmt(m.new.unwrap_or(0.0)),
                    fmt(w),
                    fmt(allowed)
                ),
            })
        })
        .collect()
}

/// Packages that stopped validating, and the trees' report metrics that got worse.
pub fn of_tree(d: &TreeDiff, th: &Thresholds) -> Vec<Regression> {
    let mut out: Vec<Regression> = d
        .packages
        .iter()
        .filter(|p| p.stopped_validating())
        .map(|p| Regression {
            what: p.dir.clone(),
            detail: format!(
                "does not validate: {}",
                p.new_status
                    .as_ref()
                    .and_then(|s| s.first_failure.clone())
                    .unwrap_or_default()
            ),
        })
        .collect();
    if let Some(m) = &d.metrics {
        out.extend(of_report(m, th));
    }
    out
}

/// A metric value as printed everywhere in reviews.
pub fn fmt(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn thresholds_by_path_leaf_and_star() {
        let t = Thresholds::parse(&["recall=0.1".into(), "*=0.01".into()], false).unwrap();
        assert_eq!(t.of("by_kind.JSON.recall", 0.5), 0.1);
        assert_eq!(t.of("total.precision", 0.5), 0.01);
        assert!(Thresholds::parse(&["recall".into()], false).is_err());
        assert!(Thresholds::parse(&["recall=-1".into()], false).is_err());
        assert!(Thresholds::parse(&["recall=-1%".into()], false).is_err());
    }

    #[test]
    fn a_share_of_the_old_value_for_throughput_an_exact_count_for_counters() {
        let old = json!({"types5000": {"events_per_second": 100000.0, "tried_per_event": 1.2,
                                       "several": 0}});
        let slower = json!({"types5000": {"events_per_second": 75000.0, "tried_per_event": 1.2,
                                          "several": 0}});
        let th = Thresholds::parse(&["events_per_second=30%".into()], false).unwrap();
        assert!(of_report(&crate::metrics::diff_values(&old, &slower), &th).is_empty());
        let much = json!({"types5000": {"events_per_second": 60000.0, "tried_per_event": 1.2,
                                        "several": 0}});
        assert_eq!(
            of_report(&crate::metrics::diff_values(&old, &much), &th).len(),
            1
        );
        // Counters stay strict: one more event matched by several rules is a regression.
        let several = json!({"types5000": {"events_per_second": 100000.0, "tried_per_event": 1.2,
                                           "several": 1}});
        let r = of_report(&crate::metrics::diff_values(&old, &several), &th);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].what, "types5000.several");
    }

    #[test]
    fn drops_beyond_threshold_regress_and_items_only_on_request() {
        let old = json!({"total": {"recall": 0.5, "precision": 0.8},
                         "sources": [{"source": "s", "scores": {"recall": 0.5}}]});
        let new = json!({"total": {"recall": 0.45, "precision": 0.9},
                         "sources": [{"source": "s", "scores": {"recall": 0.1}}]});
        let d = crate::metrics::diff_values(&old, &new);
        let strict = Thresholds::parse(&[], false).unwrap();
        let r = of_report(&d, &strict);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].what, "total.recall");
        let loose = Thresholds::parse(&["recall=0.06".into()], false).unwrap();
        assert!(of_report(&d, &loose).is_empty());
        let items = Thresholds::parse(&["recall=0.06".into()], true).unwrap();
        assert_eq!(of_report(&d, &items).len(), 1);
    }
}
