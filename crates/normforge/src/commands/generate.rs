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

/// Runs the command.
pub fn run(a: &GenerateArgs) -> anyhow::Result<u8> {
    let t0 = std::time::Instant::now();
    let non_empty = a.output.is_dir()
        && std::fs::read_dir(&a.output)
            .with_context(|| format!("{}: cannot read the output folder", a.output.display()))?
            .next()
            .is_some();
    if non_empty && !a.force {
        return Err(Coded(
            crate::exit::INPUT,
            format!(
                "{}: the output folder is not empty (use --force to replace it)",
                a.output.display()
            ),
        )
        .into());
    }
    let kb = load_kb(&a.kb)?;
    let backend = super::llm_opts::backend(&a.llm, a.json)?;
    // With a model, every task goes through it: stage 1 of clustering (msgid), the fields,
    // the English descriptions; the engine stays the floor of each.
    let identifier = backend
        .as_deref()
        .map(llm_tasks::msgid::ModelIdentifier::new);
    let extractor: &(dyn log_cluster::identifier::IdentifierExtractor + Sync) = match &identifier {
        Some(x) => x,
        None => &log_cluster::identifier::RuleBased,
    };
    let report =
        super::cluster::cluster_log(&a.log, a.run.max_event_bytes, a.json, 2000, extractor)?;
    let engine = Retrieval::new(&kb);
    let with_llm = backend
        .as_deref()
        .map(|m| llm_tasks::fields::LlmAssigner::new(&engine, m));
    let assigner: &dyn FieldAssigner = match &with_llm {
        Some(x) => x,
        None => &engine,
    };
    let describer = backend.as_deref().map(llm_tasks::i18n::I18nTask::new);
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
    let pipeline::generate::Output { files, report: out } = pipeline::generate::generate(
        &report,
        &a.log.display().to_string(),
        assigner,
        describer
            .as_ref()
            .map(|d| d as &dyn rule_gen::describe::Describer),
        &opts,
        t0,
        &bar,
    )?;
    bar.0.finish_and_clear();
    rule_gen::write::write_tree(&a.output, &files, a.force)?;
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
        if let Some(id) = &identifier {
            let (named, shapes) = id.named();
            crate::outln!(
                "model: msgid named {named} of {shapes} event shapes the engine could not type; \
                 descriptions written for {} of {} packages",
                out.descriptions.as_ref().map_or(0, |d| d.replaced),
                out.packages
            )?;
        }
    }
    Ok(OK)
}
