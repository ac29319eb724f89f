//! TABULAR (normforge extension): `TABULAR = '<separator>'`; the raw event is the header line
//! followed by one data row (CSV quoting with `"`). Each column becomes `$<name>` (the header
//! name with characters other than letters, digits and `_` replaced by `_`), `$columns` is the
//! list of values and `$header` the list of names. An empty separator means: detect
//! (tab, `;`, `,`, `|`, whichever the header line has most of).

use std::sync::Arc;

use crate::input::Bindings;
use crate::value::{Str, Value};

/// Decodes header line + row.
pub fn decode_tabular(raw: &str, sep: &str) -> Result<Bindings, String> {
    let mut lines = raw.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .next()
        .ok_or("TABULAR event is empty: expected a header line and a data row")?;
    let row = lines
        .next()
        .ok_or("TABULAR event has no data row after its header line")?;
    if lines.next().is_some() {
        return Err("TABULAR event has more than one data row".into());
    }
    let sep = match sep.as_bytes() {
        [] => detect_separator(header),
        [b'\\', b't'] => b'\t',
        [c] => *c,
        _ => {
            return Err(format!(
                "TABULAR separator must be one character, found `{sep}`"
            ))
        }
    };
    let names = split(header, sep)?;
    let values = split(row, sep)?;
    if names.len() != values.len() {
        return Err(format!(
            "TABULAR row has {} columns but the header has {}",
            values.len(),
            names.len()
        ));
    }
    let mut b: Bindings = Vec::with_capacity(names.len() + 2);
    for (n, v) in names.iter().zip(values.iter()) {
        b.push((Str::from(sanitize(n)), Value::str(v)));
    }
    b.push((
        Str::new("columns"),
        Value::List(Arc::new(values.iter().map(|v| Value::str(v)).collect())),
    ));
    b.push((
        Str::new("header"),
        Value::List(Arc::new(names.iter().map(|v| Value::str(v)).collect())),
    ));
    Ok(b)
}

/// The separator a header line most likely uses.
pub fn detect_separator(header: &str) -> u8 {
    [b'\t', b';', b',', b'|']
        .into_iter()
        .max_by_key(|&c| header.bytes().filter(|&b| b == c).count())
        .unwrap_or(b',')
}

fn split(line: &str, sep: u8) -> Result<Vec<String>, String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(sep)
        .flexible(true)
        .from_reader(line.as_bytes());
    match r.records().next() {
        Some(Ok(rec)) => Ok(rec.iter().map(|s| s.trim().to_string()).collect()),
        Some(Err(e)) => Err(format!("bad TABULAR line: {e}")),
        None => Ok(Vec::new()),
    }
}

/// A column name as a variable name.
pub fn sanitize(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "_".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_by_name() {
        let b = decode_tabular(
            "date,src ip,\"user, name\"\n2025-01-01,192.0.2.1,\"doe, john\"",
            ",",
        )
        .unwrap();
        assert_eq!(b[1].0.as_str(), "src_ip");
        assert_eq!(b[2].1.to_text().unwrap(), "doe, john");
    }

    #[test]
    fn mismatched_columns_are_an_error() {
        assert!(decode_tabular("a,b\n1", ",").is_err());
    }
}
