//! **time**: the event's time from a key that names a time or date (`timestamp`, `date`,
//! `EventTime`, CEF `rt`), or a capture the header types as `DATETIME` or a record's field no
//! layout names (`$csv[0]`), when every value
//! parses as a time, or is a POSIX time in seconds or milliseconds; a bare date takes its clock
//! from a sibling time key. A structured event with no such key takes its shallowest RFC 3339
//! date and time.
//!
//! `date=2025-03-10 time=06:50:02 devname="fw1"` → `time = substr($date, 0, 10) + " " + $time`.

use ingest::Kind;

use crate::engine::builder::Builder;
use crate::engine::expr::slot_expr;
use crate::engine::values::{by_depth, unquote};
use crate::slots::{Slot, Slots};
use crate::{lexicon, ClusterView, Source, Why};

/// The time from the first slot (shallow paths first) whose key names a time and whose every
/// value is one.
pub(crate) fn time_keys(view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
    let text_kind = matches!(view.kind, Kind::Text | Kind::Keyvalue | Kind::Cef);
    for s in by_depth(slots) {
        let k = s.key.to_lowercase();
        // CEF's receipt, start and end times are `rt`, `start`, `end`.
        let cef_time = view.kind == Kind::Cef && matches!(k.as_str(), "rt" | "start" | "end");
        // A capture the header types as a time is one, whatever its name (`audit({$audit=DATETIME}:…)`).
        let typed = text_kind && view.head.contains(&format!("{{{}=DATETIME", s.expr));
        // A field of a record no layout names (`$csv[0]`) is known by its values alone.
        let column = text_kind && k.is_empty() && s.expr.ends_with(']');
        if !b.has("time")
            && (k.contains("time")
                || k.contains("date")
                || lexicon::has_role(&s.key, "event-time-key")
                || (text_kind && k == "t")
                || cef_time
                || typed
                || column)
            && lexicon::all_times(&s.values)
            // A POSIX time is converted below (`epoch_to_datetime`), unless typed already.
            && (typed || epoch_unit(&s.values).is_none())
        {
            // A date alone (`date=2025-03-10`) takes its clock from a sibling
            // (`time=06:50:02`, firewall key=value records).
            let e = match clock_of(s, slots) {
                // A DATETIME capture holds a datetime: its text's first ten bytes are the date.
                Some(c) => format!("substr({}, 0, 10) + \" \" + {}", s.expr, slot_expr(c)),
                None => s.expr.clone(),
            };
            b.set("time", Source::Expr(e), Why::Lexicon);
        }
    }
    // A time key holding a POSIX time: seconds (ten digits, maybe a fraction: 2001–2286) or
    // milliseconds (thirteen digits) since 1970-01-01 UTC (`"@timestamp": 1733565601000`).
    for s in by_depth(slots) {
        let k = s.key.to_lowercase();
        let named = k.contains("time") || lexicon::has_role(&s.key, "event-time-key");
        if b.has("time") || !named {
            continue;
        }
        let f = match epoch_unit(&s.values) {
            Some(Epoch::Seconds) => "epoch_to_datetime",
            Some(Epoch::Millis) => "epoch_ms_to_datetime",
            None => continue,
        };
        b.set(
            "time",
            Source::Expr(format!("{f}(number({}))", slot_expr(s))),
            Why::Lexicon,
        );
    }
    if b.has("time") || matches!(view.kind, Kind::Text | Kind::Keyvalue | Kind::Cef) {
        return;
    }
    // A structured event whose time key has a name of its own (Okta's `published`): the
    // shallowest key whose every value is an RFC 3339 date and time (`2026-12-07T10:00:01Z`).
    let rfc3339 = |v: &str| {
        let b = unquote(v).as_bytes();
        b.len() >= 16
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[7] == b'-'
            && matches!(b[10], b'T' | b't' | b' ')
            && b[13] == b':'
    };
    let stamped = by_depth(slots).into_iter().find(|s| {
        s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| rfc3339(v))
            && lexicon::all_times(&s.values)
    });
    if let Some(s) = stamped {
        b.set("time", Source::Expr(s.expr.clone()), Why::Lexicon);
    }
}

/// The unit of a POSIX time.
enum Epoch {
    Seconds,
    Millis,
}

/// Whether every value is a POSIX time in seconds (ten digits, maybe a fraction) or in
/// milliseconds (thirteen digits), and which.
fn epoch_unit(values: &[Option<String>]) -> Option<Epoch> {
    let present: Vec<&str> = values.iter().flatten().map(|v| unquote(v).trim()).collect();
    if present.is_empty() {
        return None;
    }
    let digits = |v: &str| v.bytes().all(|b| b.is_ascii_digit());
    let seconds = |v: &str| {
        let (int, frac) = v.split_once('.').unwrap_or((v, "0"));
        int.len() == 10 && digits(int) && !frac.is_empty() && digits(frac)
    };
    if present.iter().all(|v| seconds(v)) {
        Some(Epoch::Seconds)
    } else if present.iter().all(|v| v.len() == 13 && digits(v)) {
        Some(Epoch::Millis)
    } else {
        None
    }
}

/// For a slot whose every value is a bare date (`2025-03-10`), a slot of clock times
/// (`06:50:02`, `06:50:02.123`) that goes with it.
pub(crate) fn clock_of<'a>(s: &Slot, slots: &'a Slots) -> Option<&'a Slot> {
    let all = |sl: &Slot, f: &dyn Fn(&[u8]) -> bool| {
        let vs: Vec<&String> = sl.values.iter().flatten().collect();
        !vs.is_empty() && vs.iter().all(|v| f(unquote(v).as_bytes()))
    };
    // A bare date, or what a DATETIME capture makes of one (midnight).
    let date = |b: &[u8]| {
        let b = b.strip_suffix(b"T00:00:00.000Z").unwrap_or(b);
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    };
    let clock = |b: &[u8]| {
        b.len() >= 8
            && b[2] == b':'
            && b[5] == b':'
            && b.iter().enumerate().all(|(i, c)| {
                i == 2 || i == 5 || c.is_ascii_digit() || (i >= 8 && matches!(c, b'.' | b','))
            })
    };
    if !all(s, &date) {
        return None;
    }
    slots
        .slots
        .iter()
        .find(|c| c.key.to_ascii_lowercase().contains("time") && all(c, &clock))
}
