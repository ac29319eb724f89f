//! The review workbench's endpoints over HTTP, as the web page uses them: the rules table paged
//! and filtered, a rule with its events (parts and normalized values) and its description, the
//! knowledge-base view, an edit refused and an edit kept (tests made anew), the accepted subset
//! as an archive with `review.md`, and a revert.

use std::collections::BTreeMap;
use std::io::Read;

use normforge_tests::http::{call, config, submit, wait_done};
use normforge_tests::{workspace_root, TestServer as Server};
use serde_json::json;

fn archive(s: &Server, path: &str) -> BTreeMap<String, String> {
    let resp = s.get(path).call().unwrap();
    let mut bytes = Vec::new();
    resp.into_reader().read_to_end(&mut bytes).unwrap();
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    let mut files = BTreeMap::new();
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut text = String::new();
        e.read_to_string(&mut text).unwrap();
        files.insert(name, text);
    }
    files
}

#[test]
fn a_job_is_reviewed_edited_and_accepted_through_the_api() {
    let s = Server::start(service::Config {
        kb: vec![workspace_root().join("knowledge-base")],
        ..config()
    });
    let log = std::fs::read_to_string(workspace_root().join("eval/samples/mixed.log")).unwrap();
    let (st, v) = submit(&s, log.as_bytes(), "name=mixed.log");
    assert_eq!(st, 202, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let done = wait_done(&s, &id);
    let packages = done["result"]["packages"].as_u64().unwrap();
    let jobs = format!("/v1/jobs/{id}");

    // The table, a page at a time, and filtered.
    let (st, p1) = call(s.get(&format!("{jobs}/rules?limit=10")).call());
    assert_eq!(st, 200, "{p1}");
    assert_eq!(p1["total"].as_u64(), Some(packages));
    assert_eq!(p1["rows"].as_array().unwrap().len(), 10);
    let (_, p2) = call(s.get(&format!("{jobs}/rules?offset=10&limit=10")).call());
    assert_eq!(p2["rows"][0]["n"], 10, "{p2}");
    let (_, json_rules) = call(s.get(&format!("{jobs}/rules?q=JSON&limit=500")).call());
    let rows = json_rules["rows"].as_array().unwrap();
    assert!(!rows.is_empty() && (rows.len() as u64) < packages);
    assert!(
        rows.iter()
            .all(|r| r["kind"] == "JSON"
                || r["dir"].as_str().unwrap().to_lowercase().contains("json"))
    );
    // The sample's sshd events are the knowledge base's sshd rules' events: the table says so.
    let (_, sshd) = call(s.get(&format!("{jobs}/rules?q=Failed_password")).call());
    let dup = &sshd["rows"][0]["in_kb"];
    assert!(dup["id"].as_str().unwrap().contains("sshd"), "{sshd}");
    assert!(dup["events"].as_u64().unwrap() > 0, "{sshd}");
    assert!(json_rules["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["in_kb"].is_null()));
    let (st, e) = call(s.get(&format!("{jobs}/rules?limit=x")).call());
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (400, Some("bad_option")),
        "{e}"
    );

    // The KEYVALUE traffic rule: its events in parts, the values, the text.
    let (_, found) = call(
        s.get(&format!("{jobs}/rules?q=traffic_forward_accept"))
            .call(),
    );
    let row = found["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["dir"]
                .as_str()
                .unwrap()
                .ends_with("/traffic_forward_accept")
        })
        .unwrap()
        .clone();
    let n = row["n"].as_u64().unwrap();
    let (st, view) = call(s.get(&format!("{jobs}/rules/{n}?limit=2")).call());
    assert_eq!(st, 200, "{view}");
    assert_eq!(view["members"]["total"], row["events"], "{view}");
    let events = view["members"]["rows"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    let first = &events[0];
    let text: String = first["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    let line = first["line"].as_u64().unwrap() as usize;
    assert_eq!(
        text,
        log.lines().nth(line - 1).unwrap(),
        "the parts are the event"
    );
    assert!(first["parts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["kind"] == "capture" && p["name"] == "$kv"));
    assert_eq!(first["fields"]["src.ip"], "198.51.100.23", "{first}");
    assert!(view["columns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "dst.port"));
    assert!(view["head"].as_str().unwrap().starts_with("TEXT = "));
    let en = view["description"]["en"].as_str().unwrap();
    assert!(en.contains("198.51.100.23"), "{en}");
    let (st, e) = call(s.get(&format!("{jobs}/rules/{packages}")).call());
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (404, Some("no_rule")),
        "{e}"
    );

    // The knowledge bases' view.
    let (st, kb) = call(s.get(&format!("{jobs}/rules/{n}/kb")).call());
    assert_eq!(st, 200, "{kb}");
    assert!(!kb["nearest"].as_array().unwrap().is_empty(), "{kb}");
    assert_eq!(kb["sample"], row["events"], "{kb}");
    assert_eq!(kb["problems"], json!([]), "{kb}");

    // An edit that does not compile, then one that misses events: neither is kept.
    let formula = view["formula"].as_str().unwrap().to_string();
    let edit = |f: &str| {
        call(
            s.request("PUT", &format!("{jobs}/rules/{n}/formula"))
                .send_json(json!({ "formula": f })),
        )
    };
    let (st, r) = edit(&formula.replace("\nprotocol = ", "\nprotocol = = "));
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["valid"], false);
    let bad_line = formula
        .lines()
        .position(|l| l.starts_with("protocol = "))
        .unwrap()
        + 1;
    assert_eq!(r["diagnostics"][0]["line"], bad_line, "{r}");
    let (_, r) = edit(&formula.replace("action\"] == \"accept\"", "action\"] == \"deny\""));
    assert_eq!(r["valid"], false, "{r}");
    assert_eq!(r["matched"], 0, "{r}");
    assert!(!r["failures"].as_array().unwrap().is_empty(), "{r}");
    let (_, t) = call(
        s.get(&format!("{jobs}/rules?q=traffic_forward_accept"))
            .call(),
    );
    assert!(t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["edited"] == false));

    // A mapping edit: kept, its tests made anew, the diff shown, the row marked.
    let edited = formula.replace("\nevent_src.hostname = ", "\nevent_src.host = ");
    let (_, r) = edit(&edited);
    assert_eq!(r["valid"], true, "{r}");
    assert_eq!(r["matched"], row["events"]);
    let diff = r["diff"].as_str().unwrap();
    assert!(
        diff.contains("+event_src.host = ") && diff.contains("norm_1.js"),
        "{diff}"
    );
    let (_, v2) = call(s.get(&format!("{jobs}/rules/{n}?limit=1")).call());
    assert_eq!(v2["edited"], true);
    assert_eq!(v2["formula"], edited.as_str());
    assert_eq!(v2["members"]["rows"][0]["fields"]["event_src.host"], "fw01");

    // The accepted subset: the edited rule and rule 0 (or 1), by number, id and folder.
    let other = if n == 0 { 1 } else { 0 };
    let (_, o) = call(
        s.get(&format!("{jobs}/rules?offset={other}&limit=1"))
            .call(),
    );
    let other_dir = o["rows"][0]["dir"].as_str().unwrap().to_string();
    let dir = row["dir"].as_str().unwrap();
    let files = archive(
        &s,
        &format!(
            "{jobs}/package?rules={n},{}",
            o["rows"][0]["id"].as_str().unwrap()
        ),
    );
    for f in files.keys() {
        assert!(
            f.starts_with(&format!("{dir}/"))
                || f.starts_with(&format!("{other_dir}/"))
                || ["report.json", "summary.md", "review.md"].contains(&f.as_str()),
            "{f}"
        );
    }
    assert_eq!(files[&format!("{dir}/formula.xp")], edited);
    assert!(files[&format!("{dir}/tests/norm_1.js")].contains("\"event_src.host\": \"fw01\""));
    assert!(files.contains_key(&format!("{other_dir}/formula.xp")));
    let review = &files["review.md"];
    assert!(
        review.contains("Accepted 2 of ") && review.contains("1 edited"),
        "{review}"
    );
    let (st, e) = call(s.get(&format!("{jobs}/package?rules=nope")).call());
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (400, Some("no_rule")),
        "{e}"
    );

    // Back to the generated rule: the whole archive is the generated tree again.
    let (st, r) = call(
        s.request("DELETE", &format!("{jobs}/rules/{n}/formula"))
            .call(),
    );
    assert_eq!((st, r["reverted"].as_bool()), (200, Some(true)), "{r}");
    let all = archive(&s, &format!("{jobs}/package"));
    assert!(!all.contains_key("review.md"));
    assert_eq!(all[&format!("{dir}/formula.xp")], formula);
}
