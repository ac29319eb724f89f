//! **cef**: what every CEF rule states from the header (ArcSight's CEF format: `CEF:Version|
//! Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`): the
//! vendor and product as the event source, the signature id as msgid, the severity as
//! importance, and the Name, when it is a verb form, as the act.
//!
//! `CEF:0|Acme|Firewall|1.0|100|Configuration changed|3|…` → `event_src.vendor`,
//! `event_src.title`, `msgid = "100"`, `importance = "low"`, `action = "modify"`.

use ingest::Kind;

use crate::engine::builder::{Builder, Override};
use crate::engine::Ctx;
use crate::{ClusterView, Source, Why};

/// The header of a CEF cluster.
fn header_of(view: &ClusterView<'_>) -> Option<crate::cef::Header> {
    (view.kind == Kind::Cef)
        .then(|| crate::cef::header(view.head))
        .flatten()
}

/// Whether the cluster is CEF with a header read.
pub(crate) fn is_cef(view: &ClusterView<'_>) -> bool {
    header_of(view).is_some()
}

/// The header's conventions.
pub(crate) fn header_conventions(view: &ClusterView<'_>, b: &mut Builder) {
    if let Some(h) = header_of(view) {
        cef_conventions(view.head, &h, b);
    }
}

/// A CEF event's Name is its title (`Configuration changed`).
pub(crate) fn name_title(ctx: &Ctx<'_>, b: &mut Builder) {
    if let Some(crate::cef::Part::Literal(name)) = header_of(ctx.view).as_ref().map(|h| &h.name) {
        let t = crate::title::classify_title(name);
        // An alert's name uses acts as nouns (`Web login brute force`): only a verb
        // form states what happened.
        let t = if t.verb_form {
            t
        } else {
            crate::title::TitleClass::default()
        };
        if let Some(a) = t.action {
            b.set("action", Source::Const(a.into()), Why::Title);
        }
        if let Some(o) = t.object {
            b.set("object", Source::Const(o.into()), Why::Title);
        }
        if let Some(st) = t.status {
            b.set("status", Source::Const(st.into()), Why::Title);
        }
        ctx.engine.categories(b);
    }
}

/// What every CEF rule states from the header: the vendor and product as the event source
/// (`event_src.vendor`, `event_src.title` in the taxonomy's spelling; they outweigh what the
/// nearest rule of another source said), the signature id as msgid, the severity as importance.
pub(crate) fn cef_conventions(head: &str, h: &crate::cef::Header, b: &mut Builder) {
    use crate::cef::{self, Part};
    for (part, field) in [
        (&h.vendor, "event_src.vendor"),
        (&h.product, "event_src.title"),
    ] {
        if let Part::Literal(v) = part {
            if let Some(name) = cef::source_name(v) {
                b.replace(
                    field,
                    Source::Const(name),
                    Why::Cef,
                    Override::Only(&[Why::Nearest]),
                );
            }
        }
    }
    match &h.signature {
        Part::Literal(s) if !s.trim().is_empty() => {
            b.set("msgid", Source::Const(s.trim().to_string()), Why::Cef);
        }
        Part::Var(v) => b.set("msgid", Source::Expr(v.clone()), Why::Cef),
        Part::Literal(_) => {}
    }
    match &h.severity {
        Part::Literal(s) => {
            if let Some(i) = cef::importance(s) {
                b.set("importance", Source::Const(i.into()), Why::Cef);
            }
        }
        Part::Var(v) if head.contains(&format!("{{{v}=NUMBER}}")) => {
            b.set(
                "importance",
                Source::Expr(cef::importance_expr(v)),
                Why::Cef,
            );
        }
        Part::Var(_) => {}
    }
}
