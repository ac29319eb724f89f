//! **status** from the event's own outcome: a result key whose values are outcome words
//! (`res=success`, `outcome=failure`), a value that can only be an outcome under any key
//! (`"ConsoleLogin": "Failure"`), an error key some events fill (`errorCode`).
//!
//! `res=failed` → `status = if in_list(["failed"], $res) then "failure" else "success" endif`.

use std::collections::BTreeSet;

use crate::engine::expr::slot_expr;
use crate::engine::passes::linux_audit::avc_decision;
use crate::engine::passes::pam::{pam_stage, PamStages};
use crate::engine::values::unquote;
use ingest::Kind;

use crate::engine::builder::Builder;
use crate::engine::passes::classify::{compared_values, structured_title};
use crate::engine::passes::windows::audit_status;
use crate::slots::Slots;
use crate::{lexicon, ClusterView, Source, Why};

/// The status from the first outcome key whose every value states one: a constant when the
/// cluster agrees, else an `if` on the value.
pub(crate) fn status_of(slots: &Slots) -> Option<Source> {
    for s in &slots.slots {
        if !lexicon::is_result_key(&s.key) {
            continue;
        }
        let vals: Vec<&String> = s.values.iter().flatten().collect();
        let states: Option<Vec<&str>> = vals.iter().map(|v| lexicon::status_word(v)).collect();
        let Some(states) = states.filter(|x| !x.is_empty()) else {
            continue;
        };
        // The outcome stays read per event even where every member agrees: the next event
        // may fail. The members' success words name it, their failure words when none
        // succeeded.
        let (named, other) = if states.iter().all(|x| *x == "failure") {
            ("failure", "success")
        } else {
            ("success", "failure")
        };
        let listed: BTreeSet<String> = vals
            .iter()
            .filter(|v| lexicon::status_word(v) == Some(named))
            .map(|v| xp_syntax::printer::quote_str(v, '"'))
            .collect();
        let list = listed.into_iter().collect::<Vec<_>>().join(", ");
        // A PAM stage before the session that succeeded leaves the login under way.
        let success = match pam_stage(slots) {
            None => "\"success\"".to_string(),
            Some(PamStages::All) => "\"ongoing\"".to_string(),
            Some(PamStages::Some { op, stages }) => {
                format!("if in_list([{stages}], {op}) then \"ongoing\" else \"success\" endif")
            }
        };
        let quoted = |st: &str| {
            if st == "success" {
                success.clone()
            } else {
                format!("\"{st}\"")
            }
        };
        return Some(Source::Expr(format!(
            "if in_list([{list}], {}) then {} else {} endif",
            s.expr,
            quoted(named),
            quoted(other)
        )));
    }
    avc_decision(slots).or_else(|| outcome_words(slots))
}

/// A value that can only be an outcome, whatever its key is called
/// (`"responseElements": {"ConsoleLogin": "Failure"}`; `schema/outcome-words.tsv`, `any-value`).
pub(crate) fn outcome_word(v: &str) -> Option<&'static str> {
    let v = unquote(v).trim_matches('"').to_ascii_lowercase();
    lexicon::outcome_of(&v, "any-value")
}

/// A slot whose every value is an outcome word states the status, read per event.
pub(crate) fn outcome_words(slots: &Slots) -> Option<Source> {
    let s = slots.slots.iter().find(|s| {
        s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| outcome_word(v).is_some())
    })?;
    let failures: Vec<String> = lexicon::outcome_words("any-value")
        .filter(|(_, o)| *o == "failure")
        .map(|(w, _)| xp_syntax::printer::quote_str(w, '"'))
        .collect();
    Some(Source::Expr(format!(
        "if in_list([{}], lower({})) then \"failure\" else \"success\" endif",
        failures.join(", "),
        slot_expr(s)
    )))
}

/// An action key whose values name acts in words, some of them a failure's
/// (`"event.action": "anonymous_access_denied"` beside `"authentication_success"`): the event
/// failed where its act's name holds a failure word of messages (`schema/outcome-words.tsv`,
/// read as parts of the name, so an act the members do not show is read too).
pub(crate) fn failed_action(slots: &Slots) -> Option<Source> {
    let failure_words: Vec<&str> = lexicon::outcome_words("message-word")
        .filter(|(w, o)| *o == "failure" && w.len() >= 4)
        .map(|(w, _)| w)
        .collect();
    let failed = |v: &str| {
        lexicon::split_words(unquote(v))
            .iter()
            .any(|w| failure_words.contains(&w.as_str()))
    };
    let s = slots.slots.iter().find(|s| {
        (lexicon::has_role(&s.key, "action-key") || names_an_event(&s.expr))
            && s.values.iter().flatten().any(|v| failed(v))
    })?;
    let e = slot_expr(s);
    // `fail` finds `failed` and `failures` too.
    let tests: Vec<String> = failure_words
        .iter()
        .filter(|w| !failure_words.iter().any(|u| u != *w && w.contains(u)))
        .map(|w| {
            format!(
                "find_substr(lower({e}), {}) != null",
                xp_syntax::printer::quote_str(w, '"')
            )
        })
        .collect();
    Some(Source::Expr(format!(
        "if {} then \"failure\" else \"success\" endif",
        tests.join(" or ")
    )))
}

/// A `name` in a list of events (`$events[0]["name"]`, Google Workspace's activity records:
/// `"events": [{"name": "login_failure"}]`): the parent's word, singular, and the key together
/// name an action key (`eventname`).
fn names_an_event(expr: &str) -> bool {
    let segments: Vec<&str> = expr
        .split(['[', ']', '"', '$'])
        .filter(|p| !p.is_empty() && !p.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let [.., parent, key] = segments.as_slice() else {
        return false;
    };
    let parent = parent.strip_suffix('s').unwrap_or(parent);
    lexicon::has_role(&format!("{parent}{key}"), "action-key")
}

/// An error key that some members fill (`"errorCode": "AccessDenied"`) and others leave out
/// or null: the event failed where it holds a value other than a zero code.
pub(crate) fn error_present(slots: &Slots) -> Option<Source> {
    let s = slots.slots.iter().find(|s| {
        lexicon::is_error_key(&s.key) && s.values.iter().flatten().any(|v| !unquote(v).is_empty())
    })?;
    // An error code of zero is no error (Entra ID's `"errorCode": 0`, an exit status 0).
    Some(Source::Expr(format!(
        "if {e} != null and {e} != \"\" and string({e}) != \"0\" then \"failure\" else \"success\" endif",
        e = s.expr
    )))
}

/// A message's outcome key states its status: a key=value record's `res=failed`, a CEF
/// extension's `outcome=failure`, a capture named `result`.
pub(crate) fn keyvalue_status(slots: &Slots, b: &mut Builder) {
    if let Some(st) = status_of(slots) {
        b.set("status", st, Why::Words);
    }
}

/// A structured event's status: from an outcome key, then Windows audit keywords, the
/// documented title, an error key some events fill, an act's name some events call a failure,
/// and last the outcome words of the type's own name (`event=login_failed`: its values, not the key names a COND tests — `$error == null`
/// says nothing failed).
pub(crate) fn structured_status(view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
    if let Some(st) = status_of(slots) {
        b.set("status", st, Why::Words);
    }
    if view.kind == Kind::Eventlog {
        if let Some(st) = audit_status(slots) {
            b.set("status", st, Why::Keywords);
        }
    }
    if let Some(st) = structured_title(view, slots).status {
        b.set("status", Source::Const(st.into()), Why::Title);
    }
    if let Some(st) = error_present(slots) {
        b.set("status", st, Why::Error);
    }
    if let Some(st) = failed_action(slots) {
        b.set("status", st, Why::Words);
    }
    if !b.has("status") {
        let mut named = compared_values(view.head);
        for c in view.identifier.unwrap_or("").split(' ') {
            if let Some((_, v)) = c.split_once('=') {
                named.push(' ');
                named.push_str(v);
            }
        }
        let words = lexicon::split_words(&named);
        if let Some(st) = words.iter().find_map(|w| lexicon::status_word(w)) {
            b.set("status", Source::Const(st.into()), Why::Words);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_in_a_list_of_events_is_an_action() {
        assert!(names_an_event(r#"$events[0]["name"]"#));
        assert!(!names_an_event(r#"$user["name"]"#));
        assert!(!names_an_event("$name"));
    }
}
