//! Recognisers for single TEXT tokens: each returns the candidate ends at a position, best
//! first. Shared by the matcher and by the format-string synthesiser.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// ASCII whitespace as the matcher sees it: space, tab, CR, LF, vertical tab and form feed.
/// Nothing else separates tokens: a no-break space or another Unicode space is part of a word.
pub fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// [`is_ws`] for a character: the one definition of a token separator that the clusterer and
/// the format-string synthesiser share with the matcher, so that what they split on is what a
/// template's space matches.
pub fn is_ws_char(c: char) -> bool {
    xp_syntax::template::is_space(c)
}

/// End of the run of non-whitespace starting at `pos`.
pub fn chunk_end(b: &[u8], pos: usize) -> usize {
    let mut e = pos;
    while e < b.len() && !is_ws(b[e]) {
        e += 1;
    }
    e
}

/// `[+-]?\d+(\.\d+)?` at `pos`: `(end with fraction or None, end of the integer part)`.
pub fn number(b: &[u8], pos: usize) -> Option<(Option<usize>, usize)> {
    let mut i = pos;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let ds = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == ds {
        return None;
    }
    let int_end = i;
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        return Some((Some(i), int_end));
    }
    Some((None, int_end))
}

/// A dotted-quad IPv4 address at `pos`.
pub fn ipv4(b: &[u8], pos: usize) -> Option<(usize, Ipv4Addr)> {
    let mut i = pos;
    let mut oct = [0u8; 4];
    for (k, o) in oct.iter_mut().enumerate() {
        if k > 0 {
            if i >= b.len() || b[i] != b'.' {
                return None;
            }
            i += 1;
        }
        let s = i;
        let mut v: u32 = 0;
        while i < b.len() && b[i].is_ascii_digit() && i - s < 3 {
            v = v * 10 + u32::from(b[i] - b'0');
            i += 1;
        }
        if i == s || v > 255 {
            return None;
        }
        *o = v as u8;
    }
    if i < b.len() && b[i].is_ascii_digit() {
        return None;
    }
    Some((i, Ipv4Addr::from(oct)))
}

/// IPv6 addresses at `pos`, longest first.
pub fn ipv6_candidates(text: &str, pos: usize) -> Vec<(usize, Ipv6Addr)> {
    let b = text.as_bytes();
    let mut e = pos;
    while e < b.len() && e - pos < 45 && (b[e].is_ascii_hexdigit() || b[e] == b':' || b[e] == b'.')
    {
        e += 1;
    }
    let mut out = Vec::new();
    let mut end = e;
    while end >= pos + 2 {
        if let Ok(ip) = text[pos..end].parse::<Ipv6Addr>() {
            out.push((end, ip));
        }
        end -= 1;
    }
    out
}

/// Parses an IP address of either family.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    s.trim().parse::<IpAddr>().ok()
}

/// End of a host name (`[A-Za-z0-9][A-Za-z0-9._-]*`) at `pos`.
pub fn hostname_end(b: &[u8], pos: usize) -> Option<usize> {
    if pos >= b.len() || !b[pos].is_ascii_alphanumeric() {
        return None;
    }
    let mut e = pos + 1;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'-' | b'_')) {
        e += 1;
    }
    Some(e)
}

/// End of a `WORDDASH` (`[\p{L}\p{N}_-]+`) at `pos`.
pub fn worddash_end(text: &str, pos: usize) -> Option<usize> {
    let mut e = pos;
    for c in text[pos..].chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            e += c.len_utf8();
        } else {
            break;
        }
    }
    (e > pos).then_some(e)
}

/// A MAC address at `pos` (`aa:bb:cc:dd:ee:ff`, `aa-bb-…`, `aabb.ccdd.eeff`), canonical form.
pub fn macaddr(b: &[u8], pos: usize) -> Option<(usize, String)> {
    let hex = |i: usize| i < b.len() && b[i].is_ascii_hexdigit();
    if b.len() >= pos + 17 && (b[pos + 2] == b':' || b[pos + 2] == b'-') {
        let sep = b[pos + 2];
        let mut parts = Vec::with_capacity(6);
        for k in 0..6 {
            let i = pos + k * 3;
            if !(hex(i) && hex(i + 1)) || (k < 5 && b[i + 2] != sep) {
                return None;
            }
            parts.push(format!("{}{}", b[i] as char, b[i + 1] as char).to_ascii_uppercase());
        }
        if hex(pos + 17) {
            return None;
        }
        return Some((pos + 17, parts.join(":")));
    }
    if b.len() >= pos + 14 && b[pos + 4] == b'.' && b[pos + 9] == b'.' {
        let mut digits = String::new();
        for k in 0..3 {
            let i = pos + k * 5;
            for j in 0..4 {
                if !hex(i + j) {
                    return None;
                }
                digits.push(b[i + j] as char);
            }
        }
        let d = digits.to_ascii_uppercase();
        let parts: Vec<&str> = (0..6).map(|k| &d[k * 2..k * 2 + 2]).collect();
        return Some((pos + 14, parts.join(":")));
    }
    None
}

/// Canonical MAC text of a whole string.
pub fn parse_mac(s: &str) -> Option<String> {
    let t = s.trim();
    match macaddr(t.as_bytes(), 0) {
        Some((end, m)) if end == t.len() => Some(m),
        _ => None,
    }
}

/// A duration at `pos` in seconds: `1d 2h:3m:4s`, `2h3m`, `45s`, `01:02:03`, `1.5s`.
pub fn duration(b: &[u8], pos: usize) -> Option<(usize, i64)> {
    // HH:MM:SS
    let mut i = pos;
    let num = |i: &mut usize| -> Option<i64> {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == s || *i - s > 12 {
            return None;
        }
        std::str::from_utf8(&b[s..*i]).ok()?.parse().ok()
    };
    if let Some(h) = num(&mut i) {
        if i < b.len() && b[i] == b':' {
            let save = i;
            i += 1;
            if let Some(m) = num(&mut i) {
                if i < b.len() && b[i] == b':' {
                    i += 1;
                    if let Some(s) = num(&mut i) {
                        return Some((i, h * 3600 + m * 60 + s));
                    }
                }
            }
            i = save;
            let _ = i;
        }
    }
    // Unit sequence.
    let mut i = pos;
    let mut total: i64 = 0;
    let mut any = false;
    let mut last_good = pos;
    loop {
        let s = i;
        let Some(n) = num(&mut i) else { break };
        let unit = if i < b.len() { b[i] } else { 0 };
        let mult = match unit {
            b'd' => 86_400,
            b'h' => 3600,
            b'm' if b.get(i + 1) == Some(&b's') => {
                i += 1;
                0
            }
            b'm' => 60,
            b's' => 1,
            _ => {
                let _ = s;
                break;
            }
        };
        i += 1;
        total += n * mult;
        any = true;
        last_good = i;
        if i < b.len()
            && (b[i] == b' ' || b[i] == b':')
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            i += 1;
        }
    }
    any.then_some((last_good, total))
}

/// Parses a whole duration string.
pub fn parse_duration(s: &str) -> Option<i64> {
    let t = s.trim();
    match duration(t.as_bytes(), 0) {
        Some((end, v)) if end == t.len() => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognisers() {
        assert_eq!(ipv4(b"10.0.0.255 x", 0).unwrap().0, 10);
        assert!(ipv4(b"10.0.0.256", 0).is_none());
        assert!(ipv4(b"10.0.0", 0).is_none());
        assert_eq!(ipv6_candidates("fe80::1 port", 0)[0].0, 7);
        assert_eq!(
            macaddr(b"a1:f6:33:4d:21:56", 0).unwrap().1,
            "A1:F6:33:4D:21:56"
        );
        assert_eq!(parse_duration("0d 1h:2m:15s"), Some(3735));
        assert_eq!(parse_duration("01:02:15"), Some(3735));
        assert_eq!(number(b"-12.5x", 0), Some((Some(5), 3)));
    }
}
