//! Recorded replies: a JSON-lines file of `{"task", "hash", "prompt", "reply"}`, keyed by
//! [`request_hash`](crate::request_hash). [`Recorder`] wraps a real backend and writes them.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::{request_hash, Error, Llm, Request};

/// One recorded exchange.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    /// Task name.
    pub task: String,
    /// Request hash.
    pub hash: String,
    /// The prompt (for review).
    pub prompt: String,
    /// The reply.
    pub reply: String,
}

/// Replays recorded replies.
#[derive(Debug)]
pub struct Replay {
    replies: HashMap<String, String>,
    path: PathBuf,
}

impl Replay {
    /// Loads a recording; `Err` names the file and line of a bad record.
    pub fn load(path: &Path) -> Result<Replay, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Model(format!("{}: {e}", path.display())))?;
        let mut replies = HashMap::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let r: Record = serde_json::from_str(line)
                .map_err(|e| Error::Model(format!("{}:{}: {e}", path.display(), i + 1)))?;
            replies.insert(r.hash, r.reply);
        }
        Ok(Replay {
            replies,
            path: path.to_path_buf(),
        })
    }
}

impl Llm for Replay {
    fn name(&self) -> String {
        format!("replay:{}", self.path.display())
    }

    fn complete(&self, req: &Request) -> Result<String, Error> {
        let hash = request_hash(req);
        self.replies
            .get(&hash)
            .cloned()
            .ok_or_else(|| Error::NotRecorded {
                task: req.task.name().to_string(),
                hash,
            })
    }
}

/// Records the replies of another backend.
pub struct Recorder<'a> {
    inner: Box<dyn Llm + 'a>,
    out: Mutex<std::fs::File>,
}

impl std::fmt::Debug for Recorder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("inner", &self.inner.name())
            .finish()
    }
}

impl<'a> Recorder<'a> {
    /// Appends to `path`.
    pub fn new(inner: Box<dyn Llm + 'a>, path: &Path) -> Result<Recorder<'a>, Error> {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::Model(format!("{}: {e}", path.display())))?;
        Ok(Recorder {
            inner,
            out: Mutex::new(out),
        })
    }
}

impl Llm for Recorder<'_> {
    fn name(&self) -> String {
        format!("record:{}", self.inner.name())
    }

    fn complete(&self, req: &Request) -> Result<String, Error> {
        let reply = self.inner.complete(req)?;
        let rec = Record {
            task: req.task.name().to_string(),
            hash: request_hash(req),
            prompt: req.prompt.clone(),
            reply: reply.clone(),
        };
        let line = serde_json::to_string(&rec).map_err(|e| Error::Inference(e.to_string()))?;
        let mut f = self
            .out
            .lock()
            .map_err(|_| Error::Inference("the recording file lock is poisoned".into()))?;
        writeln!(f, "{line}").map_err(|e| Error::Inference(e.to_string()))?;
        Ok(reply)
    }
    fn usage(&self) -> Option<crate::Usage> {
        self.inner.usage()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Task;

    struct Echo;
    impl Llm for Echo {
        fn name(&self) -> String {
            "echo".into()
        }
        fn complete(&self, req: &Request) -> Result<String, Error> {
            Ok(req.prompt.to_uppercase())
        }
    }

    #[test]
    fn records_then_replays() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("rec.jsonl");
        let req = Request {
            task: Task::Msgid,
            prompt: "event".into(),
            constraint: None,
            max_tokens: 8,
        };
        Recorder::new(Box::new(Echo), &p)
            .unwrap()
            .complete(&req)
            .unwrap();
        let r = Replay::load(&p).unwrap();
        assert_eq!(r.complete(&req).unwrap(), "EVENT");
        let other = Request {
            prompt: "x".into(),
            ..req
        };
        assert!(matches!(r.complete(&other), Err(Error::NotRecorded { .. })));
    }
}
