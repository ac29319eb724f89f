//! **source_signatures**: well-known event sources recognised by what their events contain
//! (`schema/source-signatures.tsv`) give the `event_src.*` constants when nothing before did.
//!
//! A sample whose every member holds `Microsoft-Windows-Sysmon` → `event_src.vendor =
//! "microsoft"`, `event_src.title = "sysmon"`.

use crate::engine::builder::Builder;
use crate::engine::Ctx;
use crate::{lexicon, Source, Why};

/// The constants of the first signature every sampled member shows.
pub(crate) fn signatures(ctx: &Ctx<'_>, b: &mut Builder) {
    let sample: Vec<&str> = ctx.sample().collect();
    for (f, v) in lexicon::source_constants(&sample) {
        b.set(f, Source::Const(v.to_string()), Why::Lexicon);
    }
}
