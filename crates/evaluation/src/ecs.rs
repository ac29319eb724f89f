//! Scores normalized events against ECS-labelled events of the same lines (a corpus of
//! `<name>.log` + `<name>.ecs.jsonl` pairs, one expected event a line, such as the test logs
//! of Filebeat's modules), on the fields whose meaning ECS and the taxonomy share.
//!
//! The fields compared are the crosswalk's (`schema/ecs-crosswalk.tsv`): each bucket is a set of
//! ECS fields and a set of taxonomy fields; per line, the values of the bucket's ECS fields
//! (lists opened) are the expected values, those of its taxonomy fields the generated ones, both
//! as sets of compared forms. A bucket counts on a line only where the expected event states it.
//! Precision is correct ÷ generated, recall found ÷ expected. The same rules as
//! `../shared/tools/score-ecs.py`, so the two agree count for count.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

/// How a bucket's values are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    /// Trimmed, lower case.
    Text,
    /// Month, day and time of day in UTC (the year of a year-less line is a guess).
    Time,
    /// Text, only `success` and `failure` expected.
    Outcome,
    /// An IANA protocol number as its keyword (6 → tcp), else text.
    Protocol,
}

/// One bucket of the crosswalk.
#[derive(Clone, Debug, Serialize)]
pub struct Bucket {
    /// Its name (`src.ip`, `account`).
    pub name: String,
    /// The taxonomy fields whose values are generated.
    pub fields: Vec<String>,
    /// The ECS fields whose values are expected.
    pub ecs: Vec<String>,
    /// How values compare.
    pub compare: Compare,
}

/// The scored buckets of `schema/ecs-crosswalk.tsv`, in the table's order.
pub fn buckets() -> Vec<Bucket> {
    let mut out: Vec<Bucket> = Vec::new();
    for c in field_assign::tsv::table("ecs-crosswalk").data() {
        let (ecs, field, bucket, compare) = (c[0], c[1], c[2], c[3]);
        if bucket == "-" {
            continue;
        }
        let compare = match compare {
            "time" => Compare::Time,
            "outcome" => Compare::Outcome,
            "protocol" => Compare::Protocol,
            _ => Compare::Text,
        };
        let b = match out.iter_mut().position(|b| b.name == bucket) {
            Some(i) => &mut out[i],
            None => {
                out.push(Bucket {
                    name: bucket.to_string(),
                    fields: Vec::new(),
                    ecs: Vec::new(),
                    compare,
                });
                out.last_mut().expect("just pushed")
            }
        };
        if !b.fields.iter().any(|f| f == field) {
            b.fields.push(field.to_string());
        }
        if !b.ecs.iter().any(|f| f == ecs) {
            b.ecs.push(ecs.to_string());
        }
    }
    out
}

/// The ECS fields the crosswalk has a counterpart for (scored or not).
pub fn covered() -> Vec<&'static str> {
    field_assign::tsv::table("ecs-crosswalk")
        .data()
        .map(|c| c[0])
        .collect()
}

/// A bucket's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Generated values on lines whose expected event states the bucket.
    pub generated: usize,
    /// Of those, values among the expected ones.
    pub correct: usize,
    /// Expected values.
    pub expected: usize,
    /// Of those, values generated.
    pub found: usize,
}

impl Counts {
    /// Adds another's counts.
    pub fn add(&mut self, o: &Counts) {
        self.generated += o.generated;
        self.correct += o.correct;
        self.expected += o.expected;
        self.found += o.found;
    }
    /// correct ÷ generated, if anything was generated.
    pub fn precision(&self) -> Option<f64> {
        (self.generated > 0).then(|| self.correct as f64 / self.generated as f64)
    }
    /// found ÷ expected, if anything was expected.
    pub fn recall(&self) -> Option<f64> {
        (self.expected > 0).then(|| self.found as f64 / self.expected as f64)
    }
}

/// The value at a dotted path of a nested object (`source.ip`), or `None`.
fn get<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = doc;
    for k in path.split('.') {
        v = v.as_object()?.get(k)?;
    }
    Some(v)
}

/// A JSON value as text, as Python's `str()` writes scalars (booleans `True`/`False`).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// An ISO 8601 date and time (`2016-12-26T16:22:14.000Z`, `… +02:00`, a space for the `T`, no
/// zone for UTC) as `MM-DDTHH:MM:SS` in UTC.
fn iso_utc(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    let mut rest = &s[10..];
    if let Some(t) = rest.strip_prefix('T') {
        let tb = t.as_bytes();
        if tb.len() < 5 || tb[2] != b':' {
            return None;
        }
        h = t[0..2].parse().ok()?;
        mi = t[3..5].parse().ok()?;
        rest = &t[5..];
        if let Some(x) = rest.strip_prefix(':') {
            sec = x.get(0..2)?.parse().ok()?;
            rest = &x[2..];
            if let Some(f) = rest.strip_prefix(['.', ',']) {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                if n == 0 {
                    return None;
                }
                rest = &f[n..];
            }
        }
    }
    let offset = match rest {
        "" | "Z" => 0,
        z => {
            let sign = match z.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = &z[1..];
            let (oh, om) = match z.len() {
                5 if z.as_bytes()[2] == b':' => {
                    (z[0..2].parse::<i64>().ok()?, z[3..5].parse().ok()?)
                }
                4 => (z[0..2].parse::<i64>().ok()?, z[2..4].parse().ok()?),
                2 => (z.parse::<i64>().ok()?, 0),
                _ => return None,
            };
            sign * (oh * 3600 + om * 60)
        }
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let t = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset;
    let (_, mo, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    Some(format!(
        "{mo:02}-{d:02}T{:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    ))
}

/// A value's compared form, `None` when it has none.
fn compared(v: &Value, how: Compare) -> Option<String> {
    match how {
        Compare::Text | Compare::Outcome => Some(text(v).trim().to_lowercase()),
        Compare::Protocol => {
            let s = text(v).to_lowercase();
            Some(
                match s.as_str() {
                    "6" => "tcp",
                    "17" => "udp",
                    "1" => "icmp",
                    "58" => "ipv6-icmp",
                    _ => &s,
                }
                .to_string(),
            )
        }
        Compare::Time => {
            let s = text(v).trim().replace(' ', "T");
            iso_utc(&s).or_else(|| {
                (s.len() >= 19 && s.as_bytes()[4] == b'-')
                    .then(|| s.get(5..19).map(str::to_string))
                    .flatten()
            })
        }
    }
}

/// The counts per bucket of one corpus file: `expected` its events in line order, `got` the
/// fields normalized from each line (1-based; a line without an entry normalized nothing).
pub fn score(
    buckets: &[Bucket],
    expected: &[Value],
    got: &BTreeMap<usize, Map<String, Value>>,
) -> BTreeMap<String, Counts> {
    let mut out: BTreeMap<String, Counts> = buckets
        .iter()
        .map(|b| (b.name.clone(), Counts::default()))
        .collect();
    let empty = Map::new();
    for (i, e) in expected.iter().enumerate() {
        let fields = got.get(&(i + 1)).unwrap_or(&empty);
        for b in buckets {
            let mut want: Vec<String> = Vec::new();
            for p in &b.ecs {
                let vals: Vec<&Value> = match get(e, p) {
                    Some(Value::Array(a)) => a.iter().collect(),
                    Some(v) => vec![v],
                    None => Vec::new(),
                };
                for v in vals {
                    if v.is_null() || v.as_str() == Some("") {
                        continue;
                    }
                    if let Some(c) = compared(v, b.compare) {
                        want.push(c);
                    }
                }
            }
            if b.compare == Compare::Outcome {
                want.retain(|w| w == "success" || w == "failure");
            }
            want.sort();
            want.dedup();
            if want.is_empty() {
                continue;
            }
            let mut have: Vec<String> = b
                .fields
                .iter()
                .filter_map(|f| fields.get(f))
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .filter_map(|v| compared(v, b.compare))
                .collect();
            have.sort();
            have.dedup();
            let both = have.iter().filter(|h| want.contains(h)).count();
            let c = out.entry(b.name.clone()).or_default();
            c.generated += have.len();
            c.correct += both;
            c.expected += want.len();
            c.found += both;
        }
    }
    out
}

/// Of the addresses and account names the expected events state (the values of the buckets
/// whose taxonomy fields are addresses, `*.ip`, or account names, `*.account.name`), how many
/// reach any field of the normalized event at all, whatever field it is: what a rule that
/// misplaces a value still keeps, and what one that drops it loses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Reach {
    /// Distinct expected values per line, summed.
    pub expected: usize,
    /// Of those, values some field of the line's normalized event holds.
    pub reached: usize,
}

impl Reach {
    /// Adds another's counts.
    pub fn add(&mut self, o: &Reach) {
        self.expected += o.expected;
        self.reached += o.reached;
    }
    /// reached ÷ expected, if anything was expected.
    pub fn share(&self) -> Option<f64> {
        (self.expected > 0).then(|| self.reached as f64 / self.expected as f64)
    }
}

/// The [`Reach`] of generated events against expected ones.
pub fn reach(
    buckets: &[Bucket],
    expected: &[Value],
    got: &BTreeMap<usize, Map<String, Value>>,
) -> Reach {
    let entity = |b: &&Bucket| {
        b.compare == Compare::Text
            && b.fields
                .iter()
                .all(|f| f.ends_with(".ip") || f.ends_with(".account.name"))
    };
    let paths: Vec<&String> = buckets.iter().filter(entity).flat_map(|b| &b.ecs).collect();
    let mut out = Reach::default();
    let empty = Map::new();
    for (i, e) in expected.iter().enumerate() {
        let fields = got.get(&(i + 1)).unwrap_or(&empty);
        let mut want: Vec<String> = paths
            .iter()
            .filter_map(|p| get(e, p))
            .flat_map(|v| match v {
                Value::Array(a) => a.iter().collect(),
                v => vec![v],
            })
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
            .map(|v| text(v).trim().to_lowercase())
            .collect();
        want.sort();
        want.dedup();
        let have: Vec<String> = fields
            .values()
            .filter(|v| !v.is_null())
            .map(|v| text(v).trim().to_lowercase())
            .collect();
        out.expected += want.len();
        out.reached += want.iter().filter(|w| have.contains(w)).count();
    }
    out
}

/// The dotted paths of an event's values (`source.ip`), lists and their items as one path.
pub fn leaf_paths(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Value)> = vec![(String::new(), doc)];
    while let Some((path, v)) = stack.pop() {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    stack.push((p, v));
                }
            }
            _ if !path.is_empty() => out.push(path),
            _ => {}
        }
    }
    out.sort();
    out
}

/// One corpus file's result.
#[derive(Clone, Debug, Serialize)]
pub struct FileScore {
    /// The file's name without `.log`.
    pub name: String,
    /// Lines (expected events).
    pub lines: usize,
    /// Lines some generated rule normalized.
    pub normalized: usize,
    /// Why nothing could be scored, if so (generation failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// Counts per bucket.
    pub buckets: BTreeMap<String, Counts>,
    /// Addresses and account names that reach any field.
    pub reach: Reach,
}

/// Totals over a set of files.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Files.
    pub files: usize,
    /// Lines.
    pub lines: usize,
    /// Counts per bucket.
    pub buckets: BTreeMap<String, Counts>,
    /// Over every bucket.
    pub total: Counts,
    /// Precision over every bucket.
    pub precision: Option<f64>,
    /// Recall over every bucket.
    pub recall: Option<f64>,
    /// Addresses and account names that reach any field.
    pub reach: Reach,
    /// reached ÷ expected.
    pub reach_share: Option<f64>,
}

impl Totals {
    /// The totals of these files.
    pub fn of<'a>(files: impl IntoIterator<Item = &'a FileScore>) -> Totals {
        let mut t = Totals::default();
        for f in files {
            t.files += 1;
            t.lines += f.lines;
            for (b, c) in &f.buckets {
                t.buckets.entry(b.clone()).or_default().add(c);
                t.total.add(c);
            }
            t.reach.add(&f.reach);
        }
        t.precision = t.total.precision();
        t.recall = t.total.recall();
        t.reach_share = t.reach.share();
        t
    }
}

/// An ECS field of the corpus that no crosswalk row covers, with the lines that state it.
#[derive(Clone, Debug, Serialize)]
pub struct Uncovered {
    /// The dotted ECS field.
    pub field: String,
    /// Lines of the corpus that state it.
    pub lines: usize,
}

/// The ECS fields of these events no crosswalk row covers, most frequent first. Fields that are
/// the corpus's bookkeeping rather than the event's (`event.*` metadata of the shipper, `ecs.*`,
/// `agent.*`, `fileset.*`, `input.*`, `service.type`, `log.*` offsets) count too: a reader sees
/// what the crosswalk leaves out.
pub fn uncovered<'a>(events: impl IntoIterator<Item = &'a Value>) -> Vec<Uncovered> {
    let covered = covered();
    let mut n: BTreeMap<String, usize> = BTreeMap::new();
    for e in events {
        for p in leaf_paths(e) {
            if !covered.contains(&p.as_str()) {
                *n.entry(p).or_default() += 1;
            }
        }
    }
    let mut out: Vec<Uncovered> = n
        .into_iter()
        .map(|(field, lines)| Uncovered { field, lines })
        .collect();
    out.sort_by(|a, b| b.lines.cmp(&a.lines).then(a.field.cmp(&b.field)));
    out
}

/// The report of `normforge eval ecs`.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The scored buckets.
    pub buckets: Vec<Bucket>,
    /// Per file (sealed files left out).
    pub files: Vec<FileScore>,
    /// Over every file, sealed ones included.
    pub total: Totals,
    /// Over the files not sealed, when some are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<Totals>,
    /// Over the sealed files, when some are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sealed: Option<Totals>,
    /// ECS fields of the corpus no crosswalk row covers (those of sealed files left out).
    pub uncovered: Vec<Uncovered>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_crosswalk_has_the_eight_buckets() {
        let names: Vec<String> = buckets().into_iter().map(|b| b.name).collect();
        assert_eq!(
            names,
            ["src.ip", "src.port", "dst.ip", "dst.port", "account", "time", "status", "protocol"]
        );
        let account = buckets().into_iter().find(|b| b.name == "account").unwrap();
        assert_eq!(
            account.fields,
            ["subject.account.name", "object.account.name"]
        );
    }

    #[test]
    fn times_compare_in_utc_without_the_year() {
        let t = |s: &str| compared(&json!(s), Compare::Time);
        assert_eq!(
            t("2016-12-26T16:22:14.000Z").as_deref(),
            Some("12-26T16:22:14")
        );
        assert_eq!(
            t("2017-05-29T19:02:48.000-02:00").as_deref(),
            Some("05-29T21:02:48")
        );
        assert_eq!(
            t("2024-12-31 23:30:00+0100").as_deref(),
            Some("12-31T22:30:00")
        );
        assert_eq!(
            t("2024-03-01T00:30:00+01:00").as_deref(),
            Some("02-29T23:30:00")
        );
        assert_eq!(t("2024-03-01").as_deref(), Some("03-01T00:00:00"));
        assert_eq!(t("nonsense"), None);
    }

    #[test]
    fn a_line_counts_where_its_expected_event_states_the_bucket() {
        let b = buckets();
        let expected = vec![
            json!({"source": {"ip": "10.0.0.1", "port": 22}, "event": {"outcome": "unknown"}}),
            json!({"user": {"name": "Alice", "target": {"name": "bob"}}, "network": {"transport": "tcp"}}),
            json!({"message": "nothing shared"}),
        ];
        let mut got = BTreeMap::new();
        got.insert(
            1,
            json!({"src.ip": "10.0.0.1", "src.port": 2222, "status": "success"})
                .as_object()
                .unwrap()
                .clone(),
        );
        got.insert(
            2,
            json!({"subject.account.name": "alice", "protocol": "6"})
                .as_object()
                .unwrap()
                .clone(),
        );
        got.insert(
            3,
            json!({"src.ip": "10.9.9.9"}).as_object().unwrap().clone(),
        );
        let s = score(&b, &expected, &got);
        let c = |n: &str| s[n];
        assert_eq!(
            c("src.ip"),
            Counts {
                generated: 1,
                correct: 1,
                expected: 1,
                found: 1
            }
        );
        assert_eq!(
            c("src.port"),
            Counts {
                generated: 1,
                correct: 0,
                expected: 1,
                found: 0
            }
        );
        // `unknown` is no outcome: the line does not count for status.
        assert_eq!(c("status"), Counts::default());
        assert_eq!(
            c("account"),
            Counts {
                generated: 1,
                correct: 1,
                expected: 2,
                found: 1
            }
        );
        assert_eq!(
            c("protocol"),
            Counts {
                generated: 1,
                correct: 1,
                expected: 1,
                found: 1
            }
        );
    }

    #[test]
    fn uncovered_fields_are_counted_by_line() {
        let ev = [
            json!({"source": {"ip": "1.2.3.4"}, "http": {"request": {"method": "GET"}}}),
            json!({"http": {"request": {"method": "POST"}}, "tags": ["a", "b"]}),
        ];
        let u = uncovered(ev.iter());
        assert_eq!(u[0].field, "http.request.method");
        assert_eq!(u[0].lines, 2);
        assert!(u.iter().all(|x| x.field != "source.ip"));
        assert!(u.iter().any(|x| x.field == "tags"));
    }
}
