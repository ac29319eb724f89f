//! Jobs run by stand-in workers (shell scripts speaking the worker's protocol): a crash, a
//! runaway allocation, a hang and a good result, each ending as its own job outcome while the
//! service goes on.

use super::*;
use crate::child::Worker;

/// A worker that runs `script` in `sh` (the spec and the log arrive on its input).
fn sh(script: &str) -> Worker {
    Worker {
        program: "sh".into(),
        args: vec!["-c".into(), script.into()],
    }
}

fn config(worker: Worker) -> Config {
    Config {
        job_timeout: Duration::from_secs(30),
        ..Config::new(worker)
    }
}

async fn finished(state: &State, id: &str) -> JobView {
    for _ in 0..6000 {
        let v = state.view(id).unwrap();
        if matches!(v.status, Status::Done | Status::Failed) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("job {id} never ended");
}

async fn one_job(state: &State, log: &[u8]) -> JobView {
    let id = state
        .submit(log.to_vec(), JobOptions::default())
        .unwrap()
        .id;
    finished(state, &id).await
}

const DONE: &str = r#"cat > /dev/null; echo '{"bytes":5}' >&2; echo '{"stage":"generating"}' >&2; printf '%s' '{"done":{"members":{"V/P/s/r":[1]},"files":{"report.json":"{\"rules\":[{\"dir\":\"V/P/s/r\",\"id\":\"x\",\"kind\":\"text\",\"size\":2,\"matched\":2}],\"packages\":1}","V/P/s/r/formula.xp":"TEXT = '"'"'{$a=REST}'"'"'\nid = \"x\"\n"}}}'"#;

#[tokio::test]
async fn a_result_becomes_a_done_job_with_its_files() {
    let state = State::new(config(sh(DONE)));
    let v = one_job(&state, b"a log\n").await;
    assert_eq!(v.status, Status::Done, "{:?}", v.error);
    let r = v.result.unwrap();
    assert_eq!(r["packages"], 1);
    assert_eq!(r["rules"][0]["validates"], true);
    assert_eq!(v.progress.stage, "done");
    assert_eq!(v.progress.bytes_read, 5);
    let out = state.output(&v.id).unwrap();
    assert!(out
        .files
        .contains_key(std::path::Path::new("V/P/s/r/formula.xp")));
    assert_eq!(out.rule_set().rules.len(), 1);
}

#[tokio::test]
async fn an_aborted_or_killed_process_is_a_crashed_job_and_the_next_job_runs() {
    // The log says how to end.
    let script = r#"read spec; read how; case "$how" in
        abort) echo "thread 'main' has overflowed its stack" >&2; kill -ABRT $$ ;;
        kill) kill -KILL $$ ;;
        garbage) cat > /dev/null; echo 'not json' ;;
        *) cat > /dev/null; printf '%s' '{"failed":{"code":"bad_log","message":"not this one"}}'; exit 1 ;;
    esac"#;
    let state = State::new(config(sh(script)));
    let v = one_job(&state, b"abort\n").await;
    assert_eq!(v.status, Status::Failed);
    let e = v.error.unwrap();
    assert_eq!(e["code"], "crashed", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(
        m.contains("SIGABRT") && m.contains("overflowed its stack"),
        "{m}"
    );
    let e = one_job(&state, b"kill\n").await.error.unwrap();
    assert_eq!(e["code"], "crashed", "{e}");
    assert!(e["message"].as_str().unwrap().contains("SIGKILL"), "{e}");
    let e = one_job(&state, b"garbage\n").await.error.unwrap();
    assert_eq!(e["code"], "crashed", "{e}");
    // The slot is free again: the next job runs and ends with its own error.
    let e = one_job(&state, b"other\n").await.error.unwrap();
    assert_eq!(e["code"], "bad_log", "{e}");
    assert_eq!(state.counts(), (0, 0, 4));
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_process_past_its_memory_ceiling_is_killed() {
    // 200 MB held in the shell's memory, against a ceiling of 64 MiB.
    let script = "cat > /dev/null; x=$(head -c 200000000 /dev/zero | tr '\\0' a); sleep 30";
    let state = State::new(Config {
        max_job_bytes: 64 << 20,
        ..config(sh(script))
    });
    let t0 = Instant::now();
    let e = one_job(&state, b"log\n").await.error.unwrap();
    assert_eq!(e["code"], "resources", "{e}");
    assert!(e["message"].as_str().unwrap().contains("64 MiB"), "{e}");
    assert!(
        t0.elapsed() < Duration::from_secs(25),
        "killed, not waited for"
    );
}

#[tokio::test]
async fn a_job_over_its_time_is_killed_and_frees_its_slot() {
    let state = State::new(Config {
        job_timeout: Duration::from_millis(300),
        ..config(sh("read spec; read how; if [ \"$how\" = hang ]; then sleep 60; fi; cat > /dev/null; exit 3"))
    });
    let hung = state
        .submit(b"hang\n".to_vec(), JobOptions::default())
        .unwrap()
        .id;
    let next = state
        .submit(b"quick\n".to_vec(), JobOptions::default())
        .unwrap()
        .id;
    let t0 = Instant::now();
    let e = finished(&state, &hung).await.error.unwrap();
    assert_eq!(e["code"], "timeout", "{e}");
    // The next job did not wait for the hung one's 60 s.
    let v = finished(&state, &next).await;
    assert!(t0.elapsed() < Duration::from_secs(20));
    assert_eq!(v.error.unwrap()["code"], "crashed");
}

#[tokio::test]
async fn shutdown_ends_the_running_job() {
    let state = State::new(config(sh("cat > /dev/null; sleep 60")));
    let id = state
        .submit(b"log\n".to_vec(), JobOptions::default())
        .unwrap()
        .id;
    while state.view(&id).unwrap().status != Status::Running {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let t0 = Instant::now();
    state.begin_shutdown();
    let v = finished(&state, &id).await;
    assert_eq!(v.error.unwrap()["code"], "shutting_down");
    assert!(t0.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn finished_jobs_are_capped_by_count_and_bytes_oldest_first() {
    let state = State::new(Config {
        max_kept: 3,
        ..config(sh(DONE))
    });
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(one_job(&state, b"log\n").await.id);
    }
    let kept: Vec<bool> = ids.iter().map(|id| state.view(id).is_ok()).collect();
    assert_eq!(kept, [false, false, true, true, true]);
    // A byte cap below two results keeps one.
    let one = state.output(&ids[4]).unwrap().bytes;
    let state = State::new(Config {
        max_kept_bytes: one * 3 / 2,
        ..config(sh(DONE))
    });
    let a = one_job(&state, b"log\n").await.id;
    let b = one_job(&state, b"log\n").await.id;
    assert!(state.view(&a).is_err() && state.view(&b).is_ok());
}

#[test]
fn job_ids_are_128_random_bits() {
    let a = new_id().unwrap();
    let b = new_id().unwrap();
    assert_eq!(a.len(), 32);
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a, b);
}

#[tokio::test]
async fn a_result_over_its_limit_ends_the_job_at_once() {
    // Writes without end; the service stops reading past the limit.
    let state = State::new(Config {
        max_kept_bytes: 1 << 20,
        ..config(sh("cat > /dev/null; yes 'aaaaaaaaaaaaaaaaaaaaaaaa'"))
    });
    let t0 = Instant::now();
    let e = one_job(&state, b"log\n").await.error.unwrap();
    assert_eq!(e["code"], "resources", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("result is larger"),
        "{e}"
    );
    assert!(
        t0.elapsed() < Duration::from_secs(20),
        "killed, not waited for"
    );
}
