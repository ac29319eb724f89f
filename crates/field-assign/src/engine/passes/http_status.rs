//! **http_status**: the response status of a web server's access log line (the NCSA common and
//! combined log formats: `"%r" %>s`, a request line in quotes, then the status) states the
//! request's outcome by its class (`schema/http-status-classes.tsv`, RFC 9110 §15: 1xx–3xx
//! carried out, 4xx and 5xx failed).
//!
//! `192.168.33.1 - - [26/Dec/2016:16:22:13 +0000] "GET /hello HTTP/1.1" 404 499` with the header
//! `… "GET /hello HTTP/{$http=NUMBER}" {$code=NUMBER} {$bytes=NUMBER}` →
//! `status = if in_list(["4", "5"], substr($code, 0, 1)) then "failure" else "success" endif`.

use crate::engine::builder::Builder;
use crate::engine::values::unquote;
use crate::slots::Slots;
use crate::{Source, Why};

/// The outcome of each status class, in the table's order.
fn classes() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::tsv::table("http-status-classes")
        .data()
        .map(|c| (c[0], c[2]))
}

/// Whether a value is an HTTP status code of a known class.
fn is_status(v: &str) -> bool {
    v.len() == 3
        && v.bytes().all(|b| b.is_ascii_digit())
        && classes().any(|(class, _)| v.starts_with(class))
}

/// The statuses a TEXT template may write after a request in quotes (`"%r" %>s %b`): the text
/// after a closing quote (of a literal or of a `STRING` capture) and a space, where the bytes
/// sent follow (`%b`: `-`, or a `NUMBER` or `WORD` capture: a number, or `-` where nothing was).
fn after_requests(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, _) in template.match_indices(' ') {
        let before = &template[..i];
        let quoted =
            before.ends_with('"') || before.ends_with("=STRING}") || before.ends_with("=STRING*}");
        if !quoted {
            continue;
        }
        let after = &template[i + 1..];
        // The status token, then the size.
        let token_end = if after.starts_with("{$") {
            after.find('}').map(|n| n + 1)
        } else {
            Some(after.find(' ').unwrap_or(after.len()))
        };
        let Some(end) = token_end else { continue };
        let size = after[end..].strip_prefix(' ').unwrap_or("");
        let size_capture = size.starts_with("{$")
            && size
                .split_once('}')
                .is_some_and(|(c, _)| c.ends_with("=NUMBER") || c.ends_with("=WORD"));
        if size.starts_with('-') || size_capture {
            out.push(after);
        }
    }
    out
}

/// The status after the request of a TEXT message: read per event from its capture, or the
/// constant the header writes.
pub(crate) fn response_status(head: &str, slots: &Slots, b: &mut Builder) {
    let Some(template) = crate::prose::text_template(head) else {
        return;
    };
    for after in after_requests(template) {
        // A constant status: three digits and a space.
        if let Some(code) = after.get(..3).filter(|c| is_status(c)) {
            if after[3..].starts_with(' ') {
                if let Some((_, outcome)) = classes().find(|(class, _)| code.starts_with(class)) {
                    b.set("status", Source::Const(outcome.into()), Why::HttpStatus);
                    return;
                }
            }
            continue;
        }
        // A capture whose every value is a status code.
        let Some(name) = after
            .strip_prefix("{$")
            .and_then(|r| r.split_once("=NUMBER}"))
            .map(|(n, _)| format!("${n}"))
        else {
            continue;
        };
        let Some(s) = slots.slots.iter().find(|s| s.expr == name) else {
            continue;
        };
        if s.values.iter().flatten().next().is_none()
            || !s.values.iter().flatten().all(|v| is_status(unquote(v)))
        {
            continue;
        }
        b.set("status", Source::Expr(by_class(&s.expr)), Why::HttpStatus);
        return;
    }
    status_before_request(template, slots, b);
}

/// A line that writes its request (`HTTP/1.1` in the template) with the status before it, not
/// after (an AWS load balancer's `elb_status_code target_status_code … "GET … HTTP/1.1"`,
/// HAProxy's HTTP log `… 10/0/30/69/109 200 2750 … "GET /index.html HTTP/1.1"`): the first
/// number captured before the request whose every value is a status code is the status the
/// client got.
fn status_before_request(template: &str, slots: &Slots, b: &mut Builder) {
    let Some(request) = template.find("HTTP/") else {
        return;
    };
    let before = &template[..request];
    let first = before
        .match_indices("{$")
        .filter_map(|(i, _)| {
            let rest = &before[i + 2..];
            let (name, _) = rest.split_once("=NUMBER}")?;
            name.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_')
                .then(|| format!("${name}"))
        })
        .find_map(|name| {
            slots.slots.iter().find(|s| {
                s.expr == name
                    && s.values.iter().flatten().next().is_some()
                    && s.values.iter().flatten().all(|v| is_status(unquote(v)))
            })
        });
    if let Some(s) = first {
        b.set("status", Source::Expr(by_class(&s.expr)), Why::HttpStatus);
    }
}

/// The status of a response under a key that names one (`schema/key-roles.tsv`
/// `http-status-key`: `response_code`, `statusCode`, `respcode`, ECS `http.response.status_code`),
/// when every value is a status code.
///
/// `{"response_code": 401, …}` → `status = if in_list(["4", "5"], substr(string($response_code),
/// 0, 1)) then "failure" else "success" endif`.
pub(crate) fn status_key(slots: &Slots, b: &mut Builder) {
    if b.has("status") {
        return;
    }
    let Some(s) = slots.slots.iter().find(|s| {
        names_a_status(&s.key)
            && s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| is_status(unquote(v)))
    }) else {
        return;
    };
    let code = format!("string({})", s.expr);
    b.set("status", Source::Expr(by_class(&code)), Why::HttpStatus);
}

/// Whether a key names a response's status: a status key whole, or one as its last word or two
/// (`EdgeResponseStatus`, Cloudflare's, ends with `status`; `elb_status_code` with `status
/// code`).
fn names_a_status(key: &str) -> bool {
    let is = |k: &str| crate::lexicon::has_role(k, "http-status-key");
    if is(key) {
        return true;
    }
    let words = crate::lexicon::split_words(key);
    let n = words.len();
    (n >= 2 && is(&words[n - 1])) || (n >= 3 && is(&words[n - 2..].concat()))
}

/// The outcome of the status code `code` (an XP expression of its text) by its class.
fn by_class(code: &str) -> String {
    let failing: Vec<String> = classes()
        .filter(|(_, o)| *o == "failure")
        .map(|(c, _)| format!("\"{c}\""))
        .collect();
    format!(
        "if in_list([{}], substr({code}, 0, 1)) then \"failure\" else \"success\" endif",
        failing.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_follows_a_quoted_request_and_precedes_the_size() {
        let t = r#"{$ip=IPV4} - - [{$t=DATETIME}] {$r=STRING} {$code=NUMBER} {$size=IPV4}"#;
        assert!(after_requests(t).is_empty(), "an address is no size");
        let t = r#"{$ip=IPV4} - - [{$t=DATETIME}] {$r=STRING} {$code=NUMBER} {$size=NUMBER}"#;
        assert_eq!(after_requests(t), ["{$code=NUMBER} {$size=NUMBER}"]);
        let t = r#"{$ip=IPV6} - - [{$t=DATETIME}] "-" 408 -"#;
        assert_eq!(after_requests(t), ["408 -"]);
        assert!(is_status("404") && !is_status("604") && !is_status("4040"));
        assert!(names_a_status("EdgeResponseStatus") && names_a_status("elb_status_code"));
        assert!(!names_a_status("status_reason") && !names_a_status("code"));
    }
}
