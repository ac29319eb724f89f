//! Where a log parser fails on a labelled dataset: the worst **over-split** groups (one
//! ground-truth template whose lines the parser spread over several groups), the worst
//! **under-split** groups (one predicted group holding lines of several ground-truth templates)
//! and the worst **template** errors (a group the parser found exactly, with a template text
//! other than the ground truth's). Each is ranked by the lines it costs.

use rustc_hash::FxHashMap;
use serde::Serialize;

/// One part of a split or merged group: a template and its lines.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Part {
    /// The template (predicted for an over-split group, ground truth for an under-split one).
    pub template: String,
    /// Lines.
    pub lines: usize,
}

/// One failing group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    /// The template the group is known by (ground truth for an over-split group, predicted
    /// for an under-split one).
    pub template: String,
    /// Lines of the group.
    pub lines: usize,
    /// Its parts, largest first (at most `Errors::PARTS`; `parts_total` counts them all).
    pub parts: Vec<Part>,
    /// How many parts there are.
    pub parts_total: usize,
}

/// A group found exactly whose template text differs from the ground truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TemplateError {
    /// Ground-truth template.
    pub truth: String,
    /// Predicted template.
    pub predicted: String,
    /// Lines of the group.
    pub lines: usize,
}

/// The worst groups of one dataset.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Errors {
    /// Ground-truth templates spread over several predicted groups, most lines first.
    pub over_split: Vec<Group>,
    /// Predicted groups holding several ground-truth templates, most lines first.
    pub under_split: Vec<Group>,
    /// Exact groups with a wrong template text, most lines first.
    pub templates: Vec<TemplateError>,
}

impl Errors {
    /// Parts shown per group.
    pub const PARTS: usize = 4;
}

fn norm(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The lines of `lines` counted by `key`, as parts named by `name`, largest first then by
/// template.
fn parts<K: std::hash::Hash + Eq>(
    lines: &[usize],
    key: impl Fn(usize) -> K,
    name: impl Fn(&K) -> String,
) -> Vec<Part> {
    let mut counts: FxHashMap<K, usize> = FxHashMap::default();
    for &l in lines {
        *counts.entry(key(l)).or_default() += 1;
    }
    let mut v: Vec<Part> = counts
        .iter()
        .map(|(k, &n)| Part {
            template: name(k),
            lines: n,
        })
        .collect();
    v.sort_by(|a, b| {
        b.lines
            .cmp(&a.lines)
            .then_with(|| a.template.cmp(&b.template))
    });
    v
}

fn group(template: String, lines: usize, mut all: Vec<Part>) -> Group {
    let parts_total = all.len();
    all.truncate(Errors::PARTS);
    Group {
        template,
        lines,
        parts: all,
        parts_total,
    }
}

/// The `worst` groups of each kind for predicted `(group id, template)` per line against
/// ground-truth templates per line (the inputs of `metrics::score`).
pub fn errors(predicted: &[(usize, String)], truth: &[String], worst: usize) -> Errors {
    let truth_n: Vec<String> = truth.iter().map(|t| norm(t)).collect();
    let mut gt: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, t) in truth_n.iter().enumerate() {
        gt.entry(t.as_str()).or_default().push(i);
    }
    let mut pred: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (i, (g, _)) in predicted.iter().enumerate() {
        pred.entry(*g).or_default().push(i);
    }
    // A predicted group's template (two groups may share one text).
    let pred_name: FxHashMap<usize, String> = pred
        .iter()
        .map(|(&g, lines)| (g, norm(&predicted[lines[0]].1)))
        .collect();

    let mut over: Vec<Group> = gt
        .iter()
        .filter_map(|(t, lines)| {
            // By group id: two groups may share one text.
            let ps = parts(lines, |l| predicted[l].0, |g| pred_name[g].clone());
            (ps.len() > 1).then(|| group(t.to_string(), lines.len(), ps))
        })
        .collect();
    let mut under: Vec<Group> = pred
        .iter()
        .filter_map(|(g, lines)| {
            let ps = parts(lines, |l| truth_n[l].as_str(), |t| t.to_string());
            (ps.len() > 1).then(|| group(pred_name[g].clone(), lines.len(), ps))
        })
        .collect();
    let mut templates: Vec<TemplateError> = pred
        .iter()
        .filter_map(|(g, lines)| {
            let t = truth_n[lines[0]].as_str();
            let exact = gt[t].len() == lines.len() && lines.iter().all(|&l| truth_n[l] == t);
            (exact && pred_name[g] != t).then(|| TemplateError {
                truth: t.to_string(),
                predicted: pred_name[g].clone(),
                lines: lines.len(),
            })
        })
        .collect();
    over.sort_by(|a, b| {
        b.lines
            .cmp(&a.lines)
            .then_with(|| a.template.cmp(&b.template))
    });
    under.sort_by(|a, b| {
        b.lines
            .cmp(&a.lines)
            .then_with(|| a.template.cmp(&b.template))
    });
    templates.sort_by(|a, b| b.lines.cmp(&a.lines).then_with(|| a.truth.cmp(&b.truth)));
    over.truncate(worst);
    under.truncate(worst);
    templates.truncate(worst);
    Errors {
        over_split: over,
        under_split: under,
        templates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn finds_each_kind_of_error() {
        let truth = s(&["a <*>", "a <*>", "a <*>", "b", "c", "d <*>", "d <*>"]);
        let predicted = vec![
            (0, "a x".to_string()),
            (0, "a x".to_string()),
            (1, "a <*>".to_string()),
            (2, "<*>".to_string()),
            (2, "<*>".to_string()),
            (3, "d 1".to_string()),
            (3, "d 1".to_string()),
        ];
        let e = errors(&predicted, &truth, 10);
        assert_eq!(e.over_split.len(), 1);
        assert_eq!(e.over_split[0].template, "a <*>");
        assert_eq!(e.over_split[0].lines, 3);
        assert_eq!(e.over_split[0].parts_total, 2);
        assert_eq!(e.over_split[0].parts[0].template, "a x");
        assert_eq!(e.under_split.len(), 1);
        assert_eq!(e.under_split[0].template, "<*>");
        assert_eq!(e.under_split[0].parts.len(), 2);
        assert_eq!(
            e.templates,
            vec![TemplateError {
                truth: "d <*>".into(),
                predicted: "d 1".into(),
                lines: 2
            }]
        );
        assert!(errors(&predicted, &truth, 0).over_split.is_empty());
    }

    #[test]
    fn two_groups_with_one_text_are_still_a_split() {
        let truth = s(&["a <*>", "a <*>"]);
        let predicted = vec![(0, "a <*>".to_string()), (1, "a <*>".to_string())];
        let e = errors(&predicted, &truth, 5);
        assert_eq!(e.over_split.len(), 1);
        assert_eq!(e.over_split[0].parts_total, 2);
        assert_eq!(e.over_split[0].parts[1].template, "a <*>");
    }
}
