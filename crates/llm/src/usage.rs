//! What a backend spent: model loads, and per task the requests, tokens and seconds (the
//! figures behind a run's time, for reports and benchmarks).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// A backend's spending so far.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Usage {
    /// Models loaded (a base model with a task's adapter merged in).
    pub loads: usize,
    /// Seconds spent loading them.
    pub load_seconds: f64,
    /// Per task name.
    pub tasks: BTreeMap<String, TaskUsage>,
}

/// One task's spending.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TaskUsage {
    /// Requests answered.
    pub requests: usize,
    /// Prompt tokens read.
    pub prompt_tokens: usize,
    /// Tokens generated.
    pub completion_tokens: usize,
    /// Seconds from request to answer (loads excluded).
    pub seconds: f64,
}

impl Usage {
    /// Records a model load.
    pub fn load(&mut self, seconds: f64) {
        self.loads += 1;
        self.load_seconds += seconds;
    }

    /// Records one answered request of `task`.
    pub fn request(&mut self, task: &str, prompt: usize, completion: usize, seconds: f64) {
        let t = self.tasks.entry(task.to_string()).or_default();
        t.requests += 1;
        t.prompt_tokens += prompt;
        t.completion_tokens += completion;
        t.seconds += seconds;
    }
}

/// One line per task, then the loads: `msgid: 12 requests, 2,310 + 96 tokens, 8.1 s`.
impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, t) in &self.tasks {
            writeln!(
                f,
                "{name}: {} requests, {} prompt + {} generated tokens, {:.1} s",
                t.requests, t.prompt_tokens, t.completion_tokens, t.seconds
            )?;
        }
        write!(
            f,
            "model loads: {} ({:.1} s)",
            self.loads, self.load_seconds
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_per_task() {
        let mut u = Usage::default();
        u.load(2.0);
        u.request("i18n", 100, 20, 1.5);
        u.request("i18n", 50, 10, 0.5);
        u.request("msgid", 30, 2, 0.25);
        assert_eq!(u.loads, 1);
        let t = &u.tasks["i18n"];
        assert_eq!(
            (t.requests, t.prompt_tokens, t.completion_tokens),
            (2, 150, 30)
        );
        assert!((t.seconds - 2.0).abs() < 1e-9);
        assert_eq!(
            u.to_string(),
            "i18n: 2 requests, 150 prompt + 30 generated tokens, 2.0 s\n\
             msgid: 1 requests, 30 prompt + 2 generated tokens, 0.2 s\n\
             model loads: 1 (2.0 s)"
        );
    }
}
