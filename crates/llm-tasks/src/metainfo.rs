//! The `metainfo` task: a rule's name (`4624_An_account_was_successfully_logged_on`,
//! `syscall_ptrace`), from which its folder, `id`, ContentAutoName, ObjectId and
//! LocalizationIds follow. The answer is untrusted: [`rule_gen::rename::rename`] keeps it only
//! when it makes a usable folder name and the renamed rule still reproduces its tests.

use llm::{Llm, Task};
use rule_gen::rename::{usable, NameView, Namer};

use crate::counted::Counted;
use crate::prompt::metainfo;

/// Longest answer asked for, in tokens.
pub const MAX_TOKENS: usize = 24;

/// The `metainfo` task on a model.
#[derive(Debug)]
pub struct NameTask<'a> {
    /// The model, with its calls and fallbacks.
    pub model: Counted<'a>,
}

impl<'a> NameTask<'a> {
    /// The task on `llm`.
    pub fn new(llm: &'a dyn Llm) -> NameTask<'a> {
        NameTask {
            model: Counted::new(llm),
        }
    }
}

/// The name in a reply: its first line, without quotes or a `name:` lead.
pub fn clean(reply: &str) -> String {
    let t = reply.trim().lines().next().unwrap_or("").trim();
    let t = t.strip_prefix("rule name:").unwrap_or(t).trim();
    t.trim_matches(|c| c == '\'' || c == '"' || c == '`')
        .to_string()
}

impl Namer for NameTask<'_> {
    fn name(&self) -> String {
        format!("metainfo on {}", self.model.name())
    }

    fn rule_name(&self, rule: &NameView<'_>) -> Option<String> {
        self.model.ask_checked(
            Task::Metainfo,
            metainfo(rule.kind, rule.raws.first().copied(), rule.norms),
            MAX_TOKENS,
            |reply| usable(&clean(reply), rule.raws),
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
            assert_eq!(req.task, Task::Metainfo);
            assert!(req.prompt.ends_with("rule name:\n"), "{}", req.prompt);
            reply.to_string()
        })
    }

    #[test]
    fn keeps_usable_names_only() {
        let norms = vec![serde_json::json!({"msgid": "4624", "action": "login"})
            .as_object()
            .cloned()
            .unwrap_or_default()];
        let view = NameView {
            kind: "EVENTLOG",
            raws: &[],
            norms: &norms,
            engine: "4624",
        };
        let model = says("'4624_An_account_was_successfully_logged_on'\nmore");
        let t = NameTask::new(&model);
        assert_eq!(
            t.rule_name(&view).as_deref(),
            Some("4624_An_account_was_successfully_logged_on")
        );
        let model = says("--");
        let t = NameTask::new(&model);
        assert_eq!(t.rule_name(&view), None);
        assert_eq!((t.model.calls(), t.model.fallbacks()), (1, 1));
    }
}
