//! Writing literal text into a TEXT template: `{` and `}` (which would open a group) are
//! written as quoted literals `{"{"}`; whitespace runs become one space (which matches any
//! run of whitespace).

/// Literal template text for `s`.
pub fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut ws = false;
    for c in s.chars() {
        if c.is_whitespace() {
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
