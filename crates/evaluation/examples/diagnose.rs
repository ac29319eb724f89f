//! Development aid: where one dataset's clustering differs from the ground truth.
//! `cargo run --release -p evaluation --example diagnose -- DIR System [max]`.
#![allow(clippy::print_stdout)]
use std::collections::BTreeMap;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let dir = std::path::Path::new(&a[1]).join(&a[2]);
    let max: usize = a.get(3).and_then(|s| s.parse().ok()).unwrap_or(30);
    let csv = dir.join(format!("{}_2k.log_structured_corrected.csv", a[2]));
    let (content, truth) = evaluation::loghub::read_structured(&csv).unwrap();
    let texts: Vec<&str> = content.iter().map(String::as_str).collect();
    let clusters = log_cluster::cluster_texts(&texts, &log_cluster::Config::default());
    let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut shown = 0;
    for c in &clusters {
        let mut gts: BTreeMap<String, usize> = BTreeMap::new();
        for &m in &c.members {
            *gts.entry(norm(&truth[m])).or_default() += 1;
        }
        let gt_total = truth
            .iter()
            .filter(|t| norm(t) == *gts.keys().next().unwrap())
            .count();
        let ok_group = gts.len() == 1 && gt_total == c.members.len();
        let ok_tpl = gts.len() == 1 && gts.keys().next().unwrap() == &norm(&c.template);
        if ok_group && ok_tpl {
            continue;
        }
        shown += 1;
        if shown > max {
            break;
        }
        println!(
            "PRED ({} lines){}: {}",
            c.members.len(),
            if ok_group { "" } else { " GROUP-WRONG" },
            c.template
        );
        for (g, n) in &gts {
            let total = truth.iter().filter(|t| norm(t) == *g).count();
            println!("   GT {n}/{total}: {g}");
        }
        println!("   e.g. {}", texts[c.members[0]]);
    }
}
