//! Rule-generation jobs: a bounded queue in front of a bounded number of running jobs, each in
//! a process of its own ([`crate::child`]) with a deadline and a memory ceiling, its progress in
//! counters the API reads, its result kept until it expires or newer results push it out.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Semaphore};

use crate::config::Config;
use crate::error::ApiError;

/// Options of a job (query parameters of `POST /v1/jobs`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobOptions {
    /// Name of the log in the report (default `upload.log`).
    pub name: Option<String>,
    /// Vendor folder name.
    pub vendor: Option<String>,
    /// Product folder name.
    pub product: Option<String>,
    /// Source folder name.
    pub source: Option<String>,
    /// Test pairs per package (default 3).
    pub tests: Option<usize>,
    /// Year for year-less timestamps.
    pub year: Option<i32>,
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for a slot.
    Queued,
    /// Running.
    Running,
    /// Finished; the package can be downloaded.
    Done,
    /// Failed (bad input, timeout, crash); see the error.
    Failed,
}

/// A job's live counters, fed by its process's progress lines.
#[derive(Default)]
pub struct Progress {
    stage: Mutex<String>,
    bytes_read: AtomicU64,
    events_done: AtomicUsize,
    events_total: AtomicUsize,
}

impl Progress {
    fn set_stage(&self, name: &str) {
        if let Ok(mut s) = self.stage.lock() {
            name.clone_into(&mut s);
        }
    }

    /// Takes one progress message of the job's process.
    pub fn apply(&self, m: crate::worker::Message) {
        use crate::worker::Message;
        match m {
            Message::Bytes(n) => self.bytes_read.store(n, Ordering::Relaxed),
            Message::Stage(s) => self.set_stage(&s),
            Message::EventsTotal(n) => self.events_total.store(n, Ordering::Relaxed),
            Message::Events(n) => {
                self.events_done.fetch_add(n, Ordering::Relaxed);
            }
        }
    }
}

/// A finished job's output.
pub struct Output {
    /// Every file of the tree (packages, summary.md, report.json).
    pub files: BTreeMap<PathBuf, String>,
    /// `report.json`.
    pub report: serde_json::Value,
    /// Bytes of the files, of the submitted log and of its events.
    pub bytes: u64,
    /// The packages as a rule set (for explain), compiled on first use.
    pub rules: std::sync::OnceLock<ruleset::RuleSet>,
    /// The submitted log (its events are what a reviewer sees).
    pub log: Arc<Vec<u8>>,
    /// Per package folder, the first lines of its events.
    pub members: BTreeMap<PathBuf, Vec<u32>>,
    /// The log's events by line, read on first use.
    pub events: std::sync::OnceLock<crate::workbench::events::Events>,
    /// A reviewer's edits, by rule number.
    pub edits: Mutex<BTreeMap<usize, crate::workbench::edit::Edit>>,
    /// Year for year-less timestamps.
    pub year: i32,
    /// Largest event, bytes.
    pub max_event_bytes: usize,
}

impl Output {
    /// The output of a job's process, with the log it was given.
    pub fn with_log(
        finished: crate::child::Finished,
        log: Arc<Vec<u8>>,
        year: i32,
        max_event_bytes: usize,
    ) -> Output {
        let files = finished.files;
        let report = files
            .get(std::path::Path::new("report.json"))
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or(serde_json::Value::Null);
        let bytes = files
            .iter()
            .map(|(p, c)| (p.as_os_str().len() + c.len()) as u64)
            .sum::<u64>()
            // The log, and its events once a reviewer reads them.
            + 2 * log.len() as u64
            + finished
                .members
                .values()
                .map(|m| 4 * m.len() as u64)
                .sum::<u64>();
        Output {
            files,
            report,
            bytes,
            rules: std::sync::OnceLock::new(),
            log,
            members: finished.members,
            events: std::sync::OnceLock::new(),
            edits: Mutex::new(BTreeMap::new()),
            year,
            max_event_bytes,
        }
    }

    /// The package folders of the report.
    fn dirs(&self) -> impl Iterator<Item = &str> {
        self.report["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["dir"].as_str())
    }

    /// The job's packages as a rule set.
    pub fn rule_set(&self) -> &ruleset::RuleSet {
        self.rules.get_or_init(|| {
            let mut rules = Vec::new();
            let mut skipped = Vec::new();
            for dir in self.dirs() {
                let dir = dir.replace('\\', "/");
                match self
                    .files
                    .get(&std::path::Path::new(&dir).join("formula.xp"))
                {
                    Some(src) => match ruleset::Loaded::compile(src, dir.clone()) {
                        Ok(l) => rules.push(l),
                        Err(reason) => skipped.push(ruleset::Skipped { dir, reason }),
                    },
                    None => skipped.push(ruleset::Skipped {
                        dir,
                        reason: "no formula.xp".into(),
                    }),
                }
            }
            ruleset::RuleSet::from_rules(rules, skipped)
        })
    }
}

/// One job.
pub struct Job {
    /// Id.
    pub id: String,
    /// Options.
    pub options: JobOptions,
    /// Bytes submitted.
    pub bytes: usize,
    /// Status.
    pub status: Status,
    /// Live counters.
    pub progress: Arc<Progress>,
    /// Submission time.
    pub created: SystemTime,
    /// When it finished (for expiry).
    pub finished: Option<Instant>,
    /// Error code and message of a failed job.
    pub error: Option<(&'static str, String)>,
    /// Output of a finished job.
    pub output: Option<Arc<Output>>,
}

/// Shared state of the service.
#[derive(Clone)]
pub struct State {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    chat: Option<crate::chat::ChatModel>,
    jobs: Mutex<HashMap<String, Job>>,
    slots: Semaphore,
    queued: AtomicUsize,
    stopping: AtomicBool,
    /// Becomes true at shutdown: running jobs' processes are ended.
    stop: watch::Sender<bool>,
    /// Threads for XP requests (normalize, validate, explain): one per core.
    xp_slots: Arc<Semaphore>,
    /// The knowledge bases compiled for the workbench, on first use.
    kbs: std::sync::OnceLock<Arc<crate::workbench::kb::Kbs>>,
}

/// A job's view for the API.
#[derive(Serialize)]
pub struct JobView {
    /// Id.
    pub id: String,
    /// Status.
    pub status: Status,
    /// Log name.
    pub log: String,
    /// Bytes submitted.
    pub bytes: usize,
    /// Seconds since the Unix epoch when submitted.
    pub created: u64,
    /// Progress.
    pub progress: ProgressView,
    /// Error of a failed job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<serde_json::Value>,
    /// Summary of a finished job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
    /// Seconds until a finished or failed job is forgotten.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Where to go next.
    pub links: BTreeMap<&'static str, String>,
}

/// Progress for the API.
#[derive(Serialize)]
pub struct ProgressView {
    /// Current stage.
    pub stage: String,
    /// Bytes read of the log.
    pub bytes_read: u64,
    /// Events of the log (known once clustered).
    pub events_total: usize,
    /// Events whose cluster has been turned into a rule.
    pub events_done: usize,
}

impl State {
    /// A new state.
    pub fn new(config: Config) -> State {
        State {
            inner: Arc::new(Inner {
                chat: config.llm.clone().map(crate::chat::ChatModel::start),
                slots: Semaphore::new(config.max_running.max(1)),
                config,
                jobs: Mutex::new(HashMap::new()),
                queued: AtomicUsize::new(0),
                stopping: AtomicBool::new(false),
                stop: watch::channel(false).0,
                xp_slots: Arc::new(Semaphore::new(usize::try_from(cores()).unwrap_or(1))),
                kbs: std::sync::OnceLock::new(),
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The threads XP requests take turns on.
    pub fn xp_slots(&self) -> Arc<Semaphore> {
        self.inner.xp_slots.clone()
    }

    /// The knowledge bases (`--kb`) compiled for the workbench; loads them on first use (a
    /// blocking call).
    pub fn kbs(&self) -> Arc<crate::workbench::kb::Kbs> {
        self.inner
            .kbs
            .get_or_init(|| Arc::new(crate::workbench::kb::Kbs::load(&self.inner.config.kb)))
            .clone()
    }

    /// The served model, if any.
    pub fn chat(&self) -> Option<&crate::chat::ChatModel> {
        self.inner.chat.as_ref()
    }

    /// Refuse new jobs from now on, and end the running ones.
    pub fn begin_shutdown(&self) {
        self.inner.stopping.store(true, Ordering::SeqCst);
        self.inner.stop.send_replace(true);
    }

    fn jobs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        // A poisoned lock only means a handler panicked while holding it; the map is intact.
        self.inner
            .jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts for `/healthz`: (queued, running, kept).
    pub fn counts(&self) -> (usize, usize, usize) {
        let jobs = self.jobs();
        let running = jobs
            .values()
            .filter(|j| j.status == Status::Running)
            .count();
        (
            self.inner.queued.load(Ordering::SeqCst),
            running,
            jobs.len(),
        )
    }

    /// Submits a log; the job runs when a slot frees up.
    pub fn submit(&self, log: Vec<u8>, options: JobOptions) -> Result<JobView, ApiError> {
        if self.inner.stopping.load(Ordering::SeqCst) {
            return Err(ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "the service is shutting down",
            ));
        }
        if log.is_empty() {
            return Err(ApiError::bad_request(
                "empty_log",
                "the submitted log is empty",
            ));
        }
        if options.tests == Some(0) || options.tests.is_some_and(|t| t > 100) {
            return Err(ApiError::bad_request(
                "bad_option",
                "tests: between 1 and 100",
            ));
        }
        // Reserve a queue place or refuse.
        let max = self.inner.config.max_queued;
        let reserved = self
            .inner
            .queued
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |q| {
                (q < max).then_some(q + 1)
            });
        if reserved.is_err() {
            return Err(ApiError::new(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                "queue_full",
                format!("{max} jobs are already waiting; try again later"),
            ));
        }
        let id = match new_id() {
            Ok(id) => id,
            Err(e) => {
                self.inner.queued.fetch_sub(1, Ordering::SeqCst);
                return Err(ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    format!("no random job id: {e}"),
                ));
            }
        };
        let progress = Arc::new(Progress::default());
        progress.set_stage("queued");
        let job = Job {
            id: id.clone(),
            options: options.clone(),
            bytes: log.len(),
            status: Status::Queued,
            progress: progress.clone(),
            created: SystemTime::now(),
            finished: None,
            error: None,
            output: None,
        };
        let view = self.view_of(&job);
        self.jobs().insert(id.clone(), job);
        let state = self.clone();
        tokio::spawn(async move { state.run(id, log, options, progress).await });
        Ok(view)
    }

    async fn run(self, id: String, log: Vec<u8>, options: JobOptions, progress: Arc<Progress>) {
        let log = Arc::new(log);
        let permit = self.inner.slots.acquire().await;
        self.inner.queued.fetch_sub(1, Ordering::SeqCst);
        let Ok(_permit) = permit else {
            self.finish(&id, Err(("shutting_down", "the service stopped".into())));
            return;
        };
        if self.inner.stopping.load(Ordering::SeqCst) {
            self.finish(&id, Err(("shutting_down", "the service stopped".into())));
            return;
        }
        if let Some(j) = self.jobs().get_mut(&id) {
            j.status = Status::Running;
        }
        progress.set_stage("starting");
        let config = &self.inner.config;
        let spec = crate::worker::JobSpec {
            options,
            year: config.year,
            max_event_bytes: config.max_event_bytes,
            kb: config.kb.clone(),
            // The wall deadline on every core, and a little more: the CPU ceiling only catches
            // a process that escaped the deadline.
            cpu_seconds: config
                .job_timeout
                .as_secs()
                .saturating_mul(cores())
                .saturating_add(10),
        };
        let limits = crate::child::Limits {
            timeout: config.job_timeout,
            max_rss: config.max_job_bytes,
            // Its files as JSON strings, escapes included.
            max_output: usize::try_from(config.max_kept_bytes.saturating_mul(2))
                .unwrap_or(usize::MAX)
                .min(8 << 30),
        };
        let mut stop = self.inner.stop.subscribe();
        let year = spec.options.year.unwrap_or(spec.year);
        let outcome = crate::child::run(
            &config.worker,
            &spec,
            log.clone(),
            limits,
            progress,
            &mut stop,
        )
        .await
        .map(|f| Output::with_log(f, log, year, config.max_event_bytes));
        self.finish(&id, outcome);
    }

    fn finish(&self, id: &str, outcome: Result<Output, (&'static str, String)>) {
        let mut jobs = self.jobs();
        let Some(j) = jobs.get_mut(id) else { return };
        if j.finished.is_some() {
            return;
        }
        j.finished = Some(Instant::now());
        match outcome {
            Ok(o) => {
                j.status = Status::Done;
                j.progress.set_stage("done");
                j.output = Some(Arc::new(o));
            }
            Err(e) => {
                j.status = Status::Failed;
                j.progress.set_stage("failed");
                j.error = Some(e);
            }
        }
        evict(&mut jobs, &self.inner.config);
    }

    /// The API view of a job.
    pub fn view(&self, id: &str) -> Result<JobView, ApiError> {
        let jobs = self.jobs();
        let j = jobs.get(id).ok_or_else(|| ApiError::no_job(id))?;
        Ok(self.view_of(j))
    }

    /// A finished job's output.
    pub fn output(&self, id: &str) -> Result<Arc<Output>, ApiError> {
        let jobs = self.jobs();
        let j = jobs.get(id).ok_or_else(|| ApiError::no_job(id))?;
        match (&j.output, j.status) {
            (Some(o), _) => Ok(o.clone()),
            (None, Status::Failed) => Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "job_failed",
                format!(
                    "job {id} failed: {}",
                    j.error.as_ref().map_or("", |e| e.1.as_str())
                ),
            )),
            (None, _) => Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "not_ready",
                format!("job {id} is {:?}; poll /v1/jobs/{id}", j.status).to_lowercase(),
            )),
        }
    }

    fn view_of(&self, j: &Job) -> JobView {
        let p = &j.progress;
        let ttl = self.inner.config.ttl;
        let result = j.output.as_ref().map(|o| {
            let r = &o.report;
            let rules: Vec<serde_json::Value> = r["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    serde_json::json!({
                        "dir": p["dir"].as_str().map(|d| d.replace('\\', "/")),
                        "id": p["id"],
                        "kind": p["kind"],
                        "size": p["size"],
                        "matched": p["matched"],
                        "validates": p["matched"] == p["size"],
                    })
                })
                .collect();
            serde_json::json!({
                "lines": r["lines"],
                "events": r["events"],
                "clusters": r["clusters"],
                "packages": r["packages"],
                "events_normalized": r["events_normalized"],
                "rejected_lines": r["rejected_lines"],
                "rejected_clusters": r["rejected_clusters"],
                "seconds": r["seconds"],
                "rules": rules,
            })
        });
        let base = format!("/v1/jobs/{}", j.id);
        let mut links = BTreeMap::from([("self", base.clone())]);
        if j.status == Status::Done {
            links.insert("package", format!("{base}/package"));
            links.insert("report", format!("{base}/file/report.json"));
        }
        JobView {
            id: j.id.clone(),
            status: j.status,
            log: j
                .options
                .name
                .clone()
                .unwrap_or_else(|| "upload.log".into()),
            bytes: j.bytes,
            created: j
                .created
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            progress: ProgressView {
                stage: p.stage.lock().map_or_else(|_| "?".into(), |s| s.clone()),
                bytes_read: p.bytes_read.load(Ordering::Relaxed),
                events_total: p.events_total.load(Ordering::Relaxed),
                events_done: p.events_done.load(Ordering::Relaxed),
            },
            error: j
                .error
                .as_ref()
                .map(|(c, m)| serde_json::json!({"code": c, "message": m})),
            result,
            expires_in: j
                .finished
                .map(|f| ttl.saturating_sub(f.elapsed()).as_secs()),
            links,
        }
    }
}

/// Removes expired jobs, forever (the service aborts it on shutdown).
pub async fn reap(state: State) {
    let every =
        (state.inner.config.ttl / 4).clamp(Duration::from_millis(50), Duration::from_secs(30));
    loop {
        tokio::time::sleep(every).await;
        let ttl = state.inner.config.ttl;
        state
            .jobs()
            .retain(|_, j| j.finished.is_none_or(|f| f.elapsed() < ttl));
    }
}

/// Forgets the oldest finished jobs while more than `max_kept` are kept or their files hold
/// more than `max_kept_bytes`.
fn evict(jobs: &mut HashMap<String, Job>, config: &Config) {
    let mut finished: Vec<(Instant, String, u64)> = jobs
        .values()
        .filter_map(|j| {
            let bytes = j.output.as_ref().map_or(0, |o| o.bytes);
            j.finished.map(|f| (f, j.id.clone(), bytes))
        })
        .collect();
    finished.sort();
    let mut count = finished.len();
    let mut bytes: u64 = finished.iter().map(|f| f.2).sum();
    for (_, id, b) in finished {
        if count <= config.max_kept && bytes <= config.max_kept_bytes {
            break;
        }
        jobs.remove(&id);
        count -= 1;
        bytes -= b;
    }
}

/// 128 random bits, in hex.
fn new_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn cores() -> u64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u64)
}

#[cfg(test)]
mod tests;
