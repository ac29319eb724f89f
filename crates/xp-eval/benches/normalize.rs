//! Events per second on one core, raw text in, normalized event out (parsing included).
//!
//! - TEXT: the project's sshd "Failed password" rule (`knowledge-base/UNIX_like/sshd/syslog/failed_auth`).
//! - EVENTLOG: the expert 4624 logon rule and its first test event, from `../shared/kb/dev`
//!   (or `NORMFORGE_SHARED`); skipped with a notice when absent.
//!
//! - TEXT, long line: a 64 KB line against a 60-token header (a lazy `STRING*`, then 20 `STRING`
//!   among `WORD`, `NUMBER`, `IPV4` and `HOSTNAME` tokens, a `NUMBER` last), one line that matches
//!   and one that fails only at its last token.
//!
//! Targets (issue step 1): >= 500k TEXT events/s, >= 100k EVENTLOG events/s; (step 10) the long
//! line matches or fails in milliseconds.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use xp_eval::{Outcome, Rule, RunOptions};

// The same allocator as the `normforge` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rule(dir: &Path) -> Rule {
    Rule::compile(
        &std::fs::read_to_string(dir.join("formula.xp")).unwrap(),
        Default::default(),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let opts = RunOptions {
        year: 2025,
        ..RunOptions::default()
    };
    let text_rule = rule(&root().join("knowledge-base/UNIX_like/sshd/syslog/failed_auth"));
    let lines = [
        "Mar 10 06:55:46 bastion-01 sshd[24200]: Failed password for root from 203.0.113.7 port 52113 ssh2",
        "Mar 10 06:55:49 bastion-01 sshd[24203]: Failed password for invalid user admin from 198.51.100.23 port 40022 ssh2",
    ];
    for l in lines {
        assert!(
            matches!(text_rule.normalize(l, &opts), Ok(Outcome::Normalized(_))),
            "bench line must match: {l}"
        );
    }
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Elements(1));
    g.bench_function("text_sshd_failed_password", |b| {
        let mut i = 0;
        b.iter(|| {
            i += 1;
            black_box(text_rule.normalize(black_box(lines[i & 1]), &opts).unwrap())
        })
    });
    let shared = std::env::var_os("NORMFORGE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"));
    let dir = shared.join("kb/dev/Microsoft/Windows/eventlog/Common/Security/4624_An_account_was_successfully_logged_on");
    if dir.exists() {
        let ev_rule = rule(&dir);
        let raw = std::fs::read_to_string(dir.join("tests/raw_1.txt")).unwrap();
        assert!(matches!(
            ev_rule.normalize(&raw, &opts),
            Ok(Outcome::Normalized(_))
        ));
        g.bench_function("eventlog_4624_logon", |b| {
            b.iter(|| black_box(ev_rule.normalize(black_box(&raw), &opts).unwrap()))
        });
    } else {
        eprintln!("SKIPPED eventlog_4624_logon: {} not found", dir.display());
    }
    g.finish();
    long_line(c, &opts);
}

/// The 60-token header and a 64 KB line for it; `broken` spoils the last value only.
pub fn long_line_case(broken: bool) -> (String, String) {
    let mut toks = vec!["{$msg=STRING*}".to_string()];
    let mut vals: Vec<String> = Vec::new();
    let mut strings = 0;
    for i in 1..59 {
        let (tok, val) = match i % 3 {
            0 if strings < 20 => {
                strings += 1;
                (format!("{{$s{i}=STRING}}"), format!("/p{i}/q?x={i}"))
            }
            1 => (format!("{{$n{i}=NUMBER}}"), format!("{}", i * 7919)),
            _ => match i % 4 {
                0 => (format!("{{$ip{i}=IPV4}}"), format!("10.0.{i}.{}", i + 1)),
                1 => (
                    format!("{{$h{i}=HOSTNAME}}"),
                    format!("host{i}.example.com"),
                ),
                _ => (format!("{{$w{i}=WORD}}"), format!("w{i}")),
            },
        };
        toks.push(tok);
        vals.push(val);
    }
    // The last token is a number; the broken line ends in a word instead.
    toks.push("{$last=NUMBER}".to_string());
    vals.push(if broken { "none" } else { "42" }.to_string());
    let mut line = String::with_capacity(70_000);
    let mut k = 0;
    while line.len() < 64 * 1024 - 2_000 {
        line.push_str(&format!("word{k} "));
        k += 1;
    }
    line.push_str(&vals.join(" "));
    (
        format!("TEXT = '{}'\nid = \"bench\"\n", toks.join(" ")),
        line,
    )
}

fn long_line(c: &mut Criterion, opts: &RunOptions) {
    let mut g = c.benchmark_group("long_line");
    g.throughput(Throughput::Elements(1));
    g.sample_size(10);
    for (name, broken) in [
        ("text_64kb_60_tokens_match", false),
        ("text_64kb_60_tokens_fail", true),
    ] {
        let (src, line) = long_line_case(broken);
        let rule = Rule::compile(&src, Default::default()).unwrap();
        let got = rule.normalize(&line, opts);
        eprintln!(
            "{name}: {} bytes, outcome {}",
            line.len(),
            match &got {
                Ok(Outcome::Normalized(_)) => "matched".to_string(),
                Ok(_) => "no match".to_string(),
                Err(e) => format!("error {e:?}").chars().take(80).collect(),
            }
        );
        g.bench_function(name, |b| {
            b.iter(|| black_box(rule.normalize(black_box(&line), opts)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
