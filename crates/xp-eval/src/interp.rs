//! Running a [`Program`] on one raw event.

use std::sync::Arc;

use xp_syntax::ast::{BinOp, HeaderKind};
use xp_syntax::{Code, Diagnostic};

use crate::builtins;
use crate::input::{self, Bindings};
use crate::program::{HeaderImpl, Program, Slot, Unit, E, ENV_NAMES, S};
use crate::text::MatchOutcome;
use crate::typing;
use crate::value::{Str, Value};

/// Deepest nesting of `submessage` calls.
pub const MAX_SUBMESSAGE_DEPTH: u32 = 16;

/// Why a unit did not apply.
#[derive(Clone, Debug, PartialEq)]
pub enum Miss {
    /// The header (format string or filter) does not match.
    Header(String),
    /// COND is false.
    Cond,
}

pub(crate) enum Applied {
    Done,
    Dropped,
}

/// Input for a unit.
pub(crate) enum Input<'a> {
    Text(&'a str),
}

pub(crate) struct Ctx<'p> {
    pub p: &'p Program,
    pub fields: Vec<Value>,
    pub vars: Vec<Value>,
    pub env: Vec<Value>,
    pub year: i32,
    pub depth: u32,
    pub warnings: Vec<Diagnostic>,
    dropped: bool,
}

impl<'p> Ctx<'p> {
    pub fn new(p: &'p Program, env: Vec<Value>, year: i32) -> Ctx<'p> {
        Ctx {
            p,
            fields: nulls(p.fields.len()),
            vars: nulls(p.vars.len()),
            env,
            year,
            depth: 0,
            warnings: Vec::new(),
            dropped: false,
        }
    }

    #[inline]
    fn set(&mut self, slot: Slot, v: Value) {
        match slot {
            Slot::Var(i) => self.vars[i as usize] = v,
            Slot::Field(i) => {
                let info = &self.p.fields[i as usize];
                if v.is_null() {
                    self.fields[i as usize] = Value::Null;
                    return;
                }
                match typing::coerce(info.ty, v, self.year) {
                    Ok(c) => self.fields[i as usize] = c,
                    Err(kept) => {
                        self.fields[i as usize] = Value::Null;
                        if self.warnings.len() < 32 {
                            let shown = kept.to_text().unwrap_or_default();
                            self.warnings.push(Diagnostic::input_error(
                                Code::FieldTypeMismatch,
                                format!("`{shown}` is not a valid {} for field `{}`; the field is left unset", info.ty.map_or("value", |t| t.name()), info.name),
                            ));
                            if let Some(w) = self.warnings.last_mut() {
                                w.severity = xp_syntax::Severity::Warning;
                            }
                        }
                    }
                }
            }
        }
    }

    fn bind(&mut self, b: Bindings) {
        for (k, v) in b {
            if let Some(&i) = self.p.var_index.get(&*k) {
                self.vars[i as usize] = v;
            }
        }
    }

    /// Applies the header of `unit` to `input`; on success the captures/bindings are set.
    pub fn apply_header(
        &mut self,
        unit: &Unit,
        text: &str,
    ) -> Result<Result<(), Miss>, Diagnostic> {
        match &unit.header {
            HeaderImpl::Text(m, slots) => match m.match_text(text, self.year) {
                MatchOutcome::Matched(caps) => {
                    for (t, v) in caps {
                        self.set(slots[t as usize], v);
                    }
                    Ok(Ok(()))
                }
                MatchOutcome::NoMatch => Ok(Err(Miss::Header("the TEXT format string does not match".into()))),
                MatchOutcome::Budget => Err(Diagnostic::input_error(Code::MatchBudget, "the TEXT format string took too many steps on this event; simplify the template (fewer STRING*/LITERAL* tokens)")),
            },
            HeaderImpl::Filtered(HeaderKind::Eventlog, f) => {
                let p = self.p;
                let want = |k: &str| p.var_index.contains_key(k) || f.conds.iter().any(|(path, _)| path[0] == k);
                let data_keys = p.var_index.get("Data").and_then(|&i| p.var_keys[i as usize].as_ref());
                let (system, b) = input::eventlog::decode_eventlog_with(text, &want, data_keys).map_err(input_diag)?;
                if !f.matches(&system, None) {
                    return Ok(Err(Miss::Header(format!("the EVENTLOG filter `{}` does not match", describe_filter(f)))));
                }
                self.bind(b);
                Ok(Ok(()))
            }
            HeaderImpl::Filtered(HeaderKind::Cef, f) => {
                let b = input::cef::decode_cef(text).map_err(input_diag)?;
                if !f.is_empty() && !f.matches(&input::bindings_map(&b), None) {
                    return Ok(Err(Miss::Header(format!("the CEF filter `{}` does not match", describe_filter(f)))));
                }
                self.bind(b);
                Ok(Ok(()))
            }
            HeaderImpl::Filtered(_, f) => {
                let bad = input_diag;
                let entries = input::lazy::raw_entries(text.trim()).map_err(bad)?;
                let p = self.p;
                let mut root = crate::value::Map::new();
                for (path, _) in &f.conds {
                    if let Some(v) = input::lazy::find(&entries, &path[0]) {
                        root.push(crate::value::Str::new(&path[0]), input::lazy::value(v).map_err(bad)?);
                    }
                }
                if !f.matches(&Value::Map(Arc::new(root)), None) {
                    return Ok(Err(Miss::Header(format!("the JSON filter `{}` does not match", describe_filter(f)))));
                }
                let mut b: Bindings = Vec::with_capacity(entries.len());
                for (k, v) in entries.iter().filter(|(k, _)| p.var_index.contains_key(&**k)) {
                    b.push((crate::value::Str::new(k), input::lazy::value(v).map_err(bad)?));
                }
                self.bind(b);
                Ok(Ok(()))
            }
            HeaderImpl::Tabular(sep) => {
                let b = input::tabular::decode_tabular(text, sep).map_err(input_diag)?;
                self.bind(b);
                Ok(Ok(()))
            }
            HeaderImpl::Xml(root) => {
                let (name, v) = input::xml::parse_xml(text.trim(), "!").map_err(input_diag)?;
                if !root.is_empty() && name != *root {
                    return Ok(Err(Miss::Header(format!("the XML root is <{name}>, not <{root}>"))));
                }
                self.bind(vec![(Str::new(&name), v)]);
                Ok(Ok(()))
            }
        }
    }

    /// Runs a whole unit: header, COND, body.
    pub fn run_unit(
        &mut self,
        unit: &Unit,
        input: Input<'_>,
    ) -> Result<Result<Applied, Miss>, Diagnostic> {
        let Input::Text(text) = input;
        let snapshot = (unit.cond.is_some() && self.depth > 0)
            .then(|| (self.fields.clone(), self.vars.clone()));
        if let Err(miss) = self.apply_header(unit, text)? {
            return Ok(Err(miss));
        }
        if let Some(c) = &unit.cond {
            if !self.eval(c).truthy() {
                if let Some((f, v)) = snapshot {
                    self.fields = f;
                    self.vars = v;
                }
                return Ok(Err(Miss::Cond));
            }
        }
        self.exec(&unit.body);
        Ok(Ok(if self.dropped {
            Applied::Dropped
        } else {
            Applied::Done
        }))
    }

    fn exec(&mut self, stmts: &[S]) {
        for s in stmts {
            if self.dropped {
                return;
            }
            match s {
                S::Assign(slot, e) => {
                    let v = self.eval(e);
                    self.set(*slot, v);
                }
                S::SetConst(i, v) => self.fields[*i as usize] = v.clone(),
                S::If(branches, otherwise) => {
                    let mut done = false;
                    for (c, b) in branches {
                        if self.eval(c).truthy() {
                            self.exec(b);
                            done = true;
                            break;
                        }
                    }
                    if !done {
                        if let Some(b) = otherwise {
                            self.exec(b);
                        }
                    }
                }
                S::Switch(subject, cases) => {
                    let v = self.eval(subject);
                    for (l, b) in cases {
                        if self.eval(l).loose_eq(&v) {
                            self.exec(b);
                            break;
                        }
                    }
                }
                S::Drop => self.dropped = true,
                S::Eval(e) => {
                    self.eval(e);
                }
            }
        }
    }

    pub fn eval(&mut self, e: &E) -> Value {
        match e {
            E::Const(v) => v.clone(),
            E::Field(i) => self.fields[*i as usize].clone(),
            E::Env(env, slot) => {
                let f = &self.fields[*slot as usize];
                if f.is_null() {
                    self.env.get(*env as usize).cloned().unwrap_or(Value::Null)
                } else {
                    f.clone()
                }
            }
            E::Var(i) => self.vars[*i as usize].clone(),
            E::List(items) => Value::List(Arc::new(items.iter().map(|i| self.eval(i)).collect())),
            E::VarKey(slot, key) => self.vars[*slot as usize].index(key),
            E::Index(b, i) => {
                let base = self.eval(b);
                let idx = self.eval(i);
                base.index(&idx)
            }
            E::Call(b, args) => {
                // Arguments on the stack: built-ins take at most a handful.
                let vals: smallvec::SmallVec<[Value; 4]> =
                    args.iter().map(|a| self.eval(a)).collect();
                builtins::call(*b, &vals, self.year)
            }
            E::Submessage(ids, arg) => {
                let v = self.eval(arg);
                self.submessage(ids, v);
                Value::Null
            }
            E::Not(x) => Value::Bool(!self.eval(x).truthy()),
            E::Neg(x) => match self.eval(x) {
                Value::Int(n) => Value::Int(n.wrapping_neg()),
                Value::Float(f) => Value::Float(-f),
                other => other.as_int().map_or(Value::Null, |n| Value::Int(-n)),
            },
            E::Bin(op, l, r) => self.binary(*op, l, r),
            E::If(branches, otherwise) => {
                for (c, v) in branches {
                    if self.eval(c).truthy() {
                        return self.eval(v);
                    }
                }
                otherwise.as_ref().map_or(Value::Null, |v| self.eval(v))
            }
            E::Switch(subject, cases) => {
                let v = self.eval(subject);
                for (l, r) in cases {
                    if self.eval(l).loose_eq(&v) {
                        return self.eval(r);
                    }
                }
                Value::Null
            }
        }
    }

    fn submessage(&mut self, ids: &[u32], v: Value) {
        let Some(text) = v.to_text() else { return };
        if self.depth >= MAX_SUBMESSAGE_DEPTH {
            return;
        }
        self.depth += 1;
        let p = self.p;
        for &id in ids {
            let unit = &p.subs[id as usize];
            match self.run_unit(unit, Input::Text(&text)) {
                Ok(Ok(_)) => break,
                Ok(Err(_)) => continue,
                Err(d) => {
                    // A submessage that cannot parse its input is a miss, reported as a warning.
                    let mut d = d;
                    d.severity = xp_syntax::Severity::Warning;
                    if self.warnings.len() < 32 {
                        self.warnings.push(d);
                    }
                    continue;
                }
            }
        }
        self.depth -= 1;
    }

    fn binary(&mut self, op: BinOp, l: &E, r: &E) -> Value {
        match op {
            BinOp::And => {
                let a = self.eval(l).truthy();
                Value::Bool(a && self.eval(r).truthy())
            }
            BinOp::Or => {
                let a = self.eval(l).truthy();
                Value::Bool(a || self.eval(r).truthy())
            }
            _ => {
                let a = self.eval(l);
                let b = self.eval(r);
                binary_values(op, &a, &b)
            }
        }
    }
}

/// `n` nulls (written as such, not cloned one by one).
fn nulls(n: usize) -> Vec<Value> {
    let mut v = Vec::with_capacity(n);
    v.resize_with(n, || Value::Null);
    v
}

/// A diagnostic for an input that cannot be read: XP0403 when it is nested too deep,
/// XP0401 otherwise.
fn input_diag(message: String) -> Diagnostic {
    let code = if message.contains("nested deeper") {
        Code::InputTooDeep
    } else {
        Code::InvalidInput
    };
    Diagnostic::input_error(code, message)
}

fn describe_filter(f: &input::Filter) -> String {
    f.conds
        .iter()
        .map(|(p, v)| format!("{}=\"{v}\"", p.join(".")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Evaluates a non-logical binary operator on two values.
pub fn binary_values(op: BinOp, a: &Value, b: &Value) -> Value {
    use std::cmp::Ordering::*;
    match op {
        BinOp::Eq => Value::Bool(a.loose_eq(b)),
        BinOp::Ne => Value::Bool(!a.loose_eq(b)),
        BinOp::Lt => Value::Bool(a.loose_cmp(b) == Some(Less)),
        BinOp::Le => Value::Bool(matches!(a.loose_cmp(b), Some(Less | Equal))),
        BinOp::Gt => Value::Bool(a.loose_cmp(b) == Some(Greater)),
        BinOp::Ge => Value::Bool(matches!(a.loose_cmp(b), Some(Greater | Equal))),
        BinOp::Add => match (a, b) {
            (Value::Null, Value::Null) => Value::Null,
            // In concatenation null is the empty string: `null + "\\" + "x"` is `\x`.
            (Value::Null, Value::Str(_)) => b.clone(),
            (Value::Str(_), Value::Null) => a.clone(),
            (Value::Null, _) | (_, Value::Null) => Value::Null,
            (Value::Int(x), Value::Int(y)) => Value::Int(x.wrapping_add(*y)),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                Value::Float(a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0))
            }
            (Value::List(x), Value::List(y)) => {
                Value::List(Arc::new(x.iter().chain(y.iter()).cloned().collect()))
            }
            _ => match (a.to_text(), b.to_text()) {
                (Some(x), Some(y)) => Value::from(x + &y),
                _ => Value::Null,
            },
        },
        BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => match (a.as_int(), b.as_int(), a, b) {
            (Some(x), Some(y), Value::Int(_) | Value::Str(_), Value::Int(_) | Value::Str(_)) => {
                match op {
                    BinOp::Sub => Value::Int(x.wrapping_sub(y)),
                    BinOp::Mul => Value::Int(x.wrapping_mul(y)),
                    BinOp::Div if y != 0 => Value::Int(x.wrapping_div(y)),
                    BinOp::Rem if y != 0 => Value::Int(x.wrapping_rem(y)),
                    _ => Value::Null,
                }
            }
            _ => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => match op {
                    BinOp::Sub => Value::Float(x - y),
                    BinOp::Mul => Value::Float(x * y),
                    BinOp::Div if y != 0.0 => Value::Float(x / y),
                    BinOp::Rem if y != 0.0 => Value::Float(x % y),
                    _ => Value::Null,
                },
                _ => Value::Null,
            },
        },
        BinOp::And | BinOp::Or => Value::Bool(false),
    }
}

/// Envelope defaults for a run.
pub fn env_values(recv_ipv4: std::net::IpAddr, envelope: Option<&crate::value::Map>) -> Vec<Value> {
    ENV_NAMES
        .iter()
        .map(|name| {
            if let Some(v) = envelope.and_then(|m| m.get(name)) {
                if *name == "recv_ipv4" || *name == "recv_ipv6" {
                    if let Some(ip) = v.to_text().and_then(|s| crate::text::tokens::parse_ip(&s)) {
                        return Value::Ip(ip);
                    }
                }
                return v.clone();
            }
            if *name == "recv_ipv4" {
                Value::Ip(recv_ipv4)
            } else {
                Value::Null
            }
        })
        .collect()
}
