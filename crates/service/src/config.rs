//! Limits and shared inputs of the service.

use std::sync::Arc;
use std::time::Duration;

use field_assign::kb::Kb;

/// Service settings.
#[derive(Clone)]
pub struct Config {
    /// Largest request body (a submitted log), bytes.
    pub max_body: usize,
    /// Jobs running at once (each uses up to three threads).
    pub max_running: usize,
    /// Jobs waiting to run; more are refused with 429.
    pub max_queued: usize,
    /// Longest a job may run; then it fails with `timeout`.
    pub job_timeout: Duration,
    /// How long a finished (or failed) job stays available.
    pub ttl: Duration,
    /// Largest event, bytes.
    pub max_event_bytes: usize,
    /// Year for year-less timestamps (default of a job's `year` option).
    pub year: i32,
    /// Retrieval knowledge base of field assignment.
    pub kb: Arc<Kb>,
    /// A rule set for `POST /v1/explain` without a job, and its folder (`serve --rules`).
    pub rules: Option<(Arc<ruleset::RuleSet>, std::path::PathBuf)>,
    /// A model served at `POST /v1/chat/completions` (`serve --llm …`).
    pub llm: Option<Arc<dyn llm::Llm>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_body: 64 << 20,
            max_running: 1,
            max_queued: 16,
            job_timeout: Duration::from_secs(15 * 60),
            ttl: Duration::from_secs(60 * 60),
            max_event_bytes: 1 << 20,
            year: xp_eval::current_year(),
            kb: Arc::new(Kb::default()),
            rules: None,
            llm: None,
        }
    }
}
