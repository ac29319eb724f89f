//! **paths**: the experts' path idiom. A full path gives the name (its last component) and the
//! path (the rest); a relative path is made full with the working directory; a command line is
//! not the program's path.
//!
//! `exe="/usr/sbin/sshd"` → `$subject_process_parts = csv($exe, "/", "")`,
//! `subject.process.name = $subject_process_parts[length($subject_process_parts) - 1]`,
//! `subject.process.path = strip($exe, "", …)`.

use crate::engine::builder::{Builder, Override};
use crate::engine::values::unquote;
use crate::slots::Slots;
use crate::{Source, Why};

/// A path relative to the process's working directory (audit `PATH` records name what the
/// call was given: `toor`, `./x`, `.`) is made full with that directory (`/root/toor`).
pub(crate) fn relative_to_cwd(slots: &Slots, b: &mut Builder) {
    let (Some(Source::Expr(e)), Some(Source::Expr(cwd))) = (
        b.get("object.fullpath").map(|a| a.source.clone()),
        b.get("subject.process.cwd").map(|a| a.source.clone()),
    ) else {
        return;
    };
    let Some(slot) = slots.slots.iter().find(|s| e.contains(s.expr.as_str())) else {
        return;
    };
    let relative = slot
        .values
        .iter()
        .flatten()
        .map(|v| unquote(v))
        .any(|v| !v.is_empty() && !v.starts_with('/'));
    if !relative {
        return;
    }
    b.push_prelude(format!("$object_given_path = {e}"));
    let p = "$object_given_path";
    let joined = format!(
        "if {p} == null or substr({p}, 0, 1) == \"/\" then {p} elif {p} == \".\" then {cwd} \
         else replace({cwd} + \"/\" + strip({p}, \"./\", \"\"), \"/\", \"//\") endif"
    );
    b.rewrite("object.fullpath", Source::Expr(joined), Why::Cwd);
}

/// A command line is not the program's path: when the value a process's `cmdline` reads is
/// also its `fullpath` (learned from records whose commands had no arguments), the path is the
/// command line's first word.
pub(crate) fn command_line_is_no_path(b: &mut Builder) {
    for prefix in ["subject.process", "object.process"] {
        let full = format!("{prefix}.fullpath");
        let cmd = format!("{prefix}.cmdline");
        let same = match (b.get(&full), b.get(&cmd)) {
            (Some(f), Some(c)) => f.source == c.source,
            _ => false,
        };
        if let (true, Some(Source::Expr(e))) = (same, b.get(&cmd).map(|a| a.source.clone())) {
            b.replace(
                &full,
                Source::Expr(format!("csv({e}, \" \", \"\")[0]")),
                Why::CommandLine,
                Override::Any,
            );
        }
    }
}

/// The experts' path idiom: a full path gives the name (its last component) and the path
/// (the rest, separator included), read with `csv()` on the separator the values use.
pub(crate) fn path_split(slots: &Slots, b: &mut Builder) {
    for prefix in [
        "subject.process",
        "object.process",
        "object",
        "subject.process.parent",
        "object.process.parent",
    ] {
        let full = format!("{prefix}.fullpath");
        let Some(Source::Expr(e)) = b.get(&full).map(|a| a.source.clone()) else {
            continue;
        };
        let Some(slot) = slots.slots.iter().find(|s| e.contains(s.expr.as_str())) else {
            continue;
        };
        let vals: Vec<&str> = slot.values.iter().flatten().map(|v| unquote(v)).collect();
        let joined = b.get(&full).is_some_and(|a| a.why == Why::Cwd);
        let sep = if joined || vals.iter().all(|v| v.contains('/') && !v.ends_with('/')) {
            "/"
        } else if vals.iter().all(|v| v.contains('\\') && !v.ends_with('\\')) {
            "\\"
        } else {
            continue;
        };
        let var = format!("${}_parts", prefix.replace('.', "_"));
        let name = format!("{var}[length({var}) - 1]");
        b.push_prelude(format!(
            "{var} = csv({e}, {}, \"\")",
            xp_syntax::printer::quote_str(sep, '"')
        ));
        // The path names the program; a name read elsewhere may be cut short (the kernel's
        // `comm` holds 15 bytes: `gnome-keyring-d`) or be the interpreter's (`python` for
        // `/usr/bin/python2.7`).
        let short = format!("{prefix}.name");
        b.replace(
            &short,
            Source::Expr(name.clone()),
            Why::PathSplit,
            Override::Only(&[Why::Lexicon]),
        );
        b.set(
            &format!("{prefix}.path"),
            Source::Expr(format!("strip({e}, \"\", {name})")),
            Why::PathSplit,
        );
    }
}
