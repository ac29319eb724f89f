//! The LLM field assigner: the deterministic engine first (the floor), then the `norm-fields`
//! task for the classification fields the engine left open. An answer is kept only when it
//! parses as a JSON object whose keys are classification fields and whose values are short
//! non-empty strings; anything else counts as a fallback.

use std::sync::atomic::{AtomicUsize, Ordering};

use field_assign::{Assigned, Assignment, ClusterView, FieldAssigner, Source};
use llm::{Constraint, Llm, Request, Task};

use crate::counted::Counted;
use crate::prompt::{is_answer_field, norm_fields, norm_fields_schema};

/// What the model added, beyond its calls and fallbacks.
#[derive(Debug, Default)]
pub struct Stats {
    /// Answers kept (at least one field used).
    pub used: AtomicUsize,
    /// Fields the model added.
    pub fields: AtomicUsize,
}

/// Engine + model.
pub struct LlmAssigner<'a> {
    floor: &'a dyn FieldAssigner,
    /// The model, with its calls and fallbacks.
    pub model: Counted<'a>,
    /// What it added.
    pub stats: Stats,
}

impl std::fmt::Debug for LlmAssigner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmAssigner")
            .field("model", &self.model)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl<'a> LlmAssigner<'a> {
    /// The model on top of an engine.
    pub fn new(floor: &'a dyn FieldAssigner, llm: &'a dyn Llm) -> LlmAssigner<'a> {
        LlmAssigner {
            floor,
            model: Counted::new(llm),
            stats: Stats::default(),
        }
    }
}

/// The classification fields of an answer, checked.
pub fn parse_answer(text: &str) -> Option<Vec<(String, String)>> {
    let v: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
    let obj = v.as_object()?;
    let mut out = Vec::new();
    for (k, v) in obj {
        let s = v.as_str()?.trim();
        if !is_answer_field(k) || s.is_empty() || s.len() > 48 {
            return None;
        }
        out.push((k.clone(), s.to_string()));
    }
    Some(out)
}

impl FieldAssigner for LlmAssigner<'_> {
    fn name(&self) -> &str {
        "retrieval+llm:norm-fields"
    }

    fn assign(&self, view: &ClusterView<'_>) -> Assignment {
        let mut a = self.floor.assign(view);
        let Some(raw) = view.members.first() else {
            return a;
        };
        let Ok(prompt) = norm_fields(view.kind, view.head, raw) else {
            return a;
        };
        let req = Request {
            task: Task::NormFields,
            prompt,
            constraint: Some(Constraint::JsonSchema(norm_fields_schema())),
            max_tokens: 160,
        };
        let Some(fields) = self.model.ask(&req).ok().and_then(|t| parse_answer(&t)) else {
            self.model.fallback::<()>();
            return a;
        };
        let mut added = 0;
        for (f, v) in fields {
            if a.get(&f).is_none() {
                a.fields.push(Assigned {
                    field: f,
                    source: Source::Const(v),
                    why: field_assign::Why::Llm,
                });
                added += 1;
            }
        }
        if added > 0 {
            self.stats.used.fetch_add(1, Ordering::Relaxed);
            self.stats.fields.fetch_add(added, Ordering::Relaxed);
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked() {
        assert_eq!(
            parse_answer(r#"{"action": "login", "status": "success"}"#)
                .unwrap()
                .len(),
            2
        );
        assert!(parse_answer(r#"{"src.ip": "1.2.3.4"}"#).is_none());
        assert!(parse_answer(r#"{"action": ""}"#).is_none());
        assert!(parse_answer("not json").is_none());
    }
}
