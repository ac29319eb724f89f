//! **defaults**: what every rule states when nothing decided it, as the experts' rules do.
//!
//! Any event → `importance = "info"`, `status = "success"` unless set.

use crate::engine::builder::Builder;
use crate::{Source, Why};

/// What every rule states even when nothing above decided it, as the experts' rules do
/// (each of kb/dev's 637 expert events carries both): the event is informational
/// (`importance = "info"`, the lowest level) and, with no outcome key, failure word or audit
/// keyword against it, what it reports happened (`status = "success"`).
pub(crate) fn defaults(b: &mut Builder) {
    b.set("importance", Source::Const("info".into()), Why::Default);
    b.set("status", Source::Const("success".into()), Why::Default);
}
