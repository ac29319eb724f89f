//! chrF (Popović 2015): F-score over character n-grams, n = 1..=6, β = 2, whitespace
//! removed, precision and recall averaged over n — the sacrebleu definition, on a 0–100 scale.

use std::collections::HashMap;

fn grams(chars: &[char], n: usize) -> HashMap<&[char], u32> {
    let mut m = HashMap::new();
    if chars.len() >= n {
        for w in chars.windows(n) {
            *m.entry(w).or_insert(0) += 1;
        }
    }
    m
}

/// chrF of a hypothesis against one reference (0–100).
pub fn chrf(hyp: &str, reference: &str) -> f64 {
    const N: usize = 6;
    const BETA2: f64 = 4.0;
    let h: Vec<char> = hyp.chars().filter(|c| !c.is_whitespace()).collect();
    let r: Vec<char> = reference.chars().filter(|c| !c.is_whitespace()).collect();
    if h.is_empty() || r.is_empty() {
        return if h.is_empty() && r.is_empty() {
            100.0
        } else {
            0.0
        };
    }
    let (mut p_sum, mut r_sum, mut count) = (0.0, 0.0, 0);
    for n in 1..=N {
        let (hg, rg) = (grams(&h, n), grams(&r, n));
        let (ht, rt): (u32, u32) = (hg.values().sum(), rg.values().sum());
        if ht == 0 || rt == 0 {
            continue;
        }
        let m: u32 = hg
            .iter()
            .map(|(g, c)| (*c).min(*rg.get(g).unwrap_or(&0)))
            .sum();
        p_sum += f64::from(m) / f64::from(ht);
        r_sum += f64::from(m) / f64::from(rt);
        count += 1;
    }
    if count == 0 {
        return 0.0;
    }
    let (p, rc) = (p_sum / count as f64, r_sum / count as f64);
    if p + rc == 0.0 {
        0.0
    } else {
        100.0 * (1.0 + BETA2) * p * rc / (BETA2 * p + rc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_order() {
        assert!((chrf("the cat sat", "the cat sat") - 100.0).abs() < 1e-9);
        assert_eq!(chrf("xyz", "abc"), 0.0);
        let near = chrf("The user logged in", "The user logged on");
        let far = chrf("Service stopped", "The user logged on");
        assert!(near > far && near < 100.0, "{near} {far}");
    }
}
