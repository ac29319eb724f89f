//! The registry of XP built-in functions: name, arity and implementation. `submessage` is
//! handled by the interpreter, not here.

pub mod codec;
pub mod csv;
pub mod glob;
pub mod keyvalue;
pub mod list;
pub mod net;
pub mod number;
pub mod regex_cache;
pub mod string;
pub mod time;

use crate::value::Value;

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Builtin {
    Lower,
    Upper,
    Strip,
    Substr,
    FindSubstr,
    Length,
    Replace,
    Match,
    Regex,
    Str,
    HexToString,
    Join,
    Csv,
    Keyvalue,
    InList,
    Append,
    Remove,
    IsList,
    Coalesce,
    Number,
    Number16,
    Number8,
    Mod,
    Div,
    Bool,
    Flip16,
    Flip32,
    Flip64,
    Ipv4,
    Ipv6,
    InSubnet,
    Macaddr,
    EpochToDatetime,
    EpochMsToDatetime,
    Datetime,
    DatetimeToEpoch,
    DatetimeToEpochMs,
    WinTicksToDatetime,
    DatetimeToWinTicks,
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Duration,
    BufferFromBase64,
    Decode,
    Submessage,
}

/// `(name, builtin, min args, max args)`; aliases share a builtin.
pub const TABLE: &[(&str, Builtin, u8, u8)] = &[
    ("lower", Builtin::Lower, 1, 1),
    ("upper", Builtin::Upper, 1, 1),
    ("strip", Builtin::Strip, 3, 3),
    ("substr", Builtin::Substr, 2, 3),
    ("find_substr", Builtin::FindSubstr, 2, 3),
    ("length", Builtin::Length, 1, 1),
    ("len", Builtin::Length, 1, 1),
    ("replace", Builtin::Replace, 3, 4),
    ("match", Builtin::Match, 2, 2),
    ("regex", Builtin::Regex, 2, 3),
    ("string", Builtin::Str, 1, 1),
    ("hex_to_string", Builtin::HexToString, 1, 1),
    ("join", Builtin::Join, 2, 2),
    ("csv", Builtin::Csv, 2, 3),
    ("keyvalue", Builtin::Keyvalue, 3, 4),
    ("in_list", Builtin::InList, 2, 2),
    ("append", Builtin::Append, 2, 2),
    ("remove", Builtin::Remove, 2, 2),
    ("is_list", Builtin::IsList, 1, 1),
    ("coalesce", Builtin::Coalesce, 1, 16),
    ("number", Builtin::Number, 1, 1),
    ("maybe_number", Builtin::Number, 1, 1),
    ("number16", Builtin::Number16, 1, 1),
    ("maybe_number16", Builtin::Number16, 1, 1),
    ("number8", Builtin::Number8, 1, 1),
    ("maybe_number8", Builtin::Number8, 1, 1),
    ("mod", Builtin::Mod, 2, 2),
    ("div", Builtin::Div, 2, 2),
    ("bool", Builtin::Bool, 1, 1),
    ("flip_endianness16", Builtin::Flip16, 1, 1),
    ("flip_endianness32", Builtin::Flip32, 1, 1),
    ("flip_endianness64", Builtin::Flip64, 1, 1),
    ("ipv4", Builtin::Ipv4, 1, 1),
    ("maybe_ipv4", Builtin::Ipv4, 1, 1),
    ("ipv6", Builtin::Ipv6, 1, 1),
    ("maybe_ipv6", Builtin::Ipv6, 1, 1),
    ("in_subnet", Builtin::InSubnet, 2, 2),
    ("macaddr", Builtin::Macaddr, 1, 1),
    ("maybe_macaddr", Builtin::Macaddr, 1, 1),
    ("epoch_to_datetime", Builtin::EpochToDatetime, 1, 1),
    ("epoch_ms_to_datetime", Builtin::EpochMsToDatetime, 1, 1),
    ("datetime", Builtin::Datetime, 1, 1),
    ("maybe_datetime", Builtin::Datetime, 1, 1),
    ("datetime_to_epoch", Builtin::DatetimeToEpoch, 1, 1),
    ("datetime_to_epoch_ms", Builtin::DatetimeToEpochMs, 1, 1),
    ("win_ticks_to_datetime", Builtin::WinTicksToDatetime, 1, 1),
    ("datetime_to_win_ticks", Builtin::DatetimeToWinTicks, 1, 1),
    ("year", Builtin::Year, 1, 1),
    ("month", Builtin::Month, 1, 1),
    ("day", Builtin::Day, 1, 1),
    ("hour", Builtin::Hour, 1, 1),
    ("minute", Builtin::Minute, 1, 1),
    ("second", Builtin::Second, 1, 1),
    ("duration", Builtin::Duration, 1, 1),
    ("maybe_duration", Builtin::Duration, 1, 1),
    ("buffer_from_base64", Builtin::BufferFromBase64, 1, 1),
    ("decode", Builtin::Decode, 2, 2),
    ("submessage", Builtin::Submessage, 3, 3),
];

/// Looks a function up by name: `(builtin, min args, max args)`.
pub fn lookup(name: &str) -> Option<(Builtin, usize, usize)> {
    TABLE
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|&(_, b, lo, hi)| (b, lo as usize, hi as usize))
}

/// Calls a built-in. `year` completes year-less date strings.
pub fn call(b: Builtin, a: &[Value], year: i32) -> Value {
    use Builtin::*;
    match b {
        Lower => string::lower(a),
        Upper => string::upper(a),
        Strip => string::strip(a),
        Substr => string::substr(a),
        FindSubstr => string::find_substr(a),
        Length => string::length(a),
        Replace => string::replace(a),
        Match => string::glob_match(a),
        Regex => string::regex(a),
        Str => string::string(a),
        HexToString => string::hex_to_string(a),
        Join => string::join(a),
        Csv => csv::csv(a),
        Keyvalue => keyvalue::keyvalue(a),
        InList => list::in_list(a),
        Append => list::append(a),
        Remove => list::remove(a),
        IsList => list::is_list(a),
        Coalesce => list::coalesce(a),
        Number => number::number(a),
        Number16 => number::number16(a),
        Number8 => number::number8(a),
        Mod => number::modulo(a),
        Div => number::div(a),
        Bool => number::to_bool(a),
        Flip16 => number::flip(a, 16),
        Flip32 => number::flip(a, 32),
        Flip64 => number::flip(a, 64),
        Ipv4 => net::ipv4(a),
        Ipv6 => net::ipv6(a),
        InSubnet => net::in_subnet(a),
        Macaddr => net::macaddr(a),
        EpochToDatetime => time::epoch_to_datetime(a),
        EpochMsToDatetime => time::epoch_ms_to_datetime(a),
        Datetime => time::datetime(a, year),
        DatetimeToEpoch => time::datetime_to_epoch(a, year),
        DatetimeToEpochMs => time::datetime_to_epoch_ms(a, year),
        WinTicksToDatetime => time::win_ticks_to_datetime(a),
        DatetimeToWinTicks => time::datetime_to_win_ticks(a, year),
        Year => time::part(a, year, "year"),
        Month => time::part(a, year, "month"),
        Day => time::part(a, year, "day"),
        Hour => time::part(a, year, "hour"),
        Minute => time::part(a, year, "minute"),
        Second => time::part(a, year, "second"),
        Duration => time::duration(a),
        BufferFromBase64 => codec::buffer_from_base64(a),
        Decode => codec::decode(a),
        Submessage => Value::Null,
    }
}
