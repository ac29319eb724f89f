//! Limits and shared inputs of the service.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::child::Worker;

/// Service settings.
#[derive(Clone)]
pub struct Config {
    /// Largest request body (a submitted log, after its `Content-Encoding` is undone), bytes.
    pub max_body: usize,
    /// Jobs running at once (each in a process of its own).
    pub max_running: usize,
    /// Jobs waiting to run; more are refused with 429.
    pub max_queued: usize,
    /// Longest a job may run; then its process is killed and it fails with `timeout`.
    pub job_timeout: Duration,
    /// Resident memory a job's process may use; past it, it is killed (`resources`).
    pub max_job_bytes: u64,
    /// How long a finished (or failed) job stays available.
    pub ttl: Duration,
    /// Finished jobs kept at most; the oldest are forgotten first.
    pub max_kept: usize,
    /// Bytes of finished jobs' files kept at most; the oldest jobs are forgotten first.
    pub max_kept_bytes: u64,
    /// Largest event, bytes.
    pub max_event_bytes: usize,
    /// Longest an XP request (normalize, validate, explain) may wait for a thread and run.
    pub xp_deadline: Duration,
    /// Connections open at once, and their timeouts.
    pub connections: crate::listen::ConnLimits,
    /// Year for year-less timestamps (default of a job's `year` option).
    pub year: i32,
    /// Retrieval knowledge bases of field assignment (each job's process loads them).
    pub kb: Vec<PathBuf>,
    /// The command that runs a job.
    pub worker: Worker,
    /// How requests prove they may act.
    pub auth: crate::access::Auth,
    /// `Host` values served besides the listen address (and `localhost` on loopback).
    pub allow_hosts: Vec<String>,
    /// A rule set for `POST /v1/explain` without a job, and its folder (`serve --rules`).
    pub rules: Option<(Arc<ruleset::RuleSet>, std::path::PathBuf)>,
    /// A model served at `POST /v1/chat/completions` (`serve --llm …`).
    pub llm: Option<Arc<dyn llm::Llm>>,
}

impl Config {
    /// The defaults, with `worker` running the jobs.
    pub fn new(worker: Worker) -> Config {
        Config {
            max_body: 64 << 20,
            max_running: 1,
            max_queued: 16,
            job_timeout: Duration::from_secs(15 * 60),
            max_job_bytes: 4 << 30,
            ttl: Duration::from_secs(60 * 60),
            max_kept: 64,
            max_kept_bytes: 1 << 30,
            max_event_bytes: 1 << 20,
            xp_deadline: Duration::from_secs(30),
            connections: crate::listen::ConnLimits::default(),
            year: xp_eval::current_year(),
            kb: Vec::new(),
            worker,
            auth: crate::access::Auth::LoopbackWithoutToken,
            allow_hosts: Vec::new(),
            rules: None,
            llm: None,
        }
    }
}
