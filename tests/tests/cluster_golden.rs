//! Clustering of the project's sample logs and their synthesized headers stay stable:
//! `tests/golden/cluster/<log>.json` and `tests/golden/headers/<log>.xp` (rewrite with
//! `UPDATE_EXPECT=1`).

use normforge_tests::{check_golden, sample_clusters, workspace_root};

fn clusters_json(log: &str) -> String {
    let (rejected, clusters) = sample_clusters(log);
    let v = serde_json::json!({ "rejected": rejected, "clusters": clusters });
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

#[test]
fn sample_logs_cluster_stably() {
    let mut failures = Vec::new();
    for log in normforge_tests::SAMPLE_LOGS {
        let golden = workspace_root()
            .join("tests/golden/cluster")
            .join(format!("{log}.json"));
        if let Err(e) = check_golden(&golden, &clusters_json(log)) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sample_log_headers_match_their_clusters_only() {
    let mut failures = Vec::new();
    for log in normforge_tests::SAMPLE_LOGS {
        let (_, clusters) = sample_clusters(log);
        let headed = format_synth::merge::headed(&clusters);
        let inputs = format_synth::merge::inputs(&headed.clusters);
        let heads = &headed.heads;
        let events: usize = inputs.iter().map(|c| c.members.len()).sum();
        let (own, once) = (headed.overlap.own, headed.overlap.once);
        assert_eq!(own, events, "{log}: every event matches its own header");
        assert_eq!(
            once, events,
            "{log}: every event matches exactly one header"
        );
        let mut text = String::new();
        for (c, h) in headed.clusters.iter().zip(heads) {
            text.push_str(&format!(
                "# cluster {} ({} events, {})\n{}\n",
                c.id,
                c.size,
                h.method,
                h.formula().replace("id = \"normforge_header_check\"\n", "")
            ));
        }
        let golden = workspace_root()
            .join("tests/golden/headers")
            .join(format!("{log}.xp"));
        if let Err(e) = check_golden(&golden, &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
