//! `normforge eval kb <KB_DIR>`.

use std::path::{Path, PathBuf};

use crate::exit::OK;

/// The LLM on top of the engine.
struct WithLlm<'m>(&'m dyn llm::Llm);

impl evaluation::kb::Wrap for WithLlm<'_> {
    fn wrap<'k>(
        &'k self,
        engine: &'k dyn field_assign::FieldAssigner,
    ) -> Box<dyn field_assign::FieldAssigner + 'k> {
        Box::new(llm_tasks::fields::LlmAssigner::new(engine, self.0))
    }
}

pub fn run(
    dir: &Path,
    own: Option<PathBuf>,
    year: Option<i32>,
    sources: &[String],
    json: bool,
    html: Option<&Path>,
    llm_args: &crate::cli::LlmArgs,
) -> anyhow::Result<u8> {
    let own = own.or_else(super::generate::default_kb);
    let year = year.unwrap_or_else(xp_eval::current_year);
    let backend = super::llm_opts::backend(llm_args, json)?;
    let t0 = std::time::Instant::now();
    let pb = crate::progress::count(0, json, "evaluating sources");
    let progress = |done: usize, all: usize, source: &str| {
        pb.set_length(all as u64);
        pb.set_position(done as u64);
        pb.set_message(format!("evaluating {source}"));
    };
    let report = match backend.as_deref() {
        None => evaluation::kb::evaluate_progress(
            dir,
            own.as_deref(),
            year,
            sources,
            &evaluation::kb::Plain,
            &progress,
        )?,
        Some(model) => evaluation::kb::evaluate_progress(
            dir,
            own.as_deref(),
            year,
            sources,
            &WithLlm(model),
            &progress,
        )?,
    };
    pb.finish_and_clear();
    let seconds = t0.elapsed().as_secs_f64();
    if let Some(path) = html {
        let sub = format!(
            "{}; assigner: {}; {} sources{}; {seconds:.1} s",
            dir.display(),
            backend
                .as_ref()
                .map_or("retrieval (no LLM)".to_string(), |b| format!(
                    "retrieval + {}",
                    b.name()
                )),
            report.sources.len(),
            if sources.is_empty() {
                String::new()
            } else {
                format!(" (only {})", sources.join(", "))
            }
        );
        super::html::write(path, &evaluation::page::kb_page(&report, &sub))?;
    }
    if json {
        let mut v = serde_json::to_value(&report)?;
        v["seconds"] = serde_json::json!(seconds);
        v["llm"] = serde_json::json!(backend.as_ref().map(|b| b.name()));
        crate::outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(OK);
    }
    let c = &report.conformance;
    crate::outln!(
        "Conformance on the KB's own tests: {}/{} = {:.4}\n",
        c.passed,
        c.pairs,
        if c.pairs == 0 {
            0.0
        } else {
            c.passed as f64 / c.pairs as f64
        }
    )?;
    crate::outln!("Leave-one-source-out generation:\n")?;
    crate::outln!("| kind | events | precision | recall | format accuracy | working rules |")?;
    crate::outln!("|---|---:|---:|---:|---:|---:|")?;
    let row = |name: &str, k: &evaluation::kb::KindScores| {
        format!(
            "| {name} | {} | {:.3} | {:.3} | {:.3} | {:.3} ({}/{}) |",
            k.events,
            k.precision,
            k.recall,
            k.format_accuracy,
            k.working_rate,
            k.working,
            k.clusters
        )
    };
    for (k, s) in &report.by_kind {
        crate::outln!("{}", row(k, s))?;
    }
    crate::outln!("{}", row("**total**", &report.total))?;
    crate::outln!(
        "\n| source | rules | events | precision | recall | format accuracy | working rules |"
    )?;
    crate::outln!("|---|---:|---:|---:|---:|---:|---:|")?;
    for s in &report.sources {
        let k = &s.scores;
        crate::outln!(
            "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            s.source,
            s.rules,
            k.events,
            k.precision,
            k.recall,
            k.format_accuracy,
            k.working_rate
        )?;
    }
    crate::outln!(
        "\ni18n chrF (0–100): en {:.1}, ru {:.1}",
        report.i18n.en_chrf,
        report.i18n.ru_chrf
    )?;
    crate::outln!(
        "assigner: {}; {seconds:.1} s",
        backend
            .as_ref()
            .map_or("retrieval (no LLM)".to_string(), |b| format!(
                "retrieval + {}",
                b.name()
            ))
    )?;
    Ok(OK)
}
