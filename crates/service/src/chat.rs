//! `POST /v1/chat/completions`: the service as an OpenAI-compatible server for the model it was
//! started with (`serve --llm embedded`), the task's adapter chosen by the model name — what
//! `--llm openai` of another normforge (or any OpenAI client) talks to. One thread owns the
//! model and answers requests in turn (one model in memory; the embedded backend runs its own
//! async runtime, so it stays off the service's).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;

/// The model's thread.
pub struct ChatModel {
    tx: std::sync::Mutex<std::sync::mpsc::Sender<Job>>,
    name: String,
}

type Job = (
    llm::Request,
    tokio::sync::oneshot::Sender<Result<String, String>>,
);

impl ChatModel {
    /// Starts the thread that owns `model`.
    pub fn start(model: Arc<dyn llm::Llm>) -> ChatModel {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let name = model.name();
        std::thread::spawn(move || {
            for (req, reply) in rx {
                let _ = reply.send(model.complete(&req).map_err(|e| e.to_string()));
            }
        });
        ChatModel {
            tx: std::sync::Mutex::new(tx),
            name,
        }
    }

    /// Completes one request.
    pub async fn complete(&self, req: llm::Request) -> Result<String, ApiError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.tx
            .lock()
            .map_err(|_| internal("the model thread is gone"))?
            .send((req, reply))
            .map_err(|_| internal("the model thread is gone"))?;
        answer
            .await
            .map_err(|_| internal("the model thread stopped"))?
            .map_err(|m| {
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "inference",
                    m,
                )
            })
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn internal(m: &str) -> ApiError {
    ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal", m)
}

/// A chat-completions request (the fields this server reads).
#[derive(Debug, Deserialize)]
pub struct ChatRequest {
    /// The task whose adapter answers (`norm-fields`, `msgid`, …).
    pub model: String,
    /// Messages; the last `user` one is the prompt.
    pub messages: Vec<Message>,
    /// Largest number of generated tokens (default 256, at most 4096).
    pub max_tokens: Option<usize>,
    /// `{"type": "json_schema", "json_schema": {"schema": …}}` constrains the output.
    pub response_format: Option<Value>,
    /// A regular expression the output must match (vLLM's extension).
    pub guided_regex: Option<String>,
    /// Ignored: decoding is greedy.
    pub temperature: Option<f64>,
}

/// A chat message.
#[derive(Debug, Deserialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// Its text.
    pub content: String,
}

/// The request as an [`llm::Request`].
pub fn to_request(c: &ChatRequest) -> Result<llm::Request, ApiError> {
    let task = llm::Task::from_name(&c.model).ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "model_not_found",
            format!(
                "no model `{}`; the models are the tasks: {}",
                c.model,
                llm::Task::ALL.map(llm::Task::name).join(", ")
            ),
        )
    })?;
    let prompt = c
        .messages
        .iter()
        .rev()
        .find(|m| m.role == "user")
        .map(|m| m.content.clone())
        .ok_or_else(|| ApiError::bad_request("no_prompt", "no `user` message"))?;
    let constraint = match (&c.response_format, &c.guided_regex) {
        (Some(f), _) if f["type"] == "json_schema" => Some(llm::Constraint::JsonSchema(
            f["json_schema"]["schema"].clone(),
        )),
        (_, Some(r)) => Some(llm::Constraint::Regex(r.clone())),
        _ => None,
    };
    Ok(llm::Request {
        task,
        prompt,
        constraint,
        max_tokens: c.max_tokens.unwrap_or(256).clamp(1, 4096),
    })
}

/// The reply body.
pub fn reply(model: &str, content: &str) -> Value {
    json!({
        "id": format!("chatcmpl-{}", content.len()),
        "object": "chat.completion",
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop",
        }],
    })
}
