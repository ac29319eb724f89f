//! **systemd_unit**: a systemd unit a message names (`Started nginx.service`, `nginx.service:
//! Main process exited`) is the object: a service named by the unit.
//!
//! `systemd[1]: Started nginx.service.` → `object = "service"`, `object.name = "nginx.service"`.

use crate::engine::builder::{Builder, Override};
use crate::engine::expr::slot_expr;
use crate::engine::values::unquote;
use crate::engine::Ctx;
use crate::slots::Slots;
use crate::{Source, Why};

/// The unit as the object, with the categories of the act it now is.
pub(crate) fn unit(ctx: &Ctx<'_>, b: &mut Builder) {
    if systemd_unit_object(ctx.view.members, ctx.slots, b) {
        b.remove_where(
            |f| f.starts_with("category.") || f == "subject",
            Override::Only(&[Why::Precedent, Why::Taxonomy]),
        );
        ctx.engine.categories(b);
    }
}

/// A systemd unit a message names (`Started nginx.service`, `nginx.service: Main process
/// exited`) is the object: a service, named by the unit (a constant, or the capture that holds
/// it). Whether the object changed.
pub(crate) fn systemd_unit_object(members: &[&str], slots: &Slots, b: &mut Builder) -> bool {
    let units: Option<Vec<&str>> = members
        .iter()
        .map(|m| {
            let body = ingest::syslog::parse(m).map_or(*m, |h| &m[h.body.min(m.len())..]);
            crate::prose::systemd_unit(body)
        })
        .collect();
    let Some(units) = units.filter(|u| !u.is_empty()) else {
        return false;
    };
    if !units.iter().all(|u| u.ends_with(".service")) {
        return false;
    }
    if !matches!(
        b.constant("object"),
        None | Some("process" | "application" | "service")
    ) {
        return false;
    }
    let name = if units.iter().all(|u| *u == units[0]) {
        Some(Source::Const(units[0].to_string()))
    } else {
        // The slots read a sample of the members: each of its values is one of the units.
        slots.slots.iter().find_map(|s| {
            let vals: Vec<&str> = s.values.iter().flatten().map(|v| unquote(v)).collect();
            if vals.is_empty() || vals.len() != s.values.len() {
                None
            } else if vals.iter().all(|v| units.contains(v)) {
                Some(Source::Expr(slot_expr(s)))
            } else if vals
                .iter()
                .all(|v| units.contains(&format!("{v}.service").as_str()))
            {
                Some(Source::Expr(format!("{} + \".service\"", slot_expr(s))))
            } else {
                None
            }
        })
    };
    // The process fields a matching KB rule set stay: an expert rule of this very event says
    // the unit's process is the object too.
    b.remove("object", Override::Any);
    b.remove_where(
        |f| f.starts_with("object.process."),
        Override::Except(&[Why::KbRule]),
    );
    b.set("object", Source::Const("service".into()), Why::SystemdUnit);
    if let Some(n) = name {
        b.set("object.name", n, Why::SystemdUnit);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_is_the_object_and_a_kb_rules_process_fields_stay() {
        let mut b = Builder::new(Vec::new());
        b.set("object", Source::Const("process".into()), Why::Words);
        b.set(
            "object.process.name",
            Source::Const("nginx".into()),
            Why::KbRule,
        );
        b.set(
            "object.process.id",
            Source::Expr("$pid".into()),
            Why::Lexicon,
        );
        let members = ["Nov  4 08:02:58 web systemd[1]: Started nginx.service."];
        let slots = Slots {
            prelude: Vec::new(),
            slots: Vec::new(),
        };
        assert!(systemd_unit_object(&members, &slots, &mut b));
        assert_eq!(b.constant("object"), Some("service"));
        assert_eq!(b.constant("object.name"), Some("nginx.service"));
        assert_eq!(b.constant("object.process.name"), Some("nginx"));
        assert!(!b.has("object.process.id"));
    }
}
