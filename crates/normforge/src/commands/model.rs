//! `normforge model pull`: fetch and prepare the default base model.

use crate::exit::OK;

pub fn pull(json: bool) -> anyhow::Result<u8> {
    let dir = super::llm_opts::pull(json)?;
    if json {
        crate::outln!("{}", serde_json::json!({ "model": dir }))?;
    } else {
        crate::outln!("model ready: {}", dir.display())?;
    }
    Ok(OK)
}
