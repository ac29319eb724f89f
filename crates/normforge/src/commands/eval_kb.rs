//! `normforge eval kb <KB_DIR>`.

use std::path::{Path, PathBuf};

use crate::exit::OK;

/// The model's tasks on top of the engine: field assignment, event descriptions, rule names.
struct WithLlm<'m> {
    fields: Option<&'m dyn llm::Llm>,
    i18n: Option<llm_tasks::i18n::I18nTask<'m>>,
    names: Option<llm_tasks::metainfo::NameTask<'m>>,
    xp: Option<llm_tasks::xp::XpTask<'m>>,
}

impl evaluation::kb::Wrap for WithLlm<'_> {
    fn wrap<'k>(
        &'k self,
        engine: &'k dyn field_assign::FieldAssigner,
    ) -> Box<dyn field_assign::FieldAssigner + 'k> {
        let fields: Box<dyn field_assign::FieldAssigner + 'k> = match self.fields {
            Some(m) => Box::new(llm_tasks::fields::LlmAssigner::new(engine, m)),
            None => evaluation::kb::Plain.wrap(engine),
        };
        match &self.xp {
            Some(x) => Box::new(x.over(fields)),
            None => fields,
        }
    }

    fn describer(&self) -> Option<&dyn rule_gen::describe::Describer> {
        self.i18n
            .as_ref()
            .map(|d| d as &dyn rule_gen::describe::Describer)
    }

    fn namer(&self) -> Option<&dyn rule_gen::rename::Namer> {
        self.names
            .as_ref()
            .map(|n| n as &dyn rule_gen::rename::Namer)
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
    /// Per-event differences as JSON lines.
    pub diffs: Option<&'a Path>,
    /// `None`: every task.
    pub tasks: Option<&'a [String]>,
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
        diffs,
        tasks,
        llm: llm_args,
    } = a;
    let own = own.or_else(super::generate::default_kb);
    let year = year.unwrap_or_else(xp_eval::current_year);
    let backend = super::llm_opts::backend(llm_args, json)?;
    let asked = |t: &str| tasks.is_none_or(|ts| ts.iter().any(|x| x == t));
    let fields_llm = backend.as_deref().filter(|_| asked("norm-fields"));
    let i18n_llm = backend.as_deref().filter(|_| asked("i18n"));
    let names_llm = backend.as_deref().filter(|_| asked("metainfo"));
    let xp_tasks: Vec<llm::Task> = [llm::Task::XpText, llm::Task::XpStructured]
        .into_iter()
        .filter(|t| asked(t.name()))
        .collect();
    let xp_llm = backend.as_deref().filter(|_| !xp_tasks.is_empty());
    let t0 = std::time::Instant::now();
    let pb = crate::progress::count(0, json, "evaluating sources");
    let progress = |done: usize, all: usize, source: &str| {
        pb.set_length(all as u64);
        pb.set_position(done as u64);
        pb.set_message(format!("evaluating {source}"));
    };
    let with = WithLlm {
        fields: fields_llm,
        i18n: i18n_llm.map(llm_tasks::i18n::I18nTask::new),
        names: names_llm.map(llm_tasks::metainfo::NameTask::new),
        xp: xp_llm.map(|m| llm_tasks::xp::XpTask::new(m, xp_tasks.clone())),
    };
    let report =
        evaluation::kb::evaluate_progress(dir, own.as_deref(), year, sources, &with, &progress)?;
    pb.finish_and_clear();
    let seconds = t0.elapsed().as_secs_f64();
    // The engine alone on the same sources (seconds), for the per-task comparison.
    let engine =
        if fields_llm.is_some() || i18n_llm.is_some() || names_llm.is_some() || xp_llm.is_some() {
            let t = std::time::Instant::now();
            let r = evaluation::kb::evaluate_with(
                dir,
                own.as_deref(),
                year,
                sources,
                &evaluation::kb::Plain,
            )?;
            Some((r, t.elapsed().as_secs_f64()))
        } else {
            None
        };
    // The msgid task against the engine's msgid pairs on the same events.
    let msgid = match backend.as_deref() {
        Some(model) if asked("msgid") => Some(llm_tasks::msgid::evaluate(dir, sources, model)?),
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
    if let Some(path) = diffs {
        let mut lines = Vec::new();
        for d in report.sources.iter().flat_map(|s| &s.events) {
            serde_json::to_writer(&mut lines, d)?;
            lines.push(b'\n');
        }
        super::html::write_atomic(path, &lines)?;
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
        if let Some((e, secs)) = &engine {
            if fields_llm.is_some() {
                v["tasks"]["norm-fields"] = serde_json::json!({
                    "engine": {"precision": e.total.precision, "recall": e.total.recall,
                               "working_rate": e.total.working_rate, "seconds": secs},
                    "adapter": {"precision": report.total.precision, "recall": report.total.recall,
                                "working_rate": report.total.working_rate},
                });
            }
            if let Some(t) = &with.i18n {
                v["tasks"]["i18n"] = serde_json::json!({
                    "engine": {"en_chrf": e.i18n.en_chrf, "ru_chrf": e.i18n.ru_chrf},
                    "adapter": {"en_chrf": report.i18n.en_chrf, "ru_chrf": report.i18n.ru_chrf,
                                "calls": t.model.calls(),
                                "fallbacks": t.model.fallbacks()},
                });
            }
            if let Some(t) = &with.xp {
                let names: Vec<&str> = xp_tasks.iter().map(|t| t.name()).collect();
                v["tasks"][names.join(",")] = serde_json::json!({
                    "engine": {"precision": e.total.precision, "recall": e.total.recall,
                               "working_rate": e.total.working_rate},
                    "adapter": {"precision": report.total.precision, "recall": report.total.recall,
                                "working_rate": report.total.working_rate,
                                "calls": t.model.calls(),
                                "fallbacks": t.model.fallbacks(),
                                "lines": t.stats.lines.load(std::sync::atomic::Ordering::Relaxed),
                                "fields": t.stats.fields.load(std::sync::atomic::Ordering::Relaxed),
                                "repairs": t.stats.repairs.load(std::sync::atomic::Ordering::Relaxed),
                                "repaired_fields": t.stats.repaired_fields.load(std::sync::atomic::Ordering::Relaxed),
                                "nothing_to_map": t.stats.nothing_to_map.load(std::sync::atomic::Ordering::Relaxed)},
                });
            }
            if let Some(t) = &with.names {
                v["tasks"]["metainfo"] = serde_json::json!({
                    "engine": {"name_chrf": e.names.chrf},
                    "adapter": {"name_chrf": report.names.chrf,
                                "calls": t.model.calls(),
                                "fallbacks": t.model.fallbacks()},
                });
            }
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
        "\ni18n chrF (0–100): en {:.1}, ru {:.1}; rule-name chrF {:.1}",
        report.i18n.en_chrf,
        report.i18n.ru_chrf,
        report.names.chrf
    )?;
    if backend.is_none() && tasks.is_some() {
        crate::outln!(
            "\nthe tasks {} are not measured: they need a model (--llm embedded|openai|replay)",
            tasks.unwrap_or_default().join(", ")
        )?;
    }
    if let Some((e, secs)) = &engine {
        crate::outln!("\n| task | engine | with the model | model answers not kept |")?;
        crate::outln!("|---|---|---|---:|")?;
        if fields_llm.is_some() {
            crate::outln!(
                "| norm-fields | P {:.3} R {:.3} working {:.3} | P {:.3} R {:.3} working {:.3} | — |",
                e.total.precision,
                e.total.recall,
                e.total.working_rate,
                report.total.precision,
                report.total.recall,
                report.total.working_rate
            )?;
        }
        if let Some(t) = &with.i18n {
            crate::outln!(
                "| i18n | chrF en {:.1} ru {:.1} | chrF en {:.1} ru {:.1} (ru: engine) | {}/{} |",
                e.i18n.en_chrf,
                e.i18n.ru_chrf,
                report.i18n.en_chrf,
                report.i18n.ru_chrf,
                t.model.fallbacks(),
                t.model.calls()
            )?;
        }
        if let Some(t) = &with.xp {
            let names: Vec<&str> = xp_tasks.iter().map(|t| t.name()).collect();
            let n =
                |a: &std::sync::atomic::AtomicUsize| a.load(std::sync::atomic::Ordering::Relaxed);
            crate::outln!(
                "| {} | P {:.3} R {:.3} working {:.3} | P {:.3} R {:.3} working {:.3} ({} fields from {} lines; {} repair rounds added {}) | {}/{} |",
                names.join(", "),
                e.total.precision,
                e.total.recall,
                e.total.working_rate,
                report.total.precision,
                report.total.recall,
                report.total.working_rate,
                n(&t.stats.fields),
                n(&t.stats.lines),
                n(&t.stats.repairs),
                n(&t.stats.repaired_fields),
                t.model.fallbacks(),
                t.model.calls()
            )?;
        }
        if let Some(t) = &with.names {
            crate::outln!(
                "| metainfo | rule-name chrF {:.1} | rule-name chrF {:.1} | {}/{} |",
                e.names.chrf,
                report.names.chrf,
                t.model.fallbacks(),
                t.model.calls()
            )?;
        }
        crate::outln!(
            "time: engine {secs:.1} s, with the model {seconds:.1} s (sources: {})",
            report.sources.len()
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
