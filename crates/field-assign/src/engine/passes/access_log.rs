//! **access_log**: the fields of a web server's access log line by their place in the NCSA
//! common log format (`host ident authuser [date] "request" status bytes`, which the combined
//! format and nginx's default extend after the bytes): the host before the identity and the
//! user is the client, the user the account (`-` when none); a field before the client (a
//! virtual host, `%v` / `$host`, maybe with its port) is the server.
//!
//! `example.com:80 203.0.113.7 - alice [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`
//! with the header `{$h=HOSTNAME}:{$p=NUMBER} {$ip=IPV4} - {$user=WORD} [{$t=DATETIME}] "…`
//! → `src.ip = $ip`, `subject.account.name = $user`, `dst.port = $p`.
//!
//! A client written as a list (`203.0.113.9, 10.0.0.1, 127.0.0.1`: proxies appending to
//! `X-Forwarded-For`) names no one client: its left-most address is what the client claims
//! (anyone can send the header), the others are proxies; the pass sets no client from it.

use crate::engine::builder::Builder;
use crate::engine::expr::guarded;
use crate::engine::values::{present, real_values};
use crate::slots::{Slot, Slots};
use crate::{Source, Why};

/// The fields of a common-log-format header's client, user and server.
pub(crate) fn common_log_format(head: &str, slots: &Slots, b: &mut Builder) {
    let Some(template) = crate::prose::text_template(head) else {
        return;
    };
    let Some(fields) = fields_before_time(template) else {
        return;
    };
    let n = fields.len();
    if n < 3 {
        return;
    }
    let (ident, user) = (fields[n - 2], fields[n - 1]);
    if !(is_dash_or_capture(ident) && is_dash_or_capture(user)) {
        return;
    }
    // The client: the field before the identity, with the list it ends.
    let mut first = n - 3;
    while first > 0 && fields[first - 1].ends_with(',') {
        first -= 1;
    }
    let listed = first < n - 3;
    let client = fields[first].trim_end_matches(',');
    let capture = |field: &str| -> Option<&Slot> {
        let name = field.strip_prefix("{$")?.split_once('=')?.0;
        let expr = format!("${name}");
        slots.slots.iter().find(|s| s.expr == expr)
    };
    if let Some(s) = capture(client).filter(|_| !listed && whole_capture(client)) {
        if let Some(field) = host_field("src", s) {
            set(b, field, s);
        }
    }
    if let Some(s) = capture(user).filter(|_| whole_capture(user)) {
        set(b, "subject.account.name", s);
    }
    // One field before the client: the server, `host` or `host:port`.
    if first == 1 {
        let server = fields[0];
        let (host, port) = match server.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') && !h.is_empty() => (h, Some(p)),
            _ => (server, None),
        };
        if let Some(s) = capture(host).filter(|_| whole_capture(host)) {
            if let Some(field) = host_field("dst", s) {
                set(b, field, s);
            } else if port.is_none() && with_port(s) && !b.has("dst.port") {
                // One capture of `host:port` (`example.com:80`): split per event.
                let var = format!("{}_parts", s.expr);
                b.push_prelude(format!("{var} = csv({}, \":\", \"\")", s.expr));
                b.set("dst.port", Source::Expr(format!("{var}[1]")), Why::Layout);
                let hosts: Vec<&str> = s
                    .values
                    .iter()
                    .flatten()
                    .filter_map(|v| v.split_once(':').map(|(h, _)| h))
                    .collect();
                let field = if hosts.iter().all(|h| h.parse::<std::net::IpAddr>().is_ok()) {
                    "dst.ip"
                } else if hosts.iter().all(|h| h.contains('.')) {
                    "dst.fqdn"
                } else if hosts.iter().all(|h| !h.contains('.')) {
                    "dst.hostname"
                } else {
                    ""
                };
                if !field.is_empty() && !b.has(field) {
                    b.set(field, Source::Expr(format!("{var}[0]")), Why::Layout);
                }
            }
        }
        match port {
            Some(p) if whole_capture(p) => {
                if let Some(s) = capture(p) {
                    set(b, "dst.port", s);
                }
            }
            Some(p) if !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) => {
                // `set` leaves a field already set as it is.
                b.set("dst.port", Source::Const(p.to_string()), Why::Layout);
            }
            _ => {}
        }
    }
}

fn set(b: &mut Builder, field: &str, s: &Slot) {
    if b.has(field) {
        return;
    }
    if let Some(e) = guarded(s, s.expr.clone()) {
        b.set(field, Source::Expr(e), Why::Layout);
    }
}

/// The host field of `side` a slot's values fit: addresses, names with dots, names.
fn host_field(side: &str, s: &Slot) -> Option<&'static str> {
    let values = real_values(s);
    let present = present(&values);
    if present.is_empty() {
        return None;
    }
    let ip = |v: &&str| v.parse::<std::net::IpAddr>().is_ok();
    let name = |v: &&str| {
        v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && v.chars().any(char::is_alphabetic)
    };
    let field = if present.iter().all(ip) {
        "ip"
    } else if present.iter().all(|v| name(v) && v.contains('.')) {
        "fqdn"
    } else if present.iter().all(|v| name(v) && !v.contains('.')) {
        "hostname"
    } else {
        return None;
    };
    Some(match (side, field) {
        ("src", "ip") => "src.ip",
        ("src", "fqdn") => "src.fqdn",
        ("src", _) => "src.hostname",
        (_, "ip") => "dst.ip",
        (_, "fqdn") => "dst.fqdn",
        _ => "dst.hostname",
    })
}

/// Whether every value of a slot is a host name with a port (`example.com:80`).
fn with_port(s: &Slot) -> bool {
    let values = real_values(s);
    let present = present(&values);
    !present.is_empty()
        && present.iter().all(|v| {
            v.split_once(':').is_some_and(|(h, p)| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    && p.parse::<u16>().is_ok()
            })
        })
}

/// A field that is one capture and nothing else (`{$ip=IPV4}`).
fn whole_capture(field: &str) -> bool {
    field.starts_with("{$") && field.ends_with('}') && field[1..].find('{').is_none()
}

/// The identity and user fields: `-`, or one capture.
fn is_dash_or_capture(field: &str) -> bool {
    field == "-" || whole_capture(field)
}

/// The space-separated fields of the template before a bracketed time that a quoted request
/// follows (`… [{$t=DATETIME}] "GET …` or `… [{$t=DATETIME}] {$r=STRING}`); spaces inside a
/// capture's braces do not separate.
fn fields_before_time(template: &str) -> Option<Vec<&str>> {
    let at = template.find(" [{$")?;
    let after = &template[at + 2..];
    let close = after.find("}]")?;
    if !after[..close].ends_with("=DATETIME") {
        return None;
    }
    let rest = &after[close + 2..];
    if !(rest.starts_with(" \"") || rest.starts_with(" {$") && rest[1..].contains("=STRING")) {
        return None;
    }
    let before = &template[..at];
    let mut fields = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in before.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ' ' if depth == 0 => {
                if i > start {
                    fields.push(&before[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < before.len() {
        fields.push(&before[start..]);
    }
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_before_the_time_of_a_request() {
        let t =
            r#"{$ip=IPV4} - - [{$t=DATETIME}] "GET / HTTP/{$v=NUMBER}" {$s=NUMBER} {$b=NUMBER}"#;
        assert_eq!(fields_before_time(t).unwrap(), ["{$ip=IPV4}", "-", "-"]);
        let t = r#"{$h=HOSTNAME}:{$p=NUMBER} {$a=IPV4}, {$b=IPV4} - {$u=WORD} [{$t=DATETIME}] {$r=STRING} 200"#;
        assert_eq!(
            fields_before_time(t).unwrap(),
            [
                "{$h=HOSTNAME}:{$p=NUMBER}",
                "{$a=IPV4},",
                "{$b=IPV4}",
                "-",
                "{$u=WORD}"
            ]
        );
        // No request after the time: no access log line.
        assert!(fields_before_time("{$ip=IPV4} - - [{$t=DATETIME}] started").is_none());
        assert!(fields_before_time("{$ip=IPV4} - - [{$t=WORD}] \"GET\"").is_none());
    }
}
