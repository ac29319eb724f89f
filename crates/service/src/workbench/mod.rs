//! The review workbench behind the web page: a job's rules as a table, one rule with its
//! events (the spans each capture took, the normalized values event × field, the en/ru text),
//! what the knowledge bases say of it, a reviewer's edits, and the accepted subset as an
//! archive with its `review.md`. Functions of a finished job's [`Output`]; `api.rs` routes.

pub mod accept;
pub mod edit;
pub mod events;
pub mod kb;
pub mod spans;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use xp_eval::{CompileOptions, Rule, RunOptions};

use crate::error::ApiError;
use crate::jobs::Output;

/// Rows of a page, at most.
pub const MAX_PAGE: usize = 500;

/// Events of a rule the knowledge-base comparison runs, at most.
pub const KB_SAMPLE: usize = 200;

/// Events of each rule of a table page the knowledge-base dispatch runs, at most.
pub const TABLE_KB_SAMPLE: usize = 20;

/// Events the nearest-rule similarity reads (as retrieval does).
const NEAREST_SAMPLE: usize = 20;

/// `?offset=&limit=&q=`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// First row.
    pub offset: Option<usize>,
    /// Rows.
    pub limit: Option<usize>,
    /// Rows whose folder, id or kind hold this text (any case).
    pub q: Option<String>,
}

impl Page {
    fn bounds(&self, default: usize) -> (usize, usize) {
        (
            self.offset.unwrap_or(0),
            self.limit.unwrap_or(default).clamp(1, MAX_PAGE),
        )
    }
}

/// One row of the rules table.
#[derive(Clone, Debug, Serialize)]
pub struct RuleRow {
    /// Its number (the order of `report.json`).
    pub n: usize,
    /// Package folder.
    pub dir: String,
    /// Rule id.
    pub id: String,
    /// Event kind.
    pub kind: String,
    /// Events of its cluster.
    pub events: usize,
    /// Events it normalizes.
    pub matched: usize,
    /// It normalizes every event of its cluster (the edit's verdict once edited).
    pub validates: bool,
    /// A reviewer edited it.
    pub edited: bool,
    /// Fields it sets.
    pub fields: usize,
    /// Of them, from the event (an expression over what the header read).
    pub from_event: usize,
    /// Of them, constants.
    pub constants: usize,
    /// The knowledge-base rule that normalizes most of its first events (of
    /// [`TABLE_KB_SAMPLE`]), when one does: a duplicate before import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_kb: Option<kb::Also>,
}

/// A page of rows.
#[derive(Clone, Debug, Serialize)]
pub struct Rows<T> {
    /// First row.
    pub offset: usize,
    /// Rows asked for.
    pub limit: usize,
    /// Rows in all (after the filter).
    pub total: usize,
    /// The rows.
    pub rows: Vec<T>,
}

fn rules(out: &Output) -> &[Value] {
    out.report["rules"].as_array().map_or(&[], Vec::as_slice)
}

fn dir_of(rule: &Value) -> String {
    rule["dir"].as_str().unwrap_or_default().replace('\\', "/")
}

fn count(v: &Value) -> usize {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

fn row(out: &Output, n: usize, r: &Value) -> RuleRow {
    let fields = r["assignment"]["fields"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let constants = fields
        .iter()
        .filter(|f| f["source"]["from"] == "const")
        .count();
    let edited = lock(out).contains_key(&n);
    let (events, matched) = (count(&r["size"]), count(&r["matched"]));
    RuleRow {
        n,
        dir: dir_of(r),
        id: r["id"].as_str().unwrap_or_default().to_string(),
        kind: r["kind"].as_str().unwrap_or_default().to_string(),
        events,
        matched,
        // A kept edit normalizes every event of its cluster.
        validates: edited || matched == events,
        edited,
        fields: fields.len(),
        from_event: fields.len() - constants,
        constants,
        in_kb: None,
    }
}

fn lock(out: &Output) -> std::sync::MutexGuard<'_, std::collections::BTreeMap<usize, edit::Edit>> {
    out.edits
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The rules table, filtered and paged; with `kbs`, each row of the page says which
/// knowledge-base rule would also normalize its events.
pub fn table(out: &Output, page: &Page, kbs: Option<&kb::Kbs>) -> Rows<RuleRow> {
    let (offset, limit) = page.bounds(50);
    let q = page.q.as_deref().unwrap_or("").trim().to_lowercase();
    let all: Vec<RuleRow> = rules(out)
        .iter()
        .enumerate()
        .map(|(n, r)| row(out, n, r))
        .filter(|r| {
            q.is_empty()
                || [&r.dir, &r.id, &r.kind]
                    .iter()
                    .any(|s| s.to_lowercase().contains(&q))
        })
        .collect();
    let total = all.len();
    let mut rows: Vec<RuleRow> = all.into_iter().skip(offset).take(limit).collect();
    if let Some(kbs) = kbs {
        for r in &mut rows {
            let events: Vec<&str> = events_of(out, &r.dir, 0, TABLE_KB_SAMPLE)
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            r.in_kb = kbs.also(&events, out.year).into_iter().next();
        }
    }
    Rows {
        offset,
        limit,
        total,
        rows,
    }
}

/// The rule numbered `n`, or a 404.
pub fn rule_at(out: &Output, n: usize) -> Result<&Value, ApiError> {
    rules(out).get(n).ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "no_rule",
            format!(
                "the job has {} rules; there is no rule {n}",
                rules(out).len()
            ),
        )
    })
}

/// The rule's formula as it stands (the edit, else the generated one).
pub fn formula(out: &Output, n: usize, dir: &str) -> String {
    if let Some(e) = lock(out).get(&n) {
        return e.formula.clone();
    }
    out.files
        .get(&Path::new(dir).join("formula.xp"))
        .cloned()
        .unwrap_or_default()
}

/// The cluster's events `(first line, text)` of package `dir`, from `skip`, at most `take`.
pub fn events_of<'a>(out: &'a Output, dir: &str, skip: usize, take: usize) -> Vec<(u32, &'a str)> {
    let events = out
        .events
        .get_or_init(|| events::Events::read(&out.log, out.max_event_bytes));
    out.members
        .get(Path::new(dir))
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .skip(skip)
        .take(take)
        .filter_map(|&l| events.get(l).map(|t| (l, t)))
        .collect()
}

/// One event of the rule view.
#[derive(Clone, Debug, Serialize)]
pub struct EventRow {
    /// First line in the log.
    pub line: u32,
    /// The event in parts (captures and keys marked).
    pub parts: Vec<spans::Part>,
    /// The normalized event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
    /// Why none, when the rule does not normalize it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The en/ru description of one event.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Described {
    /// The event's first line.
    pub line: u32,
    /// English.
    pub en: Option<String>,
    /// Russian.
    pub ru: Option<String>,
}

/// One rule, its events paged.
#[derive(Clone, Debug, Serialize)]
pub struct RuleView {
    /// The table's row.
    #[serde(flatten)]
    pub row: RuleRow,
    /// formula.xp as it stands.
    pub formula: String,
    /// The header and COND of it.
    pub head: String,
    /// How each field is set (from report.json: field, source, why).
    pub assignment: Value,
    /// The cluster's events, a page of them.
    pub members: Rows<EventRow>,
    /// Field names of the page's events, in the rule's order.
    pub columns: Vec<String>,
    /// The description of the page's first normalized event.
    pub description: Option<Described>,
    /// The diff of an edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// The header and COND statements of `src`.
pub fn head_of(src: &str) -> String {
    let (f, _) = xp_syntax::parse_formula(src);
    let Some(h) = f.header else {
        return String::new();
    };
    let end = f.cond.map_or(h.span.end, |c| c.span.end.max(h.span.end)) as usize;
    src.get(h.span.start as usize..end.min(src.len()))
        .unwrap_or_default()
        .to_string()
}

/// The rule view of rule `n`.
pub fn view(out: &Output, n: usize, page: &Page) -> Result<RuleView, ApiError> {
    let r = rule_at(out, n)?;
    let row = row(out, n, r);
    let formula = formula(out, n, &row.dir);
    let (offset, limit) = page.bounds(25);
    let total = out.members.get(Path::new(&row.dir)).map_or(0, Vec::len);
    let rule = Rule::compile(&formula, CompileOptions::default()).ok();
    let opts = RunOptions {
        year: out.year,
        ..RunOptions::default()
    };
    let mut rows = Vec::new();
    for (line, text) in events_of(out, &row.dir, offset, limit) {
        let (parts, fields, reason) = match &rule {
            Some(rule) => {
                let (fields, reason) = match edit::normalize(rule, text, &opts) {
                    Ok(f) => (Some(f), None),
                    Err(why) => (None, Some(why)),
                };
                (spans::parts(rule, text, out.year), fields, reason)
            }
            None => (
                vec![spans::Part {
                    text: text.to_string(),
                    name: None,
                    kind: None,
                }],
                None,
                Some("the formula does not compile".to_string()),
            ),
        };
        rows.push(EventRow {
            line,
            parts,
            fields,
            reason,
        });
    }
    let assigned: Vec<String> = r["assignment"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["field"].as_str().map(str::to_string))
        .collect();
    let mut columns = assigned.clone();
    for e in &rows {
        for k in e.fields.iter().flat_map(|f| f.keys()) {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    columns.retain(|c| {
        rows.iter()
            .any(|e| e.fields.as_ref().is_some_and(|f| f.contains_key(c)))
    });
    let description = rows.iter().find_map(|e| {
        let fields = e.fields.as_ref()?;
        Some(describe(out, &row.dir, e.line, fields))
    });
    let diff = lock(out).get(&n).map(|e| e.diff.clone());
    Ok(RuleView {
        head: head_of(&formula),
        formula,
        assignment: r["assignment"]["fields"].clone(),
        members: Rows {
            offset,
            limit,
            total,
            rows,
        },
        columns,
        description,
        diff,
        row,
    })
}

/// The package's description in both languages, filled from `fields` (with the `*.host` fields
/// the SIEM's appendix adds).
fn describe(out: &Output, dir: &str, line: u32, fields: &Map<String, Value>) -> Described {
    let fields = &xp_package::compare::with_appendix_hosts(fields);
    let text = |name: &str| {
        out.files
            .get(&PathBuf::from(dir).join(name))
            .map_or("", String::as_str)
    };
    let lang = |l: &str| {
        xp_package::describe::description_in(
            text("metainfo.yaml"),
            text(&format!("i18n/i18n_{l}.yaml")),
            fields,
        )
        .map(|t| xp_package::describe::fill(&t, fields).0)
    };
    Described {
        line,
        en: lang("en"),
        ru: lang("ru"),
    }
}

/// What the knowledge bases say of rule `n`.
#[derive(Clone, Debug, Serialize)]
pub struct KbView {
    /// Rules whose tests resemble the cluster's events most.
    pub nearest: Vec<kb::Near>,
    /// Rules that would normalize the cluster's events (of a sample).
    pub also: Vec<kb::Also>,
    /// Events the dispatch ran.
    pub sample: usize,
    /// Knowledge bases that could not be loaded.
    pub problems: Vec<String>,
}

/// Rule `n` against the knowledge bases.
pub fn kb_view(out: &Output, n: usize, kbs: &kb::Kbs) -> Result<KbView, ApiError> {
    let r = rule_at(out, n)?;
    let dir = dir_of(r);
    let events: Vec<&str> = events_of(out, &dir, 0, KB_SAMPLE)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let near: Vec<&str> = events.iter().take(NEAREST_SAMPLE).copied().collect();
    Ok(KbView {
        nearest: kbs.nearest(&near),
        also: kbs.also(&events, out.year),
        sample: events.len(),
        problems: kbs.problems.clone(),
    })
}

/// Re-validates an edit of rule `n` and keeps it when valid.
pub fn edit_rule(out: &Output, n: usize, formula: &str) -> Result<edit::Revalidated, ApiError> {
    let r = rule_at(out, n)?;
    let dir = dir_of(r);
    let events = events_of(out, &dir, 0, usize::MAX);
    let (result, kept) = edit::revalidate(formula, Path::new(&dir), &out.files, &events, out.year);
    let generated = out.files.get(&Path::new(&dir).join("formula.xp"));
    match kept {
        // Back to the generated rule: no edit.
        Some(_) if generated.is_some_and(|g| g == formula) => {
            lock(out).remove(&n);
        }
        Some(e) => {
            lock(out).insert(n, e);
        }
        None => {}
    }
    Ok(result)
}

/// Drops the edit of rule `n`; whether there was one.
pub fn revert(out: &Output, n: usize) -> Result<bool, ApiError> {
    rule_at(out, n)?;
    Ok(lock(out).remove(&n).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    /// A job of `rules` rules over `rules × per` events (`e<r> <k>` lines, each rule's events
    /// spread over the log).
    fn job(rules: usize, per: usize) -> Output {
        let mut files = BTreeMap::new();
        let mut members: BTreeMap<PathBuf, Vec<u32>> = BTreeMap::new();
        let mut log = String::new();
        let mut report = Vec::new();
        for k in 0..per {
            for r in 0..rules {
                log.push_str(&format!("e{r} {k}\n"));
                let line = u32::try_from(k * rules + r + 1).unwrap();
                members
                    .entry(PathBuf::from(format!("V/P/s/r{r}")))
                    .or_default()
                    .push(line);
            }
        }
        for r in 0..rules {
            let dir = format!("V/P/s/r{r}");
            files.insert(
                PathBuf::from(format!("{dir}/formula.xp")),
                format!("TEXT = 'e{r} {{$n=NUMBER}}'\nevent_src.id = $n\nid = \"r{r}\"\n"),
            );
            report.push(serde_json::json!({"dir": dir, "id": format!("r{r}"), "kind": "TEXT",
                "size": per, "matched": per, "assignment": {"prelude": [], "fields": [
                    {"field": "event_src.id", "source": {"from": "expr", "value": "$n"}, "why": "lexicon"}]}}));
        }
        files.insert(
            PathBuf::from("report.json"),
            serde_json::json!({"log": "t.log", "rules": report}).to_string(),
        );
        Output::with_log(
            crate::child::Finished { files, members },
            Arc::new(log.into_bytes()),
            2024,
            1 << 20,
        )
    }

    #[test]
    fn a_thousand_rules_and_a_hundred_thousand_events_come_a_page_at_a_time() {
        let out = job(1000, 100);
        let t = table(
            &out,
            &Page {
                offset: Some(950),
                limit: Some(100),
                q: None,
            },
            None,
        );
        assert_eq!((t.total, t.rows.len(), t.rows[0].n), (1000, 50, 950));
        let t = table(
            &out,
            &Page {
                q: Some("R99".into()),
                ..Page::default()
            },
            None,
        );
        // r99, r990 … r999.
        assert_eq!(t.total, 11);
        let limit = table(
            &out,
            &Page {
                limit: Some(1_000_000),
                ..Page::default()
            },
            None,
        );
        assert_eq!(limit.rows.len(), MAX_PAGE);
        let v = view(
            &out,
            7,
            &Page {
                offset: Some(90),
                limit: Some(25),
                q: None,
            },
        )
        .unwrap();
        assert_eq!((v.members.total, v.members.rows.len()), (100, 10));
        let first = &v.members.rows[0];
        assert_eq!(first.line, 90 * 1000 + 8);
        assert_eq!(first.fields.as_ref().unwrap()["event_src.id"], "90");
        assert_eq!(
            v.columns,
            vec!["event_src.id".to_string(), "id".to_string()]
        );
        let captured: Vec<&str> = first
            .parts
            .iter()
            .filter(|p| p.kind == Some("capture"))
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(captured, vec!["90"]);
        assert!(view(&out, 1000, &Page::default()).is_err());
    }
}
