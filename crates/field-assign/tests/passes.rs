//! Each pass file of `src/engine/passes/` has a fixture here, `passes/<file>/`: a cluster
//! (`cluster.txt`) and the assignment the engine makes of it with an empty knowledge base
//! (`expected.txt`, each field with the pass that decided it and why). The fixture shows the
//! pass at work: at least one field must be decided by a pass of its file. A file may show more
//! cases as `cluster-<case>.txt` and `expected-<case>.txt`. `UPDATE_EXPECT=1` rewrites the
//! expected files.
//!
//! `cluster.txt`: `kind: TEXT` (`JSON`, `EVENTLOG`, `KEYVALUE`, `CEF`, `TABULAR`), optional
//! `identifier: …` and `captures: a b c`, one or more `head: …` lines (joined by line breaks),
//! then `---` and one member event per line. `#` lines are comments.

use std::path::{Path, PathBuf};

use field_assign::engine::Retrieval;
use field_assign::kb::Kb;
use field_assign::{ClusterView, Source};
use ingest::Kind;

struct Fixture {
    kind: Kind,
    identifier: Option<String>,
    captures: Vec<String>,
    head: String,
    members: Vec<String>,
}

fn kind(name: &str) -> Kind {
    match name {
        "TEXT" => Kind::Text,
        "JSON" => Kind::Json,
        "EVENTLOG" => Kind::Eventlog,
        "KEYVALUE" => Kind::Keyvalue,
        "CEF" => Kind::Cef,
        "TABULAR" => Kind::Tabular,
        other => panic!("unknown kind `{other}`"),
    }
}

fn read(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (top, members) = text
        .split_once("\n---\n")
        .unwrap_or_else(|| panic!("{}: no `---` line", path.display()));
    let mut f = Fixture {
        kind: Kind::Text,
        identifier: None,
        captures: Vec::new(),
        head: String::new(),
        members: members
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    };
    let mut heads = Vec::new();
    for line in top.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (k, v) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("{}: `{line}`", path.display()));
        match k {
            "kind" => f.kind = kind(v),
            "identifier" => f.identifier = Some(v.to_string()),
            "captures" => f.captures = v.split(' ').map(str::to_string).collect(),
            "head" => heads.push(v),
            other => panic!("{}: unknown line `{other}`", path.display()),
        }
    }
    f.head = heads.join("\n");
    f
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/passes")
}

#[test]
fn every_pass_file_has_a_fixture_where_it_decides_a_field() {
    let kb = Kb::default();
    let engine = Retrieval::new(&kb);
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/passes");
    let mut files: Vec<String> = std::fs::read_dir(&sources)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".rs").map(str::to_string))
        .filter(|f| f != "mod")
        .collect();
    files.sort();
    let update = std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for file in &files {
        let folder = dir().join(file);
        // `cluster.txt`, and more as `cluster-<case>.txt` with `expected-<case>.txt`.
        let mut cases: Vec<String> = std::fs::read_dir(&folder)
            .map(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter_map(|n| {
                        n.strip_prefix("cluster")?
                            .strip_suffix(".txt")
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default();
        cases.sort();
        if !cases.iter().any(String::is_empty) {
            failures.push(format!(
                "{file}: no fixture ({})",
                folder.join("cluster.txt").display()
            ));
            continue;
        }
        let mut decides = false;
        let mut shown = String::new();
        for case in &cases {
            let f = read(&folder.join(format!("cluster{case}.txt")));
            let members: Vec<&str> = f.members.iter().map(String::as_str).collect();
            let view = ClusterView {
                kind: f.kind,
                head: &f.head,
                captures: &f.captures,
                members: &members,
                identifier: f.identifier.as_deref(),
            };
            let (out, traced) = engine.assign_traced(&view);
            let mut actual = String::new();
            for p in &out.prelude {
                actual.push_str(&format!("{p}\n"));
            }
            for t in &traced {
                let value = match &t.assigned.source {
                    Source::Expr(e) => e.clone(),
                    Source::Const(c) => format!("{c:?}"),
                };
                actual.push_str(&format!(
                    "{} = {value}    # {}/{} ({})\n",
                    t.assigned.field, t.file, t.pass, t.assigned.why
                ));
            }
            decides |= traced.iter().any(|t| t.file == file);
            shown.push_str(&actual);
            let expected = folder.join(format!("expected{case}.txt"));
            if update {
                std::fs::write(&expected, &actual).unwrap();
                continue;
            }
            match std::fs::read_to_string(&expected) {
                Ok(e) if e == actual => {}
                Ok(e) => failures.push(format!(
                    "{file}: differs from {} (UPDATE_EXPECT=1 to bless)\n--- expected\n{e}--- actual\n{actual}",
                    expected.display()
                )),
                Err(_) => failures.push(format!(
                    "{file}: missing {} (UPDATE_EXPECT=1)\n{actual}",
                    expected.display()
                )),
            }
        }
        if !decides {
            failures.push(format!(
                "{file}: no field of its fixtures is decided by a pass of {file}.rs\n{shown}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
