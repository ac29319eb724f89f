//! Documentation that runs: every `xp` / `raw` / `norm` block triple in docs/*.md is a test,
//! and docs/diagnostics.md is generated from the code registry (UPDATE_EXPECT=1 regenerates).

use normforge_tests::{check_golden, workspace_root};
use xp_eval::{Outcome, Rule, RunOptions};
use xp_syntax::Code;

/// `(formula, raw, expected norm)` triples of fenced blocks, in order.
fn examples(md: &str) -> Vec<(usize, String, String, String)> {
    let mut blocks: Vec<(usize, String, String)> = Vec::new();
    let mut lines = md.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let lang = lang.trim().to_string();
            let mut body = String::new();
            for (_, l) in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            blocks.push((n + 1, lang, body));
        }
    }
    let mut out = Vec::new();
    for w in blocks.windows(3) {
        if w[0].1 == "xp" && w[1].1 == "raw" && w[2].1 == "norm" {
            out.push((w[0].0, w[0].2.clone(), w[1].2.clone(), w[2].2.clone()));
        }
    }
    out
}

#[test]
fn language_reference_examples_run() {
    let path = workspace_root().join("docs/xp-language.md");
    let md = std::fs::read_to_string(&path).unwrap();
    let ex = examples(&md);
    assert!(
        ex.len() >= 15,
        "expected at least 15 runnable examples in {}, found {}",
        path.display(),
        ex.len()
    );
    let opts = RunOptions {
        year: 2024,
        ..RunOptions::default()
    };
    let mut failures = Vec::new();
    for (line, formula, raw, norm) in ex {
        let expected: serde_json::Value = serde_json::from_str(&norm)
            .unwrap_or_else(|e| panic!("docs/xp-language.md:{line}: norm block: {e}"));
        let got = match Rule::compile(&formula, Default::default()) {
            Ok(rule) => match rule.normalize(raw.trim_end_matches('\n'), &opts) {
                Ok(Outcome::Normalized(ev)) => serde_json::Value::Object(ev.to_json()),
                other => serde_json::Value::String(format!("{other:?}")),
            },
            Err(d) => serde_json::Value::String(format!("{d:?}")),
        };
        if got != expected {
            failures.push(format!(
                "docs/xp-language.md:{line}: expected {expected:#}\n got {got:#}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn diagnostics_doc_lists_every_code() {
    let mut out = String::from("# Diagnostic codes\n\nGenerated from `crates/xp-syntax/src/codes.rs` by `tests/tests/docs.rs` (`UPDATE_EXPECT=1 cargo test -p normforge-tests --test docs`). A code is never reused.\n\n| code | meaning |\n|---|---|\n");
    for c in Code::all() {
        out.push_str(&format!("| {} | {} |\n", c.as_str(), c.summary()));
    }
    if let Err(e) = check_golden(&workspace_root().join("docs/diagnostics.md"), &out) {
        panic!("{e}");
    }
}
