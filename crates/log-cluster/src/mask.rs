//! Masking of variable data: numbers, IP addresses, times and dates, hexadecimal ids, UUIDs,
//! paths, URLs, e-mail addresses and host names become `<*>`, as whole tokens or as parts of a
//! token (`uid=<*>`, `node-<*>`). One set of rules for every log: nothing here is tuned to a
//! particular source.

use crate::token::{atoms, is_space};
use crate::Tok;

/// The mask.
pub const WILDCARD: &str = "<*>";

/// Tokenizes and masks a message. Date-times that span several tokens (`Sat Jun 18
/// 02:23:10 2005`) become one `<*>`, using the same recogniser as the XP `DATETIME` token.
pub fn mask_message(text: &str) -> Vec<Tok> {
    Masker::default().mask_message(text)
}

/// Masking with a memo of the tokens without digits (words, keys, punctuation), which repeat
/// from one message to the next; the memo is bounded.
#[derive(Default)]
pub struct Masker {
    memo: rustc_hash::FxHashMap<Box<str>, Tok>,
}

/// Largest memo before it is emptied.
const MEMO_MAX: usize = 200_000;

impl Masker {
    /// Masks one token, through the memo when it has no digit.
    pub fn mask_token(&mut self, tok: &str) -> Tok {
        if tok.bytes().any(|b| b.is_ascii_digit()) {
            return Tok::from(mask_token(tok));
        }
        if let Some(m) = self.memo.get(tok) {
            return m.clone();
        }
        let m = Tok::from(mask_token(tok));
        if self.memo.len() >= MEMO_MAX {
            self.memo.clear();
        }
        self.memo.insert(tok.into(), m.clone());
        m
    }

    /// [`mask_message`] through the memo.
    pub fn mask_message(&mut self, text: &str) -> Vec<Tok> {
        mask_message_with(text, &mut |t| self.mask_token(t))
    }
}

fn mask_message_with(text: &str, mask_tok: &mut dyn FnMut(&str) -> Tok) -> Vec<Tok> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Separators are single ASCII bytes, so `i` stays on a character boundary and every
        // turn of the loop consumes at least one byte.
        if xp_eval::text::tokens::is_ws(bytes[i]) {
            i += 1;
            continue;
        }
        let end = text[i..].find(is_space).map_or(text.len(), |e| i + e);
        // A date-time starting here that covers at least one whole token.
        let first = bytes[i];
        let may_be_date = first.is_ascii_digit() || first.is_ascii_uppercase();
        if let Some((len, _)) = may_be_date
            .then(|| xp_eval::datetime::parse_prefix(&text[i..], Some(2000)))
            .flatten()
        {
            let stop = i + len;
            if stop >= end || text[i..stop].contains(is_space) {
                let tok_end = text[stop..].find(is_space).map_or(text.len(), |e| stop + e);
                let rest = &text[stop..tok_end];
                if rest.chars().all(|c| !c.is_alphanumeric()) {
                    out.push(Tok::from(format!("{WILDCARD}{rest}")));
                    i = tok_end;
                    continue;
                }
            }
        }
        // A time in brackets (the Common Log Format's `[10/Oct/2000:13:55:36 -0700]`).
        if first == b'[' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            if let Some((len, _)) = xp_eval::datetime::parse_prefix(&text[i + 1..], Some(2000)) {
                let stop = i + 1 + len;
                let tok_end = text[stop..].find(is_space).map_or(text.len(), |e| stop + e);
                let rest = &text[stop..tok_end];
                if len >= 8 && rest.chars().all(|c| !c.is_alphanumeric()) {
                    out.push(Tok::from(format!("[{WILDCARD}{rest}")));
                    i = tok_end;
                    continue;
                }
            }
        }
        // A quoted string of several words holding data (a request line, a user agent, a
        // URL with spaces): one value, however many words it has.
        if let Some(close) = quoted_run(text, i) {
            let tok_end = text[close + 1..]
                .find(is_space)
                .map_or(text.len(), |e| close + 1 + e);
            out.push(Tok::from(format!(
                "\"{WILDCARD}\"{}",
                &text[close + 1..tok_end]
            )));
            i = tok_end;
            continue;
        }
        // A run of `key=value` pairs split by `;` that ends the message (sudo's `TTY=pts/0 ;
        // PWD=/root ; USER=root ; COMMAND=/usr/bin/id -u`): one record, whatever its values
        // hold (spaces, more words) or which optional keys it has; one token.
        if text[i..end].contains('=') && text[end..].contains(';') {
            let ends = xp_eval::builtins::keyvalue::scan_kv(
                text,
                i,
                ";",
                "=",
                Some('"'),
                xp_eval::builtins::keyvalue::Ends::Pairs,
            );
            if ends.len() >= SEMICOLON_PAIRS && ends.first() == Some(&text.trim_end().len()) {
                out.push(Tok::from(SEMICOLON_RUN));
                break;
            }
        }
        out.push(mask_tok(&text[i..end]));
        i = end;
    }
    absorb_units(out)
}

/// A quoted string of several words holding data that opens at byte `i` (a request line
/// `"GET /cart HTTP/1.1"`, a user agent): the byte offset of its closing quote. The string
/// has whitespace and a digit or `/` inside, and only punctuation other than a quote follows
/// it up to the next whitespace.
pub fn quoted_run(text: &str, i: usize) -> Option<usize> {
    if text.as_bytes().get(i) != Some(&b'"') {
        return None;
    }
    let close = text[i + 1..].find('"').map(|e| i + 1 + e)?;
    let inner = &text[i + 1..close];
    let rest = text[close + 1..].split(is_space).next().unwrap_or("");
    (inner.contains(is_space)
        && inner.bytes().any(|b| b.is_ascii_digit() || b == b'/')
        && rest.chars().all(|c| !c.is_alphanumeric() && c != '"'))
    .then_some(close)
}

/// Fewest `;`-separated pairs that make a record of [`SEMICOLON_RUN`].
pub const SEMICOLON_PAIRS: usize = 3;

/// The token a message's closing run of `;`-separated pairs masks to.
pub const SEMICOLON_RUN: &str = "<*;*>";

#[cfg(test)]
mod semicolon_tests {
    #[test]
    fn a_closing_semicolon_record_is_one_token() {
        let a = super::mask_message(
            "sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u",
        );
        let b = super::mask_message(
            "sudo: bob : TTY=unknown ; PWD=/srv ; USER=root ; GROUP=adm ; COMMAND=/bin/ls /root /tmp",
        );
        assert_eq!(a.len(), b.len());
        assert_eq!(
            a.last().map(|t| t.to_string()),
            Some(super::SEMICOLON_RUN.to_string())
        );
        // Two pairs are no record; prose with a semicolon stays tokens.
        let c = super::mask_message("x a=1 ; b=2");
        assert_ne!(
            c.last().map(|t| t.to_string()),
            Some(super::SEMICOLON_RUN.to_string())
        );
    }
}

/// Units of size that belong to the number before them (a size reads as one value in any
/// unit; durations keep their unit in the template).
const UNITS: &[&str] = &[
    "b", "B", "KB", "kB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "bytes",
];

/// `<*> KB,` → `<*>,` and `(<*> KB)` → `(<*>)`: a unit joins its number; a parenthesised value
/// right after a value is another rendering of it (`1190 bytes (1.16 KB)`, `1.2.3.4 (1.2.3.4):`)
/// and joins it too.
fn absorb_units(tokens: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(tokens.len());
    for t in tokens {
        let core = t.trim_end_matches([',', ')', ';', '.', ':']);
        let tail = &t[core.len()..];
        if let Some(prev) = out.last_mut() {
            if prev.ends_with(WILDCARD) && UNITS.contains(&core) {
                *prev = Tok::from(format!("{prev}{tail}"));
                continue;
            }
            if prev == WILDCARD && t.starts_with("(<*>)") {
                *prev = Tok::from(format!("{prev}{}", &t["(<*>)".len()..]));
                continue;
            }
        }
        out.push(t);
    }
    // A second pass for `(<*>` + `KB)` that became `(<*>)` after the units joined.
    let mut out2: Vec<Tok> = Vec::with_capacity(out.len());
    for t in out {
        if let Some(prev) = out2.last_mut() {
            if prev == WILDCARD && t.starts_with("(<*>)") {
                *prev = Tok::from(format!("{prev}{}", &t["(<*>)".len()..]));
                continue;
            }
        }
        out2.push(t);
    }
    out2
}

/// Masks one token.
pub fn mask_token(tok: &str) -> String {
    // Fast paths: plain words stay, plain numbers go.
    let b = tok.as_bytes();
    if !b.is_empty() && b.iter().all(u8::is_ascii_alphabetic) {
        return if is_literal_value(tok) {
            WILDCARD.to_string()
        } else {
            tok.to_string()
        };
    }
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        return WILDCARD.to_string();
    }
    if is_variable_whole(tok) {
        return WILDCARD.to_string();
    }
    // Strip wrapping punctuation and test the core as a whole.
    let core_start = tok
        .find(|c: char| !matches!(c, '(' | '[' | '{' | '<' | '\'' | '"'))
        .unwrap_or(tok.len());
    let core_end = tok
        .rfind(|c: char| {
            !matches!(
                c,
                ')' | ']' | '}' | '>' | '\'' | '"' | ',' | ';' | '.' | ':'
            )
        })
        .map_or(core_start, |i| {
            i + tok[i..].chars().next().map_or(1, char::len_utf8)
        });
    if core_start < core_end
        && (core_start > 0 || core_end < tok.len())
        && is_variable_whole(&tok[core_start..core_end])
    {
        return format!("{}{WILDCARD}{}", &tok[..core_start], &tok[core_end..]);
    }
    // `key=value` whose whole value is variable: `time=06:52:03` → `time=<*>`.
    if let Some((k, v)) = tok.split_once('=') {
        let v_core = v.trim_end_matches([',', ';']);
        if !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && !v_core.is_empty()
            && is_variable_whole(v_core)
        {
            return format!("{k}={WILDCARD}{}", &v[v_core.len()..]);
        }
    }
    // The punctuation that wraps a token (`(` before it, `,` after it) is the sentence's, not
    // the value's: a compound value below keeps it around its mask. An opener only wraps when
    // its closer follows the value (`'{3f2a…}GLOBALROOT/…'`: the brace opens the value).
    let trail = &tok[core_end.max(core_start)..];
    let mut lead = &tok[..core_start];
    while let Some(open) = lead.chars().last() {
        let close = match open {
            '(' => ')',
            '[' => ']',
            '{' => '}',
            '<' => '>',
            q => q,
        };
        if trail.contains(close) {
            break;
        }
        lead = &lead[..lead.len() - open.len_utf8()];
    }
    let whole = format!("{lead}{WILDCARD}{trail}");
    // Otherwise mask the variable parts between delimiters: paths after `(`/`=`, numbers,
    // and digit runs that do not belong to a word (`core.2275`, `CPU#0`, but not `tty2`).
    let tok = mask_embedded_paths(tok);
    // Compound codes made of several numbered parts (`R72-M2-N5-C:J10-U10`) are one value.
    let numbered = atoms(&tok)
        .iter()
        .filter(|a| {
            a.bytes().any(|b| b.is_ascii_digit()) && a.bytes().any(|b| b.is_ascii_alphabetic())
        })
        .count();
    if numbered >= 3 && !tok.contains('=') {
        return whole;
    }
    let mut out = String::with_capacity(tok.len());
    for a in atoms(&tok) {
        if a == WILDCARD || is_variable_part(a) {
            out.push_str(WILDCARD);
        } else {
            out.push_str(&mask_loose_digits(a));
        }
    }
    let merged = merge_wildcards(&out);
    // Mostly masked compound identifiers (`<*>~<*>~amd64~~<*>`) are one value; key=value
    // structures keep their keys.
    if merged.matches(WILDCARD).count() >= 3
        && !merged.contains('=')
        && merged
            .replace(WILDCARD, "")
            .chars()
            .any(char::is_alphanumeric)
    {
        return whole;
    }
    merged
}

/// `chdir(/p/a/b)` → `chdir(<*>)`, `path=/var/log/x` → `path=<*>`.
fn mask_embedded_paths(tok: &str) -> std::borrow::Cow<'_, str> {
    let Some(open) = tok.find(['(', '=']) else {
        return tok.into();
    };
    let rest = &tok[open + 1..];
    if !rest.starts_with('/') {
        return tok.into();
    }
    let end = rest.find([')', ']', ',', ';']).unwrap_or(rest.len());
    if is_path(&rest[..end]) {
        format!("{}{WILDCARD}{}", &tok[..=open], &rest[end..]).into()
    } else {
        tok.into()
    }
}

/// Digit runs preceded by something other than a letter or digit become `<*>`.
fn mask_loose_digits(a: &str) -> String {
    let b = a.as_bytes();
    let mut out = String::with_capacity(a.len());
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j == b.len() || !b[j].is_ascii_alphabetic() {
                out.push_str(WILDCARD);
                i = j;
                continue;
            }
        }
        let c = a[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// `<*>-<*>`, `<*>.<*>`, `<*>_<*>` runs collapse into one `<*>`; an identifier that ends in
/// `_` before its number (`blk_-<*>`, `job_<*>`) is variable as a whole.
fn merge_wildcards(s: &str) -> String {
    let mut out = s.to_string();
    if !out.contains(WILDCARD) {
        return out;
    }
    // A minus sign before a masked number belongs to it: `vCores:-<*>` → `vCores:<*>`.
    if out.starts_with("-<*>") {
        out.remove(0);
    }
    for (pat, rep) in [
        ("=-<*>", "=<*>"),
        (":-<*>", ":<*>"),
        ("(-<*>", "(<*>"),
        ("[-<*>", "[<*>"),
        ("{-<*>", "{<*>"),
        (",-<*>", ",<*>"),
    ] {
        if out.contains(pat) {
            out = out.replace(pat, rep);
        }
    }
    loop {
        let mut changed = false;
        for pat in ["<*>-<*>", "<*>.<*>", "<*>_<*>"] {
            if out.contains(pat) {
                out = out.replace(pat, WILDCARD);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if let Some(head) = out.strip_suffix("-<*>").or_else(|| out.strip_suffix("<*>")) {
        if head.ends_with('_')
            && head.len() > 1
            && head[..head.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return WILDCARD.to_string();
        }
    }
    out
}

/// A whole token that is certainly variable data.
fn is_variable_whole(t: &str) -> bool {
    !t.is_empty()
        && (is_number(t)
            || is_literal_value(t)
            || is_version(t)
            || is_quantity(t)
            || is_ip_like(t)
            || is_hex_id(t)
            || is_uuid(t)
            || is_time_or_date(t)
            || is_url(t)
            || is_email(t)
            || is_path(t)
            || is_mac(t))
}

/// Dotted versions: `1.4.1`, `2.6.5-1.358`, `3.3.3-7`.
fn is_version(t: &str) -> bool {
    let s = t.strip_prefix(['v', 'V']).unwrap_or(t);
    s.contains('.')
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.ends_with(|c: char| c.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'))
}

/// A number with a short unit: `126MB`, `15ms`, `100%`, `2.5GHz`; dimensions `80x25`;
/// hex groups `0000:00:1e.0`.
fn is_quantity(t: &str) -> bool {
    if let Some((a, b)) = t.split_once('x') {
        if !a.is_empty()
            && !b.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
        {
            return true;
        }
    }
    let seps = t.bytes().filter(|c| matches!(c, b':' | b'.')).count();
    if seps >= 2
        && t.bytes()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.'))
        && t.bytes().any(|c| c.is_ascii_digit())
        && t.starts_with(|c: char| c.is_ascii_hexdigit())
        && t.ends_with(|c: char| c.is_ascii_hexdigit())
    {
        return true;
    }
    let digits_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    if digits_end == 0 || digits_end == t.len() || !is_number(&t[..digits_end]) {
        return false;
    }
    let unit = &t[digits_end..];
    unit == "%" || (unit.len() <= 3 && unit.chars().all(|c| c.is_ascii_alphabetic()))
}

/// A part of a token (between delimiters) that is variable data.
fn is_variable_part(a: &str) -> bool {
    !a.is_empty()
        && (is_number(a)
            || is_ip_like(a)
            || is_hex_id(a)
            || is_uuid(a)
            || is_mac(a)
            || is_literal_value(a)
            || is_random_token(a)
            || has_long_digit_run(a) && !a.contains('.'))
}

/// Keys, hashes and tokens in base64 or similar (`Qm9yZ2VkS2V5…`): 16 or more letters and
/// digits with upper case, lower case and digits all present.
fn is_random_token(a: &str) -> bool {
    let b = a.as_bytes();
    b.len() >= 16
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
}

/// Value literals: `true`, `false`, `null` (any case).
fn is_literal_value(a: &str) -> bool {
    ["true", "false", "null"]
        .iter()
        .any(|l| a.eq_ignore_ascii_case(l))
}

/// Decimal integers and fractions with an optional sign or unit-less exponent; `0x` hex.
pub fn is_number(t: &str) -> bool {
    let s = t.strip_prefix(['-', '+']).unwrap_or(t);
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let mut digits = 0;
    let mut dots = 0;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' | b',' if digits > 0 => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && !s.ends_with(['.', ',']) && dots <= 1
}

/// IPv4 (optionally `:port` or `/prefix`), IPv6, or `host:port` with a numeric port.
fn is_ip_like(t: &str) -> bool {
    let s = t.trim_start_matches('/');
    let (addr, rest) = match s.rfind([':', '/']) {
        Some(i) if s[..i].matches('.').count() == 3 => (&s[..i], &s[i + 1..]),
        _ => (s, ""),
    };
    let port_ok = if addr.len() == s.len() {
        true
    } else {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
    };
    if addr.parse::<std::net::Ipv4Addr>().is_ok() && port_ok {
        return true;
    }
    // host/address form `name/10.1.2.3:9000`
    if let Some((host, addr)) = s.split_once('/') {
        if is_host_name(host) && is_ip_like(addr) {
            return true;
        }
    }
    if let Some((host, port)) = s.rsplit_once(':') {
        // host.name:port, host-12:port
        if port.len() >= 2
            && port.bytes().all(|b| b.is_ascii_digit())
            && is_host_name(host)
            && (host.contains('.') || host.bytes().any(|b| b.is_ascii_digit()))
        {
            return true;
        }
    }
    s.contains("::") && s.parse::<std::net::Ipv6Addr>().is_ok()
        || (s.matches(':').count() >= 2 && s.parse::<std::net::Ipv6Addr>().is_ok())
}

fn is_host_name(h: &str) -> bool {
    !h.is_empty()
        && h.starts_with(|c: char| c.is_ascii_alphanumeric())
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Hex strings of 8+ characters with at least one digit (hashes, ids, addresses).
fn is_hex_id(t: &str) -> bool {
    t.len() >= 8
        && t.bytes().all(|b| b.is_ascii_hexdigit())
        && t.bytes().any(|b| b.is_ascii_digit())
}

fn is_uuid(t: &str) -> bool {
    let s = t.trim_matches(['{', '}']);
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| {
            if [8, 13, 18, 23].contains(&i) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

fn is_mac(t: &str) -> bool {
    t.len() == 17
        && t.bytes().enumerate().all(|(i, b)| {
            if i % 3 == 2 {
                b == b':' || b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// `12:34:56`, `12:34:56.789`, `2024-01-02`, `2024-01-02T03:04:05Z`, `17/06/09`.
fn is_time_or_date(t: &str) -> bool {
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    if digits < 4 || digits * 10 < t.len() * 6 {
        return false;
    }
    let seps = t
        .bytes()
        .filter(|b| matches!(b, b':' | b'-' | b'/' | b'.' | b',' | b'T' | b'Z' | b'+'))
        .count();
    let b = t.as_bytes();
    let inner_colon = (1..b.len().saturating_sub(1))
        .any(|i| b[i] == b':' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit());
    digits + seps == t.len()
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && (inner_colon || t.matches('-').count() == 2 || t.matches('/').count() == 2)
}

fn is_url(t: &str) -> bool {
    t.find("://")
        .is_some_and(|i| i > 0 && t[..i].bytes().all(|b| b.is_ascii_alphabetic()))
}

fn is_email(t: &str) -> bool {
    match t.split_once('@') {
        Some((u, d)) => {
            !u.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && d.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        }
        None => false,
    }
}

/// Absolute or relative paths with at least two separators: `/usr/bin/x`, `C:\\x\\y`.
fn is_path(t: &str) -> bool {
    let slashes = t.matches('/').count();
    let backslashes = t.matches('\\').count();
    // A directory path may end with its separator (`/var/www/html/`).
    let body = match t.strip_suffix('/') {
        Some(b) if slashes >= 3 => b,
        _ => t,
    };
    let clean_end =
        body.ends_with(|c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '*' | '~'));
    clean_end
        && ((t.starts_with('/') && (slashes >= 2 || body.len() > 1)
            || t.starts_with("./")
            || t.starts_with("~/"))
            && t.bytes().all(|b| !b.is_ascii_whitespace())
            || (backslashes >= 2 && t.len() > 2 && t.as_bytes()[1] == b':'))
}

/// Parts such as `blk_-3544583377289625738` or `container_1445144423722_0020`: runs of 5+ digits.
fn has_long_digit_run(a: &str) -> bool {
    let mut run = 0;
    for b in a.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_dates_span_tokens() {
        for (text, masked) in [
            ("timed out at Sat Jun 18 02:23:10 2005", "timed out at <*>"),
            ("at Fri Jul  1 07:57:30 2005] done", "at <*>] done"),
            ("May 8 2004 words", "May <*> <*> words"),
            (
                "(estimated size 5.2 KB, free 5.2 KB)",
                "(estimated size <*>, free <*>)",
            ),
            ("x, 1190 bytes (1.16 KB) sent", "x, <*> sent"),
            ("from 1.2.3.4 (1.2.3.4): x", "from <*>: x"),
        ] {
            assert_eq!(mask_message(text).join(" "), masked, "{text}");
        }
    }

    #[test]
    fn masks() {
        for (t, m) in [
            ("203.0.113.7", "<*>"),
            ("[203.0.113.7]", "[<*>]"),
            ("10.10.34.11:50010", "<*>"),
            ("/10.250.19.102:54106", "<*>"),
            ("uid=0", "uid=<*>"),
            ("(uid=0)", "(uid=<*>)"),
            ("node-123", "node-<*>"),
            ("BP-108841162-10.10.34.11-1440074360971", "BP-<*>"),
            ("0x1f", "<*>"),
            ("12:34:56", "<*>"),
            ("port", "port"),
            ("SHA256:Qm9yZ2VkS2V5Rm9yTm9ybWZvcmdl", "SHA256:<*>"),
            ("PowerManagerService", "PowerManagerService"),
            ("ssh2", "ssh2"),
            ("u0", "u0"),
            ("/usr/sbin/sshd", "<*>"),
            ("3.5,", "<*>,"),
            ("52.80.34.196:", "<*>:"),
            ("11:", "<*>:"),
            ("word.", "word."),
            ("1.4.1,", "<*>,"),
            ("126MB", "<*>"),
            ("tty2", "tty2"),
            ("blk_-1727475099218615100", "<*>"),
            ("core.2275", "core.<*>"),
            ("core.12345", "core.<*>"),
            ("R72-M2-N5-C:J10-U10", "<*>"),
            ("/var/www/html/", "<*>"),
            ("/default-rack", "<*>"),
            ("/", "/"),
            ("(R72-M2-N5-C:J10-U10),", "(<*>),"),
            (
                "'{bf1a281b-ad7b-4476-ac95-f47682990ce7}GLOBALROOT/Device/Harddisk2/config/SOFTWARE'",
                "'<*>'",
            ),
            (
                "Package_for_KB3121255~31bf3856ad364e35~amd64~~6.1.1.0,",
                "<*>,",
            ),
            ("msra-sa-41:9000", "<*>"),
            ("msra-sa-41/10.190.173.170:9000", "<*>"),
            ("CurrentState:112", "CurrentState:<*>"),
            ("attempt_1445144423722_0020_m_000000_0", "<*>"),
            ("vCores:-17>", "vCores:<*>>"),
            ("/home/x/prog:", "<*>:"),
            ("interactive=true", "interactive=<*>"),
            ("time=06:52:03", "time=<*>"),
            ("src=10.0.0.1:80,", "src=<*>,"),
            ("Package_for_KB3121255~x", "<*>~x"),
            ("rdd_2_1", "<*>"),
            ("CPU#0.", "CPU#<*>."),
            ("alignment......0", "alignment......<*>"),
            ("80x25", "<*>"),
            ("0000:00:1e.0", "<*>"),
            ("chdir(/p/gb2/glosli/8M_5000K/t800)", "chdir(<*>)"),
            ("proxy.cse.cuhk.edu.hk:5070", "<*>"),
        ] {
            assert_eq!(mask_token(t), m, "{t}");
        }
    }
}
