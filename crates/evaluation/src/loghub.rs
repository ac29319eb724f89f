//! The loghub benchmark: `<DIR>/<System>/<System>_2k.log` with
//! `<System>_2k.log_structured_corrected.csv` (per line: `Content`, `EventTemplate`). The
//! clustered text is each line's `Content` column (the benchmark's header split); the
//! ground-truth columns only score.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::metrics::{score, Scores};

/// A loghub evaluation error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The folder cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The structured CSV is malformed.
    #[error("{path}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No dataset in the folder.
    #[error("{0}: no <System>/<System>_2k.log with a structured ground-truth CSV found")]
    NoDatasets(PathBuf),
}

/// One dataset's result.
#[derive(Clone, Debug, Serialize)]
pub struct DatasetResult {
    /// System name.
    pub name: String,
    /// Lines scored.
    pub lines: usize,
    /// GA.
    pub ga: f64,
    /// PA.
    pub pa: f64,
    /// FGA.
    pub fga: f64,
    /// FTA.
    pub fta: f64,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Per dataset.
    pub datasets: Vec<DatasetResult>,
    /// Unweighted means.
    pub mean: Scores,
}

/// Datasets in `dir`: `(name, structured csv)`.
pub fn datasets(dir: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    let rd = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for e in rd.filter_map(Result::ok) {
        if !e.path().is_dir() {
            continue;
        }
        let name = e.file_name().to_string_lossy().to_string();
        let log = e.path().join(format!("{name}_2k.log"));
        let csv = e
            .path()
            .join(format!("{name}_2k.log_structured_corrected.csv"));
        if log.exists() && csv.exists() {
            out.push((name, csv));
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(Error::NoDatasets(dir.to_path_buf()));
    }
    Ok(out)
}

/// Reads `(Content, EventTemplate)` rows.
pub fn read_structured(path: &Path) -> Result<(Vec<String>, Vec<String>), Error> {
    let bad = |message: String| Error::Csv {
        path: path.to_path_buf(),
        message,
    };
    let mut r = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let headers = r.headers().map_err(|e| bad(e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("no `{name}` column")))
    };
    let (ci, ti) = (col("Content")?, col("EventTemplate")?);
    let mut content = Vec::new();
    let mut truth = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(format!("row {}: {e}", i + 2)))?;
        content.push(rec.get(ci).unwrap_or("").to_string());
        truth.push(rec.get(ti).unwrap_or("").to_string());
    }
    Ok((content, truth))
}

/// Clusters and scores one dataset.
pub fn evaluate_dataset(
    name: &str,
    csv: &Path,
    cfg: &log_cluster::Config,
) -> Result<DatasetResult, Error> {
    let (content, truth) = read_structured(csv)?;
    let texts: Vec<&str> = content.iter().map(String::as_str).collect();
    let clusters = log_cluster::cluster_texts(&texts, cfg);
    let mut predicted = vec![(0usize, String::new()); texts.len()];
    for (g, c) in clusters.iter().enumerate() {
        for &m in &c.members {
            predicted[m] = (g, c.template.clone());
        }
    }
    let s = score(&predicted, &truth);
    Ok(DatasetResult {
        name: name.to_string(),
        lines: texts.len(),
        ga: s.ga,
        pa: s.pa,
        fga: s.fga,
        fta: s.fta,
    })
}

/// Evaluates every dataset under `dir`.
pub fn evaluate(dir: &Path, cfg: &log_cluster::Config) -> Result<Report, Error> {
    let mut results = Vec::new();
    for (name, csv) in datasets(dir)? {
        results.push(evaluate_dataset(&name, &csv, cfg)?);
    }
    let n = results.len() as f64;
    let mean = Scores {
        ga: results.iter().map(|r| r.ga).sum::<f64>() / n,
        pa: results.iter().map(|r| r.pa).sum::<f64>() / n,
        fga: results.iter().map(|r| r.fga).sum::<f64>() / n,
        fta: results.iter().map(|r| r.fta).sum::<f64>() / n,
    };
    Ok(Report {
        datasets: results,
        mean,
    })
}
