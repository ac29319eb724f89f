//! Evaluation reports as HTML pages (`eval … --html`): the report's tables and plots in the
//! page model of `review::html`.

use review::html::{bars, histogram, Cell, Content, Page, Section, Table};

use crate::kb::{KindScores, Report};

fn section(title: &str, note: &str, content: Content) -> Section {
    Section {
        title: title.to_string(),
        note: note.to_string(),
        content,
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn kind_row(name: &str, k: &KindScores) -> Vec<Cell> {
    vec![
        Cell::text(name),
        Cell::count(k.events),
        Cell::num(k.precision, 3),
        Cell::num(k.recall, 3),
        Cell::num(k.format_accuracy, 3),
        Cell::num(k.working_rate, 3),
        Cell::text(format!("{}/{}", k.working, k.clusters)),
    ]
}

/// The page of an `eval kb` report. `subtitle`: what was run (KB, assigner, time).
pub fn kb_page(r: &Report, subtitle: &str) -> Page {
    let mut sections = Vec::new();
    sections.push(section(
        "Summary",
        "Conformance: the normalizer on the KB's own tests. Generation: leave-one-source-out, \
         each source's raw tests pooled as one log and generated for with that source out of \
         retrieval; field precision and recall over (field, value) pairs.",
        Content::Table(Table {
            headers: vec!["measure".into(), "value".into()],
            rows: vec![
                vec![
                    Cell::text("conformance"),
                    Cell::text(format!(
                        "{}/{} = {:.4}",
                        r.conformance.passed,
                        r.conformance.pairs,
                        ratio(r.conformance.passed, r.conformance.pairs)
                    )),
                ],
                vec![Cell::text("precision"), Cell::num(r.total.precision, 3)],
                vec![Cell::text("recall"), Cell::num(r.total.recall, 3)],
                vec![
                    Cell::text("format accuracy"),
                    Cell::num(r.total.format_accuracy, 3),
                ],
                vec![
                    Cell::text("working-rule rate"),
                    Cell::num(r.total.working_rate, 3),
                ],
                vec![Cell::text("i18n chrF en"), Cell::num(r.i18n.en_chrf, 1)],
                vec![Cell::text("i18n chrF ru"), Cell::num(r.i18n.ru_chrf, 1)],
                vec![Cell::text("rule-name chrF"), Cell::num(r.names.chrf, 1)],
            ],
        }),
    ));
    let kinds: Vec<String> = r.by_kind.keys().cloned().collect();
    let pick = |f: fn(&KindScores) -> f64| r.by_kind.values().map(f).collect::<Vec<f64>>();
    sections.push(section(
        "Precision and recall per event kind",
        "",
        Content::Plot {
            svg: bars(
                &kinds,
                &[
                    ("precision".into(), pick(|k| k.precision)),
                    ("recall".into(), pick(|k| k.recall)),
                    ("format accuracy".into(), pick(|k| k.format_accuracy)),
                    ("working rules".into(), pick(|k| k.working_rate)),
                ],
                1.0,
            ),
        },
    ));
    let kind_headers: Vec<String> = [
        "kind",
        "events",
        "precision",
        "recall",
        "format accuracy",
        "working rate",
        "working/clusters",
    ]
    .map(String::from)
    .to_vec();
    let mut rows: Vec<Vec<Cell>> = r.by_kind.iter().map(|(k, s)| kind_row(k, s)).collect();
    rows.push(kind_row("total", &r.total));
    sections.push(section(
        "Per event kind",
        "",
        Content::Table(Table {
            headers: kind_headers.clone(),
            rows,
        }),
    ));
    let sizes: Vec<usize> = r
        .sources
        .iter()
        .flat_map(|s| s.clusters.iter().map(|c| c.size))
        .collect();
    sections.push(section(
        "Cluster size distribution",
        &format!(
            "{} clusters over {} sources; events per cluster.",
            sizes.len(),
            r.sources.len()
        ),
        Content::Plot {
            svg: histogram(&sizes, "clusters"),
        },
    ));
    let mut src_headers = kind_headers.clone();
    src_headers[0] = "source".into();
    src_headers.insert(1, "expert rules".into());
    sections.push(section(
        "Per source",
        "",
        Content::Table(Table {
            headers: src_headers,
            rows: r
                .sources
                .iter()
                .map(|s| {
                    let mut row = kind_row(&s.source, &s.scores);
                    row.insert(1, Cell::count(s.rules));
                    row
                })
                .collect(),
        }),
    ));
    let mut rule_rows = Vec::new();
    for s in &r.sources {
        for c in &s.clusters {
            let status = match (&c.rule, &c.rejected) {
                (_, Some(why)) => Cell::status(format!("rejected: {why}"), "bad"),
                (Some(_), None) if c.matched == c.size => Cell::status("validates", "ok"),
                (Some(_), None) => {
                    Cell::status(format!("{}/{} members", c.matched, c.size), "warn")
                }
                (None, None) => Cell::status("no rule", "bad"),
            };
            rule_rows.push(vec![
                Cell::text(&s.source),
                Cell::text(c.rule.clone().unwrap_or_else(|| "—".into())),
                Cell::text(&c.kind),
                Cell::count(c.size),
                Cell::count(c.matched),
                status,
            ]);
        }
    }
    sections.push(section(
        "Generated rules and their validation",
        "Each cluster's rule run on every member of its cluster.",
        Content::Table(Table {
            headers: ["source", "rule", "kind", "size", "normalized", "status"]
                .map(String::from)
                .to_vec(),
            rows: rule_rows,
        }),
    ));
    let mut field_rows = Vec::new();
    for (kind, fields) in &r.fields {
        let mut fs: Vec<_> = fields.iter().collect();
        fs.sort_by(|a, b| b.1.expert.cmp(&a.1.expert).then(a.0.cmp(b.0)));
        for (f, c) in fs.into_iter().take(25) {
            field_rows.push(vec![
                Cell::text(kind),
                Cell::text(f),
                Cell::count(c.expert),
                Cell::count(c.generated),
                Cell::count(c.correct),
                Cell::num(ratio(c.correct, c.generated), 3),
                Cell::num(ratio(c.correct, c.expert), 3),
            ]);
        }
    }
    sections.push(section(
        "Fields (the 25 most frequent in the experts' events, per kind)",
        "",
        Content::Table(Table {
            headers: [
                "kind",
                "field",
                "expert",
                "generated",
                "correct",
                "precision",
                "recall",
            ]
            .map(String::from)
            .to_vec(),
            rows: field_rows,
        }),
    ));
    Page {
        title: "normforge: evaluation against an expert knowledge base".into(),
        subtitle: subtitle.to_string(),
        sections,
    }
}

/// The rows of one system's error groups: kind, lines, the group's template, its parts.
fn split_rows(e: &crate::split::Errors) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for (kind, groups) in [
        ("over-split", &e.over_split),
        ("under-split", &e.under_split),
    ] {
        for g in groups {
            let mut parts: Vec<String> = g
                .parts
                .iter()
                .map(|p| format!("{} × {}", p.lines, p.template))
                .collect();
            if g.parts_total > g.parts.len() {
                parts.push(format!("… {} more", g.parts_total - g.parts.len()));
            }
            rows.push(vec![
                Cell::text(format!("{kind} ({} parts)", g.parts_total)),
                Cell::count(g.lines),
                Cell::text(&g.template),
                Cell::text(parts.join(" | ")),
            ]);
        }
    }
    for t in &e.templates {
        rows.push(vec![
            Cell::text("template"),
            Cell::count(t.lines),
            Cell::text(&t.truth),
            Cell::text(format!("made: {}", t.predicted)),
        ]);
    }
    rows
}

fn mean_row(name: &str, lines: usize, m: &crate::metrics::Scores) -> Vec<Cell> {
    vec![
        Cell::text(name),
        Cell::count(lines),
        Cell::num(m.ga, 3),
        Cell::num(m.pa, 3),
        Cell::num(m.fga, 3),
        Cell::num(m.fta, 3),
    ]
}

/// The page of an `eval loghub` report.
pub fn loghub_page(r: &crate::loghub::Report, subtitle: &str) -> Page {
    let names: Vec<String> = r.datasets.iter().map(|d| d.name.clone()).collect();
    let pick = |f: fn(&crate::loghub::DatasetResult) -> f64| {
        r.datasets.iter().map(f).collect::<Vec<f64>>()
    };
    let mut rows: Vec<Vec<Cell>> = r
        .datasets
        .iter()
        .map(|d| {
            vec![
                Cell::text(if d.sealed {
                    format!("{} (sealed)", d.name)
                } else {
                    d.name.clone()
                }),
                Cell::count(d.lines),
                Cell::num(d.ga, 3),
                Cell::num(d.pa, 3),
                Cell::num(d.fga, 3),
                Cell::num(d.fta, 3),
            ]
        })
        .collect();
    let lines = |sealed: Option<bool>| {
        r.datasets
            .iter()
            .filter(|d| sealed.is_none_or(|s| d.sealed == s))
            .map(|d| d.lines)
            .sum()
    };
    rows.push(mean_row("mean", lines(None), &r.mean));
    if let (Some(o), Some(s)) = (&r.open, &r.sealed) {
        rows.push(mean_row("mean, open", lines(Some(false)), o));
        rows.push(mean_row("mean, sealed", lines(Some(true)), s));
    }
    let mut sections = vec![
        section(
            "Accuracy per dataset",
            "Grouping accuracy (GA), parsing accuracy (PA), F1 of grouping (FGA) and of \
             templates (FTA), as the Loghub-2.0 evaluator defines them.",
            Content::Plot {
                svg: bars(
                    &names,
                    &[
                        ("GA".into(), pick(|d| d.ga)),
                        ("PA".into(), pick(|d| d.pa)),
                        ("FGA".into(), pick(|d| d.fga)),
                        ("FTA".into(), pick(|d| d.fta)),
                    ],
                    1.0,
                ),
            },
        ),
        section(
            "Table",
            "",
            Content::Table(Table {
                headers: ["dataset", "lines", "GA", "PA", "FGA", "FTA"]
                    .map(String::from)
                    .to_vec(),
                rows,
            }),
        ),
    ];
    for d in &r.datasets {
        let Some(e) = &d.errors else { continue };
        let rows = split_rows(e);
        if rows.is_empty() {
            continue;
        }
        sections.push(section(
            &format!("{}: where grouping and templates fail", d.name),
            "Over-split: one ground-truth template spread over several groups (the parts are the \
             groups made). Under-split: one group made of several ground-truth templates (the \
             parts are those templates). Template: a group found exactly, with another text. \
             Worst first, by lines.",
            Content::Table(Table {
                headers: ["error", "lines", "template", "parts"]
                    .map(String::from)
                    .to_vec(),
                rows,
            }),
        ));
    }
    Page {
        title: "normforge: log parsing accuracy".into(),
        subtitle: subtitle.to_string(),
        sections,
    }
}

/// `reached/expected` of addresses and account names, `-` when none are expected.
fn reach_cell(r: &crate::ecs::Reach) -> Cell {
    if r.expected == 0 {
        Cell::text("-")
    } else {
        Cell::text(format!("{}/{}", r.reached, r.expected))
    }
}

/// The page of an `eval ecs` report.
pub fn ecs_page(r: &crate::ecs::Report, subtitle: &str) -> Page {
    let names: Vec<String> = r.buckets.iter().map(|b| b.name.clone()).collect();
    let opt = |x: Option<f64>| x.map_or_else(|| Cell::text("-"), |v| Cell::num(v, 3));
    let bucket_cells = |b: &std::collections::BTreeMap<String, crate::ecs::Counts>| {
        names
            .iter()
            .map(|n| match b.get(n) {
                Some(c) if c.expected > 0 => Cell::text(format!("{}/{}", c.found, c.expected)),
                _ => Cell::text("-"),
            })
            .collect::<Vec<Cell>>()
    };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for f in &r.files {
        let t = crate::ecs::Totals::of([f]);
        let mut row = vec![
            if f.failed.is_some() {
                Cell::status(format!("{} (failed)", f.name), "bad")
            } else {
                Cell::text(&f.name)
            },
            Cell::count(f.lines),
            Cell::count(f.normalized),
            opt(t.precision),
            opt(t.recall),
        ];
        row.extend(bucket_cells(&f.buckets));
        row.push(reach_cell(&f.reach));
        rows.push(row);
    }
    let mut totals = vec![("total", &r.total)];
    if let (Some(o), Some(s)) = (&r.open, &r.sealed) {
        totals.push(("open", o));
        totals.push(("sealed", s));
    }
    for (label, t) in &totals {
        let mut row = vec![
            Cell::text(format!("{label} ({} files)", t.files)),
            Cell::count(t.lines),
            Cell::text(""),
            opt(t.precision),
            opt(t.recall),
        ];
        row.extend(bucket_cells(&t.buckets));
        row.push(reach_cell(&t.reach));
        rows.push(row);
    }
    let mut headers: Vec<String> = ["file", "lines", "normalized", "P", "R"]
        .map(String::from)
        .to_vec();
    headers.extend(names.iter().cloned());
    headers.push("addresses and accounts in any field".into());
    let pick = |f: fn(&crate::ecs::Counts) -> Option<f64>| {
        names
            .iter()
            .map(|n| r.total.buckets.get(n).and_then(f).unwrap_or(0.0))
            .collect::<Vec<f64>>()
    };
    let uncovered = Table {
        headers: ["ECS field", "lines"].map(String::from).to_vec(),
        rows: r
            .uncovered
            .iter()
            .map(|u| vec![Cell::text(&u.field), Cell::count(u.lines)])
            .collect(),
    };
    Page {
        title: "normforge: fields against ECS-labelled events".into(),
        subtitle: subtitle.to_string(),
        sections: vec![
            section(
                "Precision and recall per bucket",
                "Over every file: the values of each bucket's taxonomy fields against those of \
                 its ECS fields (schema/ecs-crosswalk.tsv), on the lines whose expected event \
                 states the bucket.",
                Content::Plot {
                    svg: bars(
                        &names,
                        &[
                            ("P".into(), pick(crate::ecs::Counts::precision)),
                            ("R".into(), pick(crate::ecs::Counts::recall)),
                        ],
                        1.0,
                    ),
                },
            ),
            section(
                "Per file",
                "Found of expected values per bucket; sealed files appear only in their total.",
                Content::Table(Table { headers, rows }),
            ),
            section(
                "ECS fields no crosswalk row covers",
                "The lines of the corpus that state each.",
                Content::Table(uncovered),
            ),
        ],
    }
}
