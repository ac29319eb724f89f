//! **accounts**: a `DOMAIN\\name` account is two fields; account-management records name the
//! account or group acted on (`op=adding user acct="bob" id=1002`); one value names one side.
//!
//! `User=CORP\\alice` → `$subject_account_parts = csv($User, "\\", "")`,
//! `subject.account.domain = $subject_account_parts[0]`, `subject.account.name = …[1]`.

use crate::engine::builder::{Builder, Override};
use crate::engine::expr::{guarded, slot_expr};
use crate::engine::values::unquote;
use crate::slots::{Slot, Slots};
use crate::{Source, Why};

/// A Windows account written `DOMAIN\\name` (Sysmon's `User`, many `Account` keys) is two
/// fields: the domain and the name, read with `csv()` at the backslash when every value has
/// exactly one.
pub(crate) fn account_split(slots: &Slots, b: &mut Builder) {
    for prefix in ["subject.account", "object.account"] {
        let name = format!("{prefix}.name");
        let domain = format!("{prefix}.domain");
        if b.has(&domain) {
            continue;
        }
        let Some(Source::Expr(e)) = b.get(&name).map(|a| a.source.clone()) else {
            continue;
        };
        let Some(slot) = slots.slots.iter().find(|s| e == s.expr) else {
            continue;
        };
        let vals: Vec<&str> = slot.values.iter().flatten().map(|v| unquote(v)).collect();
        let split = |v: &str| {
            let mut parts = v.split('\\');
            matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(d), Some(n), None) if !d.is_empty() && !n.is_empty()
            )
        };
        if vals.is_empty() || !vals.iter().all(|v| split(v)) {
            continue;
        }
        let var = format!("${}_parts", prefix.replace('.', "_"));
        b.push_prelude(format!(
            "{var} = csv({e}, {}, \"\")",
            xp_syntax::printer::quote_str("\\", '"')
        ));
        b.rewrite(&name, Source::Expr(format!("{var}[1]")), Why::AccountSplit);
        b.set(
            &domain,
            Source::Expr(format!("{var}[0]")),
            Why::AccountSplit,
        );
    }
}

/// Account management records of Linux (shadow-utils and PAM: `op=adding user acct="bob"
/// id=1002`, `op=delete-group grp="dev"`) name the account or group acted on by `acct`,
/// `grp` and `id`: when the act is done to an account or a group (not a login, whose `acct`
/// is the user logging in), those are the object's.
pub(crate) fn managed_account(slots: &Slots, b: &mut Builder) {
    let object = match b.constant("object") {
        Some("account") => "account",
        Some("user_group") => "user_group",
        _ => return,
    };
    if matches!(b.constant("action"), Some("login" | "logout")) {
        return;
    }
    let find = |k: &str| slots.slots.iter().find(|s| s.key == k);
    let numeric = |s: &Slot| {
        s.values
            .iter()
            .flatten()
            .all(|v| !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()))
    };
    let (name_field, id_field, name) = if object == "account" {
        ("object.account.name", "object.account.id", find("acct"))
    } else {
        (
            "object.name",
            "object.id",
            find("grp").or_else(|| find("acct")),
        )
    };
    if let Some(e) = name.and_then(|s| guarded(s, slot_expr(s))) {
        b.set(name_field, Source::Expr(e), Why::Lexicon);
    }
    if let Some(e) = find("id")
        .filter(|s| numeric(s))
        .and_then(|s| guarded(s, slot_expr(s)))
    {
        b.set(id_field, Source::Expr(e), Why::Lexicon);
    }
}

/// One value names one account: when the subject's and the object's account read the same
/// value (`session opened for user alice`, learned as the subject from one rule and as the
/// object from another), it is the subject's — the account acting — unless the act switches
/// identity (`elevate`, `deelevate`: the account switched to is the object).
pub(crate) fn one_side_per_account(b: &mut Builder) {
    let switch = matches!(b.constant("action"), Some("elevate" | "deelevate"));
    for part in ["name", "id"] {
        let subject = format!("subject.account.{part}");
        let object = format!("object.account.{part}");
        let same = match (b.get(&subject), b.get(&object)) {
            (Some(s), Some(o)) => {
                matches!((&s.source, &o.source), (Source::Expr(a), Source::Expr(c)) if a == c)
            }
            _ => false,
        };
        if same {
            let drop = if switch { subject } else { object };
            b.remove(&drop, Override::Any);
        }
    }
    // The object account's name is the object's name: not a second, generic one.
    let same = match (b.get("object.account.name"), b.get("object.name")) {
        (Some(a), Some(o)) => {
            matches!((&a.source, &o.source), (Source::Expr(x), Source::Expr(y)) if x == y)
        }
        _ => false,
    };
    if same {
        b.remove("object.name", Override::Any);
    }
}
