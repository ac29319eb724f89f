//! The review workbench in a real headless browser (Debian chromium driven by playwright-core
//! from `tests/browser/`): upload the mixed sample, open a rule, see the spans its captures
//! took, the event × field table, the en/ru text and the knowledge-base comparison, edit a field
//! mapping and see it re-validate (after an edit that does not compile, shown at its line),
//! accept three rules and download exactly those. Screenshots at 1280×800 and 390×844 land in
//! the test's target folder; at both sizes nothing overflows sideways and every control of the
//! flow is on screen and takes a click.

use normforge_tests::{browser_script, workspace_root};
use serde_json::Value;
use std::collections::BTreeSet;

/// The rule the test edits: the sample's firewall traffic rule (a KEYVALUE event type).
const RULE: &str = "traffic_forward_accept";

fn layout_ok(v: &Value, key: &str) {
    let l = &v[key];
    assert!(
        l["overflow"].as_f64().unwrap() <= 0.0,
        "{key}: the page scrolls sideways by {} px",
        l["overflow"]
    );
    for (control, state) in l["controls"].as_object().unwrap() {
        assert_eq!(state, "ok", "{key}: {control} is {state}");
    }
}

#[test]
fn a_reviewer_sees_corrects_and_accepts_rules_in_the_browser() {
    let out = tempfile::tempdir().unwrap();
    let Some(v) = browser_script(
        "review workbench in chromium",
        service::Config {
            year: 2024,
            kb: vec![workspace_root().join("knowledge-base")],
            ..normforge_tests::service_config()
        },
        "review.mjs",
        &workspace_root().join("eval/samples/mixed.log"),
        out.path(),
        &[RULE],
    ) else {
        return;
    };
    assert_eq!(v["errors"], serde_json::json!([]), "{v:#}");
    assert!(v["status"].as_str().unwrap().starts_with("Done:"), "{v:#}");

    // The table names the knowledge-base rules that would also normalize a rule's events (the
    // sample's sshd lines are the project's sshd rules' events).
    assert!(
        v["in_kb"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().starts_with("NF_UNIX_like_sshd_")),
        "{v:#}"
    );
    // The filter box narrows the table to the rule.
    let filtered = v["filtered_rows"].as_array().unwrap();
    assert!(
        !filtered.is_empty() && filtered.iter().all(|r| r.as_str().unwrap().contains(RULE)),
        "{v:#}"
    );
    // The rule view: the header, the spans the captures took and the keys read.
    assert!(v["head"].as_str().unwrap().starts_with("TEXT = "), "{v:#}");
    let spans = v["spans"].as_array().unwrap();
    let capture = |name: &str| {
        spans
            .iter()
            .find(|s| s["kind"] == "capture" && s["name"] == name)
            .map(|s| s["text"].as_str().unwrap().to_string())
    };
    assert_eq!(capture("$date").as_deref(), Some("2025-03-10"), "{v:#}");
    assert!(
        spans
            .iter()
            .any(|s| s["kind"] == "key" && s["text"] == "srcip"),
        "the keys the rule reads are marked: {v:#}"
    );
    // What each field is set from: the traffic rule reads every field from the event.
    let assignment = v["assignment"].as_array().unwrap();
    assert!(
        assignment
            .iter()
            .any(|r| r[0] == "src.ip" && r[1] == "the event" && r[2] == "$kv[\"srcip\"]"),
        "{v:#}"
    );
    // Event × field: a column per field, a row per event, the values from the events.
    let cols: Vec<&str> = v["grid_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for f in ["line", "src.ip", "dst.port", "event_src.hostname"] {
        assert!(cols.contains(&f), "{f} in {cols:?}");
    }
    let rows = v["grid_rows"].as_array().unwrap();
    assert!(rows.len() >= 2, "{v:#}");
    let src_ip = cols.iter().position(|c| *c == "src.ip").unwrap();
    assert!(
        rows.iter().all(|r| r[src_ip]
            .as_str()
            .unwrap()
            .parse::<std::net::IpAddr>()
            .is_ok()),
        "{v:#}"
    );
    // The description in both languages, placeholders filled from the event.
    let en = v["desc_en"].as_str().unwrap();
    let ru = v["desc_ru"].as_str().unwrap();
    assert!(en.contains("198.51.100.23") && !en.contains('{'), "{en}");
    assert!(ru.chars().any(|c| ('а'..='я').contains(&c)), "{ru}");
    // The knowledge-base comparison ran and names the nearest rules.
    let kb = v["kb"].as_str().unwrap();
    assert!(
        kb.contains("Nearest knowledge-base rules") && kb.contains("similarity"),
        "{kb}"
    );
    assert!(
        kb.contains("would also normalize") || kb.contains("no duplicate"),
        "{kb}"
    );

    // An edit that does not compile is refused, its diagnostic at its line.
    let bad = &v["bad_edit"];
    assert!(
        bad["status"].as_str().unwrap().contains("not kept"),
        "{bad}"
    );
    let line = bad["line"].as_u64().unwrap();
    assert!(
        bad["diagnostics"][0]
            .as_str()
            .unwrap()
            .starts_with(&format!("line {line},")),
        "{bad}"
    );
    assert_eq!(bad["gutter_marked"][0], line.to_string(), "{bad}");
    // The mapping edit re-validates, its tests are made anew, the diff shows both.
    assert_eq!(v["edit_changed"], true);
    let good = &v["good_edit"];
    assert!(
        good["status"].as_str().unwrap().starts_with("✓ valid"),
        "{good}"
    );
    let diff = good["diff"].as_str().unwrap();
    assert!(diff.contains("+event_src.host = "), "{diff}");
    assert!(diff.contains("+  \"event_src.host\": \"fw01\""), "{diff}");
    assert!(diff.contains("tests/norm_1.js"), "{diff}");
    assert!(good["grid_columns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "event_src.host"));
    assert_eq!(v["edited_marked"], true, "the table marks the edited rule");

    // Accepted: exactly three rule folders, one with the edit, and the job's report, summary
    // and the review.
    assert_eq!(v["accept_button"], "Download accepted (3)");
    let names: Vec<&str> = v["archive"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let accepted: BTreeSet<&str> = v["accepted_dirs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(accepted.len(), 3, "{v:#}");
    let mut top = BTreeSet::new();
    for n in &names {
        match accepted.iter().find(|d| n.starts_with(&format!("{d}/"))) {
            Some(d) => {
                top.insert(*d);
            }
            None => assert!(
                ["report.json", "summary.md", "review.md"].contains(n),
                "{n} is in the archive: {names:?}"
            ),
        }
    }
    assert_eq!(top, accepted, "{names:?}");
    for f in ["report.json", "summary.md", "review.md"] {
        assert!(names.contains(&f), "{f}: {names:?}");
    }

    // The edited rule is in the archive as edited, its tests made anew; review.md says so.
    let formula = v["archive_edited_formula"].as_str().unwrap();
    assert!(formula.contains("\nevent_src.host = "), "{formula}");
    assert!(!formula.contains("\nevent_src.hostname = "), "{formula}");
    assert!(v["archive_edited_norm"]
        .as_str()
        .unwrap()
        .contains("\"event_src.host\": \"fw01\""));
    let review = v["review_md"].as_str().unwrap();
    assert!(
        review.contains("Accepted 3 of ") && review.contains("1 edited by the reviewer"),
        "{review}"
    );
    assert!(review.contains("```diff"), "{review}");

    // Both screen sizes.
    for key in ["table_1280", "view_1280", "table_390", "view_390"] {
        layout_ok(&v, key);
    }
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    for s in v["shots"].as_array().unwrap() {
        let p = std::path::Path::new(s.as_str().unwrap());
        std::fs::copy(p, target.join(p.file_name().unwrap())).unwrap();
    }
}
