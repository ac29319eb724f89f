//! mistralrs in process, on CPU, F32: a base model folder plus, per task, a PEFT LoRA adapter
//! (`<adapters>/<task>/adapter_config.json` + `adapter_model.safetensors`). mistralrs 0.8.1
//! merges adapters into the weights when it loads them and resolves adapter ids only through
//! a Hugging Face hub cache, so each task gets its own model, loaded when first needed (one at
//! a time, to bound memory), from a private hub-cache layout built here in the user's cache.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use mistralrs::{
    LoraModelBuilder, Model, ModelDType, RequestBuilder, StopTokens, TextMessageRole,
    TextModelBuilder,
};
use sha2::Digest;

use crate::{Constraint, Error, Llm, Request, Task, Usage};

/// The embedded backend.
pub struct Embedded {
    base: PathBuf,
    adapters: Option<PathBuf>,
    rt: tokio::runtime::Runtime,
    /// The models loaded, least recently used first (at most [`MODELS_HELD`]).
    loaded: Mutex<Vec<(Option<Task>, Model)>>,
    /// Loads and requests so far.
    usage: Mutex<Usage>,
    /// The tokens the grammar engine ends a constrained answer with (see [`grammar_ends`]).
    stops: Vec<u32>,
}

impl std::fmt::Debug for Embedded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedded")
            .field("base", &self.base)
            .field("adapters", &self.adapters)
            .finish()
    }
}

/// Models held at once. Two would spare the reloads when two tasks alternate per cluster
/// (`norm-fields` and `xp-*`), but measured on OpenSSH_2k with every task that took 4.7 GB
/// peak RSS against 2.0 GB with one: one model at a time keeps memory inside 4 GB.
const MODELS_HELD: usize = 1;

/// The added tokens the grammar engine (llguidance, through `toktrie_hf_tokenizers`) takes
/// for end-of-sequence: `<|endoftext|>`, `</s>`, `<|end_of_text|>`, `<eos>`. A chat model may
/// end its turns with another token (SmolLM2: `<|im_end|>`, the only one mistralrs stops
/// on), so once a constrained answer is complete the engine forces a token mistralrs does not
/// stop on and decoding went on to the token limit: measured on OpenSSH_2k, every
/// `norm-fields` answer took its full 160 tokens for about 60 of JSON. These are added as
/// stop tokens to every request. Empty when the tokenizer cannot be read (the model load
/// reports that).
fn grammar_ends(base: &Path) -> Vec<u32> {
    let Ok(text) = std::fs::read_to_string(base.join("tokenizer.json")) else {
        return Vec::new();
    };
    let Ok(t) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    ends_of(&t)
}

/// [`grammar_ends`] of a parsed `tokenizer.json`.
fn ends_of(tokenizer: &serde_json::Value) -> Vec<u32> {
    const ENDS: [&str; 4] = ["<|endoftext|>", "</s>", "<|end_of_text|>", "<eos>"];
    tokenizer["added_tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["content"].as_str().is_some_and(|c| ENDS.contains(&c)))
        .filter_map(|t| t["id"].as_u64().and_then(|id| u32::try_from(id).ok()))
        .collect()
}

/// The files of a PEFT adapter.
const ADAPTER_FILES: [&str; 2] = ["adapter_config.json", "adapter_model.safetensors"];

impl Embedded {
    /// A backend over the base model folder `base` and the adapter folders under `adapters`.
    pub fn new(base: &Path, adapters: Option<&Path>) -> Result<Embedded, Error> {
        if !crate::model::is_ready(base) && !base.join("config.json").is_file() {
            return Err(Error::Model(format!(
                "{}: not a model folder (no config.json); run `normforge model pull`",
                base.display()
            )));
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Model(format!("cannot start the runtime: {e}")))?;
        Ok(Embedded {
            stops: grammar_ends(base),
            base: base.to_path_buf(),
            adapters: adapters.map(Path::to_path_buf),
            rt,
            loaded: Mutex::new(Vec::new()),
            usage: Mutex::new(Usage::default()),
        })
    }

    /// The adapter folder of a task, when it has one.
    pub fn adapter(&self, task: Task) -> Option<PathBuf> {
        let d = self.adapters.as_ref()?.join(task.name());
        ADAPTER_FILES
            .iter()
            .all(|f| d.join(f).is_file())
            .then_some(d)
    }

    /// Stages an adapter as `local/<task>` in a private hub cache; returns the cache folder.
    fn stage(&self, task: Task, dir: &Path) -> Result<PathBuf, Error> {
        let io = |p: &Path, e: std::io::Error| Error::Model(format!("{}: {e}", p.display()));
        let mut h = sha2::Sha256::new();
        for f in ADAPTER_FILES {
            let p = dir.join(f);
            h.update(std::fs::read(&p).map_err(|e| io(&p, e))?);
        }
        let rev: String = h.finalize()[..20]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let hub = crate::model::cache_dir().join("hub");
        let repo = hub.join(format!("models--local--{}", task.name()));
        let snap = repo.join("snapshots").join(&rev);
        std::fs::create_dir_all(&snap).map_err(|e| io(&snap, e))?;
        std::fs::create_dir_all(repo.join("refs")).map_err(|e| io(&repo, e))?;
        for f in ADAPTER_FILES {
            std::fs::copy(dir.join(f), snap.join(f)).map_err(|e| io(&snap.join(f), e))?;
        }
        std::fs::write(repo.join("refs").join("main"), &rev).map_err(|e| io(&repo, e))?;
        Ok(hub)
    }

    fn load(&self, task: Option<Task>) -> Result<Model, Error> {
        // mistralrs 0.8.1 pushes every loaded adapter onto a thread-local list that it never
        // empties and merges the whole list into each model built on that thread afterwards:
        // a second load would carry the first task's adapter too (and a base model every
        // adapter seen so far). Measured: an i18n answer after a norm-fields load was the base
        // model's babble. The list is emptied before every load.
        mistralrs_quant::clear_applied_loras();
        let text = TextModelBuilder::new(self.base.to_string_lossy())
            .with_force_cpu()
            .with_dtype(ModelDType::F32)
            .with_max_num_seqs(1)
            // mistralrs 0.8.1 keeps every finished sequence's KV cache for prefix reuse and
            // evicts only caches held on an accelerator: on the CPU the cache never shrinks
            // (peak RSS grew to 4.9 GB over one `eval kb --llm` source, 9 GB over xp tasks).
            .with_prefix_cache_n(None);
        let adapter = task.and_then(|t| Some((t, self.adapter(t)?)));
        let built = match adapter {
            Some((t, dir)) => {
                let hub = self.stage(t, &dir)?;
                // The hub cache is how mistralrs resolves adapter ids; nothing is downloaded.
                std::env::set_var("HF_HUB_CACHE", &hub);
                std::env::set_var("HF_HUB_OFFLINE", "1");
                let id = format!("local/{}", t.name());
                self.rt
                    .block_on(LoraModelBuilder::from_text_model_builder(text, [id]).build())
            }
            None => self.rt.block_on(text.build()),
        };
        built.map_err(|e| Error::Model(format!("{}: {e}", self.base.display())))
    }
}

impl Llm for Embedded {
    fn name(&self) -> String {
        format!("embedded:{}", self.base.display())
    }

    fn complete(&self, req: &Request) -> Result<String, Error> {
        let want = self.adapter(req.task).map(|_| req.task);
        let mut held = self
            .loaded
            .lock()
            .map_err(|_| Error::Inference("the model lock is poisoned".into()))?;
        match held.iter().position(|(t, _)| *t == want) {
            Some(i) => {
                let m = held.remove(i);
                held.push(m);
            }
            None => {
                if held.len() >= MODELS_HELD {
                    held.remove(0); // free the least recently used model first
                }
                let t0 = std::time::Instant::now();
                let m = self.load(want)?;
                if let Ok(mut u) = self.usage.lock() {
                    u.load(t0.elapsed().as_secs_f64());
                }
                held.push((want, m));
            }
        }
        let Some((_, model)) = held.last() else {
            return Err(Error::Inference("no model loaded".into()));
        };
        let mut rb = RequestBuilder::new()
            .add_message(TextMessageRole::User, &req.prompt)
            .set_deterministic_sampler()
            .set_sampler_max_len(req.max_tokens);
        if !self.stops.is_empty() {
            rb = rb.set_sampler_stop_toks(StopTokens::Ids(self.stops.clone()));
        }
        match &req.constraint {
            Some(Constraint::JsonSchema(s)) => {
                rb = rb.set_constraint(mistralrs::Constraint::JsonSchema(s.clone()));
            }
            Some(Constraint::Regex(r)) => {
                rb = rb.set_constraint(mistralrs::Constraint::Regex(r.clone()));
            }
            None => {}
        }
        let t0 = std::time::Instant::now();
        let resp = self
            .rt
            .block_on(model.send_chat_request(rb))
            .map_err(|e| Error::Inference(e.to_string()))?;
        if let Ok(mut u) = self.usage.lock() {
            u.request(
                req.task.name(),
                resp.usage.prompt_tokens,
                resp.usage.completion_tokens,
                t0.elapsed().as_secs_f64(),
            );
        }
        resp.choices
            .first()
            .and_then(|c| c.message.content.clone())
            .ok_or_else(|| Error::Inference("the model returned no text".into()))
    }

    fn usage(&self) -> Option<Usage> {
        self.usage.lock().ok().map(|u| u.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_end_tokens_are_the_ones_toktrie_takes_for_eos() {
        let t = serde_json::json!({"added_tokens": [
            {"id": 0, "content": "<|endoftext|>", "special": true},
            {"id": 1, "content": "<|im_start|>", "special": true},
            {"id": 2, "content": "<|im_end|>", "special": true},
            {"id": 7, "content": "</s>", "special": true},
        ]});
        assert_eq!(ends_of(&t), [0, 7]);
        assert!(ends_of(&serde_json::json!({})).is_empty());
        assert!(grammar_ends(Path::new("/nonexistent")).is_empty());
    }
}
