//! Markdown for a CI job summary or a pull-request comment: counts first, then what got worse,
//! then each changed package with its files' diffs folded in `<details>`.

use std::fmt::Write;

use crate::metrics::{Better, Delta, ReportDiff};
use crate::regression::{fmt, Regression};
use crate::tree::{Change, FileChange, PackageChange, TreeDiff};

/// Longest diff shown per file; the rest is counted, not printed.
pub const MAX_DIFF_LINES: usize = 200;

/// A rule-tree comparison.
pub fn tree(d: &TreeDiff, regressions: &[Regression]) -> String {
    let mut s = String::new();
    let count = |c: Change| d.packages.iter().filter(|p| p.change == c).count();
    let stopped = d.packages.iter().filter(|p| p.stopped_validating()).count();
    let _ = writeln!(
        s,
        "## normforge diff\n\n`{}` → `{}`\n\n**{} added, {} removed, {} changed, {} unchanged** packages; \
         {} stopped validating.\n",
        d.old.display(),
        d.new.display(),
        count(Change::Added),
        count(Change::Removed),
        count(Change::Changed),
        d.unchanged,
        stopped
    );
    regressions_section(&mut s, regressions);
    if let Some(m) = &d.metrics {
        metrics_section(&mut s, m, "Generation report (`report.json`)");
    }
    for (title, c) in [
        ("Added", Change::Added),
        ("Removed", Change::Removed),
        ("Changed", Change::Changed),
    ] {
        let ps: Vec<&PackageChange> = d.packages.iter().filter(|p| p.change == c).collect();
        if ps.is_empty() {
            continue;
        }
        let _ = writeln!(s, "### {title}\n");
        for p in ps {
            package(&mut s, p);
        }
    }
    if !d.other_files.is_empty() {
        let _ = writeln!(s, "### Other files\n");
        for f in &d.other_files {
            file(&mut s, f);
        }
    }
    s
}

/// A report comparison.
pub fn report(old: &str, new: &str, d: &ReportDiff, regressions: &[Regression]) -> String {
    let mut s = format!("## normforge diff\n\n`{old}` → `{new}`\n\n");
    regressions_section(&mut s, regressions);
    metrics_section(&mut s, d, "Metrics");
    s
}

fn regressions_section(s: &mut String, r: &[Regression]) {
    if r.is_empty() {
        s.push_str("No regression.\n\n");
        return;
    }
    let _ = writeln!(s, "### Regressions ({})\n", r.len());
    for x in r {
        let _ = writeln!(s, "- ❌ `{}`: {}", x.what, x.detail);
    }
    s.push('\n');
}

fn status(p: &PackageChange) -> String {
    let one = |st: &Option<crate::tree::Status>| match st {
        None => "—".to_string(),
        Some(x) if x.validates() => format!("validates ({}/{})", x.passed, x.pairs),
        Some(x) => format!("**fails** ({}/{})", x.passed, x.pairs),
    };
    match p.change {
        Change::Added => one(&p.new_status),
        Change::Removed => one(&p.old_status),
        Change::Changed if p.old_status == p.new_status => one(&p.new_status),
        Change::Changed => format!("{} → {}", one(&p.old_status), one(&p.new_status)),
    }
}

fn package(s: &mut String, p: &PackageChange) {
    let mark = if p.stopped_validating() { "❌ " } else { "" };
    let _ = writeln!(s, "#### {mark}`{}`: {}\n", p.dir, status(p));
    if let Some(f) = p
        .new_status
        .as_ref()
        .and_then(|x| x.first_failure.as_deref())
    {
        let _ = writeln!(s, "First failure: `{}`\n", f.replace('`', "'"));
    }
    for f in &p.files {
        file(s, f);
    }
}

fn file(s: &mut String, f: &FileChange) {
    let lines: Vec<&str> = f.diff.lines().collect();
    let (plus, minus) = lines.iter().fold((0, 0), |(p, m), l| {
        if l.starts_with('+') && !l.starts_with("+++") {
            (p + 1, m)
        } else if l.starts_with('-') && !l.starts_with("---") {
            (p, m + 1)
        } else {
            (p, m)
        }
    });
    let verb = match f.change {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Changed => "changed",
    };
    let mut body: String = lines
        .iter()
        .take(MAX_DIFF_LINES)
        .map(|l| format!("{l}\n"))
        .collect();
    if lines.len() > MAX_DIFF_LINES {
        let _ = writeln!(body, "… {} more lines", lines.len() - MAX_DIFF_LINES);
    }
    let fence = fence_for(&body);
    let _ = writeln!(
        s,
        "<details><summary><code>{}</code> {verb} (+{plus} −{minus})</summary>\n\n{fence}diff\n{body}{fence}\n\n</details>\n",
        html_escape(&f.path)
    );
}

fn metrics_section(s: &mut String, d: &ReportDiff, title: &str) {
    let top: Vec<&Delta> = d.metrics.iter().filter(|m| !m.item).collect();
    let items: Vec<&Delta> = d
        .metrics
        .iter()
        .filter(|m| m.item && m.change().is_none_or(|c| c != 0.0))
        .collect();
    let _ = writeln!(s, "### {title}\n");
    table(s, &top);
    if !items.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>{} per-item metrics changed</summary>\n",
            items.len()
        );
        table(s, &items);
        s.push_str("</details>\n\n");
    }
}

fn table(s: &mut String, rows: &[&Delta]) {
    s.push_str("| metric | old | new | Δ | |\n|---|---:|---:|---:|---|\n");
    for m in rows {
        let v = |x: Option<f64>| x.map_or("—".to_string(), fmt);
        let delta = m.change().map_or("—".to_string(), |c| {
            if c == 0.0 {
                "0".to_string()
            } else {
                format!("{}{}", if c > 0.0 { "+" } else { "" }, fmt(c))
            }
        });
        let mark = match (m.worsening(), m.better) {
            (_, Better::Neither) => "",
            (Some(w), _) if w > 1e-9 => "🔻",
            (Some(w), _) if w < -1e-9 => "🔺",
            _ => "",
        };
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {delta} | {mark} |",
            m.metric,
            v(m.old),
            v(m.new)
        );
    }
    s.push('\n');
}

/// A code fence longer than any backtick run in `body`.
fn fence_for(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_outgrows_backticks_in_the_body() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }
}
