//! The OpenAI-compatible backend (`--llm openai`) against a real server on loopback: normforge's
//! own service serving the real base model and the shipped norm-fields adapter at
//! `/v1/chat/completions`. Its replies must equal the embedded model's for the same requests
//! (greedy decoding), constrained and unconstrained. Skipped with a notice when the model is
//! not pulled; `NORMFORGE_REQUIRE_MODEL=1` (CI) makes that a failure.

use std::sync::Arc;

use llm::{Constraint, Llm, Request, Task};
use normforge_tests::{workspace_root, TestServer};

#[test]
fn the_openai_backend_gets_the_embedded_models_answers_from_a_real_server() {
    let Some(dir) = normforge_tests::model_dir("OpenAI backend against a real server") else {
        return;
    };
    let adapters = workspace_root().join("adapters");
    let model: Arc<dyn Llm> =
        Arc::new(llm::embedded::Embedded::new(&dir, Some(&adapters)).unwrap());
    let requests = [
        Request {
            task: Task::NormFields,
            prompt: "Event: Failed password for root from 203.0.113.7 port 4242 ssh2\nFields:"
                .into(),
            constraint: Some(Constraint::JsonSchema(serde_json::json!({
                "type": "object",
                "properties": {"action": {"type": "string"}, "status": {"type": "string"}},
                "required": ["action", "status"],
                "additionalProperties": false
            }))),
            max_tokens: 40,
        },
        Request {
            task: Task::NormFields,
            prompt: "Name the action of: Accepted publickey for alice from 198.51.100.4".into(),
            constraint: None,
            max_tokens: 12,
        },
    ];
    let direct: Vec<String> = requests
        .iter()
        .map(|r| model.complete(r).unwrap())
        .collect();
    assert!(direct[0].trim_start().starts_with('{'), "{}", direct[0]);

    // The service with that model, on a free loopback port.
    let server = TestServer::start(service::Config {
        llm: Some(model.clone()),
        ..normforge_tests::service_config()
    });
    let mut client = llm::openai::OpenAi::new(&server.url(""));
    client.token = server.token.clone();
    let via_http: Vec<String> = requests
        .iter()
        .map(|r| client.complete(r).unwrap())
        .collect();
    assert_eq!(via_http, direct);
    // A model name that is no task: an error from the server, not a panic.
    let mut other = client.clone();
    other.model = Some("no-such-task".into());
    let e = other.complete(&requests[1]).unwrap_err();
    assert!(e.to_string().contains("404"), "{e}");
}
