//! The service's web page in a real headless browser (Debian chromium driven by playwright-core
//! from `tests/browser/`): upload a log, watch progress, browse the packages with their
//! validation status, open a formula, download the archive.

use std::process::Command;

use normforge_tests::{chromium, playwright, workspace_root, TestServer};

#[test]
fn the_web_page_uploads_a_log_and_shows_validated_packages() {
    let Some(browser) = chromium("web page in chromium") else {
        return;
    };
    if !playwright("web page in chromium") {
        return;
    }
    let server = TestServer::start(service::Config {
        year: 2024,
        ..normforge_tests::service_config()
    });
    let out = tempfile::tempdir().unwrap();
    let log = workspace_root().join("eval/samples/sshd.log");
    let o = Command::new("node")
        .arg(workspace_root().join("tests/browser/web-page.mjs"))
        .arg(server.url("/"))
        .arg(&log)
        .arg(out.path())
        .arg(normforge_tests::TEST_TOKEN)
        .env("NORMFORGE_CHROMIUM", &browser)
        .output()
        .expect("node runs");
    drop(server);
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], serde_json::json!([]), "{v:#}");
    let status = v["status"].as_str().unwrap();
    assert!(
        status.starts_with("Done:") && status.contains("0 rules not validating"),
        "{status}"
    );
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.len() > 10, "{v:#}");
    assert!(rows.iter().all(|r| r[4] == "✓ validates"), "{v:#}");
    assert!(v["formula"].as_str().unwrap().contains("\nid = "), "{v:#}");
    assert_eq!(v["archive_magic"], "1f8b", "a gzip archive");
    // The page asked for the service's token once, and kept it.
    assert_eq!(v["token_asked"], 1, "{v:#}");
    assert!(v["archive_bytes"].as_u64().unwrap() > 1000);
    // Keep the screenshot for people to look at.
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-page.png");
    std::fs::copy(v["screenshot"].as_str().unwrap(), &shot).unwrap();
}
