//! `normforge generate --llm embedded` end to end with the real base model and the shipped
//! adapters: stage 1 of clustering asks the `msgid` adapter, the fields go through
//! `norm-fields` and `xp-text`, the names through `metainfo`, the English descriptions through
//! `i18n`; every package must validate.
//! Skipped with a notice when the model is not pulled; `NORMFORGE_REQUIRE_MODEL=1` (CI) makes
//! that a failure.

use std::process::Command;

const LOG: &str = "\
Mar  3 10:00:01 gw7 vpnd[311]: SESSION_OPEN user=ann src=198.51.100.4 tunnel=t1
Mar  3 10:00:09 gw7 vpnd[311]: SESSION_OPEN user=bob src=198.51.100.8 tunnel=t2
Mar  3 10:01:15 gw7 vpnd[311]: SESSION_OPEN user=carl src=203.0.113.9 tunnel=t3
Mar  3 10:05:40 gw7 vpnd[311]: AUTH_FAIL user=dave src=203.0.113.77 reason=bad_password
Mar  3 10:05:52 gw7 vpnd[311]: AUTH_FAIL user=erin src=203.0.113.78 reason=locked
Mar  3 10:06:03 gw7 vpnd[311]: AUTH_FAIL user=fred src=203.0.113.79 reason=bad_password
";

#[test]
#[allow(clippy::print_stderr)] // the skip notice the test policy asks for
fn generate_with_the_embedded_model_sends_every_task_through_its_adapter() {
    let dir = llm::model::model_dir(&llm::model::SMOLLM2);
    if !llm::model::is_ready(&dir) {
        if std::env::var("NORMFORGE_REQUIRE_MODEL").is_ok_and(|v| v == "1") {
            panic!("the model is not pulled at {}", dir.display());
        }
        eprintln!(
            "SKIPPED generate --llm embedded: no model at {} (run `normforge model pull`)",
            dir.display()
        );
        return;
    }
    let adapters = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../adapters");
    for task in [
        "msgid",
        "norm-fields",
        "xp-text",
        "xp-structured",
        "metainfo",
        "i18n",
    ] {
        assert!(
            adapters
                .join(task)
                .join("adapter_model.safetensors")
                .is_file(),
            "the {task} adapter is shipped"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("vpn.log");
    std::fs::write(&log, LOG).unwrap();
    let out = tmp.path().join("rules");
    let recording = tmp.path().join("replies.jsonl");
    let o = generate(
        "embedded",
        &out,
        &log,
        [("--adapters", &adapters), ("--record", &recording)],
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The model's usage per task; a constrained answer stops when its grammar is complete
    // (before the stop-token fix every norm-fields answer ran to its 160-token limit).
    let nf = &report["model"]["tasks"]["norm-fields"];
    let requests = nf["requests"].as_u64().unwrap();
    assert!(requests >= 1, "{report}");
    assert!(
        nf["completion_tokens"].as_u64().unwrap() < requests * 160,
        "{report}"
    );
    assert!(report["model"]["loads"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(
        report["assigner"], "retrieval+llm:norm-fields+xp",
        "{report}"
    );
    assert!(
        report["names"]["writer"]
            .as_str()
            .is_some_and(|w| w.starts_with("metainfo on record:embedded")),
        "{report}"
    );
    assert!(
        report["descriptions"]["writer"]
            .as_str()
            .is_some_and(|w| w.starts_with("i18n on record:embedded")),
        "{report}"
    );
    let packages = report["packages"].as_u64().unwrap();
    assert!(packages >= 2, "{report}");
    assert_eq!(
        report["descriptions"]["replaced"].as_u64().unwrap()
            + report["descriptions"]["kept"].as_u64().unwrap(),
        packages
    );
    assert_eq!(report["events_normalized"], 6, "{report}");
    // Whatever the models said, every package validates.
    let v = Command::new(env!("CARGO_BIN_EXE_normforge"))
        .args(["validate", "--year", "2024"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    // The recording replays to the same packages, with no model.
    let again = tmp.path().join("replayed");
    generate("replay", &again, &log, [("--replay", &recording)]);
    let files = |root: &std::path::Path| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(root)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file() && e.file_name() != "report.json")
            .map(|e| {
                (
                    e.path().strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(files(&out), files(&again));
}

/// `normforge generate --llm LLM --tasks all --year 2024 --json -o OUT LOG` plus `extra`
/// options; it must succeed.
fn generate<const N: usize>(
    llm: &str,
    out: &std::path::Path,
    log: &std::path::Path,
    extra: [(&str, &std::path::Path); N],
) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_normforge"));
    c.args([
        "generate", "--llm", llm, "--tasks", "all", "--year", "2024", "--json", "-o",
    ])
    .arg(out)
    .arg(log);
    for (flag, value) in extra {
        c.arg(flag).arg(value);
    }
    let o = c.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}
