//! The `xp-text` and `xp-structured` tasks: the XP code that maps an event's values to
//! taxonomy fields (`subject.account.name = lower($Data["TargetUserName"])`), one statement a
//! line, helper variables allowed (`$parts = csv(object.fullpath, "/", "'")`). The
//! classification constants are `norm-fields`' job and the header format-synth's, so an
//! answer holds the value mapping only.
//!
//! Every line is untrusted: it must parse as one assignment to a taxonomy field the engine
//! left unset (or to a `$variable`), compile in the rule, leave every member the engine's
//! rule normalizes normalized, and give the field a value on at least one member. When the
//! answer has lines that fail, the interpreter's diagnostics go back to the model once (the
//! repair round) and its second answer is checked the same way.

use std::sync::atomic::{AtomicUsize, Ordering};

use field_assign::{Assignment, ClusterView, FieldAssigner};
use llm::{Llm, Request};
use xp_eval::{CompileOptions, Outcome, Rule, RunOptions};
use xp_syntax::ast::{Stmt, Target};

use crate::counted::Counted;
use crate::prompt::{is_answer_field, xp, xp_task};

/// Most lines of an answer (training answers are cut here too).
pub const MAX_LINES: usize = 24;
/// Most lines asked of one answer for a structured event (its values are many and unnamed
/// by the header, so the budget cannot come from the captures).
pub const STRUCTURED_LINES: usize = 8;
/// Longest expression of an answer line, in characters.
const MAX_EXPR_CHARS: usize = 100;
/// Tokens allowed per answer line: a target, ` = ` and an expression of up to
/// [`MAX_EXPR_CHARS`] (about three characters a token in XP code).
const TOKENS_PER_LINE: usize = 48;
/// Members a line is checked on.
const CHECK_MEMBERS: usize = 64;

/// The expert answer of a formula: its assignments in order (inside `if`/`switch` blocks
/// too), each field once, classification fields and `id` left out, as `target = expr` lines;
/// `None` when it maps no field.
pub fn answer(formula: &str) -> Option<String> {
    let (f, diags) = xp_syntax::parser::parse_formula(formula);
    if diags
        .iter()
        .any(xp_syntax::diagnostic::Diagnostic::is_error)
    {
        return None;
    }
    let mut lines = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    collect(&f.body, &mut lines, &mut seen);
    lines.truncate(MAX_LINES);
    // Helper variables at the end serve nothing.
    while lines.last().is_some_and(|l: &String| l.starts_with('$')) {
        lines.pop();
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn collect(body: &[Stmt], lines: &mut Vec<String>, seen: &mut std::collections::BTreeSet<String>) {
    for s in body {
        match s {
            Stmt::Assign { target, value, .. } => {
                if let Target::Field(f) = target {
                    if f == "id" || is_answer_field(f) || !seen.insert(f.clone()) {
                        continue;
                    }
                }
                lines.push(format!(
                    "{} = {}",
                    target.source_text(),
                    xp_syntax::printer::print_expr(value)
                ));
            }
            Stmt::If {
                branches,
                otherwise,
                ..
            } => {
                for (_, b) in branches {
                    collect(b, lines, seen);
                }
                if let Some(b) = otherwise {
                    collect(b, lines, seen);
                }
            }
            Stmt::Switch { cases, .. } => {
                for (_, b) in cases {
                    collect(b, lines, seen);
                }
            }
            _ => {}
        }
    }
}

/// How many lines an answer for `view` may have, given the floor's assignment `a`: for a
/// TEXT cluster, one per capture no field reads yet (`None` when every capture is used: the
/// value mapping is done and the model is not asked); for the other kinds
/// [`STRUCTURED_LINES`]. A small model left unbounded repeats a line until the token limit,
/// so the budget is what keeps the task's time proportional to its work.
pub fn line_budget(view: &ClusterView<'_>, a: &Assignment) -> Option<usize> {
    if view.kind != ingest::Kind::Text {
        return Some(STRUCTURED_LINES);
    }
    let used = |cap: &str| {
        let var = format!("${cap}");
        let reads = |text: &str| {
            text.match_indices(&var).any(|(i, _)| {
                !text[i + var.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        };
        a.prelude.iter().any(|p| reads(p))
            || a.fields.iter().any(|f| match &f.source {
                field_assign::Source::Expr(e) => reads(e),
                field_assign::Source::Const(_) => false,
            })
    };
    let free = view
        .captures
        .iter()
        .map(|c| c.trim_start_matches('$'))
        .filter(|c| !used(c))
        .count();
    (free > 0).then_some(free.min(MAX_LINES))
}

/// The shape of an answer of at most `lines` lines, each `target = expression`: the
/// constraint the model decodes under, so an answer ends when its lines are used up.
pub fn answer_regex(lines: usize) -> String {
    format!(r"(\$?[a-z][A-Za-z0-9_.]{{0,48}} = [^\n]{{1,{MAX_EXPR_CHARS}}}\n){{1,{lines}}}")
}

/// The head of a formula for prompts: its header and COND lines.
pub fn head_of(formula: &str) -> String {
    let mut lines = formula
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let mut out = lines.next().unwrap_or("").to_string();
    if let Some(c) = lines.next().filter(|l| l.starts_with("COND")) {
        out.push('\n');
        out.push_str(c);
    }
    out
}

/// One line of an answer, parsed: an assignment (target, expression text) or why not.
fn parse_line(line: &str) -> Result<(Target, String), String> {
    let src = format!("JSON = ''\n{line}\n");
    let (f, diags) = xp_syntax::parser::parse_formula(&src);
    if let Some(d) = diags.iter().find(|d| d.is_error()) {
        return Err(d.message.clone());
    }
    match f
        .body
        .iter()
        .find(|s| !matches!(s, Stmt::Blank | Stmt::Comment { .. }))
    {
        Some(Stmt::Assign { target, value, .. }) => {
            Ok((target.clone(), xp_syntax::printer::print_expr(value)))
        }
        _ => Err("not one assignment".into()),
    }
}

/// What the XP task added, beyond its calls and fallbacks.
#[derive(Debug, Default)]
pub struct Stats {
    /// Repair rounds asked (an answer had lines that failed).
    pub repairs: AtomicUsize,
    /// Fields the repaired answers added that the first answers had not.
    pub repaired_fields: AtomicUsize,
    /// Fields added in all.
    pub fields: AtomicUsize,
    /// Answer lines checked.
    pub lines: AtomicUsize,
    /// TEXT clusters not asked: every capture already had its field.
    pub nothing_to_map: AtomicUsize,
}

/// The XP-code tasks on a model: their counts, and which kinds they answer for. One per
/// run; [`XpTask::over`] puts it on top of each assigner.
pub struct XpTask<'a> {
    /// The model, with its calls and fallbacks (a cluster where no line was kept).
    pub model: Counted<'a>,
    /// What it added.
    pub stats: Stats,
    /// Which tasks it answers: `xp-text`, `xp-structured` or both.
    tasks: Vec<llm::Task>,
}

impl std::fmt::Debug for XpTask<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XpTask")
            .field("model", &self.model)
            .field("stats", &self.stats)
            .field("tasks", &self.tasks)
            .finish()
    }
}

impl<'a> XpTask<'a> {
    /// The XP tasks in `tasks` on `llm`.
    pub fn new(llm: &'a dyn Llm, tasks: Vec<llm::Task>) -> XpTask<'a> {
        XpTask {
            model: Counted::new(llm),
            stats: Stats::default(),
            tasks,
        }
    }

    /// The task on top of an assigner (the floor).
    pub fn over<'b>(&'b self, floor: Box<dyn FieldAssigner + 'b>) -> XpAssigner<'b>
    where
        'a: 'b,
    {
        XpAssigner {
            name: format!("{}+xp", floor.name()),
            floor,
            task: self,
        }
    }
}

/// An assigner (the floor) + the XP-code task of the cluster's kind.
pub struct XpAssigner<'b> {
    name: String,
    floor: Box<dyn FieldAssigner + 'b>,
    task: &'b XpTask<'b>,
}

/// A rule of `head` with assignment `a`, compiled (taxonomy fields only).
fn compile(head: &str, a: &Assignment) -> Result<Rule, String> {
    let src = rule_gen::formula::formula("", head, a, "check")?;
    Rule::compile(&src, CompileOptions { strict: true }).map_err(|d| {
        d.iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// The normalized members (`None`: not normalized).
fn run(rule: &Rule, members: &[&str]) -> Vec<Option<serde_json::Map<String, serde_json::Value>>> {
    let ro = RunOptions::default();
    members
        .iter()
        .map(|m| match rule.normalize(m, &ro) {
            Ok(Outcome::Normalized(ev)) => Some(ev.to_json()),
            _ => None,
        })
        .collect()
}

/// Checks the lines of an answer against the assignment `a`, extending it with the kept ones:
/// they go, in the answer's order, into `a.prelude` (so a helper variable may read a field the
/// answer set before it, as the experts write). `model_fields`: the fields answers set so far.
/// A field line is kept when the rule compiles with it, every member keeps every value the
/// rule gave it without the line (a `$var` the answer reuses must not change the engine's
/// fields), and the field gets a value on one member at least. Returns the fields kept and the
/// errors of the lines that failed, as `line N: why`.
fn check(
    view: &ClusterView<'_>,
    a: &mut Assignment,
    model_fields: &mut std::collections::BTreeSet<String>,
    reply: &str,
    stats: &Stats,
) -> (usize, Vec<String>) {
    let members: Vec<&str> = view.members.iter().take(CHECK_MEMBERS).copied().collect();
    let Ok(base) = compile(view.head, a) else {
        return (0, vec!["the engine's own rule does not compile".into()]);
    };
    let before = run(&base, &members);
    let mut errors = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut kept = 0;
    for (n, line) in reply.lines().map(str::trim).enumerate().take(MAX_LINES) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        stats.lines.fetch_add(1, Ordering::Relaxed);
        let (target, expr) = match parse_line(line) {
            Ok(x) => x,
            Err(e) => {
                errors.push(format!("line {}: {e}", n + 1));
                continue;
            }
        };
        let stmt = format!("{} = {expr}", target.source_text());
        let mut trial = a.clone();
        trial.prelude.extend(pending.iter().cloned());
        trial.prelude.push(stmt.clone());
        let rule = match compile(view.head, &trial) {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("line {}: {e}", n + 1));
                continue;
            }
        };
        let f = match &target {
            Target::Var(_) => {
                pending.push(stmt);
                continue;
            }
            Target::Field(f) => f,
        };
        if f == "id" || is_answer_field(f) || a.get(f).is_some() || model_fields.contains(f) {
            continue;
        }
        let after = run(&rule, &members);
        let kept_values = before.iter().zip(&after).all(|(b, x)| match (b, x) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(b), Some(x)) => b.iter().all(|(k, v)| x.get(k) == Some(v)),
        });
        let valued = after
            .iter()
            .flatten()
            .any(|ev| ev.get(f).is_some_and(|v| !v.is_null()));
        if !kept_values {
            errors.push(format!(
                "line {}: it changes what the rule gives without it",
                n + 1
            ));
        } else if !valued {
            errors.push(format!("line {}: `{f}` gets no value on any event", n + 1));
        } else {
            a.prelude.append(&mut pending);
            a.prelude.push(stmt);
            model_fields.insert(f.clone());
            kept += 1;
        }
    }
    stats.fields.fetch_add(kept, Ordering::Relaxed);
    (kept, errors)
}

impl FieldAssigner for XpAssigner<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn assign(&self, view: &ClusterView<'_>) -> Assignment {
        self.map_values(view, self.floor.assign(view))
    }

    /// The floor over every cluster first, then the XP task: one model load per layer.
    fn assign_all(&self, views: &[ClusterView<'_>]) -> Vec<Assignment> {
        let floors = self.floor.assign_all(views);
        views
            .iter()
            .zip(floors)
            .map(|(v, a)| self.map_values(v, a))
            .collect()
    }
}

impl XpAssigner<'_> {
    /// The floor's assignment `a` of `view` with the value mapping the model wrote, checked.
    fn map_values(&self, view: &ClusterView<'_>, mut a: Assignment) -> Assignment {
        let task = xp_task(view.kind);
        let XpTask {
            model,
            stats,
            tasks,
        } = self.task;
        if !tasks.contains(&task) {
            return a;
        }
        let Some(raw) = view.members.first() else {
            return a;
        };
        let Some(lines) = line_budget(view, &a) else {
            stats.nothing_to_map.fetch_add(1, Ordering::Relaxed);
            return a;
        };
        let ask = |errors: Option<&str>| {
            let prompt = xp(view.kind, view.head, raw, errors).ok()?;
            model
                .ask(&Request {
                    task,
                    prompt,
                    constraint: Some(llm::Constraint::Regex(answer_regex(lines))),
                    max_tokens: lines * TOKENS_PER_LINE,
                })
                .ok()
        };
        let Some(reply) = ask(None) else {
            model.fallback::<()>();
            return a;
        };
        let mut model_fields = std::collections::BTreeSet::new();
        let (mut kept, errors) = check(view, &mut a, &mut model_fields, &reply, stats);
        if !errors.is_empty() {
            stats.repairs.fetch_add(1, Ordering::Relaxed);
            let errors: Vec<String> = errors.into_iter().take(6).collect();
            if let Some(reply) = ask(Some(&errors.join("\n"))) {
                let (more, _) = check(view, &mut a, &mut model_fields, &reply, stats);
                stats.repaired_fields.fetch_add(more, Ordering::Relaxed);
                kept += more;
            }
        }
        if kept == 0 {
            model.fallback::<()>();
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counted::Replies;
    use field_assign::{Assigned, Source};

    #[test]
    fn the_expert_answer_is_the_value_mapping() {
        let f = "JSON = ''\nCOND = $a != null\n\nsubject = \"account\"\naction = \"login\"\nif $a == \"x\" then\n    subject.account.name = lower($a)\nelse\n    subject.account.name = $b\n    $p = csv($c, \"/\", \"'\")\n    object.name = $p[0]\nendif\nid = \"X\"\n";
        assert_eq!(
            answer(f).as_deref(),
            Some(
                "subject.account.name = lower($a)\n$p = csv($c, \"/\", \"'\")\nobject.name = $p[0]"
            )
        );
        assert_eq!(head_of(f), "JSON = ''\nCOND = $a != null");
        assert_eq!(answer("JSON = ''\naction = \"login\"\n"), None);
    }

    struct Floor;
    impl FieldAssigner for Floor {
        fn name(&self) -> &str {
            "floor"
        }
        fn assign(&self, _: &ClusterView<'_>) -> Assignment {
            Assignment {
                prelude: Vec::new(),
                fields: vec![Assigned {
                    field: "action".into(),
                    source: Source::Const("login".into()),
                    why: field_assign::Why::Test,
                }],
            }
        }
    }

    #[test]
    fn keeps_lines_that_run_and_repairs_once() {
        let members = [
            r#"{"user": "Ann", "path": "/bin/ls"}"#,
            r#"{"user": "bob"}"#,
        ];
        let view = ClusterView {
            kind: ingest::Kind::Json,
            head: "JSON = ''\n",
            captures: &[],
            members: &members,
            identifier: None,
        };
        // First answer: one good line, one that does not parse, one unknown field, one that
        // gets no value, a helper and a field from it; the repair answer adds a good line.
        let model = Replies(|req: &Request| {
            assert_eq!(req.task, llm::Task::XpStructured);
            if req.prompt.contains("errors of the last answer:") {
                assert!(req.prompt.contains("line 2:"), "{}", req.prompt);
                "object.fullpath = $path".to_string()
            } else {
                "subject.account.name = lower($user)\nobject.name = (\nno.such.field = $user\nobject.path = $nothing\n$parts = csv(subject.account.name, \"n\", \"'\")\nobject.value = $parts[0]".to_string()
            }
        });
        let xp = XpTask::new(&model, vec![llm::Task::XpStructured]);
        let a = xp.over(Box::new(Floor)).assign(&view);
        // Kept lines in the answer's order, a helper variable reading a field set before it.
        assert_eq!(
            a.prelude,
            [
                "subject.account.name = lower($user)",
                "$parts = csv(subject.account.name, \"n\", \"'\")",
                "object.value = $parts[0]",
                "object.fullpath = $path",
            ]
        );
        assert_eq!(a.fields.len(), 1);
        assert_eq!(xp.stats.repairs.load(Ordering::Relaxed), 1);
        assert_eq!(xp.stats.repaired_fields.load(Ordering::Relaxed), 1);
        assert_eq!(xp.model.calls(), 2);
        // Not its kind: the floor alone, no call.
        let text = XpTask::new(&model, vec![llm::Task::XpText]);
        assert_eq!(text.over(Box::new(Floor)).assign(&view).fields.len(), 1);
        assert_eq!(text.model.calls(), 0);
    }

    #[test]
    fn a_text_answer_gets_one_line_per_unused_capture_and_no_request_without_one() {
        let members = ["Dec 10 06:55:46 host sshd[1]: from 10.0.0.1 port 22"];
        let captures = ["time".to_string(), "ip".to_string(), "port".to_string()];
        let view = ClusterView {
            kind: ingest::Kind::Text,
            head: "TEXT = '{$time=DATETIME} {$h=HOSTNAME} sshd[{$pid=NUMBER}]: from {$ip=IPV4} port {$port=NUMBER}'\n",
            captures: &captures,
            members: &members,
            identifier: None,
        };
        let with = |fields: &[(&str, &str)]| Assignment {
            prelude: Vec::new(),
            fields: fields
                .iter()
                .map(|(f, e)| Assigned {
                    field: (*f).into(),
                    source: Source::Expr((*e).into()),
                    why: field_assign::Why::Test,
                })
                .collect(),
        };
        // `$ip` is read; `$iptables` would not count as reading `$ip`.
        let a = with(&[("src.ip", "$ip"), ("object.name", "$iptables")]);
        assert_eq!(line_budget(&view, &a), Some(2));
        let all = with(&[
            ("time", "$time"),
            ("src.ip", "$ip"),
            ("src.port", "number($port)"),
        ]);
        assert_eq!(line_budget(&view, &all), None);
        let json = ClusterView {
            kind: ingest::Kind::Json,
            ..view.clone()
        };
        assert_eq!(line_budget(&json, &all), Some(STRUCTURED_LINES));

        // Nothing to map: the model is not asked.
        let model = Replies(|_: &Request| -> String { panic!("asked with nothing to map") });
        let xp = XpTask::new(&model, vec![llm::Task::XpText]);
        struct All<'x>(&'x Assignment);
        impl FieldAssigner for All<'_> {
            fn name(&self) -> &str {
                "all"
            }
            fn assign(&self, _: &ClusterView<'_>) -> Assignment {
                self.0.clone()
            }
        }
        xp.over(Box::new(All(&all))).assign(&view);
        assert_eq!(xp.model.calls(), 0);
        assert_eq!(xp.stats.nothing_to_map.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn the_answer_shape_ends_after_its_lines() {
        let re = regex::Regex::new(&format!("^(?:{})$", answer_regex(2))).unwrap();
        assert!(re.is_match("src.ip = $ip\n"));
        assert!(re.is_match("$p = csv($x, \"/\", \"'\")\nobject.name = $p[0]\n"));
        assert!(!re.is_match("a = 1\nb = 2\nc = 3\n"), "three lines of two");
        assert!(!re.is_match("src.ip $ip\n"), "not an assignment");
        let long = format!("object.name = \"{}\"\n", "x".repeat(MAX_EXPR_CHARS));
        assert!(!re.is_match(&long), "an expression over the limit");
    }
}
