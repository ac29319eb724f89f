//! Training samples from a knowledge base: the experts' rules are the data. For `norm-fields`,
//! each test pair gives the prompt (kind, the rule's header, the raw event) and the answer
//! (the expert's classification fields of that event, as JSON); for `msgid`, the prompt is the
//! event and the answer its msgid as the event spells it, or NOT_FIELD; for `i18n`, the
//! prompt is the fields of the expert norm and the answer the English description the
//! package gives that event (samples whose placeholders the event cannot fill are left out);
//! for `xp-text` / `xp-structured` (events of that kind only), the prompt is the kind, the
//! rule's head and the event, and the answer the rule's value mapping ([`crate::xp::answer`]);
//! for `metainfo`, the prompt is the kind, a line-shaped event's text and the fields of the
//! expert norm, and the answer the rule's folder name (`4624_An_account_was_successfully_logged_on`).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::prompt::{answer_fields, i18n, metainfo, msgid, msgid_answer, norm_fields};

/// Errors of building a dataset.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The KB cannot be read.
    #[error(transparent)]
    Package(#[from] xp_package::Error),
    /// The task has no dataset builder yet.
    #[error("no dataset for task `{0}`")]
    Unsupported(String),
}

/// One sample.
#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    /// The prompt.
    pub prompt: String,
    /// The answer.
    pub completion: String,
    /// The rule folder it comes from (not written to training files' text).
    pub rule: String,
}

/// The `norm-fields` answer of an expert norm: its classification fields, in a fixed order.
pub fn norm_fields_answer(norm: &serde_json::Map<String, serde_json::Value>) -> String {
    let mut m = serde_json::Map::new();
    for f in answer_fields() {
        if let Some(serde_json::Value::String(v)) = norm.get(f) {
            m.insert(f.to_string(), serde_json::Value::String(v.clone()));
        }
    }
    serde_json::Value::Object(m).to_string()
}

/// The header of a formula (its first line) for prompts.
fn header_of(formula: &str) -> String {
    formula
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("")
        .to_string()
}

/// Samples of `task` from every package under `dirs` (at most `per_rule` test pairs each),
/// leaving out rules under any of `exclude`.
pub fn build(
    dirs: &[PathBuf],
    task: llm::Task,
    per_rule: usize,
    exclude: &[PathBuf],
) -> Result<Vec<Sample>, Error> {
    if !matches!(
        task,
        llm::Task::NormFields
            | llm::Task::Msgid
            | llm::Task::I18n
            | llm::Task::Metainfo
            | llm::Task::XpText
            | llm::Task::XpStructured
    ) {
        return Err(Error::Unsupported(task.name().to_string()));
    }
    let mut out = Vec::new();
    for p in xp_package::find_packages(dirs)? {
        if exclude.iter().any(|x| p.dir.starts_with(x)) {
            continue;
        }
        let Ok(formula) = p.read_formula() else {
            continue;
        };
        let header = header_of(&formula);
        for t in p.tests().into_iter().take(per_rule) {
            let Ok((raw, norm)) = t.read() else { continue };
            let kind = field_assign::kb::kind_of(&raw);
            let (prompt, completion) = match task {
                llm::Task::Msgid => (msgid(kind, &raw), msgid_answer(&raw, &norm)),
                llm::Task::I18n => {
                    // The description the package gives this event, its placeholders only
                    // of fields the event has (the rule as the experts tested it).
                    let Some(d) = xp_package::describe::description(&p.dir, "en", &norm) else {
                        continue;
                    };
                    let norms = [norm.clone()];
                    if !rule_gen::describe::acceptable(
                        &d,
                        &rule_gen::describe::allowed_placeholders(&norms),
                    ) {
                        continue;
                    }
                    (i18n(kind.name(), &norms), d)
                }
                llm::Task::XpText | llm::Task::XpStructured => {
                    if crate::prompt::xp_task(kind) != task {
                        continue;
                    }
                    let Some(answer) = crate::xp::answer(&formula) else {
                        continue;
                    };
                    (
                        crate::prompt::xp(kind, &crate::xp::head_of(&formula), &raw, None),
                        answer,
                    )
                }
                llm::Task::Metainfo => {
                    let Some(name) = p.dir.file_name() else {
                        continue;
                    };
                    (
                        metainfo(kind.name(), Some(&raw), std::slice::from_ref(&norm)),
                        name.to_string_lossy().to_string(),
                    )
                }
                _ => (norm_fields(kind, &header, &raw), norm_fields_answer(&norm)),
            };
            let Ok(prompt) = prompt else {
                continue;
            };
            out.push(Sample {
                prompt,
                completion,
                rule: rel(&p.dir, dirs),
            });
        }
    }
    Ok(out)
}

fn rel(dir: &Path, roots: &[PathBuf]) -> String {
    roots
        .iter()
        .find_map(|r| dir.strip_prefix(r).ok())
        .unwrap_or(dir)
        .to_string_lossy()
        .to_string()
}
