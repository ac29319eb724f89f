//! Quick loghub run for development: `cargo run --release -p evaluation --example loghub -- DIR`.
#![allow(clippy::print_stdout)]
fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/loghub".into());
    let r = evaluation::loghub::evaluate(
        std::path::Path::new(&dir),
        &log_cluster::Config::default(),
        &evaluation::loghub::Options::default(),
    )
    .unwrap();
    for d in &r.datasets {
        println!(
            "{:<10} ga {:.3} pa {:.3} fga {:.3} fta {:.3}",
            d.name, d.ga, d.pa, d.fga, d.fta
        );
    }
    println!(
        "{:<10} ga {:.3} pa {:.3} fga {:.3} fta {:.3}",
        "MEAN", r.mean.ga, r.mean.pa, r.mean.fga, r.mean.fta
    );
}
