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

/// What `eval kb` was asked.
pub struct Args<'a> {
    pub dir: &'a Path,
    pub own: Option<PathBuf>,
    pub year: Option<i32>,
    pub sources: &'a [String],
    pub json: bool,
    pub html: Option<&'a Path>,
    pub tasks: &'a [String],
    pub llm: &'a crate::cli::LlmArgs,
}

pub fn run(a: Args<'_>) -> anyhow::Result<u8> {
    let Args {
        dir,
        own,
        year,
        sources,
        json,
        html,
        tasks,
        llm: llm_args,
    } = a;
    let own = own.or_else(super::generate::default_kb);
    let year = year.unwrap_or_else(xp_eval::current_year);
    let backend = super::llm_opts::backend(llm_args, json)?;
    let fields_llm = backend
        .as_deref()
        .filter(|_| tasks.iter().any(|t| t == "norm-fields"));
    let t0 = std::time::Instant::now();
    let pb = crate::progress::count(0, json, "evaluating sources");
    let progress = |done: usize, all: usize, source: &str| {
        pb.set_length(all as u64);
        pb.set_position(done as u64);
        pb.set_message(format!("evaluating {source}"));
    };
    let report = match fields_llm {
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
    // The msgid task against the engine's msgid pairs on the same events.
    let msgid = match backend.as_deref() {
        Some(model) if tasks.iter().any(|t| t == "msgid") => {
            Some(llm_tasks::msgid::evaluate(dir, sources, model)?)
        }
        _ => None,
    };
    let engine_msgid = {
        let (mut g, mut c, mut e) = (0usize, 0usize, 0usize);
        for f in report.fields.values() {
            if let Some(x) = f.get("msgid") {
                g += x.generated;
                c += x.correct;
                e += x.expert;
            }
        }
        let r = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        (r(c, g), r(c, e))
    };
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
        if let Some(m) = &msgid {
            v["tasks"]["msgid"] = serde_json::json!({
                "engine": {"precision": engine_msgid.0, "recall": engine_msgid.1},
                "adapter": m,
            });
        }
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
    if msgid.is_none() && backend.is_none() && tasks.iter().any(|t| t == "msgid") {
        crate::outln!(
            "\nmsgid task not measured: it needs a model (--llm embedded|openai|replay)"
        )?;
    }
    if let Some(m) = &msgid {
        crate::outln!(
            "\n| task | engine P | engine R | adapter P | adapter R | NOT_FIELD right | fallbacks | adapter time |"
        )?;
        crate::outln!("|---|---:|---:|---:|---:|---:|---:|---:|")?;
        crate::outln!(
            "| msgid | {:.3} | {:.3} | {:.3} | {:.3} | {}/{} | {} | {:.0} s for {} events |",
            engine_msgid.0,
            engine_msgid.1,
            m.precision,
            m.recall,
            m.not_field_right,
            m.not_field_expected,
            m.fallbacks,
            m.seconds,
            m.events
        )?;
    }
    crate::outln!(
        "assigner: {}; {seconds:.1} s",
        fields_llm.map_or("retrieval (no LLM)".to_string(), |b| format!(
            "retrieval + {}",
            b.name()
        ))
    )?;
    Ok(OK)
}
