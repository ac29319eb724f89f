//! The `i18n` task: the English event description of a rule from the fields it sets
//! (`The user {subject.account.name} logged in from {src.ip} on host {event_src.host}`).
//! The answer is untrusted: an invented `on host {…}` is repaired to `{event_src.host}`, and
//! [`rule_gen::describe::redescribe`] keeps it only when its placeholders name fields the rule
//! sets; the Russian text stays the engine's (SmolLM2 is English-first).

use std::sync::atomic::{AtomicUsize, Ordering};

use llm::{Llm, Request, Task};
use rule_gen::describe::{acceptable, allowed_placeholders, repair, Describer, RuleView};

use crate::prompt::i18n;

/// Longest answer asked for, in tokens.
pub const MAX_TOKENS: usize = 64;

/// The `i18n` task on a model.
pub struct I18nTask<'a> {
    llm: &'a dyn Llm,
    /// Requests sent.
    pub calls: AtomicUsize,
    /// Answers not kept (failed request, or a text that fails the checks).
    pub fallbacks: AtomicUsize,
}

impl std::fmt::Debug for I18nTask<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18nTask")
            .field("llm", &self.llm.name())
            .field("calls", &self.calls)
            .field("fallbacks", &self.fallbacks)
            .finish()
    }
}

impl<'a> I18nTask<'a> {
    /// The task on `llm`.
    pub fn new(llm: &'a dyn Llm) -> I18nTask<'a> {
        I18nTask {
            llm,
            calls: AtomicUsize::new(0),
            fallbacks: AtomicUsize::new(0),
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
        format!("i18n on {}", self.llm.name())
    }

    fn describe(&self, rule: &RuleView<'_>) -> Option<String> {
        let fail = || {
            self.fallbacks.fetch_add(1, Ordering::Relaxed);
            None
        };
        let Ok(prompt) = i18n(rule.kind, rule.norms) else {
            return fail();
        };
        self.calls.fetch_add(1, Ordering::Relaxed);
        let req = Request {
            task: Task::I18n,
            prompt,
            constraint: None,
            max_tokens: MAX_TOKENS,
        };
        let Ok(reply) = self.llm.complete(&req) else {
            return fail();
        };
        let allowed = allowed_placeholders(rule.norms);
        let text = repair(&clean(&reply), &allowed);
        if acceptable(&text, &allowed) {
            Some(text)
        } else {
            fail()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Says(&'static str);
    impl Llm for Says {
        fn name(&self) -> String {
            "says".into()
        }
        fn complete(&self, req: &Request) -> Result<String, llm::Error> {
            assert_eq!(req.task, Task::I18n);
            Ok(self.0.into())
        }
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
        let says =
            Says("'The user {subject.account.name} logged in on host {event_src.host}'\nmore");
        let t = I18nTask::new(&says);
        assert_eq!(
            t.describe(&view).as_deref(),
            Some("The user {subject.account.name} logged in on host {event_src.host}")
        );
        let says = Says("The user {object.account.name} logged in");
        let t = I18nTask::new(&says);
        assert_eq!(t.describe(&view), None);
        assert_eq!(t.fallbacks.load(Ordering::Relaxed), 1);
    }
}
