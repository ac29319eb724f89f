//! Log-parsing metrics of the Loghub-2.0 evaluation.
//!
//! - GA: share of lines whose predicted group is exactly a ground-truth group.
//! - PA: share of lines whose predicted template equals the ground truth token for token
//!   (templates compared after collapsing runs of whitespace).
//! - FGA: F1 over templates of correct grouping (predicted groups equal to a ground-truth group).
//! - FTA: F1 over templates of correct grouping and correct template text.
//!
//! A ground-truth group is the set of lines sharing an `EventTemplate` string.

use rustc_hash::FxHashMap;
use serde::Serialize;

/// The four figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Grouping accuracy.
    pub ga: f64,
    /// Parsing accuracy.
    pub pa: f64,
    /// F1 of grouping.
    pub fga: f64,
    /// F1 of template accuracy.
    pub fta: f64,
}

fn norm(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Scores predicted `(group id, template)` per line against ground-truth templates per line.
pub fn score(predicted: &[(usize, String)], truth: &[String]) -> Scores {
    assert_eq!(predicted.len(), truth.len(), "one prediction per line");
    let n = truth.len();
    if n == 0 {
        return Scores::default();
    }
    let mut gt_groups: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, t) in truth.iter().enumerate() {
        gt_groups.entry(norm(t)).or_default().push(i);
    }
    let mut pred_groups: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (i, (g, _)) in predicted.iter().enumerate() {
        pred_groups.entry(*g).or_default().push(i);
    }
    let mut correct_lines = 0usize;
    let mut correct_groups = 0usize;
    let mut correct_templates = 0usize;
    for lines in pred_groups.values() {
        let gt = norm(&truth[lines[0]]);
        let gt_lines = &gt_groups[&gt];
        if gt_lines.len() == lines.len() && lines.iter().all(|&l| norm(&truth[l]) == gt) {
            correct_lines += lines.len();
            correct_groups += 1;
            if norm(&predicted[lines[0]].1) == gt {
                correct_templates += 1;
            }
        }
    }
    let pa_lines = predicted
        .iter()
        .zip(truth)
        .filter(|((_, p), t)| norm(p) == norm(t))
        .count();
    let (np, ng) = (pred_groups.len() as f64, gt_groups.len() as f64);
    Scores {
        ga: correct_lines as f64 / n as f64,
        pa: pa_lines as f64 / n as f64,
        fga: f1(correct_groups as f64 / np, correct_groups as f64 / ng),
        fta: f1(correct_templates as f64 / np, correct_templates as f64 / ng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_merged() {
        let truth: Vec<String> = ["a <*>", "a <*>", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let p = vec![
            (0, "a <*>".to_string()),
            (0, "a <*>".to_string()),
            (1, "b".to_string()),
        ];
        assert_eq!(
            score(&p, &truth),
            Scores {
                ga: 1.0,
                pa: 1.0,
                fga: 1.0,
                fta: 1.0
            }
        );
        let merged = vec![
            (0, "<*>".to_string()),
            (0, "<*>".to_string()),
            (0, "<*>".to_string()),
        ];
        let s = score(&merged, &truth);
        assert_eq!(s.ga, 0.0);
        assert_eq!(s.fga, 0.0);
    }
}
