//! The rule set's dispatch index finds exactly the rules that trying every rule finds, on the
//! expert KB's own test events (JSON and EVENTLOG rules with header filters and COND) and on
//! the generated rules of the sample logs (TEXT, CEF, key=value, JSON, EVENTLOG XML, CSV).

use normforge_tests::{shared_dir, workspace_root};
use ruleset::RuleSet;
use xp_eval::RunOptions;

fn opts() -> RunOptions {
    RunOptions {
        year: 2024,
        ..RunOptions::default()
    }
}

fn check(set: &RuleSet, raw: &str, what: &str) -> Option<usize> {
    let all = set.apply_all(raw, &opts());
    let got = set.apply(raw, &opts());
    let mut indexed: Vec<usize> = got.winner.iter().map(|w| w.0).collect();
    indexed.extend(&got.also);
    assert_eq!(
        indexed, all,
        "{what}: index and brute force disagree on {raw:?}"
    );
    assert!(got.tried <= set.rules.len());
    got.winner.map(|w| w.0)
}

#[test]
fn the_index_agrees_with_trying_every_rule_on_the_expert_kb() {
    let Some(shared) = shared_dir("ruleset index on kb/dev") else {
        return;
    };
    let kb = shared.join("kb/dev");
    let set = RuleSet::load(&kb).unwrap();
    assert!(
        set.rules.len() > 200,
        "{} rules, skipped {:?}",
        set.rules.len(),
        set.skipped
    );
    let (mut events, mut own, mut tried) = (0, 0, 0);
    for pkg in xp_package::find_packages(std::slice::from_ref(&kb)).unwrap() {
        let dir = pkg
            .dir
            .strip_prefix(&kb)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for t in pkg.tests() {
            let Ok((raw, _)) = t.read() else { continue };
            let raw = raw.trim_end_matches(['\r', '\n']);
            events += 1;
            tried += set.candidates(raw).len();
            let all = set.apply_all(raw, &opts());
            check(&set, raw, &dir);
            if all.iter().any(|&i| set.rules[i].dir == dir) {
                own += 1;
            }
        }
    }
    // Its own rule is among the matches for (nearly) every test event (conformance 621/637).
    assert!(own * 100 >= events * 95, "{own}/{events}");
    // The index leaves a small share of the rules to try.
    assert!(
        tried < events * set.rules.len() / 4,
        "{tried} tries for {events} events"
    );
}

#[test]
fn the_index_agrees_with_trying_every_rule_on_generated_rules() {
    for sample in normforge_tests::SAMPLE_LOGS {
        let log = workspace_root().join("eval/samples").join(sample);
        let text = std::fs::read(&log).unwrap();
        let (_, clusters) = normforge_tests::sample_clusters(sample);
        let headed = format_synth::merge::headed(&clusters);
        let kb = field_assign::kb::Kb::load(&[workspace_root().join("knowledge-base")]).unwrap();
        let engine = field_assign::engine::Retrieval::new(&kb);
        let generated = rule_gen::generate(
            &headed,
            &engine,
            &rule_gen::Options {
                tests: 3,
                year: 2024,
                meta: rule_gen::Meta::default(),
            },
            |_| {},
        );
        let rules: Vec<ruleset::Loaded> = generated
            .packages
            .iter()
            .map(|p| {
                let src = &p.files[std::path::Path::new("formula.xp")];
                ruleset::Loaded::compile(src, p.dir.to_string_lossy().to_string()).unwrap()
            })
            .collect();
        let set = RuleSet::from_rules(rules, Vec::new());
        let mut reader = ingest::Reader::new(&text[..], ingest::Options::default());
        let mut normalized = 0;
        let mut events = 0;
        while let Some(Ok(item)) = reader.next() {
            if let ingest::Item::Event(e) = item {
                events += 1;
                if check(&set, &e.text, sample).is_some() {
                    normalized += 1;
                }
            }
        }
        assert_eq!(normalized, events, "{sample}");
    }
}

/// An event that came in a transport envelope is clustered by its body but normalized as
/// received: a rule reading the envelope's `recv_ipv4` gets the collector's value.
#[test]
fn a_log_run_reads_the_envelope_an_event_came_in() {
    let rule = ruleset::Loaded::compile(
        "JSON = ''\nCOND = $user != null\nsubject.account.name = $user\nevent_src.ip = recv_ipv4\nid = \"NF_test_envelope\"\n",
        "test/envelope".into(),
    )
    .unwrap();
    let set = RuleSet::from_rules(vec![rule], Vec::new());
    let log = concat!(
        r#"{"body": "{\"user\": \"ann\"}", "recv_ipv4": "192.0.2.7", "uuid": "u1"}"#,
        "\n",
        r#"{"user": "bob"}"#,
        "\n",
    );
    let opts = ruleset::stream::StreamOptions {
        run: opts(),
        max_event_bytes: 1 << 20,
        workers: 1,
    };
    let mut got = Vec::new();
    ruleset::stream::run(
        &set,
        Box::new(std::io::Cursor::new(log.as_bytes().to_vec())),
        &opts,
        |e| {
            let fields = e.applied.winner.as_ref().map(|w| w.1.to_json());
            (e.line, e.kind, fields)
        },
        |out| {
            if let ruleset::stream::Out::Event(r) = out {
                got.push(r);
            }
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(got.len(), 2);
    let (line, kind, fields) = &got[0];
    assert_eq!((*line, *kind), (1, ingest::Kind::Json));
    let fields = fields.as_ref().expect("the enveloped event is normalized");
    assert_eq!(fields["subject.account.name"], "ann");
    assert_eq!(fields["event_src.ip"], "192.0.2.7");
    let bob = got[1].2.as_ref().expect("the bare event is normalized");
    assert_eq!(bob["subject.account.name"], "bob");
    assert_ne!(
        bob.get("event_src.ip"),
        Some(&serde_json::json!("192.0.2.7"))
    );
}
