//! Syslog headers as a prefix of a line: RFC 3164 (`<13>Mar 10 06:55:46 host prog[123]: msg`,
//! priority optional) and RFC 5424 (`<13>1 2025-03-10T06:55:46Z host app 123 ID47 - msg`).

use serde::Serialize;

/// What a syslog header says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyslogHeader {
    /// 3164 or 5424.
    pub rfc: u16,
    /// Host name.
    pub host: Option<String>,
    /// Program / APP-NAME.
    pub app: Option<String>,
    /// PID / PROCID.
    pub pid: Option<String>,
    /// MSGID (5424).
    pub msgid: Option<String>,
    /// Length in bytes of the PRI part (`<13>`), 0 when the line has none.
    pub pri: usize,
    /// RFC 5424: byte offset of the structured data (`[…]` or `-`) after the MSGID; for RFC
    /// 3164, the same as `body`.
    pub sd: usize,
    /// Byte offset of the message after the header.
    pub body: usize,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses a syslog header at the start of `line`.
pub fn parse(line: &str) -> Option<SyslogHeader> {
    let mut rest = line;
    let mut off = 0;
    if let Some(r) = rest.strip_prefix('<') {
        let end = r.find('>')?;
        if end == 0 || end > 3 || !r[..end].bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        off += end + 2;
        rest = &r[end + 1..];
        if let Some(r5) = rest.strip_prefix("1 ") {
            return parse_5424(line, off, r5);
        }
    }
    parse_3164(line, off, rest)
}

fn word(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches(' ');
    let end = s.find(' ').unwrap_or(s.len());
    (&s[..end], &s[end..])
}

fn parse_5424<'a>(line: &'a str, pri: usize, rest: &'a str) -> Option<SyslogHeader> {
    let (ts, r) = word(rest);
    if !ts.starts_with(|c: char| c.is_ascii_digit()) && ts != "-" {
        return None;
    }
    let (host, r) = word(r);
    let (app, r) = word(r);
    let (pid, r) = word(r);
    let (msgid, r) = word(r);
    let r = r.trim_start_matches(' ');
    let sd = line.len() - r.len();
    // Structured data: `-` or one or more `[...]` (RFC 5424 §6.3). A line whose words after the
    // MSGID are neither has no RFC 5424 header, whatever its first bytes: Meraki writes
    // `<134>1 948077334.886 MX60 flows src=… dst=…`, and taking `src=…` for a PROCID would hide
    // an address.
    let body_str = if let Some(r2) = r.strip_prefix('-') {
        if !(r2.is_empty() || r2.starts_with(' ')) {
            return None;
        }
        r2
    } else if r.starts_with('[') {
        let mut depth = 0;
        let mut end = r.len();
        for (i, c) in r.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 && !r[i + 1..].starts_with('[') {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        &r[end..]
    } else if r.is_empty() {
        r
    } else {
        return None;
    };
    let body = line.len() - body_str.trim_start_matches(' ').len();
    let opt = |s: &str| (s != "-" && !s.is_empty()).then(|| s.to_string());
    Some(SyslogHeader {
        rfc: 5424,
        host: opt(host),
        app: opt(app),
        pid: opt(pid),
        msgid: opt(msgid),
        pri,
        sd,
        body,
    })
}

fn parse_3164(line: &str, off: usize, rest: &str) -> Option<SyslogHeader> {
    // Timestamp: `Mmm dd hh:mm:ss` or an ISO/RFC 3339 one (rsyslog's modern default).
    let ts_len =
        if MONTHS.iter().any(|m| rest.starts_with(m)) && rest.as_bytes().get(3) == Some(&b' ') {
            let b = rest.as_bytes();
            let mut i = 4;
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if b.get(i) != Some(&b' ') {
                return None;
            }
            i += 1;
            let t = rest.get(i..i + 8)?;
            if !(t.as_bytes()[2] == b':' && t.as_bytes()[5] == b':') {
                return None;
            }
            i + 8
        } else if rest.len() > 19 && rest.as_bytes()[4] == b'-' && rest.as_bytes()[10] == b'T' {
            rest.find(' ')?
        } else {
            return None;
        };
    let after_ts = &rest[ts_len..];
    let (host, r) = word(after_ts);
    if host.is_empty() || host.ends_with(':') {
        return None;
    }
    // TAG: `prog[pid]:` or `prog:`. A program is named by letters: a first word of digits is
    // no TAG (Cisco IOS numbers its messages, `45: Mar 10 07:50:01.123 UTC: %SEC-6-…`).
    let r = r.trim_start_matches(' ');
    let tag_end = r
        .find(": ")
        .or_else(|| r.ends_with(':').then(|| r.len() - 1));
    let named = |tag: &str| {
        let name = tag.split('[').next().unwrap_or(tag);
        name.bytes().any(|b| b.is_ascii_alphabetic())
    };
    let (app, pid, body_str) = match tag_end {
        Some(e) if !r[..e].contains(' ') && named(&r[..e]) => {
            let tag = &r[..e];
            let (app, pid) = match tag.find('[') {
                Some(b) if tag.ends_with(']') => {
                    (&tag[..b], Some(tag[b + 1..tag.len() - 1].to_string()))
                }
                _ => (tag, None),
            };
            (Some(app.to_string()), pid, &r[(e + 1).min(r.len())..])
        }
        _ => (None, None, r),
    };
    let body = line.len() - body_str.trim_start_matches(' ').len();
    Some(SyslogHeader {
        rfc: 3164,
        host: Some(host.to_string()),
        app,
        pid,
        msgid: None,
        pri: off,
        sd: body,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let l = "Dec 10 06:55:46 gw01 sshd[24200]: Failed password for root";
        let h = parse(l).unwrap();
        assert_eq!(
            (h.host.as_deref(), h.app.as_deref(), h.pid.as_deref()),
            (Some("gw01"), Some("sshd"), Some("24200"))
        );
        assert_eq!(&l[h.body..], "Failed password for root");
        let l = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed";
        let h = parse(l).unwrap();
        assert_eq!(
            (h.app.as_deref(), h.msgid.as_deref()),
            (Some("su"), Some("ID47"))
        );
        assert_eq!(&l[h.body..], "'su root' failed");
        assert_eq!(&l[h.sd..], "- 'su root' failed");
        // No structured data after the MSGID: not an RFC 5424 header.
        let l = "<134>1 948077334.886213117 MX60 flows src=39.41.0.1 dst=114.18.0.2 protocol=udp";
        assert!(parse(l).is_none());
        let l = "2025-03-10T06:55:46.123456+00:00 bastion-01 sshd[1]: Accepted";
        assert_eq!(parse(l).unwrap().app.as_deref(), Some("sshd"));
        assert!(parse("just a line").is_none());
        // A PRI part before an RFC 3164 header; a first word of digits is no program.
        let l =
            "<14>Mar 10 07:50:01 router1 45: Mar 10 07:50:01.123 UTC: %SEC-6-IPACCESSLOGP: list";
        let h = parse(l).unwrap();
        assert_eq!(
            (h.pri, h.host.as_deref(), h.app),
            (4, Some("router1"), None)
        );
        assert_eq!(
            &l[h.body..],
            "45: Mar 10 07:50:01.123 UTC: %SEC-6-IPACCESSLOGP: list"
        );
    }
}
