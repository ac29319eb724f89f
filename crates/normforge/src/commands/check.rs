//! `normforge check`: compile formulas and print their diagnostics.

use std::path::PathBuf;

use xp_eval::{CompileOptions, Rule};
use xp_syntax::render_all;

use crate::exit::{INPUT, OK};

pub fn run(paths: &[PathBuf], strict: bool) -> anyhow::Result<u8> {
    let files = super::formula_files(paths)?;
    let mut bad = 0;
    for f in &files {
        let src = xp_package::read_text(f)?;
        let name = f.to_string_lossy();
        match Rule::compile(&src, CompileOptions { strict }) {
            Ok(r) => crate::out!("{}", render_all(&r.warnings, &name, &src))?,
            Err(d) => {
                bad += 1;
                crate::out!("{}", render_all(&d, &name, &src))?;
            }
        }
    }
    crate::outln!("{} formulas, {} with errors", files.len(), bad)?;
    // A formula with errors is invalid input (README, exit codes).
    Ok(if bad > 0 { INPUT } else { OK })
}
