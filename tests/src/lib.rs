//! Shared helpers of the data-driven tests: where the workspace and `../shared` are, golden
//! files with `UPDATE_EXPECT=1`, and the skip-or-require rule for shared data.
#![allow(clippy::print_stderr)]

pub mod hostile;
pub mod http;

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

/// `../shared` (or `NORMFORGE_SHARED`), when present. When absent, prints a notice and returns
/// `None`, unless `NORMFORGE_REQUIRE_SHARED=1`, in which case it panics (CI must not skip).
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("NORMFORGE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared"));
    if dir.join("README.md").exists() {
        return Some(dir);
    }
    if std::env::var("NORMFORGE_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!(
            "{what}: shared data not found at {} and NORMFORGE_REQUIRE_SHARED=1",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED {what}: shared data not found at {} (set NORMFORGE_SHARED)",
        dir.display()
    );
    None
}

/// Whether goldens are being rewritten.
pub fn updating() -> bool {
    std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1")
}

/// Compares `actual` with the golden file; with `UPDATE_EXPECT=1` rewrites it instead.
/// Returns a readable diff on mismatch.
pub fn check_golden(path: &Path, actual: &str) -> Result<(), String> {
    if updating() {
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let expected = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(_) => {
            return Err(format!(
                "{}: missing golden (run with UPDATE_EXPECT=1)\n--- actual ---\n{actual}",
                path.display()
            ))
        }
    };
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
    Err(format!(
        "{}: differs (UPDATE_EXPECT=1 to bless)\n{}",
        path.display(),
        diff.unified_diff()
            .context_radius(2)
            .header("expected", "actual")
    ))
}

/// The sample logs of `eval/samples` the golden tests cover.
pub const SAMPLE_LOGS: [&str; 7] = [
    "sshd.log",
    "mixed.log",
    "vpn.log",
    "windows.log",
    "auditd.log",
    "linux-host.log",
    "services.log",
];

/// Reads and clusters a sample log of `eval/samples` (keeping member texts for synthesis):
/// the rejections and the clusters.
pub fn sample_clusters(
    log: &str,
) -> (
    Vec<ingest::Rejected>,
    Vec<log_cluster::events::EventCluster>,
) {
    let path = workspace_root().join("eval/samples").join(log);
    let f = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let mut c = log_cluster::events::EventClusterer::new(
        log_cluster::Config::default(),
        log_cluster::identifier::RuleBased,
    )
    .keep_texts(2000);
    let mut rejected = Vec::new();
    for item in ingest::Reader::new(f, Default::default()) {
        match item.unwrap() {
            ingest::Item::Event(e) => c.add(&e),
            ingest::Item::Rejected(r) => rejected.push(r),
        }
    }
    (rejected, c.finish())
}

/// Debian's chromium, when installed. When absent, prints a notice and returns `None`, unless
/// `NORMFORGE_REQUIRE_BROWSER=1` (CI installs it), in which case it panics.
pub fn chromium(what: &str) -> Option<PathBuf> {
    let found = std::env::var_os("NORMFORGE_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from))
        .find(|p| p.exists());
    if found.is_some() {
        return found;
    }
    if std::env::var("NORMFORGE_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("{what}: chromium not found and NORMFORGE_REQUIRE_BROWSER=1");
    }
    eprintln!(
        "SKIPPED {what}: chromium not found (install Debian's chromium or set NORMFORGE_CHROMIUM)"
    );
    None
}

/// The flags that make headless chromium work on a closed network as root.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

/// Whether playwright-core is installed in `tests/browser` (`npm ci --prefix tests/browser`);
/// skip-or-require like [`chromium`].
pub fn playwright(what: &str) -> bool {
    let dir = workspace_root().join("tests/browser/node_modules/playwright-core");
    if dir.exists() {
        return true;
    }
    if std::env::var("NORMFORGE_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("{what}: playwright-core is not installed (npm ci --prefix tests/browser) and NORMFORGE_REQUIRE_BROWSER=1");
    }
    eprintln!("SKIPPED {what}: playwright-core is not installed (npm ci --prefix tests/browser)");
    false
}

/// Runs the page script `tests/browser/<script>` in chromium against a service started with
/// `config`: `node SCRIPT URL LOG OUT_DIR TOKEN ARGS…`, the findings it prints (one JSON line)
/// parsed. `None` (with a notice) when chromium or playwright-core is missing and not required.
pub fn browser_script(
    what: &str,
    config: service::Config,
    script: &str,
    log: &std::path::Path,
    out: &std::path::Path,
    args: &[&str],
) -> Option<serde_json::Value> {
    let browser = chromium(what)?;
    if !playwright(what) {
        return None;
    }
    let server = TestServer::start(config);
    let o = std::process::Command::new("node")
        .arg(workspace_root().join("tests/browser").join(script))
        .arg(server.url("/"))
        .arg(log)
        .arg(out)
        .arg(TEST_TOKEN)
        .args(args)
        .env("NORMFORGE_CHROMIUM", &browser)
        .output()
        .expect("node runs");
    drop(server);
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    Some(serde_json::from_slice(&o.stdout).expect("the script prints JSON"))
}

/// The `normforge` binary this workspace built (`NORMFORGE_BIN` names another): `cargo test
/// --workspace` builds it for the binary's own tests before any test runs.
pub fn normforge_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("NORMFORGE_BIN") {
        return PathBuf::from(p);
    }
    // This test's executable is `target/<profile>/deps/<test>-<hash>`.
    let exe = std::env::current_exe().expect("the test's executable");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join(format!("normforge{}", std::env::consts::EXE_SUFFIX)))
        .expect("a target folder");
    assert!(
        bin.is_file(),
        "{}: not built; run `cargo build -p normforge` with this profile, or `cargo test --workspace`",
        bin.display()
    );
    bin
}

/// The token of the test services.
pub const TEST_TOKEN: &str = "test-token-0123456789abcdef";

/// The service's defaults, with jobs run by this workspace's `normforge job-worker` and the
/// token [`TEST_TOKEN`].
pub fn service_config() -> service::Config {
    service::Config {
        auth: service::access::Auth::Token(TEST_TOKEN.into()),
        ..service::Config::new(service::child::Worker {
            program: normforge_bin(),
            args: vec!["job-worker".into()],
        })
    }
}

/// The HTTP service on a free loopback port, in this process (its jobs in processes of their
/// own), stopped when dropped.
pub struct TestServer {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    /// Its token, if it has one.
    pub token: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts the service with `config` on its own runtime.
    pub fn start(config: service::Config) -> TestServer {
        let token = match &config.auth {
            service::access::Auth::Token(t) => Some(t.clone()),
            service::access::Auth::LoopbackWithoutToken => None,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async move {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port");
                tx.send(l.local_addr().expect("an address"))
                    .expect("the test waits");
                service::serve(l, config, async {
                    let _ = stop_rx.await;
                })
                .await
                .expect("the service runs");
            });
        });
        TestServer {
            addr: rx
                .recv_timeout(std::time::Duration::from_secs(30))
                .expect("the service starts"),
            token,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `http://ADDR/PATH`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A request to `path` with the credentials of a client: the token, when the service has
    /// one, and `X-Normforge: 1`.
    pub fn request(&self, method: &str, path: &str) -> ureq::Request {
        let r = http::agent()
            .request(method, &self.url(path))
            .set("X-Normforge", "1");
        match &self.token {
            Some(t) => r.set("Authorization", &format!("Bearer {t}")),
            None => r,
        }
    }

    /// `GET path` with the client's credentials.
    pub fn get(&self, path: &str) -> ureq::Request {
        self.request("GET", path)
    }

    /// `POST path` with the client's credentials.
    pub fn post(&self, path: &str) -> ureq::Request {
        self.request("POST", path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The real base model with the shipped adapters of `adapters/`, after checking that the
/// adapter of `task` is shipped; `None` (with the notice of [`model_dir`]) when the model is
/// not pulled.
pub fn adapter_model(task: llm::Task, what: &str) -> Option<llm::embedded::Embedded> {
    let dir = model_dir(what)?;
    let adapters = workspace_root().join("adapters");
    assert!(
        adapters
            .join(task.name())
            .join("adapter_model.safetensors")
            .is_file(),
        "the {} adapter is shipped",
        task.name()
    );
    Some(llm::embedded::Embedded::new(&dir, Some(&adapters)).expect("the model loads"))
}

/// The pulled base model's folder. When absent, prints a notice and returns `None`, unless
/// `NORMFORGE_REQUIRE_MODEL=1` (CI pulls it), in which case it panics.
pub fn model_dir(what: &str) -> Option<PathBuf> {
    let dir = llm::model::model_dir(&llm::model::SMOLLM2);
    if llm::model::is_ready(&dir) {
        return Some(dir);
    }
    if std::env::var("NORMFORGE_REQUIRE_MODEL").is_ok_and(|v| v == "1") {
        panic!("{what}: the model is not pulled at {}", dir.display());
    }
    eprintln!(
        "SKIPPED {what}: no model at {} (run `normforge model pull`)",
        dir.display()
    );
    None
}
