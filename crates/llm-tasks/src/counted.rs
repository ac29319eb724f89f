//! A model with the two counts every task reports: requests sent, and answers not kept
//! (a failed request, or a reply that failed the task's checks — the engine's result stands).

use std::sync::atomic::{AtomicUsize, Ordering};

use llm::{Llm, Request};

/// A model and its counts.
pub struct Counted<'a> {
    llm: &'a dyn Llm,
    calls: AtomicUsize,
    fallbacks: AtomicUsize,
}

impl std::fmt::Debug for Counted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counted")
            .field("llm", &self.llm.name())
            .field("calls", &self.calls())
            .field("fallbacks", &self.fallbacks())
            .finish()
    }
}

impl<'a> Counted<'a> {
    /// Counts on `llm`, from zero.
    pub fn new(llm: &'a dyn Llm) -> Counted<'a> {
        Counted {
            llm,
            calls: AtomicUsize::new(0),
            fallbacks: AtomicUsize::new(0),
        }
    }

    /// The model's name.
    pub fn name(&self) -> String {
        self.llm.name()
    }

    /// Sends a request (counted as a call).
    pub fn ask(&self, req: &Request) -> Result<String, llm::Error> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.llm.complete(req)
    }

    /// Counts an answer not kept; `None`, for the caller to return.
    pub fn fallback<T>(&self) -> Option<T> {
        self.fallbacks.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// Asks `task` with a rendered prompt (unconstrained, at most `max_tokens` tokens) and
    /// keeps the reply only when `keep` makes something of it. A prompt that failed to render,
    /// a failed request and a refused reply each count as a fallback (`None`).
    pub fn ask_checked<T>(
        &self,
        task: llm::Task,
        prompt: Result<String, String>,
        max_tokens: usize,
        keep: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let Ok(prompt) = prompt else {
            return self.fallback();
        };
        let req = Request {
            task,
            prompt,
            constraint: None,
            max_tokens,
        };
        match self.ask(&req).ok().and_then(|r| keep(&r)) {
            Some(x) => Some(x),
            None => self.fallback(),
        }
    }

    /// Requests sent.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }

    /// Answers not kept.
    pub fn fallbacks(&self) -> usize {
        self.fallbacks.load(Ordering::Relaxed)
    }
}

/// A test model that answers with a function of the request.
#[cfg(test)]
pub(crate) struct Replies<F>(pub F);

#[cfg(test)]
impl<F: Fn(&Request) -> String + Send + Sync> Llm for Replies<F> {
    fn name(&self) -> String {
        "replies".into()
    }
    fn complete(&self, req: &Request) -> Result<String, llm::Error> {
        Ok((self.0)(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_and_fallbacks() {
        let m = Replies(|r: &Request| r.prompt.to_uppercase());
        let c = Counted::new(&m);
        let req = Request {
            task: llm::Task::Msgid,
            prompt: "a".into(),
            constraint: None,
            max_tokens: 1,
        };
        assert_eq!(c.ask(&req).unwrap(), "A");
        assert_eq!(c.fallback::<()>(), None);
        assert_eq!((c.calls(), c.fallbacks()), (1, 1));
    }
}
