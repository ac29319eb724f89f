//! Who may talk to the service. Every request names an allowed `Host` (the listen address,
//! `localhost` on loopback, or an `--allow-host` value), so a DNS-rebound name cannot reach a
//! loopback instance. The page (`/`) and `/healthz` are open; everything under `/v1/` carries
//! the bearer token, or, when the service runs without one on loopback, a state-changing
//! request carries `X-Normforge: 1` and comes from no other site (`Origin`, `Sec-Fetch-Site`).
//! No CORS headers are ever sent, so a page of another origin can neither read an answer nor
//! send the headers without a preflight the service does not grant.

use axum::extract::{Request, State as Ax};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// How requests prove they may act.
#[derive(Clone, Debug)]
pub enum Auth {
    /// `Authorization: Bearer <token>` on every `/v1/` request.
    Token(String),
    /// No token (loopback only): a custom header and a same-site origin on state changes.
    LoopbackWithoutToken,
}

/// The header a state-changing request carries when the service has no token.
pub const CUSTOM_HEADER: &str = "x-normforge";

/// Who may talk to the service: how they prove it, and the `Host` values they may name.
#[derive(Clone, Debug)]
pub struct Access {
    /// The proof.
    pub auth: Auth,
    /// Allowed `Host` values, lower case: `host` (any port) or `host:port`.
    pub hosts: Vec<String>,
}

impl Access {
    /// For a service on `addr`: its own address, on loopback also `localhost`, and `extra`.
    pub fn new(auth: Auth, addr: std::net::SocketAddr, extra: &[String]) -> Access {
        let port = addr.port();
        let mut hosts = vec![match addr {
            std::net::SocketAddr::V4(a) => format!("{}:{port}", a.ip()),
            std::net::SocketAddr::V6(a) => format!("[{}]:{port}", a.ip()),
        }];
        if addr.ip().is_loopback() {
            hosts.push(format!("localhost:{port}"));
        }
        hosts.extend(extra.iter().map(|h| h.to_ascii_lowercase()));
        Access { auth, hosts }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let name = host
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host.as_str(), |(name, _)| name);
        self.hosts.iter().any(|h| *h == host || *h == name)
    }
}

/// A new token: 256 random bits, in hex.
pub fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(std::io::Error::other)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether two strings are equal, in time that depends on their lengths only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn refuse(status: StatusCode, code: &'static str, message: &str) -> Response {
    let mut r = ApiError::new(status, code, message).into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"normforge\""),
        );
    }
    r
}

/// Whether a request comes from another site: an `Origin` naming another host, or
/// `Sec-Fetch-Site` other than `same-origin` / `none`.
fn cross_site(headers: &HeaderMap, host: &str) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let foreign_origin = origin.is_some_and(|o| {
        let rest = o.split_once("://").map_or(o, |(_, r)| r);
        !rest.eq_ignore_ascii_case(host)
    });
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let foreign_fetch = fetch_site.is_some_and(|s| s != "same-origin" && s != "none");
    foreign_origin || foreign_fetch
}

/// The access check, as a middleware.
pub async fn check(Ax(access): Ax<std::sync::Arc<Access>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or("");
    if !access.host_allowed(host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "bad_host",
            "this Host is not served here (see serve --allow-host)",
        );
    }
    let path = req.uri().path();
    if !path.starts_with("/v1/") {
        return next.run(req).await;
    }
    match &access.auth {
        Auth::Token(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            if !given.is_some_and(|g| same(g.as_bytes(), token.as_bytes())) {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "give the service's token: Authorization: Bearer <token>",
                );
            }
        }
        Auth::LoopbackWithoutToken => {
            let changes = !matches!(*req.method(), Method::GET | Method::HEAD);
            if changes && headers.get(CUSTOM_HEADER).is_none_or(|v| v != "1") {
                return refuse(
                    StatusCode::FORBIDDEN,
                    "missing_header",
                    "a request that changes something carries X-Normforge: 1",
                );
            }
        }
    }
    if cross_site(headers, host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "cross_site",
            "requests from another site are refused",
        );
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_the_service_answers_to() {
        let a = Access::new(
            Auth::LoopbackWithoutToken,
            "127.0.0.1:8080".parse().unwrap(),
            &["rules.example.org".into()],
        );
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "rules.example.org",
            "rules.example.org:443",
        ] {
            assert!(a.host_allowed(ok), "{ok}");
        }
        for bad in [
            "",
            "127.0.0.1:8081",
            "localhost",
            "evil.example:8080",
            "127.0.0.1.evil:8080",
            "localhost:8080.evil",
        ] {
            assert!(!a.host_allowed(bad), "{bad}");
        }
        let v6 = Access::new(Auth::LoopbackWithoutToken, "[::1]:9".parse().unwrap(), &[]);
        assert!(v6.host_allowed("[::1]:9") && v6.host_allowed("localhost:9"));
        let public = Access::new(Auth::Token("t".into()), "0.0.0.0:80".parse().unwrap(), &[]);
        assert!(!public.host_allowed("localhost:80"));
    }

    #[test]
    fn what_counts_as_another_site() {
        let h = |pairs: &[(&'static str, &'static str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, v.parse().unwrap());
            }
            m
        };
        assert!(!cross_site(&h(&[]), "localhost:1"));
        assert!(!cross_site(
            &h(&[("origin", "http://localhost:1")]),
            "localhost:1"
        ));
        assert!(cross_site(
            &h(&[("origin", "http://evil.example")]),
            "localhost:1"
        ));
        assert!(cross_site(&h(&[("origin", "null")]), "localhost:1"));
        assert!(cross_site(
            &h(&[("sec-fetch-site", "cross-site")]),
            "localhost:1"
        ));
        assert!(!cross_site(
            &h(&[("sec-fetch-site", "same-origin")]),
            "localhost:1"
        ));
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"abc", b"ab"));
    }
}
