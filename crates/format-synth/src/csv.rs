//! Comma-separated records that make a whole TEXT body: the CSV token.
//!
//! When every member's body is a record of at least [`MIN_FIELDS`] comma-separated fields (a
//! firewall's traffic log over syslog, PAN-OS `1,2025/03/10 08:50:01,012801012345,TRAFFIC,…`),
//! the body becomes one `{$csv=CSV(",", "\"")}` token: fields with spaces, empty fields and
//! records of different lengths all match, and the XP code reads a field with `$csv[i]`.
//! Fields with the same text in every member are offered as COND terms
//! (`$csv[3] == "TRAFFIC"`) to tell this cluster from others of the same shape.

use xp_eval::builtins::csv::split_csv;

/// Fewest fields that make a record.
pub const MIN_FIELDS: usize = 8;

/// Longest first field of a record (a time, a number, a word; not a sentence).
const MAX_FIRST: usize = 40;

/// Most fields read as columns of a record.
pub const MAX_FIELDS: usize = 128;

/// A record found in every member.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvRun {
    /// `(index, text)` of the fields with the same text in every member, not empty.
    pub constants: Vec<(usize, String)>,
    /// Most fields of a member.
    pub width: usize,
}

/// The fields of a record body.
pub fn fields(body: &str) -> Vec<String> {
    split_csv(body, ",", Some('"'))
}

/// Whether `body` reads as one record: enough fields, and commas that separate fields rather
/// than clauses of prose (few are followed by a space).
fn is_record(body: &str) -> bool {
    let commas = body.matches(',').count();
    let spaced = body.matches(", ").count();
    commas + 1 >= MIN_FIELDS && spaced * 10 <= commas && !body.contains('\n')
}

/// The record every member's body is, if each is one.
pub fn find(members: &[&str]) -> Option<CsvRun> {
    if members.is_empty() || !members.iter().all(|m| is_record(m)) {
        return None;
    }
    let rows: Vec<Vec<String>> = members.iter().map(|m| fields(m)).collect();
    // Records of one type have one width; a first field is a value, not a line's prose lead
    // before some list that happens to hold commas.
    let width0 = rows[0].len();
    if rows
        .iter()
        .any(|r| r.len() < MIN_FIELDS || r.len() != width0 || r[0].len() > MAX_FIRST)
    {
        return None;
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut constants = Vec::new();
    if members.len() > 1 {
        for (i, v) in rows[0].iter().enumerate().take(MAX_FIELDS) {
            if !v.is_empty() && rows[1..].iter().all(|r| r.get(i) == Some(v)) {
                constants.push((i, v.clone()));
            }
        }
    }
    Some(CsvRun { constants, width })
}

impl CsvRun {
    /// The token for a capture `name`.
    pub fn token(name: &str) -> String {
        let q = xp_syntax::template::quote_template_lit;
        format!("{{${name}=CSV({}, {})}}", q(","), q("\""))
    }

    /// COND terms for a CSV variable `name`: fields with one text in every member, words first.
    /// The flag tells a term that pins a number (a count, an id), to be used only when nothing
    /// else separates.
    pub fn cond_terms(&self, name: &str) -> Vec<(String, bool)> {
        let mut terms: Vec<(String, bool)> = self
            .constants
            .iter()
            .map(|(i, v)| {
                let numeric = v.bytes().any(|b| b.is_ascii_digit());
                (
                    format!("${name}[{i}] == {}", xp_syntax::quote_str(v, '"')),
                    numeric,
                )
            })
            .collect();
        terms.sort_by_key(|(_, n)| *n);
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_their_constant_fields() {
        let m = [
            "1,2025/03/10 08:50:01,0128,TRAFFIC,end,10.1.1.5,93.184.216.34,acme\\alice,,ssl",
            "1,2025/03/10 08:50:04,0128,TRAFFIC,end,10.1.1.6,198.51.100.53,acme\\bob,,dns",
        ];
        let run = find(&m).unwrap();
        assert_eq!(run.width, 10);
        assert!(run.constants.contains(&(3, "TRAFFIC".into())));
        assert!(!run.constants.iter().any(|(i, _)| *i == 8));
        assert_eq!(run.cond_terms("csv")[0].0, "$csv[3] == \"TRAFFIC\"");
        // Prose with commas is no record; neither is a short list.
        assert!(find(&["one, two, three, four, five, six, seven, eight, nine"]).is_none());
        assert!(find(&["a,b,c"]).is_none());
    }
}
