//! The XP lexer: source text to tokens with spans. Never fails: problems become diagnostics
//! and the lexer goes on after them.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Token kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// Dotted identifier: a field (`subject.account.name`), keyword-like word or function name.
    Ident(String),
    /// `$name`.
    Var(String),
    /// String literal with escapes processed; `quote` is `'` or `"`.
    Str {
        /// The value.
        value: String,
        /// The quote used.
        quote: char,
    },
    /// Integer literal.
    Int(i64),
    /// Punctuation or operator.
    Punct(&'static str),
    /// A comment, text after `#` (without it).
    Comment(String),
    /// End of a line.
    Newline,
    /// End of input.
    Eof,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// Kind and payload.
    pub tok: Tok,
    /// Byte span in the source.
    pub span: Span,
}

const PUNCTS: &[&str] = &[
    "==", "!=", "<=", ">=", "||", "&&", "(", ")", "[", "]", ",", "=", "<", ">", "+", "-", "*", "/",
    "%", "!",
];

/// Splits `source` into tokens. A leading BOM is skipped. The last token is always [`Tok::Eof`].
pub fn lex(source: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut toks = Vec::new();
    let mut diags = Vec::new();
    let bytes = source.as_bytes();
    let mut i = if source.starts_with('\u{feff}') { 3 } else { 0 };
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b'\n' => {
                toks.push(Token {
                    tok: Tok::Newline,
                    span: Span::new(i, i + 1),
                });
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0c => i += 1,
            b'#' => {
                let end = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
                let text = source[i + 1..end].trim_end_matches('\r').to_string();
                toks.push(Token {
                    tok: Tok::Comment(text),
                    span: Span::new(i, end),
                });
                i = end;
            }
            b'\'' | b'"' => {
                let (value, end) = lex_string(source, i, &mut diags);
                toks.push(Token {
                    tok: Tok::Str {
                        value,
                        quote: c as char,
                    },
                    span: Span::new(start, end),
                });
                i = end;
            }
            b'$' => {
                let end = ident_end(bytes, i + 1, true);
                if end == i + 1 {
                    diags.push(Diagnostic::error(
                        Code::UnexpectedChar,
                        Span::new(i, i + 1),
                        "`$` must be followed by a variable name",
                    ));
                    i += 1;
                } else {
                    toks.push(Token {
                        tok: Tok::Var(source[i + 1..end].to_string()),
                        span: Span::new(i, end),
                    });
                    i = end;
                }
            }
            b'0'..=b'9' => {
                let mut end = i;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                let text = &source[i..end];
                let value = text.parse::<i64>().unwrap_or_else(|_| {
                    diags.push(Diagnostic::error(
                        Code::NumberTooLarge,
                        Span::new(i, end),
                        format!("integer `{text}` does not fit 64 bits"),
                    ));
                    0
                });
                toks.push(Token {
                    tok: Tok::Int(value),
                    span: Span::new(i, end),
                });
                i = end;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = ident_end(bytes, i, true);
                toks.push(Token {
                    tok: Tok::Ident(source[i..end].to_string()),
                    span: Span::new(i, end),
                });
                i = end;
            }
            _ => {
                if let Some(p) = PUNCTS.iter().find(|p| source[i..].starts_with(**p)) {
                    toks.push(Token {
                        tok: Tok::Punct(p),
                        span: Span::new(i, i + p.len()),
                    });
                    i += p.len();
                } else {
                    let ch = source[i..].chars().next().unwrap_or('?');
                    diags.push(Diagnostic::error(
                        Code::UnexpectedChar,
                        Span::new(i, i + ch.len_utf8()),
                        format!("unexpected character `{}`", ch.escape_debug()),
                    ));
                    i += ch.len_utf8();
                }
            }
        }
    }
    toks.push(Token {
        tok: Tok::Eof,
        span: Span::new(bytes.len(), bytes.len()),
    });
    (toks, diags)
}

fn ident_end(bytes: &[u8], mut i: usize, dotted: bool) -> usize {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        let dot_then_word = dotted && bytes[i] == b'.' && i + 1 < bytes.len() && word(bytes[i + 1]);
        if word(bytes[i]) || dot_then_word {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Lexes a quoted string starting at `start` (on the quote). Returns the value and the end offset.
fn lex_string(source: &str, start: usize, diags: &mut Vec<Diagnostic>) -> (String, usize) {
    let quote = source.as_bytes()[start] as char;
    let mut value = String::new();
    let mut chars = source[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        let pos = start + 1 + off;
        if ch == quote {
            return (value, pos + 1);
        }
        if ch == '\\' {
            match chars.next() {
                Some((_, e)) => match unescape(e) {
                    Some(v) => value.push(v),
                    None if e == 'u' => {
                        let hex: String = chars.clone().take(4).map(|(_, c)| c).collect();
                        match u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 4)
                            .and_then(char::from_u32)
                        {
                            Some(c) => {
                                value.push(c);
                                for _ in 0..4 {
                                    chars.next();
                                }
                            }
                            None => {
                                diags.push(Diagnostic::error(
                                    Code::InvalidEscape,
                                    Span::new(pos, pos + 2),
                                    "`\\u` needs four hex digits",
                                ));
                            }
                        }
                    }
                    None => {
                        // Unknown escapes keep the backslash: `\d` stays `\d` (templates and globs use them).
                        value.push('\\');
                        value.push(e);
                    }
                },
                None => break,
            }
        } else {
            value.push(ch);
        }
    }
    diags.push(
        Diagnostic::error(
            Code::UnterminatedString,
            Span::new(start, start + 1),
            "string literal is not closed",
        )
        .with_note(format!("add the closing {quote}")),
    );
    (value, source.len())
}

fn unescape(e: char) -> Option<char> {
    Some(match e {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        '0' => '\0',
        '\\' => '\\',
        '\'' => '\'',
        '"' => '"',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s).0.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_fields_vars_strings() {
        assert_eq!(
            kinds("subject.account.name = lower($Data[\"x\"]) # c"),
            vec![
                Tok::Ident("subject.account.name".into()),
                Tok::Punct("="),
                Tok::Ident("lower".into()),
                Tok::Punct("("),
                Tok::Var("Data".into()),
                Tok::Punct("["),
                Tok::Str {
                    value: "x".into(),
                    quote: '"'
                },
                Tok::Punct("]"),
                Tok::Punct(")"),
                Tok::Comment(" c".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            kinds(r#"'a\'b\\c\r\n'"#)[0],
            Tok::Str {
                value: "a'b\\c\r\n".into(),
                quote: '\''
            }
        );
    }

    #[test]
    fn unterminated_string_is_a_diagnostic() {
        let (_, d) = lex("x = 'abc");
        assert_eq!(d[0].code, Code::UnterminatedString);
    }
}
