//! **msgid** and **chain_id** from the cluster's identifier: the record type or event id that
//! types the cluster names `msgid` (an audit record's type, a tagged union's tag, the
//! interpreted form of a key where the record has one, a system call's name by the table); a
//! numeric event id that does not type the cluster numbers the instance (`chain_id`).
//!
//! identifier `EventID=4624` → `msgid = $EventID`; auditd `type=SYSCALL … syscall=59` with
//! `SYSCALL=execve` → `msgid = $SYSCALL`.

use crate::engine::builder::Builder;
use crate::engine::expr::slot_expr;
use crate::engine::passes::linux_audit::cluster_syscall;
use crate::engine::values::unquote;
use crate::slots::Slots;
use crate::{lexicon, Source, Why};

pub(crate) fn msgid_from_identifier(id: &str, slots: &Slots, b: &mut Builder) {
    let candidates: Vec<(&str, &str)> = id.split(' ').filter_map(|c| c.split_once('=')).collect();
    // An audit event of user-space records is of the type of the record that reports the
    // act (`USER_START` beside a collector's `COMMENT`); one with a system call is the call's.
    if let Some((record, _)) = crate::catalog::audit_record(id) {
        if !id.split([' ', '=', '+']).any(|w| w == "SYSCALL") {
            b.set("msgid", Source::Const(record.to_string()), Why::Lexicon);
            return;
        }
    }
    let structural = log_cluster::identifier::STRUCTURAL;
    // The tag counts when nothing else types the event but pairs inside that union's records.
    if let Some((_, tag)) = candidates.first().and_then(|(k, v)| {
        k.strip_prefix(structural)
            .map(|u| (u, *v))
            .filter(|(u, _)| {
                candidates[1..]
                    .iter()
                    .all(|(k, _)| k.starts_with(&format!("{u}.")))
            })
    }) {
        if !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            b.set("msgid", Source::Const(tag.to_string()), Why::Lexicon);
            return;
        }
    }
    let word = |v: &str| {
        let v = unquote(v);
        v.chars().any(|c| c.is_ascii_alphabetic())
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    for (key, _) in candidates {
        if key.starts_with(structural) {
            continue;
        }
        let key = key.rsplit('.').next().unwrap_or(key);
        // An element with attributes keeps its content in `text` (`EventID` with
        // `Qualifiers`: `$EventID["text"]`).
        let Some(plain) = slots.slots.iter().find(|s| s.key == key).or_else(|| {
            slots
                .slots
                .iter()
                .find(|s| s.key == "text" && s.parent.as_deref() == Some(key))
        }) else {
            continue;
        };
        let upper = key.to_uppercase();
        let named = slots
            .slots
            .iter()
            .find(|s| s.key == upper && upper != key && s.values.iter().flatten().all(|v| word(v)));
        let expr = match named {
            // Records without the interpreted field keep the plain one.
            Some(n) if n.values.iter().any(Option::is_none) => format!(
                "if {0} != null then {0} else {1} endif",
                slot_expr(n),
                slot_expr(plain)
            ),
            Some(n) => slot_expr(n),
            None => slot_expr(plain),
        };
        // A raw audit record names its system call by number: the table names it, for the
        // architecture the table is for.
        // The number is tested too: the rule may meet calls its COND does not tell apart.
        let expr = match cluster_syscall(id, slots) {
            Some((call, arch)) => format!(
                "if {} == \"{}\" and {} == \"{}\" then \"{}\" else {expr} endif",
                slot_expr(arch.0),
                arch.1,
                slot_expr(plain),
                crate::catalog::identifier_syscall(id).unwrap_or_default(),
                call.name
            ),
            None => expr,
        };
        b.set("msgid", Source::Expr(expr), Why::Lexicon);
        return;
    }
}

/// `msgid` from the cluster's identifier (candidates `key=value` joined by spaces):
/// a tagged union holding one record names the type (`members:items=USER_LOGIN`); otherwise
/// the first candidate a slot carries, in its interpreted form when the record has one
/// (auditd `SYSCALL=execve` beside `syscall=59`), so the name reads as a type, not a number.
/// A top-level numeric `eventid` that is not what types the cluster (its identifier is
/// another key) numbers the event instance, and records that share it make one event (the
/// auditd serial): `chain_id`.
pub(crate) fn instance_id(identifier: Option<&str>, slots: &Slots, b: &mut Builder) {
    let typing: Vec<String> = identifier
        .unwrap_or("")
        .split(' ')
        .filter_map(|c| c.split_once('='))
        .map(|(k, _)| lexicon::normalize_key(k.rsplit('.').next().unwrap_or(k)))
        .collect();
    let Some(s) = slots.slots.iter().find(|s| {
        !s.expr.contains('[')
            && lexicon::normalize_key(&s.key) == "eventid"
            && !typing.contains(&"eventid".to_string())
            && s.values.iter().flatten().all(|v| {
                let v = unquote(v);
                !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit())
            })
            && s.values.iter().any(Option::is_some)
    }) else {
        return;
    };
    b.set("chain_id", Source::Expr(slot_expr(s)), Why::Lexicon);
}
