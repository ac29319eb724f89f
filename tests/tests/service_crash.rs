//! A job's process that crashes or outgrows its memory ceiling fails its job alone: the service
//! answers and runs the next job. (A test binary of its own: the job processes it finds are its
//! children, and its tests take turns.)

use std::sync::Mutex;
use std::time::{Duration, Instant};

use normforge_tests::http::{big_log, call, config, generate_and_validate, submit, wait_done};
use normforge_tests::{workspace_root, TestServer as Server};

/// One test at a time: each looks for its own job's process among this process's children.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The turn of a test that watches the job processes (a test that failed leaves it usable).
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn vpn() -> Vec<u8> {
    std::fs::read(workspace_root().join("eval/samples/vpn.log")).unwrap()
}

/// The pid of this process's `normforge job-worker` child, once it runs (Linux).
#[cfg(target_os = "linux")]
fn job_process() -> u32 {
    let me = std::process::id().to_string();
    let t0 = Instant::now();
    loop {
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|p| p.parse::<u32>().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            // `pid (comm) state ppid …`; comm may hold spaces, so from the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .unwrap_or("");
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            if ppid == me && String::from_utf8_lossy(&cmdline).contains("job-worker") {
                return pid;
            }
        }
        assert!(t0.elapsed() < Duration::from_secs(60), "no job process");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_job_process_that_aborts_or_is_killed_fails_its_job_and_the_service_goes_on() {
    let _turn = one_at_a_time();
    let s = Server::start(config());
    for signal in ["ABRT", "KILL", "TERM"] {
        let (st, v) = submit(&s, &big_log(60_000), "name=big.log");
        assert_eq!(st, 202, "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        let pid = job_process();
        let k = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid.to_string()])
            .status()
            .unwrap();
        assert!(k.success());
        let v = wait_done(&s, &id);
        assert_eq!(v["status"], "failed", "{v}");
        assert_eq!(v["error"]["code"], "crashed", "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("SIG{signal}")),
            "{v}"
        );
        let (st, h) = call(s.get("/healthz").call());
        assert_eq!((st, h["running"].as_u64()), (200, Some(0)), "{h}");
    }
    // And the next job is done as usual.
    assert!(generate_and_validate(&s, &vpn()) > 0);
}

#[cfg(target_os = "linux")]
#[test]
fn a_job_over_its_memory_ceiling_fails_with_resources() {
    let _turn = one_at_a_time();
    let s = Server::start(service::Config {
        max_job_bytes: 24 << 20,
        ..config()
    });
    let (st, v) = submit(&s, &big_log(60_000), "name=big.log");
    assert_eq!(st, 202, "{v}");
    let v = wait_done(&s, v["id"].as_str().unwrap());
    assert_eq!(v["status"], "failed", "{v}");
    assert_eq!(v["error"]["code"], "resources", "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("24 MiB"),
        "{v}"
    );
    assert!(generate_and_validate(&s, &vpn()) > 0);
}
