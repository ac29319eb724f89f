//! Date-time built-ins. Windows ticks are 100 ns intervals since 1601-01-01.

use chrono::{DateTime, Datelike, Timelike};

use crate::datetime;
use crate::text::tokens;
use crate::value::Value;

const TICKS_TO_UNIX_MS: i64 = 11_644_473_600_000;

/// `epoch_to_datetime(seconds)` (a fraction is kept to ms).
pub fn epoch_to_datetime(a: &[Value]) -> Value {
    match a[0].as_f64() {
        Some(f) if f.is_finite() && f.abs() < 1e13 => Value::Time((f * 1000.0).trunc() as i64),
        _ => Value::Null,
    }
}

/// `epoch_ms_to_datetime(ms)`.
pub fn epoch_ms_to_datetime(a: &[Value]) -> Value {
    a[0].as_int().map_or(Value::Null, Value::Time)
}

fn time_of(v: &Value, year: i32) -> Option<i64> {
    match v {
        Value::Time(ms) => Some(*ms),
        Value::Str(s) => datetime::parse_full(s, Some(year)),
        _ => None,
    }
}

/// `datetime(s)` / `maybe_datetime(s)`.
pub fn datetime(a: &[Value], year: i32) -> Value {
    time_of(&a[0], year).map_or(Value::Null, Value::Time)
}

/// `datetime_to_epoch(dt)`: seconds.
pub fn datetime_to_epoch(a: &[Value], year: i32) -> Value {
    time_of(&a[0], year).map_or(Value::Null, |ms| Value::Int(ms.div_euclid(1000)))
}

/// `datetime_to_epoch_ms(dt)`.
pub fn datetime_to_epoch_ms(a: &[Value], year: i32) -> Value {
    time_of(&a[0], year).map_or(Value::Null, Value::Int)
}

/// `win_ticks_to_datetime(ticks)`.
pub fn win_ticks_to_datetime(a: &[Value]) -> Value {
    a[0].as_int()
        .map_or(Value::Null, |t| Value::Time(t / 10_000 - TICKS_TO_UNIX_MS))
}

/// `datetime_to_win_ticks(dt)`.
pub fn datetime_to_win_ticks(a: &[Value], year: i32) -> Value {
    time_of(&a[0], year).map_or(Value::Null, |ms| {
        Value::Int((ms + TICKS_TO_UNIX_MS) * 10_000)
    })
}

/// `year(dt)`, `month`, `day`, `hour`, `minute`, `second` (UTC).
pub fn part(a: &[Value], year: i32, which: &str) -> Value {
    let Some(ms) = time_of(&a[0], year) else {
        return Value::Null;
    };
    let Some(dt) = DateTime::from_timestamp_millis(ms) else {
        return Value::Null;
    };
    Value::Int(match which {
        "year" => i64::from(dt.year()),
        "month" => i64::from(dt.month()),
        "day" => i64::from(dt.day()),
        "hour" => i64::from(dt.hour()),
        "minute" => i64::from(dt.minute()),
        _ => i64::from(dt.second()),
    })
}

/// `duration(s)` / `maybe_duration(s)`: seconds.
pub fn duration(a: &[Value]) -> Value {
    match &a[0] {
        Value::Int(n) => Value::Int(*n),
        other => other
            .as_str_cow()
            .and_then(|s| tokens::parse_duration(&s))
            .map_or(Value::Null, Value::Int),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(
            datetime::format_ms(epoch_to_datetime(&[Value::str("1558181819")]).as_int_time()),
            "2019-05-18T12:16:59.000Z"
        );
        let t = win_ticks_to_datetime(&[Value::Int(132_000_000_000_000_000)]);
        assert!(matches!(t, Value::Time(_)));
    }

    trait T {
        fn as_int_time(&self) -> i64;
    }
    impl T for Value {
        fn as_int_time(&self) -> i64 {
            match self {
                Value::Time(ms) => *ms,
                _ => panic!("not a time"),
            }
        }
    }
}
