//! **key_lexicon**: well-known key names (`schema/key-lexicon.tsv`: `SubjectUserName`,
//! `src_ip`, `auid`, `Image`) name their field, when the value fits the field's type; where a
//! key holds a placeholder in some events, the next key naming the same field speaks there
//! (auditd `auid=4294967295` falls back to `uid`). Keys nested under an act's `target` or
//! `child` name the object's process or account.
//!
//! `{"src_ip": "10.0.0.5", "user": "alice"}` → `src.ip = $src_ip`, `subject.account.name = $user`.

use xp_taxonomy::Taxonomy;

use crate::engine::builder::{Builder, Override};
use crate::engine::expr::{guard_parts, guarded, slot_expr};
use crate::engine::passes::windows::logon_target_is_subject;
use crate::engine::values::{by_depth, fits, real_values, unquote};
use crate::kb::Transform;
use crate::slots::{Slot, Slots};
use crate::{lexicon, Source, Why};

/// The fields the key lexicon names.
pub(crate) fn key_lexicon(slots: &Slots, b: &mut Builder) {
    let order = by_depth(slots);
    let tax = Taxonomy::embedded();
    let mut known: Vec<(&Slot, (&str, Transform, usize))> = order
        .iter()
        .filter_map(|s| {
            let (f, t, rank) = lexicon::key_entry(s.parent.as_deref(), &s.key)?;
            Some((*s, (object_side(&s.expr, f, tax), t, rank)))
        })
        .collect();
    // Earlier lexicon rows first; among slots of one row, shallow paths first.
    known.sort_by_key(|(_, (_, _, rank))| *rank);
    if logon_target_is_subject(&mut known) {
        // Alignments learned from other sources may have made the reporting account
        // (`SubjectUserName`) the subject already: the target's own fields replace them,
        // so the subject is one account, not a mix of two.
        let target_fields: Vec<&str> = known
            .iter()
            .map(|(_, (f, _, _))| *f)
            .filter(|f| f.starts_with("subject.account."))
            .collect();
        b.remove_where(
            |f| target_fields.contains(&f),
            Override::Only(&[Why::Learned]),
        );
    }
    let usable = |s: &Slot, f: &str, t: Transform| {
        let vals: Vec<Option<String>> = real_values(s)
            .iter()
            .map(|v| v.as_deref().map(|v| t.apply(unquote(v))))
            .collect();
        fits(tax, f, &vals) && vals.iter().flatten().any(|v| !v.is_empty())
    };
    // `hex` reads 0x… numbers; a key whose values are decimal (Sysmon's ProcessId) is
    // taken as is.
    for (s, (_, t, _)) in known.iter_mut() {
        let decimal = s
            .values
            .iter()
            .flatten()
            .all(|v| !unquote(v).trim().to_ascii_lowercase().starts_with("0x"));
        if *t == Transform::Hex && decimal {
            *t = Transform::Same;
        }
    }
    for (i, (s, (f, t, _))) in known.iter().enumerate() {
        if b.has(f) || !usable(s, f, *t) {
            continue;
        }
        let Some((cond, wrapped)) = guard_parts(s, t.wrap(&slot_expr(s))) else {
            continue;
        };
        let e = match cond {
            None => wrapped,
            // Where this key holds a placeholder, the next key naming the field speaks
            // (auditd `auid=4294967295`, unset, falls back to `uid`).
            Some(cond) => {
                let next = known[i + 1..]
                    .iter()
                    .filter(|(x, (g, u, _))| g == f && usable(x, g, *u))
                    .find_map(|(x, (_, u, _))| guarded(x, u.wrap(&slot_expr(x))));
                match next {
                    Some(other) => format!("if {cond} then {wrapped} else {other} endif"),
                    None => format!("if {cond} then {wrapped} endif"),
                }
            }
        };
        b.set(f, Source::Expr(e), Why::Lexicon);
    }
}

/// Records nested under an act's `target` or `child` describe what the act is done to
/// (macOS Endpoint Security's `event.signal.target`, `event.fork.child`): a process or account
/// key there names the object's process or account, not the actor's.
pub(crate) fn object_side(expr: &str, field: &'static str, tax: &'static Taxonomy) -> &'static str {
    let nested = expr.to_ascii_lowercase();
    if !(nested.contains(r#"["target"]"#) || nested.contains(r#"["child"]"#)) {
        return field;
    }
    let Some(rest) = field
        .strip_prefix("subject.process.")
        .map(|r| format!("object.process.{r}"))
        .or_else(|| {
            field
                .strip_prefix("subject.account.")
                .map(|r| format!("object.account.{r}"))
        })
    else {
        return field;
    };
    tax.get(&rest).map_or(field, |f| f.name.as_str())
}

/// **literal_keys**: a `key=value` pair a TEXT template (of a text or key=value line) holds as
/// literal text, the same in every event of the cluster (`… DF PROTO=TCP SPT={$spt=NUMBER}`), states its field as a constant
/// when the key is well known and the value fits: `protocol = "TCP"`.
pub(crate) fn literal_keys(head: &str, b: &mut Builder) {
    let tax = Taxonomy::embedded();
    let Some(tpl) = head.strip_prefix("TEXT = ") else {
        return;
    };
    let (formula, _) = xp_syntax::parse_formula(&format!("TEXT = {tpl}\n"));
    let Some(h) = formula.header else { return };
    let (t, _) = xp_syntax::parse_template(&h.format);
    for (k, item) in t.items.iter().enumerate() {
        let xp_syntax::template::Item::Lit(l) = item else {
            continue;
        };
        // A whole pair between spaces: a capture glued to it would make it another value.
        let spaced = |i: Option<&xp_syntax::template::Item>| {
            matches!(i, None | Some(xp_syntax::template::Item::Space))
        };
        if !spaced(k.checked_sub(1).and_then(|p| t.items.get(p))) || !spaced(t.items.get(k + 1)) {
            continue;
        }
        let Some((key, value)) = l.split_once('=') else {
            continue;
        };
        let value = value.trim_end_matches([',', ';']);
        let plain_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !plain_key || value.is_empty() || value.contains(['=', '"', '\'']) {
            continue;
        }
        let Some((field, transform)) = lexicon::key_field(None, key) else {
            continue;
        };
        let v = transform.apply(value);
        if b.has(field) || !fits(tax, field, &[Some(v.clone())]) {
            continue;
        }
        b.set(field, Source::Const(v), Why::Lexicon);
    }
}
