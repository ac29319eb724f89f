//! Checking headers with the normalizer: a header "matches" an event when a formula made of
//! the header, its COND and `id` normalizes the event.

use xp_eval::{Outcome, Rule, RunOptions};

/// A compiled header.
pub struct Compiled {
    rule: Option<Rule>,
}

impl Compiled {
    /// Compiles `formula`; a formula that does not compile matches nothing.
    pub fn new(formula: &str) -> Compiled {
        Compiled {
            rule: Rule::compile(formula, Default::default()).ok(),
        }
    }

    /// Whether it compiled.
    pub fn is_valid(&self) -> bool {
        self.rule.is_some()
    }

    /// Whether the event matches.
    pub fn matches(&self, raw: &str, opts: &RunOptions) -> bool {
        self.rule.as_ref().is_some_and(|r| {
            matches!(
                r.normalize(raw, opts),
                Ok(Outcome::Normalized(_)) | Ok(Outcome::Dropped)
            )
        })
    }
}

/// A minimal formula around a header and COND.
pub fn formula(header: &str, cond: Option<&str>) -> String {
    let mut f = String::from(header);
    f.push('\n');
    if let Some(c) = cond {
        f.push_str("COND = ");
        f.push_str(c);
        f.push('\n');
    }
    f.push_str("id = \"normforge_header_check\"\n");
    f
}
