//! The archive a reviewer takes away: the accepted rules' folders (edits in place), the job's
//! `report.json` and `summary.md`, and a `review.md` saying what was accepted, left out and
//! edited, with the diffs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::ApiError;
use crate::jobs::Output;

/// Rule numbers of `?rules=0,3,7` (ids and folders are accepted too), or an error naming the
/// one not found.
pub fn parse_selection(out: &Output, given: &str) -> Result<BTreeSet<usize>, ApiError> {
    let rules = super::rules(out);
    let mut chosen = BTreeSet::new();
    for item in given.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let n = match item.parse::<usize>() {
            Ok(n) if n < rules.len() => Some(n),
            Ok(_) => None,
            Err(_) => rules
                .iter()
                .position(|r| r["id"] == item || super::dir_of(r) == item),
        };
        match n {
            Some(n) => {
                chosen.insert(n);
            }
            None => {
                return Err(ApiError::bad_request(
                    "no_rule",
                    format!(
                        "rules: `{item}` is no rule of this job (numbers 0 to {}, ids or folders)",
                        rules.len().saturating_sub(1)
                    ),
                ))
            }
        }
    }
    if chosen.is_empty() {
        return Err(ApiError::bad_request(
            "no_rule",
            "rules: name at least one rule (numbers, ids or folders, comma-separated)",
        ));
    }
    Ok(chosen)
}

/// The archive's files: `chosen` rules (all when `None`) with their edits; `review.md` when
/// rules were chosen or edited.
pub fn files(out: &Output, chosen: Option<&BTreeSet<usize>>) -> BTreeMap<PathBuf, String> {
    let rules = super::rules(out);
    let edits = super::lock(out).clone();
    let dirs: Vec<String> = rules.iter().map(super::dir_of).collect();
    let kept = |n: usize| chosen.is_none_or(|c| c.contains(&n));
    let by_dir: std::collections::HashMap<&Path, usize> = dirs
        .iter()
        .enumerate()
        .map(|(n, d)| (Path::new(d.as_str()), n))
        .collect();
    let mut files = BTreeMap::new();
    for (path, content) in &out.files {
        let owner = path
            .ancestors()
            .skip(1)
            .find_map(|a| by_dir.get(a).copied());
        match owner {
            Some(n) if !kept(n) => {}
            Some(n) => {
                let replaced = edits.get(&n).and_then(|e| {
                    path.strip_prefix(Path::new(&dirs[n]))
                        .ok()
                        .and_then(|rel| e.files.get(rel))
                });
                files.insert(path.clone(), replaced.unwrap_or(content).clone());
            }
            None => {
                files.insert(path.clone(), content.clone());
            }
        }
    }
    // An edit's files the generated package did not have (a test it made anew).
    for (n, e) in &edits {
        if kept(*n) {
            for (rel, content) in &e.files {
                files
                    .entry(Path::new(&dirs[*n]).join(rel))
                    .or_insert_with(|| content.clone());
            }
        }
    }
    if chosen.is_some() || !edits.is_empty() {
        files.insert(PathBuf::from("review.md"), review_md(out, chosen, &edits));
    }
    files
}

fn review_md(
    out: &Output,
    chosen: Option<&BTreeSet<usize>>,
    edits: &BTreeMap<usize, super::edit::Edit>,
) -> String {
    let rules = super::rules(out);
    let kept = |n: usize| chosen.is_none_or(|c| c.contains(&n));
    let accepted: Vec<usize> = (0..rules.len()).filter(|&n| kept(n)).collect();
    let mut md = String::from("# Review\n\n");
    let _ = writeln!(
        md,
        "Accepted {} of {} rules generated from `{}`; {} edited by the reviewer.\n",
        accepted.len(),
        rules.len(),
        out.report["log"].as_str().unwrap_or("the log"),
        edits.keys().filter(|&&n| kept(n)).count()
    );
    md.push_str("| rule | folder | events | edited |\n|---|---|---:|---|\n");
    for &n in &accepted {
        let r = &rules[n];
        let _ = writeln!(
            md,
            "| `{}` | `{}` | {} | {} |",
            r["id"].as_str().unwrap_or_default(),
            super::dir_of(r),
            r["size"],
            if edits.contains_key(&n) { "yes" } else { "no" }
        );
    }
    let left: Vec<usize> = (0..rules.len()).filter(|&n| !kept(n)).collect();
    if !left.is_empty() {
        let _ = writeln!(md, "\n## Left out ({})\n", left.len());
        for n in left {
            let _ = writeln!(md, "- `{}`", rules[n]["id"].as_str().unwrap_or_default());
        }
    }
    let shown: Vec<(&usize, &super::edit::Edit)> =
        edits.iter().filter(|(n, _)| kept(**n)).collect();
    if !shown.is_empty() {
        md.push_str("\n## Edits\n");
        for (n, e) in shown {
            let _ = writeln!(
                md,
                "\n### `{}`\n\nThe edit compiles and normalizes every event of its cluster; its \
                 tests were made anew from it.\n\n```diff\n{}```",
                rules[*n]["id"].as_str().unwrap_or_default(),
                e.diff
            );
        }
    }
    md
}
