//! The `msgid` task: the type identifier of one raw event (`4624`, `ADD_USER`, `execve`), or
//! NOT_FIELD when the event names none. The answer is untrusted: its first line is kept only
//! when it is NOT_FIELD or an identifier-shaped string the event itself contains; anything else
//! is a fallback, and the deterministic identifier stands.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use llm::{Llm, Request, Task};
use serde::Serialize;

use crate::prompt::{msgid, msgid_answer, NOT_FIELD};

/// What the model answered for one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// An identifier the event contains.
    Id(String),
    /// The event names no type.
    NotField,
    /// No usable answer (failed request, or a value the event does not contain).
    Fallback,
}

/// The `msgid` task on a model.
pub struct MsgidTask<'a> {
    llm: &'a dyn Llm,
    /// Requests sent.
    pub calls: AtomicUsize,
    /// Answers not kept.
    pub fallbacks: AtomicUsize,
}

impl std::fmt::Debug for MsgidTask<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MsgidTask")
            .field("llm", &self.llm.name())
            .field("calls", &self.calls)
            .field("fallbacks", &self.fallbacks)
            .finish()
    }
}

impl<'a> MsgidTask<'a> {
    /// The task on `llm`.
    pub fn new(llm: &'a dyn Llm) -> MsgidTask<'a> {
        MsgidTask {
            llm,
            calls: AtomicUsize::new(0),
            fallbacks: AtomicUsize::new(0),
        }
    }

    /// The identifier of `raw` (of kind `kind`).
    pub fn extract(&self, kind: ingest::Kind, raw: &str) -> Answer {
        let Ok(prompt) = msgid(kind, raw) else {
            self.fallbacks.fetch_add(1, Ordering::Relaxed);
            return Answer::Fallback;
        };
        self.calls.fetch_add(1, Ordering::Relaxed);
        // Unconstrained: under a regex constraint the model never ends early (mistralrs 0.8.1
        // kept "4624" going as "4624LEGATOLEGATO…" to the token limit, measured on the
        // held-out Security events); the answer is checked instead.
        let req = Request {
            task: Task::Msgid,
            prompt,
            constraint: None,
            max_tokens: 24,
        };
        let answer = match self.llm.complete(&req) {
            Ok(text) => check(raw, &text),
            Err(_) => Answer::Fallback,
        };
        if answer == Answer::Fallback {
            self.fallbacks.fetch_add(1, Ordering::Relaxed);
        }
        answer
    }
}

/// An answer, checked against its event.
pub fn check(raw: &str, text: &str) -> Answer {
    let t = text.trim().lines().next().unwrap_or("").trim();
    if t == NOT_FIELD {
        Answer::NotField
    } else if !t.is_empty() && t.len() <= 48 && is_identifier(t) && raw.contains(t) {
        Answer::Id(t.to_string())
    } else {
        Answer::Fallback
    }
}

/// Whether `v` looks like an identifier (no spaces or quotes).
fn is_identifier(v: &str) -> bool {
    v.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/' | '-'))
}

/// Scores of the task on a KB's test pairs, as (msgid, value) pairs like the field scores of
/// `eval kb`: an identifier answer is a generated pair, right when it equals the expert's msgid.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Scores {
    /// Test pairs asked.
    pub events: usize,
    /// Pairs whose expert norm has a msgid.
    pub expert: usize,
    /// Identifier answers kept.
    pub generated: usize,
    /// Of those, equal to the expert's msgid.
    pub correct: usize,
    /// Pairs whose event does not spell its msgid (the expected answer is NOT_FIELD).
    pub not_field_expected: usize,
    /// Of those, answered NOT_FIELD.
    pub not_field_right: usize,
    /// Answers not kept.
    pub fallbacks: usize,
    /// correct / generated.
    pub precision: f64,
    /// correct / expert.
    pub recall: f64,
    /// Wall time, seconds.
    pub seconds: f64,
}

/// Runs the task on every test pair of the packages under `dir` whose path contains one of
/// `sources` (all when empty).
pub fn evaluate(
    dir: &Path,
    sources: &[String],
    llm: &dyn Llm,
) -> Result<Scores, xp_package::Error> {
    let t0 = std::time::Instant::now();
    let task = MsgidTask::new(llm);
    let mut s = Scores::default();
    for p in xp_package::find_packages(&[dir.to_path_buf()])? {
        let rel = p.dir.strip_prefix(dir).unwrap_or(&p.dir).to_string_lossy();
        if !sources.is_empty() && !sources.iter().any(|x| rel.contains(x.as_str())) {
            continue;
        }
        for t in p.tests() {
            let Ok((raw, norm)) = t.read() else { continue };
            let raw = raw.trim_end_matches(['\n', '\r']).to_string();
            s.events += 1;
            let expert = match norm.get("msgid") {
                Some(serde_json::Value::String(v)) => Some(v.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            if expert.is_some() {
                s.expert += 1;
            }
            let expected_not_field = msgid_answer(&raw, &norm) == NOT_FIELD;
            if expected_not_field {
                s.not_field_expected += 1;
            }
            match task.extract(field_assign::kb::kind_of(&raw), &raw) {
                Answer::Id(v) => {
                    s.generated += 1;
                    if expert.as_deref() == Some(v.as_str()) {
                        s.correct += 1;
                    }
                }
                Answer::NotField if expected_not_field => s.not_field_right += 1,
                Answer::NotField => {}
                Answer::Fallback => s.fallbacks += 1,
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    s.precision = ratio(s.correct, s.generated);
    s.recall = ratio(s.correct, s.expert);
    s.seconds = t0.elapsed().as_secs_f64();
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked_against_the_event() {
        let raw = r#"{"EventID": "4624"}"#;
        assert_eq!(check(raw, " 4624\n"), Answer::Id("4624".into()));
        assert_eq!(check(raw, "NOT_FIELD"), Answer::NotField);
        // A value the event does not contain is invented: not kept.
        assert_eq!(check(raw, "4625"), Answer::Fallback);
        assert_eq!(check(raw, ""), Answer::Fallback);
        assert_eq!(check(raw, "EventID 4624"), Answer::Fallback);
    }

    #[test]
    fn evaluates_replayed_answers() {
        // A model that always answers NOT_FIELD: no pairs generated, every fallback-free.
        struct Never;
        impl Llm for Never {
            fn name(&self) -> String {
                "never".into()
            }
            fn complete(&self, _: &Request) -> Result<String, llm::Error> {
                Ok(NOT_FIELD.into())
            }
        }
        let kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knowledge-base");
        let s = evaluate(&kb, &[], &Never).unwrap();
        assert!(s.events > 0);
        assert_eq!((s.generated, s.fallbacks), (0, 0));
        assert_eq!(s.recall, 0.0);
    }
}
