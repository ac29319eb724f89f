//! Tokens of a log message: whitespace-separated words, punctuation kept inside them.

/// Splits on runs of whitespace as XP's TEXT matcher sees it ([`is_space`]).
pub fn tokenize(text: &str) -> Vec<&str> {
    text.split(is_space).filter(|w| !w.is_empty()).collect()
}

/// A token separator: the whitespace a TEXT template's space matches (space, tab, CR, LF,
/// vertical tab, form feed). A no-break space or another Unicode space is part of a word, so
/// a template written from the tokens matches the line it came from.
pub fn is_space(c: char) -> bool {
    xp_eval::text::tokens::is_ws_char(c)
}

/// Characters that separate the parts of a token (`key=value`, `a:b`, `(x)`, `x,`).
pub fn is_delimiter(c: char) -> bool {
    matches!(
        c,
        '=' | ':'
            | ','
            | '-'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '<'
            | '>'
            | '\''
            | '"'
            | '@'
            | '/'
            | '#'
            | ';'
            | '|'
            | '&'
            | '$'
            | '*'
            | '!'
            | '?'
            | '+'
            | '\\'
            | '`'
            | '^'
            | '~'
    )
}

/// Splits a token into alternating runs of delimiters and other characters, e.g.
/// `uid=0,` → `["uid", "=", "0", ","]`.
pub fn atoms(token: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_delim: Option<bool> = None;
    let mut i = 0;
    while i < token.len() {
        // A mask is an atom of its own.
        if token[i..].starts_with("<*>") {
            if start < i {
                out.push(&token[start..i]);
            }
            out.push(&token[i..i + 3]);
            i += 3;
            start = i;
            prev_delim = None;
            continue;
        }
        let c = token[i..].chars().next().unwrap_or(' ');
        let d = is_delimiter(c);
        if let Some(p) = prev_delim {
            // Delimiters are atoms of one character each; other runs stay whole.
            if (p != d || d) && start < i {
                out.push(&token[start..i]);
                start = i;
            }
        }
        prev_delim = Some(d);
        i += c.len_utf8();
    }
    if start < token.len() {
        out.push(&token[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoms_split_at_delimiters() {
        assert_eq!(atoms("uid=0,"), vec!["uid", "=", "0", ","]);
        assert_eq!(atoms("()"), vec!["(", ")"]);
        assert_eq!(atoms("[203.0.113.7]"), vec!["[", "203.0.113.7", "]"]);
        assert_eq!(atoms("word"), vec!["word"]);
        assert_eq!(atoms("rhost=<*>"), vec!["rhost", "=", "<*>"]);
    }
}
