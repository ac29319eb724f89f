//! Writing an HTML report (or any report file) atomically (a temporary sibling renamed into place).

use std::path::Path;

use anyhow::Context;

/// Renders `page` and writes it to `path`.
pub fn write(path: &Path, page: &review::html::Page) -> anyhow::Result<()> {
    let html = review::html::render(page)
        .map_err(|e| anyhow::anyhow!("internal error rendering the HTML report: {e}"))?;
    write_atomic(path, html.as_bytes())
}

/// Writes `bytes` to `path` through a temporary sibling renamed into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot write", path.display())
    })?;
    Ok(())
}
