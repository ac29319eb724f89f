//! `normforge generate <LOG> -o <DIR>`: one validated rule package per cluster.

use std::path::{Path, PathBuf};

use anyhow::Context;
use field_assign::engine::Retrieval;
use field_assign::kb::Kb;
use field_assign::FieldAssigner;

use crate::cli::GenerateArgs;
use crate::exit::{Coded, OK};

/// The knowledge base used for retrieval when `--kb` is not given: `NORMFORGE_KB`, else the
/// project's `knowledge-base/` (next to the working directory or the source tree).
pub fn default_kb() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NORMFORGE_KB") {
        return Some(PathBuf::from(p));
    }
    let here = PathBuf::from("knowledge-base");
    if here.is_dir() {
        return Some(here);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knowledge-base");
    built.is_dir().then_some(built)
}

/// Loads the retrieval KB (`--kb` folders, else the default; none at all is allowed).
pub fn load_kb(dirs: &[PathBuf]) -> anyhow::Result<Kb> {
    let dirs: Vec<PathBuf> = if dirs.is_empty() {
        default_kb().into_iter().collect()
    } else {
        dirs.to_vec()
    };
    if dirs.is_empty() {
        return Ok(Kb::default());
    }
    Kb::load(&dirs).with_context(|| "cannot load the knowledge base for retrieval")
}

/// Generates rules from `log` into `output` as `generate LOG -o OUTPUT --force` does with the
/// engine alone and default options, quietly (no progress, nothing printed).
pub fn generate_quietly(
    log: &Path,
    output: &Path,
    kb: &Kb,
    run: &crate::cli::RunArgs,
) -> anyhow::Result<pipeline::generate::Report> {
    let t0 = std::time::Instant::now();
    let report = super::cluster::cluster_log(
        log,
        run.max_event_bytes,
        true,
        2000,
        &log_cluster::identifier::RuleBased,
    )?;
    let engine = Retrieval::new(kb);
    let opts = rule_gen::Options {
        tests: 3,
        year: run.year.unwrap_or_else(xp_eval::current_year),
        meta: rule_gen::Meta::default(),
    };
    let bar = super::cluster::Bar(crate::progress::count(0, true, "generating rules"));
    let out = pipeline::generate::generate(
        &report,
        &log.display().to_string(),
        &engine,
        pipeline::generate::Writers {
            describer: None,
            namer: None,
        },
        &opts,
        t0,
        &bar,
    )?;
    rule_gen::write::write_tree(output, &out.files, true).map_err(write_error)?;
    Ok(out.report)
}

/// A write error with its exit code: where the output may go is the arguments' business.
fn write_error(e: rule_gen::write::WriteError) -> anyhow::Error {
    use rule_gen::write::WriteError;
    match e {
        WriteError::NotEmpty(_) | WriteError::NotAFolder(_) | WriteError::Refused { .. } => {
            Coded(crate::exit::USAGE, e.to_string()).into()
        }
        WriteError::Io { .. } => e.into(),
    }
}

/// Runs the command.
pub fn run(a: &GenerateArgs) -> anyhow::Result<u8> {
    let t0 = std::time::Instant::now();
    // Where the output goes is checked before the work (and what killed runs left there is
    // put back or removed); the write checks again.
    let recovery = rule_gen::write::prepare(&a.output, a.force).map_err(write_error)?;
    if let Some(old) = &recovery.restored {
        eprintln!(
            "generate: put back {} from {}, left by a run that was killed while replacing it",
            a.output.display(),
            old.display()
        );
    }
    for p in &recovery.removed {
        eprintln!(
            "generate: removed {}, left by a run that was killed",
            p.display()
        );
    }
    let kb = load_kb(&a.kb)?;
    let backend = super::llm_opts::backend(&a.llm, a.json)?;
    if backend.is_none() && a.tasks.is_some() {
        return Err(Coded(
            crate::exit::USAGE,
            "--tasks chooses the tasks of a model: give one with --llm embedded|openai|replay"
                .into(),
        )
        .into());
    }
    // With a model, the chosen tasks go through it: stage 1 of clustering (msgid), the fields
    // (norm-fields, xp-*), the rule names, the English descriptions; the engine stays the floor.
    if backend.is_some() && a.tasks.is_none() && llm_tasks::DEFAULT_TASKS.is_empty() {
        eprintln!(
            "note: no task's adapter beats the engine today (adapters/README.md), so none goes \
             through the model unless --tasks names it"
        );
    }
    let asked = |t: llm::Task| {
        backend.is_some()
            && match &a.tasks {
                None => llm_tasks::DEFAULT_TASKS.contains(&t),
                Some(ts) => ts.iter().any(|x| x == "all" || x == t.name()),
            }
    };
    let model = || {
        backend
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("no model"))
    };
    let identifier = if asked(llm::Task::Msgid) {
        Some(llm_tasks::msgid::ModelIdentifier::new(model()?))
    } else {
        None
    };
    let extractor: &(dyn log_cluster::identifier::IdentifierExtractor + Sync) = match &identifier {
        Some(x) => x,
        None => &log_cluster::identifier::RuleBased,
    };
    let report =
        super::cluster::cluster_log(&a.log, a.run.max_event_bytes, a.json, 2000, extractor)?;
    let engine = Retrieval::new(&kb);
    let fields: Box<dyn FieldAssigner + '_> = if asked(llm::Task::NormFields) {
        Box::new(llm_tasks::fields::LlmAssigner::new(&engine, model()?))
    } else {
        Box::new(&engine)
    };
    let xp_tasks: Vec<llm::Task> = [llm::Task::XpText, llm::Task::XpStructured]
        .into_iter()
        .filter(|t| asked(*t))
        .collect();
    let xp = if xp_tasks.is_empty() {
        None
    } else {
        Some(llm_tasks::xp::XpTask::new(model()?, xp_tasks))
    };
    let assigner: Box<dyn FieldAssigner + '_> = match &xp {
        Some(x) => Box::new(x.over(fields)),
        None => fields,
    };
    let describer = if asked(llm::Task::I18n) {
        Some(llm_tasks::i18n::I18nTask::new(model()?))
    } else {
        None
    };
    let namer = if asked(llm::Task::Metainfo) {
        Some(llm_tasks::metainfo::NameTask::new(model()?))
    } else {
        None
    };
    let opts = rule_gen::Options {
        tests: a.tests,
        year: a.run.year.unwrap_or_else(xp_eval::current_year),
        meta: rule_gen::Meta {
            vendor: a.vendor.clone(),
            product: a.product.clone(),
            source: a.source.clone(),
        },
    };
    let bar = super::cluster::Bar(crate::progress::count(
        report.events as u64,
        a.json,
        "generating rules",
    ));
    let mut output = pipeline::generate::generate(
        &report,
        &a.log.display().to_string(),
        assigner.as_ref(),
        pipeline::generate::Writers {
            describer: describer
                .as_ref()
                .map(|d| d as &dyn rule_gen::describe::Describer),
            namer: namer.as_ref().map(|n| n as &dyn rule_gen::rename::Namer),
        },
        &opts,
        t0,
        &bar,
    )?;
    bar.0.finish_and_clear();
    let usage = backend.as_deref().and_then(llm::Llm::usage);
    if let Some(u) = &usage {
        output.set_model(serde_json::to_value(u)?)?;
    }
    let pipeline::generate::Output {
        files, report: out, ..
    } = output;
    rule_gen::write::write_tree(&a.output, &files, a.force).map_err(write_error)?;
    if a.json {
        crate::out::json_line(&out)?;
    } else {
        crate::outln!(
            "{} packages for {} clusters ({} events) written to {}; {} clusters rejected; see {}",
            out.packages,
            out.clusters,
            out.events,
            a.output.display(),
            out.rejected_clusters.len(),
            a.output.join("summary.md").display()
        )?;
        if let Some(b) = &backend {
            let mut said = Vec::new();
            if let Some(id) = &identifier {
                let (named, shapes) = id.named();
                said.push(format!(
                    "msgid named {named} of {shapes} event shapes the engine could not type"
                ));
            }
            if let Some(x) = &xp {
                let n = |c: &std::sync::atomic::AtomicUsize| {
                    c.load(std::sync::atomic::Ordering::Relaxed)
                };
                said.push(format!(
                    "XP code added {} fields ({} text clusters had every capture mapped already)",
                    n(&x.stats.fields),
                    n(&x.stats.nothing_to_map)
                ));
            }
            if let Some(n) = &out.names {
                said.push(format!(
                    "names given to {} of {} packages",
                    n.replaced, out.packages
                ));
            }
            if let Some(d) = &out.descriptions {
                said.push(format!(
                    "descriptions written for {} of {} packages",
                    d.replaced, out.packages
                ));
            }
            crate::outln!(
                "model {}: {}",
                b.name(),
                if said.is_empty() {
                    "no task asked".to_string()
                } else {
                    said.join("; ")
                }
            )?;
            if let Some(u) = &usage {
                for line in u.to_string().lines() {
                    crate::outln!("  {line}")?;
                }
            }
        }
    }
    Ok(OK)
}
