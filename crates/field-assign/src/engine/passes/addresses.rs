//! **addresses** of TEXT messages: placed by the word before them (`from`, `to`, `src`, `dst`),
//! a lone peer address, and the port right after an address.
//!
//! `Accepted password for alice from 203.0.113.5 port 50522 ssh2` → `src.ip = $ip`,
//! `src.port = $port`.

use xp_taxonomy::Taxonomy;

use crate::engine::builder::Builder;
use crate::engine::expr::{guarded, mentions, slot_expr};
use crate::engine::values::{fits, real_values};
use crate::slots::{Slot, Slots};
use crate::{Source, Why};

/// Addresses of a TEXT header placed by the word before them (`src outside:{$a=IPV4}/…`,
/// `for …`, `dst …`, `to …`: `prose::address_side`), and the number right after an address
/// and a `/` or `:` its port (`10.0.0.1/443`). Only when the header has two or more address
/// captures and every one is placed: a lone address is the lexicon's.
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
    // (side, address slot, port slot) in header order.
    let mut placed: Vec<(&'static str, &Slot, Option<&Slot>)> = Vec::new();
    let mut ips = 0;
    for s in &slots.slots {
        if !s.expr.starts_with('$') || s.expr.contains('[') || !is_ip(s) {
            continue;
        }
        ips += 1;
        let token = format!("{{{}=", s.expr);
        let Some(at) = template.find(&token) else {
            return;
        };
        // The literal text since the previous capture.
        let before = &template[..at];
        let since = before.rfind('}').map_or(before, |i| &before[i + 1..]);
        let side = since
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .rev()
            .take(3)
            .find_map(crate::prose::address_side);
        let Some(side) = side else {
            return;
        };
        // The capture right after it, behind one `/` or `:`.
        let after = &template[at..];
        let close = after.find('}').map_or(after.len(), |i| i + 1);
        let rest = &after[close..];
        let port = [("/{$", 3), (":{$", 3)].iter().find_map(|(lead, n)| {
            let name_end = rest.starts_with(lead).then(|| rest[*n..].find('='))??;
            let name = format!("${}", &rest[*n..*n + name_end]);
            slots.slots.iter().find(|p| {
                p.expr == name
                    && real_values(p)
                        .iter()
                        .flatten()
                        .all(|v| v.trim().parse::<u16>().is_ok())
            })
        });
        placed.push((side, s, port));
    }
    if ips < 2 || placed.len() != ips || placed.iter().filter(|p| p.0 == "src").count() != 1 {
        return;
    }
    for (side, ip, port) in placed {
        if let Some(e) = guarded(ip, slot_expr(ip)) {
            b.set(&format!("{side}.ip"), Source::Expr(e), Why::DirectionWord);
        }
        if let Some(p) = port {
            if let Some(e) = guarded(p, slot_expr(p)) {
                b.set(&format!("{side}.port"), Source::Expr(e), Why::DirectionWord);
            }
        }
    }
}

/// A message that names one address besides its source's own, under no key the lexicon knows
/// (`Connection closed by authenticating user root 203.0.113.7 port 22`), names the peer:
/// `src.ip`. Two or more such addresses stay unassigned: which is which needs their keys.
pub(crate) fn lone_address(slots: &Slots, b: &mut Builder) {
    if b.has("src.ip") || b.has("dst.ip") {
        return;
    }
    let used = |s: &Slot| {
        b.fields()
            .iter()
            .any(|a| matches!(&a.source, Source::Expr(e) if mentions(e, &s.expr)))
    };
    let ips: Vec<&Slot> = slots
        .slots
        .iter()
        .filter(|s| {
            let vals = real_values(s);
            vals.iter().any(Option::is_some)
                && vals.iter().flatten().all(|v| {
                    // `listening on 0.0.0.0`: a local wildcard, nobody's address.
                    v.trim()
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| !ip.is_unspecified())
                })
        })
        .filter(|s| !used(s))
        .collect();
    if let [s] = ips[..] {
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set("src.ip", Source::Expr(e), Why::Lexicon);
        }
    }
}

/// A `port` capture right after an address that went to `src.ip` or `dst.ip` is that side's
/// port (`from 203.0.113.5 port 50522`, `to 10.0.0.1 port 22`). Captures come in header order.
pub(crate) fn pair_ports(slots: &Slots, b: &mut Builder) {
    let tax = Taxonomy::embedded();
    let mut side: Option<&'static str> = None;
    for s in &slots.slots {
        let assigned = b.fields().iter().find_map(|a| match &a.source {
            Source::Expr(e) if *e == s.expr => Some(a.field.as_str()),
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
