//! **subject_object**: `subject` and `object` name what the rule's `subject.*` and `object.*`
//! fields describe when nothing else said it: a process, an account, the file-system or
//! registry object a path names.
//!
//! `object.fullpath` read from `/etc/passwd` → `object = "file_object"`.

use crate::engine::builder::Builder;
use crate::engine::values::unquote;
use crate::engine::Ctx;
use crate::slots::Slots;
use crate::{Source, Why};

/// The object its fields describe, with the categories of the act on it.
pub(crate) fn object(ctx: &Ctx<'_>, b: &mut Builder) {
    if object_from_fields(ctx.slots, b) {
        ctx.engine.categories(b);
    }
}

/// `object` names what the rule's `object.*` fields describe when nothing else said it: a
/// process, or the file-system or registry object a path names. Whether anything was set.
pub(crate) fn object_from_fields(slots: &Slots, b: &mut Builder) -> bool {
    if b.has("object") {
        return false;
    }
    let has = |p: &str| b.fields().iter().any(|a| a.field.starts_with(p));
    // Not `object.account.*`: owners of files and ids of targets are that too (audit `ouid`).
    let object = if has("object.process.") {
        "process"
    } else if let Some(Source::Expr(e)) = b.get("object.fullpath").map(|a| &a.source) {
        let Some(slot) = slots.slots.iter().find(|s| e.contains(s.expr.as_str())) else {
            return false;
        };
        let vals: Vec<&str> = slot.values.iter().flatten().map(|v| unquote(v)).collect();
        let registry = |v: &str| {
            let u = v.to_ascii_uppercase();
            u.starts_with("HK") || u.starts_with("\\REGISTRY\\")
        };
        let file =
            |v: &str| v.starts_with('/') || v.get(1..3) == Some(":\\") || v.starts_with("\\\\");
        if !vals.is_empty() && vals.iter().all(|v| registry(v)) {
            "reg_object"
        } else if !vals.is_empty() && vals.iter().all(|v| file(v)) {
            "file_object"
        } else {
            return false;
        }
    } else {
        return false;
    };
    b.set("object", Source::Const(object.into()), Why::Fields);
    true
}

/// `subject` names what the rule's `subject.*` fields describe: an account when they are
/// all `subject.account.*`, a process when they are all `subject.process.*` (the taxonomy's
/// own reading; kb/dev's expert outputs agree in 213 of 232 such events).
pub(crate) fn subject_from_fields(b: &mut Builder) {
    if b.has("subject") {
        return;
    }
    let has = |p: &str| b.fields().iter().any(|a| a.field.starts_with(p));
    // A named account acts through its process; a process with only a numeric owner is the
    // actor itself (the experts' choice in 8 of 10 such events across their sources).
    let subject = if has("subject.account.name") {
        "account"
    } else if has("subject.process.") {
        "process"
    } else if has("subject.account.") {
        "account"
    } else {
        return;
    };
    b.set("subject", Source::Const(subject.into()), Why::Fields);
}
