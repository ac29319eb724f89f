//! The shipped `msgid` adapter on the real base model: it names the type identifier of
//! hand-written events (never KB text) and its answers are checked against the event. Skipped
//! with a notice when the model is not pulled; `NORMFORGE_REQUIRE_MODEL=1` (CI) makes that a
//! failure.

use ingest::Kind;
use llm_tasks::msgid::{Answer, MsgidTask};

#[test]
fn the_msgid_adapter_names_the_event_id_of_a_windows_event() {
    let Some(model) = normforge_tests::adapter_model(llm::Task::Msgid, "msgid adapter") else {
        return;
    };
    let task = MsgidTask::new(&model);
    // A process-creation event in the KB's Windows JSON shape, written for this test.
    let raw = r#"{"Event": {"System": {"Provider": {"Name": "Microsoft-Windows-Security-Auditing"}, "EventID": "4688", "Channel": "Security", "Computer": "ws-17.corp.example", "TimeCreated": {"SystemTime": "2025-02-03T04:05:06.789Z"}}, "EventData": {"Data": [{"Name": "SubjectUserName", "text": "mira"}, {"Name": "NewProcessName", "text": "C:\\Windows\\System32\\whoami.exe"}, {"Name": "NewProcessId", "text": "0x1f4"}]}}}"#;
    assert_eq!(task.extract(Kind::Eventlog, raw), Answer::Id("4688".into()));
}
