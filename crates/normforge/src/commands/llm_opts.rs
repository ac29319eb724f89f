//! `--llm`: the language-model backend of the commands that can use one.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::{LlmArgs, LlmKind};

/// The adapters folder: `--adapters`, else `NORMFORGE_ADAPTERS`, else the project's `adapters/`.
fn adapters(a: &LlmArgs) -> Option<PathBuf> {
    a.adapters
        .clone()
        .or_else(|| std::env::var_os("NORMFORGE_ADAPTERS").map(PathBuf::from))
        .or_else(|| {
            let here = PathBuf::from("adapters");
            if here.is_dir() {
                return Some(here);
            }
            let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../adapters");
            built.is_dir().then_some(built)
        })
}

/// The base model folder: `--model`, else the default model, pulled on first use.
pub fn model_dir(a: &LlmArgs, quiet: bool) -> anyhow::Result<PathBuf> {
    if let Some(m) = &a.model {
        return Ok(m.clone());
    }
    pull(quiet)
}

/// Pulls the default model (with a spinner on a terminal).
pub fn pull(quiet: bool) -> anyhow::Result<PathBuf> {
    let spec = llm::model::SMOLLM2;
    let dir = llm::model::model_dir(&spec);
    if llm::model::is_ready(&dir) {
        return Ok(dir);
    }
    let pb = crate::progress::spinner(quiet);
    let r = llm::model::pull(&spec, &mut |stage| pb.set_message(stage.to_string()));
    pb.finish_and_clear();
    r.with_context(|| format!("cannot prepare the model {}", spec.name))
}

/// The backend, or `None` for `--llm none`.
pub fn backend(a: &LlmArgs, quiet: bool) -> anyhow::Result<Option<Box<dyn llm::Llm>>> {
    let b = inner(a, quiet)?;
    match (&a.record, b) {
        (Some(f), Some(b)) => {
            let r = llm::replay::Recorder::new(b, f)
                .with_context(|| format!("cannot record to {}", f.display()))?;
            Ok(Some(Box::new(r)))
        }
        (Some(_), None) => Err(crate::exit::Coded(
            crate::exit::USAGE,
            "--record records a model's replies: give one with --llm embedded|openai|replay".into(),
        )
        .into()),
        (None, b) => Ok(b),
    }
}

fn inner(a: &LlmArgs, quiet: bool) -> anyhow::Result<Option<Box<dyn llm::Llm>>> {
    Ok(match a.llm {
        LlmKind::None => None,
        LlmKind::Embedded => {
            let dir = model_dir(a, quiet)?;
            Some(Box::new(llm::embedded::Embedded::new(
                &dir,
                adapters(a).as_deref(),
            )?))
        }
        LlmKind::Openai => {
            let url = a
                .endpoint
                .as_deref()
                .context("--llm openai needs --endpoint URL")?;
            let mut client = llm::openai::OpenAi::new(url);
            client.token = a
                .endpoint_token
                .clone()
                .or_else(|| std::env::var("NORMFORGE_ENDPOINT_TOKEN").ok())
                .filter(|t| !t.is_empty());
            Some(Box::new(client))
        }
        LlmKind::Replay => {
            let f = a
                .replay
                .as_deref()
                .context("--llm replay needs --replay FILE")?;
            Some(Box::new(llm::replay::Replay::load(f)?))
        }
    })
}
