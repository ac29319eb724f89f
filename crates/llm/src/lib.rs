//! Language models behind one small trait, [`Llm`]: a task, a prompt and an optional output
//! constraint in, text out. Three backends:
//!
//! - [`embedded::Embedded`]: mistralrs in process, on CPU — a base model folder plus one LoRA
//!   adapter per task (adapters are merged into the weights when loaded, so one model per task,
//!   loaded lazily, one at a time).
//! - [`openai::OpenAi`]: any OpenAI-compatible server (vLLM with `--enable-lora`,
//!   mistralrs-server); the task's adapter is chosen by model name.
//! - [`replay::Replay`]: recorded replies, for golden tests.
//!
//! [`model`] fetches and prepares the default base model. This crate alone names mistralrs.
#![deny(missing_docs)]

pub mod convert;
pub mod embedded;
pub mod model;
pub mod openai;
pub mod replay;
pub mod tokenizer;
pub mod usage;

pub use usage::Usage;

use serde::{Deserialize, Serialize};

/// Errors of the language-model backends.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Preparing or loading a model failed.
    #[error("model: {0}")]
    Model(String),
    /// A request failed.
    #[error("inference: {0}")]
    Inference(String),
    /// A replay has no recorded reply for this request.
    #[error("no recorded reply for task {task} and this prompt ({hash})")]
    NotRecorded {
        /// The task.
        task: String,
        /// Hash of the prompt.
        hash: String,
    },
}

/// The generation tasks, one adapter each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Task {
    /// Raw event + header captures → norm.js fields.
    NormFields,
    /// XP code for TEXT events.
    XpText,
    /// XP code for structured events.
    XpStructured,
    /// i18n descriptions.
    I18n,
    /// metainfo and the rule name.
    Metainfo,
    /// The event identifier of a raw event, or NOT_FIELD.
    Msgid,
}

impl Task {
    /// Every task.
    pub const ALL: [Task; 6] = [
        Task::NormFields,
        Task::XpText,
        Task::XpStructured,
        Task::I18n,
        Task::Metainfo,
        Task::Msgid,
    ];

    /// Its name (the adapter folder and the served model name).
    pub fn name(self) -> &'static str {
        match self {
            Task::NormFields => "norm-fields",
            Task::XpText => "xp-text",
            Task::XpStructured => "xp-structured",
            Task::I18n => "i18n",
            Task::Metainfo => "metainfo",
            Task::Msgid => "msgid",
        }
    }

    /// The task of a name.
    pub fn from_name(s: &str) -> Option<Task> {
        Task::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// A constraint on the output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Constraint {
    /// Output must match this JSON schema.
    JsonSchema(serde_json::Value),
    /// Output must match this regular expression.
    Regex(String),
}

/// One request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The task (selects the adapter).
    pub task: Task,
    /// The prompt (one user message).
    pub prompt: String,
    /// Optional output constraint.
    pub constraint: Option<Constraint>,
    /// Largest number of generated tokens.
    pub max_tokens: usize,
}

/// A language model.
pub trait Llm: Send + Sync {
    /// A short name for reports.
    fn name(&self) -> String;
    /// Greedy completion of one request.
    fn complete(&self, req: &Request) -> Result<String, Error>;
    /// What it spent so far, when the backend measures it.
    fn usage(&self) -> Option<Usage> {
        None
    }
}

/// A stable hash of a request's task and prompt (replay keys).
pub fn request_hash(req: &Request) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(req.task.name().as_bytes());
    h.update([0]);
    h.update(req.prompt.as_bytes());
    if let Some(c) = &req.constraint {
        h.update([0]);
        h.update(serde_json::to_string(c).unwrap_or_default().as_bytes());
    }
    h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
