//! One process, several task adapters: every load must give the model of its own task.
//! mistralrs 0.8.1 remembers each loaded adapter per thread and merged all of them into every
//! later model (`llm::embedded` resets that list); measured before the fix, an answer after a
//! load of another adapter was the base model's babble. Real model and shipped adapters;
//! skipped with a notice when the model is not pulled, required in CI.

use llm::{Llm, Request, Task};
use normforge_tests::workspace_root;

const EVENT: &str = r#"{"Event": {"System": {"Provider": {"Name": "Microsoft-Windows-Security-Auditing"}, "EventID": "4720", "Channel": "Security", "Computer": "dc1.corp.example"}, "EventData": {"Data": [{"Name": "TargetUserName", "text": "svc-backup"}, {"Name": "SubjectUserName", "text": "admin7"}]}}}"#;

fn ask(m: &dyn Llm, task: Task, prompt: &str) -> String {
    m.complete(&Request {
        task,
        prompt: prompt.to_string(),
        constraint: None,
        max_tokens: 24,
    })
    .unwrap()
}

#[test]
fn an_adapter_answers_the_same_after_another_adapter_was_loaded() {
    let Some(dir) = normforge_tests::model_dir("adapter swap") else {
        return;
    };
    let adapters = workspace_root().join("adapters");
    let msgid = llm_tasks::prompt::msgid(ingest::Kind::Eventlog, EVENT).unwrap();
    let fields =
        llm_tasks::prompt::norm_fields(ingest::Kind::Eventlog, "EVENTLOG = ''", EVENT).unwrap();
    let first = llm::embedded::Embedded::new(&dir, Some(&adapters)).unwrap();
    let fresh = ask(&first, Task::Msgid, &msgid);
    assert_eq!(fresh.trim(), "4720", "the msgid adapter names the event id");
    // Another task's adapter, then the first one again (a reload on the same thread).
    ask(&first, Task::NormFields, &fields);
    assert_eq!(ask(&first, Task::Msgid, &msgid), fresh);
    drop(first);
    // A second backend in the same process: same answers, and the base model is the base.
    let second = llm::embedded::Embedded::new(&dir, Some(&adapters)).unwrap();
    assert_eq!(ask(&second, Task::Msgid, &msgid), fresh);
    let base = llm::embedded::Embedded::new(&dir, None).unwrap();
    let plain = ask(&base, Task::Msgid, &msgid);
    let again = llm::embedded::Embedded::new(&dir, None).unwrap();
    ask(&second, Task::NormFields, &fields);
    assert_eq!(ask(&again, Task::Msgid, &msgid), plain);
}
