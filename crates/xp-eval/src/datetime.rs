//! Date-time recognition for the `DATETIME` token and `datetime()`: ISO 8601 / RFC 3339,
//! BSD syslog (year-less), ctime, Apache CLF, US and European numeric dates, compact forms and
//! Unix epochs. Values are milliseconds since the epoch, UTC; fractions are truncated to ms;
//! no zone means UTC; a year-less form takes the year it is given.

use chrono::{DateTime, NaiveDate};

/// Formats as `YYYY-MM-DDTHH:MM:SSZ`, whole seconds (the fraction truncated): a datetime
/// converted to text (a string field, `string()`, concatenation), as the vendor's function
/// reference writes it. Datetime fields keep milliseconds ([`format_ms`]).
pub fn format_secs(ms: i64) -> String {
    format(ms, false)
}

/// Formats as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_ms(ms: i64) -> String {
    format(ms, true)
}

/// The two formats, written digit by digit (every normalized time goes through here: chrono's
/// `format` parses its pattern on every call, and `write!` costs more than the digits). Years
/// outside 0–9999 take chrono's `%Y` form.
fn format(ms: i64, with_ms: bool) -> String {
    use chrono::{Datelike, Timelike};
    let Some(dt) = DateTime::from_timestamp_millis(ms) else {
        return ms.to_string();
    };
    let mut s = String::with_capacity(24);
    let y = dt.year();
    if (0..=9999).contains(&y) {
        push_digits(&mut s, y.unsigned_abs(), 4);
    } else {
        s.push_str(&dt.format("%Y").to_string());
    }
    for (sep, n) in [
        ('-', dt.month()),
        ('-', dt.day()),
        ('T', dt.hour()),
        (':', dt.minute()),
        (':', dt.second()),
    ] {
        s.push(sep);
        push_digits(&mut s, n, 2);
    }
    if with_ms {
        s.push('.');
        push_digits(&mut s, dt.timestamp_subsec_millis(), 3);
    }
    s.push('Z');
    s
}

/// Appends the last `width` decimal digits of `n`, zero-padded.
fn push_digits(s: &mut String, n: u32, width: u32) {
    for k in (0..width).rev() {
        let d = (n / 10u32.pow(k)) % 10;
        s.push(char::from(b'0' + d as u8));
    }
}

/// Parses the whole string (surrounding whitespace allowed).
pub fn parse_full(s: &str, year: Option<i32>) -> Option<i64> {
    let t = s.trim();
    match parse_prefix(t, year) {
        Some((len, ms)) if len == t.len() => Some(ms),
        _ => None,
    }
}

/// The longest date-time at the start of `s`: `(bytes consumed, epoch ms)`.
pub fn parse_prefix(s: &str, year: Option<i32>) -> Option<(usize, i64)> {
    let b = s.as_bytes();
    let first = *b.first()?;
    let mut best: Option<(usize, i64)> = None;
    let consider = |best: &mut Option<(usize, i64)>, r: Option<(usize, i64)>| {
        if let Some((len, ms)) = r {
            if best.is_none_or(|(l, _)| len > l) {
                *best = Some((len, ms));
            }
        }
    };
    if first.is_ascii_digit() {
        consider(&mut best, iso(b));
        consider(&mut best, slash_ymd(b));
        consider(&mut best, day_month_name_year(b));
        consider(&mut best, us_mdy(b));
        consider(&mut best, dotted_dmy(b));
        consider(&mut best, compact(b));
        consider(&mut best, month_day_yearless(b, year));
        if best.is_none() {
            consider(&mut best, epoch(b));
        }
    } else if first.is_ascii_alphabetic() {
        consider(&mut best, syslog(b, year));
    }
    best
}

struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            v = v * 10 + u32::from(self.b[self.i] - b'0');
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        Some(v)
    }

    fn lit(&mut self, c: u8) -> Option<()> {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn one_of(&mut self, cs: &[u8]) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        if cs.contains(&c) {
            self.i += 1;
            Some(c)
        } else {
            None
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn spaces(&mut self) -> usize {
        let s = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i - s
    }

    /// `HH:MM[:SS][(.|,|:)fff]`, returns ms of day.
    fn time(&mut self, colon_fraction: bool) -> Option<i64> {
        let h = self.digits(1, 2)?;
        self.lit(b':')?;
        let m = self.digits(2, 2)?;
        let mut sec = 0;
        let save = self.i;
        if self.lit(b':').is_some() {
            match self.digits(2, 2) {
                Some(s) => sec = s,
                None => self.i = save,
            }
        }
        if h > 23 || m > 59 || sec > 60 {
            return None;
        }
        let frac = self.fraction(colon_fraction);
        Some(
            i64::from(h) * 3_600_000 + i64::from(m) * 60_000 + i64::from(sec.min(59)) * 1000 + frac,
        )
    }

    /// `.fff…` or `,fff…` (and `:fff` when allowed): milliseconds, truncated.
    fn fraction(&mut self, colon: bool) -> i64 {
        let save = self.i;
        let seps: &[u8] = if colon { b".,:" } else { b".," };
        if self.one_of(seps).is_none() {
            return 0;
        }
        let start = self.i;
        let mut ms = 0i64;
        while let Some(c) = self.peek() {
            if !c.is_ascii_digit() || self.i - start >= 9 {
                break;
            }
            if self.i - start < 3 {
                ms = ms * 10 + i64::from(c - b'0');
            }
            self.i += 1;
        }
        let n = self.i - start;
        if n == 0 {
            self.i = save;
            return 0;
        }
        for _ in n..3 {
            ms *= 10;
        }
        ms
    }

    /// `Z`, `UTC`, `GMT`, `+HH`, `+HHMM`, `+HH:MM` (optionally after one space): offset in ms.
    fn zone(&mut self) -> i64 {
        let save = self.i;
        let had_space = self.lit(b' ').is_some();
        if self.lit(b'Z').is_some() {
            return 0;
        }
        for name in [&b"UTC"[..], b"GMT"] {
            if self.b[self.i..].starts_with(name) {
                self.i += 3;
                return 0;
            }
        }
        if let Some(sign) = self.one_of(b"+-") {
            if let Some(h) = self.digits(2, 2) {
                let after_h = self.i;
                let colon = self.lit(b':').is_some();
                let m = match self.digits(2, 2) {
                    Some(m) => m,
                    None => {
                        self.i = if colon { after_h } else { self.i };
                        0
                    }
                };
                if h <= 14 && m < 60 {
                    let off = i64::from(h) * 3_600_000 + i64::from(m) * 60_000;
                    return if sign == b'+' { off } else { -off };
                }
            }
        }
        let _ = had_space;
        self.i = save;
        0
    }

    /// Succeeds only when the date-time is not followed by more word characters.
    fn boundary(&self) -> bool {
        !matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric())
    }
}

fn ymd_ms(y: i32, m: u32, d: u32, ms_of_day: i64) -> Option<i64> {
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() + ms_of_day)
}

fn iso(b: &[u8]) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    let y = c.digits(4, 4)?;
    c.lit(b'-')?;
    let m = c.digits(2, 2)?;
    c.lit(b'-')?;
    let d = c.digits(2, 2)?;
    let date_end = c.i;
    let sep = c.one_of(b"T -");
    let mut tod = None;
    if sep.is_some() {
        let save = c.i;
        if sep == Some(b'-') {
            // BGL: 2005-06-03-15.42.50.675872
            let t = (|| {
                let h = c.digits(2, 2)?;
                c.lit(b'.')?;
                let mi = c.digits(2, 2)?;
                c.lit(b'.')?;
                let s = c.digits(2, 2)?;
                let f = c.fraction(false);
                (h < 24 && mi < 60 && s < 61).then_some(
                    i64::from(h) * 3_600_000 + i64::from(mi) * 60_000 + i64::from(s) * 1000 + f,
                )
            })();
            tod = t;
        } else {
            tod = c.time(false);
        }
        if tod.is_none() {
            c.i = save;
        }
    }
    if tod.is_none() {
        c.i = date_end;
        if !c.boundary() {
            return None;
        }
        return Some((c.i, ymd_ms(y as i32, m, d, 0)?));
    }
    let off = c.zone();
    if !c.boundary() {
        return None;
    }
    Some((c.i, ymd_ms(y as i32, m, d, tod?)? - off))
}

fn slash_ymd(b: &[u8]) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    let y0 = c.digits(2, 4)?;
    let y = if c.i == 2 {
        2000 + y0
    } else if c.i == 4 {
        y0
    } else {
        return None;
    };
    c.lit(b'/')?;
    let m = c.digits(1, 2)?;
    c.lit(b'/')?;
    let d = c.digits(1, 2)?;
    c.one_of(b" T-")?;
    let tod = c.time(false)?;
    let off = c.zone();
    c.boundary().then_some(())?;
    Some((c.i, ymd_ms(y as i32, m, d, tod)? - off))
}

fn month_from(b: &[u8]) -> Option<u32> {
    const NAMES: [&[u8]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    if b.len() < 3 {
        return None;
    }
    let lower = [
        b[0].to_ascii_lowercase(),
        b[1].to_ascii_lowercase(),
        b[2].to_ascii_lowercase(),
    ];
    NAMES
        .iter()
        .position(|n| **n == lower)
        .map(|i| i as u32 + 1)
}

/// `[Www ]Mmm dd [YYYY ]HH:MM:SS[.fff][ YYYY]` (BSD syslog, ctime).
fn syslog(b: &[u8], year: Option<i32>) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    // Optional weekday.
    if b.len() > 4 && month_from(b).is_none() && b[3] == b' ' {
        const DAYS: [&[u8]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
        let lower = [
            b[0].to_ascii_lowercase(),
            b[1].to_ascii_lowercase(),
            b[2].to_ascii_lowercase(),
        ];
        DAYS.iter().find(|d| ***d == lower)?;
        c.i = 4;
    }
    let m = month_from(&b[c.i..])?;
    c.i += 3;
    // Full month names: "March 10" (but not "Decimal 10").
    let word_end = c.i
        + b[c.i..]
            .iter()
            .take_while(|ch| ch.is_ascii_alphabetic())
            .count();
    if word_end > c.i {
        const FULL: [&str; 12] = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        let word = std::str::from_utf8(&b[c.i - 3..word_end])
            .ok()?
            .to_ascii_lowercase();
        if FULL[m as usize - 1] != word && !(m == 9 && word == "sept") {
            return None;
        }
        c.i = word_end;
    }
    if c.spaces() == 0 {
        return None;
    }
    let d = c.digits(1, 2)?;
    c.lit(b',');
    c.lit(b' ')?;
    let mut y = None;
    let save = c.i;
    if let Some(yy) = c.digits(4, 4) {
        if c.lit(b' ').is_some() {
            y = Some(yy as i32);
        } else {
            c.i = save;
        }
    } else {
        c.i = save;
    }
    let tod = c.time(false)?;
    let after_time = c.i;
    if y.is_none() && c.lit(b' ').is_some() {
        match c.digits(4, 4) {
            Some(yy) if c.boundary() => y = Some(yy as i32),
            _ => c.i = after_time,
        }
    }
    let off = c.zone();
    c.boundary().then_some(())?;
    let y = y.or(year)?;
    Some((c.i, ymd_ms(y, m, d, tod)? - off))
}

/// Apache CLF `10/Oct/2000:13:55:36 -0700`, also `10-Oct-2000 13:55:36`.
fn day_month_name_year(b: &[u8]) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    let d = c.digits(1, 2)?;
    let sep = c.one_of(b"/- ")?;
    let m = month_from(&b[c.i..])?;
    c.i += 3;
    c.lit(sep)?;
    let y = c.digits(4, 4)?;
    c.one_of(b": ")?;
    let tod = c.time(false)?;
    let off = c.zone();
    c.boundary().then_some(())?;
    Some((c.i, ymd_ms(y as i32, m, d, tod)? - off))
}

/// `MM/DD/YYYY HH:MM:SS [AM|PM]`.
fn us_mdy(b: &[u8]) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    let m = c.digits(1, 2)?;
    c.lit(b'/')?;
    let d = c.digits(1, 2)?;
    c.lit(b'/')?;
    let y = c.digits(4, 4)?;
    c.lit(b',');
    c.one_of(b" T")?;
    let mut tod = c.time(false)?;
    let save = c.i;
    c.spaces();
    if c.b[c.i..].len() >= 2 {
        let ap = [
            c.b[c.i].to_ascii_uppercase(),
            c.b[c.i + 1].to_ascii_uppercase(),
        ];
        if &ap == b"PM" || &ap == b"AM" {
            c.i += 2;
            let hours = tod / 3_600_000;
            if &ap == b"PM" && hours < 12 {
                tod += 12 * 3_600_000;
            } else if &ap == b"AM" && hours == 12 {
                tod -= 12 * 3_600_000;
            }
        } else {
            c.i = save;
        }
    } else {
        c.i = save;
    }
    let off = c.zone();
    c.boundary().then_some(())?;
    Some((c.i, ymd_ms(y as i32, m, d, tod)? - off))
}

/// `DD.MM.YYYY HH:MM:SS`.
fn dotted_dmy(b: &[u8]) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    let d = c.digits(1, 2)?;
    c.lit(b'.')?;
    let m = c.digits(1, 2)?;
    c.lit(b'.')?;
    let y = c.digits(4, 4)?;
    c.one_of(b" T")?;
    let tod = c.time(false)?;
    let off = c.zone();
    c.boundary().then_some(())?;
    Some((c.i, ymd_ms(y as i32, m, d, tod)? - off))
}

/// `YYYYMMDD-HH:MM:SS[:mmm]`, `YYYYMMDDTHHMMSS[Z]`.
fn compact(b: &[u8]) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    let y = c.digits(4, 4)?;
    let m = c.digits(2, 2)?;
    let d = c.digits(2, 2)?;
    let sep = c.one_of(b"-T ")?;
    let tod = if sep == b'T' && c.b.get(c.i + 2) != Some(&b':') {
        let h = c.digits(2, 2)?;
        let mi = c.digits(2, 2)?;
        let s = c.digits(2, 2)?;
        (h < 24 && mi < 60 && s < 61)
            .then_some(i64::from(h) * 3_600_000 + i64::from(mi) * 60_000 + i64::from(s) * 1000)?
    } else {
        c.time(true)?
    };
    let off = c.zone();
    c.boundary().then_some(())?;
    Some((c.i, ymd_ms(y as i32, m, d, tod)? - off))
}

/// Year-less `MM-DD HH:MM:SS.mmm` (Android logcat).
fn month_day_yearless(b: &[u8], year: Option<i32>) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    let m = c.digits(2, 2)?;
    c.lit(b'-')?;
    let d = c.digits(2, 2)?;
    c.lit(b' ')?;
    let tod = c.time(false)?;
    c.boundary().then_some(())?;
    Some((c.i, ymd_ms(year?, m, d, tod)?))
}

/// Unix epoch: 10 digits of seconds with an optional fraction, or 13 digits of milliseconds.
fn epoch(b: &[u8]) -> Option<(usize, i64)> {
    let mut c = Cur { b, i: 0 };
    let start = c.i;
    while matches!(c.peek(), Some(ch) if ch.is_ascii_digit()) {
        c.i += 1;
    }
    let n = c.i - start;
    let digits = std::str::from_utf8(&b[..n]).ok()?.parse::<i64>().ok()?;
    let ms = match n {
        10 => {
            let f = c.fraction(false);
            digits * 1000 + f
        }
        13 => digits,
        _ => return None,
    };
    c.boundary().then_some(())?;
    Some((c.i, ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_as_chrono_writes_them() {
        let by_chrono = |ms: i64, f: &str| {
            DateTime::from_timestamp_millis(ms).map_or(ms.to_string(), |d| d.format(f).to_string())
        };
        let mut samples = vec![
            0,
            -1,
            1_625_485_496_539,
            253_402_300_799_999,
            253_402_300_800_000,
            -62_167_219_200_001,
            -62_167_219_200_000,
            i64::MAX,
            i64::MIN,
        ];
        let mut x: i64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            samples.push(x % 400_000_000_000_000);
        }
        for ms in samples {
            assert_eq!(format_secs(ms), by_chrono(ms, "%Y-%m-%dT%H:%M:%SZ"), "{ms}");
            assert_eq!(
                format_ms(ms),
                by_chrono(ms, "%Y-%m-%dT%H:%M:%S%.3fZ"),
                "{ms}"
            );
        }
    }

    fn p(s: &str) -> Option<String> {
        parse_prefix(s, Some(2024)).map(|(len, ms)| format!("{} {}", &s[..len], format_ms(ms)))
    }

    #[test]
    fn formats() {
        assert_eq!(
            p("2013-10-17T15:45:19.401995400Z x").unwrap(),
            "2013-10-17T15:45:19.401995400Z 2013-10-17T15:45:19.401Z"
        );
        assert_eq!(
            p("2016-09-09 04:46:07 rest").unwrap(),
            "2016-09-09 04:46:07 2016-09-09T04:46:07.000Z"
        );
        assert_eq!(
            p("2025-03-10T06:55:46.123456+03:00 h").unwrap(),
            "2025-03-10T06:55:46.123456+03:00 2025-03-10T03:55:46.123Z"
        );
        assert_eq!(
            p("Dec 10 06:55:46 gw01").unwrap(),
            "Dec 10 06:55:46 2024-12-10T06:55:46.000Z"
        );
        assert_eq!(
            p("Jun  9 06:06:20 combo").unwrap(),
            "Jun  9 06:06:20 2024-06-09T06:06:20.000Z"
        );
        assert_eq!(
            p("Sun Dec 04 04:47:44 2005]").unwrap(),
            "Sun Dec 04 04:47:44 2005 2005-12-04T04:47:44.000Z"
        );
        assert_eq!(
            p("10/Oct/2000:13:55:36 -0700 \"GET").unwrap(),
            "10/Oct/2000:13:55:36 -0700 2000-10-10T20:55:36.000Z"
        );
        assert_eq!(
            p("2015-10-18 18:01:47,978 INFO").unwrap(),
            "2015-10-18 18:01:47,978 2015-10-18T18:01:47.978Z"
        );
        assert_eq!(
            p("17/06/09 20:10:40 INFO").unwrap(),
            "17/06/09 20:10:40 2017-06-09T20:10:40.000Z"
        );
        assert_eq!(
            p("20171223-22:15:29:606|Step").unwrap(),
            "20171223-22:15:29:606 2017-12-23T22:15:29.606Z"
        );
        assert_eq!(
            p("2005-06-03-15.42.50.675872 R02").unwrap(),
            "2005-06-03-15.42.50.675872 2005-06-03T15:42:50.675Z"
        );
        assert_eq!(
            p("1575628954.737:690").unwrap(),
            "1575628954.737 2019-12-06T10:42:34.737Z"
        );
        assert_eq!(p("12345"), None);
        assert_eq!(p("Decimal 10"), None);
        assert_eq!(p("Decimal 10 06:55:46"), None);
        assert_eq!(
            p("December 10 06:55:46 x").unwrap(),
            "December 10 06:55:46 2024-12-10T06:55:46.000Z"
        );
    }

    #[test]
    fn full_parse_rejects_trailing_text() {
        assert!(parse_full("2013-10-17T15:45:19Z", None).is_some());
        assert!(parse_full("2013-10-17T15:45:19Z garbage", None).is_none());
    }
}
