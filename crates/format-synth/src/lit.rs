//! Writing literal text into a TEXT template: `{` and `}` (which would open a group) are
//! written as quoted literals `{"{"}`; runs of the matcher's whitespace become one space (which matches any
//! run of it); other spaces (no-break, Unicode) are literal characters.

/// Literal template text for `s`.
pub fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut ws = false;
    for c in s.chars() {
        if xp_eval::text::tokens::is_ws_char(c) {
            if !ws {
                out.push(' ');
            }
            ws = true;
            continue;
        }
        ws = false;
        match c {
            '{' => out.push_str("{\"{\"}"),
            '}' => out.push_str("{\"}\"}"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn braces_are_quoted() {
        assert_eq!(super::literal("a {b}  c"), "a {\"{\"}b{\"}\"} c");
    }
}
