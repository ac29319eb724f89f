//! The TEXT format-string grammar: literal text, whitespace and `{…}` token groups.
//!
//! ```text
//! template := (SPACE | literal-char | group)*
//! group    := '{' alt ('|' alt)* '}'
//! alt      := elem*                       (whitespace between elements matches whitespace)
//! elem     := quoted ['?'] | [target '='] TYPE ['(' args ')'] ['*'|'+'|'?']
//! target   := '$'name | dotted.field
//! ```
//! Spans are byte offsets into the format string itself (after escape processing).

use crate::ast::Target;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// A parsed TEXT format string.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Template {
    /// Items in order.
    pub items: Vec<Item>,
}

/// One item of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Literal text (no whitespace inside).
    Lit(String),
    /// A run of whitespace: matches any run of whitespace in the input, possibly empty.
    Space,
    /// A `{…}` group.
    Group(Group),
}

/// `{alt|alt|…}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Alternatives, tried left to right; an empty one matches nothing (makes the group optional).
    pub alts: Vec<Vec<Elem>>,
    /// Where in the template.
    pub span: Span,
}

/// Repetition suffix of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rep {
    /// Exactly one.
    One,
    /// `?`: zero or one.
    Opt,
    /// `*`: zero or more (whitespace-separated), lazy.
    Star,
    /// `+`: one or more (whitespace-separated), lazy.
    Plus,
}

impl Rep {
    fn suffix(self) -> &'static str {
        match self {
            Rep::One => "",
            Rep::Opt => "?",
            Rep::Star => "*",
            Rep::Plus => "+",
        }
    }
}

/// Token types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// Text up to a delimiter (consumed).
    Until,
    /// The rest of the input.
    Rest,
    /// Optional sign, digits, optional fraction.
    Number,
    /// A run of non-whitespace characters.
    Word,
    /// Like WORD; also a quoted string.
    String,
    /// Like STRING, may hold punctuation and quoted spaces.
    Literal,
    /// Dotted-quad IPv4 address.
    Ipv4,
    /// IPv6 address.
    Ipv6,
    /// Host name: letters, digits, `-`, `_`, `.`.
    Hostname,
    /// Date and time in common formats.
    Datetime,
    /// The rest split by a separator into a list.
    Csv,
    /// A run of `key=value` pairs, captured as a map.
    Keyvalue,
    /// MAC address.
    Macaddr,
    /// Duration such as `0d 1h:2m:15s`, `01:02:15`, `1h2m`.
    Duration,
    /// Letters, digits, `_` and `-`.
    Worddash,
}

impl TokenType {
    /// From its upper-case name.
    pub fn from_name(s: &str) -> Option<TokenType> {
        Some(match s {
            "UNTIL" => TokenType::Until,
            "REST" => TokenType::Rest,
            "NUMBER" => TokenType::Number,
            "WORD" => TokenType::Word,
            "STRING" => TokenType::String,
            "LITERAL" => TokenType::Literal,
            "IPV4" => TokenType::Ipv4,
            "IPV6" => TokenType::Ipv6,
            "HOSTNAME" => TokenType::Hostname,
            "DATETIME" => TokenType::Datetime,
            "CSV" => TokenType::Csv,
            "KEYVALUE" => TokenType::Keyvalue,
            "MACADDR" => TokenType::Macaddr,
            "DURATION" => TokenType::Duration,
            "WORDDASH" => TokenType::Worddash,
            _ => return None,
        })
    }

    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Until => "UNTIL",
            TokenType::Rest => "REST",
            TokenType::Number => "NUMBER",
            TokenType::Word => "WORD",
            TokenType::String => "STRING",
            TokenType::Literal => "LITERAL",
            TokenType::Ipv4 => "IPV4",
            TokenType::Ipv6 => "IPV6",
            TokenType::Hostname => "HOSTNAME",
            TokenType::Datetime => "DATETIME",
            TokenType::Csv => "CSV",
            TokenType::Keyvalue => "KEYVALUE",
            TokenType::Macaddr => "MACADDR",
            TokenType::Duration => "DURATION",
            TokenType::Worddash => "WORDDASH",
        }
    }
}

/// One element of a group alternative.
#[derive(Clone, Debug, PartialEq)]
pub enum Elem {
    /// A quoted literal, `{"<"}`; `optional` for `{", "?}`.
    Lit {
        /// Text to match exactly.
        text: String,
        /// Followed by `?`.
        optional: bool,
    },
    /// A typed token.
    Token(TokenSpec),
    /// Whitespace between two elements: matches any run of whitespace, possibly empty.
    Space,
}

/// `[target=]TYPE[(args)][rep]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenSpec {
    /// Where the captured value goes.
    pub target: Option<Target>,
    /// Token type.
    pub ty: TokenType,
    /// Arguments (`UNTIL(")")`, `CSV(",", "'")`).
    pub args: Vec<String>,
    /// Repetition.
    pub rep: Rep,
    /// Where in the template.
    pub span: Span,
}

/// A character of a literal that no JSON, XML or CEF escaping changes: an ASCII letter or digit,
/// or one of `_-.:@#`. Runs of them are what the rule-set index looks for in raw events.
pub fn is_plain_literal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '@' | '#')
}

/// Shortest run of [`is_plain_literal_char`] characters worth looking for in a raw event.
pub const MIN_LITERAL_RUN: usize = 3;

/// The runs of [`is_plain_literal_char`] characters of `s`, at least [`MIN_LITERAL_RUN`] long.
pub fn literal_runs(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !is_plain_literal_char(c))
        .filter(|r| r.len() >= MIN_LITERAL_RUN)
}

/// Parses a TEXT format string. Never fails: unknown parts become diagnostics and literal text.
pub fn parse_template(src: &str) -> (Template, Vec<Diagnostic>) {
    let mut p = TParser {
        src,
        pos: 0,
        diags: Vec::new(),
    };
    let t = p.template();
    let elements = t.elements();
    if elements > MAX_TEMPLATE_ELEMENTS {
        p.diags.push(
            Diagnostic::error(
                Code::TemplateTooLong,
                Span::new(0, src.len()),
                format!(
                    "the format string has {elements} elements, over the limit of \
                     {MAX_TEMPLATE_ELEMENTS}"
                ),
            )
            .with_note("match a long tail with `{REST}` or a repeated token (`STRING*`)"),
        );
    }
    (t, p.diags)
}

/// Most elements (literals, spaces, tokens, alternatives' members) a format string may have:
/// the matcher goes one level deeper per element it matches, so this bounds its stack.
pub const MAX_TEMPLATE_ELEMENTS: usize = 1024;

/// Whitespace in a format string and between TEXT tokens: space, tab, CR, LF, vertical tab,
/// form feed. A no-break space or another Unicode space is a literal character.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c')
}

impl Template {
    /// Elements of the template, counting every member of a group's alternatives.
    pub fn elements(&self) -> usize {
        self.items
            .iter()
            .map(|i| match i {
                Item::Group(g) => g.alts.iter().map(Vec::len).sum::<usize>().max(1),
                _ => 1,
            })
            .sum()
    }
}

struct TParser<'a> {
    src: &'a str,
    pos: usize,
    diags: Vec<Diagnostic>,
}

impl TParser<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(c) if is_space(c)) {
            self.bump();
        }
    }

    fn template(&mut self) -> Template {
        let mut items = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            if is_space(c) {
                if !lit.is_empty() {
                    items.push(Item::Lit(std::mem::take(&mut lit)));
                }
                while matches!(self.peek(), Some(c) if is_space(c)) {
                    self.bump();
                }
                items.push(Item::Space);
            } else if c == '{' {
                if !lit.is_empty() {
                    items.push(Item::Lit(std::mem::take(&mut lit)));
                }
                if let Some(g) = self.group() {
                    items.push(Item::Group(g));
                }
            } else {
                lit.push(c);
                self.bump();
            }
        }
        if !lit.is_empty() {
            items.push(Item::Lit(lit));
        }
        Template { items }
    }

    fn group(&mut self) -> Option<Group> {
        let start = self.pos;
        self.bump();
        let mut alts: Vec<Vec<Elem>> = vec![Vec::new()];
        loop {
            let before = self.pos;
            self.skip_ws();
            if self.pos > before && !matches!(self.peek(), Some('}') | Some('|')) {
                let alt = alts.last_mut().unwrap();
                if !alt.is_empty() && !matches!(alt.last(), Some(Elem::Space)) {
                    alt.push(Elem::Space);
                }
            }
            match self.peek() {
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnterminatedGroup,
                            Span::new(start, start + 1),
                            "`{` group is not closed",
                        )
                        .with_note("add the closing `}`"),
                    );
                    return None;
                }
                Some('}') => {
                    self.bump();
                    break;
                }
                Some('|') => {
                    self.bump();
                    alts.push(Vec::new());
                }
                Some('"') | Some('\'') => {
                    let text = self.quoted()?;
                    let optional = self.peek() == Some('?');
                    if optional {
                        self.bump();
                    }
                    alts.last_mut().unwrap().push(Elem::Lit { text, optional });
                }
                Some(_) => match self.token() {
                    Some(t) => alts.last_mut().unwrap().push(Elem::Token(t)),
                    None => {
                        // Skip to the end of the group.
                        while let Some(c) = self.bump() {
                            if c == '}' {
                                break;
                            }
                        }
                        return None;
                    }
                },
            }
        }
        Some(Group {
            alts,
            span: Span::new(start, self.pos),
        })
    }

    fn quoted(&mut self) -> Option<String> {
        let start = self.pos;
        let q = self.bump()?;
        let mut out = String::new();
        while let Some(c) = self.bump() {
            if c == q {
                return Some(out);
            }
            if c == '\\' {
                match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some(e) => out.push(e),
                    None => break,
                }
            } else {
                out.push(c);
            }
        }
        self.diags.push(Diagnostic::error(
            Code::UnterminatedString,
            Span::new(start, start + 1),
            "quoted text in the template is not closed",
        ));
        None
    }

    fn name(&mut self) -> &str {
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_alphanumeric() || c == '_' || c == '.' || c == '$')
        {
            self.bump();
        }
        &self.src[start..self.pos]
    }

    fn token(&mut self) -> Option<TokenSpec> {
        let start = self.pos;
        let first = self.name().to_string();
        if first.is_empty() {
            let c = self.peek().unwrap_or(' ');
            self.diags.push(Diagnostic::error(
                Code::UnknownTokenType,
                Span::new(start, start + c.len_utf8()),
                format!("unexpected `{c}` in a template group"),
            ));
            return None;
        }
        self.skip_ws();
        let (target, ty_name, ty_start) = if self.peek() == Some('=') {
            self.bump();
            self.skip_ws();
            let ts = self.pos;
            let ty = self.name().to_string();
            let target = match first.strip_prefix('$') {
                Some(v) => Target::Var(v.to_string()),
                None => Target::Field(first.clone()),
            };
            (Some(target), ty, ts)
        } else {
            (None, first, start)
        };
        let Some(ty) = TokenType::from_name(&ty_name) else {
            self.diags.push(
                Diagnostic::error(Code::UnknownTokenType, Span::new(ty_start, ty_start + ty_name.len().max(1)), format!("unknown token type `{ty_name}`"))
                    .with_note("known types: UNTIL, REST, NUMBER, WORD, STRING, LITERAL, IPV4, IPV6, HOSTNAME, DATETIME, CSV, KEYVALUE, MACADDR, DURATION, WORDDASH"),
            );
            return None;
        };
        let mut args = Vec::new();
        if self.peek() == Some('(') {
            self.bump();
            loop {
                self.skip_ws();
                match self.peek() {
                    Some(')') => {
                        self.bump();
                        break;
                    }
                    Some(',') => {
                        self.bump();
                    }
                    Some('"') | Some('\'') => args.push(self.quoted()?),
                    Some(c) if c.is_ascii_digit() => {
                        let s = self.pos;
                        while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                            self.bump();
                        }
                        args.push(self.src[s..self.pos].to_string());
                    }
                    _ => {
                        self.diags.push(Diagnostic::error(
                            Code::BadTokenArgs,
                            Span::new(self.pos, self.pos + 1),
                            format!("bad arguments of `{ty_name}`"),
                        ));
                        return None;
                    }
                }
            }
        }
        let rep = match self.peek() {
            Some('?') => Rep::Opt,
            Some('*') => Rep::Star,
            Some('+') => Rep::Plus,
            _ => Rep::One,
        };
        if rep != Rep::One {
            self.bump();
        }
        let span = Span::new(start, self.pos);
        if ty == TokenType::Until && args.len() != 1 {
            self.diags.push(Diagnostic::error(
                Code::BadTokenArgs,
                span,
                "`UNTIL` takes one delimiter, as in UNTIL(\",\")",
            ));
            return None;
        }
        if ty == TokenType::Until && args[0].is_empty() {
            self.diags.push(Diagnostic::error(
                Code::BadTokenArgs,
                span,
                "the delimiter of `UNTIL` is empty",
            ));
            return None;
        }
        Some(TokenSpec {
            target,
            ty,
            args,
            rep,
            span,
        })
    }
}

impl Template {
    /// The format string as XP source text (without the outer quotes, unescaped).
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Lit(s) => out.push_str(s),
                Item::Space => out.push(' '),
                Item::Group(g) => {
                    out.push('{');
                    for (i, alt) in g.alts.iter().enumerate() {
                        if i > 0 {
                            out.push('|');
                        }
                        for e in alt {
                            match e {
                                Elem::Space => out.push(' '),
                                Elem::Lit { text, optional } => {
                                    out.push_str(&quote_template_lit(text));
                                    if *optional {
                                        out.push('?');
                                    }
                                }
                                Elem::Token(t) => out.push_str(&t.to_source()),
                            }
                        }
                    }
                    out.push('}');
                }
            }
        }
        out
    }

    /// Names of all capture targets, in order.
    pub fn targets(&self) -> Vec<&Target> {
        let mut out = Vec::new();
        for item in &self.items {
            if let Item::Group(g) = item {
                for alt in &g.alts {
                    for e in alt {
                        if let Elem::Token(TokenSpec {
                            target: Some(t), ..
                        }) = e
                        {
                            out.push(t);
                        }
                    }
                }
            }
        }
        out
    }
}

impl TokenSpec {
    /// `[target=]TYPE[(args)][rep]` as source.
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        if let Some(t) = &self.target {
            out.push_str(&t.source_text());
            out.push('=');
        }
        out.push_str(self.ty.name());
        if !self.args.is_empty() {
            let args: Vec<String> = self.args.iter().map(|a| quote_template_lit(a)).collect();
            out.push('(');
            out.push_str(&args.join(", "));
            out.push(')');
        }
        out.push_str(self.rep.suffix());
        out
    }
}

/// Quotes text for use inside a template group: `"…"` with `\` and `"` escaped.
pub fn quote_template_lit(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_string_of_too_many_elements_is_refused_with_its_code() {
        let long = vec!["{WORD}"; MAX_TEMPLATE_ELEMENTS].join(" ");
        let (_, d) = parse_template(&long);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::TemplateTooLong);
        let (_, d) = parse_template(&vec!["{WORD}"; 400].join(" "));
        assert!(d.is_empty());
    }

    #[test]
    fn only_ascii_whitespace_is_a_space() {
        let (t, _) = parse_template("a\u{a0}b c\x0bd");
        assert_eq!(
            t.items,
            [
                Item::Lit("a\u{a0}b".into()),
                Item::Space,
                Item::Lit("c".into()),
                Item::Space,
                Item::Lit("d".into())
            ]
        );
    }

    #[test]
    fn parses_groups_and_round_trips() {
        for src in [
            "{STRING+} res={WORD}' UID={$uid_1=LITERAL*}",
            "cn={$temp_id=UNTIL(\",\")}{REST}",
            "{event_src.ip=IPV4|event_src.ip=IPV6|event_src.hostname=HOSTNAME|}",
            "{\"name\"|\"имя\"} ={\"-\" $flag=WORD} {$flag_value=NUMBER?}",
        ] {
            let (t, d) = parse_template(src);
            assert!(d.is_empty(), "{src}: {d:?}");
            let again = t.to_source();
            let (t2, d2) = parse_template(&again);
            assert!(d2.is_empty());
            assert_eq!(t2.to_source(), again, "{src} -> {again}");
            assert_eq!(t.targets(), t2.targets());
        }
    }

    #[test]
    fn unknown_type_is_reported() {
        let (_, d) = parse_template("{FOO}");
        assert_eq!(d[0].code, Code::UnknownTokenType);
    }
}
