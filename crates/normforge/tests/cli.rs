//! The binary end to end: exit codes and bad input. Every bad input gets a message naming the
//! input, a non-zero exit and no panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_normforge"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "panic: {e}");
}

const JSON_RULE: &str = "JSON = ''\nCOND = $user != null\naction = \"login\"\nsubject.account.name = lower($user)\nid = \"NF_t\"\n";

#[test]
fn normalize_prints_the_event() {
    let d = tempfile::tempdir().unwrap();
    let rule = write(d.path(), "r/formula.xp", JSON_RULE.as_bytes());
    let raw = write(d.path(), "raw.txt", br#"{"user": "ROOT"}"#);
    let o = run(&[
        "normalize",
        rule.parent().unwrap().to_str().unwrap(),
        raw.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["subject.account.name"], "root");
}

#[test]
fn no_match_exits_1() {
    let d = tempfile::tempdir().unwrap();
    let rule = write(d.path(), "formula.xp", JSON_RULE.as_bytes());
    let raw = write(d.path(), "raw.txt", br#"{"other": 1}"#);
    let o = run(&["normalize", rule.to_str().unwrap(), raw.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does not match"), "{}", stderr(&o));
}

#[test]
fn bad_inputs_exit_3_with_a_message_naming_the_input() {
    let d = tempfile::tempdir().unwrap();
    let rule = write(d.path(), "formula.xp", JSON_RULE.as_bytes());
    let text_rule = write(
        d.path(),
        "text/formula.xp",
        b"TEXT = '{STRING*} {STRING*} {STRING*} {STRING*} x'\nid = \"NF_t\"\n",
    );
    let deep = format!("{{\"user\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_top = "[".repeat(10_000) + &"]".repeat(10_000);
    let big_line = "a ".repeat(25 * 1024 * 1024);
    let cases: Vec<(&str, PathBuf, Vec<u8>, &str)> = vec![
        (
            "not json",
            rule.clone(),
            b"this is not json".to_vec(),
            "not valid JSON",
        ),
        (
            "invalid utf-8",
            rule.clone(),
            vec![b'{', 0xff, 0xfe, b'}'],
            "not valid UTF-8",
        ),
        ("empty", rule.clone(), Vec::new(), "empty"),
        (
            "deep json",
            rule.clone(),
            deep.into_bytes(),
            "nested deeper",
        ),
        (
            "deep json array",
            rule.clone(),
            deep_top.into_bytes(),
            "needs a JSON object",
        ),
        (
            "50 MB line",
            rule.clone(),
            big_line.clone().into_bytes(),
            "over the limit",
        ),
    ];
    for (what, rule, content, needle) in cases {
        let raw = write(d.path(), "raw.bin", &content);
        let o = run(&["normalize", rule.to_str().unwrap(), raw.to_str().unwrap()]);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(3), "{what}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(needle), "{what}: expected `{needle}` in: {e}");
        assert!(
            e.contains("raw.bin"),
            "{what}: the message should name the input: {e}"
        );
    }
    // The same 50 MB line allowed by the size limit: the TEXT matcher gives up instead of hanging.
    let raw = write(d.path(), "raw.bin", big_line.as_bytes());
    let o = run(&[
        "normalize",
        text_rule.to_str().unwrap(),
        raw.to_str().unwrap(),
        "--max-event-bytes",
        "100000000",
    ]);
    no_panic(&o);
    assert!(
        matches!(o.status.code(), Some(1) | Some(3)),
        "{}",
        stderr(&o)
    );
}

#[test]
fn malformed_formula_is_a_coded_diagnostic() {
    let d = tempfile::tempdir().unwrap();
    let rule = write(
        d.path(),
        "formula.xp",
        b"JSON = ''\nif $a == then\naction = \"x\"\n",
    );
    let raw = write(d.path(), "raw.txt", b"{}");
    let o = run(&["normalize", rule.to_str().unwrap(), raw.to_str().unwrap()]);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(3));
    let e = stderr(&o);
    assert!(e.contains("error[XP01"), "{e}");
    assert!(e.contains("formula.xp:2:"), "{e}");
}

#[test]
fn stdin_is_read_with_dash() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let rule = write(d.path(), "formula.xp", JSON_RULE.as_bytes());
    let mut child = bin()
        .args(["normalize", rule.to_str().unwrap(), "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"user": "A"}"#)
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn validate_reports_and_exits_by_result() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "kb/ok/formula.xp", JSON_RULE.as_bytes());
    write(d.path(), "kb/ok/tests/raw_1.txt", br#"{"user": "Bob"}"#);
    write(
        d.path(),
        "kb/ok/tests/norm_1.js",
        br#"{"action": "login", "subject.account.name": "bob", "id": "NF_t"}"#,
    );
    let kb = d.path().join("kb");
    let o = run(&["validate", kb.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout)
        .lines()
        .last()
        .unwrap()
        .contains("1 passed, 0 failed"));
    write(d.path(), "kb/bad/formula.xp", JSON_RULE.as_bytes());
    write(d.path(), "kb/bad/tests/raw_1.txt", br#"{"user": "Bob"}"#);
    write(
        d.path(),
        "kb/bad/tests/norm_1.js",
        br#"{"action": "logout", "id": "NF_t"}"#,
    );
    let o = run(&["validate", kb.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["pairs"], 2);
    assert_eq!(v["failed"], 1);
    assert_eq!(v["failures"][0]["rule"], "bad");
    assert!(v["failures"][0]["diff"]
        .as_str()
        .unwrap()
        .contains("logout"));
    // Listed as known: reported, not failing.
    let known = write(
        d.path(),
        "known.txt",
        b"bad raw_1 expectation is wrong on purpose\n",
    );
    let o = run(&[
        "validate",
        kb.to_str().unwrap(),
        "--known-failures",
        known.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["validate", d.path().join("nope").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("nope"));
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&["validate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["no-such-command"]);
    assert_eq!(o.status.code(), Some(2));
    // A task eval kb cannot measure is a usage error, named.
    let o = run(&["eval", "kb", "knowledge-base", "--tasks", "xp-code"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--tasks"), "{}", stderr(&o));
    // Tasks of a model without a model.
    let o = run(&["generate", "x.log", "-o", "out", "--tasks", "i18n"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--llm"), "{}", stderr(&o));
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..200 {
        write(
            d.path(),
            &format!("kb/r{i}/formula.xp"),
            JSON_RULE.as_bytes(),
        );
    }
    let mut child = bin()
        .args(["fmt", d.path().join("kb").to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn cluster_json(path: &Path) -> (Output, serde_json::Value) {
    let o = run(&["cluster", path.to_str().unwrap(), "--json"]);
    no_panic(&o);
    let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o, v)
}

#[test]
fn cluster_accounts_for_every_line() {
    let d = tempfile::tempdir().unwrap();
    let log = write(
        d.path(),
        "mixed.log",
        b"Mar 10 06:55:46 h sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2\n\nMar 10 06:55:47 h sshd[2]: Failed password for root from 192.0.2.2 port 23 ssh2\n\xff\xfe\x00\x01garbage\n{\"type\": \"x\",\n \"a\": 1}\nCEF:0|Acme|FW|1.0|100|Port scan|5|src=192.0.2.9\n{\"open\": [1,\n",
    );
    let (o, v) = cluster_json(&log);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(v["lines"], 8);
    let members: usize = v["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["members"].as_array().unwrap().len())
        .sum();
    let rejected = v["rejected"].as_array().unwrap();
    // 4 events (two sshd lines, one two-line JSON, one CEF) and 3 rejections (blank, binary, unclosed JSON).
    assert_eq!(members, 4, "{v:#}");
    assert_eq!(rejected.len(), 3, "{v:#}");
    let lines: Vec<u64> = rejected
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 4, 8]);
}

#[test]
fn cluster_bad_inputs_are_reported_not_crashes() {
    let d = tempfile::tempdir().unwrap();
    let empty = write(d.path(), "empty.log", b"");
    let (o, v) = cluster_json(&empty);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(v["lines"], 0);
    let mut big = vec![b'a'; 50 * 1024 * 1024];
    big.extend_from_slice(b"\nMar 10 06:55:46 h sshd[1]: ok\n");
    let big = write(d.path(), "big.log", &big);
    let (o, v) = cluster_json(&big);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(v["rejected"][0]["line"], 1);
    assert!(v["rejected"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("over"));
    let o = run(&["cluster", d.path().join("missing.log").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("missing.log"));
}

#[test]
fn cluster_headers_match_the_sample_log() {
    let log = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/samples/mixed.log");
    let o = run(&["cluster", log.to_str().unwrap(), "--headers", "--json"]);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let events = v["events"].as_u64().unwrap();
    assert!(events > 0);
    assert_eq!(v["matched_by_own"].as_u64(), Some(events), "{v:#}");
    assert_eq!(v["matched_exactly_once"].as_u64(), Some(events), "{v:#}");
    assert_eq!(v["checks_cut"].as_u64(), Some(0), "{v:#}");
    for c in v["clusters"].as_array().unwrap() {
        let h = c["header"].as_str().unwrap();
        assert!(
            h.starts_with("TEXT = ") || h.starts_with("JSON = ") || h.starts_with("EVENTLOG = "),
            "{h}"
        );
        assert_eq!(c["matched"], c["size"], "{c:#}");
        assert_eq!(c["also_matches"], serde_json::json!([]), "{c:#}");
    }
}

fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn generate_writes_validating_packages_reproducibly_and_atomically() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let log = root.join("eval/samples/sshd.log");
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let gen = |force: bool| {
        let mut args = vec![
            "generate",
            log.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--year",
            "2024",
        ];
        if force {
            args.push("--force");
        }
        run(&args)
    };
    let o = gen(false);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("summary.md").exists() && out.join("report.json").exists());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["header_checks_cut"].as_u64(), Some(0), "{report:#}");
    // Where the time went: each stage in order, from the job's start to the report.
    let stages: Vec<&str> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["clustering", "headers", "generating", "packaging"]);
    let total: f64 = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["seconds"].as_f64().unwrap())
        .sum();
    assert!(
        total <= report["seconds"].as_f64().unwrap() + 1e-6,
        "{report:#}"
    );
    let v = run(&[
        "validate",
        out.to_str().unwrap(),
        "--year",
        "2024",
        "--quiet",
    ]);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    let first = tree(&out);
    assert!(first.keys().filter(|p| p.ends_with("formula.xp")).count() > 10);
    // A non-empty output folder is refused (a usage error) and left as it was.
    let o = gen(false);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
    assert_eq!(tree(&out), first);
    // --force replaces it with the same bytes (report.json holds the timings).
    let o = gen(true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut second = tree(&out);
    let mut first = first;
    first.remove(Path::new("report.json"));
    second.remove(Path::new("report.json"));
    assert_eq!(first, second);
    // A missing log is an input error naming it; nothing is written.
    let missing = d.path().join("nope.log");
    let out2 = d.path().join("out2");
    let o = run(&[
        "generate",
        missing.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("nope.log"), "{}", stderr(&o));
    no_panic(&o);
    assert!(!out2.exists());
}

fn generate(log: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "generate",
        log.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--year",
        "2024",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn diff_json(old: &Path, new: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let mut args = vec![
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--year",
        "2024",
        "--json",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    no_panic(&o);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    (o, v)
}

#[test]
fn diff_shows_exactly_the_changed_files_and_fails_on_a_broken_package() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let log = root.join("eval/samples/sshd.log");
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    generate(&log, &a, &[]);
    generate(&log, &b, &["--tests", "2"]);
    // What really differs, file by file (report.json goes to the metrics, not the files).
    let (ta, tb) = (tree(&a), tree(&b));
    let expected: std::collections::BTreeSet<String> = ta
        .keys()
        .chain(tb.keys())
        .filter(|p| ta.get(*p) != tb.get(*p) && !p.ends_with("report.json"))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert!(!expected.is_empty());
    let (o, v) = diff_json(&a, &b, &["--fail-on-regression"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut shown = std::collections::BTreeSet::new();
    for p in v["packages"].as_array().unwrap() {
        assert_eq!(p["change"], "changed");
        assert_eq!(p["old_status"]["first_failure"], serde_json::Value::Null);
        for f in p["files"].as_array().unwrap() {
            shown.insert(format!(
                "{}/{}",
                p["dir"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            ));
        }
    }
    for f in v["other_files"].as_array().unwrap() {
        shown.insert(f["path"].as_str().unwrap().to_string());
    }
    assert_eq!(shown, expected);
    assert_eq!(v["regressions"], serde_json::json!([]));
    // The same tree against itself: nothing.
    let (_, same) = diff_json(&a, &a, &[]);
    assert_eq!(same["packages"], serde_json::json!([]));

    // Break one package's formula in a copy: it stops validating, a regression.
    let c = d.path().join("c");
    for (p, bytes) in &ta {
        write(&c, p.to_str().unwrap(), bytes);
    }
    let formula = ta
        .keys()
        .find(|p| p.ends_with("formula.xp"))
        .unwrap()
        .clone();
    let text = String::from_utf8(ta[&formula].clone()).unwrap();
    let broken = text.replacen("\nid = \"", "\nid = \"X", 1);
    assert_ne!(broken, text);
    std::fs::write(c.join(&formula), broken).unwrap();
    let (o, v) = diff_json(&a, &c, &["--fail-on-regression"]);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    let pkg = formula
        .parent()
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    assert_eq!(v["regressions"][0]["what"], pkg.as_str(), "{v:#}");
    // Markdown names the package and shows the changed line.
    let o = run(&[
        "diff",
        a.to_str().unwrap(),
        c.to_str().unwrap(),
        "--year",
        "2024",
    ]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.contains(&pkg) && md.contains("+id = \"X"), "{md}");
    assert_eq!(o.status.code(), Some(0), "without --fail-on-regression");
}

#[test]
fn diff_of_reports_checks_metrics_against_thresholds() {
    let d = tempfile::tempdir().unwrap();
    let old = write(
        d.path(),
        "old.json",
        br#"{"total": {"precision": 0.8, "recall": 0.40}, "seconds": 9,
             "sources": [{"source": "s1", "scores": {"recall": 0.5}}]}"#,
    );
    let new = write(
        d.path(),
        "new.json",
        br#"{"total": {"precision": 0.85, "recall": 0.38}, "seconds": 1,
             "sources": [{"source": "s1", "scores": {"recall": 0.1}}]}"#,
    );
    // `diff OLD NEW --fail-on-regression EXTRA…`: (exit code, Markdown).
    let check = |extra: &[&str]| {
        let mut args = vec![
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--fail-on-regression",
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        no_panic(&o);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).to_string(),
        )
    };
    let (code, md) = check(&[]);
    assert_eq!(code, Some(1), "{md}");
    assert!(
        md.contains("`total.recall`") && !md.contains("seconds"),
        "{md}"
    );
    let (code, md) = check(&["--threshold", "recall=0.05"]);
    assert_eq!(code, Some(0), "{md}");
    let (code, md) = check(&["--threshold", "recall=0.05", "--items"]);
    assert_eq!(code, Some(1), "{md}");
    // Bad inputs: a folder and a file, a report that is not JSON, a bad threshold.
    let o = run(&["diff", d.path().to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("not one of each"), "{}", stderr(&o));
    let bad = write(d.path(), "bad.json", b"{\"total\": ");
    let o = run(&["diff", old.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("bad.json"), "{}", stderr(&o));
    let o = run(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--threshold",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(3));
    no_panic(&o);
}

/// One HTTP/1.0 exchange on `addr`: the response's status line and body.
fn http(addr: &str, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp
}

#[test]
#[cfg(unix)]
fn serve_prints_its_token_and_address_answers_and_stops_on_sigterm_with_a_job_running() {
    use std::io::BufRead;
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let (mut token, mut addr) = (None, None);
    while addr.is_none() {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "serve ended");
        if let Some(t) = line.trim().strip_prefix("token ") {
            token = Some(t.to_string());
        }
        addr = line
            .trim()
            .strip_prefix("listening on http://")
            .map(str::to_string);
    }
    let (token, addr) = (token.expect("a token line"), addr.unwrap());
    assert_eq!(token.len(), 64, "{token}");
    let resp = http(
        &addr,
        format!("GET /healthz HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    );
    assert!(
        resp.starts_with("HTTP/1.0 200") || resp.starts_with("HTTP/1.1 200"),
        "{resp}"
    );
    assert!(resp.contains("\"status\":\"ok\""), "{resp}");
    // Another Host is refused; /v1/ wants the token.
    let resp = http(
        &addr,
        b"GET /healthz HTTP/1.0\r\nHost: evil.example\r\n\r\n",
    );
    assert!(
        resp.contains(" 403 ") && resp.contains("bad_host"),
        "{resp}"
    );
    let resp = http(
        &addr,
        format!("GET /v1/jobs/x HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    );
    assert!(resp.contains(" 401 "), "{resp}");
    // A job that takes a while, then SIGTERM: the service and the job's process stop.
    let mut log = String::new();
    for i in 0..100_000 {
        log.push_str(&format!(
            "Jan  1 00:00:00 host app{}: event {i} of kind{} done\n",
            i % 50,
            i % 37
        ));
    }
    let resp = http(
        &addr,
        format!(
            "POST /v1/jobs HTTP/1.0\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n{log}",
            log.len()
        )
        .as_bytes(),
    );
    assert!(resp.contains(" 202 "), "{resp}");
    // The same address again: a clear error naming it, exit 3.
    let o = run(&["serve", "--listen", &addr]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains(&addr), "{}", stderr(&o));
    no_panic(&o);
    let k = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(k.success());
    let t0 = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(10),
            "still serving 10 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    // Options out of range, and --no-auth off loopback, are usage errors.
    for args in [
        ["serve", "--max-body-mib", "18446744073709551615"],
        ["serve", "--max-body-mib", "0"],
        ["serve", "--job-timeout", "0"],
        ["serve", "--listen", "0.0.0.0:0"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = run(&[
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--no-auth",
        "--allow-host",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--no-auth"), "{}", stderr(&o));
}

#[test]
fn normalize_log_insight_and_explain_on_generated_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let log = root.join("eval/samples/sshd.log");
    let d = tempfile::tempdir().unwrap();
    let rules = d.path().join("rules");
    generate(&log, &rules, &[]);
    // The log plus a line no rule knows.
    let text = std::fs::read_to_string(&log).unwrap();
    let events = text.lines().count();
    let extended = write(
        d.path(),
        "extended.log",
        format!("{text}kernel: something no rule was made for\n").as_bytes(),
    );
    let unmatched = d.path().join("unmatched.ndjson");
    let stats = d.path().join("stats.json");
    let o = run(&[
        "normalize-log",
        rules.to_str().unwrap(),
        extended.to_str().unwrap(),
        "--year",
        "2024",
        "--unmatched",
        unmatched.to_str().unwrap(),
        "--stats",
        stats.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), events);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["line"], i + 1, "in input order: {l}");
        assert!(l["rule"].is_string() && l["fields"].is_object(), "{l}");
    }
    // What a human would extract from `Failed password for root from 203.0.113.5 port …`.
    let failed = lines
        .iter()
        .find(|l| l["fields"]["status"] == "failure" && l["fields"]["action"] == "login")
        .expect("a failed login");
    assert!(failed["fields"]["src.ip"].is_string(), "{failed}");
    let um = std::fs::read_to_string(&unmatched).unwrap();
    assert_eq!(um.lines().count(), 1, "{um}");
    let u: serde_json::Value = serde_json::from_str(um.lines().next().unwrap()).unwrap();
    assert_eq!(u["line"], events + 1);
    assert!(u["raw"].as_str().unwrap().contains("no rule was made for"));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(s["events"], events + 1);
    assert_eq!(s["normalized"], events);
    assert_eq!(s["unmatched"], 1);
    assert!(stderr(&o).contains("events/s"), "{}", stderr(&o));

    // Insight: the failed logins and their sources, from the normalized events.
    // `COMMAND RULES INPUT --year 2024 --json`, which must succeed: its JSON.
    let json_of = |command: &str, input: &Path| -> serde_json::Value {
        let o = run(&[
            command,
            rules.to_str().unwrap(),
            input.to_str().unwrap(),
            "--year",
            "2024",
            "--json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let failed_login = |l: &&serde_json::Value| {
        l["fields"]["status"] == "failure" && l["fields"]["action"] == "login"
    };
    let ins = json_of("insight", &log);
    assert_eq!(ins["events"], events);
    assert_eq!(ins["unmatched"], 0);
    let failed_logins = lines.iter().filter(failed_login).count();
    assert_eq!(ins["failed_logins"], failed_logins);
    let top = &ins["failed_login_sources"][0];
    let top_ip = top["name"].as_str().unwrap();
    let by_hand = lines
        .iter()
        .filter(|l| failed_login(l) && l["fields"]["src.ip"] == top_ip)
        .count();
    assert_eq!(top["events"], by_hand);
    assert!(ins["first_seen"].as_str().unwrap().starts_with("2024-"));
    assert!(!ins["timeline"].as_array().unwrap().is_empty());

    // Explain one event: its rule and its description with the placeholders filled.
    let raw = text
        .lines()
        .find(|l| l.contains("Failed password for"))
        .unwrap();
    let raw_file = write(d.path(), "raw.txt", raw.as_bytes());
    let e = json_of("explain", &raw_file);
    let desc = e["description"].as_str().unwrap();
    let ip = e["fields"]["src.ip"].as_str().unwrap();
    assert!(desc.contains(ip), "{e:#}");
    assert!(!desc.contains("{src.ip}"), "{e:#}");
    let o = run(&[
        "explain",
        rules.to_str().unwrap(),
        raw_file.to_str().unwrap(),
        "--year",
        "2024",
        "--lang",
        "ru",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains(ip));
    // No rule for it: exit 1 with a message; a missing rule folder: exit 3.
    let other = write(d.path(), "other.txt", b"kernel: nothing like it");
    let o = run(&["explain", rules.to_str().unwrap(), other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run(&["normalize-log", "/nonexistent/rules", log.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("/nonexistent/rules"), "{}", stderr(&o));
    no_panic(&o);
}

#[test]
fn eval_kb_scores_each_model_task_beside_the_engine_and_keeps_the_engine_when_it_fails() {
    // A model that answers nothing (an empty recording): every answer falls back, so the
    // model's figures are the engine's and every call is counted as a fallback.
    let d = tempfile::tempdir().unwrap();
    let replay = write(d.path(), "empty.jsonl", b"");
    let kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knowledge-base");
    let o = bin()
        .args([
            "eval",
            "kb",
            "--json",
            "--tasks",
            "norm-fields,i18n,metainfo",
            "--llm",
            "replay",
        ])
        .arg(&kb)
        .arg("--replay")
        .arg(&replay)
        .output()
        .unwrap();
    no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let i18n = &v["tasks"]["i18n"];
    assert_eq!(
        i18n["engine"]["en_chrf"], i18n["adapter"]["en_chrf"],
        "{i18n}"
    );
    let calls = i18n["adapter"]["calls"].as_u64().unwrap();
    assert!(calls > 0, "{i18n}");
    assert_eq!(i18n["adapter"]["fallbacks"].as_u64(), Some(calls));
    let nf = &v["tasks"]["norm-fields"];
    assert_eq!(
        nf["engine"]["precision"], nf["adapter"]["precision"],
        "{nf}"
    );
    let names = &v["tasks"]["metainfo"];
    assert_eq!(
        names["engine"]["name_chrf"], names["adapter"]["name_chrf"],
        "{names}"
    );
    assert!(
        names["engine"]["name_chrf"].as_f64().unwrap() > 0.0,
        "{names}"
    );
    let calls = names["adapter"]["calls"].as_u64().unwrap();
    assert!(calls > 0, "{names}");
    assert_eq!(names["adapter"]["fallbacks"].as_u64(), Some(calls));
    assert!(v["tasks"].get("msgid").is_none(), "not asked for");
}

#[test]
fn eval_kb_writes_each_expert_event_difference_as_a_json_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let kb = root.join("knowledge-base");
    let d = tempfile::tempdir().unwrap();
    let diffs = d.path().join("diffs.jsonl");
    let o = run(&[
        "eval",
        "kb",
        kb.to_str().unwrap(),
        "--sources",
        "UNIX_like/su/",
        "--year",
        "2025",
        "--diffs",
        diffs.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = std::fs::read_to_string(&diffs).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One line per expert event of the chosen source, each naming its test.
    assert_eq!(
        lines.len() as u64,
        report["total"]["events"].as_u64().unwrap(),
        "{text}"
    );
    assert!(lines.iter().all(|l| l["source"] == "UNIX_like/su/syslog"
        && l["test"].as_str().unwrap().starts_with("raw_")
        && l["missing"].is_object()
        && l["wrong"].is_object()
        && l["extra"].is_object()));
    // What was missed or wrong is what the scores count as not correct.
    let lost: usize = lines
        .iter()
        .map(|l| l["missing"].as_object().unwrap().len() + l["wrong"].as_object().unwrap().len())
        .sum();
    let t = &report["total"];
    assert_eq!(
        lost as u64,
        t["expert"].as_u64().unwrap() - t["correct"].as_u64().unwrap()
    );
}

#[test]
fn check_exits_3_on_a_formula_with_errors_and_0_on_a_good_one() {
    let d = tempfile::tempdir().unwrap();
    let good = write(d.path(), "good/formula.xp", JSON_RULE.as_bytes());
    let bad = write(d.path(), "bad/formula.xp", b"JSON = ''\nmsgid = (\n");
    let o = run(&["check", good.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = run(&["check", good.to_str().unwrap(), bad.to_str().unwrap()]);
    no_panic(&o);
    assert_eq!(o.status.code(), Some(3));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("2 formulas, 1 with errors"), "{said}");
    assert!(said.contains("bad/formula.xp"), "{said}");
}
