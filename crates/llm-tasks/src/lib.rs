//! The generation tasks on a language model ([`llm::Llm`]), each counting its calls and the
//! answers it did not keep through [`counted::Counted`].
//!
//! [`prompt`] renders each task's prompt from its minijinja template (`adapters/prompts/`);
//! [`dataset`] turns a knowledge base into training samples (the experts' rules are the
//! data); [`fields::LlmAssigner`] asks the `norm-fields` task for the classification an event's
//! values cannot show and keeps only answers that parse, name taxonomy fields and leave the
//! deterministic engine's fields alone — the engine is always the floor; [`msgid::MsgidTask`]
//! asks the `msgid` task for an event's type identifier and keeps only NOT_FIELD or a value
//! the event contains; [`i18n::I18nTask`] writes a rule's English event description and keeps
//! it only when its placeholders name fields the rule sets; [`metainfo::NameTask`] names a
//! rule, kept only when the name makes a folder name and the renamed rule still passes;
//! [`xp::XpTask`] asks `xp-text` / `xp-structured` for the XP code mapping values to
//! fields and keeps each line only when the interpreter runs it on the cluster's events.
#![deny(missing_docs)]

pub mod counted;
pub mod dataset;
pub mod fields;
pub mod i18n;
pub mod metainfo;
pub mod msgid;
pub mod prompt;
pub mod xp;

/// The tasks a model run uses unless told otherwise: those whose adapter did better than the
/// engine on sources it had not seen (`adapters/README.md` has the figures). None today: `i18n`
/// was one until the engine's descriptions overtook it (2026-12-05: Security engine chrF en
/// 58.2 against the shipped adapter's 49.4, which had even seen that source). The others stay
/// available by name (`generate --tasks`).
pub const DEFAULT_TASKS: &[llm::Task] = &[];
