//! Records whose fields are written without their names (a CSV token, `$csv[7]`): a field's
//! name comes from the documented layout its record matches (`schema/record-layouts.tsv`:
//! PAN-OS traffic logs name field 7 `src`, field 24 `sport`); a field of no known layout has no
//! name (its place says nothing a table knows).

/// The CSV capture of a TEXT head (`$csv` of `{$csv=CSV(",", "\"")}`), if it has one.
fn csv_capture(head: &str) -> Option<&str> {
    let at = head.find("=CSV(")?;
    let open = head[..at].rfind("{$")?;
    Some(&head[open + 1..at])
}

/// The field index of a column expression of `capture` (`$csv[7]` → 7).
fn index_of(capture: &str, expr: &str) -> Option<usize> {
    expr.strip_prefix(capture)?
        .strip_prefix('[')?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// The row of `schema/record-layouts.tsv` whose `when` every sampled record satisfies: the
/// column expressions and their values per member.
pub(crate) fn layout(
    head: &str,
    exprs: &[String],
    values: &[Vec<Option<String>>],
) -> Option<usize> {
    let capture = csv_capture(head)?;
    let field = |i: usize| {
        exprs
            .iter()
            .position(|e| index_of(capture, e) == Some(i))
            .map(|p| &values[p])
    };
    crate::tsv::table("record-layouts").data().position(|row| {
        let Some((i, text)) = row[1].split_once('=') else {
            return false;
        };
        let Ok(i) = i.parse::<usize>() else {
            return false;
        };
        field(i)
            .is_some_and(|vals| !vals.is_empty() && vals.iter().all(|v| v.as_deref() == Some(text)))
    })
}

/// The name a layout gives the column `expr` of a record, or `""` for a column of a record no
/// layout knows: `None` for an expression that is no record column.
pub(crate) fn column(head: &str, expr: &str, layout: Option<usize>) -> Option<String> {
    let capture = csv_capture(head)?;
    let i = index_of(capture, expr)?;
    let name = layout.and_then(|l| {
        let row = crate::tsv::table("record-layouts").data().nth(l)?;
        row[2].split(',').nth(i).map(str::to_string)
    });
    Some(name.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_by_their_layout() {
        let head =
            r#"TEXT = '<{$pri=NUMBER}>{$time=DATETIME} {$host=HOSTNAME} {$csv=CSV(",", "\"")}'"#;
        let exprs: Vec<String> = (0..8).map(|i| format!("$csv[{i}]")).collect();
        let mut values = vec![vec![Some("x".to_string())]; 8];
        values[3] = vec![Some("TRAFFIC".to_string())];
        let l = layout(head, &exprs, &values);
        assert!(l.is_some());
        assert_eq!(column(head, "$csv[7]", l).as_deref(), Some("src"));
        assert_eq!(column(head, "$csv[0]", l).as_deref(), Some(""));
        values[3] = vec![Some("SYSTEM".to_string())];
        let none = layout(head, &exprs, &values);
        assert_eq!(none, None);
        assert_eq!(column(head, "$csv[7]", none).as_deref(), Some(""));
        assert_eq!(column(head, "$time", l), None);
    }
}
