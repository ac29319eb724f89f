//! The expert knowledge base reproduces its own tests (`../shared/kb/dev`), and the project's
//! own `knowledge-base/` validates completely.

use normforge_tests::{shared_dir, workspace_root};
use xp_package::{validate, KnownFailures, ValidateOptions};

fn opts() -> ValidateOptions {
    // The expert tests were written with recv_ipv4 = 127.0.0.1 and carry years in their times.
    ValidateOptions::default()
}

#[test]
fn expert_kb_reproduces_its_tests() {
    let Some(shared) = shared_dir("expert kb round trip") else {
        return;
    };
    let known =
        KnownFailures::load(&workspace_root().join("tests/kb-dev-known-failures.txt")).unwrap();
    let report = validate(&[shared.join("kb/dev")], &opts(), &known).unwrap();
    let unexpected: Vec<String> = report
        .failures
        .iter()
        .filter(|f| f.known.is_none())
        .map(|f| format!("{} {}\n{}", f.rule, f.test, f.diff))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected failure(s):\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        report.stale_known.is_empty(),
        "known failures that now pass (remove them): {:?}",
        report.stale_known
    );
    let ratio = report.passed as f64 / report.pairs as f64;
    assert!(
        report.pairs >= 600,
        "expected the 637 pairs of kb/dev, found {}",
        report.pairs
    );
    // Every failure left is a stale expectation listed with its reason.
    assert!(ratio >= 0.97, "conformance {ratio:.4} fell below 0.97");
}

#[test]
fn expert_formulas_format_idempotently_and_keep_their_meaning() {
    let Some(shared) = shared_dir("expert formulas formatting") else {
        return;
    };
    let pkgs = xp_package::find_packages(&[shared.join("kb/dev")]).unwrap();
    for p in pkgs {
        let src = p.read_formula().unwrap();
        let (ast, d) = xp_syntax::parse_formula(&src);
        assert!(d.is_empty(), "{}: {d:?}", p.dir.display());
        let printed = xp_syntax::print_formula(&ast);
        let (again, d2) = xp_syntax::parse_formula(&printed);
        assert!(
            d2.is_empty(),
            "{}: formatted text does not parse: {d2:?}",
            p.dir.display()
        );
        assert_eq!(
            xp_syntax::print_formula(&again),
            printed,
            "{}: not idempotent",
            p.dir.display()
        );
        // The formatted rule behaves like the original on every test.
        let a = xp_eval::Rule::compile(&src, Default::default()).unwrap();
        let b = xp_eval::Rule::compile(&printed, Default::default()).unwrap();
        for t in p.tests() {
            let raw = std::fs::read_to_string(&t.raw).unwrap();
            let run = |r: &xp_eval::Rule| match r.normalize(&raw, &Default::default()) {
                Ok(xp_eval::Outcome::Normalized(e)) => {
                    serde_json::Value::Object(e.to_json()).to_string()
                }
                other => format!("{other:?}"),
            };
            assert_eq!(
                run(&a),
                run(&b),
                "{} {}: formatting changed the result",
                p.dir.display(),
                t.name
            );
        }
    }
}

#[test]
fn own_knowledge_base_validates() {
    let report = validate(
        &[workspace_root().join("knowledge-base")],
        &opts(),
        &KnownFailures::default(),
    )
    .unwrap();
    let fails: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{} {}\n{}", f.rule, f.test, f.diff))
        .collect();
    assert!(
        fails.is_empty(),
        "knowledge-base failures:\n{}",
        fails.join("\n")
    );
    assert!(
        report.pairs >= 20,
        "the knowledge base should carry tests, found {}",
        report.pairs
    );
}
