//! Clustering of the project's sample logs stays stable: `tests/golden/cluster/<log>.json`
//! (rewrite with `UPDATE_EXPECT=1`).

use normforge_tests::{check_golden, workspace_root};

fn clusters_json(log: &str) -> String {
    let path = workspace_root().join("eval/samples").join(log);
    let f = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let mut c = log_cluster::events::EventClusterer::new(
        log_cluster::Config::default(),
        log_cluster::identifier::RuleBased,
    );
    let mut rejected = Vec::new();
    for item in ingest::Reader::new(f, Default::default()) {
        match item.unwrap() {
            ingest::Item::Event(e) => c.add(&e),
            ingest::Item::Rejected(r) => rejected.push(r),
        }
    }
    let clusters = c.finish();
    let v = serde_json::json!({ "rejected": rejected, "clusters": clusters });
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

#[test]
fn sample_logs_cluster_stably() {
    let mut failures = Vec::new();
    for log in ["sshd.log", "mixed.log"] {
        let golden = workspace_root()
            .join("tests/golden/cluster")
            .join(format!("{log}.json"));
        if let Err(e) = check_golden(&golden, &clusters_json(log)) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
