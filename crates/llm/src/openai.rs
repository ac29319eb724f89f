//! An OpenAI-compatible chat-completions server (vLLM with `--enable-lora --lora-modules
//! task=path`, mistralrs-server, …): the task's adapter is the model name.

use serde_json::json;

use crate::{Constraint, Error, Llm, Request};

/// A server.
#[derive(Debug, Clone)]
pub struct OpenAi {
    /// Base URL, e.g. `http://127.0.0.1:8000` (the `/v1/chat/completions` path is added).
    pub endpoint: String,
    /// Model name for every task instead of the task name (a server without adapters).
    pub model: Option<String>,
    /// Request timeout.
    pub timeout: std::time::Duration,
    /// Bearer token sent with each request (another normforge's `serve` token, a hosted API's
    /// key).
    pub token: Option<String>,
}

impl OpenAi {
    /// A client of `endpoint`.
    pub fn new(endpoint: &str) -> OpenAi {
        OpenAi {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            model: None,
            timeout: std::time::Duration::from_secs(300),
            token: None,
        }
    }

    /// The request body.
    pub fn body(&self, req: &Request) -> serde_json::Value {
        let model = self
            .model
            .clone()
            .unwrap_or_else(|| req.task.name().to_string());
        let mut body = json!({
            "model": model,
            "messages": [{"role": "user", "content": req.prompt}],
            "temperature": 0.0,
            "max_tokens": req.max_tokens,
        });
        match &req.constraint {
            Some(Constraint::JsonSchema(s)) => {
                body["response_format"] = json!({
                    "type": "json_schema",
                    "json_schema": {"name": req.task.name(), "schema": s},
                });
            }
            Some(Constraint::Regex(r)) => {
                // vLLM's and mistralrs-server's extension for regex-guided decoding.
                body["guided_regex"] = json!(r);
                body["grammar"] = json!({"type": "regex", "value": r});
            }
            None => {}
        }
        body
    }
}

impl Llm for OpenAi {
    fn name(&self) -> String {
        format!("openai:{}", self.endpoint)
    }

    fn complete(&self, req: &Request) -> Result<String, Error> {
        let url = format!("{}/v1/chat/completions", self.endpoint);
        let agent = ureq::AgentBuilder::new().timeout(self.timeout).build();
        // `X-Normforge` is what a normforge service without a token asks of a request.
        let mut post = agent.post(&url).set("X-Normforge", "1");
        if let Some(t) = &self.token {
            post = post.set("Authorization", &format!("Bearer {t}"));
        }
        let resp = post
            .send_json(self.body(req))
            .map_err(|e| Error::Inference(format!("{url}: {e}")))?;
        let v: serde_json::Value = resp
            .into_json()
            .map_err(|e| Error::Inference(format!("{url}: the reply is not JSON: {e}")))?;
        v["choices"][0]["message"]["content"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| Error::Inference(format!("{url}: the reply has no message content")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Task;

    #[test]
    fn body_names_the_task_adapter_and_the_schema() {
        let c = OpenAi::new("http://127.0.0.1:9/");
        let b = c.body(&Request {
            task: Task::NormFields,
            prompt: "p".into(),
            constraint: Some(Constraint::JsonSchema(json!({"type": "object"}))),
            max_tokens: 5,
        });
        assert_eq!(b["model"], "norm-fields");
        assert_eq!(
            b["response_format"]["json_schema"]["schema"]["type"],
            "object"
        );
        assert_eq!(c.endpoint, "http://127.0.0.1:9");
    }

    #[test]
    fn an_unreachable_server_is_an_error_not_a_panic() {
        let mut c = OpenAi::new("http://127.0.0.1:9");
        c.timeout = std::time::Duration::from_secs(2);
        let r = c.complete(&Request {
            task: Task::Msgid,
            prompt: "p".into(),
            constraint: None,
            max_tokens: 5,
        });
        assert!(matches!(r, Err(Error::Inference(m)) if m.contains("127.0.0.1:9")));
    }
}
