//! **cisco_tag**: a Cisco message tag names the type and its severity (`%ASA-4-106023:`:
//! facility ASA, severity 4, message 106023, as Cisco's syslog message guides document).
//!
//! `%ASA-4-106023: Deny tcp src …` → `msgid = "106023"`, `importance = "low"`.

use crate::engine::builder::Builder;
use crate::{ClusterView, Source, Why};

/// The tag every member shows.
pub(crate) fn message_tag(view: &ClusterView<'_>, b: &mut Builder) {
    let tags: Vec<Option<(&str, u8, &str)>> = view
        .members
        .iter()
        .map(|m| crate::prose::cisco_tag(m))
        .collect();
    if let Some(Some(first)) = tags.first() {
        if tags.iter().all(|t| t.as_ref() == Some(first)) {
            b.set("msgid", Source::Const(first.2.into()), Why::CiscoTag);
            b.set(
                "importance",
                Source::Const(crate::prose::severity_importance(first.1).into()),
                Why::CiscoTag,
            );
        }
    }
}
