//! Rule generation on the project's sample logs: the packages stay stable
//! (`tests/golden/generate/<log>.txt`, every file of every package; rewrite with
//! `UPDATE_EXPECT=1`) and every package validates. On the shared dev KB, the
//! leave-one-source-out evaluation keeps its measured floors.

use std::path::PathBuf;

use normforge_tests::{check_golden, sample_clusters, shared_dir, workspace_root};

/// Year the sample logs' year-less times are read with.
const YEAR: i32 = 2024;

fn generated(log: &str) -> rule_gen::Generated {
    let (_, clusters) = sample_clusters(log);
    let headed = format_synth::merge::headed(&clusters);
    let kb = field_assign::kb::Kb::load(&[workspace_root().join("knowledge-base")]).unwrap();
    let engine = field_assign::engine::Retrieval::new(&kb);
    let opts = rule_gen::Options {
        tests: 3,
        year: YEAR,
        meta: rule_gen::Meta::default(),
    };
    rule_gen::generate(&headed, &engine, &opts, |_| {})
}

fn dump(g: &rule_gen::Generated) -> String {
    let mut s = String::new();
    for (path, content) in g.files() {
        s.push_str(&format!("=== {}\n{content}", path.display()));
        if !content.ends_with('\n') {
            s.push('\n');
        }
    }
    for r in &g.rejected {
        s.push_str(&format!(
            "=== rejected cluster {}: {}\n",
            r.cluster, r.reason
        ));
    }
    s
}

#[test]
fn sample_logs_generate_stable_packages_that_validate() {
    let mut failures = Vec::new();
    for log in normforge_tests::SAMPLE_LOGS {
        let g = generated(log);
        assert!(g.rejected.is_empty(), "{log}: {:?}", g.rejected);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        rule_gen::write::write_tree(&out, &g.files(), false).unwrap();
        let opts = xp_package::validate::ValidateOptions {
            run: xp_eval::RunOptions {
                year: YEAR,
                ..Default::default()
            },
            compile: xp_eval::CompileOptions { strict: true },
        };
        let report = xp_package::validate::validate(&[out], &opts, &Default::default()).unwrap();
        assert_eq!(report.rules, g.packages.len(), "{log}");
        assert_eq!(report.failed, 0, "{log}: {:?}", report.failures);
        let golden = workspace_root()
            .join("tests/golden/generate")
            .join(format!("{log}.txt"));
        if let Err(e) = check_golden(&golden, &dump(&g)) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sshd_failed_password_becomes_a_login_failure() {
    let g = generated("sshd.log");
    let p = g
        .packages
        .iter()
        .find(|p| {
            p.dir
                .to_string_lossy()
                .contains("Failed_password_for_from_port")
        })
        .expect("a package for Failed password");
    let a = &p.assignment;
    assert_eq!(a.constant("action"), Some("login"));
    assert_eq!(a.constant("status"), Some("failure"));
    for f in ["subject.account.name", "src.ip", "src.port", "time"] {
        assert!(a.get(f).is_some(), "{f} missing: {a:?}");
    }
}

/// A rule's name never carries a value that varies from one event of its type to the next: no
/// word of its name is the account, host or address an instance field of its tests holds
/// (`schema/instance-fields.tsv`). A cluster of one `Accepted password for alice` line is named
/// `Accepted_password_for_from_port_ssh2`, and its rule captures the user.
#[test]
fn rule_names_carry_no_account_host_or_address() {
    let instance: Vec<&str> = field_assign::tsv::table("instance-fields")
        .data()
        .map(|c| c[0])
        .collect();
    let mut checked = 0;
    for log in [
        "sshd.log",
        "linux-host.log",
        "mixed.log",
        "services.log",
        "vpn.log",
    ] {
        let g = generated(log);
        for p in &g.packages {
            let name = p.dir.file_name().unwrap().to_string_lossy().to_lowercase();
            let words: Vec<&str> = name.split('_').collect();
            for (path, content) in &p.files {
                if !path.to_string_lossy().contains("norm_") {
                    continue;
                }
                let norm: serde_json::Value = serde_json::from_str(content).unwrap();
                for f in &instance {
                    let Some(v) = norm.get(*f).and_then(|v| v.as_str()) else {
                        continue;
                    };
                    let v = v.to_lowercase();
                    if v.len() < 3 || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
                        continue;
                    }
                    checked += 1;
                    assert!(
                        !words.contains(&v.as_str()),
                        "{log}: rule `{name}` carries {f} = `{v}`"
                    );
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} values checked");
}

/// Windows events carry no message text: the documented title of the event id names the rule
/// and states the classification (`schema/windows-events.tsv`).
#[test]
fn windows_events_are_named_and_classified_by_their_title() {
    let g = generated("windows.log");
    let package = |name: &str| {
        g.packages
            .iter()
            .find(|p| p.dir.file_name().is_some_and(|f| f == name))
            .unwrap_or_else(|| panic!("no package {name}"))
    };
    let cases = [
        (
            "4625_An_account_failed_to_log_on",
            ("login", "system", "failure"),
        ),
        (
            "4732_A_member_was_added_to_a_security_enabled_local_group",
            ("modify", "user_group", "success"),
        ),
        (
            "4688_A_new_process_has_been_created",
            ("start", "process", "success"),
        ),
        (
            "1102_The_audit_log_was_cleared",
            ("clean", "log", "success"),
        ),
        (
            "7045_A_service_was_installed_in_the_system",
            ("create", "service", "success"),
        ),
    ];
    for (name, (action, object, status)) in cases {
        let a = &package(name).assignment;
        assert_eq!(a.constant("action"), Some(action), "{name}");
        assert_eq!(a.constant("object"), Some(object), "{name}");
        assert_eq!(a.constant("status"), Some(status), "{name}");
    }
}

/// The project's own KB evaluated as if it were an expert KB: each of its TEXT sources (sshd,
/// sudo, su, shadow-utils, cron, systemd-logind, Linux netfilter, Cisco ASA, Dovecot) is
/// generated with nothing of its own to retrieve, so the figures measure the TEXT engine on
/// sources it has no precedent for.
#[test]
fn own_kb_text_evaluation_keeps_its_floors() {
    let own = workspace_root().join("knowledge-base");
    let r = evaluation::kb::evaluate(&own, None, YEAR).unwrap();
    assert_eq!(
        r.conformance.passed, r.conformance.pairs,
        "{:?}",
        r.conformance
    );
    // Measured 2026-12-06 with nine sources: TEXT P .877 R .675 (95 events), working 79/79
    // (Dovecot, written last: P .820 R .471 held out, .845/.563 with its `rip`/`lip` keys).
    // With eight sources: TEXT P .868 R .673 (92 events), working 77/77;
    // netfilter and Cisco ASA, written after the changes below, scored P .750 R .471 and
    // P .765 R .193 before firewall verdicts, direction words and Cisco tags were read, then
    // .804/.643 and .981/.785. With six sources: TEXT P .868 R .671 (84 events).
    // With sudo, su and shadow-utils only: P .738 R .463 before syslog messages were read as
    // titles, refusal words, switch-user programs, `;`-separated pairs, the operating
    // system's programs and learning from alike rules only, P .867 R .656 after; cron and
    // systemd-logind, written after those changes, scored P .773 R .615 and P .667 R .500
    // (then .818/.664 and .938/.833 with a session's words and host names split per event).
    // sshd alone on 2026-12-05: P .868 R .529.
    let text = &r.by_kind["TEXT"];
    assert!(text.precision >= 0.85 && text.recall >= 0.66, "{text:?}");
    assert!(r.total.working_rate >= 0.98, "{:?}", r.total);
    assert!(r.total.format_accuracy >= 0.99, "{:?}", r.total);
}

#[test]
fn dev_kb_evaluation_keeps_its_floors() {
    let Some(shared) = shared_dir("eval kb on kb/dev") else {
        return;
    };
    let kb: PathBuf = shared.join("kb/dev");
    let own = workspace_root().join("knowledge-base");
    let r = evaluation::kb::evaluate(&kb, Some(&own), YEAR).unwrap();
    assert_eq!(r.conformance.pairs, 637);
    assert!(r.conformance.passed >= 621, "{:?}", r.conformance);
    // Measured 2026-12-06 (tenth session): EVENTLOG P .872 R .702, JSON P .843 R .667
    // (EVENTLOG P .868 R .699, JSON P .826 R .653 before PAM's pre-session stages were
    // ongoing, switch-user and account tools' records read per event, a file accessed
    // rather than opened, capabilities raised and a traffic verdict made a rule's success;
    // EVENTLOG P .863 R .695
    // before the kind of act (`category.low`) stopped following the object alone;
    // P .875 R .551 before the Windows event
    // catalog; R .688 before a process start's creator became the new process's parent),
    // JSON P .825 R .653 (P .825 R .638 before host values mixing addresses and names were
    // split, audit sockaddrs decoded, EXECVE arguments joined, account management records
    // read for the account acted on, Endpoint Security's targets read as the object; P .816
    // R .618 before PAM records were read for the
    // service's side of a login, the process's privileges and the local host name; P .817
    // R .599 before audit record types were read by `schema/linux-audit-records.tsv`;
    // P .802 R .538 before audit records were read as audit
    // writes them: system calls named, the object's PATH record, rule key, errno reason;
    // P .793 R .510 before a started process became the object), working 1.000.
    let ev = &r.by_kind["EVENTLOG"];
    let js = &r.by_kind["JSON"];
    // Step 4's targets, per kind and on the whole KB: P ≥ .75, R ≥ .65.
    assert!(ev.precision >= 0.865 && ev.recall >= 0.695, "{ev:?}");
    assert!(js.precision >= 0.835 && js.recall >= 0.66, "{js:?}");
    assert!(
        r.total.precision >= 0.75 && r.total.recall >= 0.65,
        "{:?}",
        r.total
    );
    // The engine's descriptions, measured 2026-12-06: chrF en 55.5, ru 54.4 (55.4 / 54.3
    // before a filter's verdict was told with the rule as its subject; 51.5 / 49.8
    // before audit record types were described, 48.1 / 46.5 before system calls were;
    // 39.5 / 38.1 before Windows events were classified by their title). Rule names: chrF
    // 68.5 (41.3 before audit records were named by their type, 36.0 before
    // `syscall_<name>`, 15.5 before the Windows titles).
    assert!(
        r.i18n.en_chrf >= 55.0 && r.i18n.ru_chrf >= 53.9,
        "{:?}",
        r.i18n
    );
    assert!(r.names.chrf >= 68.0, "{:?}", r.names);
    assert!(r.total.working_rate >= 0.98, "{:?}", r.total);
    assert!(r.total.format_accuracy >= 0.99, "{:?}", r.total);
}

/// A text line a JSON event wraps (Docker's json-file driver: `{"log": "Failed password for …\n",
/// "stream": "stderr", "time": …}`) is read with a subformula of its own: the rule calls
/// `submessage("TEXT", "message", $log)`, the account, address and port come from the text, and
/// the package validates.
#[test]
fn a_wrapped_text_line_is_read_by_a_subformula() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("docker.log");
    let lines: Vec<String> = [
        ("alice", "198.51.100.7"),
        ("bob", "198.51.100.8"),
        ("carol", "203.0.113.9"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (user, ip))| {
        serde_json::json!({
            "log": format!("Failed password for {user} from {ip} port {} ssh2\n", 51000 + i),
            "stream": "stderr",
            "time": format!("2025-03-10T10:0{i}:01.5Z"),
        })
        .to_string()
    })
    .collect();
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    let run = |args: &[&std::ffi::OsStr]| {
        let o = std::process::Command::new(normforge_tests::normforge_bin())
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[
        "generate".as_ref(),
        log.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    run(&["validate".as_ref(), out.as_os_str()]);
    let formula = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .find(|e| e.file_name() == "formula.xp")
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .expect("a rule");
    assert!(
        formula.contains("submessage(\"TEXT\", \"message\", $log)"),
        "{formula}"
    );
    for field in [
        "subject.account.name = $msg_",
        "src.ip = $msg_",
        "src.port = $msg_",
    ] {
        assert!(formula.contains(field), "{field}: {formula}");
    }
}
