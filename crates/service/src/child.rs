//! The service side of a job's process ([`crate::worker`] is the other): starts it, feeds it
//! the spec and the log, follows its progress, and ends it at the deadline, past the memory
//! ceiling (resident memory, read every 50 ms on Linux) or at shutdown. Whatever way the process
//! ends (an abort, a stack overflow, a signal, garbage on its output) is a job outcome: the
//! service goes on.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::jobs::Progress;
use crate::worker::{JobSpec, Message, Outcome};

/// How often the process's memory and the deadline are checked.
const TICK: Duration = Duration::from_millis(50);
/// How long the streams of an ended process may stay open.
const STREAMS_GRACE: Duration = Duration::from_secs(2);
/// Last lines of the process's other output kept for a crash's message.
const KEPT_LINES: usize = 8;
/// Longest progress line read; longer ones are cut.
const MAX_LINE: usize = 4096;

/// The command that runs one job (`normforge job-worker`).
#[derive(Clone, Debug)]
pub struct Worker {
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
}

impl Worker {
    /// This executable's `job-worker` subcommand.
    pub fn this_exe() -> std::io::Result<Worker> {
        Ok(Worker {
            program: std::env::current_exe()?,
            args: vec!["job-worker".into()],
        })
    }
}

/// What one job's process may use.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Wall time.
    pub timeout: Duration,
    /// Resident memory, bytes.
    pub max_rss: u64,
    /// Its result, bytes.
    pub max_output: usize,
}

/// What a job's process gave: the tree's files, and per package folder the first lines of its
/// events.
#[derive(Debug)]
pub struct Finished {
    /// The files.
    pub files: BTreeMap<PathBuf, String>,
    /// The member lines.
    pub members: BTreeMap<PathBuf, Vec<u32>>,
}

/// A job's failure: a stable code and a message.
pub type Failure = (&'static str, String);

/// Runs the job `spec` on `log` in a process of `worker`; `stop` ends it early (shutdown).
pub async fn run(
    worker: &Worker,
    spec: &JobSpec,
    log: Arc<Vec<u8>>,
    limits: Limits,
    progress: Arc<Progress>,
    stop: &mut tokio::sync::watch::Receiver<bool>,
) -> Result<Finished, Failure> {
    let mut command = tokio::process::Command::new(&worker.program);
    command
        .args(&worker.args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    // A group of its own, so that ending the job ends whatever it started.
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn().map_err(|e| {
        (
            "internal",
            format!(
                "the job's process cannot start ({}): {e}",
                worker.program.display()
            ),
        )
    })?;
    let pid = child.id();
    let (Some(mut stdin), Some(mut stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(("internal", "the job's process has no pipes".into()));
    };
    let mut head = serde_json::to_vec(spec).map_err(|e| ("internal", e.to_string()))?;
    head.push(b'\n');
    // A process that dies early stops reading: its end says why, not the broken pipe.
    let feed = tokio::spawn(async move {
        let _ = stdin.write_all(&head).await;
        let _ = stdin.write_all(&log).await;
    });
    let max_output = limits.max_output;
    let overflowed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let collect = {
        let overflowed = overflowed.clone();
        tokio::spawn(async move {
            let mut out = Vec::new();
            let read = (&mut stdout)
                .take(max_output as u64 + 1)
                .read_to_end(&mut out)
                .await;
            if out.len() > max_output {
                overflowed.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            read.map(|_| out)
        })
    };
    let follow = tokio::spawn(follow(stderr, progress));
    let deadline = tokio::time::Instant::now() + limits.timeout;
    let mut tick = tokio::time::interval(TICK);
    let mut ended_by_us: Option<Failure> = None;
    let status = loop {
        tokio::select! {
            status = child.wait() => break status,
            _ = tick.tick() => {
                if tokio::time::Instant::now() >= deadline {
                    ended_by_us = Some(("timeout", format!(
                        "the job ran longer than {} s", limits.timeout.as_secs())));
                } else if overflowed.load(std::sync::atomic::Ordering::Relaxed) {
                    // No longer read, it would wait for the deadline.
                    ended_by_us = Some(("resources", format!(
                        "the job's result is larger than {} MiB", max_output >> 20)));
                } else if let Some(rss) = pid.and_then(resident_bytes) {
                    if rss > limits.max_rss {
                        ended_by_us = Some(("resources", format!(
                            "the job used more than {} MiB of memory", limits.max_rss >> 20)));
                    }
                }
            }
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    ended_by_us = Some(("shutting_down", "the service stopped".into()));
                }
            }
        }
        if ended_by_us.is_some() {
            kill_group(pid);
            let _ = child.start_kill();
            break child.wait().await;
        }
    };
    feed.abort();
    // What the process started may hold its streams open: they get a moment, then go.
    kill_group(pid);
    let lines = match tokio::time::timeout(STREAMS_GRACE, follow).await {
        Ok(lines) => lines.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    if let Some(f) = ended_by_us {
        return Err(f);
    }
    let status = status.map_err(|e| ("internal", format!("the job's process: {e}")))?;
    let out = match tokio::time::timeout(STREAMS_GRACE, collect).await {
        Ok(Ok(Ok(out))) => out,
        _ => return Err(("internal", "the job's result cannot be read".into())),
    };
    if out.len() > max_output {
        return Err((
            "resources",
            format!("the job's result is larger than {} MiB", max_output >> 20),
        ));
    }
    match serde_json::from_slice::<Outcome>(&out) {
        Ok(Outcome::Done { files, members }) if status.success() => Ok(Finished { files, members }),
        Ok(Outcome::Failed { code, message }) => Err((known_code(&code), message)),
        _ => Err(crashed(status, &lines)),
    }
}

/// The job's failure codes the API documents; any other is `internal`.
fn known_code(code: &str) -> &'static str {
    match code {
        "bad_log" => "bad_log",
        "timeout" => "timeout",
        _ => "internal",
    }
}

/// A process that ended without its result.
fn crashed(status: std::process::ExitStatus, lines: &[String]) -> Failure {
    let how = signal_of(status).map_or_else(
        || format!("exit code {}", status.code().unwrap_or(-1)),
        |s| format!("signal {s}{}", signal_name(s)),
    );
    if signal_of(status) == Some(24) {
        return ("resources", "the job used up its CPU time".into());
    }
    let said = lines.join(" | ");
    (
        "crashed",
        format!(
            "the job's process ended with {how} (an internal error; the log may be reported as \
             a bug){}{said}",
            if said.is_empty() { "" } else { ": " }
        ),
    )
}

#[cfg(unix)]
fn signal_of(status: std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(&status)
}

#[cfg(not(unix))]
fn signal_of(_: std::process::ExitStatus) -> Option<i32> {
    None
}

fn signal_name(s: i32) -> &'static str {
    match s {
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        24 => " (SIGXCPU)",
        _ => "",
    }
}

/// Reads the process's progress lines into `progress` until it closes the stream; returns the
/// last lines that were not progress (a panic's or an overflow's message).
async fn follow(mut stderr: tokio::process::ChildStderr, progress: Arc<Progress>) -> Vec<String> {
    let mut kept: std::collections::VecDeque<String> = Default::default();
    let mut line: Vec<u8> = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = match stderr.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b != b'\n' {
                if line.len() < MAX_LINE {
                    line.push(b);
                }
                continue;
            }
            let text = String::from_utf8_lossy(&line).into_owned();
            line.clear();
            match serde_json::from_str::<Message>(&text) {
                Ok(m) => progress.apply(m),
                Err(_) if !text.trim().is_empty() => {
                    if kept.len() == KEPT_LINES {
                        kept.pop_front();
                    }
                    kept.push_back(text);
                }
                Err(_) => {}
            }
        }
    }
    if !line.is_empty() {
        kept.push_back(String::from_utf8_lossy(&line).into_owned());
    }
    kept.into()
}

/// Kills the process group of the job's process (it leads one), if any is left.
fn kill_group(pid: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = pid
        .and_then(|p| i32::try_from(p).ok())
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// The resident memory of process `pid`, where the system tells it (Linux).
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}
