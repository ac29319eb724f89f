//! The shipped `i18n` adapter on the real base model: it writes an English event description
//! for a rule from the fields the rule sets (hand-written here, never KB text), and the answer
//! passes the checks every description must pass (placeholders only of fields the rule sets).
//! Skipped with a notice when the model is not pulled; `NORMFORGE_REQUIRE_MODEL=1` (CI) makes
//! that a failure.

use llm_tasks::i18n::I18nTask;
use rule_gen::describe::{acceptable, allowed_placeholders, Describer, RuleView};

#[test]
fn the_i18n_adapter_describes_a_failed_logon() {
    let Some(model) = normforge_tests::adapter_model(llm::Task::I18n, "i18n adapter") else {
        return;
    };
    let task = I18nTask::new(&model);
    let norm = serde_json::json!({
        "subject": "account", "action": "login", "object": "system", "status": "failure",
        "importance": "medium", "msgid": "AUTH_FAIL", "subject.account.name": "dave",
        "src.ip": "203.0.113.77", "event_src.hostname": "gw7", "reason": "bad_password",
    });
    let norms = [norm.as_object().cloned().unwrap()];
    let text = task
        .describe(&RuleView {
            kind: "TEXT",
            norms: &norms,
        })
        .expect("a checked description");
    assert!(acceptable(&text, &allowed_placeholders(&norms)), "{text}");
    assert!(text.contains('{'), "the description names fields: {text}");
    assert_eq!(task.model.fallbacks(), 0);
}
