//! **processes**: in an event that a process started or stopped, that process is the object;
//! a start that names the new process apart reports its creator as the parent too.
//!
//! Sysmon 1 `Image=C:\\x.exe ParentImage=…` → `object.process.fullpath = $Image`,
//! `object.process.parent.fullpath = $ParentImage`.

use xp_taxonomy::Taxonomy;

use crate::engine::builder::{Builder, Override};
use crate::slots::Slots;
use crate::{Source, Why};

/// In an event that a process started or stopped, the one process the event describes is the
/// object (Sysmon's `Image` in "Process creation", audit's execve `pid`/`ppid`, "A process has
/// exited"): keys a lexicon reads as the acting process (`Image` → subject.process.fullpath)
/// move to object.process.*, its parent's to object.process.parent.*. Where the event names
/// the new process apart (4688 `NewProcessName`), the other process is the creator: nothing
/// moves.
pub(crate) fn started_process_is_the_object(b: &mut Builder) {
    let act = matches!(b.constant("action"), Some("start" | "stop"));
    if !act || b.constant("object") != Some("process") {
        return;
    }
    let named_apart = b.fields().iter().any(|a| {
        a.field.starts_with("object.process.")
            && !a.field.starts_with("object.process.parent.")
            && !matches!(
                a.field.as_str(),
                "object.process.cmdline" | "object.process.meta"
            )
    });
    if named_apart {
        return;
    }
    b.move_prefix("subject.process.", "object.process.", Override::Any);
    // The file the event names (audit execve's `PATH` record) is the started program, which
    // the process fields now say: it is no second object.
    b.remove_where(
        |f| {
            matches!(
                f,
                "object.fullpath" | "object.name" | "object.path" | "object.type" | "object.id"
            )
        },
        Override::Any,
    );
}

/// A process start that names the new process apart from the process that made it
/// (Windows 4688: `NewProcessId` beside the creator's `ProcessId`; a `fork`'s child) reports
/// the creator, its subject, as the new process's parent too, when the two ids differ in
/// every member (an `exec` keeps its pid: the process that calls it is no parent).
pub(crate) fn creator_is_the_parent(slots: &Slots, b: &mut Builder) {
    let act = matches!(b.constant("action"), Some("start"));
    if !act || b.constant("object") != Some("process") {
        return;
    }
    let values = |f: &str| -> Option<Vec<Option<String>>> {
        let Some(Source::Expr(e)) = b.get(f).map(|a| &a.source) else {
            return None;
        };
        slots
            .slots
            .iter()
            .find(|s| e.contains(s.expr.as_str()))
            .map(|s| s.values.clone())
    };
    let (Some(new), Some(creator)) = (values("object.process.id"), values("subject.process.id"))
    else {
        return;
    };
    let differ = new
        .iter()
        .zip(&creator)
        .all(|(n, c)| matches!((n, c), (Some(n), Some(c)) if n != c));
    if !differ {
        return;
    }
    // The creator stays the actor too: it is the subject that started the process.
    let copies: Vec<(String, Source)> = b
        .fields()
        .iter()
        .filter_map(|a| {
            let rest = a.field.strip_prefix("subject.process.")?;
            let to = format!("object.process.parent.{rest}");
            (!rest.starts_with("parent.") && Taxonomy::embedded().get(&to).is_some())
                .then(|| (to, a.source.clone()))
        })
        .collect();
    for (to, source) in copies {
        b.set(&to, source, Why::Creator);
    }
}
