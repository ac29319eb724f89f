//! **switch_user**: a switch-user program's (`su`, `sudo`; `schema/unix-programs.tsv`) session
//! or authentication changes the identity the user acts with: `elevate` (and `deelevate` when
//! the session ends) on the account, not a login to the system.
//!
//! `su[811]: pam_unix(su:session): session opened for user root by alice(uid=1000)` →
//! `action = "elevate"`, `object = "account"`.

use crate::engine::builder::{Builder, Override};
use crate::engine::Ctx;
use crate::{Source, Why};

/// The act of a switch-user program's lines, with its categories.
pub(crate) fn acts(ctx: &Ctx<'_>, b: &mut Builder) {
    if crate::prose::switch_user(ctx.view.members) && switch_user_acts(b) {
        // The categories of the act it now is.
        b.remove_where(
            |f| f.starts_with("category.") || f == "subject",
            Override::Only(&[Why::Precedent, Why::Taxonomy]),
        );
        ctx.engine.categories(b);
    }
}

/// A switch-user program's (`su`, `sudo`) session or authentication changes the identity the
/// user acts with: the experts' `elevate` (and `deelevate` when the session ends) on the
/// account, not a login to the system.
/// Whether it changed the act.
pub(crate) fn switch_user_acts(b: &mut Builder) -> bool {
    let action = b.get("action").map(|a| a.source.clone());
    let act = match action {
        Some(Source::Const(a)) if a == "login" || a == "open" || a == "start" => "elevate",
        Some(Source::Const(a)) if a == "logout" || a == "close" || a == "stop" => "deelevate",
        Some(_) => return false,
        // A record that names the command it ran (sudo's `COMMAND=`) reports the command.
        None if b.has("object.process.cmdline") => {
            b.set("action", Source::Const("execute".into()), Why::SwitchUser);
            b.set("object", Source::Const("command".into()), Why::SwitchUser);
            return true;
        }
        None => "elevate",
    };
    b.remove_where(|f| matches!(f, "action" | "object"), Override::Any);
    b.set("action", Source::Const(act.into()), Why::SwitchUser);
    b.set("object", Source::Const("account".into()), Why::SwitchUser);
    true
}
