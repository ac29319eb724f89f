//! Compilation of a parsed formula into a [`Program`]: names resolved to slots, functions and
//! subformulas looked up, templates and header filters compiled, fields checked against the
//! taxonomy. All problems are diagnostics.

use std::collections::HashMap;

use xp_syntax::ast::{
    BinOp, Cond, Expr, ExprKind, Formula, Header, HeaderKind, Stmt, Target, UnOp,
};
use xp_syntax::{parse_template, Code, Diagnostic, Span};
use xp_taxonomy::{FieldType, Taxonomy};

use crate::builtins::{self, Builtin};
use crate::input::Filter;
use crate::text::Matcher;
use crate::value::Value;

/// Identifiers that read the transport envelope (or the run's defaults) rather than a field.
pub const ENV_NAMES: &[&str] = xp_taxonomy::ENVELOPE_NAMES;

/// Where a value is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A normalized field.
    Field(u32),
    /// A variable.
    Var(u32),
}

/// Compiled expression.
#[derive(Clone, Debug)]
pub enum E {
    /// Constant.
    Const(Value),
    /// Field read.
    Field(u32),
    /// Envelope identifier: the field if assigned, else the envelope value.
    Env(u32, u32),
    /// Variable read.
    Var(u32),
    /// List literal.
    List(Vec<E>),
    /// Indexing.
    Index(Box<E>, Box<E>),
    /// `$var["key"]`: indexing a variable with a constant (no copy of the container).
    VarKey(u32, Value),
    /// Built-in call.
    Call(Builtin, Vec<E>),
    /// `submessage(kind, name, value)` over the subformulas of that name.
    Submessage(Vec<u32>, Box<E>),
    /// `not`.
    Not(Box<E>),
    /// Unary minus.
    Neg(Box<E>),
    /// Binary operator.
    Bin(BinOp, Box<E>, Box<E>),
    /// `if` expression.
    If(Vec<(E, E)>, Option<Box<E>>),
    /// `switch` expression.
    Switch(Box<E>, Vec<(E, E)>),
}

/// Compiled statement.
#[derive(Clone, Debug)]
pub enum S {
    /// Assignment.
    Assign(Slot, E),
    /// A constant assigned to a field, already converted to the field's type (a conversion
    /// that does not depend on the run: not to a datetime, whose year-less forms take the
    /// run's year; one that fails stays an [`S::Assign`], which warns at run time).
    SetConst(u32, Value),
    /// `if` statement.
    If(Vec<(E, Vec<S>)>, Option<Vec<S>>),
    /// `switch` statement.
    Switch(E, Vec<(E, Vec<S>)>),
    /// `drop`.
    Drop,
    /// Expression for effect.
    Eval(E),
}

/// The compiled header of a formula or subformula.
#[derive(Clone, Debug)]
pub enum HeaderImpl {
    /// TEXT template and where each capture goes.
    Text(Box<Matcher>, Vec<Slot>),
    /// JSON / EVENTLOG / CEF with a filter.
    Filtered(HeaderKind, Filter),
    /// TABULAR with its separator.
    Tabular(String),
    /// XML with its root element name (`""`: any).
    Xml(String),
}

/// A compiled formula or subformula body.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Name (subformulas) or empty.
    pub name: String,
    /// The header.
    pub header: HeaderImpl,
    /// Declared with `!`.
    pub bang: bool,
    /// COND.
    pub cond: Option<E>,
    /// Statements.
    pub body: Vec<S>,
}

/// Information about a field slot.
#[derive(Clone, Debug)]
pub struct FieldInfo {
    /// Dotted name.
    pub name: std::sync::Arc<str>,
    /// Taxonomy type (`None`: not in the taxonomy).
    pub ty: Option<FieldType>,
    /// Assigned somewhere (not only read).
    pub assigned: bool,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Program {
    /// The top-level unit.
    pub main: Unit,
    /// Subformulas, in file order.
    pub subs: Vec<Unit>,
    /// Field slots.
    pub fields: std::sync::Arc<[FieldInfo]>,
    /// Variable names by slot.
    pub vars: Vec<String>,
    /// Variable slot by name.
    pub var_index: rustc_hash::FxHashMap<String, u32>,
    /// Field slots in output order (by name).
    pub out_order: Vec<u32>,
    /// The literal `id = "…"` value, when the formula assigns one.
    pub id: Option<String>,
    /// Whether the formula reads envelope identifiers such as `recv_ipv4`.
    pub uses_env: bool,
    /// Per variable slot: the literal keys it is indexed with when that is its only use
    /// (`$Data["TargetUserName"]`), so inputs may skip the other members; `None` when the
    /// whole value is used.
    pub var_keys: Vec<Option<rustc_hash::FxHashSet<String>>>,
}

/// Compile options.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompileOptions {
    /// Unknown fields are errors, not warnings.
    pub strict: bool,
}

struct Compiler<'a> {
    tax: &'a Taxonomy,
    opts: CompileOptions,
    fields: Vec<FieldInfo>,
    field_index: HashMap<String, u32>,
    vars: Vec<String>,
    var_index: rustc_hash::FxHashMap<String, u32>,
    sub_names: HashMap<String, Vec<u32>>,
    diags: Vec<Diagnostic>,
    uses_env: bool,
    var_keys: Vec<Option<rustc_hash::FxHashSet<String>>>,
    id: Option<String>,
    /// Offset of a header's format string in the source, for template diagnostics.
    warned_fields: std::collections::HashSet<String>,
}

/// Compiles a parsed formula. `source` is used only to place template diagnostics.
pub fn compile(
    f: &Formula,
    source: &str,
    tax: &Taxonomy,
    opts: CompileOptions,
) -> (Option<Program>, Vec<Diagnostic>) {
    let mut c = Compiler {
        tax,
        opts,
        fields: Vec::new(),
        field_index: HashMap::new(),
        vars: Vec::new(),
        var_index: Default::default(),
        sub_names: HashMap::new(),
        diags: Vec::new(),
        uses_env: false,
        var_keys: Vec::new(),
        id: None,
        warned_fields: Default::default(),
    };
    // Subformula names first, so `submessage` may come before the declaration.
    let mut decls = Vec::new();
    collect_subs(&f.body, &mut decls);
    for (i, sf) in decls.iter().enumerate() {
        c.sub_names
            .entry(sf.name.clone())
            .or_default()
            .push(i as u32);
    }
    let subs: Vec<Unit> = decls
        .iter()
        .map(|sf| {
            c.unit(
                &sf.name,
                sf.header.as_ref(),
                sf.cond.as_ref(),
                &sf.body,
                source,
            )
        })
        .collect();
    let Some(header) = f.header.as_ref() else {
        return (None, c.diags);
    };
    let main = c.unit("", Some(header), f.cond.as_ref(), &f.body, source);
    let mut out_order: Vec<u32> = (0..c.fields.len() as u32).collect();
    out_order.sort_by(|a, b| c.fields[*a as usize].name.cmp(&c.fields[*b as usize].name));
    let has_errors = c.diags.iter().any(Diagnostic::is_error);
    let prog = Program {
        main,
        subs,
        fields: c.fields.into(),
        vars: c.vars,
        var_index: c.var_index,
        out_order,
        id: c.id,
        uses_env: c.uses_env,
        var_keys: c.var_keys,
    };
    (if has_errors { None } else { Some(prog) }, c.diags)
}

fn collect_subs<'a>(stmts: &'a [Stmt], out: &mut Vec<&'a xp_syntax::ast::Subformula>) {
    for s in stmts {
        match s {
            Stmt::Subformula(sf) => out.push(sf),
            Stmt::If {
                branches,
                otherwise,
                ..
            } => {
                for (_, b) in branches {
                    collect_subs(b, out);
                }
                if let Some(b) = otherwise {
                    collect_subs(b, out);
                }
            }
            Stmt::Switch { cases, .. } => {
                for (_, b) in cases {
                    collect_subs(b, out);
                }
            }
            _ => {}
        }
    }
}

impl Compiler<'_> {
    fn unit(
        &mut self,
        name: &str,
        header: Option<&Header>,
        cond: Option<&Cond>,
        body: &[Stmt],
        source: &str,
    ) -> Unit {
        let (header_impl, bang) = match header {
            Some(h) => (self.header(h, source), h.bang),
            None => (
                HeaderImpl::Text(
                    Box::new(Matcher::new(&parse_template("{REST}").0)),
                    Vec::new(),
                ),
                false,
            ),
        };
        let cond = cond.map(|c| self.expr(&c.expr));
        let body = self.block(body);
        Unit {
            name: name.to_string(),
            header: header_impl,
            bang,
            cond,
            body,
        }
    }

    fn header(&mut self, h: &Header, source: &str) -> HeaderImpl {
        match h.kind {
            HeaderKind::Text => {
                let (t, diags) = parse_template(&h.format);
                // Place template diagnostics in the source when the literal has no escapes.
                let raw = source.get(
                    h.format_span.start as usize + 1..h.format_span.end.saturating_sub(1) as usize,
                );
                let exact = raw == Some(h.format.as_str());
                for mut d in diags {
                    d.span = Some(match (exact, d.span) {
                        (true, Some(s)) => s.shifted(h.format_span.start + 1),
                        _ => h.format_span,
                    });
                    self.diags.push(d);
                }
                let matcher = Matcher::new(&t);
                let slots = matcher
                    .targets()
                    .iter()
                    .map(|tg| self.target(tg, h.format_span, true))
                    .collect();
                HeaderImpl::Text(Box::new(matcher), slots)
            }
            HeaderKind::Json | HeaderKind::Eventlog | HeaderKind::Cef => {
                match Filter::parse(&h.format) {
                    Ok(f) => HeaderImpl::Filtered(h.kind, f),
                    Err(e) => {
                        self.diags
                            .push(Diagnostic::error(Code::BadHeaderFilter, h.format_span, e));
                        HeaderImpl::Filtered(h.kind, Filter::default())
                    }
                }
            }
            HeaderKind::Tabular => HeaderImpl::Tabular(h.format.clone()),
            HeaderKind::Xml => HeaderImpl::Xml(h.format.trim().to_string()),
        }
    }

    fn field_slot(&mut self, name: &str, span: Span, assigned: bool) -> u32 {
        if let Some(&i) = self.field_index.get(name) {
            if assigned {
                self.fields[i as usize].assigned = true;
            }
            return i;
        }
        let ty = self.tax.type_of(name);
        let i = self.fields.len() as u32;
        self.fields.push(FieldInfo {
            name: std::sync::Arc::from(name),
            ty,
            assigned,
        });
        self.field_index.insert(name.to_string(), i);
        let _ = span;
        i
    }

    fn check_taxonomy(&mut self, name: &str, span: Span) {
        if self.tax.type_of(name).is_none() && self.warned_fields.insert(name.to_string()) {
            let msg = format!("field `{name}` is not in the taxonomy");
            let d = if self.opts.strict {
                Diagnostic::error(Code::UnknownField, span, msg)
            } else {
                Diagnostic::warning(Code::UnknownField, span, msg)
            };
            self.diags
                .push(d.with_note("see schema/taxonomy.tsv for the known fields"));
        }
    }

    fn var_slot(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.var_index.get(name) {
            return i;
        }
        let i = self.vars.len() as u32;
        self.vars.push(name.to_string());
        self.var_keys.push(Some(Default::default()));
        self.var_index.insert(name.to_string(), i);
        i
    }

    fn target(&mut self, t: &Target, span: Span, assigned: bool) -> Slot {
        match t {
            Target::Field(f) => {
                if assigned {
                    self.check_taxonomy(f, span);
                }
                Slot::Field(self.field_slot(f, span, assigned))
            }
            Target::Var(v) => Slot::Var(self.var_slot(v)),
        }
    }

    fn block(&mut self, stmts: &[Stmt]) -> Vec<S> {
        stmts.iter().filter_map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, s: &Stmt) -> Option<S> {
        Some(match s {
            Stmt::Assign {
                target,
                value,
                span,
            } => {
                if let (Target::Field(f), ExprKind::Str(v, _)) = (target, &value.kind) {
                    if f == "id" {
                        self.id = Some(v.clone());
                    }
                }
                let e = self.expr(value);
                let slot = self.target(target, *span, true);
                if let (Slot::Field(i), E::Const(v)) = (slot, &e) {
                    let ty = self.fields[i as usize].ty;
                    if v.is_null() {
                        return Some(S::SetConst(i, Value::Null));
                    }
                    if ty != Some(FieldType::Datetime) {
                        if let Ok(c) = crate::typing::coerce(ty, v.clone(), 0) {
                            return Some(S::SetConst(i, c));
                        }
                    }
                }
                S::Assign(slot, e)
            }
            Stmt::If {
                branches,
                otherwise,
                ..
            } => S::If(
                branches
                    .iter()
                    .map(|(c, b)| (self.expr(c), self.block(b)))
                    .collect(),
                otherwise.as_ref().map(|b| self.block(b)),
            ),
            Stmt::Switch { subject, cases, .. } => S::Switch(
                self.expr(subject),
                cases
                    .iter()
                    .map(|(l, b)| (self.expr(l), self.block(b)))
                    .collect(),
            ),
            Stmt::Drop(_) => S::Drop,
            Stmt::Expr(e) => S::Eval(self.expr(e)),
            Stmt::Subformula(_) | Stmt::Comment { .. } | Stmt::Blank => return None,
        })
    }

    fn expr(&mut self, e: &Expr) -> E {
        match &e.kind {
            ExprKind::Null => E::Const(Value::Null),
            ExprKind::Bool(b, _) => E::Const(Value::Bool(*b)),
            ExprKind::Int(n) => E::Const(Value::Int(*n)),
            ExprKind::Str(s, _) => E::Const(Value::str(s)),
            ExprKind::Field(name) => {
                let slot = self.field_slot(name, e.span, false);
                match ENV_NAMES.iter().position(|n| n == name) {
                    Some(i) => {
                        self.uses_env = true;
                        E::Env(i as u32, slot)
                    }
                    None => E::Field(slot),
                }
            }
            ExprKind::Var(v) => {
                let i = self.var_slot(v);
                self.var_keys[i as usize] = None;
                E::Var(i)
            }
            ExprKind::List(items) => {
                let items: Vec<E> = items.iter().map(|i| self.expr(i)).collect();
                if items.iter().all(|i| matches!(i, E::Const(_))) {
                    E::Const(Value::List(std::sync::Arc::new(
                        items
                            .into_iter()
                            .map(|i| if let E::Const(v) = i { v } else { Value::Null })
                            .collect(),
                    )))
                } else {
                    E::List(items)
                }
            }
            ExprKind::Index(b, i) => match (&b.kind, &i.kind) {
                (ExprKind::Var(v), ExprKind::Str(key, _)) => {
                    let slot = self.var_slot(v);
                    if let Some(keys) = &mut self.var_keys[slot as usize] {
                        keys.insert(key.clone());
                    }
                    E::VarKey(slot, Value::str(key))
                }
                _ => E::Index(Box::new(self.expr(b)), Box::new(self.expr(i))),
            },
            ExprKind::Call(name, args) => self.call(name, args, e.span),
            ExprKind::Unary(UnOp::Not, x) => E::Not(Box::new(self.expr(x))),
            ExprKind::Unary(UnOp::Neg, x) => E::Neg(Box::new(self.expr(x))),
            ExprKind::Binary(op, l, r) => {
                E::Bin(*op, Box::new(self.expr(l)), Box::new(self.expr(r)))
            }
            ExprKind::Paren(x) => self.expr(x),
            ExprKind::If {
                branches,
                otherwise,
            } => E::If(
                branches
                    .iter()
                    .map(|(c, v)| (self.expr(c), self.expr(v)))
                    .collect(),
                otherwise.as_ref().map(|v| Box::new(self.expr(v))),
            ),
            ExprKind::Switch { subject, cases } => E::Switch(
                Box::new(self.expr(subject)),
                cases
                    .iter()
                    .map(|(l, v)| (self.expr(l), self.expr(v)))
                    .collect(),
            ),
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], span: Span) -> E {
        let Some((b, lo, hi)) = builtins::lookup(name) else {
            self.diags.push(Diagnostic::error(
                Code::UnknownFunction,
                span,
                format!("unknown function `{name}`"),
            ));
            return E::Const(Value::Null);
        };
        if args.len() < lo || args.len() > hi {
            let want = if lo == hi {
                lo.to_string()
            } else {
                format!("{lo} to {hi}")
            };
            let noun = if hi == 1 { "argument" } else { "arguments" };
            self.diags.push(Diagnostic::error(
                Code::WrongArity,
                span,
                format!("`{name}` takes {want} {noun}, found {}", args.len()),
            ));
            return E::Const(Value::Null);
        }
        if b == Builtin::Submessage {
            let sub = match &args[1].kind {
                ExprKind::Str(s, _) => s.clone(),
                _ => {
                    self.diags.push(Diagnostic::error(
                        Code::UnknownSubformula,
                        args[1].span,
                        "the subformula name of `submessage` must be a string literal",
                    ));
                    return E::Const(Value::Null);
                }
            };
            let Some(ids) = self.sub_names.get(&sub).cloned() else {
                self.diags.push(Diagnostic::error(
                    Code::UnknownSubformula,
                    args[1].span,
                    format!("no subformula named `{sub}`"),
                ));
                return E::Const(Value::Null);
            };
            return E::Submessage(ids, Box::new(self.expr(&args[2])));
        }
        E::Call(b, args.iter().map(|a| self.expr(a)).collect())
    }
}
