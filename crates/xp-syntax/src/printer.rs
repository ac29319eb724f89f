//! The formatter: prints a [`Formula`] as canonical XP (4-space indent, one statement per line,
//! word operators, strings in the quote they were written with). Printing a parsed formula and
//! parsing the result again gives the same tree.

use crate::ast::*;

/// Formats a formula.
pub fn print_formula(f: &Formula) -> String {
    let mut p = Printer { out: String::new() };
    for c in &f.leading_comments {
        p.out.push_str(&format!("#{c}\n"));
    }
    if let Some(h) = &f.header {
        p.header(h, 0);
    }
    if let Some(c) = &f.cond {
        p.cond(c, 0);
    }
    if f.header.is_some() && !f.body.is_empty() && !matches!(f.body.first(), Some(Stmt::Blank)) {
        p.out.push('\n');
    }
    // Blank lines that ended the body where a COND stood (it prints after the header) would
    // end the file and not parse back.
    let end = f
        .body
        .iter()
        .rposition(|s| !matches!(s, Stmt::Blank))
        .map_or(0, |k| k + 1);
    p.block(&f.body[..end], 0);
    p.out
}

/// Formats an expression on one line.
pub fn print_expr(e: &Expr) -> String {
    let mut p = Printer { out: String::new() };
    p.expr(e, 0);
    p.out
}

/// Quotes a string for XP source with the given quote character.
pub fn quote_str(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The operands of a chain of the same logical operator, left to right.
fn flatten<'a>(e: &'a Expr, op: BinOp, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Binary(o, l, r) if *o == op => {
            flatten(l, op, out);
            out.push(r);
        }
        _ => out.push(e),
    }
}

struct Printer {
    out: String,
}

impl Printer {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("    ");
        }
    }

    fn header(&mut self, h: &Header, level: usize) {
        self.indent(level);
        if h.bang {
            self.out.push('!');
        }
        self.out.push_str(h.kind.keyword());
        self.out.push_str(" = ");
        self.out.push_str(&quote_str(&h.format, h.quote));
        if let Some(c) = &h.comment {
            self.out.push_str("  #");
            self.out.push_str(c);
        }
        self.out.push('\n');
    }

    fn cond(&mut self, c: &Cond, level: usize) {
        self.indent(level);
        if c.bang {
            self.out.push('!');
        }
        self.out.push_str("COND = ");
        self.cond_expr(&c.expr, level);
        if let Some(c) = &c.comment {
            self.out.push_str("  #");
            self.out.push_str(c);
        }
        self.out.push('\n');
    }

    /// COND on one line when short; otherwise the expert layout, one operand per line with the
    /// operator leading:
    /// `COND = (\n    a\n    and b\n)`.
    fn cond_expr(&mut self, e: &Expr, level: usize) {
        let flat = print_expr(e);
        if flat.len() <= 100 {
            self.out.push_str(&flat);
            return;
        }
        let inner = match &e.kind {
            ExprKind::Paren(x) => x,
            _ => e,
        };
        let ExprKind::Binary(op @ (BinOp::And | BinOp::Or), ..) = &inner.kind else {
            self.out.push_str(&flat);
            return;
        };
        let mut operands = Vec::new();
        flatten(inner, *op, &mut operands);
        self.out.push_str("(\n");
        for (i, o) in operands.iter().enumerate() {
            self.indent(level + 1);
            if i > 0 {
                self.out.push_str(op.text());
                self.out.push(' ');
            }
            self.operand(o, *op, i > 0, level + 1);
            self.out.push('\n');
        }
        self.indent(level);
        self.out.push(')');
    }

    fn block(&mut self, stmts: &[Stmt], level: usize) {
        for s in stmts {
            self.stmt(s, level);
        }
    }

    fn stmt(&mut self, s: &Stmt, level: usize) {
        match s {
            Stmt::Blank => self.out.push('\n'),
            Stmt::Comment { text, trailing } => {
                if *trailing && self.out.ends_with('\n') {
                    self.out.pop();
                    self.out.push_str("  #");
                } else {
                    self.indent(level);
                    self.out.push('#');
                }
                self.out.push_str(text);
                self.out.push('\n');
            }
            Stmt::Assign { target, value, .. } => {
                self.indent(level);
                self.out.push_str(&target.source_text());
                self.out.push_str(" = ");
                self.expr(value, level);
                self.out.push('\n');
            }
            Stmt::Drop(_) => {
                self.indent(level);
                self.out.push_str("drop\n");
            }
            Stmt::Expr(e) => {
                self.indent(level);
                self.expr(e, level);
                self.out.push('\n');
            }
            Stmt::If {
                branches,
                otherwise,
                ..
            } => {
                for (i, (c, body)) in branches.iter().enumerate() {
                    self.indent(level);
                    self.out.push_str(if i == 0 { "if " } else { "elif " });
                    self.expr(c, level);
                    self.out.push_str(" then\n");
                    self.block(body, level + 1);
                }
                if let Some(body) = otherwise {
                    self.indent(level);
                    self.out.push_str("else\n");
                    self.block(body, level + 1);
                }
                self.indent(level);
                self.out.push_str("endif\n");
            }
            Stmt::Switch { subject, cases, .. } => {
                self.indent(level);
                self.out.push_str("switch ");
                self.expr(subject, level);
                self.out.push('\n');
                for (label, body) in cases {
                    self.indent(level + 1);
                    self.out.push_str("case ");
                    self.expr(label, level);
                    self.out.push('\n');
                    self.block(body, level + 2);
                }
                self.indent(level);
                self.out.push_str("endswitch\n");
            }
            Stmt::Subformula(sf) => {
                self.indent(level);
                self.out.push_str("subformula ");
                self.out.push_str(&quote_str(&sf.name, '"'));
                self.out.push('\n');
                if let Some(h) = &sf.header {
                    self.header(h, level + 1);
                }
                if let Some(c) = &sf.cond {
                    self.cond(c, level + 1);
                }
                self.block(&sf.body, level + 1);
                self.indent(level);
                self.out.push_str("endsubformula\n");
            }
        }
    }

    fn expr(&mut self, e: &Expr, level: usize) {
        match &e.kind {
            ExprKind::Null => self.out.push_str("null"),
            ExprKind::Bool(_, text) => self.out.push_str(text),
            ExprKind::Int(n) => self.out.push_str(&n.to_string()),
            ExprKind::Str(s, q) => self.out.push_str(&quote_str(s, *q)),
            ExprKind::Field(f) => self.out.push_str(f),
            ExprKind::Var(v) => {
                self.out.push('$');
                self.out.push_str(v);
            }
            ExprKind::List(items) => {
                self.out.push('[');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(it, level);
                }
                self.out.push(']');
            }
            ExprKind::Index(base, idx) => {
                self.expr(base, level);
                self.out.push('[');
                self.expr(idx, level);
                self.out.push(']');
            }
            ExprKind::Call(name, args) => {
                self.out.push_str(name);
                self.out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(a, level);
                }
                self.out.push(')');
            }
            ExprKind::Unary(op, inner) => {
                match op {
                    UnOp::Not => self.out.push_str("not "),
                    UnOp::Neg => self.out.push('-'),
                }
                let needs = matches!(inner.kind, ExprKind::Binary(..));
                if needs {
                    self.out.push('(');
                }
                self.expr(inner, level);
                if needs {
                    self.out.push(')');
                }
            }
            ExprKind::Binary(op, l, r) => {
                self.operand(l, *op, false, level);
                self.out.push(' ');
                self.out.push_str(op.text());
                self.out.push(' ');
                self.operand(r, *op, true, level);
            }
            ExprKind::Paren(inner) => {
                self.out.push('(');
                self.expr(inner, level);
                self.out.push(')');
            }
            ExprKind::If {
                branches,
                otherwise,
            } => {
                for (i, (c, v)) in branches.iter().enumerate() {
                    self.out.push_str(if i == 0 { "if " } else { " elif " });
                    self.expr(c, level);
                    self.out.push_str(" then ");
                    self.expr(v, level);
                }
                if let Some(v) = otherwise {
                    self.out.push_str(" else ");
                    self.expr(v, level);
                }
                self.out.push_str(" endif");
            }
            ExprKind::Switch { subject, cases } => {
                self.out.push_str("switch ");
                self.expr(subject, level);
                self.out.push('\n');
                for (label, value) in cases {
                    self.indent(level + 1);
                    self.out.push_str("case ");
                    self.expr(label, level + 1);
                    self.out.push(' ');
                    self.expr(value, level + 1);
                    self.out.push('\n');
                }
                self.indent(level);
                self.out.push_str("endswitch");
            }
        }
    }

    /// Prints an operand, adding parentheses where precedence needs them.
    fn operand(&mut self, e: &Expr, parent: BinOp, right: bool, level: usize) {
        let needs = match &e.kind {
            ExprKind::Binary(op, ..) => {
                op.precedence() < parent.precedence()
                    || (right && op.precedence() == parent.precedence())
            }
            ExprKind::Unary(UnOp::Not, _) => parent.precedence() > 3,
            _ => false,
        };
        if needs {
            self.out.push('(');
        }
        self.expr(e, level);
        if needs {
            self.out.push(')');
        }
    }
}
