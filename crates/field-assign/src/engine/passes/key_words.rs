//! **key_words**: a key no table names whole is read word by word (`schema/key-words.tsv`):
//! one word saying which end of the exchange it is (`client`, `src`, `target`, `remote`) and
//! one saying what the value is (`ip`, `address`, `port`, `host`, `user`) name the field of
//! that end and kind, in any spelling — `client_address`, `SrcIpAddr`, `targetPort`,
//! `remote-user` — when the values fit it.
//!
//! `{"ClientAddress": "10.0.0.5", "serverPort": 443, "target_user": "bob"}` →
//! `src.ip = $ClientAddress`, `dst.port = $serverPort`, `object.account.name = $target_user`.

use xp_taxonomy::Taxonomy;

use crate::engine::builder::Builder;
use crate::engine::expr::{guarded, mentions, slot_expr};
use crate::engine::values::{by_depth, fits, present, real_values, unquote};
use crate::lexicon::split_words;
use crate::slots::{Slot, Slots};
use crate::{Source, Why};

/// The end of an exchange.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Src,
    Dst,
}

/// The role of a word in `schema/key-words.tsv`.
fn role(word: &str) -> Option<&'static str> {
    crate::tsv::table("key-words")
        .data()
        .find(|c| c[0] == word)
        .map(|c| c[1])
}

/// The side and the attribute a key's words state, when it states exactly one of each.
fn side_and_attribute(key: &str) -> Option<(Side, &'static str)> {
    let mut sides: Vec<Side> = Vec::new();
    let mut attributes: Vec<&'static str> = Vec::new();
    let mut words = split_words(key);
    // One word no table names may be two written together (`localport`, `remoteaddr`): a side
    // word, then an attribute word.
    if let [w] = &words[..] {
        if role(w).is_none() {
            if let Some((side, attribute)) = closed_compound(w) {
                words = vec![side.to_string(), attribute.to_string()];
            }
        }
    }
    // The attribute is the compound's head, its last word; an IP version after it qualifies
    // it (`ipAddressV4`).
    while words.len() > 1 && words.last().is_some_and(|w| is_version(w)) {
        words.pop();
    }
    let last = words.last()?;
    if !role(last).is_some_and(|r| r.starts_with("attribute:")) {
        return None;
    }
    for w in &words {
        match role(w) {
            Some(r) if side_of(r).is_some() => sides.extend(side_of(r)),
            Some(r) => {
                if let Some(a) = r.strip_prefix("attribute:") {
                    attributes.push(a);
                }
            }
            None => {}
        }
    }
    sides.dedup();
    attributes.dedup();
    // `ip` and `address` together (`SrcIpAddr`) say one thing.
    if attributes.len() == 2 && attributes.iter().all(|a| *a == "ip") {
        attributes.truncate(1);
    }
    match (sides.as_slice(), attributes.as_slice()) {
        ([side], [attribute]) => Some((*side, attribute)),
        _ => None,
    }
}

/// A side word and an attribute word written as one (`localport` → `local`, `port`).
fn closed_compound(word: &str) -> Option<(&str, &str)> {
    (1..word.len())
        .filter(|&i| word.is_char_boundary(i))
        .find_map(|i| {
            let (side, attribute) = word.split_at(i);
            (role(side).is_some_and(|r| r.starts_with("side:"))
                && role(attribute).is_some_and(|r| r.starts_with("attribute:")))
            .then_some((side, attribute))
        })
}

/// An account a compound key names without a side (`sasl_username`, `login_user`), or one word
/// naming an account whose values are accounts by their shape (`login=alice@example.com`), is the
/// acting one, as a bare `user` or `username` key is (`schema/key-lexicon.tsv`), unless its
/// values are outcomes (`"ConsoleLogin": "Failure"` names an act, not an account).
fn sideless_account(s: &Slot) -> Option<(Side, &'static str)> {
    let words = split_words(&s.key);
    let last = words.last()?;
    let states_no_side = words
        .iter()
        .all(|w| !role(w).is_some_and(|r| r.starts_with("side:")));
    let outcome = |v: &String| {
        crate::lexicon::status_word(v).is_some()
            || crate::engine::passes::status::outcome_word(v).is_some()
    };
    // One word alone is the lexicon's (`user`, `username`), unless its values are accounts by
    // their shape (`login=alice@example.com`).
    let shaped = || value_shape(&real_values(s)) == Some("account");
    ((words.len() > 1 || shaped())
        && states_no_side
        && role(last) == Some("attribute:account")
        && !s.values.iter().flatten().any(outcome))
    .then_some((Side::Src, "account"))
}

/// The end of the exchange a key's words state (`client` → `src`, `target_host` → `dst`),
/// when they state exactly one.
pub(crate) fn key_side(key: &str) -> Option<&'static str> {
    match one_side(key)? {
        Side::Src => Some("src"),
        Side::Dst => Some("dst"),
    }
}

/// Whether a key's words name a host (`host`, `hostname` of `schema/key-words.tsv`, or a host
/// key of `schema/key-roles.tsv`: `node`, `computer`, `devname`).
pub(crate) fn names_host(key: &str) -> bool {
    split_words(key)
        .iter()
        .any(|w| role(w) == Some("attribute:host") || crate::lexicon::is_host_key(w))
}

/// Whether a key's last word names an address (`ip`, `addr`, `address` of
/// `schema/key-words.tsv`): an attribute syntax's OID (`2.5.5.12`) under another key is none.
pub(crate) fn names_address(key: &str) -> bool {
    let mut words = split_words(key);
    while words.len() > 1 && words.last().is_some_and(|w| is_version(w)) {
        words.pop();
    }
    words
        .last()
        .is_some_and(|w| role(w) == Some("attribute:ip"))
}

/// The one side the words of `key` state, if they state exactly one.
fn one_side(key: &str) -> Option<Side> {
    let mut sides: Vec<Side> = split_words(key)
        .iter()
        .filter_map(|w| match role(w) {
            Some(r) => side_of(r),
            None => None,
        })
        .collect();
    sides.dedup();
    match sides.as_slice() {
        [side] => Some(*side),
        _ => None,
    }
}

/// Whether the event says the reporting host made the connection it records: a value that is
/// the same in every event names an outbound act (`schema/key-words.tsv` `act:outbound`:
/// Falcon's `NetworkConnectIP4`) and none an inbound one (`accept`, `listen`).
fn reports_outbound(slots: &Slots) -> bool {
    let acts = |role: &str| {
        slots.slots.iter().any(|s| {
            let first = s.values.first().and_then(|v| v.as_deref());
            first.is_some_and(|v| {
                s.values.iter().all(|x| x.as_deref() == Some(v))
                    && split_words(v).iter().any(|w| self::role(w) == Some(role))
            })
        })
    };
    acts("act:outbound") && !acts("act:inbound")
}

/// The end a side role names (`schema/key-words.tsv`): `side:src` and `side:dst`; a reporting
/// host's `side:remote` peer is the source and its `side:local` end the destination, as the
/// connection tables of netstat(8) write them, unless the host made the connection.
fn side_of(role: &str) -> Option<Side> {
    match role {
        "side:src" | "side:remote" => Some(Side::Src),
        "side:dst" | "side:local" => Some(Side::Dst),
        _ => None,
    }
}

/// Whether a key names its end as the reporting host's own or its peer (`LocalPort`,
/// `RemoteAddressIP4`: `side:local`, `side:remote`), and not as source or destination.
fn names_own_end(s: &Slot) -> bool {
    let roles: Vec<&str> = split_words(&s.key).iter().filter_map(|w| role(w)).collect();
    roles
        .iter()
        .any(|r| matches!(*r, "side:local" | "side:remote"))
        && !roles.iter().any(|r| matches!(*r, "side:src" | "side:dst"))
}

/// A word that names a protocol version (`v4`, `v6`).
fn is_version(word: &str) -> bool {
    word.strip_prefix('v')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// A key whose words name what it is but no end (`ipAddressV4`, `port`), under a parent that
/// names one end (`remoteIpDetails`, `localPortDetails`: GuardDuty's findings): that end's
/// field of that kind.
/// `{"remoteIpDetails": {"ipAddressV4": "198.51.100.7"}}` → `src.ip`.
fn parent_side_and_key(s: &Slot) -> Option<(Side, &'static str)> {
    let parent = s.parent.as_deref()?;
    let words = split_words(&s.key);
    if words
        .iter()
        .any(|w| role(w).is_some_and(|r| r.starts_with("side:")))
    {
        return None;
    }
    let mut words = words;
    while words.len() > 1 && words.last().is_some_and(|w| is_version(w)) {
        words.pop();
    }
    let attribute = role(words.last()?)?.strip_prefix("attribute:")?;
    Some((one_side(parent)?, attribute))
}

/// A key whose own words say nothing (`alternateId`), under a parent that says which end of the
/// exchange it belongs to (`actor`, `client`, `target`): the value's shape says what it is, an
/// address or an account (`alice@example.com`, `CORP\\alice`).
/// `{"actor": {"alternateId": "alice@example.com"}}` → `subject.account.name`.
fn parent_side_and_shape(s: &Slot) -> Option<(Side, &'static str)> {
    let parent = s.parent.as_deref()?;
    if split_words(&s.key).iter().any(|w| role(w).is_some()) {
        return None;
    }
    Some((one_side(parent)?, value_shape(&real_values(s))?))
}

/// What every present value is by its shape alone: `ip` (an address) or `account`
/// (`name@domain.tld`, `DOMAIN\\name`).
fn value_shape(values: &[Option<String>]) -> Option<&'static str> {
    let present = present(values);
    let name_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+');
    let account = |v: &&str| match v.split_once(['@', '\\']) {
        Some((name, domain)) => {
            !name.is_empty()
                && name.chars().all(name_char)
                && !domain.is_empty()
                && domain
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.'))
                && (v.contains('\\') || domain.contains('.'))
        }
        None => false,
    };
    if present.is_empty() {
        None
    } else if present
        .iter()
        .all(|v| v.parse::<std::net::IpAddr>().is_ok())
    {
        Some("ip")
    } else if present.iter().all(account) {
        Some("account")
    } else {
        None
    }
}

/// The candidate fields of a side and attribute, the first whose type the values fit wins:
/// an `address` holding names is the host's name.
fn fields(side: Side, attribute: &str) -> &'static [&'static str] {
    match (side, attribute) {
        (Side::Src, "ip") => &["src.ip", "src.fqdn", "src.hostname"],
        (Side::Dst, "ip") => &["dst.ip", "dst.fqdn", "dst.hostname"],
        (Side::Src, "port") => &["src.port"],
        (Side::Dst, "port") => &["dst.port"],
        (Side::Src, "host") => &["src.ip", "src.fqdn", "src.hostname"],
        (Side::Dst, "host") => &["dst.ip", "dst.fqdn", "dst.hostname"],
        (Side::Src, "account") => &["subject.account.name"],
        (Side::Dst, "account") => &["object.account.name"],
        (Side::Src, "mac") => &["src.mac"],
        (Side::Dst, "mac") => &["dst.mac"],
        _ => &[],
    }
}

/// Whether the values fit a host field by shape: an address for `*.ip`, a name with dots for
/// `*.fqdn`, one without for `*.hostname`.
fn shape_fits(field: &str, values: &[Option<String>]) -> bool {
    let present = present(values);
    let name = |v: &&str| {
        v.parse::<std::net::IpAddr>().is_err()
            && v.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && v.chars().any(char::is_alphabetic)
    };
    if field.ends_with(".fqdn") {
        present.iter().all(|v| name(v) && v.contains('.'))
    } else if field.ends_with(".hostname") {
        present.iter().all(|v| name(v) && !v.contains('.'))
    } else {
        true
    }
}

/// The fields the words of otherwise unknown keys name.
pub(crate) fn key_words(slots: &Slots, b: &mut Builder) {
    let tax = Taxonomy::embedded();
    let used = |b: &Builder, s: &Slot| {
        b.fields().iter().any(|a| match &a.source {
            Source::Expr(e) => mentions(e, &s.expr),
            Source::Const(_) => false,
        })
    };
    // Only an event with a `local` or `remote` key asks which end the host is.
    let outbound = slots.slots.iter().any(names_own_end) && reports_outbound(slots);
    for s in by_depth(slots) {
        let Some((side, attribute)) = side_and_attribute(&s.key)
            .or_else(|| parent_side_and_key(s))
            .or_else(|| parent_side_and_shape(s))
            .or_else(|| sideless_account(s))
        else {
            continue;
        };
        // The reporting host's own end is the initiator of a connection it made.
        let side = if outbound && names_own_end(s) {
            match side {
                Side::Src => Side::Dst,
                Side::Dst => Side::Src,
            }
        } else {
            side
        };
        if used(b, s) {
            continue;
        }
        let values = real_values(s);
        if values
            .iter()
            .flatten()
            .all(|v| unquote(v).trim().is_empty())
        {
            continue;
        }
        let Some(field) = fields(side, attribute)
            .iter()
            .find(|f| fits(tax, f, &values) && shape_fits(f, &values))
        else {
            continue;
        };
        if b.has(field) {
            continue;
        }
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set(field, Source::Expr(e), Why::KeyWords);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_word_by_word_in_any_spelling() {
        assert_eq!(
            side_and_attribute("client_address"),
            Some((Side::Src, "ip"))
        );
        assert_eq!(side_and_attribute("SrcIpAddr"), Some((Side::Src, "ip")));
        assert_eq!(side_and_attribute("targetPort"), Some((Side::Dst, "port")));
        assert_eq!(
            side_and_attribute("remote-user"),
            Some((Side::Src, "account"))
        );
        assert_eq!(
            side_and_attribute("server_hostname"),
            Some((Side::Dst, "host"))
        );
        // No side, two sides or two kinds: nothing said.
        assert_eq!(side_and_attribute("ip"), None);
        assert_eq!(side_and_attribute("local_ip_x"), None);
        assert_eq!(side_and_attribute("bind_port"), None);
        assert_eq!(side_and_attribute("src_dst_ip"), None);
        assert_eq!(side_and_attribute("client_user_port"), None);
        // The last word is the head: a class named after a user client is no user.
        assert_eq!(side_and_attribute("user_client_class"), None);
        // A side and an attribute written as one word.
        assert_eq!(side_and_attribute("localport"), Some((Side::Dst, "port")));
        assert_eq!(side_and_attribute("remoteaddr"), Some((Side::Src, "ip")));
        assert_eq!(side_and_attribute("portal"), None);
        // An IP version after the attribute qualifies it.
        assert_eq!(side_and_attribute("srcAddrV6"), Some((Side::Src, "ip")));
    }

    #[test]
    fn an_account_without_a_side_is_the_acting_one() {
        let slot = |key: &str, v: &str| Slot {
            key: key.to_string(),
            parent: None,
            expr: format!("${key}"),
            values: vec![Some(v.to_string())],
        };
        assert_eq!(
            sideless_account(&slot("sasl_username", "bob")),
            Some((Side::Src, "account"))
        );
        // A lone word is the lexicon's, unless its value is an account by its shape; an outcome
        // is no account; a side is the other rule's.
        assert_eq!(sideless_account(&slot("username", "bob")), None);
        assert_eq!(
            sideless_account(&slot("login", "alice@example.com")),
            Some((Side::Src, "account"))
        );
        assert_eq!(sideless_account(&slot("ConsoleLogin", "Failure")), None);
        assert_eq!(sideless_account(&slot("target_user", "bob")), None);
        assert_eq!(sideless_account(&slot("user_agent", "curl")), None);
    }

    #[test]
    fn a_parent_names_the_side_and_the_value_its_kind() {
        let slot = |parent: &str, key: &str, v: &str| Slot {
            key: key.to_string(),
            parent: Some(parent.to_string()),
            expr: format!("${parent}[\"{key}\"]"),
            values: vec![Some(v.to_string())],
        };
        let cases = [
            (
                "actor",
                "alternateId",
                "alice@example.com",
                Some((Side::Src, "account")),
            ),
            ("target", "value", "CORP\\bob", Some((Side::Dst, "account"))),
            ("client", "v4", "10.0.0.5", Some((Side::Src, "ip"))),
            // A display name, an id, a parent of no side, a key that speaks for itself.
            ("actor", "displayName", "Alice Smith", None),
            ("actor", "id", "00u1a2b3c", None),
            ("outcome", "by", "alice@example.com", None),
            ("actor", "hostname", "10.0.0.5", None),
        ];
        for (parent, key, value, want) in cases {
            assert_eq!(
                parent_side_and_shape(&slot(parent, key, value)),
                want,
                "{parent}.{key}"
            );
        }
    }

    #[test]
    fn host_names_are_not_addresses() {
        let v = |s: &[&str]| s.iter().map(|x| Some(x.to_string())).collect::<Vec<_>>();
        assert!(shape_fits("src.fqdn", &v(&["ws1.corp.example"])));
        assert!(!shape_fits("src.hostname", &v(&["ws1.corp.example"])));
        assert!(shape_fits("src.hostname", &v(&["ws1"])));
        assert!(!shape_fits("src.fqdn", &v(&["10.0.0.1"])));
    }
}
