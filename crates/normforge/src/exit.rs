//! The one exit-code table of every command:
//! 0 success; 1 checks failed (mismatch, no match, regression); 2 usage (clap);
//! 3 unreadable or invalid input.

/// Success.
pub const OK: u8 = 0;
/// Checks failed.
pub const FAILED: u8 = 1;
/// Usage (clap's own errors, and option combinations clap cannot see).
pub const USAGE: u8 = 2;
/// Unreadable or invalid input.
pub const INPUT: u8 = 3;

/// An error that carries its exit code.
#[derive(Debug)]
pub struct Coded(pub u8, pub String);

impl std::fmt::Display for Coded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

impl std::error::Error for Coded {}

/// The exit code of an error: its own when it has one, else 3 (input).
pub fn code_of(e: &anyhow::Error) -> u8 {
    e.downcast_ref::<Coded>().map_or(INPUT, |c| c.0)
}
