//! What a slot's values are: quoted or not, placeholders for "none", fitting a field's type.

use xp_taxonomy::{FieldType, Taxonomy};

use crate::slots::{Slot, Slots};

pub(crate) fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(v)
}

/// Whether `v` is a placeholder under the key `key`: a value that stands for "none" rather
/// than for data (`schema/placeholders.tsv`: Windows `-` and the null SID, Linux audit `?` and
/// `unset`, `(null)`, `N/A`; the unset user id `4294967295` only under a user-id key).
pub(crate) fn is_placeholder_of(key: &str, v: &str) -> bool {
    let v = unquote(v).trim();
    crate::tsv::table("placeholders").data().any(|c| {
        c[0] == v
            && (c[1] == "*"
                || c[1]
                    .strip_prefix('*')
                    .is_some_and(|suffix| key.to_lowercase().ends_with(suffix)))
    })
}

/// A slot's values with placeholders taken as absent.
pub(crate) fn real_values(s: &Slot) -> Vec<Option<String>> {
    s.values
        .iter()
        .map(|v| v.clone().filter(|v| !is_placeholder_of(&s.key, v)))
        .collect()
}

/// The values present, unquoted and trimmed, without the empty ones.
pub(crate) fn present(values: &[Option<String>]) -> Vec<&str> {
    values
        .iter()
        .flatten()
        .map(|v| unquote(v).trim())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Whether every present value of a slot fits the field's type. An account's name is not a
/// number (`UID=995` of useradd is the id; auditd's interpreted `UID="bob"` is the name).
pub(crate) fn fits(tax: &Taxonomy, field: &str, values: &[Option<String>]) -> bool {
    if field.ends_with("account.name")
        && values.iter().flatten().next().is_some()
        && values
            .iter()
            .flatten()
            .all(|v| !v.is_empty() && unquote(v).bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let ty = tax.type_of(field);
    let bracketed = all_bracketed(values);
    values.iter().flatten().all(|v| {
        let v = if bracketed { unbracket(v) } else { v.as_str() };
        match ty {
            Some(FieldType::Ip) => v.trim().parse::<std::net::IpAddr>().is_ok(),
            Some(FieldType::Number) => v.trim().parse::<f64>().is_ok(),
            Some(FieldType::Datetime) => xp_eval::datetime::parse_full(v, Some(2000)).is_some(),
            Some(FieldType::Mac) => xp_eval::text::tokens::parse_mac(v).is_some(),
            _ => true,
        }
    })
}

/// A value written in square brackets (`ip=[198.51.100.7]`, Courier's login lines): its inside.
pub(crate) fn unbracket(v: &str) -> &str {
    v.strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .filter(|x| !x.is_empty() && !x.contains(['[', ']']))
        .unwrap_or(v)
}

/// Whether a slot's values are all written in square brackets (at least one is present).
pub(crate) fn all_bracketed(values: &[Option<String>]) -> bool {
    values.iter().flatten().next().is_some()
        && values
            .iter()
            .flatten()
            .all(|v| unbracket(v).len() < v.len())
}

/// The slots, shallow paths first (`$time` before `$process["stat"]["st_atimespec"]`), times
/// in the lexicon's order of preference among slots of one depth.
pub(crate) fn by_depth(slots: &Slots) -> Vec<&Slot> {
    let mut order: Vec<&Slot> = slots.slots.iter().collect();
    order.sort_by_key(|s| {
        (
            s.expr.matches('[').count(),
            crate::lexicon::time_rank(&s.key),
        )
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_values() {
        assert_eq!(unbracket("[198.51.100.7]"), "198.51.100.7");
        assert_eq!(unbracket("[]"), "[]");
        assert_eq!(unbracket("[a][b]"), "[a][b]");
        let v = |s: &[&str]| s.iter().map(|x| Some(x.to_string())).collect::<Vec<_>>();
        assert!(all_bracketed(&v(&["[51234]", "[40000]"])));
        assert!(!all_bracketed(&v(&["[51234]", "40000"])));
        assert!(!all_bracketed(&[None]));
    }
}
