//! The HTTP helpers of the service tests: a client, submissions, polling, and packages
//! downloaded and validated.

use std::io::Read;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::TestServer as Server;

/// The service's test settings: year 2024, jobs run by this workspace's binary.
pub fn config() -> service::Config {
    service::Config {
        year: 2024,
        ..crate::service_config()
    }
}

/// A client with a generous timeout.
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build()
}

/// (status, JSON body) of any response, error statuses included.
pub fn call(r: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = resp.status();
    let body: Value = resp.into_json().unwrap_or(Value::Null);
    (status, body)
}

pub fn submit(s: &Server, log: &[u8], query: &str) -> (u16, Value) {
    call(s.post(&format!("/v1/jobs?{query}")).send_bytes(log))
}

pub fn wait_done(s: &Server, id: &str) -> Value {
    let t0 = Instant::now();
    loop {
        let (st, v) = call(s.get(&format!("/v1/jobs/{id}")).call());
        assert_eq!(st, 200, "{v}");
        match v["status"].as_str().unwrap() {
            "done" | "failed" => return v,
            _ => {}
        }
        assert!(
            t0.elapsed() < Duration::from_secs(600),
            "job {id} never ended: {v}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn download_and_validate(s: &Server, id: &str, year: i32) -> usize {
    let resp = s.get(&format!("/v1/jobs/{id}/package")).call().unwrap();
    assert_eq!(resp.header("content-type"), Some("application/gzip"));
    let mut bytes = Vec::new();
    resp.into_reader().read_to_end(&mut bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]))
        .unpack(dir.path())
        .unwrap();
    assert!(dir.path().join("report.json").exists() && dir.path().join("summary.md").exists());
    let opts = xp_package::ValidateOptions {
        run: xp_eval::RunOptions {
            year,
            ..Default::default()
        },
        ..Default::default()
    };
    let r = xp_package::validate(
        &[dir.path().to_path_buf()],
        &opts,
        &xp_package::KnownFailures::default(),
    )
    .unwrap();
    assert_eq!(r.failed, 0, "{:#?}", r.failures);
    assert!(r.pairs > 0);
    r.rules
}

/// A log big enough to take a while: many distinct sshd events.
pub fn big_log(lines: usize) -> Vec<u8> {
    let mut s = String::new();
    for i in 0..lines {
        s.push_str(&format!(
            "Mar {:2} 10:{:02}:{:02} host{} sshd[{}]: Failed password for user{} from 10.{}.{}.{} port {} ssh2\n",
            1 + i % 28,
            i % 60,
            (i / 60) % 60,
            i % 7,
            1000 + i,
            i % 97,
            i % 200,
            (i / 200) % 250,
            i % 250,
            1024 + i % 60000
        ));
        s.push_str(&format!(
            "Mar {:2} 10:00:00 host1 app{}: event number {i} kind{} done\n",
            1 + i % 28,
            i % 13,
            i % 41
        ));
    }
    s.into_bytes()
}

/// Submits `log` and waits for its job to be done; returns its packages after validating them.
pub fn generate_and_validate(s: &Server, log: &[u8]) -> usize {
    let (st, v) = submit(s, log, "name=sample.log");
    assert_eq!(st, 202, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let done = wait_done(s, &id);
    assert_eq!(done["status"], "done", "{done}");
    download_and_validate(s, &id, 2024)
}
