//! The norm-fields task with the real base model and the real adapter of `adapters/`, on a
//! Windows logon event written for this test. Skipped with a notice when the model is not
//! pulled; `NORMFORGE_REQUIRE_MODEL=1` (CI) makes that a failure.

use field_assign::{Assignment, ClusterView, FieldAssigner};
use llm::Llm;

const EVENT: &str = r#"{"Event": {"System": {"Provider": {"Name": "Microsoft-Windows-Security-Auditing"},
 "EventID": "4625", "Keywords": "0x8010000000000000", "TimeCreated": {"SystemTime": "2024-05-02T10:11:12.345Z"},
 "Channel": "Security", "Computer": "ws-17.corp.example"},
 "EventData": {"Data": [{"Name": "TargetUserName", "text": "jdoe"}, {"Name": "TargetDomainName", "text": "CORP"},
 {"Name": "LogonType", "text": "3"}, {"Name": "IpAddress", "text": "198.51.100.9"}, {"Name": "IpPort", "text": "50111"}]}}}"#;

struct Nothing;

impl FieldAssigner for Nothing {
    fn name(&self) -> &str {
        "nothing"
    }
    fn assign(&self, _: &ClusterView<'_>) -> Assignment {
        Assignment::default()
    }
}

#[test]
fn the_norm_fields_adapter_answers_checked_classification_fields() {
    let Some(m) = normforge_tests::adapter_model(llm::Task::NormFields, "norm-fields adapter")
    else {
        return;
    };
    let floor = Nothing;
    let a = llm_tasks::fields::LlmAssigner::new(&floor, &m);
    let head = "EVENTLOG = 'EventID=\"4625\"'";
    let members = [EVENT];
    let out = a.assign(&ClusterView {
        kind: ingest::Kind::Eventlog,
        head,
        captures: &[],
        members: &members,
        identifier: Some("EventID=4625"),
    });
    assert_eq!(a.model.calls(), 1, "{}", m.name());
    // Whatever the model says, only checked classification fields come through.
    assert!(a.model.fallbacks() == 0, "{out:?}");
    assert!(!out.fields.is_empty(), "{out:?}");
    for f in &out.fields {
        assert!(llm_tasks::prompt::is_answer_field(&f.field), "{f:?}");
        assert_eq!(f.why, field_assign::Why::Llm);
    }
}
