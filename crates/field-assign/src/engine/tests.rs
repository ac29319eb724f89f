//! The engine on clusters of known sources.

use std::collections::BTreeMap;

use xp_eval::Outcome;

use super::builder::Builder;
use super::expr::*;
use super::passes::{
    accounts::*, addresses::*, hosts::*, msgid::*, processes::*, subject_object::*,
};
use super::*;
use crate::kb::{KbRule, Transform};
use crate::slots::Slot;
use crate::Why;

fn slot(expr: &str, key: &str, values: &[Option<&str>]) -> Slot {
    Slot {
        expr: expr.to_string(),
        key: key.to_string(),
        parent: None,
        values: values.iter().map(|v| v.map(str::to_string)).collect(),
    }
}

fn slots(slots: Vec<Slot>) -> Slots {
    Slots {
        prelude: vec![],
        slots,
    }
}

fn builder() -> Builder {
    Builder::new(Vec::new())
}

/// A builder holding these fields: a value with `$` in it is an expression, any other a
/// constant.
fn given(fields: &[(&str, &str)]) -> Builder {
    let mut b = builder();
    for (f, v) in fields {
        let source = if v.contains('$') {
            Source::Expr(v.to_string())
        } else {
            Source::Const(v.to_string())
        };
        b.set(f, source, Why::Test);
    }
    b
}

fn expr<'a>(b: &'a Builder, field: &str) -> Option<&'a str> {
    match b.get(field).map(|a| &a.source) {
        Some(Source::Expr(e) | Source::Const(e)) => Some(e),
        None => None,
    }
}

/// The engine alone (an empty KB) on one cluster.
fn assign_one(kind: Kind, head: &str, identifier: &str, members: &[&str]) -> Assignment {
    assign_with(kind, head, &[], Some(identifier), members)
}

/// The engine (empty KB) on a cluster with the header's captures named.
fn assign_with(
    kind: Kind,
    head: &str,
    captures: &[&str],
    identifier: Option<&str>,
    members: &[&str],
) -> Assignment {
    let captures: Vec<String> = captures.iter().map(|c| (*c).to_string()).collect();
    let view = ClusterView {
        kind,
        head,
        captures: &captures,
        members,
        identifier,
    };
    Retrieval::new(&Kb::default()).assign(&view)
}

/// The engine on one Windows event of the given EventID, headed as generation heads it.
fn assign_windows(event_id: &str, ev: &str) -> Assignment {
    let head = format!("EVENTLOG = 'EventID=\"{event_id}\"'");
    assign_one(Kind::Eventlog, &head, &format!("EventID={event_id}"), &[ev])
}

/// Runs an assignment as a rule (header `JSON = ''`) on a raw event: field → text.
fn run_assignment(a: &Assignment, raw: &str) -> BTreeMap<String, String> {
    run_text(a, "JSON = ''", raw)
}

/// Runs an assignment under its header.
fn run_text(a: &Assignment, head: &str, raw: &str) -> BTreeMap<String, String> {
    let mut src = format!("{head}\n");
    for p in &a.prelude {
        src.push_str(p);
        src.push('\n');
    }
    for f in &a.fields {
        let v = match &f.source {
            Source::Expr(e) => e.clone(),
            Source::Const(c) => xp_syntax::printer::quote_str(c, '"'),
        };
        src.push_str(&format!("{} = {v}\n", f.field));
    }
    let rule = xp_eval::Rule::compile(&src, Default::default()).expect(&src);
    match rule.normalize(raw, &xp_eval::RunOptions::default()) {
        Ok(Outcome::Normalized(e)) => e
            .to_json()
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map_or(v.to_string(), str::to_string)))
            .collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_firewall_line_places_its_addresses_by_their_words_and_reads_its_cisco_tag() {
    let head = r#"TEXT = '{$time=DATETIME} {$host=HOSTNAME} %ASA-4-106023: Deny {$proto=WORD} src outside:{$outside=IPV4}/{$p1=NUMBER} dst inside:{$inside=IPV4}/{$p2=NUMBER} by access-group "acl" {$rest=REST}'"#;
    let members = [
        r#"2025-08-02T13:13:13+00:00 fw1 %ASA-4-106023: Deny tcp src outside:203.0.113.50/40000 dst inside:10.10.1.5/3389 by access-group "acl" [0x0, 0x0]"#,
        r#"2025-08-02T13:14:00+00:00 fw1 %ASA-4-106023: Deny udp src outside:198.51.100.9/5353 dst inside:10.10.1.6/53 by access-group "acl" [0x0, 0x0]"#,
    ];
    let captures = [
        "time", "host", "proto", "outside", "p1", "inside", "p2", "rest",
    ];
    let a = assign_with(Kind::Text, head, &captures, None, &members);
    expect_fields(
        &a,
        &[
            ("src.ip", Some("$outside")),
            ("src.port", Some("$p1")),
            ("dst.ip", Some("$inside")),
            ("dst.port", Some("$p2")),
            ("subject", Some("rule")),
            ("action", Some("deny")),
            ("object", Some("connection")),
            ("msgid", Some("106023")),
            ("importance", Some("low")),
        ],
    );
}

#[test]
fn a_text_message_states_its_level() {
    let head = r#"TEXT = '{$time=DATETIME} {$host=HOSTNAME} postgres[{$pid=NUMBER}]: FATAL: password authentication failed for user "{$user=WORD}"'"#;
    let members = [
        r#"Nov  4 08:02:58 db-01 postgres[3102]: FATAL:  password authentication failed for user "report""#,
    ];
    let a = assign_with(
        Kind::Text,
        head,
        &["time", "host", "pid", "user"],
        None,
        &members,
    );
    assert_eq!(a.constant("importance"), Some("high"));
    // A level that varies is read per event.
    let head = "TEXT = '{$time=DATETIME} - {$level=WORD} [main] job done'";
    let members = [
        "2025-11-04 08:00:01,001 - INFO [main] job done",
        "2025-11-04 08:00:02,001 - WARN [main] job done",
    ];
    let a = assign_with(Kind::Text, head, &["time", "level"], None, &members);
    assert_eq!(
        run_text(&a, head, members[1])["importance"],
        "low",
        "{a:#?}"
    );
}

#[test]
fn a_cloud_audit_record_fails_where_it_holds_an_error_code() {
    let ok = r#"{"eventTime": "2026-12-06T06:00:01Z", "eventName": "CreateUser", "sourceIPAddress": "192.0.2.4", "userIdentity": {"userName": "alice"}, "errorCode": null}"#;
    let denied = r#"{"eventTime": "2026-12-06T06:00:02Z", "eventName": "CreateUser", "sourceIPAddress": "192.0.2.5", "userIdentity": {"userName": "bob"}, "errorCode": "AccessDenied"}"#;
    let a = assign_one(
        Kind::Json,
        "JSON = ''\nCOND = $eventName == \"CreateUser\"",
        "eventName=CreateUser",
        &[ok, denied],
    );
    let (ok, denied) = (run_assignment(&a, ok), run_assignment(&a, denied));
    assert_eq!(ok["status"], "success", "{a:#?}");
    assert_eq!(denied["status"], "failure");
    assert_eq!(denied["reason"], "AccessDenied");
    assert_eq!(denied["src.ip"], "192.0.2.5");
    assert_eq!(denied["action"], "create");
}

#[test]
fn a_value_that_can_only_be_an_outcome_states_the_status() {
    let ok = r#"{"eventTime": "2026-12-06T06:00:01Z", "eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Success"}}"#;
    let bad = r#"{"eventTime": "2026-12-06T06:00:02Z", "eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Failure"}}"#;
    let a = assign_one(
        Kind::Json,
        "JSON = ''",
        "eventName=ConsoleLogin",
        &[ok, bad],
    );
    assert_eq!(run_assignment(&a, ok)["status"], "success", "{a:#?}");
    assert_eq!(run_assignment(&a, bad)["status"], "failure");
}

#[test]
fn severity_words_state_the_importance_per_event() {
    let high = r#"{"ts": "2026-12-06T06:00:01Z", "level": "CRITICAL", "msg": "disk full"}"#;
    let warn = r#"{"ts": "2026-12-06T06:00:02Z", "level": "warning", "msg": "disk full"}"#;
    let a = assign_one(Kind::Json, "JSON = ''", "", &[high, warn]);
    assert_eq!(run_assignment(&a, high)["importance"], "high", "{a:#?}");
    assert_eq!(run_assignment(&a, warn)["importance"], "low");
    // A numeric level has no scale of its own: the default stays.
    let n = r#"{"ts": "2026-12-06T06:00:02Z", "level": "4", "msg": "disk full"}"#;
    let a = assign_one(Kind::Json, "JSON = ''", "", &[n]);
    assert_eq!(a.constant("importance"), Some("info"));
}

#[test]
fn a_bare_date_takes_its_clock_from_a_sibling_time() {
    let ev =
        r#"{"date": "2025-03-10", "time": "06:50:02", "action": "deny", "srcip": "192.0.2.1"}"#;
    let a = assign_one(Kind::Json, "JSON = ''", "action=deny", &[ev]);
    assert_eq!(run_assignment(&a, ev)["time"], "2025-03-10T06:50:02.000Z");
}

#[test]
fn audit_syscall_records_name_the_call_its_file_and_why_it_failed() {
    let ev = |name: &str, exit: &str, success: &str| {
        format!(
            r#"{{"items": {{"CWD": ["cwd=\"/root\""], "PATH": ["item=0 name=\"/root/\" inode=10 mode=040700 ouid=0 nametype=PARENT", "item=1 name=\"{name}\" inode=11 mode=0100644 ouid=0 nametype=CREATE"], "SYSCALL": ["arch=c000003e syscall=257 success={success} exit={exit} pid=5 uid=0 euid=0 auid=1000 ses=3 comm=\"nano\" exe=\"/bin/nano\" key=\"home\""]}}}}"#
        )
    };
    let members = [ev("notes.txt", "3", "yes"), ev("/etc/shadow", "-13", "no")];
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let a = assign_one(
        Kind::Json,
        "JSON = ''",
        "members:items=CWD+PATH+SYSCALL items.SYSCALL.syscall=257",
        &refs,
    );
    assert_eq!(a.constant("action"), Some("access"));
    assert_eq!(a.constant("object"), Some("file_object"));
    let ok = run_assignment(&a, &members[0]);
    assert_eq!(ok["msgid"], "openat");
    // A name relative to the working directory is made full.
    assert_eq!(ok["object.fullpath"], "/root/notes.txt");
    assert_eq!(ok["object.name"], "notes.txt");
    assert_eq!(ok["object.path"], "/root/");
    assert_eq!(ok["object.id"], "11");
    assert_eq!(ok["object.type"], "regular_file");
    assert_eq!(ok["event_src.rule"], "home");
    assert_eq!(ok["subject.account.privileges"], "0");
    assert!(!ok.contains_key("reason"));
    let failed = run_assignment(&a, &members[1]);
    assert_eq!(failed["object.fullpath"], "/etc/shadow");
    assert_eq!(failed["reason"], "Permission denied");
}

/// A field's expression or constant.
fn field_of(a: &Assignment, f: &str) -> Option<String> {
    match a.get(f).map(|x| &x.source) {
        Some(Source::Expr(e) | Source::Const(e)) => Some(e.clone()),
        None => None,
    }
}

/// Checks the expression (or absence, `None`) of each field.
fn expect_fields(a: &Assignment, want: &[(&str, Option<&str>)]) {
    for (f, e) in want {
        assert_eq!(field_of(a, f).as_deref(), *e, "{f}");
    }
}

#[test]
fn placeholders_guard_the_field_or_drop_it() {
    let mixed = slot("$u", "u", &[Some("bob"), Some("-")]);
    assert_eq!(
        guarded(&mixed, "lower($u)".into()).as_deref(),
        Some(r#"if $u != "-" then lower($u) endif"#)
    );
    let only = slot("$u", "u", &[Some("-"), Some("S-1-0-0")]);
    assert_eq!(guarded(&only, "$u".into()), None);
    let clean = slot("$u", "u", &[Some("bob")]);
    assert_eq!(guarded(&clean, "$u".into()).as_deref(), Some("$u"));
    // A whole record under its own name is no value.
    let record = slot(r#"$items["CWD"][0]"#, "CWD", &[Some(r#"cwd="/root""#)]);
    assert_eq!(guarded(&record, "x".into()), None);
}

#[test]
fn ports_follow_the_address_they_belong_to() {
    let slots = slots(vec![
        slot("$from", "from", &[Some("203.0.113.5")]),
        slot("$port", "port", &[Some("50522")]),
        slot("$port2", "port", &[Some("22")]),
    ]);
    let mut b = builder();
    b.set("src.ip", Source::Expr("$from".into()), Why::Lexicon);
    pair_ports(&slots, &mut b);
    assert_eq!(expr(&b, "src.port"), Some("$port"));
    // The second port has no address of its own before it.
    assert_eq!(expr(&b, "dst.port"), None);
}

#[test]
fn hosts_split_per_event_when_members_differ() {
    let slots = slots(vec![slot(
        "$Computer",
        "Computer",
        &[Some("WIN10_1"), Some("Srv.Example.com")],
    )]);
    let mut b = builder();
    b.set(
        "event_src.hostname",
        Source::Expr("lower($Computer)".into()),
        Why::Lexicon,
    );
    host_split(&slots, &mut b);
    assert_eq!(
        expr(&b, "event_src.fqdn"),
        Some(r#"if find_substr($Computer, ".") != null then lower($Computer) endif"#)
    );
    assert_eq!(
        expr(&b, "event_src.hostname"),
        Some(
            r#"if find_substr($Computer, ".") != null then lower(substr($Computer, 0, find_substr($Computer, "."))) else lower($Computer) endif"#
        )
    );
}

#[test]
fn mentions_whole_names_only() {
    assert!(mentions("lower($ip)", "$ip"));
    assert!(!mentions("lower($ip2)", "$ip"));
    assert!(mentions(r#"$kv["a"]"#, r#"$kv["a"]"#));
}

#[test]
fn the_subject_is_what_its_fields_describe() {
    let mut b = given(&[("subject.account.name", "$u")]);
    subject_from_fields(&mut b);
    assert_eq!(expr(&b, "subject"), Some("account"));
    let mut b = given(&[("subject.account.name", "$u"), ("subject.process.id", "$p")]);
    subject_from_fields(&mut b);
    assert_eq!(expr(&b, "subject"), Some("account"));
    // A process whose owner is only a number acts itself.
    let mut b = given(&[("subject.account.id", "$uid"), ("subject.process.id", "$p")]);
    subject_from_fields(&mut b);
    assert_eq!(expr(&b, "subject"), Some("process"));
}

#[test]
fn windows_process_keys_and_the_services_own_process() {
    // Hand-written process-creation event: the event log's own ProcessID (System/Execution)
    // names nothing; the creator's 0x… id is read in decimal, the new process lower-cased.
    let ev = r#"{"Event":{"System":{"EventID":"4688","Channel":"Security","Computer":"pc1","Execution":{"ProcessID":"4","ThreadID":"8"},"TimeCreated":{"SystemTime":"2024-01-02T03:04:05Z"}},"EventData":{"Data":[{"Name":"SubjectUserName","text":"ann"},{"Name":"NewProcessId","text":"0x1a"},{"Name":"NewProcessName","text":"C:\\Windows\\Notepad.exe"},{"Name":"ProcessId","text":"0x10"}]}}}"#;
    let out = assign_windows("4688", ev);
    expect_fields(
        &out,
        &[
            (
                "subject.process.id",
                Some(r#"maybe_number16($Data["ProcessId"])"#),
            ),
            (
                "object.process.id",
                Some(r#"maybe_number16($Data["NewProcessId"])"#),
            ),
            (
                "object.process.fullpath",
                Some(r#"lower($Data["NewProcessName"])"#),
            ),
        ],
    );
    assert!(field_of(&out, "object.process.name").is_some());
}

#[test]
fn a_started_process_the_event_describes_is_the_object() {
    let mut b = given(&[
        ("action", "start"),
        ("object", "process"),
        ("subject.account.name", "$u"),
        ("subject.process.fullpath", "$image"),
        ("subject.process.parent.id", "$ppid"),
        ("object.process.cmdline", "$cmd"),
    ]);
    started_process_is_the_object(&mut b);
    let fields: Vec<&str> = b.fields().iter().map(|a| a.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "action",
            "object",
            "subject.account.name",
            "object.process.fullpath",
            "object.process.parent.id",
            "object.process.cmdline"
        ]
    );
    // The new process named apart: the subject's process is its creator and stays.
    let mut b = given(&[
        ("action", "start"),
        ("object", "process"),
        ("subject.process.id", "$creator"),
        ("object.process.id", "$new"),
    ]);
    started_process_is_the_object(&mut b);
    assert!(b.has("subject.process.id"));
}

#[test]
fn the_reporting_host_is_the_destination_of_a_remote_event() {
    let mut b = given(&[
        ("action", "login"),
        ("src.ip", "$addr"),
        ("event_src.hostname", "lower($host)"),
    ]);
    reporting_host_is_destination(&mut b);
    assert_eq!(
        b.get("dst.hostname").map(|a| &a.source),
        Some(&Source::Expr("lower($host)".into()))
    );
    // A destination of its own (a connection's): nothing is added.
    let mut b = given(&[
        ("action", "access"),
        ("src.ip", "$addr"),
        ("dst.ip", "$peer"),
        ("event_src.ip", "$host"),
    ]);
    reporting_host_is_destination(&mut b);
    assert!(b.get("dst.hostname").is_none());
    assert_eq!(
        b.get("dst.ip").map(|a| &a.source),
        Some(&Source::Expr("$peer".into()))
    );
}

#[test]
fn the_object_is_what_its_path_names() {
    for (value, want) in [
        ("/etc/passwd", Some("file_object")),
        ("C:\\Users\\a.txt", Some("file_object")),
        ("HKLM\\SOFTWARE\\Run", Some("reg_object")),
        ("some-name", None),
    ] {
        let s = slots(vec![slot("$p", "path", &[Some(value)])]);
        let mut b = given(&[("object.fullpath", "$p")]);
        object_from_fields(&s, &mut b);
        assert_eq!(b.constant("object"), want, "{value}");
    }
}

#[test]
fn a_domain_account_splits_into_domain_and_name() {
    let s = slots(vec![slot("$user", "User", &[Some("EXAMPLE\\alice")])]);
    let mut b = given(&[("subject.account.name", "$user")]);
    account_split(&s, &mut b);
    assert_eq!(
        b.get("subject.account.name").map(|a| &a.source),
        Some(&Source::Expr("$subject_account_parts[1]".into()))
    );
    assert_eq!(
        b.get("subject.account.domain").map(|a| &a.source),
        Some(&Source::Expr("$subject_account_parts[0]".into()))
    );
    assert_eq!(
        b.prelude(),
        ["$subject_account_parts = csv($user, \"\\\\\", \"\")"]
    );
    // A plain name stays whole.
    let s = slots(vec![slot("$user", "User", &[Some("alice")])]);
    let mut b = given(&[("subject.account.name", "$user")]);
    account_split(&s, &mut b);
    assert!(!b.has("subject.account.domain"));
}

#[test]
fn a_cef_header_states_source_msgid_importance_and_its_name() {
    let head = "TEXT = 'CEF:0|Acme Corp|Edge FW|{$v=UNTIL(\"|\")}1001|Firewall rule added|{$sev=NUMBER}|{$ext=REST}'";
    let ev =
        "CEF:0|Acme Corp|Edge FW|2.1|1001|Firewall rule added|5|suser=bob rt=Mar 10 2025 06:51:17";
    let view = ClusterView {
        kind: Kind::Cef,
        head,
        captures: &["v".into(), "sev".into(), "ext".into()],
        members: &[ev],
        identifier: None,
    };
    let out = Retrieval::new(&Kb::default()).assign(&view);
    assert_eq!(out.constant("event_src.vendor"), Some("acme_corp"));
    assert_eq!(out.constant("event_src.title"), Some("edge_fw"));
    assert_eq!(out.constant("msgid"), Some("1001"));
    assert_eq!(out.constant("action"), Some("create"));
    assert_eq!(out.constant("object"), Some("rule"));
    assert_eq!(
        field_of(&out, "importance").as_deref(),
        Some(
            r#"if number($sev) >= 7 then "high" elif number($sev) >= 4 then "medium" else "low" endif"#
        )
    );
}

#[test]
fn quotes_come_off_the_values_that_have_them() {
    let mixed = slot("$comm", "comm", &[Some("\"nano\""), Some("-")]);
    assert_eq!(slot_expr(&mixed), "strip($comm, '\"', '\"')");
    let plain = slot("$comm", "comm", &[Some("nano")]);
    assert_eq!(slot_expr(&plain), "$comm");
    // "/bin/sh\0-c" in hex beside a quoted title.
    let hex = slot(
        "$t",
        "proctitle",
        &[Some("2F62696E2F7368002D63"), Some("\"top\"")],
    );
    assert_eq!(
        slot_expr(&hex),
        r#"strip(replace(hex_to_string($t), " ", "\u0000"), '"', '"')"#
    );
    // Numbers stay numbers.
    assert!(!hex_text("12345678"));
    assert!(!hex_text("31333343"));
}

#[test]
fn a_lone_unnamed_address_is_the_source() {
    let one = slots(vec![
        slot("$host", "host", &[Some("10.9.9.9")]),
        slot("$root", "root", &[Some("203.0.113.7")]),
    ]);
    let mut b = builder();
    b.set("event_src.ip", Source::Expr("$host".into()), Why::Lexicon);
    lone_address(&one, &mut b);
    assert_eq!(expr(&b, "src.ip"), Some("$root"));
    let two = slots(vec![
        slot("$a", "a", &[Some("203.0.113.7")]),
        slot("$b", "b", &[Some("198.51.100.1")]),
    ]);
    let mut b = builder();
    lone_address(&two, &mut b);
    assert_eq!(expr(&b, "src.ip"), None);
}

#[test]
fn msgid_reads_the_identifier() {
    let slots = slots(vec![
        slot(r#"$kv0["syscall"]"#, "syscall", &[Some("59"), Some("59")]),
        slot(r#"$kv0["SYSCALL"]"#, "SYSCALL", &[Some("execve"), None]),
        slot(r#"$kv0["op"]"#, "op", &[Some("set")]),
    ]);
    let mut b = builder();
    msgid_from_identifier("members:items=USER_LOGIN", &slots, &mut b);
    assert_eq!(expr(&b, "msgid"), Some("USER_LOGIN"));
    // Pairs inside the one record do not hide its name.
    let mut b = builder();
    msgid_from_identifier(
        "members:items=CONFIG_CHANGE items.CONFIG_CHANGE.op=set",
        &slots,
        &mut b,
    );
    assert_eq!(expr(&b, "msgid"), Some("CONFIG_CHANGE"));
    // Several records: the type key, by its interpreted name where a record has one.
    let mut b = builder();
    msgid_from_identifier(
        "members:items=PATH+SYSCALL items.SYSCALL.syscall=59",
        &slots,
        &mut b,
    );
    assert_eq!(
        expr(&b, "msgid"),
        Some(r#"if $kv0["SYSCALL"] != null then $kv0["SYSCALL"] else $kv0["syscall"] endif"#)
    );
    // Another object's single member is no tag of the event's type.
    let mut b = builder();
    msgid_from_identifier(
        "members:process=thread_id members:event=exec",
        &slots,
        &mut b,
    );
    assert_eq!(expr(&b, "msgid"), None);
    // An element with attributes: its content is `text`.
    let eventid = Slot {
        parent: Some("EventID".into()),
        ..slot(r#"$EventID["text"]"#, "text", &[Some("6005")])
    };
    let qualifiers = Slot {
        parent: Some("EventID".into()),
        ..slot(r#"$EventID["Qualifiers"]"#, "Qualifiers", &[Some("32768")])
    };
    let mut b = builder();
    msgid_from_identifier(
        "EventID=EventLog/6005",
        &Slots {
            prelude: vec![],
            slots: vec![qualifiers, eventid],
        },
        &mut b,
    );
    assert_eq!(expr(&b, "msgid"), Some(r#"$EventID["text"]"#));
}

#[test]
fn audit_records_open_their_message_and_name_the_login_identity() {
    // Hand-written auditd records (JSON envelope): one with the login identity set, one
    // where it is unset and the effective user speaks.
    let a = r#"{"eventid":"71","node":"h1","items":{"ADD_USER":["pid=10 uid=0 auid=1000 ses=3 msg='op=adding user id=1001 exe=\"/usr/sbin/useradd\" hostname=h1 addr=? terminal=pts/0 res=success' UID=\"root\" AUID=\"ann\" ID=\"bob\""]}}"#;
    let b = r#"{"eventid":"72","node":"h1","items":{"ADD_USER":["pid=11 uid=0 auid=4294967295 ses=4294967295 msg='op=adding user id=1002 exe=\"/usr/sbin/useradd\" hostname=h1 addr=? terminal=pts/1 res=failed' UID=\"root\" AUID=\"unset\" ID=\"eve\""]}}"#;
    let out = assign_one(
        Kind::Json,
        "JSON = ''\nCOND = $items[\"ADD_USER\"] != null",
        "members:items=ADD_USER",
        &[a, b],
    );
    // The quoted message is opened with its own keyvalue().
    assert!(
        out.prelude
            .iter()
            .any(|p| p.contains(r#"keyvalue($kv0["msg"], " ", "=", '"')"#)),
        "{:?}",
        out.prelude
    );
    expect_fields(
        &out,
        &[
            ("subject.process.fullpath", Some(r#"$kv1["exe"]"#)),
            // auid before uid, with uid where auid is unset; the names alike.
            (
                "subject.account.id",
                Some(r#"if $kv0["auid"] != "4294967295" then $kv0["auid"] else $kv0["uid"] endif"#),
            ),
            (
                "subject.account.name",
                Some(
                    r#"if strip($kv0["AUID"], '"', '"') != "unset" then strip($kv0["AUID"], '"', '"') else strip($kv0["UID"], '"', '"') endif"#,
                ),
            ),
            // An unset session is still a session.
            ("subject.account.session_id", Some(r#"$kv0["ses"]"#)),
            // The record serial that differs per event links the records of one event.
            ("chain_id", Some("$eventid")),
            // useradd runs as root: the privileges the actor acted with.
            ("subject.account.privileges", Some(r#"$kv0["uid"]"#)),
            // The record type reports the act, and is the msgid.
            ("action", Some("create")),
            ("object", Some("account")),
            ("msgid", Some("ADD_USER")),
            // The envelope's node names the reporting machine before the record's
            // `hostname=h1 addr=?` (a local session: the same machine) does.
            ("event_src.hostname", Some("lower($node)")),
            (
                "src.hostname",
                Some(
                    r#"if maybe_ipv4($kv1["hostname"]) == null and maybe_ipv6($kv1["hostname"]) == null and $kv1["hostname"] != "?" and (maybe_ipv4($kv1["addr"]) != null or maybe_ipv6($kv1["addr"]) != null) then lower($kv1["hostname"]) endif"#,
                ),
            ),
        ],
    );
}

#[test]
fn socket_calls_decode_their_address_by_the_calls_direction() {
    let ev = |call: &str, saddr: &str| {
        format!(
            r#"{{"items": {{"SOCKADDR": ["saddr={saddr}"], "SYSCALL": ["arch=c000003e syscall={call} success=yes exit=0 pid=7 uid=0 auid=0 ses=1 comm=\"nc\" exe=\"/usr/bin/nc\""]}}}}"#
        )
    };
    // The engine on one event of one call, run on that event.
    let run = |call: &str, saddr: &str| {
        let raw = ev(call, saddr);
        let out = assign_one(
            Kind::Json,
            "JSON = ''\nCOND = $items[\"SOCKADDR\"] != null",
            &format!("members:items=SOCKADDR+SYSCALL items.SYSCALL.syscall={call}"),
            &[raw.as_str()],
        );
        run_assignment(&out, &raw)
    };
    // connect(2) to 10.0.52.101:53.
    let got = run("42", "020000350A0034650000000000000000");
    assert_eq!(got.get("dst.ip").map(String::as_str), Some("10.0.52.101"));
    assert_eq!(got.get("dst.port").map(String::as_str), Some("53"));
    // accept4(2) from ::ffff:3.100.200.200 port 38000: the source.
    let got = run(
        "288",
        "0A0094700000000000000000000000000000FFFF0364C8C800000000",
    );
    assert_eq!(got.get("src.ip").map(String::as_str), Some("3.100.200.200"));
    assert_eq!(got.get("src.port").map(String::as_str), Some("38000"));
    assert_eq!(got.get("dst.ip"), None);
}

#[test]
fn account_management_names_the_account_acted_on() {
    let a = r#"{"items":{"DEL_USER":["pid=5 uid=0 auid=1000 ses=2 msg='op=deleting user acct=\"bob\" id=1002 exe=\"/usr/sbin/userdel\" hostname=h addr=? terminal=pts/0 res=success' UID=\"root\" AUID=\"ann\""]}}"#;
    let out = assign_one(
        Kind::Json,
        "JSON = ''\nCOND = $items[\"DEL_USER\"] != null",
        "members:items=DEL_USER",
        &[a],
    );
    let got = run_assignment(&out, a);
    assert_eq!(got.get("action").map(String::as_str), Some("remove"));
    assert_eq!(got.get("object").map(String::as_str), Some("account"));
    assert_eq!(
        got.get("object.account.name").map(String::as_str),
        Some("bob")
    );
    assert_eq!(
        got.get("object.account.id").map(String::as_str),
        Some("1002")
    );
    assert_eq!(
        got.get("subject.account.name").map(String::as_str),
        Some("ann")
    );
}

#[test]
fn a_pam_login_names_the_user_and_the_service_as_the_object_side() {
    let a = r#"{"eventid":"80","node":"h1","items":{"COMMENT":["note"],"CRED_ACQ":["pid=20 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:setcred acct=\"jr\" exe=\"/usr/sbin/sshd\" hostname=10.0.0.9 addr=10.0.0.9 terminal=ssh res=success' UID=\"root\" AUID=\"unset\""]}}"#;
    let b = r#"{"eventid":"81","node":"h1","items":{"COMMENT":["note"],"CRED_ACQ":["pid=21 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:setcred acct=\"ann\" exe=\"/usr/sbin/sshd\" hostname=10.0.0.7 addr=10.0.0.7 terminal=ssh res=success' UID=\"root\" AUID=\"unset\""]}}"#;
    let out = assign_one(
        Kind::Json,
        "JSON = ''\nCOND = $items[\"CRED_ACQ\"] != null",
        "members:items=COMMENT+CRED_ACQ",
        &[a, b],
    );
    expect_fields(
        &out,
        &[
            ("action", Some("login")),
            ("object", Some("system")),
            // The collector's comment is no record type.
            ("msgid", Some("CRED_ACQ")),
            ("object.process.fullpath", Some(r#"$kv1["exe"]"#)),
            ("subject.process.fullpath", None),
            // sshd's root is not the privileges, the name or the id of the user
            // logging in: `acct` names them, the login identity is unset.
            ("subject.account.privileges", None),
            ("subject.account.name", Some(r#"$kv1["acct"]"#)),
            ("subject.account.id", None),
        ],
    );
}

#[test]
fn a_pam_stage_before_the_session_is_ongoing_and_su_elevates_per_event() {
    let rec = |ty: &str, op: &str, exe: &str, res: &str| {
        format!(
            r#"{{"eventid":"9","node":"h1","items":{{"{ty}":["pid=20 uid=0 auid=1000 ses=3 msg='op={op} acct=\"jr\" exe=\"{exe}\" hostname=? addr=? terminal=pts/1 res={res}'"]}}}}"#
        )
    };
    let members = [
        rec(
            "USER_AUTH",
            "PAM:authentication",
            "/usr/sbin/sshd",
            "success",
        ),
        rec("USER_AUTH", "PAM:authentication", "/usr/bin/su", "success"),
        rec("USER_AUTH", "PAM:authentication", "/usr/bin/sudo", "failed"),
    ];
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let out = assign_one(
        Kind::Json,
        "JSON = ''\nCOND = $items[\"USER_AUTH\"] != null",
        "members:items=USER_AUTH",
        &refs,
    );
    let read = |i: usize| run_assignment(&out, &members[i]);
    // sshd's authentication is a step of a login still under way; su's raises the user.
    assert_eq!(read(0)["status"], "ongoing", "{out:#?}");
    assert_eq!(read(0)["action"], "login");
    assert_eq!(read(1)["action"], "elevate");
    assert_eq!(read(1)["object"], "account");
    assert_eq!(read(2)["status"], "failure");
    // The session itself is no pre-session stage.
    let start = rec(
        "USER_START",
        "PAM:session_open",
        "/usr/sbin/sshd",
        "success",
    );
    let out = assign_one(
        Kind::Json,
        "JSON = ''\nCOND = $items[\"USER_START\"] != null",
        "members:items=USER_START",
        &[start.as_str()],
    );
    assert_eq!(run_assignment(&out, &start)["status"], "success");
}

#[test]
fn an_account_tool_states_its_act_where_the_record_reports_an_access_check() {
    let rec = |op: &str, exe: &str| {
        format!(
            r#"{{"eventid":"9","node":"h1","items":{{"USER_ACCT":["pid=20 uid=0 auid=1000 ses=3 msg='op={op} acct=\"jr\" exe=\"{exe}\" hostname=? addr=? terminal=pts/1 res=success'"]}}}}"#
        )
    };
    let members = [
        rec("PAM:accounting", "/usr/sbin/sshd"),
        rec("modifying group", "/usr/sbin/groupmod"),
    ];
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let out = assign_one(
        Kind::Json,
        "JSON = ''\nCOND = $items[\"USER_ACCT\"] != null",
        "members:items=USER_ACCT",
        &refs,
    );
    let (sshd, groupmod) = (
        run_assignment(&out, &members[0]),
        run_assignment(&out, &members[1]),
    );
    assert_eq!(groupmod["action"], "modify", "{out:#?}");
    assert_eq!(groupmod["object"], "user_group");
    assert_ne!(sshd["action"], "modify");
    assert_eq!(sshd["status"], "ongoing");
    assert_eq!(groupmod["status"], "success");
}

#[test]
fn a_host_key_holding_addresses_and_names_splits_per_event() {
    let s = slot("$node", "node", &[Some("10.0.0.5"), Some("web1"), None]);
    let mut b = builder();
    host_or_address(&s, &mut b);
    let name = "maybe_ipv4($node) == null and maybe_ipv6($node) == null";
    assert_eq!(
        expr(&b, "event_src.ip"),
        Some(format!("if not ({name}) then $node endif").as_str())
    );
    assert_eq!(
        expr(&b, "event_src.hostname"),
        Some(format!("if {name} then lower($node) endif").as_str())
    );
    // Only addresses, or only names: the plain lexicon decides.
    let mut b = builder();
    host_or_address(&slot("$node", "node", &[Some("web1")]), &mut b);
    assert_eq!(expr(&b, "event_src.ip"), None);
}

#[test]
fn well_known_keys_of_unseen_sources_name_their_fields() {
    let ev = r#"{"TargetFilename": "C:\\tmp\\a.txt", "bytes_in": 10, "bytes_out": 20, "dvc": "10.0.0.9", "dvchost": "FW1", "FailureReason": "bad password", "LogonProcessName": "User32"}"#;
    let view = ClusterView {
        kind: Kind::Json,
        head: "JSON = ''\n",
        captures: &[],
        members: &[ev],
        identifier: None,
    };
    let out = Retrieval::new(&Kb::default()).assign(&view);
    expect_fields(
        &out,
        &[
            ("object.fullpath", Some("$TargetFilename")),
            ("count.bytes_in", Some("$bytes_in")),
            ("count.bytes_out", Some("$bytes_out")),
            ("event_src.ip", Some("$dvc")),
            ("event_src.hostname", Some("lower($dvchost)")),
            ("reason", Some("$FailureReason")),
            ("logon_service", Some("$LogonProcessName")),
        ],
    );
}

#[test]
fn an_object_every_source_agrees_on_outweighs_the_words() {
    let rule = |i: usize, object: &str| KbRule {
        dir: format!("src{i}/rule").into(),
        source: format!("src{i}").into(),
        kind: Kind::Json,
        rule: None,
        keys: BTreeSet::new(),
        constants: [
            ("action".to_string(), "login".to_string()),
            ("object".to_string(), object.to_string()),
        ]
        .into(),
        aligned: Default::default(),
        seen: Default::default(),
    };
    let agreeing = |n: usize| (0..n).map(|i| rule(i, "system")).collect::<Vec<_>>();
    let kb = Kb::from_rules(agreeing(5));
    assert_eq!(kb.agreed_object("login").as_deref(), Some("system"));
    assert_eq!(kb.agreed_object("logout"), None);
    assert_eq!(Kb::from_rules(agreeing(4)).agreed_object("login"), None);
    let mut split = agreeing(5);
    split.push(rule(9, "account"));
    assert_eq!(Kb::from_rules(split).agreed_object("login"), None);
    // `USER_LOGIN` says "user" (an account), the KB says a login is into the system.
    let view = ClusterView {
        kind: Kind::Json,
        head: "JSON = ''\nCOND = $type == \"USER_LOGIN\"\n",
        captures: &[],
        members: &[r#"{"type": "USER_LOGIN", "acct": "ann"}"#],
        identifier: Some("type=USER_LOGIN"),
    };
    let out = Retrieval::new(&kb).assign(&view);
    assert_eq!(out.constant("action"), Some("login"));
    assert_eq!(out.constant("object"), Some("system"));
    // Without a KB the verb still names its own object (`login`: into the system).
    let out = Retrieval::new(&Kb::default()).assign(&view);
    assert_eq!(out.constant("object"), Some("system"));
}

#[test]
fn a_type_named_for_its_outcome_states_the_status() {
    let members = [r#"{"event": "login_failed", "user": "ann", "error": null}"#];
    let view = ClusterView {
        kind: Kind::Json,
        head: "JSON = ''\nCOND = $event == \"login_failed\" and $error == null\n",
        captures: &[],
        members: &members,
        identifier: Some("event=login_failed"),
    };
    let out = Retrieval::new(&Kb::default()).assign(&view);
    assert_eq!(out.constant("status"), Some("failure"));
    // A key that is absent says nothing: the default stands.
    let view = ClusterView {
        head: "JSON = ''\nCOND = $event == \"login\" and $error == null\n",
        identifier: Some("event=login"),
        ..view
    };
    let out = Retrieval::new(&Kb::default()).assign(&view);
    assert_eq!(out.constant("status"), Some("success"));
}

#[test]
fn in_a_logon_event_the_target_account_is_the_subject() {
    // Hand-written logon: the machine account reports, the target user logs on.
    let ev = r#"{"Event":{"System":{"EventID":"4624","Channel":"Security","Computer":"pc1"},"EventData":{"Data":[{"Name":"SubjectUserName","text":"PC1$"},{"Name":"TargetUserName","text":"Ann"},{"Name":"TargetLogonId","text":"0x10"},{"Name":"LogonType","text":"3"}]}}}"#;
    let out = assign_windows("4624", ev);
    expect_fields(
        &out,
        &[
            (
                "subject.account.name",
                Some(r#"lower($Data["TargetUserName"])"#),
            ),
            (
                "subject.account.session_id",
                Some(r#"maybe_number16($Data["TargetLogonId"])"#),
            ),
            ("object.account.name", None),
        ],
    );
    // Another source's rules taught `SubjectUserName → subject.account.name`: in a logon
    // the target still names the subject, whole.
    let taught = KbRule {
        dir: "other/rule".into(),
        source: "other".into(),
        kind: Kind::Eventlog,
        rule: None,
        keys: BTreeSet::new(),
        constants: BTreeMap::new(),
        aligned: [(
            (
                "SubjectUserName".to_string(),
                "subject.account.name".to_string(),
                Transform::Lower,
            ),
            5,
        )]
        .into(),
        seen: [("SubjectUserName".to_string(), 5)].into(),
    };
    let kb = Kb::from_rules(vec![taught]);
    let head = "EVENTLOG = 'EventID=\"4624\"'";
    let view = ClusterView {
        kind: Kind::Eventlog,
        head,
        captures: &[],
        members: &[ev],
        identifier: Some("EventID=4624"),
    };
    let out = Retrieval::new(&kb).assign(&view);
    expect_fields(
        &out,
        &[(
            "subject.account.name",
            Some(r#"lower($Data["TargetUserName"])"#),
        )],
    );
}
