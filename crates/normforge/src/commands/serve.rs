//! `normforge serve`: the HTTP service until Ctrl-C / SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::cli::ServeArgs;
use crate::exit::OK;

/// Runs the command.
pub fn run(a: &ServeArgs) -> anyhow::Result<u8> {
    let kb = super::generate::load_kb(&a.kb)?;
    let config = service::Config {
        max_body: a.max_body_mib.saturating_mul(1 << 20),
        max_running: a.max_running.max(1),
        max_queued: a.max_queued,
        job_timeout: Duration::from_secs(a.job_timeout.max(1)),
        ttl: Duration::from_secs(a.ttl.max(1)),
        max_event_bytes: a.max_event_bytes,
        year: a.year.unwrap_or_else(xp_eval::current_year),
        kb: Arc::new(kb),
        rules: match &a.rules {
            Some(dir) => Some((
                Arc::new(super::normalize_log::load_rules(dir)?),
                dir.clone(),
            )),
            None => None,
        },
        llm: super::llm_opts::backend(&a.llm, false)?.map(Arc::from),
    };
    service::run(a.listen, config, |addr| {
        // The one line a supervisor (or a test) waits for.
        let _ = crate::outln!("listening on http://{addr}");
    })
    .with_context(|| format!("{}: cannot serve", a.listen))?;
    Ok(OK)
}
