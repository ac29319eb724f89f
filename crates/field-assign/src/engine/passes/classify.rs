//! **classify**: the classification (action, object, status, subject, category.*) from
//! what the event says of itself. A message's words match a pattern of `schema/event-words.tsv`
//! or read like a title (`delete user '…'`); a structured event's type names it (the COND's
//! values, the identifier, a Windows event's documented title); the categories and subject
//! follow the act, as the KB's rules with the same action and object set them, else as the
//! taxonomy's rows for the object (`schema/categories.tsv`).
//!
//! `type=USER_CMD msg=audit(…): … res=success` → `action = "execute"`, `object = "command"`,
//! `status` read from `res`.

use std::collections::BTreeSet;

use ingest::Kind;

use crate::engine::builder::Builder;
use crate::engine::passes::linux_audit::cluster_syscall;
use crate::engine::{Ctx, Retrieval};
use crate::slots::Slots;
use crate::{lexicon, ClusterView, Source, Why};

/// The words of the sampled members.
fn sample_words(ctx: &Ctx<'_>) -> BTreeSet<String> {
    ctx.sample().flat_map(crate::kb::words).collect()
}

impl Retrieval<'_> {
    /// A key=value record's type names what happened (`type=USER_CMD`, `type=USER_AUTH`), as a
    /// structured event's type discriminator does.
    pub(crate) fn keyvalue_record_type(
        &self,
        view: &ClusterView<'_>,
        _slots: &Slots,
        b: &mut Builder,
    ) {
        if let Some(id) = view.identifier {
            // An outcome key's value (`action=accept`) states the status, not the act.
            let values: String = id
                .split(' ')
                .filter_map(|c| c.split_once('='))
                .filter(|(k, _)| !lexicon::is_result_key(k))
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
                .join(" ");
            self.type_words(&lexicon::split_words(&values), b);
        }
    }
}

/// The classification a message's words state (`schema/event-words.tsv` patterns).
pub(crate) fn message_words(ctx: &Ctx<'_>, b: &mut Builder) {
    if let Some(c) = lexicon::classify(&sample_words(ctx)) {
        b.set("subject", Source::Const(c.subject.into()), Why::Lexicon);
        b.set("action", Source::Const(c.action.into()), Why::Lexicon);
        b.set("object", Source::Const(c.object.into()), Why::Lexicon);
        if let Some(st) = c.status {
            b.set("status", Source::Const(st.into()), Why::Lexicon);
        }
        ctx.engine.categories(b);
    }
}

/// A message no word pattern knows reads like a title (`delete user '…'`,
/// `password changed for …`, `new group: name=…`), and says when it failed
/// (`FAILED SU`, `user NOT in sudoers`). (A CEF header's Name is read as an alert's title.)
pub(crate) fn message_title(ctx: &Ctx<'_>, b: &mut Builder) {
    let view = ctx.view;
    let Some(prose) = crate::prose::literal_prose(view.head)
        .filter(|_| !crate::engine::passes::cef::is_cef(view))
    else {
        return;
    };
    if lexicon::classify(&sample_words(ctx)).is_none() {
        let t = crate::title::classify_title(&prose);
        if let Some(a) = t.action {
            b.set("action", Source::Const(a.into()), Why::Title);
        }
        if let Some(o) = t.object {
            b.set("object", Source::Const(o.into()), Why::Title);
        }
    }
    if crate::prose::states_failure(&prose) {
        b.set("status", Source::Const("failure".into()), Why::Words);
    }
    // `Failed to start …`: the act that failed.
    if let Some(a) = crate::prose::failed_act(&prose) {
        if !b.has("action") {
            b.set("action", Source::Const(a.into()), Why::Words);
        }
    }
}

impl Retrieval<'_> {
    /// Action and object from the words of the type discriminator (the head's COND and the
    /// event identifier) and the event's documented title.
    pub(crate) fn classify_structured(
        &self,
        view: &ClusterView<'_>,
        slots: &Slots,
        b: &mut Builder,
    ) {
        // A Windows event's data keys name its fields, not its type: only the compared values
        // (channel, provider) speak for it there.
        let mut text = if view.kind == Kind::Eventlog {
            compared_values(view.head)
        } else {
            view.head.to_string()
        };
        if let Some(i) = view.identifier {
            text.push(' ');
            text.push_str(i);
        }
        let title = structured_title(view, slots);
        if let Some(a) = title.action {
            b.set("action", Source::Const(a.into()), Why::Title);
            if let Some(o) = self.kb.agreed_object(a) {
                b.set("object", Source::Const(o), Why::Precedent);
            }
        }
        if let Some(o) = title.object {
            b.set("object", Source::Const(o.into()), Why::Title);
        }
        self.type_words(&lexicon::split_words(&text), b);
    }

    /// Action and object from the words of an event type's name (`USER_CMD`).
    pub(crate) fn type_words(&self, words: &[String], b: &mut Builder) {
        let (action, object) = lexicon::classify_words(words);
        if let Some(a) = action {
            b.set("action", Source::Const(a.into()), Why::Words);
            // What the act is done to, where every source agrees, outweighs a word of the
            // type's name (auditd `USER_LOGIN` is a login into the system, not an account).
            if let Some(o) = self.kb.agreed_object(a) {
                b.set("object", Source::Const(o), Why::Precedent);
            }
        }
        if let Some(o) = object {
            b.set("object", Source::Const(o.into()), Why::Words);
        }
    }

    /// subject, category.* and importance as the KB's rules with the same action and object
    /// set them.
    pub(crate) fn categories(&self, b: &mut Builder) {
        let Some(action) = b.constant("action").map(str::to_string) else {
            return;
        };
        let object = b.constant("object").map(str::to_string);
        for f in [
            "subject",
            "category.generic",
            "category.high",
            "category.low",
        ] {
            // The categories of an act on an object nobody named are no one's to guess.
            if object.is_none() && f.starts_with("category.") {
                continue;
            }
            if let Some(v) = self.kb.precedent(f, &action, object.as_deref()) {
                b.set(f, Source::Const(v), Why::Precedent);
            }
        }
        // No rule with this action and object: the object alone, for the categories; else
        // the taxonomy's categories for the object.
        if let Some(o) = &object {
            // The object's class and domain, not the kind of act (`category.low`): a verdict on
            // a connection is Control, opening one Communication (the taxonomy's rows say it).
            for f in ["category.generic", "category.high"] {
                if let Some(v) = self.kb.object_precedent(f, o) {
                    b.set(f, Source::Const(v), Why::Precedent);
                }
            }
            if let Some((g, h, l)) = lexicon::object_category(&action, o) {
                b.set("category.generic", Source::Const(g.into()), Why::Taxonomy);
                b.set("category.high", Source::Const(h.into()), Why::Taxonomy);
                b.set("category.low", Source::Const(l.into()), Why::Taxonomy);
            }
        }
    }
}

/// The string literals a COND compares with `==` (`$Channel == "System"` → `System`).
pub(crate) fn compared_values(head: &str) -> String {
    let mut out = String::new();
    let mut rest = head;
    while let Some(i) = rest.find("== \"") {
        let tail = &rest[i + 4..];
        let end = tail.find('"').unwrap_or(tail.len());
        out.push_str(&tail[..end]);
        out.push(' ');
        rest = &tail[end..];
    }
    out
}

/// A structured event's documented title: a Windows event's, or what the system call or the
/// record type of an audit record reports. It states what happened where its data cannot.
pub(crate) fn structured_title(view: &ClusterView<'_>, slots: &Slots) -> crate::title::TitleClass {
    view.identifier
        .and_then(|id| {
            crate::catalog::windows_event_title(id)
                .or_else(|| crate::catalog::audit_record_summary(id))
                .or_else(|| cluster_syscall(id, slots).and_then(|(c, _)| c.summary))
        })
        .map(crate::title::classify_title)
        .unwrap_or_default()
}
