//! **hosts**: the host fields. A host key (`hostname`, `Computer`, a TEXT `host` capture)
//! names the reporting host, or the peer when an address of the same record stands beside it
//! (audit `hostname=… addr=…`); names and addresses of one key are told apart per event; a
//! dotted name is an FQDN whose first label is the hostname (the experts' idiom); a remote
//! event that names no destination happened on the reporting host.
//!
//! `<Computer>DC01.corp.local</Computer>` → `event_src.fqdn = lower($Computer)`,
//! `event_src.hostname = lower(substr($Computer, 0, find_substr($Computer, ".")))`.

use ingest::Kind;

use crate::engine::builder::{Builder, Override};
use crate::engine::expr::slot_expr;
use crate::engine::values::by_depth;
use crate::slots::{Slot, Slots};
use crate::{lexicon, ClusterView, Source, Why};

/// The host fields a host key states.
pub(crate) fn host_keys(view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
    let text_kind = matches!(view.kind, Kind::Text | Kind::Keyvalue | Kind::Cef);
    for s in by_depth(slots) {
        let elsewhere =
            super::crosswalk::field_named(&s.expr).is_some_and(|f| !f.starts_with("event_src."));
        if elsewhere {
            continue;
        }
        if (text_kind && s.key.to_lowercase() == "host") || lexicon::is_host_key(&s.key) {
            // Beside the peer's address in one record (audit's `hostname=… addr=…`), a
            // host name is the peer's, not the reporting host's.
            if let Some(peer) = peer_address(s, slots) {
                // Only a remote peer has an address; a local session's host name is the
                // machine's own (`hostname=centos.local addr=?`): the event source's.
                let e = &s.expr;
                let a = slot_expr(peer);
                b.set(
                    "src.hostname",
                    Source::Expr(format!(
                        "if maybe_ipv4({e}) == null and maybe_ipv6({e}) == null and {e} != \"?\" \
                         and (maybe_ipv4({a}) != null or maybe_ipv6({a}) != null) then lower({e}) endif"
                    )),
                    Why::Lexicon,
                );
                b.set(
                    "event_src.hostname",
                    Source::Expr(format!(
                        "if maybe_ipv4({e}) == null and maybe_ipv6({e}) == null \
                         and not in_list([\"?\", \"\"], {e}) \
                         and maybe_ipv4({a}) == null and maybe_ipv6({a}) == null then lower({e}) endif"
                    )),
                    Why::Lexicon,
                );
                continue;
            }
            if lexicon::host_field(&s.values).is_none() {
                host_or_address(s, b);
            }
            if let Some(f) = lexicon::host_field(&s.values) {
                let e = if f == "event_src.ip" {
                    s.expr.clone()
                } else {
                    format!("lower({})", s.expr)
                };
                b.set(f, Source::Expr(e), Why::Lexicon);
            }
        }
    }
}

/// The slot of the same record as `s` (one `keyvalue()` helper) that the lexicon reads as the
/// source address.
pub(crate) fn peer_address<'a>(s: &Slot, slots: &'a Slots) -> Option<&'a Slot> {
    // Audit (and PAM) name them `hostname` and `addr`; a firewall's `devname` beside its
    // `srcip` is the reporting device.
    if s.key != "hostname" {
        return None;
    }
    let var = s.expr.split('[').next().filter(|v| v.starts_with("$kv"))?;
    slots
        .slots
        .iter()
        .find(|o| o.expr.split('[').next() == Some(var) && o.key == "addr")
}

pub(crate) fn host_or_address(s: &Slot, b: &mut Builder) {
    let vals: Vec<&String> = s.values.iter().flatten().collect();
    let is_ip = |v: &&String| v.trim().parse::<std::net::IpAddr>().is_ok();
    let names: Vec<&&String> = vals.iter().filter(|v| !is_ip(v)).collect();
    if names.is_empty() || names.len() == vals.len() {
        return;
    }
    let e = &s.expr;
    let name = format!("maybe_ipv4({e}) == null and maybe_ipv6({e}) == null");
    b.set(
        "event_src.ip",
        Source::Expr(format!("if not ({name}) then {e} endif")),
        Why::HostSplit,
    );
    if names.iter().all(|v| !v.contains('.')) {
        set_names(b, e, Some(&name), Names::Plain);
    } else if names.iter().all(|v| v.contains('.')) {
        set_names(b, e, Some(&name), Names::Dotted);
    }
}

/// How a slot writes its host names.
enum Names {
    /// Without dots: host names.
    Plain,
    /// With dots: FQDNs.
    Dotted,
    /// Some either way: decided per event.
    Mixed,
}

/// The experts' host idiom over the names `e` reads, where `when` holds (always when `None`):
/// an FQDN is `event_src.fqdn` and its first label `event_src.hostname`; a plain name is the
/// hostname.
fn set_names(b: &mut Builder, e: &str, when: Option<&str>, names: Names) {
    let dot = format!("find_substr({e}, \".\")");
    let whole = format!("lower({e})");
    let label = format!("lower(substr({e}, 0, {dot}))");
    let (fqdn, hostname) = match names {
        Names::Plain => (None, whole),
        Names::Dotted => (Some(whole), label),
        Names::Mixed => (
            Some(format!("if {dot} != null then {whole} endif")),
            format!("if {dot} != null then {label} else {whole} endif"),
        ),
    };
    let guarded = |x: String| match when {
        Some(c) => format!("if {c} then {x} endif"),
        None => x,
    };
    if let Some(f) = fqdn {
        b.set("event_src.fqdn", Source::Expr(guarded(f)), Why::HostSplit);
    }
    b.set(
        "event_src.hostname",
        Source::Expr(guarded(hostname)),
        Why::HostSplit,
    );
}

/// The experts' host idiom: a value with dots is an FQDN whose first label is the hostname;
/// one without is a hostname; when members differ, the split is written per event.
pub(crate) fn host_split(slots: &Slots, b: &mut Builder) {
    let from = |f: &str| {
        b.get(f).and_then(|a| match &a.source {
            Source::Expr(e) => slots
                .slots
                .iter()
                .find(|s| *e == s.expr || *e == format!("lower({})", s.expr))
                .cloned(),
            Source::Const(_) => None,
        })
    };
    let Some(s) = from("event_src.fqdn").or_else(|| from("event_src.hostname")) else {
        return;
    };
    let vals: Vec<&String> = s.values.iter().flatten().collect();
    let dotted = vals
        .iter()
        .all(|v| v.contains('.') && v.parse::<std::net::IpAddr>().is_err());
    let plain = vals.iter().all(|v| !v.contains('.'));
    b.remove_where(
        |f| f == "event_src.fqdn" || f == "event_src.hostname",
        Override::Any,
    );
    let e = &s.expr;
    if dotted {
        set_names(b, e, None, Names::Dotted);
    } else if plain {
        set_names(b, e, None, Names::Plain);
    } else if vals.iter().all(|v| v.parse::<std::net::IpAddr>().is_err()) {
        // Some names dotted, some not: the same split, decided per event.
        set_names(b, e, None, Names::Mixed);
    }
}

/// An event that came from a remote address and names no destination happened on the host
/// that reports it: the reporting host is the destination (`dst.*` = `event_src.*`), as in
/// a network logon or a share access (kb/dev: 50 of the 64 such expert events).
pub(crate) fn reporting_host_is_destination(b: &mut Builder) {
    let inbound = matches!(b.constant("action"), Some("login" | "logout" | "access"));
    if !inbound || !b.has("src.ip") || b.fields().iter().any(|a| a.field.starts_with("dst.")) {
        return;
    }
    for part in ["ip", "hostname", "fqdn"] {
        if let Some(a) = b.get(&format!("event_src.{part}")) {
            let source = a.source.clone();
            b.set(&format!("dst.{part}"), source, Why::ReportingHost);
        }
    }
}
