//! Architecture rules as tests: who may depend on whom (ARCHITECTURE.md, "Invariants").

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use normforge_tests::workspace_root;

/// Allowed workspace-internal dependencies of each crate (normal and dev).
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    const ALL: &[&str] = &[
        "xp-syntax",
        "xp-eval",
        "xp-package",
        "xp-taxonomy",
        "ingest",
        "log-cluster",
        "evaluation",
        "format-synth",
        "field-assign",
        "rule-gen",
        "llm",
        "llm-tasks",
        "review",
        "pipeline",
        "service",
        "ruleset",
        "harness",
    ];
    BTreeMap::from([
        ("xp-syntax", &[][..]),
        ("xp-taxonomy", &[][..]),
        ("xp-eval", &["xp-syntax", "xp-taxonomy"][..]),
        ("xp-package", &["xp-syntax", "xp-eval", "xp-taxonomy"][..]),
        ("ingest", &["xp-taxonomy"][..]),
        ("log-cluster", &["xp-eval", "ingest"][..]),
        (
            "evaluation",
            &[
                "log-cluster",
                "xp-eval",
                "xp-package",
                "xp-taxonomy",
                "ingest",
                "format-synth",
                "field-assign",
                "rule-gen",
                "review",
            ][..],
        ),
        (
            "field-assign",
            &[
                "xp-syntax",
                "xp-eval",
                "xp-taxonomy",
                "xp-package",
                "ingest",
                "log-cluster",
                "format-synth",
            ][..],
        ),
        (
            "rule-gen",
            &[
                "xp-syntax",
                "xp-eval",
                "ingest",
                "log-cluster",
                "format-synth",
                "field-assign",
            ][..],
        ),
        (
            "format-synth",
            &["xp-syntax", "xp-eval", "ingest", "log-cluster"][..],
        ),
        ("llm", &[][..]),
        (
            "llm-tasks",
            &[
                "llm",
                "field-assign",
                "format-synth",
                "rule-gen",
                "log-cluster",
                "ingest",
                "xp-package",
                "xp-taxonomy",
                "xp-syntax",
                "xp-eval",
            ][..],
        ),
        ("review", &["xp-eval", "xp-package"][..]),
        (
            "ruleset",
            &["xp-syntax", "xp-eval", "xp-package", "ingest"][..],
        ),
        (
            "service",
            &[
                "xp-eval",
                "xp-package",
                "xp-syntax",
                "xp-taxonomy",
                "field-assign",
                "rule-gen",
                "pipeline",
                "ruleset",
                "llm",
            ][..],
        ),
        (
            "pipeline",
            &[
                "ingest",
                "log-cluster",
                "format-synth",
                "field-assign",
                "rule-gen",
            ][..],
        ),
        (
            "harness",
            &[
                "xp-syntax",
                "xp-eval",
                "ingest",
                "format-synth",
                "field-assign",
                "rule-gen",
                "ruleset",
                "pipeline",
            ][..],
        ),
        ("normforge", ALL),
        ("normforge-tests", ALL),
    ])
}

/// External crates only one workspace crate may name.
const EXCLUSIVE: &[(&str, &str)] = &[
    ("clap", "normforge"),
    ("anyhow", "normforge"),
    ("mistralrs", "llm"),
    ("mistralrs-quant", "llm"),
];

#[test]
fn dependency_graph_follows_the_invariants() {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let members: BTreeSet<String> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let allowed = allowed();
    let mut problems = Vec::new();
    for p in packages {
        let name = p["name"].as_str().unwrap();
        let Some(ok) = allowed.get(name) else {
            problems.push(format!("crate `{name}` is not in the architecture table (tests/tests/architecture.rs, ARCHITECTURE.md)"));
            continue;
        };
        for d in p["dependencies"].as_array().unwrap() {
            let dep = d["name"].as_str().unwrap();
            if members.contains(dep) && !ok.contains(&dep) {
                problems.push(format!(
                    "`{name}` depends on `{dep}`, which ARCHITECTURE.md does not allow"
                ));
            }
            for (ext, owner) in EXCLUSIVE {
                if dep == *ext && name != *owner && d["kind"].is_null() {
                    problems.push(format!("`{name}` depends on `{ext}`; only `{owner}` may"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn library_crates_deny_printing() {
    let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("print_stdout = \"warn\"")
            && manifest.contains("print_stderr = \"warn\""),
        "workspace lints must flag printing"
    );
    for lib in ["xp-syntax", "xp-taxonomy", "xp-eval", "xp-package"] {
        let dir = workspace_root().join("crates").join(lib).join("src");
        for e in walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        {
            let src = std::fs::read_to_string(e.path()).unwrap();
            assert!(
                !src.contains("allow(clippy::print_stdout")
                    && !src.contains("allow(clippy::print_stderr"),
                "{}: a library crate must not print",
                e.path().display()
            );
        }
    }
}
