//! The service's web page in a real headless browser (Debian chromium driven by playwright-core
//! from `tests/browser/`): upload a log, watch progress, browse the packages with their
//! validation status, open a formula, download the archive.

use normforge_tests::{browser_script, workspace_root};

#[test]
fn the_web_page_uploads_a_log_and_shows_validated_packages() {
    let out = tempfile::tempdir().unwrap();
    let Some(v) = browser_script(
        "web page in chromium",
        service::Config {
            year: 2024,
            ..normforge_tests::service_config()
        },
        "web-page.mjs",
        &workspace_root().join("eval/samples/sshd.log"),
        out.path(),
        &[],
    ) else {
        return;
    };
    assert_eq!(v["errors"], serde_json::json!([]), "{v:#}");
    let status = v["status"].as_str().unwrap();
    assert!(
        status.starts_with("Done:") && status.contains("0 rules not validating"),
        "{status}"
    );
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.len() > 10, "{v:#}");
    // Columns: accept, rule, kind, events, normalized, validation, fields.
    assert!(rows.iter().all(|r| r[5] == "✓ validates"), "{v:#}");
    assert!(v["formula"].as_str().unwrap().contains("\nid = "), "{v:#}");
    assert_eq!(v["archive_magic"], "1f8b", "a gzip archive");
    // The page asked for the service's token once, and kept it.
    assert_eq!(v["token_asked"], 1, "{v:#}");
    assert!(v["archive_bytes"].as_u64().unwrap() > 1000);
    // Keep the screenshot for people to look at.
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-page.png");
    std::fs::copy(v["screenshot"].as_str().unwrap(), &shot).unwrap();
}
