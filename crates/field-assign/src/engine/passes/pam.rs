//! **pam**: Linux-PAM records (`op=PAM:authentication acct="jr" exe="/usr/sbin/sshd"`). A
//! stage before the session (authentication, accounting, setcred) that succeeded leaves the
//! login under way (`ongoing`); in a login or logout the service is the system's side (the
//! object's process) and the account `acct` the actor.
//!
//! `type=USER_LOGIN … acct="jr" exe="/usr/sbin/sshd" … res=success` →
//! `subject.account.name = $acct`, `object.process.fullpath` from `exe`.

use std::collections::BTreeSet;

use crate::engine::builder::{Builder, Override};
use crate::engine::expr::{guarded, slot_expr};
use crate::engine::values::unquote;
use crate::slots::{Slot, Slots};
use crate::{Source, Why};

/// Whether an operation is a stage of a PAM conversation that comes before the session
/// (`schema/linux-pam-operations.tsv`: authenticating the user, checking the account,
/// establishing credentials: `op=PAM:authentication`, `PAM:accounting`, `PAM:setcred`). One
/// that succeeded is a step of a login still under way (`ongoing`), as the session's opening
/// is its completion.
fn before_session(op: &str) -> bool {
    crate::tsv::table("linux-pam-operations")
        .data()
        .any(|c| c[0] == op && c[1] == "before-session")
}

/// The PAM stages a cluster's operations name.
pub(crate) enum PamStages {
    /// Every member's operation is such a stage.
    All,
    /// Some are: the operation's expression and those values (quoted, comma-separated).
    Some { op: String, stages: String },
}

/// The operation slot of a cluster of PAM records whose members name pre-session stages.
pub(crate) fn pam_stage(slots: &Slots) -> Option<PamStages> {
    let s = slots.slots.iter().find(|s| {
        s.key == "op"
            && s.values
                .iter()
                .flatten()
                .any(|v| before_session(unquote(v)))
    })?;
    let stage = |v: &Option<String>| v.as_deref().is_some_and(|v| before_session(unquote(v)));
    if s.values.iter().all(stage) {
        return Some(PamStages::All);
    }
    let listed: BTreeSet<String> = s
        .values
        .iter()
        .flatten()
        .filter(|v| before_session(unquote(v)))
        .map(|v| xp_syntax::printer::quote_str(unquote(v), '"'))
        .collect();
    Some(PamStages::Some {
        op: slot_expr(s),
        stages: listed.into_iter().collect::<Vec<_>>().join(", "),
    })
}

/// A PAM record (`acct="jr" exe="/usr/sbin/sshd"`) is written by the service a user goes
/// through for the account `acct`. When the user logs in or out, that service is the
/// system's side of the act, not the actor: its process is the object's, and the user
/// `acct` the subject.
pub(crate) fn login_service_is_the_object(slots: &Slots, b: &mut Builder) {
    if !matches!(b.constant("action"), Some("login" | "logout")) {
        return;
    }
    let record = |s: &Slot| s.expr.split('[').next().unwrap_or("").to_string();
    let pam = slots.slots.iter().any(|e| {
        e.key == "exe"
            && slots
                .slots
                .iter()
                .any(|a| a.key == "acct" && record(a) == record(e))
    });
    if !pam || b.has_prefix("object.process.") {
        return;
    }
    b.move_prefix("subject.process.", "object.process.", Override::Any);
    // The actor is the user who logs in (`acct`), with the login identity (`auid`) when it
    // is set; the service's own user (`uid=0`, root) is not them.
    let find = |k: &str| slots.slots.iter().find(|s| s.key == k);
    let mut replace = |field: &str, slot: Option<&Slot>| {
        let Some(s) = slot else { return };
        b.remove(field, Override::Any);
        // Unset in every member (`auid=4294967295`): no field.
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set(field, Source::Expr(e), Why::Lexicon);
        }
    };
    replace("subject.account.name", find("acct"));
    replace("subject.account.id", find("auid"));
}
