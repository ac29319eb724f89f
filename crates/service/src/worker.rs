//! The child side of a job: a `normforge job-worker` process reads a [`JobSpec`] line and the
//! log on its standard input, runs the pipeline, reports progress as JSON lines on one stream
//! and ends with one JSON result on the other. The process is the job's fence: an abort, a
//! stack overflow or a runaway allocation ends it alone, and the service sees it as a failed
//! job (`service::child`). It caps its own CPU time where the system lets it.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::jobs::JobOptions;

/// Longest spec line, bytes.
const MAX_SPEC: u64 = 1 << 20;

/// What the service asks of one job (the first line of the worker's input).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// The submitter's options.
    pub options: JobOptions,
    /// Year for year-less timestamps when the options give none.
    pub year: i32,
    /// Largest event, bytes.
    pub max_event_bytes: usize,
    /// Retrieval knowledge bases.
    pub kb: Vec<PathBuf>,
    /// CPU seconds the job may use (the process's own limit).
    pub cpu_seconds: u64,
}

/// One progress message (a JSON line).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    /// Bytes of the log read.
    Bytes(u64),
    /// A stage starts.
    Stage(String),
    /// Events in the log (once clustered).
    EventsTotal(usize),
    /// More events turned into rules.
    Events(usize),
}

/// The worker's result (its last output).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every file of the tree, and per package folder the first lines of the events its rule
    /// was made for.
    Done {
        /// The files.
        files: BTreeMap<PathBuf, String>,
        /// The member lines.
        members: BTreeMap<PathBuf, Vec<u32>>,
    },
    /// A failure with its code and message.
    Failed {
        /// Stable code (`bad_log`, `bad_spec`, `internal`, …).
        code: String,
        /// What happened.
        message: String,
    },
}

struct Lines<W: Write + Send>(Mutex<W>);

impl<W: Write + Send> Lines<W> {
    fn send(&self, m: &Message) {
        if let (Ok(mut w), Ok(line)) = (self.0.lock(), serde_json::to_string(m)) {
            // A service that stopped listening is not the job's failure.
            let _ = writeln!(w, "{line}");
            let _ = w.flush();
        }
    }
}

impl<W: Write + Send> pipeline::Progress for Lines<W> {
    fn bytes(&self, read: u64) {
        self.send(&Message::Bytes(read));
    }
    fn stage(&self, name: &'static str) {
        self.send(&Message::Stage(name.to_string()));
    }
    fn events(&self, n: usize) {
        self.send(&Message::Events(n));
    }
}

/// Runs one job: the spec line and the log from `input`, progress lines to `progress`, the
/// [`Outcome`] to `output`. Returns the process's exit code (0 done, 1 failed).
pub fn run(
    input: impl Read + Send + 'static,
    output: impl Write,
    progress: impl Write + Send,
) -> i32 {
    let outcome = job(input, &Lines(Mutex::new(progress)));
    let code = i32::from(matches!(outcome, Outcome::Failed { .. }));
    let mut output = std::io::BufWriter::new(output);
    match serde_json::to_writer(&mut output, &outcome) {
        Ok(()) if output.flush().is_ok() => code,
        _ => 1,
    }
}

fn failed(code: &str, message: impl Into<String>) -> Outcome {
    Outcome::Failed {
        code: code.into(),
        message: message.into(),
    }
}

fn job<W: Write + Send>(input: impl Read + Send + 'static, progress: &Lines<W>) -> Outcome {
    let started = Instant::now();
    let mut input = std::io::BufReader::new(input);
    let mut line = String::new();
    if let Err(e) = std::io::Read::by_ref(&mut input)
        .take(MAX_SPEC)
        .read_line(&mut line)
    {
        return failed("bad_spec", format!("the job spec cannot be read: {e}"));
    }
    let spec: JobSpec = match serde_json::from_str(&line) {
        Ok(s) => s,
        Err(e) => return failed("bad_spec", format!("the job spec is not valid: {e}")),
    };
    limit_cpu(spec.cpu_seconds);
    let kb = if spec.kb.is_empty() {
        field_assign::kb::Kb::default()
    } else {
        match field_assign::kb::Kb::load(&spec.kb) {
            Ok(kb) => kb,
            Err(e) => return failed("internal", format!("the knowledge base: {e}")),
        }
    };
    let clustered = match pipeline::cluster::cluster_stream(
        Box::new(input),
        spec.max_event_bytes,
        pipeline::cluster::KEEP_TEXTS,
        progress,
    ) {
        Ok(c) => c,
        Err(e) => return pipeline_failure(e),
    };
    progress.send(&Message::EventsTotal(clustered.events));
    let engine = field_assign::engine::Retrieval::new(&kb);
    let options = &spec.options;
    let opts = rule_gen::Options {
        tests: options.tests.unwrap_or(3),
        year: options.year.unwrap_or(spec.year),
        meta: rule_gen::Meta {
            vendor: options.vendor.clone(),
            product: options.product.clone(),
            source: options.source.clone(),
        },
    };
    let name = options.name.clone().unwrap_or_else(|| "upload.log".into());
    match pipeline::generate::generate(
        &clustered,
        &name,
        &engine,
        pipeline::generate::Writers::default(),
        &opts,
        started,
        progress,
    ) {
        Ok(out) => Outcome::Done {
            files: out.files,
            members: out.members,
        },
        Err(e) => pipeline_failure(e),
    }
}

fn pipeline_failure(e: pipeline::Error) -> Outcome {
    match e {
        pipeline::Error::Read(e) => failed("bad_log", format!("the log cannot be read: {e}")),
        e => failed("internal", e.to_string()),
    }
}

/// Caps this process's CPU time (SIGXCPU past it) and turns off core files.
fn limit_cpu(seconds: u64) {
    #[cfg(unix)]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        if seconds > 0 {
            let _ = setrlimit(
                Resource::Cpu,
                Rlimit {
                    current: Some(seconds),
                    maximum: Some(seconds.saturating_add(5)),
                },
            );
        }
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        );
    }
    #[cfg(not(unix))]
    let _ = seconds;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_line() -> String {
        let spec = JobSpec {
            options: JobOptions {
                name: Some("t.log".into()),
                ..JobOptions::default()
            },
            year: 2024,
            max_event_bytes: 1 << 20,
            kb: Vec::new(),
            cpu_seconds: 0,
        };
        serde_json::to_string(&spec).unwrap() + "\n"
    }

    #[test]
    fn a_log_becomes_files_and_progress_lines() {
        let mut input = spec_line().into_bytes();
        for i in 0..30 {
            input.extend(
                format!("Jan  1 00:00:{i:02} host sshd[1]: Accepted password for u{i} from 10.0.0.{i} port 22 ssh2\n")
                    .bytes(),
            );
        }
        let (mut out, mut progress) = (Vec::new(), Vec::new());
        assert_eq!(run(std::io::Cursor::new(input), &mut out, &mut progress), 0);
        let Outcome::Done { files, members } = serde_json::from_slice(&out).unwrap() else {
            panic!("{}", String::from_utf8_lossy(&out));
        };
        assert!(files.keys().any(|p| p.ends_with("formula.xp")), "{files:?}");
        assert!(files.contains_key(&PathBuf::from("report.json")));
        // Every event is a member of one package: the 30 lines, once.
        let mut lines: Vec<u32> = members.values().flatten().copied().collect();
        lines.sort_unstable();
        assert_eq!(lines, (1..=30).collect::<Vec<u32>>());
        let messages: Vec<Message> = String::from_utf8(progress)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(messages
            .iter()
            .any(|m| matches!(m, Message::EventsTotal(30))));
        assert!(messages
            .iter()
            .any(|m| matches!(m, Message::Stage(s) if s == "generating")));
    }

    #[test]
    fn a_bad_spec_fails_with_its_code() {
        let (mut out, mut progress) = (Vec::new(), Vec::new());
        let input = std::io::Cursor::new(b"{\"nope\": 1}\nlog\n".to_vec());
        assert_eq!(run(input, &mut out, &mut progress), 1);
        let o: Outcome = serde_json::from_slice(&out).unwrap();
        assert!(matches!(o, Outcome::Failed { code, .. } if code == "bad_spec"));
    }
}
