//! The TEXT format-string matcher.

pub mod matcher;
pub mod tokens;

pub use matcher::{MatchOutcome, Matcher};
