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
    /// A sealed system is not in the folder.
    #[error("{dir}: the sealed system `{name}` is not among its datasets")]
    UnknownSealed {
        /// The folder.
        dir: PathBuf,
        /// The name.
        name: String,
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
    /// Whether the system is sealed (`Options::sealed`): then only its four figures are
    /// reported.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sealed: bool,
    /// Its worst over-split, under-split and template errors (none for a sealed system).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<crate::split::Errors>,
}

impl DatasetResult {
    fn scores(&self) -> Scores {
        Scores {
            ga: self.ga,
            pa: self.pa,
            fga: self.fga,
            fta: self.fta,
        }
    }
}

/// What `evaluate` reports beyond the figures.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Systems sealed from tuning: reported by their four figures and in a mean of their own.
    pub sealed: Vec<String>,
    /// How many of the worst groups of each error kind to report per (open) system.
    pub worst: usize,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Per dataset.
    pub datasets: Vec<DatasetResult>,
    /// Unweighted means.
    pub mean: Scores,
    /// Means over the systems not sealed (when some are).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<Scores>,
    /// Means over the sealed systems (when some are).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sealed: Option<Scores>,
}

/// Unweighted mean of the figures.
fn mean<'a>(rs: impl Iterator<Item = &'a DatasetResult>) -> Option<Scores> {
    let all: Vec<Scores> = rs.map(DatasetResult::scores).collect();
    if all.is_empty() {
        return None;
    }
    let n = all.len() as f64;
    Some(Scores {
        ga: all.iter().map(|r| r.ga).sum::<f64>() / n,
        pa: all.iter().map(|r| r.pa).sum::<f64>() / n,
        fga: all.iter().map(|r| r.fga).sum::<f64>() / n,
        fta: all.iter().map(|r| r.fta).sum::<f64>() / n,
    })
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

/// Clusters and scores one dataset; `worst` > 0 also collects its worst error groups.
pub fn evaluate_dataset(
    name: &str,
    csv: &Path,
    cfg: &log_cluster::Config,
    worst: usize,
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
        sealed: false,
        errors: (worst > 0).then(|| crate::split::errors(&predicted, &truth, worst)),
    })
}

/// Evaluates every dataset under `dir`.
pub fn evaluate(dir: &Path, cfg: &log_cluster::Config, opts: &Options) -> Result<Report, Error> {
    let all = datasets(dir)?;
    if let Some(name) = opts
        .sealed
        .iter()
        .find(|s| !all.iter().any(|(n, _)| n == *s))
    {
        return Err(Error::UnknownSealed {
            dir: dir.to_path_buf(),
            name: name.clone(),
        });
    }
    let mut results = Vec::new();
    for (name, csv) in all {
        let sealed = opts.sealed.contains(&name);
        let worst = if sealed { 0 } else { opts.worst };
        let mut r = evaluate_dataset(&name, &csv, cfg, worst)?;
        r.sealed = sealed;
        results.push(r);
    }
    let any_sealed = results.iter().any(|r| r.sealed);
    let (open, sealed) = if any_sealed {
        (
            mean(results.iter().filter(|r| !r.sealed)),
            mean(results.iter().filter(|r| r.sealed)),
        )
    } else {
        (None, None)
    };
    Ok(Report {
        mean: mean(results.iter()).unwrap_or_default(),
        datasets: results,
        open,
        sealed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(dir: &Path, name: &str, rows: &[(&str, &str)]) {
        let d = dir.join(name);
        std::fs::create_dir_all(&d).unwrap();
        let log: String = rows.iter().map(|(c, _)| format!("{c}\n")).collect();
        std::fs::write(d.join(format!("{name}_2k.log")), log).unwrap();
        let mut csv = String::from("LineId,Content,EventTemplate\n");
        for (i, (c, t)) in rows.iter().enumerate() {
            csv.push_str(&format!("{},\"{c}\",\"{t}\"\n", i + 1));
        }
        std::fs::write(
            d.join(format!("{name}_2k.log_structured_corrected.csv")),
            csv,
        )
        .unwrap();
    }

    #[test]
    fn sealed_systems_keep_their_figures_and_lose_their_error_groups() {
        let dir = tempfile::tempdir().unwrap();
        let rows = [
            (
                "session opened for user alice",
                "session opened for user <*>",
            ),
            ("session opened for user bob", "session opened for user <*>"),
            ("disk 3 failed", "disk <*> failed"),
        ];
        dataset(dir.path(), "A", &rows);
        dataset(dir.path(), "B", &rows);
        let cfg = log_cluster::Config::default();
        let opts = Options {
            sealed: vec!["B".into()],
            worst: 3,
        };
        let r = evaluate(dir.path(), &cfg, &opts).unwrap();
        assert!(r.datasets[0].errors.is_some() && !r.datasets[0].sealed);
        assert!(r.datasets[1].errors.is_none() && r.datasets[1].sealed);
        assert_eq!(r.open.unwrap().ga, r.datasets[0].ga);
        assert_eq!(r.sealed.unwrap().pa, r.datasets[1].pa);
        let unknown = Options {
            sealed: vec!["C".into()],
            worst: 0,
        };
        assert!(matches!(
            evaluate(dir.path(), &cfg, &unknown),
            Err(Error::UnknownSealed { .. })
        ));
    }
}
