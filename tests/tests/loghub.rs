//! Log-parsing accuracy on `../shared/loghub` with the one configuration for every log: the
//! step-2 targets are a floor (mean GA >= 0.93, PA >= 0.85, FGA >= 0.88, FTA >= 0.75).

use normforge_tests::shared_dir;

#[test]
fn loghub_mean_meets_the_targets() {
    let Some(shared) = shared_dir("loghub accuracy") else {
        return;
    };
    let r = evaluation::loghub::evaluate(
        &shared.join("loghub"),
        &log_cluster::Config::default(),
        &evaluation::loghub::Options::default(),
    )
    .unwrap();
    assert_eq!(r.datasets.len(), 12, "expected the 12 loghub systems");
    let m = r.mean;
    let table: Vec<String> = r
        .datasets
        .iter()
        .map(|d| {
            format!(
                "{} ga {:.3} pa {:.3} fga {:.3} fta {:.3}",
                d.name, d.ga, d.pa, d.fga, d.fta
            )
        })
        .collect();
    assert!(
        m.ga >= 0.93 && m.pa >= 0.85 && m.fga >= 0.88 && m.fta >= 0.75,
        "mean ga {:.3} pa {:.3} fga {:.3} fta {:.3}\n{}",
        m.ga,
        m.pa,
        m.fga,
        m.fta,
        table.join("\n")
    );
}
