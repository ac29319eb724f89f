//! Writing an HTML report file atomically (a temporary sibling renamed into place).

use std::path::Path;

use anyhow::Context;

/// Renders `page` and writes it to `path`.
pub fn write(path: &Path, page: &review::html::Page) -> anyhow::Result<()> {
    let html = review::html::render(page)
        .map_err(|e| anyhow::anyhow!("internal error rendering the HTML report: {e}"))?;
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, html).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot write", path.display())
    })?;
    Ok(())
}
