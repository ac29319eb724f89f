//! XP syntax: lexer, parser, syntax tree, TEXT format-string grammar, formatter and coded
//! diagnostics. No IO, no dependencies on other workspace crates.
//!
//! Parsing never fails: [`parse_formula`] returns the tree it could build plus a list of
//! [`Diagnostic`]s, each with a stable [`Code`] and a [`Span`].
//!
//! ```
//! let (formula, diags) = xp_syntax::parse_formula("JSON = ''\naction = \"login\"\nid = \"X\"\n");
//! assert!(diags.is_empty());
//! assert_eq!(xp_syntax::print_formula(&formula), "JSON = ''\n\naction = \"login\"\nid = \"X\"\n");
//! ```
#![deny(missing_docs)]

pub mod ast;
pub mod codes;
pub mod diagnostic;
pub mod lexer;
pub mod parser;
pub mod printer;
pub mod span;
pub mod template;

pub use ast::{Expr, ExprKind, Formula, Header, HeaderKind, Stmt, Target};
pub use codes::Code;
pub use diagnostic::{render_all, Diagnostic, Severity};
pub use parser::{parse_expr, parse_formula};
pub use printer::{print_expr, print_formula, quote_str};
pub use span::Span;
pub use template::{parse_template, Template};
