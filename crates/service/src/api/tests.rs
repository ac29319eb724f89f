//! XP requests wait for one of a bounded number of threads, with a deadline, and never hold up
//! the async threads: with every XP thread taken, `/healthz` still answers at once.

use std::time::{Duration, Instant};

use super::*;
use crate::access::{Access, Auth};
use crate::child::Worker;
use crate::Config;

fn serve(state: State) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(state, Access::new(Auth::LoopbackWithoutToken, addr, &[]));
    tokio::spawn(async move {
        let l = tokio::net::TcpListener::from_std(listener).unwrap();
        let _ = axum::serve(l, app).await;
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_every_xp_thread_taken_a_request_waits_its_deadline_and_healthz_answers() {
    let state = State::new(Config {
        xp_deadline: Duration::from_millis(500),
        ..Config::new(Worker {
            program: "true".into(),
            args: Vec::new(),
        })
    });
    let addr = serve(state.clone());
    // Every XP thread busy.
    let slots = state.xp_slots();
    let n = u32::try_from(slots.available_permits()).unwrap();
    let held = slots.acquire_many_owned(n).await.unwrap();
    let url = format!("http://{addr}");
    let normalize = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let r = ureq::post(&format!("{url}/v1/normalize"))
                .set("X-Normforge", "1")
                .send_json(serde_json::json!({"formula": "JSON = ''\nid = \"x\"\n", "raw": "{}"}));
            (started.elapsed(), r)
        })
    };
    // Meanwhile the async threads answer.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let health = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            ureq::get(&format!("{url}/healthz"))
                .call()
                .map(|r| r.status())
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap()
    };
    assert_eq!(health, Ok(200));
    let (waited, r) = normalize.await.unwrap();
    match r {
        Err(ureq::Error::Status(503, resp)) => {
            let v: serde_json::Value = resp.into_json().unwrap();
            assert_eq!(v["error"]["code"], "busy", "{v}");
        }
        other => panic!("{other:?}"),
    }
    assert!(waited >= Duration::from_millis(450), "{waited:?}");
    // Free again: the same request runs.
    drop(held);
    let url2 = url.clone();
    let r = tokio::task::spawn_blocking(move || {
        ureq::post(&format!("{url2}/v1/normalize"))
            .set("X-Normforge", "1")
            .send_json(serde_json::json!({"formula": "JSON = ''\nCOND = $a != null\nid = \"x\"\n", "raw": "{\"a\": 1}"}))
            .map_err(|e| e.to_string())
            .and_then(|r| r.into_json::<serde_json::Value>().map_err(|e| e.to_string()))
    })
    .await
    .unwrap();
    let v = r.unwrap();
    assert_eq!(v["matched"], true, "{v}");
}
