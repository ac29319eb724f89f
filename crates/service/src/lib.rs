//! The HTTP service: `normforge serve`. Jobs generate rule packages from submitted logs
//! ([`jobs`]), each in a process of its own ([`child`] starts it, [`worker`] is its side), one
//! rule can be run or validated on one raw event ([`rule`]), and a small web page drives it all
//! ([`api`] serves `web/index.html`), where a reviewer sees, corrects and accepts each rule
//! ([`workbench`]). Bounded everywhere: request bodies, queued and running
//! jobs, each job's time and memory, and how long and how many finished packages are kept.
//! No printing: the binary reports the address and errors.
#![deny(missing_docs)]

pub mod access;
pub mod api;
pub mod chat;
pub mod child;
pub mod config;
pub mod encoding;
pub mod error;
pub mod jobs;
pub mod listen;
pub mod package;
pub mod rule;
pub mod workbench;
pub mod worker;

pub use config::Config;

/// Serves on `listener` until `shutdown` resolves; finished and failed jobs are reaped as they
/// expire.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let loopback = addr.ip().is_loopback();
    if !loopback && matches!(config.auth, access::Auth::LoopbackWithoutToken) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "without a token the service listens on loopback only",
        ));
    }
    if !loopback && config.allow_hosts.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a service on a non-loopback address needs --allow-host (the names clients use)",
        ));
    }
    let access = access::Access::new(config.auth.clone(), addr, &config.allow_hosts);
    let conn_limits = config.connections;
    let state = jobs::State::new(config);
    let reaper = tokio::spawn(jobs::reap(state.clone()));
    let app = api::router(state.clone(), access);
    let stopping = state.clone();
    let result = listen::serve(listener, app, conn_limits, async move {
        shutdown.await;
        stopping.begin_shutdown();
    })
    .await;
    reaper.abort();
    result
}

/// Binds `addr`, calls `ready` with the bound address, and serves until Ctrl-C or SIGTERM, on
/// a runtime of its own (what `normforge serve` calls).
pub fn run(
    addr: std::net::SocketAddr,
    config: Config,
    ready: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        ready(listener.local_addr()?);
        serve(listener, config, shutdown_signal()).await
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
