//! Recursive-descent parser: tokens to [`Formula`]. Never fails and never panics: it returns the
//! tree it could build plus diagnostics, and recovers at the next line after an error.

use crate::ast::*;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::lexer::{lex, Tok, Token};
use crate::span::Span;

/// Deepest nesting of expressions and blocks before the parser refuses (protects the stack of
/// every pass over the tree). A chain of binary operators nests one level per operator.
pub const MAX_DEPTH: usize = 256;

/// Parses a whole formula.
pub fn parse_formula(source: &str) -> (Formula, Vec<Diagnostic>) {
    let (toks, mut diags) = lex(source);
    let mut p = Parser {
        toks,
        pos: 0,
        diags: Vec::new(),
        depth: 0,
    };
    let formula = p.formula();
    diags.append(&mut p.diags);
    (formula, diags)
}

/// Parses a single expression (used by tests, COND tooling and criteria).
pub fn parse_expr(source: &str) -> (Option<Expr>, Vec<Diagnostic>) {
    let (toks, mut diags) = lex(source);
    let mut p = Parser {
        toks,
        pos: 0,
        diags: Vec::new(),
        depth: 0,
    };
    let e = p.expr();
    p.skip_newlines();
    if !matches!(p.peek(), Tok::Eof) {
        let span = p.span();
        p.error(
            Code::UnexpectedToken,
            span,
            "unexpected text after the expression",
        );
    }
    diags.append(&mut p.diags);
    (e, diags)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    diags: Vec<Diagnostic>,
    depth: usize,
}

const BLOCK_END: &[&str] = &[
    "elif",
    "else",
    "endif",
    "case",
    "endswitch",
    "endsubformula",
];

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.toks[self.pos].span
    }

    fn prev_span(&self) -> Span {
        self.toks[self.pos.saturating_sub(1)].span
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn error(&mut self, code: Code, span: Span, msg: impl Into<String>) {
        // After "too deep" the rest of the file was skipped: further errors would be noise.
        if code != Code::TooDeep && self.diags.iter().any(|d| d.code == Code::TooDeep) {
            return;
        }
        self.diags.push(Diagnostic::error(code, span, msg));
    }

    fn is_ident(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident(w) if w == word)
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_ident(&mut self, w: &str) -> bool {
        if self.is_ident(w) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect_ident(&mut self, w: &str) -> bool {
        self.skip_trivia();
        if self.eat_ident(w) {
            return true;
        }
        let span = self.span();
        self.error(
            Code::Expected,
            span,
            format!("expected `{w}`, found {}", describe(self.peek())),
        );
        false
    }

    /// Skips newlines and comments (inside expressions).
    fn skip_trivia(&mut self) {
        while matches!(self.peek(), Tok::Newline | Tok::Comment(_)) {
            self.bump();
        }
    }

    fn skip_newlines(&mut self) {
        self.skip_trivia();
    }

    /// Skips to the start of the next line (error recovery).
    fn recover_line(&mut self) {
        while !matches!(self.peek(), Tok::Newline | Tok::Eof) {
            self.bump();
        }
    }

    /// Whether the next tokens begin a statement: a statement keyword, an assignment, or a call.
    fn at_statement_start(&self) -> bool {
        match self.peek() {
            Tok::Ident(w) if matches!(w.as_str(), "if" | "switch" | "drop" | "subformula") => true,
            Tok::Ident(_) | Tok::Var(_) if matches!(self.peek_at(1), Tok::Punct("=")) => true,
            Tok::Ident(_) => matches!(self.peek_at(1), Tok::Punct("(")),
            _ => false,
        }
    }

    fn at_block_end(&self) -> bool {
        matches!(self.peek(), Tok::Ident(w) if BLOCK_END.contains(&w.as_str()))
            || matches!(self.peek(), Tok::Eof)
    }

    fn formula(&mut self) -> Formula {
        let mut f = Formula::default();
        // Leading comments.
        loop {
            match self.peek().clone() {
                Tok::Newline => {
                    self.bump();
                }
                Tok::Comment(c) => {
                    f.leading_comments.push(c);
                    self.bump();
                }
                _ => break,
            }
        }
        let stmts = self.block(&mut Some(&mut f));
        f.body = stmts;
        if !matches!(self.peek(), Tok::Eof) {
            let span = self.span();
            self.error(
                Code::UnexpectedToken,
                span,
                format!("{} without a matching block", describe(self.peek())),
            );
        }
        if f.header.is_none() {
            self.diags.push(
                Diagnostic::error(
                    Code::MissingHeader,
                    Span::new(0, 0),
                    "the formula has no header",
                )
                .with_note(
                    "start the formula with a header such as `JSON = ''` or `TEXT = '{REST}'`",
                ),
            );
        }
        f
    }

    /// Parses statements until a block terminator or EOF. When `top` is given, headers and COND
    /// are stored there (formula or subformula level).
    fn block(&mut self, top: &mut Option<&mut Formula>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut newlines = 0;
        loop {
            match self.peek().clone() {
                Tok::Newline => {
                    self.bump();
                    newlines += 1;
                    continue;
                }
                Tok::Eof => break,
                _ => {}
            }
            if newlines >= 2
                && !out.is_empty()
                && !matches!(out.last(), Some(Stmt::Blank))
                && !self.at_block_end()
            {
                out.push(Stmt::Blank);
            }
            newlines = 0;
            if let Tok::Comment(c) = self.peek().clone() {
                self.bump();
                out.push(Stmt::Comment {
                    text: c,
                    trailing: false,
                });
                continue;
            }
            if self.at_block_end() {
                break;
            }
            let before = self.pos;
            if let Some(header_or_cond) = self.try_header(
                top.is_some(),
                !out.iter()
                    .all(|s| matches!(s, Stmt::Comment { .. } | Stmt::Blank)),
            ) {
                if let Some(f) = top.as_deref_mut() {
                    match header_or_cond {
                        HeadOrCond::Head(h) => {
                            if f.header.is_some() {
                                self.error(Code::MisplacedHeader, h.span, "a second header");
                            } else {
                                f.header = Some(h);
                            }
                        }
                        HeadOrCond::Cond(c) => {
                            if f.cond.is_some() {
                                self.error(Code::MisplacedHeader, c.span, "a second COND");
                            } else {
                                f.cond = Some(c);
                            }
                        }
                    }
                }
            } else if let Some(s) = self.statement() {
                out.push(s);
            }
            self.end_of_statement(&mut out);
            if self.pos == before {
                // No progress: skip the token so the loop always ends.
                self.bump();
            }
        }
        out
    }

    fn end_of_statement(&mut self, out: &mut Vec<Stmt>) {
        match self.peek().clone() {
            Tok::Newline | Tok::Eof => {}
            Tok::Comment(c) => {
                self.bump();
                out.push(Stmt::Comment {
                    text: c,
                    trailing: true,
                });
            }
            _ if self.at_block_end() => {}
            // Line breaks do not end statements in the vendor's grammar: a statement ends where
            // its expression cannot go on, so another may follow on the same line
            // (`x = "a"if c then`).
            _ if self.at_statement_start() => {}
            other => {
                let span = self.span();
                self.error(
                    Code::UnexpectedToken,
                    span,
                    format!("expected the end of the line, found {}", describe(&other)),
                );
                self.recover_line();
            }
        }
    }

    fn try_header(&mut self, allowed: bool, after_code: bool) -> Option<HeadOrCond> {
        let start = self.span();
        let bang = matches!(self.peek(), Tok::Punct("!"))
            && matches!(self.peek_at(1), Tok::Ident(_))
            && matches!(self.peek_at(2), Tok::Punct("="));
        let off = usize::from(bang);
        let word = match self.peek_at(off) {
            Tok::Ident(w) => w.clone(),
            _ => return None,
        };
        if !matches!(self.peek_at(off + 1), Tok::Punct("=")) {
            return None;
        }
        let kind = HeaderKind::from_keyword(&word);
        if kind.is_none() && word != "COND" {
            return None;
        }
        for _ in 0..off + 2 {
            self.bump();
        }
        if !allowed {
            self.error(
                Code::MisplacedHeader,
                start,
                format!("`{word}` belongs at the top of a formula or subformula"),
            );
        }
        if word == "COND" {
            let expr = self.expr_continued()?;
            let span = start.to(expr.span);
            let comment = self.trailing_comment();
            return Some(HeadOrCond::Cond(Cond {
                bang,
                expr,
                span,
                comment,
            }));
        }
        if after_code && allowed {
            self.error(
                Code::MisplacedHeader,
                start,
                format!("the `{word}` header must come before the statements"),
            );
        }
        let tok = self.bump();
        match tok.tok {
            Tok::Str { value, quote } => Some(HeadOrCond::Head(Header {
                kind: kind.unwrap_or(HeaderKind::Text),
                bang,
                format: value,
                quote,
                format_span: tok.span,
                span: start.to(tok.span),
                comment: self.trailing_comment(),
            })),
            other => {
                self.error(
                    Code::Expected,
                    tok.span,
                    format!(
                        "expected the format string of `{word}`, found {}",
                        describe(&other)
                    ),
                );
                self.recover_line();
                None
            }
        }
    }

    /// A comment right after a header or COND, on the same line.
    fn trailing_comment(&mut self) -> Option<String> {
        if let Tok::Comment(c) = self.peek().clone() {
            self.bump();
            return Some(c);
        }
        None
    }

    fn statement(&mut self) -> Option<Stmt> {
        let start = self.span();
        match self.peek().clone() {
            Tok::Ident(w) if w == "if" => self.if_stmt(),
            Tok::Ident(w) if w == "switch" => self.switch_stmt(),
            Tok::Ident(w) if w == "subformula" => self.subformula(),
            Tok::Ident(w) if w == "drop" => {
                self.bump();
                Some(Stmt::Drop(start))
            }
            Tok::Ident(name) if matches!(self.peek_at(1), Tok::Punct("=")) => {
                self.bump();
                self.bump();
                let value = self.assigned_value()?;
                let span = start.to(value.span);
                Some(Stmt::Assign {
                    target: Target::Field(name),
                    value,
                    span,
                })
            }
            Tok::Var(name) if matches!(self.peek_at(1), Tok::Punct("=")) => {
                self.bump();
                self.bump();
                let value = self.assigned_value()?;
                let span = start.to(value.span);
                Some(Stmt::Assign {
                    target: Target::Var(name),
                    value,
                    span,
                })
            }
            _ => {
                let e = self.expr_continued()?;
                if matches!(self.peek(), Tok::Punct("=")) {
                    let span = e.span;
                    self.error(
                        Code::InvalidTarget,
                        span,
                        "only a field or a `$variable` can be assigned",
                    );
                    self.recover_line();
                    return None;
                }
                Some(Stmt::Expr(e))
            }
        }
    }

    fn assigned_value(&mut self) -> Option<Expr> {
        self.expr_continued()
    }

    fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.span();
            if !self.diags.iter().any(|d| d.code == Code::TooDeep) {
                self.diags.push(Diagnostic::error(
                    Code::TooDeep,
                    span,
                    format!("nesting deeper than {MAX_DEPTH} levels"),
                ));
            }
            // Consume everything: nothing sensible can follow.
            while !matches!(self.peek(), Tok::Eof) {
                self.bump();
            }
            self.depth -= 1;
            return false;
        }
        true
    }

    fn if_stmt(&mut self) -> Option<Stmt> {
        if !self.enter() {
            return None;
        }
        let start = self.span();
        self.bump();
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.expr_continued();
            self.expect_ident("then");
            let body = self.block(&mut None);
            if let Some(c) = cond {
                branches.push((c, body));
            }
            if self.eat_ident("elif") {
                continue;
            }
            if self.eat_ident("else") {
                otherwise = Some(self.block(&mut None));
            }
            break;
        }
        self.close("endif", start);
        self.depth -= 1;
        Some(Stmt::If {
            branches,
            otherwise,
            span: start.to(self.prev_span()),
        })
    }

    fn close(&mut self, word: &str, start: Span) {
        if !self.eat_ident(word) {
            let span = self.span();
            if !self.diags.iter().any(|d| d.code == Code::TooDeep) {
                self.diags.push(
                    Diagnostic::error(
                        Code::UnclosedBlock,
                        start,
                        format!("block is not closed by `{word}`"),
                    )
                    .with_note(format!(
                        "found {} at byte {}",
                        describe(self.peek()),
                        span.start
                    )),
                );
            }
        }
    }

    fn switch_stmt(&mut self) -> Option<Stmt> {
        if !self.enter() {
            return None;
        }
        let start = self.span();
        self.bump();
        let subject = self.expr();
        let mut cases = Vec::new();
        loop {
            self.skip_trivia_keep_comments();
            if !self.eat_ident("case") {
                break;
            }
            let label = self.primary();
            let body = self.block(&mut None);
            if let Some(l) = label {
                cases.push((l, body));
            }
        }
        self.close("endswitch", start);
        self.depth -= 1;
        Some(Stmt::Switch {
            subject: subject?,
            cases,
            span: start.to(self.prev_span()),
        })
    }

    fn skip_trivia_keep_comments(&mut self) {
        self.skip_trivia();
    }

    fn subformula(&mut self) -> Option<Stmt> {
        if !self.enter() {
            return None;
        }
        let start = self.span();
        self.bump();
        let name = match self.bump().tok {
            Tok::Str { value, .. } => value,
            other => {
                let span = self.prev_span();
                self.error(
                    Code::Expected,
                    span,
                    format!(
                        "expected the subformula name in quotes, found {}",
                        describe(&other)
                    ),
                );
                String::new()
            }
        };
        let mut inner = Formula::default();
        let body = self.block(&mut Some(&mut inner));
        self.close("endsubformula", start);
        self.depth -= 1;
        if inner.header.is_none() {
            self.error(
                Code::MissingHeader,
                start,
                format!("subformula `{name}` has no header"),
            );
        }
        Some(Stmt::Subformula(Subformula {
            name,
            header: inner.header,
            cond: inner.cond,
            body,
            span: start.to(self.prev_span()),
        }))
    }

    /// An expression that may continue on following lines that start with `and` / `or`.
    fn expr_continued(&mut self) -> Option<Expr> {
        self.expr()
    }

    fn expr(&mut self) -> Option<Expr> {
        if !self.enter() {
            return None;
        }
        let e = self.binary(1);
        self.depth -= 1;
        e
    }

    /// Looks past newlines and comments: is the next real token `and`/`or`/`&&`/`||`?
    fn continuation_ahead(&self) -> Option<usize> {
        let mut i = self.pos;
        while matches!(self.toks[i].tok, Tok::Newline | Tok::Comment(_)) {
            i += 1;
        }
        if i == self.pos {
            return None;
        }
        match &self.toks[i].tok {
            Tok::Ident(w) if w == "and" || w == "or" => Some(i),
            // A line that starts with a binary operator continues the expression.
            Tok::Punct(p) if !matches!(*p, "!" | "(" | ")" | "[" | "]" | "," | "=") => Some(i),
            _ => None,
        }
    }

    fn peek_binop(&self) -> Option<BinOp> {
        Some(match self.peek() {
            Tok::Ident(w) if w == "or" => BinOp::Or,
            Tok::Ident(w) if w == "and" => BinOp::And,
            Tok::Punct("||") => BinOp::Or,
            Tok::Punct("&&") => BinOp::And,
            Tok::Punct("==") => BinOp::Eq,
            Tok::Punct("!=") => BinOp::Ne,
            Tok::Punct("<") => BinOp::Lt,
            Tok::Punct("<=") => BinOp::Le,
            Tok::Punct(">") => BinOp::Gt,
            Tok::Punct(">=") => BinOp::Ge,
            Tok::Punct("+") => BinOp::Add,
            Tok::Punct("-") => BinOp::Sub,
            Tok::Punct("*") => BinOp::Mul,
            Tok::Punct("/") => BinOp::Div,
            Tok::Punct("%") => BinOp::Rem,
            _ => return None,
        })
    }

    fn binary(&mut self, min_prec: u8) -> Option<Expr> {
        let lhs = self.unary()?;
        // Each operator of a chain (`a + b + c …`) nests the tree one level deeper on its left,
        // so each one counts against the depth limit until the chain ends: every later pass
        // over the tree (compiler, interpreter, printer) recurses as deep as the tree is.
        let mut links = 0;
        let e = self.chain(lhs, min_prec, &mut links);
        self.depth -= links;
        e
    }

    fn chain(&mut self, mut lhs: Expr, min_prec: u8, links: &mut usize) -> Option<Expr> {
        loop {
            if let Some(i) = self.continuation_ahead() {
                self.pos = i;
            }
            let Some(op) = self.peek_binop() else { break };
            let prec = op.precedence();
            if prec < min_prec {
                break;
            }
            self.bump();
            self.skip_trivia();
            if !self.enter() {
                return Some(lhs);
            }
            *links += 1;
            let rhs = self.binary(prec + 1)?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        Some(lhs)
    }

    fn unary(&mut self) -> Option<Expr> {
        let start = self.span();
        let op = if self.is_ident("not") || self.is_punct("!") {
            Some(UnOp::Not)
        } else if self.is_punct("-") {
            Some(UnOp::Neg)
        } else {
            None
        };
        if let Some(op) = op {
            self.bump();
            if !self.enter() {
                return None;
            }
            // `not` binds looser than comparisons: `not a == b` is `not (a == b)`.
            let inner = if op == UnOp::Not {
                self.binary(3)
            } else {
                self.unary()
            };
            self.depth -= 1;
            let inner = inner?;
            if let (UnOp::Neg, ExprKind::Int(n)) = (op, &inner.kind) {
                return Some(Expr {
                    kind: ExprKind::Int(n.wrapping_neg()),
                    span: start.to(inner.span),
                });
            }
            let span = start.to(inner.span);
            return Some(Expr {
                kind: ExprKind::Unary(op, Box::new(inner)),
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Option<Expr> {
        let mut e = self.primary()?;
        while self.is_punct("[") {
            self.bump();
            self.skip_trivia();
            let idx = self.expr();
            self.skip_trivia();
            if !self.eat_punct("]") {
                let span = self.span();
                self.error(
                    Code::Expected,
                    span,
                    format!("expected `]`, found {}", describe(self.peek())),
                );
                return Some(e);
            }
            let idx = idx?;
            let span = e.span.to(self.prev_span());
            e = Expr {
                kind: ExprKind::Index(Box::new(e), Box::new(idx)),
                span,
            };
        }
        Some(e)
    }

    fn primary(&mut self) -> Option<Expr> {
        let t = self.bump();
        let span = t.span;
        let kind = match t.tok {
            Tok::Int(n) => ExprKind::Int(n),
            Tok::Str { value, quote } => ExprKind::Str(value, quote),
            Tok::Var(v) => ExprKind::Var(v),
            Tok::Ident(w) => match w.as_str() {
                "null" => ExprKind::Null,
                "true" => ExprKind::Bool(true, "true"),
                "True" => ExprKind::Bool(true, "True"),
                "false" => ExprKind::Bool(false, "false"),
                "False" => ExprKind::Bool(false, "False"),
                "if" => return self.if_expr(span),
                "switch" => return self.switch_expr(span),
                _ if self.is_punct("(") => {
                    self.bump();
                    let args = self.comma_list(")")?;
                    return Some(Expr {
                        kind: ExprKind::Call(w, args),
                        span: span.to(self.prev_span()),
                    });
                }
                _ if BLOCK_END.contains(&w.as_str())
                    || ["then", "and", "or", "not", "endif"].contains(&w.as_str()) =>
                {
                    self.error(
                        Code::Expected,
                        span,
                        format!("expected an expression, found `{w}`"),
                    );
                    self.pos -= 1;
                    return None;
                }
                _ => ExprKind::Field(w),
            },
            Tok::Punct("(") => {
                self.skip_trivia();
                let inner = self.expr();
                self.skip_trivia();
                if !self.eat_punct(")") {
                    let s = self.span();
                    self.error(
                        Code::Expected,
                        s,
                        format!("expected `)`, found {}", describe(self.peek())),
                    );
                    return inner;
                }
                ExprKind::Paren(Box::new(inner?))
            }
            Tok::Punct("[") => ExprKind::List(self.comma_list("]")?),
            other => {
                self.error(
                    Code::Expected,
                    span,
                    format!("expected an expression, found {}", describe(&other)),
                );
                // Leave the line end to the caller. `bump` does not move past Eof, so there is
                // nothing to undo there (stepping back would loop on `switch $a case` at EOF).
                if matches!(other, Tok::Newline) {
                    self.pos -= 1;
                }
                return None;
            }
        };
        Some(Expr {
            kind,
            span: span.to(self.prev_span()),
        })
    }

    fn comma_list(&mut self, close: &'static str) -> Option<Vec<Expr>> {
        let mut items = Vec::new();
        self.skip_trivia();
        if self.eat_punct(close) {
            return Some(items);
        }
        loop {
            self.skip_trivia();
            let e = self.expr()?;
            items.push(e);
            self.skip_trivia();
            if self.eat_punct(",") {
                continue;
            }
            if self.eat_punct(close) {
                return Some(items);
            }
            let span = self.span();
            self.error(
                Code::Expected,
                span,
                format!("expected `,` or `{close}`, found {}", describe(self.peek())),
            );
            return None;
        }
    }

    fn if_expr(&mut self, start: Span) -> Option<Expr> {
        if !self.enter() {
            return None;
        }
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            self.skip_trivia();
            let c = self.expr()?;
            self.expect_ident("then");
            self.skip_trivia();
            let v = self.expr()?;
            branches.push((c, v));
            self.skip_trivia();
            if self.eat_ident("elif") {
                continue;
            }
            if self.eat_ident("else") {
                self.skip_trivia();
                otherwise = Some(Box::new(self.expr()?));
                self.skip_trivia();
            }
            break;
        }
        self.close("endif", start);
        self.depth -= 1;
        Some(Expr {
            kind: ExprKind::If {
                branches,
                otherwise,
            },
            span: start.to(self.prev_span()),
        })
    }

    fn switch_expr(&mut self, start: Span) -> Option<Expr> {
        if !self.enter() {
            return None;
        }
        let subject = self.expr()?;
        let mut cases = Vec::new();
        loop {
            self.skip_trivia();
            if !self.eat_ident("case") {
                break;
            }
            let label = self.primary()?;
            let value = self.expr()?;
            cases.push((label, value));
        }
        self.close("endswitch", start);
        self.depth -= 1;
        Some(Expr {
            kind: ExprKind::Switch {
                subject: Box::new(subject),
                cases,
            },
            span: start.to(self.prev_span()),
        })
    }
}

enum HeadOrCond {
    Head(Header),
    Cond(Cond),
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(w) => format!("`{w}`"),
        Tok::Var(v) => format!("`${v}`"),
        Tok::Str { .. } => "a string".into(),
        Tok::Int(n) => format!("`{n}`"),
        Tok::Punct(p) => format!("`{p}`"),
        Tok::Comment(_) => "a comment".into(),
        Tok::Newline => "the end of the line".into(),
        Tok::Eof => "the end of the file".into(),
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn an_operator_chain_nests_one_level_per_operator() {
        let chain = |n: usize, op: &str| format!("JSON = ''\nmsgid = {}\n", vec!["$a"; n].join(op));
        let (_, d) = parse_formula(&chain(MAX_DEPTH - 8, " + "));
        assert!(d.is_empty(), "{d:?}");
        for op in [" + ", " and ", " or ", " == "] {
            let (_, d) = parse_formula(&chain(5000, op));
            assert_eq!(d.len(), 1, "{op}: {d:?}");
            assert_eq!(d[0].code, Code::TooDeep);
        }
    }
}
