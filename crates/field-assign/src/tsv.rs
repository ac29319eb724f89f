//! The embedded `schema/*.tsv` tables: data rows split at tabs, `#` comment lines and blank
//! lines skipped, the last cell without its line end.

/// The data rows of a table with their 1-based line numbers.
pub fn rows(text: &'static str) -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            (
                i + 1,
                l.trim_end_matches(['\r', '\n'])
                    .split('\t')
                    .map(str::trim_end)
                    .collect(),
            )
        })
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
    #[test]
    fn rows_skip_comments_and_blanks() {
        let rows: Vec<_> = super::rows("# head\na\tb \n\nc\td\r\n").collect();
        assert_eq!(rows, vec![(2, vec!["a", "b"]), (4, vec!["c", "d"])]);
    }
}
