//! **firewall**: a verdict on traffic (`allow`, `deny` a connection) is a rule's act: the
//! subject is the rule, the verdict carried out a success, the judged process the object.
//!
//! `Deny tcp src outside:203.0.113.50/40000 dst inside:10.10.1.5/3389` → `subject = "rule"`,
//! `status = "success"`.

use crate::engine::builder::{Builder, Override};
use crate::{Source, Why};

/// A verdict on traffic (`allow`, `deny` a connection) is a rule's act (the experts' firewall rules:
/// `subject = "rule"`): the process whose connection was judged is the object, and the
/// verdict carried out is a success, whatever word it is told with (`blocked` is no failure
/// of the filter).
pub(crate) fn verdict_of_a_rule(b: &mut Builder) {
    if !matches!(b.constant("action"), Some("allow" | "deny"))
        || b.constant("object") != Some("connection")
    {
        return;
    }
    if b.constant("subject") != Some("rule") {
        b.replace(
            "subject",
            Source::Const("rule".into()),
            Why::Verdict,
            Override::Any,
        );
    }
    if b.constant("status") == Some("failure") {
        b.replace(
            "status",
            Source::Const("success".into()),
            Why::Verdict,
            Override::Any,
        );
    }
    if !b.has_prefix("object.process.") {
        // The program that logged the line (`kernel:`) is the reporter, not the process.
        b.move_prefix(
            "subject.process.",
            "object.process.",
            Override::Except(&[Why::Syslog]),
        );
    }
}
