//! One module per command.

mod check;
mod cluster;
mod dataset;
mod diff;
mod eval_ecs;
mod eval_kb;
mod eval_loghub;
mod explain;
mod fmt;
mod generate;
mod html;
mod insight;
mod llm_opts;
mod model;
mod normalize;
mod normalize_log;
mod serve;
mod validate;

use crate::cli::{Cli, Command, EvalCommand, ModelCommand, RunArgs};

/// Runs the command; returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Normalize { rule, raw, run } => normalize::run(&rule, raw.as_deref(), &run),
        Command::Validate {
            paths,
            json,
            known_failures,
            quiet,
            run,
        } => validate::run(&paths, json, known_failures.as_deref(), quiet, &run),
        Command::Fmt {
            paths,
            write,
            check,
        } => fmt::run(&paths, write, check),
        Command::Check { paths, strict } => check::run(&paths, strict),
        Command::Cluster {
            log,
            json,
            max_event_bytes,
            headers,
        } => cluster::run(&log, json, max_event_bytes, headers),
        Command::Generate(a) => generate::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::NormalizeLog(a) => normalize_log::run(&a),
        Command::Insight(a) => insight::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Serve(a) => serve::run(&a),
        Command::JobWorker => Ok(u8::from(
            service::worker::run(std::io::stdin(), std::io::stdout(), std::io::stderr()) != 0,
        )),
        Command::Eval(EvalCommand::Kb {
            dir,
            own_kb,
            year,
            sources,
            json,
            html,
            diffs,
            tasks,
            llm,
        }) => eval_kb::run(eval_kb::Args {
            dir: &dir,
            own: own_kb,
            year,
            sources: &sources,
            json,
            html: html.as_deref(),
            diffs: diffs.as_deref(),
            tasks: tasks.as_deref(),
            llm: &llm,
        }),
        Command::Model(ModelCommand::Pull { json }) => model::pull(json),
        Command::Dataset {
            kb,
            task,
            output,
            per_rule,
            exclude,
        } => dataset::run(&kb, &task, &output, per_rule, &exclude),
        Command::Eval(EvalCommand::Ecs(args)) => eval_ecs::run(&args),
        Command::Eval(EvalCommand::Loghub {
            dir,
            json,
            html,
            sealed,
            worst,
        }) => eval_loghub::run(&dir, json, html.as_deref(), sealed.as_deref(), worst),
    }
}

/// Normalizer options from the shared flags.
pub fn run_options(a: &RunArgs) -> xp_eval::RunOptions {
    xp_eval::RunOptions {
        year: a.year.unwrap_or_else(xp_eval::current_year),
        recv_ipv4: a.recv_ipv4,
        max_event_bytes: a.max_event_bytes,
    }
}

/// formula.xp files at or under the paths.
pub fn formula_files(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
            continue;
        }
        let pkgs = xp_package::find_packages(std::slice::from_ref(p))?;
        out.extend(pkgs.into_iter().map(|d| d.formula_path()));
    }
    Ok(out)
}
