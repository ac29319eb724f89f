//! Comparison of a produced normalized event with an expected `norm_N.js`, by field type.

use serde_json::{Map, Value as J};
use xp_eval::datetime;
use xp_taxonomy::{FieldType, Taxonomy};

/// One field that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDiff {
    /// Field name.
    pub field: String,
    /// Expected value (`None`: the field should be absent).
    pub expected: Option<J>,
    /// Produced value (`None`: absent).
    pub actual: Option<J>,
}

/// Fields the vendor's appendix (`appendix.xp`, linked into every formula when the expert
/// tests were written) computes after the formula: `<prefix>.host` is the first of its
/// components that is set. Its test runner (vscode-xp `normalizationUnitTestRunner.ts`) drops
/// `<prefix>.host` from both events when one of them is set, and reads a missing `importance` as
/// `"info"`; comparisons here do the same.
const APPENDIX_HOSTS: [(&str, &[&str]); 5] = [
    (
        "event_src.host",
        &[
            "event_src.fqdn",
            "event_src.hostname",
            "event_src.ip",
            "recv_ipv4",
            "recv_ipv6",
            "recv_host",
        ],
    ),
    (
        "src.host",
        &["src.fqdn", "src.hostname", "src.ip", "src.mac"],
    ),
    (
        "dst.host",
        &["dst.fqdn", "dst.hostname", "dst.ip", "dst.mac"],
    ),
    (
        "external_src.host",
        &[
            "external_src.fqdn",
            "external_src.hostname",
            "external_src.ip",
            "external_src.mac",
        ],
    ),
    (
        "external_dst.host",
        &[
            "external_dst.fqdn",
            "external_dst.hostname",
            "external_dst.ip",
            "external_dst.mac",
        ],
    ),
];

/// `norm` with the `<prefix>.host` fields the vendor's appendix computes (the first of its
/// components that is set) where the formula left them unset: the event as the SIEM shows it,
/// for rendering descriptions.
pub fn with_appendix_hosts(norm: &Map<String, J>) -> Map<String, J> {
    let mut out = norm.clone();
    for (host, parts) in APPENDIX_HOSTS {
        if out.contains_key(host) {
            continue;
        }
        if let Some(v) = parts.iter().find_map(|p| norm.get(*p)) {
            out.insert(host.to_string(), v.clone());
        }
    }
    out
}

/// An event as the vendor's test runner compares it: appendix-computed `*.host` fields dropped
/// where a component is set, a missing `importance` read as `"info"`.
fn as_compared(ev: &Map<String, J>) -> std::borrow::Cow<'_, Map<String, J>> {
    let set = |k: &str| {
        ev.get(k)
            .is_some_and(|v| !v.is_null() && v != "" && v != &J::Bool(false))
    };
    let drop: Vec<&str> = APPENDIX_HOSTS
        .iter()
        .filter(|(host, parts)| ev.contains_key(*host) && parts.iter().any(|p| set(p)))
        .map(|(host, _)| *host)
        .collect();
    if drop.is_empty() && set("importance") {
        return std::borrow::Cow::Borrowed(ev);
    }
    let mut m = ev.clone();
    for h in drop {
        m.remove(h);
    }
    if !set("importance") {
        m.insert("importance".into(), J::String("info".into()));
    }
    std::borrow::Cow::Owned(m)
}

/// Compares two flat objects as the vendor's test runner does (see [`APPENDIX_HOSTS`]);
/// returns the differing fields in name order.
pub fn compare(
    expected: &Map<String, J>,
    actual: &Map<String, J>,
    tax: &Taxonomy,
) -> Vec<FieldDiff> {
    let (expected, actual) = (as_compared(expected), as_compared(actual));
    let (expected, actual) = (&*expected, &*actual);
    let mut keys: Vec<&String> = expected.keys().chain(actual.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        let e = expected.get(k).filter(|v| !v.is_null());
        let a = actual.get(k).filter(|v| !v.is_null());
        let same = match (e, a) {
            (None, None) => true,
            (Some(e), Some(a)) => values_equal(tax.type_of(k), e, a),
            _ => false,
        };
        if !same {
            out.push(FieldDiff {
                field: k.clone(),
                expected: e.cloned(),
                actual: a.cloned(),
            });
        }
    }
    out
}

fn text(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether two values of a field are the same after type normalization. Times compare as
/// instants; an expected time without a fraction compares at second precision.
pub fn values_equal(ty: Option<FieldType>, e: &J, a: &J) -> bool {
    let (et, at) = (text(e), text(a));
    if et == at {
        return true;
    }
    match ty {
        Some(FieldType::Number) => match (et.trim().parse::<f64>(), at.trim().parse::<f64>()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        Some(FieldType::Datetime) => match (
            datetime::parse_full(&et, None),
            datetime::parse_full(&at, None),
        ) {
            (Some(x), Some(y)) => {
                if has_fraction(&et) {
                    x == y
                } else {
                    x.div_euclid(1000) == y.div_euclid(1000)
                }
            }
            _ => false,
        },
        Some(FieldType::Ip) => match (
            et.trim().parse::<std::net::IpAddr>(),
            at.trim().parse::<std::net::IpAddr>(),
        ) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        Some(FieldType::Mac) => xp_eval::text::tokens::parse_mac(&et)
            .is_some_and(|x| Some(x) == xp_eval::text::tokens::parse_mac(&at)),
        _ => false,
    }
}

fn has_fraction(s: &str) -> bool {
    // A '.' or ',' after the seconds, i.e. after the last ':'.
    s.rfind(':').is_some_and(|i| s[i..].contains(['.', ',']))
}

/// A unified diff of the two objects as pretty JSON, only when they differ.
pub fn render_diff(
    expected: &Map<String, J>,
    actual: &Map<String, J>,
    diffs: &[FieldDiff],
) -> String {
    if diffs.is_empty() {
        return String::new();
    }
    let e = pretty_sorted(expected);
    let a = pretty_sorted(actual);
    let mut out = String::new();
    let diff = similar::TextDiff::from_lines(&e, &a);
    out.push_str(
        &diff
            .unified_diff()
            .context_radius(1)
            .header("expected (norm)", "actual (normalizer)")
            .to_string(),
    );
    out
}

fn pretty_sorted(m: &Map<String, J>) -> String {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    let mut s = String::from("{\n");
    for k in keys {
        s.push_str(&format!("  {}: {}\n", J::String(k.clone()), m[k]));
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn appendix_fields_compare_as_the_vendor_runner_does() {
        let t = Taxonomy::embedded();
        let obj = |v: J| v.as_object().cloned().unwrap();
        // `event_src.host` is the appendix's when a component is set; a missing importance is
        // `info`.
        let expected = obj(json!({"event_src.hostname": "dc1", "event_src.host": "dc1",
            "src.ip": "10.0.0.5", "src.host": "10.0.0.5", "importance": "info", "id": "x"}));
        let actual = obj(json!({"event_src.hostname": "dc1", "src.ip": "10.0.0.5", "id": "x"}));
        assert_eq!(compare(&expected, &actual, t), vec![]);
        // Without a component, `*.host` is the formula's and compares as any field.
        let expected = obj(json!({"dst.host": "web", "id": "x"}));
        let actual = obj(json!({"id": "x"}));
        assert_eq!(compare(&expected, &actual, t).len(), 1);
        // An importance the formula sets is compared.
        let expected = obj(json!({"importance": "high", "id": "x"}));
        assert_eq!(compare(&expected, &actual, t)[0].field, "importance");
    }

    #[test]
    fn typed_equality() {
        let t = Taxonomy::embedded();
        assert!(values_equal(
            t.type_of("time"),
            &json!("2020-01-31T13:45:15Z"),
            &json!("2020-01-31T13:45:15.123Z")
        ));
        assert!(!values_equal(
            t.type_of("time"),
            &json!("2020-01-31T13:45:15.000Z"),
            &json!("2020-01-31T13:45:15.123Z")
        ));
        assert!(values_equal(
            t.type_of("src.port"),
            &json!(22),
            &json!("22")
        ));
        assert!(values_equal(
            t.type_of("src.ip"),
            &json!("::0001"),
            &json!("::1")
        ));
        assert!(!values_equal(
            t.type_of("subject.account.name"),
            &json!("Root"),
            &json!("root")
        ));
    }
}
