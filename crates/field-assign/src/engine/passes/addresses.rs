//! **addresses**: of TEXT messages, placed by the word before them (`from`, `to`, `src`, `dst`),
//! a lone peer address, and the port right after an address; of structured events, a value
//! that is an address with its port (`"origin.address": "[::1]:64583"`), split.
//!
//! `Accepted password for alice from 203.0.113.5 port 50522 ssh2` → `src.ip = $ip`,
//! `src.port = $port`.

use xp_taxonomy::Taxonomy;

use crate::engine::builder::Builder;
use crate::engine::expr::{guarded, mentions, slot_expr};
use crate::engine::values::{all_bracketed, fits, real_values, unbracket, unquote};
use crate::slots::{Slot, Slots};
use crate::{Source, Why};

/// Addresses of a TEXT header placed by the word before them (`src outside:{$a=IPV4}/…`,
/// `for …`, `dst …`, `to …`, `client @{$id=WORD} {$a=IPV4}`: `prose::address_side`, read in the
/// literal text back to the previous address), by a mark between two of them (`{$a=IPV4} ->
/// {$b=IPV4}`), and the number right after an address behind a port mark its port
/// (`10.0.0.1/443`, `192.0.2.15#53211`, `198.51.100.7(40000)`: `schema/address-marks.tsv`).
/// Only when the header has two or more address captures and every one is placed, one of them
/// the source; of two, one placed names the other the opposite end. A lone address is the
/// lexicon's.
pub(crate) fn directed_addresses(head: &str, slots: &Slots, b: &mut Builder) {
    if b.has("src.ip") || b.has("dst.ip") {
        return;
    }
    let Some(template) = crate::prose::text_template(head) else {
        return;
    };
    let is_ip = |s: &Slot| {
        let vals = real_values(s);
        vals.iter().any(Option::is_some)
            && vals
                .iter()
                .flatten()
                .all(|v| v.trim().parse::<std::net::IpAddr>().is_ok())
    };
    let marks = crate::tsv::table("address-marks");
    // In header order.
    let mut found: Vec<Found<'_>> = Vec::new();
    for s in &slots.slots {
        if !s.expr.starts_with('$') || s.expr.contains('[') || !is_ip(s) {
            continue;
        }
        // An address written again (a load balancer's target repeated at the line's end) is
        // the one already found.
        if found.iter().any(|f| f.ip.values == s.values) {
            continue;
        }
        let token = format!("{{{}=", s.expr);
        let Some(at) = template.find(&token) else {
            return;
        };
        let before = &template[..at];
        // The words of the literal text since the previous capture, else since the previous
        // address (other captures left out), nearest first.
        let since = before.rfind('}').map_or(before, |i| &before[i + 1..]);
        let back = found.last().map_or(before, |f| &before[f.end.min(at)..]);
        let side = [since.to_string(), literal_text(back)]
            .iter()
            .find_map(|text| {
                text.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .rev()
                    .take(3)
                    .find_map(crate::prose::address_side)
            });
        // The capture right after it, behind a port mark (and before its close).
        let after = &template[at..];
        let close = after.find('}').map_or(after.len(), |i| i + 1);
        let rest = &after[close..];
        let mut end = at + close;
        let port = marks.data().filter(|m| m[0] == "port").find_map(|m| {
            let lead = format!("{}{{$", m[1]);
            let name_end = rest
                .starts_with(&lead)
                .then(|| rest[lead.len()..].find('='))??;
            let name = format!("${}", &rest[lead.len()..lead.len() + name_end]);
            let token_end = rest.find('}')? + 1;
            if !rest[token_end..].starts_with(m[2]) {
                return None;
            }
            let p = slots.slots.iter().find(|p| {
                p.expr == name
                    && real_values(p)
                        .iter()
                        .flatten()
                        .all(|v| v.trim().parse::<u16>().is_ok())
            })?;
            end = at + close + token_end + m[2].len();
            Some(p)
        });
        found.push(Found {
            side,
            ip: s,
            port,
            at,
            end,
        });
    }
    // A flow mark between two addresses: the first is the source, the second the destination.
    for i in 1..found.len() {
        let between = &template[found[i - 1].end.min(found[i].at)..found[i].at];
        if marks
            .data()
            .any(|m| m[0] == "flow" && literal_text(between).contains(m[1]))
        {
            found[i - 1].side.get_or_insert("src");
            found[i].side.get_or_insert("dst");
        }
    }
    // Two addresses side by side, nothing but a separator between them and no word or mark
    // placing either, are written source first, as flow records write them (NetFlow v5's
    // `srcaddr dstaddr`, Amazon VPC Flow Logs' `srcaddr dstaddr srcport dstport`, an AWS load
    // balancer's `client:port target:port`); two port numbers side by side right after them
    // are their ports, in the same order.
    if let [a, b2] = &mut found[..] {
        let between = &template[a.end.min(b2.at)..b2.at];
        if a.side.is_none() && b2.side.is_none() && separator(between) {
            a.side = Some("src");
            b2.side = Some("dst");
            let ports = next_captures(&template[b2.end..], 2)
                .into_iter()
                .map(|name| {
                    slots.slots.iter().find(|p| {
                        p.expr == name
                            && real_values(p).iter().flatten().next().is_some()
                            && real_values(p)
                                .iter()
                                .flatten()
                                .all(|v| v.trim().parse::<u16>().is_ok())
                    })
                })
                .collect::<Option<Vec<&Slot>>>();
            if let (None, None, Some([sport, dport])) = (a.port, b2.port, ports.as_deref()) {
                a.port = Some(sport);
                b2.port = Some(dport);
                // And the protocol's number right after them closes the 5-tuple (VPC Flow
                // Logs' `srcport dstport protocol`: 6, 17).
                let next = next_captures(&template[b2.end..], 3);
                let proto = next.get(2).and_then(|name| {
                    slots.slots.iter().find(|p| {
                        p.expr == *name
                            && real_values(p).iter().flatten().next().is_some()
                            && real_values(p)
                                .iter()
                                .flatten()
                                .all(|v| crate::engine::passes::protocols::is_protocol_number(v))
                    })
                });
                if let Some(p) = proto.filter(|_| !b.has("protocol")) {
                    if let Some(e) = guarded(p, slot_expr(p)) {
                        b.set("protocol", Source::Expr(e), Why::Lexicon);
                    }
                }
            }
        }
    }
    // Of two different addresses, one placed names the other the opposite end (one written
    // twice, OpenVPN's `203.0.113.5:51234 TLS: … from [AF_INET]203.0.113.5:51234`, is one end).
    if let [a, b2] = &mut found[..] {
        let opposite = |side: &str| if side == "src" { "dst" } else { "src" };
        let differ =
            a.ip.values
                .iter()
                .zip(&b2.ip.values)
                .all(|(x, y)| x.is_some() && y.is_some() && x != y);
        match (a.side, b2.side) {
            _ if !differ => {}
            (Some(x), None) => b2.side = Some(opposite(x)),
            (None, Some(y)) => a.side = Some(opposite(y)),
            _ => {}
        }
    }
    if found.len() < 2
        || found.iter().any(|f| f.side.is_none())
        || found.iter().filter(|f| f.side == Some("src")).count() != 1
    {
        return;
    }
    for Found { side, ip, port, .. } in found {
        let side = side.unwrap_or_default();
        // A wildcard a server listens on (`(IP=0.0.0.0:389)`, OpenLDAP's) is nobody's address,
        // though its port is the one reached.
        let wildcard = ip.values.iter().flatten().all(|v| {
            v.trim()
                .parse::<std::net::IpAddr>()
                .is_ok_and(|a| a.is_unspecified())
        });
        if let Some(e) = guarded(ip, slot_expr(ip)).filter(|_| !wildcard) {
            b.set(&format!("{side}.ip"), Source::Expr(e), Why::DirectionWord);
        }
        if let Some(p) = port {
            if let Some(e) = guarded(p, slot_expr(p)) {
                b.set(&format!("{side}.port"), Source::Expr(e), Why::DirectionWord);
            }
        }
    }
}

/// An address capture of a header: the end it is, its port's capture, where its capture starts
/// and where it and its port end.
struct Found<'a> {
    side: Option<&'static str>,
    ip: &'a Slot,
    port: Option<&'a Slot>,
    at: usize,
    end: usize,
}

/// Whether a template's text is one separator of fields: a space, tab, `,`, `;` or `|`, with
/// spaces around it.
fn separator(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c == ' ' || c == '\t');
    (t.is_empty() && !text.is_empty()) || matches!(t, "," | ";" | "|")
}

/// The variables of the first `n` captures of `text`, each behind a separator (a capture as
/// `{$name=TYPE}`); fewer when something else comes between.
fn next_captures(text: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while out.len() < n {
        let Some(open) = rest.find("{$") else {
            break;
        };
        if !separator(&rest[..open]) {
            break;
        }
        let body = &rest[open + 2..];
        let Some(eq) = body.find('=') else {
            break;
        };
        let Some(close) = body.find('}') else {
            break;
        };
        if eq > close {
            break;
        }
        out.push(format!("${}", &body[..eq]));
        rest = &body[close + 1..];
    }
    out
}

/// A template's literal text, its `{…}` captures left out.
pub(crate) fn literal_text(template: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A value that is a list of addresses, comma-separated (a proxy chain as web servers log the
/// `X-Forwarded-For` header: `203.0.113.5, 10.0.0.1, 127.0.0.1`), names the client first (RFC
/// 7239 §5.2: the first `for` element is the client, each proxy appends the address it was
/// reached from): `src.ip` is the first element, when no address is placed yet and most values
/// are such lists.
///
/// `10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" …` with
/// `{$v1=STRING*} - - […` → `$v1_hops = csv($v1, ",", "")`, `src.ip = $v1_hops[0]`.
pub(crate) fn address_list(slots: &Slots, b: &mut Builder) {
    if b.has("src.ip") || b.has("dst.ip") {
        return;
    }
    let hops = |v: &str| -> Option<usize> {
        let parts: Vec<&str> = v.split(',').map(str::trim).collect();
        parts
            .iter()
            .all(|p| p.parse::<std::net::IpAddr>().is_ok())
            .then_some(parts.len())
    };
    // Most values such lists (an odd line may write the chain otherwise), one a chain.
    let list = slots.slots.iter().find(|s| {
        let vals = real_values(s);
        let present: Vec<&String> = vals.iter().flatten().collect();
        let lists = present
            .iter()
            .filter(|v| hops(unquote(v)).is_some())
            .count();
        !present.is_empty()
            && 3 * lists >= 2 * present.len()
            && present
                .iter()
                .any(|v| hops(unquote(v)).is_some_and(|n| n > 1))
    });
    let Some(s) = list else { return };
    let var = format!("{}_hops", s.expr.trim_start_matches('$'));
    if !var.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return;
    }
    b.push_prelude(format!("${var} = csv({}, \",\", \"\")", slot_expr(s)));
    // Where an event writes something else first, no address.
    let first = format!("${var}[0]");
    b.set(
        "src.ip",
        Source::Expr(format!(
            "if maybe_ipv4({first}) != null or maybe_ipv6({first}) != null then {first} endif"
        )),
        Why::Lexicon,
    );
}

/// A message that names one address besides its source's own, under no key the lexicon knows
/// (`Connection closed by authenticating user root 203.0.113.7 port 22`), names the peer:
/// `src.ip`; so does one that names the same address twice. Two or more different addresses
/// stay unassigned: which is which needs their keys.
pub(crate) fn lone_address(slots: &Slots, b: &mut Builder) {
    if b.has("src.ip") || b.has("dst.ip") {
        return;
    }
    // `listening on 0.0.0.0`: a local wildcard, nobody's address.
    let ips = peer_addresses(slots, b, |ip| !ip.is_unspecified());
    // One address written twice (OpenVPN's `203.0.113.5:51234 TLS: Initial packet from
    // [AF_INET]203.0.113.5:51234`: the peer as the line's prefix and in the message) is one.
    let one = ips
        .first()
        .filter(|first| ips.iter().all(|s| s.values == first.values));
    if let Some(s) = one {
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set("src.ip", Source::Expr(e), Why::Lexicon);
        }
    }
}

/// The slots no field reads yet whose every value is an address `peer` accepts (written bare,
/// quoted or in square brackets).
fn peer_addresses<'a>(
    slots: &'a Slots,
    b: &Builder,
    peer: impl Fn(std::net::IpAddr) -> bool,
) -> Vec<&'a Slot> {
    let used = |s: &Slot| {
        b.fields()
            .iter()
            .any(|a| matches!(&a.source, Source::Expr(e) if mentions(e, &s.expr)))
    };
    slots
        .slots
        .iter()
        .filter(|s| {
            let vals = real_values(s);
            let bracketed = all_bracketed(&vals);
            vals.iter().any(Option::is_some)
                && vals.iter().flatten().all(|v| {
                    let v = if bracketed { unbracket(v) } else { unquote(v) };
                    v.trim().parse::<std::net::IpAddr>().is_ok_and(&peer)
                })
        })
        .filter(|s| !used(s))
        .collect()
}

/// A structured event whose one address sits under a key that names an address but no end of an
/// exchange (Duo's `access_device.ip`, an `ip` beside an account) names the peer that acted: `src.ip`,
/// as a message's lone address does. A key naming the reporting host (`schema/key-roles.tsv`
/// `host-key`, or a host word such as `agent`'s) is the host's own address, not a peer's; two or
/// more different addresses stay unassigned.
pub(crate) fn lone_structured_address(slots: &Slots, b: &mut Builder) {
    if b.has("src.ip") || b.has("dst.ip") {
        return;
    }
    let ips = peer_addresses(slots, b, |ip| !ip.is_unspecified() && !ip.is_loopback());
    let [s] = ips.as_slice() else {
        return;
    };
    let path = s.expr.to_ascii_lowercase();
    if !crate::engine::passes::key_words::names_address(&path)
        || crate::lexicon::is_host_key(&s.key)
        || crate::engine::passes::key_words::key_side(&path).is_some()
        || crate::engine::passes::key_words::names_host(&path)
    {
        return;
    }
    if let Some(e) = guarded(s, slot_expr(s)) {
        b.set("src.ip", Source::Expr(e), Why::Lexicon);
    }
}

/// A `port` capture right after an address that went to `src.ip` or `dst.ip` is that side's
/// port (`from 203.0.113.5 port 50522`, `to 10.0.0.1 port 22`). Captures come in header order.
pub(crate) fn pair_ports(slots: &Slots, b: &mut Builder) {
    let tax = Taxonomy::embedded();
    let mut side: Option<&'static str> = None;
    for s in &slots.slots {
        let assigned = b.fields().iter().find_map(|a| match &a.source {
            // The slot itself, or read through strip() or a guard.
            Source::Expr(e) if mentions(e, &s.expr) => Some(a.field.as_str()),
            _ => None,
        });
        match assigned {
            Some("src.ip") => side = Some("src.port"),
            Some("dst.ip") => side = Some("dst.port"),
            _ if s.key == "port" => {
                if let Some(f) = side.take() {
                    if assigned.is_none() && fits(tax, f, &real_values(s)) {
                        if let Some(e) = guarded(s, slot_expr(s)) {
                            b.set(f, Source::Expr(e), Why::Lexicon);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The address and the port of a value written as both (`10.0.0.1:443`, `[::1]:64583`: the
/// authority form of RFC 3986 §3.2.2–3.2.3, an IPv6 address in brackets), if it is one.
fn address_and_port(v: &str) -> Option<(std::net::IpAddr, u16)> {
    let v = v.trim().trim_matches('"');
    let (ip, port) = match v.strip_prefix('[') {
        Some(rest) => {
            let (ip, port) = rest.split_once("]:")?;
            (ip.parse::<std::net::Ipv6Addr>().ok()?.into(), port)
        }
        None => {
            let (ip, port) = v.split_once(':')?;
            (ip.parse::<std::net::Ipv4Addr>().ok()?.into(), port)
        }
    };
    Some((ip, port.parse().ok()?))
}

/// A slot whose every value is an address with its port (`"origin.address": "[::1]:64583"`)
/// is the two: when it is the event's only such slot and no address is placed yet, the peer's,
/// as a lone address of a message is (`src.ip`, `src.port`).
pub(crate) fn address_with_port(slots: &Slots, b: &mut Builder) {
    if b.has("src.ip") || b.has("dst.ip") {
        return;
    }
    let both: Vec<&Slot> = slots
        .slots
        .iter()
        .filter(|s| {
            let vals = real_values(s);
            vals.iter().flatten().next().is_some()
                && vals.iter().flatten().all(|v| address_and_port(v).is_some())
        })
        .collect();
    let [s] = both[..] else {
        return;
    };
    let e = slot_expr(s);
    let bracketed = format!("substr({e}, 0, 1) == \"[\"");
    let ip = format!(
        "if {bracketed} then substr({e}, 1, find_substr({e}, \"]\") - 1) \
         else substr({e}, 0, find_substr({e}, \":\")) endif"
    );
    let port = format!(
        "if {bracketed} then substr({e}, find_substr({e}, \"]:\") + 2) \
         else substr({e}, find_substr({e}, \":\") + 1) endif"
    );
    for (field, expr) in [("src.ip", ip), ("src.port", port)] {
        if let Some(g) = guarded(s, expr) {
            b.set(field, Source::Expr(g), Why::Lexicon);
        }
    }
}

/// A value written `name[address]` (Postfix's and sendmail's client notation:
/// `mail.example.org[203.0.113.9]`, `unknown[198.51.100.23]`) holds the address between its
/// brackets: under a key that says which end it is (`client=` → `src.ip`).
///
/// `client=mail.example.org[203.0.113.9]` → `src.ip = substr($kv["client"], …)`.
pub(crate) fn named_address(slots: &Slots, b: &mut Builder) {
    for s in &slots.slots {
        let Some(side) = crate::engine::passes::key_words::key_side(&s.key) else {
            continue;
        };
        let field = format!("{side}.ip");
        let vals = real_values(s);
        if b.has(&field)
            || vals.iter().flatten().next().is_none()
            || !vals
                .iter()
                .flatten()
                .all(|v| bracketed_address(unquote(v)).is_some())
        {
            continue;
        }
        let e = slot_expr(s);
        let open = format!("find_substr({e}, \"[\")");
        let expr = format!("substr({e}, {open} + 1, find_substr({e}, \"]\") - {open} - 1)");
        if let Some(g) = guarded(s, expr) {
            b.set(&field, Source::Expr(g), Why::Lexicon);
        }
    }
}

/// A value written `address:port` with more after it (SonicWall's `src=10.0.0.5:51514:X0`:
/// address, port and interface, SonicOS Log Events Reference) under a key that says which end
/// it is: the address and the port of that end.
///
/// `src=10.0.0.5:51514:X0` → `$src_parts = csv($kv["src"], ":", "")`,
/// `src.ip = $src_parts[0]`, `src.port = $src_parts[1]`.
pub(crate) fn sided_address_port(slots: &Slots, b: &mut Builder) {
    for s in &slots.slots {
        let Some(side) = crate::engine::passes::key_words::key_side(&s.key) else {
            continue;
        };
        let vals = real_values(s);
        let split = |v: &str| -> bool {
            let mut parts = unquote(v).trim().split(':');
            let ip = parts
                .next()
                .and_then(|p| p.parse::<std::net::Ipv4Addr>().ok());
            let port = parts.next().and_then(|p| p.parse::<u16>().ok());
            ip.is_some() && port.is_some()
        };
        if b.has(&format!("{side}.ip"))
            || vals.iter().flatten().next().is_none()
            || !vals.iter().flatten().all(|v| split(v))
        {
            continue;
        }
        let var = format!(
            "${}_parts",
            s.key
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
                .to_ascii_lowercase()
        );
        b.push_prelude(format!("{var} = csv({}, \":\", \"\")", slot_expr(s)));
        b.set(
            &format!("{side}.ip"),
            Source::Expr(format!("{var}[0]")),
            Why::KeyWords,
        );
        if !b.has(&format!("{side}.port")) {
            b.set(
                &format!("{side}.port"),
                Source::Expr(format!("{var}[1]")),
                Why::KeyWords,
            );
        }
    }
}

/// The address of a `name[address]` value.
fn bracketed_address(v: &str) -> Option<std::net::IpAddr> {
    let (name, rest) = v.trim().split_once('[')?;
    let addr = rest.strip_suffix(']')?;
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    name_ok.then(|| addr.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `pass` on one slot `$key` holding `values`; the expression it gives `field`.
    fn expr_of(pass: fn(&Slots, &mut Builder), key: &str, values: &[&str], field: &str) -> String {
        let s = Slots {
            prelude: Vec::new(),
            slots: vec![Slot {
                expr: format!("${key}"),
                key: key.into(),
                parent: None,
                values: values.iter().map(|v| Some(v.to_string())).collect(),
            }],
        };
        let mut b = Builder::new(Vec::new());
        pass(&s, &mut b);
        let (out, _) = b.finish();
        match &out.get(field).unwrap().source {
            Source::Expr(e) => e.clone(),
            Source::Const(c) => c.clone(),
        }
    }

    #[test]
    fn a_bracketed_address_after_a_name_is_the_address() {
        assert!(bracketed_address("mail.example.org[203.0.113.9]").is_some());
        assert!(bracketed_address("unknown[2001:db8::1]").is_some());
        assert!(bracketed_address("[203.0.113.9]").is_none());
        assert!(bracketed_address("host[x]").is_none());
        assert!(bracketed_address("a b[10.0.0.1]").is_none());
        let e = &expr_of(
            named_address,
            "client",
            &["mail.example.org[203.0.113.9]"],
            "src.ip",
        );
        for (raw, ip) in [
            (
                r#"{"client": "mail.example.org[203.0.113.9]"}"#,
                "203.0.113.9",
            ),
            (r#"{"client": "unknown[2001:db8::1]"}"#, "2001:db8::1"),
        ] {
            assert_eq!(
                crate::tsv::run_field("", "src.ip", e, raw).as_deref(),
                Some(ip)
            );
        }
    }

    #[test]
    fn an_address_with_its_port_splits_per_event() {
        assert!(address_and_port("[::1]:64583").is_some());
        assert!(address_and_port("10.0.0.1:443").is_some());
        assert!(address_and_port("10.0.0.1").is_none());
        assert!(address_and_port("host:443").is_none());
        assert!(address_and_port("::1").is_none());
        let values = ["[::1]:64583", "10.0.0.7:9300"];
        let run = |field: &str, raw: &str| {
            let e = expr_of(address_with_port, "origin.address", &values, field);
            crate::tsv::run_field("", field, &e, raw)
        };
        let raw = r#"{"origin.address": "[::1]:64583"}"#;
        assert_eq!(run("src.ip", raw).as_deref(), Some("::1"));
        assert_eq!(run("src.port", raw).as_deref(), Some("64583"));
        let raw4 = r#"{"origin.address": "10.0.0.7:9300"}"#;
        assert_eq!(run("src.ip", raw4).as_deref(), Some("10.0.0.7"));
    }
}
