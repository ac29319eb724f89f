//! The XP syntax tree. Every node carries the span it was parsed from.

use crate::span::Span;

/// A whole `formula.xp`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Formula {
    /// Comment lines before the header.
    pub leading_comments: Vec<String>,
    /// `KIND = '…'` (absent only in a broken file; a diagnostic says so).
    pub header: Option<Header>,
    /// `COND = …`.
    pub cond: Option<Cond>,
    /// Statements, in order (subformula declarations included where they stand).
    pub body: Vec<Stmt>,
}

/// Input kinds a header can declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderKind {
    /// Plain text, matched by a TEXT format string.
    Text,
    /// A JSON object.
    Json,
    /// A Windows event (JSON as in the KB raws, or `<Event>` XML).
    Eventlog,
    /// An XML document (submessages).
    Xml,
    /// ArcSight CEF (normforge extension).
    Cef,
    /// A delimited row with a header line (normforge extension).
    Tabular,
}

impl HeaderKind {
    /// From the keyword.
    pub fn from_keyword(s: &str) -> Option<HeaderKind> {
        Some(match s {
            "TEXT" => HeaderKind::Text,
            "JSON" => HeaderKind::Json,
            "EVENTLOG" => HeaderKind::Eventlog,
            "XML" => HeaderKind::Xml,
            "CEF" => HeaderKind::Cef,
            "TABULAR" => HeaderKind::Tabular,
            _ => return None,
        })
    }

    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            HeaderKind::Text => "TEXT",
            HeaderKind::Json => "JSON",
            HeaderKind::Eventlog => "EVENTLOG",
            HeaderKind::Xml => "XML",
            HeaderKind::Cef => "CEF",
            HeaderKind::Tabular => "TABULAR",
        }
    }
}

/// `[!]KIND = 'format'`.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Which input kind.
    pub kind: HeaderKind,
    /// Written with a leading `!`.
    pub bang: bool,
    /// The format string (escapes processed).
    pub format: String,
    /// Quote character used in the source.
    pub quote: char,
    /// Span of the format string literal, including quotes.
    pub format_span: Span,
    /// Span of the whole header statement.
    pub span: Span,
    /// A comment at the end of the header line.
    pub comment: Option<String>,
}

/// `[!]COND = expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cond {
    /// Written with a leading `!`.
    pub bang: bool,
    /// The condition.
    pub expr: Expr,
    /// Span of the statement.
    pub span: Span,
    /// A comment at the end of the COND's last line.
    pub comment: Option<String>,
}

/// `subformula "name" … endsubformula`.
#[derive(Clone, Debug, PartialEq)]
pub struct Subformula {
    /// Its name.
    pub name: String,
    /// The header inside.
    pub header: Option<Header>,
    /// Its COND.
    pub cond: Option<Cond>,
    /// Its statements.
    pub body: Vec<Stmt>,
    /// Span of the whole block.
    pub span: Span,
}

/// Where an assignment writes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A normalized field, `subject.account.name`.
    Field(String),
    /// A variable, `$name` (without `$`).
    Var(String),
}

impl Target {
    /// As written in source.
    pub fn source_text(&self) -> String {
        match self {
            Target::Field(f) => f.clone(),
            Target::Var(v) => format!("${v}"),
        }
    }
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `target = value`.
    Assign {
        /// Field or variable.
        target: Target,
        /// Value.
        value: Expr,
        /// Statement span.
        span: Span,
    },
    /// `if … then … elif … else … endif`.
    If {
        /// Condition and block for `if` and each `elif`.
        branches: Vec<(Expr, Vec<Stmt>)>,
        /// The `else` block.
        otherwise: Option<Vec<Stmt>>,
        /// Statement span.
        span: Span,
    },
    /// `switch e case … endswitch`.
    Switch {
        /// The value switched on.
        subject: Expr,
        /// Each case label and block.
        cases: Vec<(Expr, Vec<Stmt>)>,
        /// Statement span.
        span: Span,
    },
    /// `drop`.
    Drop(Span),
    /// A bare expression (a `submessage(...)` call).
    Expr(Expr),
    /// A subformula declaration.
    Subformula(Subformula),
    /// An empty line between statements (kept by the formatter, ignored by the compiler).
    Blank,
    /// A comment on a line of its own (`trailing`: written after code on the line before).
    Comment {
        /// Text after `#`.
        text: String,
        /// Was at the end of a code line.
        trailing: bool,
    },
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `or`, `||`
    Or,
    /// `and`, `&&`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

impl BinOp {
    /// Source text (word form for logic).
    pub fn text(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }

    /// Binding power: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 6,
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `not`, `!`
    Not,
    /// `-`
    Neg,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// Expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `null`
    Null,
    /// `true`, `True`, `false`, `False` (`text` keeps the spelling).
    Bool(bool, &'static str),
    /// Integer literal.
    Int(i64),
    /// String literal.
    Str(String, char),
    /// A field read, or a special identifier such as `recv_ipv4`.
    Field(String),
    /// `$var`.
    Var(String),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `base[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `name(args)`.
    Call(String, Vec<Expr>),
    /// `not e`, `-e`.
    Unary(UnOp, Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `(e)`.
    Paren(Box<Expr>),
    /// `if c then a elif … else b endif` as an expression.
    If {
        /// Conditions and values.
        branches: Vec<(Expr, Expr)>,
        /// Else value.
        otherwise: Option<Box<Expr>>,
    },
    /// `switch e case l v … endswitch` as an expression.
    Switch {
        /// The value switched on.
        subject: Box<Expr>,
        /// Labels and values.
        cases: Vec<(Expr, Expr)>,
    },
}
