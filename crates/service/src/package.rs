//! A generated tree as a tar.gz archive (paths relative to the tree, sorted, fixed mtime, so
//! the same tree always gives the same bytes).

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Builds the archive.
pub fn tar_gz(files: &BTreeMap<PathBuf, String>) -> std::io::Result<Vec<u8>> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for (path, content) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(content.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, path, content.as_bytes())?;
    }
    tar.into_inner()?.finish()
}
