//! `normforge serve`: the HTTP service until Ctrl-C / SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::cli::ServeArgs;
use crate::exit::{Coded, OK, USAGE};

/// Runs the command.
pub fn run(a: &ServeArgs) -> anyhow::Result<u8> {
    // The arguments first: nothing is loaded for a command that cannot run.
    let loopback = a.listen.ip().is_loopback();
    if a.no_auth && !loopback {
        return Err(Coded(
            USAGE,
            format!("{}: --no-auth is for a loopback address only", a.listen),
        )
        .into());
    }
    if !loopback && a.allow_host.is_empty() {
        return Err(Coded(
            USAGE,
            format!(
                "{}: a non-loopback address needs --allow-host NAME (the names clients use)",
                a.listen
            ),
        )
        .into());
    }
    // The knowledge bases are loaded once here to fail early; each job's process loads them.
    let kb: Vec<std::path::PathBuf> = if a.kb.is_empty() {
        super::generate::default_kb().into_iter().collect()
    } else {
        a.kb.clone()
    };
    super::generate::load_kb(&kb)?;
    let mib = |m: u64| m.saturating_mul(1 << 20);
    let worker = service::child::Worker::this_exe().context("cannot find this executable")?;
    let config = service::Config {
        max_body: usize::try_from(mib(a.max_body_mib)).unwrap_or(usize::MAX),
        max_running: usize::try_from(a.max_running).unwrap_or(1),
        max_queued: usize::try_from(a.max_queued).unwrap_or(0),
        job_timeout: Duration::from_secs(a.job_timeout),
        max_job_bytes: mib(a.max_job_mib),
        ttl: Duration::from_secs(a.ttl),
        max_kept: usize::try_from(a.max_kept).unwrap_or(usize::MAX),
        max_kept_bytes: mib(a.max_kept_mib),
        max_event_bytes: a.max_event_bytes,
        connections: service::listen::ConnLimits {
            max_connections: usize::try_from(a.max_connections).unwrap_or(256),
            header_timeout: Duration::from_secs(a.header_timeout),
            body_timeout: Duration::from_secs(a.body_timeout),
        },
        year: a.year.unwrap_or_else(xp_eval::current_year),
        kb: kb
            .iter()
            .map(|d| d.canonicalize().unwrap_or_else(|_| d.clone()))
            .collect(),
        rules: match &a.rules {
            Some(dir) => Some((
                Arc::new(super::normalize_log::load_rules(dir)?),
                dir.clone(),
            )),
            None => None,
        },
        llm: super::llm_opts::backend(&a.llm, false)?.map(Arc::from),
        ..service::Config::new(worker)
    };
    let token = if a.no_auth {
        None
    } else {
        match std::env::var("NORMFORGE_TOKEN") {
            Ok(t) if !t.trim().is_empty() => Some((t.trim().to_string(), "NORMFORGE_TOKEN")),
            _ => Some((service::access::new_token()?, "new")),
        }
    };
    let config = service::Config {
        auth: match &token {
            Some((t, _)) => service::access::Auth::Token(t.clone()),
            None => service::access::Auth::LoopbackWithoutToken,
        },
        allow_hosts: a.allow_host.clone(),
        ..config
    };
    service::run(a.listen, config, |addr| {
        match &token {
            Some((t, "new")) => {
                let _ = crate::outln!("token {t}");
                let _ = crate::outln!("the page: http://{addr}/#token={t}");
            }
            Some(_) => {
                let _ = crate::outln!("token from NORMFORGE_TOKEN");
            }
            None => {
                let _ = crate::outln!("no token (--no-auth): loopback only");
            }
        }
        // The line a supervisor (or a test) waits for.
        let _ = crate::outln!("listening on http://{addr}");
    })
    .with_context(|| format!("{}: cannot serve", a.listen))?;
    Ok(OK)
}
