//! Dispatch cost with many rules: the same 1,000 events against rule sets of 50 and 5,000
//! TEXT rules of distinct event types (the index should keep the cost nearly flat).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ruleset::{Loaded, RuleSet};
use xp_eval::RunOptions;

const WORDS: &[&str] = &[
    "session",
    "connection",
    "request",
    "account",
    "service",
    "module",
    "driver",
    "policy",
    "device",
    "socket",
    "process",
    "backup",
    "restore",
    "update",
    "install",
    "remove",
];

/// The words of event type `i` (distinct for every i < 16^3).
fn words(i: usize) -> String {
    format!(
        "{} {} {}",
        WORDS[i % 16],
        WORDS[(i / 16) % 16],
        WORDS[(i / 256) % 16]
    )
}

fn rules(n: usize) -> RuleSet {
    let loaded = (0..n)
        .map(|i| {
            let src = format!(
                "TEXT = '{{$time=DATETIME}} {{$host=HOSTNAME}} app: type{i} {} by {{$user=WORD}} from {{$ip=IPV4}}'\nsubject.account.name = $user\nsrc.ip = $ip\nid = \"r{i}\"\n",
                words(i)
            );
            Loaded::compile(&src, format!("r{i}")).expect("compiles")
        })
        .collect();
    RuleSet::from_rules(loaded, Vec::new())
}

fn events(types: usize) -> Vec<String> {
    (0..1000)
        .map(|k| {
            let i = (k * 7919) % types;
            format!(
                "Dec 10 06:{:02}:{:02} host{} app: type{i} {} by user{} from 10.0.{}.{}",
                k % 60,
                (k / 60) % 60,
                k % 5,
                words(i),
                k % 50,
                k % 250,
                (k / 250) % 250
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let opts = RunOptions {
        year: 2024,
        ..RunOptions::default()
    };
    for n in [50, 5000] {
        let set = rules(n);
        let evs = events(n);
        c.bench_function(&format!("apply 1000 events, {n} rules"), |b| {
            b.iter_batched(
                || (),
                |()| {
                    let mut matched = 0;
                    for e in &evs {
                        matched += usize::from(set.apply(e, &opts).winner.is_some());
                    }
                    assert_eq!(matched, evs.len());
                },
                BatchSize::SmallInput,
            )
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
