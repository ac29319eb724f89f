//! **windows**: Windows event conventions. A logon's target account is the one logging on (the
//! subject; the reporting `Subject*` account gives way); the audit keywords state success or
//! failure (bit 0x0020000000000000 Audit Success, 0x0010000000000000 Audit Failure, as
//! Microsoft documents `Keywords`); the log an event was written to (`Channel`) is its source's
//! subsystem.
//!
//! `<EventID>4624</EventID>…<Keywords>0x8020000000000000</Keywords><Channel>Security</Channel>`
//! → `status = "success"`, `event_src.subsys = $Channel`.

use std::collections::BTreeSet;

use crate::engine::builder::Builder;
use crate::kb::Transform;
use crate::slots::{Slot, Slots};
use crate::{lexicon, Source, Why};

/// A Windows event's subsystem is the log it was written to.
pub(crate) fn channel(slots: &Slots, b: &mut Builder) {
    if let Some(c) = slots
        .slots
        .iter()
        .find(|s| s.key == "Channel" && s.parent.is_none())
    {
        b.set(
            "event_src.subsys",
            Source::Expr(c.expr.clone()),
            Why::Lexicon,
        );
    }
}

/// In a logon event (it has a logon type) the target account is the one logging on: it is
/// the subject, and the reporting account (Windows `Subject*`, often the machine itself or
/// nobody) gives way.
/// Whether it did.
pub(crate) fn logon_target_is_subject(
    known: &mut Vec<(&Slot, (&'static str, Transform, usize))>,
) -> bool {
    if !known.iter().any(|(_, (f, _, _))| *f == "logon_type") {
        return false;
    }
    let target = |s: &Slot| lexicon::normalize_key(&s.key).starts_with("target");
    if !known
        .iter()
        .any(|(s, (f, _, _))| target(s) && f.starts_with("object.account."))
    {
        return false;
    }
    let kept = std::mem::take(known)
        .into_iter()
        .filter(|(s, (f, _, _))| target(s) || !f.starts_with("subject.account."));
    known.extend(kept);
    for (s, (f, _, _)) in known.iter_mut() {
        if target(s) {
            if let Some(rest) = f.strip_prefix("object.account.") {
                *f = match rest {
                    "name" => "subject.account.name",
                    "domain" => "subject.account.domain",
                    "id" => "subject.account.id",
                    "session_id" => "subject.account.session_id",
                    _ => f,
                };
            }
        }
    }
    true
}

/// Windows audit keywords: bit 0x0020000000000000 is Audit Success, 0x0010000000000000 Audit
/// Failure. A constant when the cluster agrees, else an `if` on the values seen.
pub(crate) fn audit_status(slots: &Slots) -> Option<Source> {
    let s = slots.slots.iter().find(|s| s.key == "Keywords")?;
    let state = |v: &str| {
        let n = u64::from_str_radix(
            v.trim().trim_start_matches("0x").trim_start_matches("0X"),
            16,
        )
        .ok()?;
        if n & 0x0020_0000_0000_0000 != 0 {
            Some("success")
        } else if n & 0x0010_0000_0000_0000 != 0 {
            Some("failure")
        } else {
            None
        }
    };
    let vals: Vec<&String> = s.values.iter().flatten().collect();
    let states: Vec<&str> = vals.iter().map(|v| state(v)).collect::<Option<_>>()?;
    if vals.len() != s.values.len() || states.is_empty() {
        return None;
    }
    if states.iter().all(|x| *x == states[0]) {
        return Some(Source::Const(states[0].to_string()));
    }
    let ok: BTreeSet<String> = vals
        .iter()
        .filter(|v| state(v) == Some("success"))
        .map(|v| xp_syntax::printer::quote_str(v, '"'))
        .collect();
    let list = ok.into_iter().collect::<Vec<_>>().join(", ");
    Some(Source::Expr(format!(
        "if in_list([{list}], {}) then \"success\" else \"failure\" endif",
        s.expr
    )))
}
