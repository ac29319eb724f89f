//! The pipeline's entry points on arbitrary bytes, as the CLI calls them, each followed by the
//! invariants its result must keep. The fuzz targets (`tests/fuzz`) and the regression corpus
//! (`tests/regress`, replayed by `cargo test`) call these, so a crash found by one is replayed
//! by the other. A violated invariant panics: that is the finding. Nothing here prints.
#![deny(missing_docs)]

use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;

use field_assign::engine::Retrieval;
use field_assign::kb::Kb;
use ingest::reader::{Item, Options, Reader};
use pipeline::cluster::{cluster_stream, Clustered, KEEP_TEXTS};

/// The targets, by name (the fuzz target's and the regression folder's).
pub const TARGETS: &[&str] = &[
    "ingest",
    "cluster",
    "cluster_headers",
    "generate",
    "normalize_log",
    "compile",
    "xml",
];

/// Largest event, as the CLI's default `--max-event-bytes`.
const MAX_EVENT: usize = 1 << 20;

/// Runs one target on the input; `Err` for an unknown target name.
pub fn run(target: &str, data: &[u8]) -> Result<(), String> {
    match target {
        "ingest" => ingest(data),
        "cluster" => {
            cluster(data, 0);
        }
        "cluster_headers" => cluster_headers(data),
        "generate" => generate(data),
        "normalize_log" => normalize_log(data),
        "compile" => compile(data),
        "xml" => xml(data),
        other => {
            return Err(format!(
                "no target `{other}` (targets: {})",
                TARGETS.join(", ")
            ))
        }
    }
    Ok(())
}

/// Reading: every line is in an event or a rejection, in input order, and no event is over the
/// limit.
pub fn ingest(data: &[u8]) {
    let mut last = 0;
    for item in Reader::new(
        Cursor::new(data),
        Options {
            max_event_bytes: MAX_EVENT,
        },
    ) {
        let Ok(item) = item else {
            panic!("reading from memory cannot fail")
        };
        let line = match &item {
            Item::Event(e) => {
                assert!(e.text.len() <= MAX_EVENT, "an event over the limit");
                e.line
            }
            Item::Rejected(r) => r.line,
        };
        assert!(line >= 1, "line numbers start at 1");
        // A JSON array on one line gives several items of that line.
        assert!(line >= last, "results in input order");
        last = line;
    }
    let lines = data.split(|&b| b == b'\n' || b == b'\r').count();
    assert!(last <= lines, "line {last} of {lines}");
}

/// Clustering: every event is a member of exactly one cluster.
pub fn cluster(data: &[u8], keep_texts: usize) -> Clustered {
    let c = cluster_stream(
        Box::new(Cursor::new(data.to_vec())),
        MAX_EVENT,
        keep_texts,
        &pipeline::Quiet,
    )
    .unwrap_or_else(|e| panic!("clustering from memory cannot fail: {e}"));
    let members: usize = c.clusters.iter().map(|k| k.members.len()).sum();
    assert_eq!(members, c.events, "every event in exactly one cluster");
    assert_eq!(
        c.clusters.iter().map(|k| k.size).sum::<usize>(),
        c.events,
        "cluster sizes add up to the events"
    );
    c
}

/// Headers: every cluster has a head, and the merged clusters keep every event.
pub fn cluster_headers(data: &[u8]) {
    let c = cluster(data, KEEP_TEXTS);
    let h = format_synth::merge::headed(&c.clusters);
    assert_eq!(h.clusters.len(), h.heads.len(), "one head per cluster");
    assert_eq!(
        h.clusters.iter().map(|k| k.size).sum::<usize>(),
        c.events,
        "merging keeps every event"
    );
    for head in &h.heads {
        assert!(
            head.matched <= head.size,
            "a head matches at most its events"
        );
    }
}

fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knowledge-base");
        Kb::load(&[dir]).unwrap_or_default()
    })
}

/// Generation with the engine and the project's knowledge base: every cluster ends in a
/// package or in a rejection with its reason, and every package's rule matches its events.
pub fn generate(data: &[u8]) {
    let c = cluster(data, KEEP_TEXTS);
    let engine = Retrieval::new(kb());
    let opts = rule_gen::Options {
        tests: 3,
        year: 2024,
        meta: rule_gen::Meta::default(),
    };
    let out = pipeline::generate::generate(
        &c,
        "fuzz.log",
        &engine,
        pipeline::generate::Writers {
            describer: None,
            namer: None,
        },
        &opts,
        std::time::Instant::now(),
        &pipeline::Quiet,
    )
    .unwrap_or_else(|e| panic!("generation cannot fail: {e}"));
    let r = &out.report;
    let packaged: usize = r.rules.iter().map(|p| p.size).sum();
    let rejected: usize = r.rejected_clusters.iter().map(|x| x.size).sum();
    assert_eq!(
        packaged + rejected,
        c.events,
        "every event in a package or rejected"
    );
    for x in &r.rejected_clusters {
        assert!(!x.reason.is_empty(), "a rejection says why");
    }
    for p in &r.rules {
        assert_eq!(
            p.matched, p.size,
            "{}: the rule matches every event of its cluster",
            p.id
        );
    }
}

fn rules() -> &'static ruleset::RuleSet {
    static RULES: OnceLock<ruleset::RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knowledge-base");
        ruleset::RuleSet::load(&dir)
            .unwrap_or_else(|_| ruleset::RuleSet::from_rules(Vec::new(), Vec::new()))
    })
}

/// A rule set over a log: one result per event or rejection, in input order.
pub fn normalize_log(data: &[u8]) {
    let opts = ruleset::stream::StreamOptions {
        run: xp_eval::RunOptions {
            year: 2024,
            ..xp_eval::RunOptions::default()
        },
        max_event_bytes: MAX_EVENT,
        workers: 1,
    };
    let mut last = 0;
    ruleset::stream::run(
        rules(),
        Box::new(Cursor::new(data.to_vec())),
        &opts,
        |e| e.line,
        |out| {
            let line = match out {
                ruleset::stream::Out::Event(l) => l,
                ruleset::stream::Out::Rejected(r) => r.line,
            };
            assert!(line >= last, "results in input order");
            last = line;
            Ok(())
        },
    )
    .unwrap_or_else(|e| panic!("a run from memory cannot fail: {e}"));
}

/// A formula (UTF-8 up to the first invalid byte): compiled, and when it compiles, run on an
/// event of its header's kind.
pub fn compile(data: &[u8]) {
    let text = match std::str::from_utf8(data) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or_default(),
    };
    let (formula, _) = xp_syntax::parse_formula(text);
    let _ = xp_syntax::print_formula(&formula);
    if let Ok(rule) = xp_eval::Rule::compile(text, xp_eval::CompileOptions::default()) {
        let opts = xp_eval::RunOptions {
            year: 2024,
            ..xp_eval::RunOptions::default()
        };
        for raw in [
            r#"{"a": "x", "b": [1, 2], "EventID": "4624"}"#,
            "Dec  6 06:00:00 host sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2",
            r#"<Event><System><EventID>4624</EventID></System><EventData><Data Name="a">x</Data></EventData></Event>"#,
        ] {
            let _ = rule.normalize(raw, &opts);
        }
    }
}

/// XML as EVENTLOG and submessages read it.
pub fn xml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = xp_eval::input::xml::parse_xml(text, "text");
        let _ = xp_eval::input::xml::parse_xml(text, "!");
    }
}
