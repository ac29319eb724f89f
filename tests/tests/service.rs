//! The HTTP service on loopback, driven by a real HTTP client: submit a log, poll, download and
//! unpack the package, validate it; the limits (body size, queue, timeout, expiry) and the
//! one-rule endpoints; 50 concurrent submissions with nothing lost.

use std::path::Path;
use std::time::Duration;

use normforge_tests::http::{
    agent, big_log, call, config, download_and_validate, submit, wait_done,
};
use normforge_tests::{shared_dir, workspace_root, TestServer as Server};
use serde_json::{json, Value};

fn round_trip(s: &Server, log: &Path) {
    let bytes = std::fs::read(log).unwrap();
    let (st, v) = submit(s, &bytes, "name=sample.log");
    assert_eq!(st, 202, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let done = wait_done(s, &id);
    assert_eq!(done["status"], "done", "{done}");
    let result = &done["result"];
    assert_eq!(result["events_normalized"], result["events"], "{result}");
    let rules = download_and_validate(s, &id, 2024);
    assert_eq!(Some(rules as u64), result["packages"].as_u64());
    // One file of the package, as the web page shows it.
    let dir = result["rules"][0]["dir"].as_str().unwrap();
    let formula = s
        .get(&format!("/v1/jobs/{id}/file/{dir}/formula.xp"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(formula.contains("\nid = "), "{formula}");
    // Explain one of its events with the job's rules.
    let raw = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .unwrap()
        .to_string();
    let (st, e) = call(
        s.post("/v1/explain")
            .send_json(json!({"raw": raw, "job": id, "lang": "en"})),
    );
    assert_eq!(st, 200, "{e}");
    assert!(e["rule"].is_string() && e["fields"].is_object(), "{e}");
    assert!(e["description"].is_string(), "{e}");
    let (st, e) = call(
        s.post("/v1/explain")
            .send_json(json!({"raw": "nothing like it", "job": id})),
    );
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (422, Some("no_match")),
        "{e}"
    );
    let (st, e) = call(s.post("/v1/explain").send_json(json!({"raw": raw})));
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (400, Some("no_rules")),
        "{e}"
    );
}

#[test]
fn a_submitted_log_comes_back_as_validating_packages() {
    let s = Server::start(config());
    let (st, v) = call(s.get("/healthz").call());
    assert_eq!((st, v["status"].as_str()), (200, Some("ok")));
    round_trip(&s, &workspace_root().join("eval/samples/sshd.log"));
    if let Some(shared) = shared_dir("service: OpenSSH sample") {
        round_trip(&s, &shared.join("loghub/OpenSSH/OpenSSH_2k.log"));
    }
    // Multipart upload (what a browser form sends) works the same.
    let log = std::fs::read(workspace_root().join("eval/samples/mixed.log")).unwrap();
    let boundary = "XnormforgeX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"log\"; filename=\"mixed.log\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&log);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let (st, v) = call(
        s.post("/v1/jobs?name=mixed.log")
            .set(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .send_bytes(&body),
    );
    assert_eq!(st, 202, "{v}");
    let done = wait_done(&s, v["id"].as_str().unwrap());
    assert_eq!(done["status"], "done", "{done}");
    assert!(done["result"]["packages"].as_u64().unwrap() > 5, "{done}");
}

#[test]
fn bad_requests_get_json_errors_with_codes() {
    let s = Server::start(service::Config {
        max_body: 1000,
        ..config()
    });
    let (st, v) = submit(&s, b"", "");
    assert_eq!((st, v["error"]["code"].as_str()), (400, Some("empty_log")));
    let (st, v) = submit(&s, &[b'x'; 5000], "");
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (413, Some("too_large")),
        "{v}"
    );
    let (st, v) = submit(&s, b"a line\n", "bogus=1");
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("bad_option")),
        "{v}"
    );
    let (st, v) = call(s.get("/v1/jobs/nope").call());
    assert_eq!((st, v["error"]["code"].as_str()), (404, Some("not_found")));
    let (st, v) = call(s.get("/v1/jobs/nope/package").call());
    assert_eq!(st, 404, "{v}");
    let (st, _) = call(s.get("/no/such/endpoint").call());
    assert_eq!(st, 404);
    // One rule on one event.
    let formula = "TEXT = '{$user=WORD} logged in'\nsubject.account.name = $user\naction = \"login\"\nid = \"t\"\n";
    let (st, v) = call(
        s.post("/v1/normalize")
            .send_json(json!({"formula": formula, "raw": "alice logged in"})),
    );
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["fields"]["subject.account.name"], "alice");
    let (st, v) = call(
        s.post("/v1/normalize")
            .send_json(json!({"formula": formula, "raw": "something else"})),
    );
    assert_eq!((st, v["matched"].as_bool()), (200, Some(false)), "{v}");
    let expected = json!({"subject.account.name": "alice", "action": "login", "id": "t"});
    let (st, v) = call(
        s.post("/v1/validate")
            .send_json(json!({"formula": formula, "raw": "alice logged in", "expected": expected})),
    );
    assert_eq!((st, v["passed"].as_bool()), (200, Some(true)), "{v}");
    let wrong = json!({"subject.account.name": "bob", "action": "login", "id": "t"});
    let (st, v) = call(
        s.post("/v1/validate")
            .send_json(json!({"formula": formula, "raw": "alice logged in", "expected": wrong})),
    );
    assert_eq!((st, v["passed"].as_bool()), (200, Some(false)), "{v}");
    assert!(v["diff"].as_str().unwrap().contains("bob"), "{v}");
    let (st, v) = call(
        s.post("/v1/normalize")
            .send_json(json!({"formula": "TEXT = ", "raw": "x"})),
    );
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (422, Some("formula")),
        "{v}"
    );
    assert!(
        v["error"]["message"].as_str().unwrap().contains("XP0"),
        "{v}"
    );
    let (st, v) = call(
        s.post("/v1/normalize")
            .set("Content-Type", "application/json")
            .send_string("{not json"),
    );
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("bad_json")),
        "{v}"
    );
}

#[test]
fn a_job_over_its_time_fails_with_timeout_and_finished_jobs_expire() {
    let s = Server::start(service::Config {
        job_timeout: Duration::from_millis(1),
        ttl: Duration::from_millis(400),
        ..config()
    });
    let (st, v) = submit(&s, &big_log(40_000), "name=big.log");
    assert_eq!(st, 202, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let v = wait_done(&s, &id);
    assert_eq!(v["status"], "failed", "{v}");
    assert_eq!(v["error"]["code"], "timeout", "{v}");
    let (st, v) = call(s.get(&format!("/v1/jobs/{id}/package")).call());
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (409, Some("job_failed")),
        "{v}"
    );
    // Gone after its time to live.
    std::thread::sleep(Duration::from_millis(1500));
    let (st, _) = call(s.get(&format!("/v1/jobs/{id}")).call());
    assert_eq!(st, 404);
}

#[test]
fn fifty_concurrent_submissions_complete_or_are_refused_and_none_is_lost() {
    let s = Server::start(service::Config {
        max_queued: 8,
        max_running: 1,
        ..config()
    });
    let log = std::fs::read(workspace_root().join("eval/samples/sshd.log")).unwrap();
    let outcomes: Vec<(u16, Value)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let (s, log) = (&s, &log);
                sc.spawn(move || submit(s, log, &format!("name=load{i}.log")))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let accepted: Vec<String> = outcomes
        .iter()
        .filter(|(st, _)| *st == 202)
        .map(|(_, v)| v["id"].as_str().unwrap().to_string())
        .collect();
    let refused = outcomes
        .iter()
        .filter(|(st, v)| (*st == 429 || *st == 503) && v["error"]["code"].as_str().is_some())
        .count();
    assert_eq!(accepted.len() + refused, 50, "{outcomes:?}");
    assert!(!accepted.is_empty());
    let ids: std::collections::BTreeSet<&String> = accepted.iter().collect();
    assert_eq!(ids.len(), accepted.len(), "job ids are unique");
    for id in &accepted {
        let v = wait_done(&s, id);
        assert_eq!(v["status"], "done", "{v}");
    }
    // Every accepted job's package is there and validates.
    download_and_validate(&s, &accepted[accepted.len() - 1], 2024);
    let (_, h) = call(s.get("/healthz").call());
    assert_eq!(
        (h["queued"].as_u64(), h["running"].as_u64()),
        (Some(0), Some(0)),
        "{h}"
    );
}

#[test]
fn only_callers_with_the_token_and_an_allowed_host_get_in() {
    let s = Server::start(config());
    let plain = |method: &str, path: &str| agent().request(method, &s.url(path));
    // Open: the page and the health check.
    assert_eq!(call(plain("GET", "/healthz").call()).0, 200);
    assert_eq!(plain("GET", "/").call().unwrap().status(), 200);
    // Everything under /v1/ wants the token.
    for (method, path) in [
        ("POST", "/v1/jobs"),
        ("GET", "/v1/jobs/x"),
        ("POST", "/v1/normalize"),
    ] {
        let (st, v) = call(plain(method, path).send_bytes(b"a line\n"));
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (401, Some("unauthorized")),
            "{path}: {v}"
        );
        let (st, _) = call(
            plain(method, path)
                .set("Authorization", "Bearer wrong-token-0123456789abcde")
                .send_bytes(b"a line\n"),
        );
        assert_eq!(st, 401, "{path}");
    }
    // A Host that is not this service's (DNS rebinding), even with the token.
    for host in ["evil.example", "evil.example:80", "localhost"] {
        let (st, v) = call(s.get("/v1/jobs/x").set("Host", host).call());
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (403, Some("bad_host")),
            "{host}: {v}"
        );
        let (st, _) = call(plain("GET", "/healthz").set("Host", host).call());
        assert_eq!(st, 403, "{host}");
    }
    let port = s.addr.port();
    let (st, _) = call(
        s.get("/v1/jobs/x")
            .set("Host", &format!("localhost:{port}"))
            .call(),
    );
    assert_eq!(st, 404);
    // With the token a job is accepted; its id is 128 random bits.
    let (st, v) = submit(&s, b"Jan  1 00:00:00 h app: started\n", "");
    assert_eq!(st, 202, "{v}");
    let id = v["id"].as_str().unwrap();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    // No CORS: a preflight gets no Access-Control-Allow-* headers.
    let r = plain("OPTIONS", "/v1/jobs")
        .set("Origin", "http://evil.example")
        .set("Access-Control-Request-Method", "POST")
        .call();
    let r = match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    assert!(
        r.headers_names()
            .iter()
            .all(|h| !h.starts_with("access-control")),
        "{:?}",
        r.headers_names()
    );
}

#[test]
fn without_a_token_a_state_change_needs_the_custom_header_and_this_site() {
    let s = Server::start(service::Config {
        auth: service::access::Auth::LoopbackWithoutToken,
        ..config()
    });
    let plain = |path: &str| agent().post(&s.url(path));
    // What any web page can send: a cross-origin text/plain form post.
    let (st, v) = call(
        plain("/v1/jobs")
            .set("Content-Type", "text/plain")
            .set("Origin", "http://evil.example")
            .set("Sec-Fetch-Site", "cross-site")
            .send_bytes(b"a line\n"),
    );
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (403, Some("missing_header")),
        "{v}"
    );
    // The header from another site is refused too.
    for (k, v) in [
        ("Origin", "http://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Origin", "null"),
    ] {
        let (st, body) = call(
            plain("/v1/jobs")
                .set("X-Normforge", "1")
                .set(k, v)
                .send_bytes(b"a line\n"),
        );
        assert_eq!(
            (st, body["error"]["code"].as_str()),
            (403, Some("cross_site")),
            "{k}: {v}"
        );
    }
    // The page's own request gets in; reading needs no header.
    let origin = format!("http://{}", s.addr);
    let (st, v) = call(
        plain("/v1/jobs")
            .set("X-Normforge", "1")
            .set("Origin", &origin)
            .set("Sec-Fetch-Site", "same-origin")
            .send_bytes(b"Jan  1 00:00:00 h app: started\n"),
    );
    assert_eq!(st, 202, "{v}");
    let id = v["id"].as_str().unwrap();
    assert_eq!(
        call(agent().get(&s.url(&format!("/v1/jobs/{id}"))).call()).0,
        200
    );
}

#[test]
fn a_compressed_log_is_read_and_an_unknown_encoding_is_refused() {
    use std::io::Write;
    let s = Server::start(config());
    let log = std::fs::read(workspace_root().join("eval/samples/vpn.log")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&log).unwrap();
    let gz = gz.finish().unwrap();
    let (st, v) = call(
        s.post("/v1/jobs?name=vpn.log")
            .set("Content-Encoding", "gzip")
            .send_bytes(&gz),
    );
    assert_eq!(st, 202, "{v}");
    let v = wait_done(&s, v["id"].as_str().unwrap());
    assert_eq!(v["status"], "done", "{v}");
    assert_eq!(v["bytes"].as_u64(), Some(log.len() as u64), "{v}");
    assert!(v["result"]["events"].as_u64().unwrap() > 10, "{v}");
    let (st, v) = call(
        s.post("/v1/jobs")
            .set("Content-Encoding", "br")
            .send_bytes(&gz),
    );
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (415, Some("unsupported_encoding")),
        "{v}"
    );
}

/// Whether the server closes `s` (read gives end of file or an error) within `within`.
fn closed_within(s: &mut std::net::TcpStream, within: Duration) -> bool {
    use std::io::Read;
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            // A response (408/400) before the close is fine; keep reading.
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// A service that keeps 4 connections open at most, with `timeout` for heads and bodies.
fn capped(timeout: Duration) -> Server {
    Server::start(service::Config {
        connections: service::listen::ConnLimits {
            max_connections: 4,
            header_timeout: timeout,
            body_timeout: timeout,
        },
        ..config()
    })
}

#[test]
fn idle_slow_and_stalled_connections_are_closed_and_open_ones_are_capped() {
    use std::io::Write;
    let s = capped(Duration::from_millis(400));
    let connect = || std::net::TcpStream::connect(s.addr).unwrap();
    // Idle: nothing sent.
    let mut idle = connect();
    assert!(
        closed_within(&mut idle, Duration::from_secs(10)),
        "an idle connection stays open"
    );
    // A head sent a byte at a time, slower than the timeout allows in all.
    let mut slow = connect();
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nX-Slow: {}\r\n\r\n",
        s.addr,
        "a".repeat(40)
    );
    let mut cut = false;
    for b in head.bytes() {
        if slow.write_all(&[b]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    assert!(
        cut || closed_within(&mut slow, Duration::from_secs(10)),
        "a slow head is served"
    );
    // A body that stops coming.
    let mut stalled = connect();
    let head = format!(
        "POST /v1/normalize HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nX-Normforge: 1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"formula\":",
        s.addr,
        normforge_tests::TEST_TOKEN
    );
    stalled.write_all(head.as_bytes()).unwrap();
    assert!(
        closed_within(&mut stalled, Duration::from_secs(10)),
        "a stalled body is held"
    );
    // Four connections held open (each has sent part of a request head, well within the
    // timeout); a fifth is not served until one of them goes.
    let s = capped(Duration::from_secs(60));
    let connect = || std::net::TcpStream::connect(s.addr).unwrap();
    let held: Vec<std::net::TcpStream> = (0..4)
        .map(|_| {
            let mut c = connect();
            c.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(50));
    let mut fifth = connect();
    fifth
        .write_all(format!("GET /healthz HTTP/1.0\r\nHost: {}\r\n\r\n", s.addr).as_bytes())
        .unwrap();
    fifth
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 64];
    let early = std::io::Read::read(&mut fifth, &mut buf);
    assert!(early.is_err(), "served past the cap: {early:?}");
    drop(held);
    fifth
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut resp = String::new();
    std::io::Read::read_to_string(&mut fifth, &mut resp).unwrap();
    assert!(
        resp.starts_with("HTTP/1.0 200") || resp.starts_with("HTTP/1.1 200"),
        "{resp}"
    );
}

#[test]
fn the_hostile_catalogue_as_jobs_then_a_normal_log_while_healthz_answers_throughout() {
    let s = Server::start(config());
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|sc| {
        // /healthz, polled all along: every answer a 200 (generous: within the client's timeout).
        let health = sc.spawn(|| {
            let mut answers = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (st, v) = call(s.get("/healthz").call());
                assert_eq!((st, v["status"].as_str()), (200, Some("ok")), "{v}");
                answers += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            answers
        });
        for (name, log) in normforge_tests::hostile::cases() {
            assert!(log.len() <= 1 << 20, "{name}");
            let (st, v) = submit(&s, &log, &format!("name={name}"));
            assert_eq!(st, 202, "{name}: {v}");
            let v = wait_done(&s, v["id"].as_str().unwrap());
            // Done, or refused for a reason that is the input's (never a crash or a limit).
            match v["status"].as_str() {
                Some("done") => {
                    let r = &v["result"];
                    let accounted = r["events_normalized"].as_u64().unwrap()
                        + r["rejected_clusters"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|c| c["size"].as_u64().unwrap_or(0))
                            .sum::<u64>();
                    assert!(accounted <= r["events"].as_u64().unwrap(), "{name}: {r}");
                }
                _ => assert_eq!(v["error"]["code"], "bad_log", "{name}: {v}"),
            }
        }
        let log = std::fs::read(workspace_root().join("eval/samples/sshd.log")).unwrap();
        let packages = normforge_tests::http::generate_and_validate(&s, &log);
        assert!(packages > 10);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(health.join().unwrap() > 0);
    });
}
