//! Events per second on one core, raw text in, normalized event out (parsing included).
//!
//! - TEXT: the project's sshd "Failed password" rule (`knowledge-base/UNIX_like/sshd/syslog/failed_auth`).
//! - EVENTLOG: the expert 4624 logon rule and its first test event, from `../shared/kb/dev`
//!   (or `NORMFORGE_SHARED`); skipped with a notice when absent.
//!
//! Targets (issue step 1): >= 500k TEXT events/s, >= 100k EVENTLOG events/s.
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
