//! formula.xp from a head and an assignment, in the experts' order (header, COND, helpers,
//! classification, fields, event source, id), printed by the formatter.

use field_assign::{Assignment, Source};

/// Fields written first, in this order (the experts' habit).
const FIRST: &[&str] = &["subject", "action", "object", "status"];
/// Fields written last before `id`.
const LAST_PREFIXES: &[&str] = &["category.", "importance", "event_src."];

fn value(s: &Source) -> String {
    match s {
        Source::Expr(e) => e.clone(),
        Source::Const(c) => xp_syntax::printer::quote_str(c, '"'),
    }
}

/// The formula text (formatted); `Err` with the parser's messages when it does not parse.
pub fn formula(comment: &str, head: &str, a: &Assignment, id: &str) -> Result<String, String> {
    let mut src = String::new();
    for line in comment.lines() {
        src.push_str(&format!("# {line}\n"));
    }
    src.push_str(head.trim_end());
    src.push_str("\n\n");
    for p in &a.prelude {
        src.push_str(p);
        src.push('\n');
    }
    if !a.prelude.is_empty() {
        src.push('\n');
    }
    let order = |f: &str| {
        if let Some(i) = FIRST.iter().position(|x| *x == f) {
            (0, i, f.to_string())
        } else if let Some(i) = LAST_PREFIXES.iter().position(|p| f.starts_with(p)) {
            (2, i, f.to_string())
        } else {
            (1, 0, f.to_string())
        }
    };
    let mut fields: Vec<_> = a.fields.iter().collect();
    fields.sort_by_key(|x| order(&x.field));
    let mut group = None;
    for f in fields {
        let g = order(&f.field).0;
        if group.is_some_and(|x| x != g) {
            src.push('\n');
        }
        group = Some(g);
        src.push_str(&format!("{} = {}\n", f.field, value(&f.source)));
    }
    src.push_str(&format!(
        "\nid = {}\n",
        xp_syntax::printer::quote_str(id, '"')
    ));
    let (parsed, diags) = xp_syntax::parser::parse_formula(&src);
    if let Some(d) = diags.iter().find(|d| d.is_error()) {
        return Err(d.render("formula.xp", &src));
    }
    Ok(xp_syntax::printer::print_formula(&parsed))
}
