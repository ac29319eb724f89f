//! The `normforge` binary: argument parsing and dispatch only; the work is in the libraries.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod exit;
mod out;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// Events allocate many small values; mimalloc serves them faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) if out::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let code = exit::code_of(&e);
            eprintln!("normforge: {e:#}");
            ExitCode::from(code)
        }
    }
}
