//! **protocols**: the transport a message about a connection names by its IANA keyword
//! (`schema/ip-protocols.tsv`): a capture whose every value is one (`{$proto=WORD}` holding
//! `tcp`, `udp`), else the one such word of the message's literal text; and a key whose last
//! word names a protocol (`schema/key-words.tsv`: `ip_protocol`, `transportProtocol`) holding
//! keywords or numbers.
//!
//! `list 101 denied tcp {$ip=IPV4}({$sport=NUMBER}) -> {$ip2=IPV4}({$dport=NUMBER}), 1 packet`
//! → `protocol = "tcp"`.

use crate::engine::builder::{Builder, Override};
use crate::engine::expr::{guarded, slot_expr};
use crate::engine::values::{real_values, unquote};
use crate::slots::Slots;
use crate::{Source, Why};

/// Whether `word` is a protocol's keyword.
fn is_protocol(word: &str) -> bool {
    let word = word.to_ascii_lowercase();
    crate::tsv::table("ip-protocols")
        .data()
        .any(|c| c[0] == word)
}

/// The protocol of an event from a key whose last word names one (`IPProtocol`,
/// `l4_protocol`, `network_transport`), when every value is a protocol's keyword or number.
pub(crate) fn protocol_key(slots: &Slots, b: &mut Builder) {
    if b.has("protocol") {
        return;
    }
    let named = |key: &str| {
        crate::lexicon::split_words(key).last().is_some_and(|w| {
            crate::tsv::table("key-words")
                .data()
                .any(|c| c[0] == w.as_str() && c[1] == "attribute:protocol")
        })
    };
    let found = crate::engine::values::by_depth(slots)
        .into_iter()
        .find(|s| {
            let vals = real_values(s);
            named(&s.key)
                && vals.iter().flatten().next().is_some()
                && vals.iter().flatten().all(|v| {
                    let v = unquote(v).trim();
                    is_protocol(v) || is_protocol_number(v)
                })
        });
    if let Some(s) = found {
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set("protocol", Source::Expr(e), Why::KeyWords);
        }
    }
}

/// A protocol read whole from values written `transport/service` (SonicWall's `proto=tcp/https`,
/// SonicOS Log Events Reference): the transport before the `/`, when it is a protocol's keyword.
///
/// `proto=tcp/https` → `protocol = csv($kv["proto"], "/", "")[0]`.
pub(crate) fn transport_of_service(slots: &Slots, b: &mut Builder) {
    let Some(Source::Expr(e)) = b.get("protocol").map(|a| a.source.clone()) else {
        return;
    };
    let Some(s) = slots.slots.iter().find(|s| s.expr == e) else {
        return;
    };
    let vals = real_values(s);
    let split = |v: &str| {
        unquote(v)
            .trim()
            .split_once('/')
            .is_some_and(|(t, service)| is_protocol(t) && !service.is_empty())
    };
    if vals.iter().flatten().next().is_some() && vals.iter().flatten().all(|v| split(v)) {
        b.replace(
            "protocol",
            Source::Expr(format!("csv({e}, \"/\", \"\")[0]")),
            Why::Lexicon,
            Override::Only(&[Why::Lexicon]),
        );
    }
}

/// Whether `value` is the number of a protocol `schema/ip-protocols.tsv` names.
pub(crate) fn is_protocol_number(value: &str) -> bool {
    let value = value.trim();
    crate::tsv::table("ip-protocols")
        .data()
        .any(|c| c[1] == value)
}

/// The protocol of a message that places an address: a capture of keywords, else the one
/// keyword its TEXT template writes.
pub(crate) fn transport_word(head: &str, slots: &Slots, b: &mut Builder) {
    if b.has("protocol") || !(b.has("src.ip") || b.has("dst.ip")) {
        return;
    }
    let captures: Vec<_> = slots
        .slots
        .iter()
        .filter(|s| {
            let vals = real_values(s);
            vals.iter().flatten().next().is_some()
                && vals
                    .iter()
                    .flatten()
                    .all(|v| is_protocol(unquote(v).trim()))
        })
        .collect();
    if let [s] = captures[..] {
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set("protocol", Source::Expr(e), Why::Lexicon);
        }
        return;
    }
    if !captures.is_empty() {
        return;
    }
    let Some(template) = crate::prose::text_template(head) else {
        return;
    };
    let literal = crate::engine::passes::addresses::literal_text(template);
    let words: std::collections::BTreeSet<String> = literal
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| is_protocol(w))
        .map(str::to_string)
        .collect();
    if words.len() == 1 {
        let w = words.into_iter().next().unwrap_or_default();
        b.set("protocol", Source::Const(w), Why::Lexicon);
    }
}
