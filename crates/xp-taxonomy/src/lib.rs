//! The taxonomy of normalized fields: which fields exist and what type each holds.
//!
//! The data is `schema/taxonomy.tsv`, embedded at build time so every binary carries the same
//! taxonomy. [`Taxonomy::embedded`] parses it once.
#![deny(missing_docs)]

use std::collections::HashMap;
use std::sync::OnceLock;

/// Members of a SIEM transport envelope (`{"body": "<event>", "recv_ipv4": …}`) besides
/// `body`: the collector's, not the source's. The normalizer reads them as bare identifiers;
/// ingest recognises an envelope by them.
pub const ENVELOPE_NAMES: &[&str] = &[
    "recv_ipv4",
    "recv_ipv6",
    "recv_time",
    "recv_host",
    "uuid",
    "tag",
    "task_id",
    "input_id",
    "mime",
    "normalized",
];

/// The type of a normalized field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Text.
    String,
    /// Integer, emitted as a JSON number.
    Number,
    /// IP address, canonical text.
    Ip,
    /// Instant, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    Datetime,
    /// MAC address, `A1:F6:33:4D:21:56`.
    Mac,
}

impl FieldType {
    /// From the name used in the TSV.
    pub fn from_name(s: &str) -> Option<FieldType> {
        Some(match s {
            "string" => FieldType::String,
            "number" => FieldType::Number,
            "ip" => FieldType::Ip,
            "datetime" => FieldType::Datetime,
            "mac" => FieldType::Mac,
            _ => return None,
        })
    }

    /// The name used in the TSV.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Number => "number",
            FieldType::Ip => "ip",
            FieldType::Datetime => "datetime",
            FieldType::Mac => "mac",
        }
    }
}

/// One field of the taxonomy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Dotted name.
    pub name: String,
    /// Its type.
    pub ty: FieldType,
    /// One line on what it holds.
    pub description: String,
    /// Where the row comes from: `corpus:kb-dev` (seen in the expert corpus) or
    /// `doc:maxpatrol-taxonomy` (the SIEM's published field naming).
    pub source: String,
}

/// A set of fields by name.
#[derive(Clone, Debug, Default)]
pub struct Taxonomy {
    fields: Vec<Field>,
    by_name: HashMap<String, usize>,
}

/// The text of `schema/taxonomy.tsv`.
pub const TAXONOMY_TSV: &str = include_str!("../../../schema/taxonomy.tsv");

/// A line of the TSV that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsvError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Taxonomy {
    /// The embedded taxonomy (parsed once).
    pub fn embedded() -> &'static Taxonomy {
        static T: OnceLock<Taxonomy> = OnceLock::new();
        T.get_or_init(|| {
            Taxonomy::parse(TAXONOMY_TSV)
                .expect("schema/taxonomy.tsv is checked by the crate's tests")
        })
    }

    /// Parses TSV text: `#` comments, then the header `field\ttype\tdescription\tsource`, then
    /// rows.
    pub fn parse(text: &str) -> Result<Taxonomy, TsvError> {
        let mut t = Taxonomy::default();
        let mut seen_header = false;
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            if line.trim().is_empty() || (!seen_header && line.starts_with('#')) {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if !seen_header {
                if cols != ["field", "type", "description", "source"] {
                    return Err(TsvError {
                        line: line_no,
                        message: "expected the header `field\\ttype\\tdescription\\tsource`".into(),
                    });
                }
                seen_header = true;
                continue;
            }
            if cols.len() != 4 || cols[3].is_empty() {
                return Err(TsvError {
                    line: line_no,
                    message: format!("expected 4 columns, a source last, found {}", cols.len()),
                });
            }
            let ty = FieldType::from_name(cols[1]).ok_or_else(|| TsvError {
                line: line_no,
                message: format!("unknown type `{}`", cols[1]),
            })?;
            if t.by_name.contains_key(cols[0]) {
                return Err(TsvError {
                    line: line_no,
                    message: format!("duplicate field `{}`", cols[0]),
                });
            }
            t.by_name.insert(cols[0].to_string(), t.fields.len());
            t.fields.push(Field {
                name: cols[0].to_string(),
                ty,
                description: cols[2].to_string(),
                source: cols[3].to_string(),
            });
        }
        if !seen_header {
            return Err(TsvError {
                line: 1,
                message: "no header line".into(),
            });
        }
        Ok(t)
    }

    /// The field of that name.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.by_name.get(name).map(|&i| &self.fields[i])
    }

    /// The type of a field; `None` for a field outside the taxonomy.
    pub fn type_of(&self, name: &str) -> Option<FieldType> {
        self.get(name).map(|f| f.ty)
    }

    /// All fields in file order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_taxonomy_parses_and_types_known_fields() {
        let t = Taxonomy::embedded();
        assert!(t.fields().len() > 138);
        assert_eq!(t.type_of("src.port"), Some(FieldType::Number));
        assert_eq!(t.type_of("time"), Some(FieldType::Datetime));
        assert_eq!(t.type_of("src.ip"), Some(FieldType::Ip));
        assert_eq!(t.type_of("subject.process.id"), Some(FieldType::String));
        assert_eq!(t.type_of("no.such.field"), None);
    }

    #[test]
    fn bad_rows_are_reported_with_line() {
        let e =
            Taxonomy::parse("field\ttype\tdescription\tsource\nx\tbogus\td\tdoc:x\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
