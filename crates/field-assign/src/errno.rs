//! Linux error numbers (`schema/linux-errno.tsv`): a failed system call in an audit `SYSCALL`
//! record reports `exit=-N`, and the reason it failed is the message of error N.

/// `(number, message)` in table order.
fn table() -> &'static [(i64, &'static str)] {
    static T: std::sync::OnceLock<Vec<(i64, &'static str)>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        crate::tsv::table("linux-errno")
            .data()
            .filter_map(|c| Some((c.first()?.parse().ok()?, *c.get(2)?)))
            .collect()
    })
}

/// The message of a system call's negative return value (`-2` → "No such file or
/// directory"); `None` for a success value or an unknown error.
pub fn message(exit: &str) -> Option<&'static str> {
    let n: i64 = exit.trim().trim_matches('"').parse().ok()?;
    table().iter().find(|(k, _)| -n == *k).map(|(_, m)| *m)
}

/// The XP expression mapping `expr` (an `exit` value) to its message: a `switch` with one
/// case per known error, no match (a success) leaving the field unset.
pub fn switch_expr(expr: &str) -> String {
    let cases: Vec<String> = table()
        .iter()
        .map(|(n, m)| format!("case \"-{n}\" {}", xp_syntax::printer::quote_str(m, '"')))
        .collect();
    format!("switch {expr} {} endswitch", cases.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_of_negative_exits() {
        assert_eq!(message("-2"), Some("No such file or directory"));
        assert_eq!(message("-13"), Some("Permission denied"));
        assert_eq!(message("3"), None);
        assert_eq!(message("-9999"), None);
        assert_eq!(message("x"), None);
    }

    #[test]
    fn the_switch_runs_in_xp() {
        let kv = "$kv = keyvalue($msg, \" \", \"=\")\n";
        let run =
            |raw: &str| crate::tsv::run_field(kv, "reason", &switch_expr("$kv[\"exit\"]"), raw);
        assert_eq!(
            run(r#"{"msg": "success=no exit=-2"}"#).as_deref(),
            Some("No such file or directory")
        );
        assert_eq!(run(r#"{"msg": "success=yes exit=3"}"#), None);
    }
}
