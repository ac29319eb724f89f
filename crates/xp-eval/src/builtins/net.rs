//! IP and MAC built-ins.

use std::net::IpAddr;

use crate::text::tokens;
use crate::value::Value;

/// `maybe_ipv4(s)` / `ipv4(s)`.
pub fn ipv4(a: &[Value]) -> Value {
    match &a[0] {
        Value::Ip(ip @ IpAddr::V4(_)) => Value::Ip(*ip),
        Value::Str(s) => s
            .trim()
            .parse::<std::net::Ipv4Addr>()
            .map_or(Value::Null, |ip| Value::Ip(IpAddr::V4(ip))),
        _ => Value::Null,
    }
}

/// `maybe_ipv6(s)` / `ipv6(s)`.
pub fn ipv6(a: &[Value]) -> Value {
    match &a[0] {
        Value::Ip(ip @ IpAddr::V6(_)) => Value::Ip(*ip),
        Value::Str(s) => s
            .trim()
            .parse::<std::net::Ipv6Addr>()
            .map_or(Value::Null, |ip| Value::Ip(IpAddr::V6(ip))),
        _ => Value::Null,
    }
}

fn ip_of(v: &Value) -> Option<IpAddr> {
    match v {
        Value::Ip(ip) => Some(*ip),
        Value::Str(s) => tokens::parse_ip(s),
        _ => None,
    }
}

/// `in_subnet(ip, "a.b.c.d/n")`.
pub fn in_subnet(a: &[Value]) -> Value {
    let Some(ip) = ip_of(&a[0]) else {
        return Value::Null;
    };
    let Some(cidr) = a[1].to_text() else {
        return Value::Null;
    };
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.trim().parse::<u32>().ok()),
        None => (cidr.as_str(), None),
    };
    let Some(net) = tokens::parse_ip(net) else {
        return Value::Null;
    };
    Value::Bool(match (ip, net) {
        (IpAddr::V4(i), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(i) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(i), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(i) & mask == u128::from(n) & mask
        }
        _ => false,
    })
}

/// `macaddr(s)` / `maybe_macaddr(s)`: canonical `A1:F6:33:4D:21:56`.
pub fn macaddr(a: &[Value]) -> Value {
    a[0].as_str_cow()
        .and_then(|s| tokens::parse_mac(&s))
        .map_or(Value::Null, Value::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets() {
        assert!(in_subnet(&[Value::str("127.0.0.1"), Value::str("127.0.0.0/8")]).truthy());
        assert!(!in_subnet(&[Value::str("10.0.0.1"), Value::str("127.0.0.0/8")]).truthy());
        assert!(ipv4(&[Value::str("::1")]).is_null());
    }
}
