//! The `i18n` task: the English event description of a rule from the fields it sets
//! (`The user {subject.account.name} logged in from {src.ip} on host {event_src.host}`).
//! The answer is untrusted: an invented `on host {…}` is repaired to `{event_src.host}`, and
//! [`rule_gen::describe::redescribe`] keeps it only when its placeholders name fields the rule
//! sets; the Russian text stays the engine's (SmolLM2 is English-first).

use llm::{Llm, Task};
use rule_gen::describe::{acceptable, allowed_placeholders, repair, Describer, RuleView};

use crate::counted::Counted;
use crate::prompt::i18n;

/// Longest answer asked for, in tokens.
pub const MAX_TOKENS: usize = 64;

/// The `i18n` task on a model.
#[derive(Debug)]
pub struct I18nTask<'a> {
    /// The model, with its calls and fallbacks.
    pub model: Counted<'a>,
}

impl<'a> I18nTask<'a> {
    /// The task on `llm`.
    pub fn new(llm: &'a dyn Llm) -> I18nTask<'a> {
        I18nTask {
            model: Counted::new(llm),
        }
    }
}

/// The description in a reply: its first line, without the quotes a YAML-minded model adds.
pub fn clean(reply: &str) -> String {
    let t = reply.trim().lines().next().unwrap_or("").trim();
    let t = t.strip_prefix("EventDescription:").unwrap_or(t).trim();
    let unq = t
        .strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .or_else(|| t.strip_prefix('"').and_then(|x| x.strip_suffix('"')))
        .unwrap_or(t);
    unq.replace("''", "'")
}

impl Describer for I18nTask<'_> {
    fn name(&self) -> String {
        format!("i18n on {}", self.model.name())
    }

    fn describe(&self, rule: &RuleView<'_>) -> Option<String> {
        let allowed = allowed_placeholders(rule.norms);
        self.model.ask_checked(
            Task::I18n,
            i18n(rule.kind, rule.norms),
            MAX_TOKENS,
            |reply| {
                let text = repair(&clean(reply), &allowed);
                acceptable(&text, &allowed).then_some(text)
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counted::Replies;
    use llm::Request;

    fn says(reply: &'static str) -> Replies<impl Fn(&Request) -> String + Send + Sync> {
        Replies(move |req: &Request| {
            assert_eq!(req.task, Task::I18n);
            reply.to_string()
        })
    }

    fn norms() -> Vec<serde_json::Map<String, serde_json::Value>> {
        vec![
            serde_json::json!({"subject.account.name": "ann", "event_src.hostname": "h"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        ]
    }

    #[test]
    fn keeps_checked_answers_only() {
        let n = norms();
        let view = RuleView {
            kind: "TEXT",
            norms: &n,
        };
        let model =
            says("'The user {subject.account.name} logged in on host {event_src.host}'\nmore");
        let t = I18nTask::new(&model);
        assert_eq!(
            t.describe(&view).as_deref(),
            Some("The user {subject.account.name} logged in on host {event_src.host}")
        );
        let model = says("The user {object.account.name} logged in");
        let t = I18nTask::new(&model);
        assert_eq!(t.describe(&view), None);
        assert_eq!(t.model.fallbacks(), 1);
    }
}
