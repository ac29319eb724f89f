//! Coded diagnostics with spans, and their plain-text rendering.

use crate::codes::Code;
use crate::span::{line_col, Span};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something worth knowing; the rule still works.
    Warning,
    /// The rule (or the input) cannot be used as it is.
    Error,
}

/// One problem found in XP source, a template or an input, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable code from [`Code`].
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence, no trailing dot.
    pub message: String,
    /// Where, in the source the diagnostic belongs to (`None`: the whole input).
    pub span: Option<Span>,
    /// Extra lines: hints on how to fix it.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            notes: Vec::new(),
        }
    }

    /// A warning at `span`.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Warning,
            message: message.into(),
            span: Some(span),
            notes: Vec::new(),
        }
    }

    /// An error about the whole input.
    pub fn input_error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: None,
            notes: Vec::new(),
        }
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders as `error[XP0101]: message` + `--> file:line:col` + the source line with a caret.
    pub fn render(&self, file: &str, source: &str) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{sev}[{}]: {}\n", self.code, self.message);
        match self.span {
            Some(span) => {
                let (line, col) = line_col(source, span.start as usize);
                let text = source
                    .lines()
                    .nth(line - 1)
                    .unwrap_or("")
                    .trim_end_matches('\r');
                let gutter = line.to_string();
                let pad = " ".repeat(gutter.len());
                out.push_str(&format!("{pad}--> {file}:{line}:{col}\n"));
                let (_, end_col) = line_col(source, span.end as usize);
                let (end_line, _) = line_col(source, span.end as usize);
                let width = if end_line == line && end_col > col {
                    end_col - col
                } else {
                    1
                };
                // A long line is shown as a window around the span, so a diagnostic stays
                // readable (and small) on a formula of one 25 KB line.
                let (shown, caret, width) = window(text, col - 1, width);
                out.push_str(&format!(
                    "{pad} |\n{gutter} | {shown}\n{pad} | {}{}\n",
                    " ".repeat(caret),
                    "^".repeat(width)
                ));
            }
            None => out.push_str(&format!(" --> {file}\n")),
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        out
    }
}

/// Characters of a source line shown around a span at most.
const SHOWN: usize = 120;

/// The part of `text` shown for a span at character `col` of `width` characters, with the
/// caret's column in it and its width: the whole line when short, else a window of [`SHOWN`]
/// characters from a little before the span, cut ends marked with `…`.
fn window(text: &str, col: usize, width: usize) -> (String, usize, usize) {
    let len = text.chars().count();
    if len <= SHOWN {
        return (text.to_string(), col, width);
    }
    let from = col.saturating_sub(SHOWN / 4).min(len.saturating_sub(SHOWN));
    let to = (from + SHOWN).min(len);
    let mut shown: String = text.chars().skip(from).take(to - from).collect();
    let mut caret = col - from;
    if from > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if to < len {
        shown.push('…');
    }
    let width = width.min(to.saturating_sub(col).max(1));
    (shown, caret, width)
}

/// Renders a list of diagnostics, one after another.
pub fn render_all(diags: &[Diagnostic], file: &str, source: &str) -> String {
    diags.iter().map(|d| d.render(file, source)).collect()
}
