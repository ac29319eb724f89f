//! The XP corpus: `tests/corpus/xp/<category>/<case>.xp` (+ `<case>.raw`), golden `<case>.out`.
//!
//! - `parse/`: the formula must parse without errors; `.out` is the formatter's output, which
//!   must itself parse to the same output (idempotence).
//! - `diagnostics/`: `.out` is the rendered diagnostics, which must not be empty; with a
//!   `.raw`, a rule that compiles is run and the input diagnostic is rendered.
//! - `eval/`, `functions/`, `text/`: the rule runs on `.raw` (year pinned to 2024) and `.out`
//!   is the normalized event as JSON, or `no match: …`, `dropped`, or the input diagnostic.
//!
//! `UPDATE_EXPECT=1 cargo test -p normforge-tests --test corpus` rewrites the goldens.

use std::path::{Path, PathBuf};

use normforge_tests::{check_golden, updating, workspace_root};
use xp_eval::{CompileOptions, Outcome, Rule, RunOptions};
use xp_syntax::{parse_formula, print_formula, render_all, Diagnostic};

fn cases(category: &str) -> Vec<PathBuf> {
    let dir = workspace_root().join("tests/corpus/xp").join(category);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xp"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no cases in {}", dir.display());
    orphans(&dir);
    out
}

/// Every `.out`/`.raw` belongs to a `.xp`.
fn orphans(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "out" || x == "raw")
            && !p.with_extension("xp").exists()
        {
            if updating() && p.extension().is_some_and(|x| x == "out") {
                let _ = std::fs::remove_file(&p);
            } else {
                panic!("{}: no matching .xp case", p.display());
            }
        }
    }
}

fn run_all(category: &str, f: impl Fn(&Path, &str) -> String) {
    let mut failures = Vec::new();
    for case in cases(category) {
        let src = std::fs::read_to_string(&case).unwrap();
        let actual = f(&case, &src);
        if let Err(e) = check_golden(&case.with_extension("out"), &actual) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn name(p: &Path) -> String {
    format!(
        "{}/{}",
        p.parent().unwrap().file_name().unwrap().to_string_lossy(),
        p.file_name().unwrap().to_string_lossy()
    )
}

fn run_case(case: &Path, src: &str) -> String {
    let rule = match Rule::compile(src, CompileOptions::default()) {
        Ok(r) => r,
        Err(d) => return render_all(&d, &name(case), src),
    };
    let mut out = render_all(&rule.warnings, &name(case), src);
    let raw_path = case.with_extension("raw");
    let raw = std::fs::read_to_string(&raw_path)
        .unwrap_or_else(|_| panic!("{}: missing .raw", raw_path.display()));
    let opts = RunOptions {
        year: 2024,
        ..RunOptions::default()
    };
    match rule.normalize(&raw, &opts) {
        Ok(Outcome::Normalized(ev)) => {
            out.push_str(
                &serde_json::to_string_pretty(&serde_json::Value::Object(ev.to_json())).unwrap(),
            );
            out.push('\n');
            for w in &ev.warnings {
                out.push_str(&w.render(&name(&raw_path), &raw));
            }
        }
        Ok(Outcome::NoMatch(m)) => out.push_str(&format!("no match: {m:?}\n")),
        Ok(Outcome::Dropped) => out.push_str("dropped\n"),
        Err(d) => out.push_str(&d.render(&name(&raw_path), &raw)),
    }
    out
}

#[test]
fn parse() {
    run_all("parse", |case, src| {
        let (ast, diags) = parse_formula(src);
        assert!(
            !diags.iter().any(Diagnostic::is_error),
            "{}: parse errors:\n{}",
            case.display(),
            render_all(&diags, &name(case), src)
        );
        let printed = print_formula(&ast);
        let (again, d2) = parse_formula(&printed);
        assert!(
            d2.is_empty(),
            "{}: formatted output does not parse:\n{printed}",
            case.display()
        );
        assert_eq!(
            print_formula(&again),
            printed,
            "{}: formatter is not idempotent",
            case.display()
        );
        printed
    });
}

#[test]
fn diagnostics() {
    run_all("diagnostics", |case, src| {
        let out = if case.with_extension("raw").exists() {
            run_case(case, src)
        } else {
            match Rule::compile(src, CompileOptions { strict: true }) {
                Ok(r) => render_all(&r.warnings, &name(case), src),
                Err(d) => render_all(&d, &name(case), src),
            }
        };
        assert!(
            out.contains("error[") || out.contains("warning["),
            "{}: expected a diagnostic, got:\n{out}",
            case.display()
        );
        out
    });
}

#[test]
fn eval() {
    run_all("eval", run_case);
}

#[test]
fn functions() {
    run_all("functions", run_case);
}

#[test]
fn text() {
    run_all("text", run_case);
}
