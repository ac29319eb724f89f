//! `normforge fmt`: the formatter.

use std::path::PathBuf;

use anyhow::Context;
use xp_syntax::{parse_formula, print_formula, render_all, Diagnostic};

use crate::exit::{Coded, FAILED, INPUT, OK};

pub fn run(paths: &[PathBuf], write: bool, check: bool) -> anyhow::Result<u8> {
    let files = super::formula_files(paths)?;
    let mut unformatted = 0;
    for f in &files {
        let src = xp_package::read_text(f)?;
        let (ast, diags) = parse_formula(&src);
        if diags.iter().any(Diagnostic::is_error) {
            eprint!("{}", render_all(&diags, &f.to_string_lossy(), &src));
            return Err(Coded(
                INPUT,
                format!("{}: cannot format a formula with errors", f.display()),
            )
            .into());
        }
        let out = print_formula(&ast);
        let normalized_src = src
            .strip_prefix('\u{feff}')
            .unwrap_or(&src)
            .replace("\r\n", "\n");
        if check {
            if out != normalized_src {
                crate::outln!("not formatted: {}", f.display())?;
                unformatted += 1;
            }
        } else if write {
            if out != normalized_src {
                std::fs::write(f, &out)
                    .with_context(|| format!("{}: cannot write", f.display()))?;
            }
        } else {
            crate::out!("{out}")?;
        }
    }
    Ok(if unformatted > 0 { FAILED } else { OK })
}
