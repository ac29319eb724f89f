//! `normforge dataset`: training samples for one task from knowledge bases.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::exit::OK;

pub fn run(
    kb: &[PathBuf],
    task: &str,
    out: &Path,
    per_rule: usize,
    exclude: &[PathBuf],
) -> anyhow::Result<u8> {
    let task = llm::Task::from_name(task).with_context(|| {
        let names: Vec<&str> = llm::Task::ALL.iter().map(|t| t.name()).collect();
        format!("unknown task `{task}` (one of: {})", names.join(", "))
    })?;
    let samples = llm_tasks::dataset::build(kb, task, per_rule, exclude)?;
    let tmp = out.with_extension("tmp");
    {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(&tmp)
                .with_context(|| format!("{}: cannot write", tmp.display()))?,
        );
        for s in &samples {
            let line = serde_json::json!({"prompt": s.prompt, "completion": s.completion});
            writeln!(f, "{line}").with_context(|| format!("{}: cannot write", tmp.display()))?;
        }
        f.flush()?;
    }
    std::fs::rename(&tmp, out).with_context(|| format!("{}: cannot write", out.display()))?;
    crate::outln!(
        "{} samples of task {} written to {}",
        samples.len(),
        task.name(),
        out.display()
    )?;
    Ok(OK)
}
