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
                "ingest",
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

/// Rust source with comments and `#[cfg(test)]` modules taken out, and its string literals
/// (plain and raw), each with its byte offset.
fn code_and_literals(src: &str) -> (String, Vec<(usize, String)>) {
    let b = src.as_bytes();
    let mut code = String::new();
    let mut lits = Vec::new();
    let mut i = 0;
    // Depth of braces, and the depth at which a test module opened (skipped until it closes).
    let mut depth = 0usize;
    let mut skip_from: Option<usize> = None;
    let mut pending_test = false;
    while i < b.len() {
        let c = b[i];
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        if src[i..].starts_with("#[cfg(test)]") {
            pending_test = true;
            i += "#[cfg(test)]".len();
            continue;
        }
        // Another attribute (`#[serde(tag = "from")]`) names no source's key.
        if src[i..].starts_with("#[") {
            i = src[i..].find(']').map_or(b.len(), |n| i + n + 1);
            continue;
        }
        // A string literal: `"…"` with escapes, or `r"…"`, `r#"…"#`.
        let raw = c == b'r'
            && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if c == b'"' || raw {
            let (start, end, next) = if raw {
                let hashes = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
                let open = i + 1 + hashes;
                if b.get(open) != Some(&b'"') {
                    code.push(c as char);
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let end = src[open + 1..]
                    .find(&close)
                    .map_or(b.len(), |n| open + 1 + n);
                (open + 1, end, end + close.len())
            } else {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                (i + 1, j.min(b.len()), j + 1)
            };
            if skip_from.is_none() {
                lits.push((i, src[start..end].to_string()));
            }
            code.push_str("\"\"");
            i = next;
            continue;
        }
        // A char literal (`'{'`, `'\''`), not a lifetime.
        if c == b'\'' {
            if b.get(i + 1) == Some(&b'\\') {
                let end = src[i + 2..].find('\'').map_or(b.len(), |n| i + 2 + n + 1);
                i = end;
                continue;
            }
            let ch = src[i + 1..].chars().next().map_or(1, char::len_utf8);
            if b.get(i + 1 + ch) == Some(&b'\'') {
                i += ch + 2;
                continue;
            }
        }
        match c {
            b'{' => {
                if pending_test && skip_from.is_none() {
                    skip_from = Some(depth);
                }
                pending_test = false;
                depth += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                if skip_from == Some(depth) {
                    skip_from = None;
                    i += 1;
                    continue;
                }
            }
            b';' => pending_test = false,
            _ => {}
        }
        if skip_from.is_none() {
            code.push(c as char);
        }
        i += 1;
    }
    (code, lits)
}

#[test]
fn the_source_scanner_skips_comments_tests_and_chars() {
    let src = "fn a() { x(\"uid\"); let c = '{'; } // \"no\"\n#[cfg(test)]\nmod t { fn b() { y(\"auid\"); } }\n#[serde(tag = \"from\")]\nfn c() { z(r#\"ip\"#); }";
    let (code, lits) = code_and_literals(src);
    let lits: Vec<&str> = lits.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(lits, ["uid", "ip"]);
    assert!(!code.contains("fn b"), "{code}");
    assert!(code.contains("fn c"), "{code}");
}

/// Field assignment's knowledge is data (ARCHITECTURE.md, "Invariants"): outside the pass files
/// of `field-assign/src/engine/passes/` (each about one idiom or source family, with its
/// fixture), no code of the crate names a source's key: no string literal equal to a key of
/// the key tables (`schema/key-lexicon.tsv`, `key-roles.tsv`, `key-conflicts.tsv`) or to a key
/// of an event in a pass fixture. The taxonomy's own field names (`status`, `reason`) are the
/// output schema, not a source's keys, and stay nameable. And a decision on a field changes
/// only through the engine's builder: no `retain` in `engine/` outside `builder.rs`.
#[test]
fn field_assignment_names_no_source_key_outside_its_passes() {
    let root = workspace_root().join("crates/field-assign");
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for (name, _) in field_assign::tsv::TABLES {
        let t = field_assign::tsv::table(name);
        for col in ["key", "beside"] {
            if let Some(i) = t.columns.iter().position(|c| *c == col) {
                keys.extend(t.rows.iter().map(|r| r.cell(i).to_string()));
            }
        }
    }
    // The keys of the fixtures' events: JSON object keys and `key=value` keys.
    for e in walkdir::WalkDir::new(root.join("tests/passes"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "cluster.txt")
    {
        let text = std::fs::read_to_string(e.path()).unwrap();
        let members = text.split_once("\n---\n").map_or("", |x| x.1);
        for line in members.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                let mut stack = vec![v];
                while let Some(v) = stack.pop() {
                    match v {
                        serde_json::Value::Object(m) => {
                            for (k, v) in m {
                                keys.insert(k);
                                stack.push(v);
                            }
                        }
                        serde_json::Value::Array(a) => stack.extend(a),
                        _ => {}
                    }
                }
            } else {
                for w in line.split([' ', '|']) {
                    if let Some((k, _)) = w.split_once('=') {
                        if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        {
                            keys.insert(k.to_string());
                        }
                    }
                }
            }
        }
    }
    // What the tables say a key or word means (an action, an object, a status, a transform) is
    // the output's vocabulary, which code may name even where a source uses it as a key
    // (`success`, audit's `success=yes`); so are the taxonomy's field names.
    let mut meanings: BTreeSet<&str> = BTreeSet::new();
    for (name, _) in field_assign::tsv::TABLES {
        let t = field_assign::tsv::table(name);
        let key_cols: Vec<usize> = (0..t.columns.len())
            .filter(|&i| matches!(t.columns[i], "key" | "beside"))
            .collect();
        for r in &t.rows {
            let n = r.cells.len().saturating_sub(1);
            meanings.extend((1..n).filter(|i| !key_cols.contains(i)).map(|i| r.cells[i]));
        }
    }
    let tax = xp_taxonomy::Taxonomy::embedded();
    keys.retain(|k| !k.is_empty() && tax.get(k).is_none() && !meanings.contains(k.as_str()));
    // Files whose English word knowledge is still code, to move to `schema/` next (title
    // grammar: phrasal verbs, prepositions, failure words; prose: refusal phrases).
    const PENDING: &[&str] = &["src/title.rs", "src/prose.rs"];
    let mut problems = Vec::new();
    for e in walkdir::WalkDir::new(root.join("src"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
    {
        let path = e.path();
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        let src = std::fs::read_to_string(path).unwrap();
        let (code, lits) = code_and_literals(&src);
        let in_engine = rel.starts_with("src/engine/");
        if in_engine && !rel.ends_with("builder.rs") && code.contains(".retain(") {
            problems.push(format!("{rel}: `retain` outside the builder"));
        }
        if rel.starts_with("src/engine/passes/")
            || rel.ends_with("engine/tests.rs")
            || PENDING.contains(&rel.as_str())
        {
            continue;
        }
        for (at, lit) in lits {
            if keys.contains(&lit) {
                let line = src[..at].matches('\n').count() + 1;
                problems.push(format!("{rel}:{line}: names the key \"{lit}\""));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
