//! Web server access logs in the NCSA common log format and its extensions (Apache's
//! `LogFormat "%h %l %u %t \"%r\" %>s %b"`, the combined format and nginx's default append
//! quoted fields): when no aligned template matches every member of a cluster (requests of
//! different shapes, `"-"` beside `"GET / HTTP/1.1"`, trailing fields on some lines only), the
//! format's own layout does: host, identity, user, `[time]`, the request as one quoted string,
//! the status, the size, and the rest of the line.

use xp_syntax::template::TokenType;

use crate::text::TextTemplate;

/// The fields of one line: host, identity, user, and whether a tail follows the size.
struct Line<'a> {
    host: &'a str,
    ident: &'a str,
    user: &'a str,
    tail: bool,
}

/// Splits a line of the common log format, if it is one.
fn parse(line: &str) -> Option<Line<'_>> {
    let mut rest = line;
    let mut word = || -> Option<&str> {
        let end = rest.find(' ')?;
        let w = &rest[..end];
        rest = &rest[end + 1..];
        (!w.is_empty()).then_some(w)
    };
    let (host, ident, user) = (word()?, word()?, word()?);
    let r = rest.strip_prefix('[')?;
    let close = r.find("] \"")?;
    xp_eval::datetime::parse_prefix(&r[..close], Some(2000))?;
    // The request: a quoted string (a quote inside is escaped with a backslash).
    let r = &r[close + 3..];
    let b = r.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] != b'"' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    let r = r.get(i + 1..)?.strip_prefix(' ')?;
    let (status, r) = r.split_once(' ').unwrap_or((r, ""));
    if status.len() != 3 || !status.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (size, tail) = r
        .split_once(' ')
        .map_or((r, false), |(s, t)| (s, !t.is_empty()));
    if !(size == "-" || (!size.is_empty() && size.bytes().all(|c| c.is_ascii_digit()))) {
        return None;
    }
    Some(Line {
        host,
        ident,
        user,
        tail,
    })
}

/// The template of the common log format for `members`, when every one is such a line.
pub fn template(members: &[&str]) -> Option<TextTemplate> {
    let lines: Vec<Line<'_>> = members.iter().map(|m| parse(m)).collect::<Option<_>>()?;
    let mut captures: Vec<(String, TokenType)> = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let all = |f: &dyn Fn(&Line<'_>) -> bool| lines.iter().all(f);
    let host = if all(&|l| l.host.parse::<std::net::Ipv4Addr>().is_ok()) {
        ("ip", TokenType::Ipv4, "IPV4")
    } else if all(&|l| l.host.parse::<std::net::Ipv6Addr>().is_ok()) {
        ("ip", TokenType::Ipv6, "IPV6")
    } else {
        ("host", TokenType::Word, "WORD")
    };
    fields.push(format!("{{${}={}}}", host.0, host.2));
    captures.push((host.0.to_string(), host.1));
    let idents: Vec<&str> = lines.iter().map(|l| l.ident).collect();
    let users: Vec<&str> = lines.iter().map(|l| l.user).collect();
    for (name, values) in [("ident", idents), ("user", users)] {
        if values.iter().all(|v| *v == "-") {
            fields.push("-".to_string());
        } else {
            fields.push(format!("{{${name}=WORD}}"));
            captures.push((name.to_string(), TokenType::Word));
        }
    }
    let mut t = fields.join(" ");
    t.push_str(" [{$time=DATETIME}] {$request=STRING} {$status=NUMBER} {$bytes=WORD}");
    for (name, ty) in [
        ("time", TokenType::Datetime),
        ("request", TokenType::String),
        ("status", TokenType::Number),
        ("bytes", TokenType::Word),
    ] {
        captures.push((name.to_string(), ty));
    }
    if all(&|l| l.tail) {
        t.push_str(" {$tail=REST}");
        captures.push(("tail".to_string(), TokenType::Rest));
    } else if lines.iter().any(|l| l.tail) {
        t.push_str("{\" \"$tail=REST|}");
        captures.push(("tail".to_string(), TokenType::Rest));
    }
    Some(TextTemplate {
        template: t,
        captures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_the_common_log_format_share_its_layout() {
        let m = [
            r#"192.168.33.1 - - [26/Dec/2016:16:22:13 +0000] "GET /hello HTTP/1.1" 404 499 "-" "Mozilla/5.0""#,
            r#"127.0.0.1 - - [02/Feb/2019:05:38:45 +0100] "-" 408 152 "-" "-""#,
            r#"10.0.0.7 - alice [02/Feb/2019:05:38:46 +0100] "GET / HTTP/1.1" 200 -"#,
        ];
        let t = template(&m).unwrap();
        assert_eq!(
            t.template,
            r#"{$ip=IPV4} - {$user=WORD} [{$time=DATETIME}] {$request=STRING} {$status=NUMBER} {$bytes=WORD}{" "$tail=REST|}"#
        );
        assert!(template(&["just a line"]).is_none());
        assert!(template(&[r#"h - - [26/Dec/2016:16:22:13 +0000] "GET /" 2000 1"#]).is_none());
    }
}
