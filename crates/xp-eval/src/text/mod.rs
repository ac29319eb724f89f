//! The TEXT format-string matcher.

pub mod matcher;
mod reach;
pub mod tokens;

pub use matcher::{MatchOutcome, Matcher};
