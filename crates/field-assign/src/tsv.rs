//! The knowledge tables of `schema/*.tsv`, embedded and read once.
//!
//! A table is UTF-8 text: `#` comment lines and blank lines are skipped; the first other line is
//! the header naming the columns, the last of which is `source`: where the row's knowledge comes
//! from ([`is_source`]). Every row has the header's cells (empty ones written out), split at
//! tabs, trailing spaces and the line end removed.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every knowledge table of `schema/`, by name (the file name without `.tsv`).
pub const TABLES: &[(&str, &str)] = &[
    (
        "account-phrases",
        include_str!("../../../schema/account-phrases.tsv"),
    ),
    (
        "address-marks",
        include_str!("../../../schema/address-marks.tsv"),
    ),
    ("categories", include_str!("../../../schema/categories.tsv")),
    (
        "direction-words",
        include_str!("../../../schema/direction-words.tsv"),
    ),
    (
        "ecs-crosswalk",
        include_str!("../../../schema/ecs-crosswalk.tsv"),
    ),
    (
        "event-words",
        include_str!("../../../schema/event-words.tsv"),
    ),
    (
        "http-status-classes",
        include_str!("../../../schema/http-status-classes.tsv"),
    ),
    (
        "instance-fields",
        include_str!("../../../schema/instance-fields.tsv"),
    ),
    (
        "ip-protocols",
        include_str!("../../../schema/ip-protocols.tsv"),
    ),
    (
        "key-conflicts",
        include_str!("../../../schema/key-conflicts.tsv"),
    ),
    (
        "key-lexicon",
        include_str!("../../../schema/key-lexicon.tsv"),
    ),
    ("key-roles", include_str!("../../../schema/key-roles.tsv")),
    ("key-words", include_str!("../../../schema/key-words.tsv")),
    (
        "linux-audit-records",
        include_str!("../../../schema/linux-audit-records.tsv"),
    ),
    (
        "linux-errno",
        include_str!("../../../schema/linux-errno.tsv"),
    ),
    (
        "linux-pam-operations",
        include_str!("../../../schema/linux-pam-operations.tsv"),
    ),
    (
        "linux-socket-calls",
        include_str!("../../../schema/linux-socket-calls.tsv"),
    ),
    (
        "linux-syscalls-x86_64",
        include_str!("../../../schema/linux-syscalls-x86_64.tsv"),
    ),
    (
        "message-classes",
        include_str!("../../../schema/message-classes.tsv"),
    ),
    (
        "ocsf-crosswalk",
        include_str!("../../../schema/ocsf-crosswalk.tsv"),
    ),
    (
        "outcome-words",
        include_str!("../../../schema/outcome-words.tsv"),
    ),
    (
        "placeholders",
        include_str!("../../../schema/placeholders.tsv"),
    ),
    (
        "record-layouts",
        include_str!("../../../schema/record-layouts.tsv"),
    ),
    (
        "severity-words",
        include_str!("../../../schema/severity-words.tsv"),
    ),
    (
        "source-signatures",
        include_str!("../../../schema/source-signatures.tsv"),
    ),
    (
        "unix-programs",
        include_str!("../../../schema/unix-programs.tsv"),
    ),
    (
        "windows-events",
        include_str!("../../../schema/windows-events.tsv"),
    ),
];

/// One table.
#[derive(Debug)]
pub struct Table {
    /// Its name (`key-roles`).
    pub name: &'static str,
    /// The header's column names, `source` last.
    pub columns: Vec<&'static str>,
    /// The data rows in file order.
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Debug)]
pub struct Row {
    /// Its 1-based line number in the file.
    pub line: usize,
    /// Its cells, as many as the header has columns when the table is well formed.
    pub cells: Vec<&'static str>,
}

impl Row {
    /// Cell `i`, empty when the row is short.
    pub fn cell(&self, i: usize) -> &'static str {
        self.cells.get(i).copied().unwrap_or("")
    }

    /// Where the row comes from (its last cell).
    pub fn source(&self) -> &'static str {
        self.cells.last().copied().unwrap_or("")
    }
}

impl Table {
    /// The data cells of each row (the `source` cell left out), in file order.
    pub fn data(&self) -> impl Iterator<Item = &[&'static str]> + '_ {
        let n = self.columns.len().saturating_sub(1);
        self.rows
            .iter()
            .map(move |r| &r.cells[..n.min(r.cells.len())])
    }

    /// What is wrong with the table, if anything: a header without `source` last, a row whose
    /// cells are not the header's, a source that names no provenance.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.columns.last() != Some(&"source") {
            out.push(format!(
                "{}: the header's last column is not `source`",
                self.name
            ));
        }
        for r in &self.rows {
            if r.cells.len() != self.columns.len() {
                out.push(format!(
                    "{}.tsv:{}: {} cells where the header has {}",
                    self.name,
                    r.line,
                    r.cells.len(),
                    self.columns.len()
                ));
            } else if !is_source(r.source()) {
                out.push(format!(
                    "{}.tsv:{}: `{}` names no provenance (see schema/README.md)",
                    self.name,
                    r.line,
                    r.source()
                ));
            }
        }
        out
    }
}

/// Parses a table's text.
pub fn parse(name: &'static str, text: &'static str) -> Table {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let cells = l
                .trim_end_matches(['\r', '\n'])
                .split('\t')
                .map(str::trim_end)
                .collect::<Vec<_>>();
            (i + 1, cells)
        });
    let columns = lines.next().map(|(_, c)| c).unwrap_or_default();
    Table {
        name,
        columns,
        rows: lines.map(|(line, cells)| Row { line, cells }).collect(),
    }
}

/// The table `name` (`key-roles`), parsed on first use. Panics on a name [`TABLES`] lacks: the
/// tables are part of the program, and a test reads every one.
pub fn table(name: &str) -> &'static Table {
    static ALL: OnceLock<BTreeMap<&'static str, Table>> = OnceLock::new();
    ALL.get_or_init(|| TABLES.iter().map(|(n, t)| (*n, parse(n, t))).collect())
        .get(name)
        .unwrap_or_else(|| panic!("no table schema/{name}.tsv"))
}

/// Whether a `source` cell names a provenance: `ecs:<field>` or `ocsf:<attribute>` (a public
/// schema's field), `doc:<name>` (a vendor's or project's documentation), `rfc:<number>`,
/// `man:<page>(<section>)`, `kernel:<path>` (the Linux source tree), `english` (a word's
/// dictionary meaning), `taxonomy` (our taxonomy's own names) or `corpus:kb-dev` (learned from
/// the expert corpus we evaluate on: suspect, kept only where nothing public states it).
pub fn is_source(s: &str) -> bool {
    let name = |t: &str, extra: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c) || extra.contains(c))
    };
    match s.split_once(':') {
        Some(("ecs", f)) => name(f, "@"),
        Some(("ocsf", f)) => name(f, ""),
        Some(("doc", d)) => name(d, "") && d.chars().all(|c| !c.is_ascii_uppercase()),
        Some(("rfc", n)) => !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()),
        Some(("man", p)) => p
            .strip_suffix(')')
            .and_then(|p| p.split_once('('))
            .is_some_and(|(page, sec)| name(page, "") && name(sec, "")),
        Some(("kernel", p)) => name(p, "/"),
        Some(("corpus", "kb-dev" | "samples")) => true,
        None => matches!(s, "english" | "taxonomy"),
        _ => false,
    }
}

/// Runs an XP expression as the value of `field` in a JSON rule on a raw event: the field's
/// text, `None` when the expression leaves it unset. Panics when the rule does not compile or
/// match (for tests).
#[cfg(test)]
pub(crate) fn run_field(prelude: &str, field: &str, expr: &str, raw: &str) -> Option<String> {
    let src = format!("JSON = ''\n{prelude}{field} = {expr}\n");
    let rule = xp_eval::Rule::compile(&src, Default::default()).expect(&src);
    match rule.normalize(raw, &xp_eval::RunOptions::default()) {
        Ok(xp_eval::Outcome::Normalized(e)) => e.get(field).and_then(|v| v.to_text()),
        other => panic!("{src}: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_has_a_header_and_rows_without_comments_or_blanks() {
        let t = parse("t", "# head\na\tsource\n\nb\tdoc:x \nc\td\r\n");
        assert_eq!(t.columns, ["a", "source"]);
        let rows: Vec<(usize, Vec<&str>)> =
            t.rows.iter().map(|r| (r.line, r.cells.clone())).collect();
        assert_eq!(rows, vec![(4, vec!["b", "doc:x"]), (5, vec!["c", "d"])]);
        assert_eq!(
            t.problems(),
            ["t.tsv:5: `d` names no provenance (see schema/README.md)"]
        );
    }

    #[test]
    fn every_table_is_well_formed_and_says_where_each_row_comes_from() {
        let problems: Vec<String> = TABLES
            .iter()
            .flat_map(|(n, _)| table(n).problems())
            .collect();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        let files: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema"))
                .unwrap()
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|f| f.strip_suffix(".tsv").map(str::to_string))
                .filter(|f| f != "taxonomy")
                .collect();
        for f in files {
            assert!(
                TABLES.iter().any(|(n, _)| *n == f),
                "schema/{f}.tsv is not in TABLES"
            );
        }
    }

    #[test]
    fn provenances() {
        for ok in [
            "ecs:source.ip",
            "ecs:@timestamp",
            "ocsf:src_endpoint",
            "doc:linux-audit",
            "rfc:5424",
            "man:connect(2)",
            "kernel:include/uapi/linux/audit.h",
            "english",
            "corpus:kb-dev",
        ] {
            assert!(is_source(ok), "{ok}");
        }
        for bad in [
            "",
            "doc:",
            "doc:Linux",
            "rfc:x",
            "man:connect",
            "corpus:vendor",
            "ours",
        ] {
            assert!(!is_source(bad), "{bad}");
        }
    }
}
