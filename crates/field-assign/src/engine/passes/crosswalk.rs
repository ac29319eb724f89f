//! **crosswalk**: a structured event whose keys follow a public schema — the Elastic Common
//! Schema (`schema/ecs-crosswalk.tsv`) or OCSF (`schema/ocsf-crosswalk.tsv`) — says what each
//! value is by its whole path: `source.ip` is the source address wherever the event nests it
//! (`{"source": {"ip": …}}`, `{"source.ip": …}`, `{"Source": {"IP": …}}`, under a wrapper such
//! as `{"event_data": {"source": {"ip": …}}}`), `actor.user.name` the acting account. A path
//! matches a row when its last two segments or more equal the row's, segments compared as key
//! names are (case, `_`, `-` ignored); the longest matching row speaks.
//!
//! `{"source": {"ip": "10.4.4.4", "port": 1234}, "user": {"target": {"name": "root"}}}` →
//! `src.ip = $source["ip"]`, `src.port = $source["port"]`,
//! `object.account.name = $user["target"]["name"]`.

use std::collections::BTreeSet;

use xp_taxonomy::Taxonomy;

use crate::engine::builder::Builder;
use crate::engine::expr::{guarded, slot_expr};
use crate::engine::values::{fits, real_values};
use crate::lexicon::normalize_key;
use crate::slots::{Slot, Slots};
use crate::{Source, Why};

/// One crosswalk row usable for assignment: a path (normalized segments), its field, and the
/// path the event must also hold for the row to apply.
struct Row {
    path: Vec<String>,
    field: &'static str,
    beside: Option<Vec<String>>,
}

fn segments(path: &str) -> Vec<String> {
    path.split('.').map(normalize_key).collect()
}

/// The rows, in the order they are tried: OCSF rows with a `beside` (the most specific), ECS
/// rows marked `copy`, the other OCSF rows.
fn rows() -> &'static [Row] {
    static ROWS: std::sync::OnceLock<Vec<Row>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        let ocsf = crate::tsv::table("ocsf-crosswalk");
        let row = |c: &[&'static str], beside: &str| Row {
            path: segments(c[0]),
            field: c[1],
            beside: (!beside.is_empty()).then(|| segments(beside)),
        };
        let mut out: Vec<Row> = ocsf
            .data()
            .filter(|c| !c[2].is_empty())
            .map(|c| row(c, c[2]))
            .collect();
        out.extend(
            crate::tsv::table("ecs-crosswalk")
                .data()
                .filter(|c| c[4] == "copy")
                .map(|c| row(c, "")),
        );
        out.extend(ocsf.data().filter(|c| c[2].is_empty()).map(|c| row(c, "")));
        out
    })
}

/// The key path of a slot's expression, normalized: `$user["target"]["name"]` → user, target,
/// name; `$source.ip` (a key holding a dot) → source, ip. A list index ends the path (the
/// slot reads one element of a list, not the field's value). `None` for a formula.
pub(crate) fn slot_path(expr: &str) -> Option<Vec<String>> {
    let rest = expr.strip_prefix('$')?;
    let (name, mut tail) = rest.split_at(rest.find('[').unwrap_or(rest.len()));
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "_.-@".contains(c))
    {
        return None;
    }
    let mut out = segments(name);
    while !tail.is_empty() {
        let inner = tail.strip_prefix("[\"")?;
        let end = inner.find("\"]")?;
        out.extend(segments(&inner[..end]));
        tail = &inner[end + 2..];
    }
    Some(out)
}

/// The field a crosswalk row names for a slot's expression whatever else the event holds (rows
/// with a `beside` left out): other passes leave a key a public schema names to this pass
/// (OCSF's `src_endpoint.hostname` is the source's host, not the reporting one).
pub(crate) fn field_named(expr: &str) -> Option<&'static str> {
    let p = slot_path(expr)?;
    rows()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.beside.is_none() && ends_with(&p, &r.path))
        .min_by_key(|(rank, r)| (std::cmp::Reverse(r.path.len()), *rank))
        .map(|(_, r)| r.field)
}

/// Whether `path` ends with `suffix` over two segments or more.
fn ends_with(path: &[String], suffix: &[String]) -> bool {
    suffix.len() >= 2 && path.len() >= suffix.len() && path[path.len() - suffix.len()..] == *suffix
}

/// The fields the crosswalks name for the cluster's keys.
pub(crate) fn crosswalk(slots: &Slots, b: &mut Builder) {
    let tax = Taxonomy::embedded();
    let paths: Vec<(&Slot, Vec<String>)> = slots
        .slots
        .iter()
        .filter_map(|s| Some((s, slot_path(&s.expr)?)))
        .collect();
    // Every path the event holds and their prefixes, for `beside`.
    let held: BTreeSet<&[String]> = paths
        .iter()
        .flat_map(|(_, p)| (1..=p.len()).map(move |n| &p[..n]))
        .collect();
    let holds = |want: &[String]| {
        held.iter()
            .any(|h| h.len() >= want.len() && h[h.len() - want.len()..] == *want)
    };
    // Per slot, the row that applies with the longest path (`actor.user.name` is the actor's,
    // not any `user.name`), the first in order among equals; then the fields in row order,
    // shallow paths first.
    let mut found: Vec<(usize, usize, &Slot, &'static str)> = paths
        .iter()
        .filter_map(|(s, p)| {
            let (rank, row) = rows()
                .iter()
                .enumerate()
                .filter(|(_, r)| ends_with(p, &r.path) && r.beside.as_deref().is_none_or(&holds))
                .min_by_key(|(rank, r)| (std::cmp::Reverse(r.path.len()), *rank))?;
            Some((rank, p.len(), *s, row.field))
        })
        .collect();
    found.sort_by_key(|(rank, depth, _, _)| (*rank, *depth));
    for (_, _, s, field) in found {
        if b.has(field) || !fits(tax, field, &real_values(s)) {
            continue;
        }
        if real_values(s).iter().flatten().all(|v| v.trim().is_empty()) {
            continue;
        }
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set(field, Source::Expr(e), Why::Crosswalk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<Vec<String>> {
        slot_path(s)
    }

    #[test]
    fn paths_of_expressions() {
        assert_eq!(
            p(r#"$user["target"]["name"]"#).unwrap(),
            ["user", "target", "name"]
        );
        assert_eq!(p("$source.ip").unwrap(), ["source", "ip"]);
        assert_eq!(p(r#"$Src_Endpoint["IP"]"#).unwrap(), ["srcendpoint", "ip"]);
        assert_eq!(p(r#"$list[0]"#), None);
        assert_eq!(p("lower($x)"), None);
    }

    #[test]
    fn a_suffix_of_two_segments_matches() {
        let path = segments("event_data.source.ip");
        assert!(ends_with(&path, &segments("source.ip")));
        assert!(!ends_with(&path, &segments("ip")));
        assert!(!ends_with(&segments("ip"), &segments("source.ip")));
    }

    #[test]
    fn ocsf_user_is_the_target_beside_an_acting_user() {
        let r = rows();
        let first = |path: &str| {
            let p = segments(path);
            r.iter().find(|x| x.path == p && x.beside.is_some())
        };
        assert_eq!(
            first("user.name").map(|x| x.field),
            Some("object.account.name")
        );
    }
}
