//! Rule-generation jobs: a bounded queue in front of a bounded number of running jobs, each on
//! a blocking thread with a deadline, its progress in counters the API reads, its result kept
//! until it expires.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::error::ApiError;

/// Options of a job (query parameters of `POST /v1/jobs`).
#[derive(Clone, Debug, Default, Deserialize)]
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

/// A job's live counters, shared with its thread.
#[derive(Default)]
pub struct Progress {
    stage: Mutex<&'static str>,
    bytes_read: AtomicU64,
    events_done: AtomicUsize,
    events_total: AtomicUsize,
    cancel: AtomicBool,
}

impl pipeline::Progress for Progress {
    fn bytes(&self, read: u64) {
        self.bytes_read.store(read, Ordering::Relaxed);
    }
    fn stage(&self, name: &'static str) {
        if let Ok(mut s) = self.stage.lock() {
            *s = name;
        }
    }
    fn events(&self, n: usize) {
        self.events_done.fetch_add(n, Ordering::Relaxed);
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A finished job's output.
pub struct Output {
    /// Every file of the tree (packages, summary.md, report.json).
    pub files: BTreeMap<PathBuf, String>,
    /// The report.
    pub report: pipeline::generate::Report,
    /// The packages as a rule set (for explain), compiled on first use.
    pub rules: std::sync::OnceLock<ruleset::RuleSet>,
}

impl Output {
    /// The job's packages as a rule set.
    pub fn rule_set(&self) -> &ruleset::RuleSet {
        self.rules.get_or_init(|| {
            let mut rules = Vec::new();
            let mut skipped = Vec::new();
            for p in &self.report.rules {
                let dir = p.dir.to_string_lossy().replace('\\', "/");
                match self.files.get(&p.dir.join("formula.xp")) {
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

/// What a job runs (the pipeline; tests put in jobs that fail or crash).
pub type JobFn = dyn Fn(&[u8], &JobOptions, &Config, &Progress) -> Result<Output, (&'static str, String)>
    + Send
    + Sync;

struct Inner {
    config: Config,
    job: Arc<JobFn>,
    chat: Option<crate::chat::ChatModel>,
    jobs: Mutex<HashMap<String, Job>>,
    slots: Semaphore,
    queued: AtomicUsize,
    next: AtomicU64,
    stopping: AtomicBool,
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
    pub stage: &'static str,
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
        State::with_job(config, Arc::new(generate))
    }

    /// A state whose jobs run `job` instead of the pipeline.
    pub fn with_job(config: Config, job: Arc<JobFn>) -> State {
        State {
            inner: Arc::new(Inner {
                job,
                chat: config.llm.clone().map(crate::chat::ChatModel::start),
                slots: Semaphore::new(config.max_running.max(1)),
                config,
                jobs: Mutex::new(HashMap::new()),
                queued: AtomicUsize::new(0),
                next: AtomicU64::new(1),
                stopping: AtomicBool::new(false),
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The served model, if any.
    pub fn chat(&self) -> Option<&crate::chat::ChatModel> {
        self.inner.chat.as_ref()
    }

    /// Refuse new jobs from now on.
    pub fn begin_shutdown(&self) {
        self.inner.stopping.store(true, Ordering::SeqCst);
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
        let n = self.inner.next.fetch_add(1, Ordering::SeqCst);
        let salt = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let id = format!("{n:06}-{salt:08x}");
        let progress = Arc::new(Progress::default());
        if let Ok(mut s) = progress.stage.lock() {
            *s = "queued";
        }
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
        let permit = self.inner.slots.acquire().await;
        self.inner.queued.fetch_sub(1, Ordering::SeqCst);
        let Ok(_permit) = permit else {
            self.finish(&id, Err(("shutting_down", "the service stopped".into())));
            return;
        };
        if let Some(j) = self.jobs().get_mut(&id) {
            j.status = Status::Running;
        }
        let config = self.inner.config.clone();
        let p = progress.clone();
        let job = self.inner.job.clone();
        let mut handle =
            tokio::task::spawn_blocking(move || job(&log, &options, &config, p.as_ref()));
        let timeout = self.inner.config.job_timeout;
        let result = tokio::select! {
            r = &mut handle => Some(r),
            _ = tokio::time::sleep(timeout) => None,
        };
        let outcome = match result {
            Some(Ok(r)) => r,
            Some(Err(e)) if e.is_panic() => Err((
                "crashed",
                "the job crashed (an internal error); the log may be reported as a bug".into(),
            )),
            Some(Err(_)) => Err(("cancelled", "the job was cancelled".into())),
            None => {
                progress.cancel.store(true, Ordering::SeqCst);
                self.finish(
                    &id,
                    Err((
                        "timeout",
                        format!("the job ran longer than {} s", timeout.as_secs()),
                    )),
                );
                // Hold the slot until the thread has stopped, so the CPU stays bounded.
                let _ = handle.await;
                return;
            }
        };
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
                if let Ok(mut s) = j.progress.stage.lock() {
                    *s = "done";
                }
                j.output = Some(Arc::new(o));
            }
            Err(e) => {
                j.status = Status::Failed;
                j.error = Some(e);
            }
        }
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
            serde_json::json!({
                "lines": r.lines,
                "events": r.events,
                "clusters": r.clusters,
                "packages": r.packages,
                "events_normalized": r.events_normalized,
                "rejected_lines": r.rejected_lines,
                "rejected_clusters": r.rejected_clusters,
                "seconds": r.seconds,
                "rules": r.rules.iter().map(|p| serde_json::json!({
                    "dir": p.dir.to_string_lossy().replace('\\', "/"),
                    "id": p.id,
                    "kind": p.kind,
                    "size": p.size,
                    "matched": p.matched,
                    "validates": p.matched == p.size,
                })).collect::<Vec<_>>(),
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
                stage: p.stage.lock().map_or("?", |s| *s),
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

/// The job itself, on a blocking thread.
fn generate(
    log: &[u8],
    options: &JobOptions,
    config: &Config,
    progress: &Progress,
) -> Result<Output, (&'static str, String)> {
    let started = Instant::now();
    let input = Box::new(std::io::Cursor::new(log.to_vec()));
    let clustered = pipeline::cluster::cluster_stream(
        input,
        config.max_event_bytes,
        pipeline::cluster::KEEP_TEXTS,
        progress,
    )
    .map_err(pipeline_error)?;
    progress
        .events_total
        .store(clustered.events, Ordering::Relaxed);
    let engine = field_assign::engine::Retrieval::new(&config.kb);
    let opts = rule_gen::Options {
        tests: options.tests.unwrap_or(3),
        year: options.year.unwrap_or(config.year),
        meta: rule_gen::Meta {
            vendor: options.vendor.clone(),
            product: options.product.clone(),
            source: options.source.clone(),
        },
    };
    let name = options.name.clone().unwrap_or_else(|| "upload.log".into());
    let out = pipeline::generate::generate(
        &clustered,
        &name,
        &engine,
        pipeline::generate::Writers::default(),
        &opts,
        started,
        progress,
    )
    .map_err(pipeline_error)?;
    Ok(Output {
        files: out.files,
        report: out.report,
        rules: std::sync::OnceLock::new(),
    })
}

fn pipeline_error(e: pipeline::Error) -> (&'static str, String) {
    match e {
        pipeline::Error::Cancelled => ("timeout", "the job was stopped".into()),
        pipeline::Error::Read(e) => ("bad_log", format!("the log cannot be read: {e}")),
        e => ("internal", e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn finished(state: &State, id: &str) -> JobView {
        for _ in 0..400 {
            let v = state.view(id).unwrap();
            if matches!(v.status, Status::Done | Status::Failed) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("job {id} never ended");
    }

    #[tokio::test]
    async fn a_crashing_job_is_a_failed_job_and_the_service_goes_on() {
        let crash: Arc<JobFn> = Arc::new(|log: &[u8], _: &JobOptions, _: &Config, _: &Progress| {
            if log.starts_with(b"crash") {
                panic!("a bug");
            }
            Err(("bad_log", "not this one".into()))
        });
        let state = State::with_job(Config::default(), crash);
        let id = state
            .submit(b"crash now".to_vec(), JobOptions::default())
            .unwrap()
            .id;
        let v = finished(&state, &id).await;
        assert_eq!(v.status, Status::Failed);
        assert_eq!(v.error.unwrap()["code"], "crashed");
        // The slot is free again: the next job runs and ends with its own error.
        let id = state
            .submit(b"other".to_vec(), JobOptions::default())
            .unwrap()
            .id;
        let v = finished(&state, &id).await;
        assert_eq!(v.error.unwrap()["code"], "bad_log");
        assert_eq!(state.counts().0, 0, "nothing queued");
    }
}
