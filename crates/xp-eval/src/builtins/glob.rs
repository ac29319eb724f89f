//! Glob patterns of `replace()` and `match()`: `?` one character, `*` any run within a line
//! (greedy; it does not cross line breaks),
//! `[abc]`, `[a-z]`, `[!a-z]` classes, `\x` a literal `x`. Compiled to a regular expression.

use regex::Regex;

/// Compiles a glob; `anchored` for whole-string matching.
pub fn compile(glob: &str, anchored: bool) -> Option<Regex> {
    let mut re = String::with_capacity(glob.len() * 2 + 8);

    if anchored {
        re.push('^');
    }
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '?' => re.push('.'),
            '*' => re.push_str(".*"),
            '\\' => match chars.next() {
                Some(e) => re.push_str(&regex::escape(&e.to_string())),
                None => re.push_str("\\\\"),
            },
            '[' => {
                let mut class = String::from("[");
                let mut closed = false;
                if chars.peek() == Some(&'!') {
                    chars.next();
                    class.push('^');
                }
                let mut first = true;
                for d in chars.by_ref() {
                    if d == ']' && !first {
                        closed = true;
                        break;
                    }
                    first = false;
                    match d {
                        '\\' | '[' | '^' | '&' | '~' => {
                            class.push('\\');
                            class.push(d);
                        }
                        '-' => class.push('-'),
                        _ => class.push(d),
                    }
                }
                if !closed {
                    return None;
                }
                class.push(']');
                re.push_str(&class);
            }
            _ => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    if anchored {
        re.push('$');
    }
    Regex::new(&re).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let r = compile("[\r\n\t]", false).unwrap();
        assert_eq!(r.replace_all("a\r\nb\tc", ""), "abc");
        let r = compile("TerminatingError(*", false).unwrap();
        assert_eq!(r.replace_all("x TerminatingError(y): z", ""), "x ");
        let r = compile("CommandInvocation(*):", false).unwrap();
        assert_eq!(
            r.replace_all(
                "CommandInvocation(Get-Date): \"x\"\r\nParameterBinding(Get-Date): n",
                " |"
            ),
            " | \"x\"\r\nParameterBinding(Get-Date): n"
        );
        assert!(compile("a?c", true).unwrap().is_match("abc"));
        assert!(compile("[!a-z]", true).unwrap().is_match("1"));
    }
}
