//! Rule packages per cluster: the main job of normforge.
//!
//! For every cluster with its head ([`format_synth::merge::Headed`]), [`generate`] asks a
//! [`FieldAssigner`] for the fields, writes formula.xp ([`formula`]), i18n en/ru ([`i18n`]),
//! metainfo and tests (representative members and the normalized events the rule gives),
//! and validates the rule by running it on every member. A cluster whose rule does not
//! compile or matches none of its members is rejected with the reason, never emitted.
//! [`describe::redescribe`] lets another writer (a language-model task) replace the English
//! event descriptions afterwards, under the same checks, and [`rename::rename`] another
//! writer the rule names.
#![deny(missing_docs)]

pub mod describe;
pub mod formula;
pub mod i18n;
pub mod naming;
pub mod rename;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use field_assign::{Assignment, ClusterView, FieldAssigner, Source};
use format_synth::merge::Headed;
use ingest::Kind;
use serde::Serialize;
use xp_eval::{CompileOptions, Outcome, Rule, RunOptions};

use crate::naming::{object_id, rule_name, sanitize};

/// Where packages go: `<vendor>/<product>/<source>/`. `None` parts come from the log.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// Vendor folder.
    pub vendor: Option<String>,
    /// Product folder.
    pub product: Option<String>,
    /// Source folder.
    pub source: Option<String>,
}

/// Generation options.
#[derive(Clone, Debug)]
pub struct Options {
    /// Test pairs per package (representative members).
    pub tests: usize,
    /// Year for year-less times (the tests are normalized with it).
    pub year: i32,
    /// Folder names.
    pub meta: Meta,
}

/// One generated package.
#[derive(Clone, Debug, Serialize)]
pub struct Package {
    /// Cluster id.
    pub cluster: usize,
    /// Event kind.
    pub kind: &'static str,
    /// Members.
    pub size: usize,
    /// Members the rule normalizes.
    pub matched: usize,
    /// Folder relative to the output (`Vendor/Product/source/Rule`).
    pub dir: PathBuf,
    /// The rule's `id`.
    pub id: String,
    /// The assignment.
    pub assignment: Assignment,
    /// Files relative to `dir`.
    #[serde(skip)]
    pub files: BTreeMap<PathBuf, String>,
    /// Which member each test is (index into the cluster's members).
    #[serde(skip)]
    pub test_members: Vec<usize>,
}

/// A cluster without a package, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Rejected {
    /// Cluster id.
    pub cluster: usize,
    /// Members.
    pub size: usize,
    /// Why.
    pub reason: String,
}

/// What generation gives.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Generated {
    /// Emitted packages.
    pub packages: Vec<Package>,
    /// Clusters left without one.
    pub rejected: Vec<Rejected>,
}

fn run_options(year: i32) -> RunOptions {
    RunOptions {
        year,
        ..RunOptions::default()
    }
}

/// Folder names for a cluster: options first, then what the log says, then defaults.
fn meta_for(kind: Kind, first: &str, meta: &Meta) -> (String, String, String) {
    let flat = format_synth::structured::flatten(kind, first);
    let get = |k: &str| flat.get(k).filter(|v| !v.starts_with('\u{1}')).cloned();
    let (v, p, s) = match kind {
        Kind::Eventlog => (
            "Microsoft".to_string(),
            "Windows".to_string(),
            get("$Channel").unwrap_or_else(|| "eventlog".into()),
        ),
        Kind::Cef => (
            get("$device_vendor").unwrap_or_else(|| "Generic".into()),
            get("$device_product").unwrap_or_else(|| "cef".into()),
            "cef".to_string(),
        ),
        Kind::Text | Kind::Keyvalue => match ingest::syslog::parse(first) {
            Some(h) => (
                "Generic".to_string(),
                h.app.unwrap_or_else(|| "syslog".into()),
                "syslog".to_string(),
            ),
            // A well-known source recognised by its content names the product (a raw
            // audit.log: `auditd`).
            None => {
                let known = field_assign::lexicon::source_constants(&[first]);
                let of = |f: &str| {
                    known
                        .iter()
                        .find(|(k, _)| *k == f)
                        .map(|(_, v)| v.to_string())
                };
                (
                    "Generic".to_string(),
                    of("event_src.subsys").unwrap_or_else(|| "text".into()),
                    "text".to_string(),
                )
            }
        },
        Kind::Json => ("Generic".into(), "json".into(), "json".into()),
        Kind::Tabular => ("Generic".into(), "tabular".into(), "tabular".into()),
    };
    (
        sanitize(meta.vendor.as_deref().unwrap_or(&v)),
        sanitize(meta.product.as_deref().unwrap_or(&p)),
        sanitize(meta.source.as_deref().unwrap_or(&s)),
    )
}

/// Compiles a formula strictly (taxonomy fields only).
fn compile(src: &str) -> Result<Rule, String> {
    Rule::compile(src, CompileOptions { strict: true }).map_err(|d| {
        d.iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Members spread over the cluster, distinct texts, up to `n`.
fn pick(members: &[&str], matched: &[bool], n: usize) -> Vec<usize> {
    let ok: Vec<usize> = (0..members.len()).filter(|&i| matched[i]).collect();
    let mut out: Vec<usize> = Vec::new();
    let mut seen = BTreeSet::new();
    let k = ok.len();
    for j in 0..k.min(n.max(1) * 4) {
        let i = ok[if k <= 1 {
            0
        } else {
            j * (k - 1) / (k.min(n.max(1) * 4) - 1).max(1)
        }];
        if seen.insert(members[i]) {
            out.push(i);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// Generates a package for every cluster.
pub fn generate(
    headed: &Headed,
    assigner: &dyn FieldAssigner,
    opts: &Options,
    progress: impl FnMut(usize),
) -> Generated {
    generate_while(headed, assigner, opts, progress, || true)
}

/// [`generate`] that asks `go_on` before each batch of clusters ([`FieldAssigner::batch`])
/// and stops when it says no (a timeout); the clusters not reached get nothing, and the caller
/// knows it stopped.
pub fn generate_while(
    headed: &Headed,
    assigner: &dyn FieldAssigner,
    opts: &Options,
    mut progress: impl FnMut(usize),
    go_on: impl Fn() -> bool,
) -> Generated {
    let mut out = Generated::default();
    let mut names: rustc_hash::FxHashSet<PathBuf> = Default::default();
    let clusters: Vec<_> = headed.clusters.iter().zip(&headed.heads).collect();
    let naming_ids: BTreeMap<usize, String> = headed
        .clusters
        .iter()
        .map(|c| c.id)
        .zip(naming::distinctive_identifiers(
            headed
                .clusters
                .iter()
                .map(|c| (c.kind, c.identifier.as_deref())),
        ))
        .filter_map(|(id, n)| n.map(|n| (id, n)))
        .collect();
    for chunk in clusters.chunks(assigner.batch().max(1)) {
        if !go_on() {
            break;
        }
        // What each cluster shows the assigner: its member texts and its head as formula text.
        let texts: Vec<(Vec<&str>, String)> = chunk
            .iter()
            .map(|(c, head)| {
                let members = c.texts.iter().map(|(_, t)| t.as_str()).collect();
                let head_src = match &head.cond {
                    Some(c) => format!("{}\nCOND = {c}\n", head.header),
                    None => format!("{}\n", head.header),
                };
                (members, head_src)
            })
            .collect();
        let views: Vec<ClusterView<'_>> = chunk
            .iter()
            .zip(&texts)
            .filter(|(_, (members, _))| !members.is_empty())
            .map(|((c, head), (members, head_src))| ClusterView {
                kind: c.kind,
                head: head_src,
                captures: &head.captures,
                members,
                identifier: c.identifier.as_deref(),
            })
            .collect();
        let mut assignments = assigner.assign_all(&views).into_iter();
        // Clusters to build, in order; rejections before building keep their place.
        let mut items: Vec<Item<'_>> = Vec::new();
        for ((c, head), (members, head_src)) in chunk.iter().zip(&texts) {
            progress(c.size);
            let reject = |reason: String| Rejected {
                cluster: c.id,
                size: c.size,
                reason,
            };
            let Some(first) = members.first() else {
                items.push(Item::Rejected(reject(
                    "the cluster kept no member text".into(),
                )));
                continue;
            };
            let Some(assignment) = assignments.next() else {
                items.push(Item::Rejected(reject(
                    "the field assigner gave no assignment".into(),
                )));
                continue;
            };
            let facts = Facts {
                id: c.id,
                size: c.size,
                kind: c.kind,
                identifier: naming_ids.get(&c.id).map(String::as_str),
                header: &head.header,
            };
            items.push(Item::Build {
                facts,
                members,
                head_src,
                first,
                assignment,
            });
        }
        build_all(&mut out, &mut names, items, opts);
    }
    out
}

/// A cluster of a chunk: to build, or rejected before building.
enum Item<'a> {
    Build {
        facts: Facts<'a>,
        members: &'a [&'a str],
        head_src: &'a str,
        first: &'a str,
        assignment: Assignment,
    },
    Rejected(Rejected),
}

/// Builds a chunk's packages on every core, with the result of building them one after
/// another: each is built under the folder name it gets if every package before it in the
/// chunk is kept; where one was rejected and a later one's name changes with it, that one is
/// built again under its name.
fn build_all(
    out: &mut Generated,
    names: &mut rustc_hash::FxHashSet<PathBuf>,
    items: Vec<Item<'_>>,
    opts: &Options,
) {
    let mut taken: rustc_hash::FxHashSet<PathBuf> = Default::default();
    let provisional: Vec<Option<Named>> = items
        .iter()
        .map(|it| match it {
            Item::Build { facts, first, .. } => {
                let n = named(facts, first, opts, |d| {
                    names.contains(d) || taken.contains(d)
                });
                taken.insert(n.dir.clone());
                Some(n)
            }
            Item::Rejected(_) => None,
        })
        .collect();
    let built: Vec<Option<Result<Package, Rejected>>> =
        format_synth::par::par_map(&items, |k, it| match it {
            Item::Build {
                facts,
                members,
                head_src,
                assignment,
                ..
            } => provisional[k]
                .as_ref()
                .map(|n| build(facts, n, members, head_src, assignment.clone(), opts)),
            Item::Rejected(_) => None,
        });
    for ((it, result), guess) in items.into_iter().zip(built).zip(provisional) {
        match it {
            Item::Rejected(r) => out.rejected.push(r),
            Item::Build {
                facts,
                members,
                head_src,
                first,
                assignment,
            } => {
                let n = named(&facts, first, opts, |d| names.contains(d));
                let result = match (result, guess) {
                    (Some(r), Some(g)) if g.dir == n.dir => r,
                    _ => build(&facts, &n, members, head_src, assignment, opts),
                };
                match result {
                    Ok(p) => {
                        names.insert(p.dir.clone());
                        out.packages.push(p);
                    }
                    Err(r) => out.rejected.push(r),
                }
            }
        }
    }
}

/// What a package takes from its cluster and head.
struct Facts<'a> {
    id: usize,
    size: usize,
    kind: Kind,
    identifier: Option<&'a str>,
    header: &'a str,
}

/// A package's folder and names.
struct Named {
    dir: PathBuf,
    name: String,
    id: String,
}

/// The folder and names of a cluster's package: the first of `base`, `base_2`, … whose folder
/// is not `taken`.
fn named(c: &Facts<'_>, first: &str, opts: &Options, taken: impl Fn(&PathBuf) -> bool) -> Named {
    let (vendor, product, source) = meta_for(c.kind, first, &opts.meta);
    let base = naming::audit_record_rule_name(c.identifier)
        .or_else(|| naming::syscall_rule_name(c.identifier, first))
        .unwrap_or_else(|| rule_name(c.kind, c.header, c.identifier, c.id));
    let mut name = base.clone();
    let mut k = 2;
    let folder = |n: &str| PathBuf::from(&vendor).join(&product).join(&source).join(n);
    while taken(&folder(&name)) {
        name = format!("{base}_{k}");
        k += 1;
    }
    Named {
        dir: folder(&name),
        id: format!("NF_{vendor}_{product}_{source}_{name}"),
        name,
    }
}

/// The package of one cluster under its names, or its rejection.
fn build(
    c: &Facts<'_>,
    n: &Named,
    members: &[&str],
    head_src: &str,
    mut assignment: Assignment,
    opts: &Options,
) -> Result<Package, Rejected> {
    let reject = |reason: String| Rejected {
        cluster: c.id,
        size: c.size,
        reason,
    };
    {
        let (dir, name, id) = (n.dir.clone(), n.name.as_str(), n.id.as_str());
        let comment = format!(
            "Generated by normforge from cluster #{} ({} events, kind {}).",
            c.id,
            c.size,
            c.kind.name()
        );
        // The rule, repaired by dropping the expressions when it does not compile.
        let built = formula::formula(&comment, head_src, &assignment, id)
            .and_then(|src| compile(&src).map(|r| (src, r)));
        let (src, rule) = match built {
            Ok(x) => x,
            Err(first_err) => {
                assignment
                    .fields
                    .retain(|a| matches!(a.source, Source::Const(_)));
                assignment.prelude.clear();
                match formula::formula(&comment, head_src, &assignment, id)
                    .and_then(|src| compile(&src).map(|r| (src, r)))
                {
                    Ok(x) => x,
                    Err(e) => {
                        return Err(reject(format!(
                            "the rule does not compile: {first_err}; without its expressions: {e}"
                        )));
                    }
                }
            }
        };
        let ro = run_options(opts.year);
        let results: Vec<Option<serde_json::Map<String, serde_json::Value>>> = members
            .iter()
            .map(|m| match rule.normalize(m, &ro) {
                Ok(Outcome::Normalized(ev)) => Some(ev.to_json()),
                _ => None,
            })
            .collect();
        let matched_flags: Vec<bool> = results.iter().map(Option::is_some).collect();
        let matched = matched_flags.iter().filter(|x| **x).count();
        if matched == 0 {
            return Err(reject(
                "the rule matches none of the cluster's events".into(),
            ));
        }
        let tests = pick(members, &matched_flags, opts.tests);
        let mut files = BTreeMap::new();
        files.insert(PathBuf::from("formula.xp"), src);
        for (n, &i) in tests.iter().enumerate() {
            let mut raw = members[i].to_string();
            if !raw.ends_with('\n') {
                raw.push('\n');
            }
            files.insert(PathBuf::from(format!("tests/raw_{}.txt", n + 1)), raw);
            let norm = results[i].clone().unwrap_or_default();
            let mut text =
                serde_json::to_string_pretty(&serde_json::Value::Object(norm)).unwrap_or_default();
            text.push('\n');
            files.insert(PathBuf::from(format!("tests/norm_{}.js", n + 1)), text);
        }
        let words = name.replace('_', " ");
        let t = i18n::texts(&words, &assignment);
        files.insert(
            PathBuf::from("i18n/i18n_en.yaml"),
            i18n::file(&t.description_en, id, &t.event_en),
        );
        files.insert(
            PathBuf::from("i18n/i18n_ru.yaml"),
            i18n::file(&t.description_ru, id, &t.event_ru),
        );
        files.insert(
            PathBuf::from("metainfo.yaml"),
            format!(
                "ContentAutoName: {id}\nEventDescriptions:\n    - Criteria: id = \"{id}\"\n      LocalizationId: {id}\nObjectId: {}\n",
                object_id(id)
            ),
        );
        Ok(Package {
            cluster: c.id,
            kind: c.kind.name(),
            size: c.size,
            matched,
            dir,
            id: id.to_string(),
            assignment,
            files,
            test_members: tests,
        })
    }
}

impl Generated {
    /// Every file of every package, relative to the output folder.
    pub fn files(&self) -> BTreeMap<PathBuf, String> {
        let mut out = BTreeMap::new();
        for p in &self.packages {
            for (rel, content) in &p.files {
                out.insert(p.dir.join(rel), content.clone());
            }
        }
        out
    }

    /// [`Generated::files`] moved out of the packages (left without files): no second copy of
    /// every text when the tree is about to be written.
    pub fn take_files(&mut self) -> BTreeMap<PathBuf, String> {
        // Package folders are siblings at one depth: in folder order, with each package's files
        // in their order, the paths come sorted and the map is built from them in one pass
        // instead of one search per file (350,000 files for 50,000 packages).
        let mut order: Vec<usize> = (0..self.packages.len()).collect();
        order.sort_by(|&a, &b| self.packages[a].dir.cmp(&self.packages[b].dir));
        let mut files = Vec::new();
        for k in order {
            let p = &mut self.packages[k];
            for (rel, content) in std::mem::take(&mut p.files) {
                files.push((p.dir.join(rel), content));
            }
        }
        files.into_iter().collect()
    }

    /// summary.md: clusters, sizes, validation status, rejections.
    pub fn summary_md(&self, log: &str) -> String {
        let mut s = format!(
            "# normforge generate: {log}\n\n{} packages, {} clusters rejected.\n\n| cluster | events | normalized | kind | rule |\n|---:|---:|---:|---|---|\n",
            self.packages.len(),
            self.rejected.len()
        );
        for p in &self.packages {
            s.push_str(&format!(
                "| {} | {} | {} | {} | `{}` |\n",
                p.cluster,
                p.size,
                p.matched,
                p.kind,
                p.dir.display()
            ));
        }
        if !self.rejected.is_empty() {
            s.push_str(
                "\n## Rejected clusters\n\n| cluster | events | reason |\n|---:|---:|---|\n",
            );
            for r in &self.rejected {
                s.push_str(&format!(
                    "| {} | {} | {} |\n",
                    r.cluster,
                    r.size,
                    r.reason.replace('|', "\\|").replace('\n', " ")
                ));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Names each cluster's rule after the order it was seen in, and records its batches.
    struct Batches {
        sizes: Mutex<Vec<usize>>,
        short: bool,
        batch: usize,
    }

    impl FieldAssigner for Batches {
        fn name(&self) -> &str {
            "batches"
        }
        fn assign(&self, _: &ClusterView<'_>) -> Assignment {
            unreachable!("generation assigns in batches")
        }
        fn batch(&self) -> usize {
            self.batch
        }
        fn assign_all(&self, views: &[ClusterView<'_>]) -> Vec<Assignment> {
            self.sizes.lock().unwrap().push(views.len());
            let n = if self.short {
                views.len() - 1
            } else {
                views.len()
            };
            views[..n]
                .iter()
                .map(|v| Assignment {
                    prelude: Vec::new(),
                    fields: vec![field_assign::Assigned {
                        field: "reason".into(),
                        source: Source::Const(v.members[0].split(' ').nth(1).unwrap_or("").into()),
                        why: field_assign::Why::Test,
                    }],
                })
                .collect()
        }
    }

    fn headed() -> Headed {
        let log = "sshd[1]: Accepted password for ann from 10.0.0.1\nsshd[2]: Accepted password for bob from 10.0.0.2\nsshd[3]: Failed password for ann from 10.0.0.3 port 22\nsshd[4]: Failed password for bob from 10.0.0.4 port 23\n";
        headed_of(log)
    }

    /// The event types of a small log, headed (shared with the other modules' tests).
    pub(crate) fn headed_of(log: &str) -> Headed {
        let events: Vec<ingest::Event> = ingest::Reader::new(
            std::io::Cursor::new(log.as_bytes()),
            ingest::Options::default(),
        )
        .filter_map(|i| match i {
            Ok(ingest::Item::Event(e)) => Some(e),
            _ => None,
        })
        .collect();
        let mut c = log_cluster::events::EventClusterer::new(
            log_cluster::Config::default(),
            log_cluster::identifier::RuleBased,
        )
        .keep_texts(usize::MAX);
        for e in &events {
            c.add(e);
        }
        format_synth::merge::headed(&c.finish())
    }

    #[test]
    fn packages_built_in_parallel_are_named_as_if_built_one_after_another() {
        // Three clusters of one rule name; the first is rejected (its rule matches none of its
        // events), so the second is `base` and the third `base_2`, as in a sequential build,
        // though both were first built under the names they would have had beside the first.
        fn item<'a>(id: usize, head: &'a str, members: &'a [&'a str]) -> Item<'a> {
            Item::Build {
                facts: Facts {
                    id,
                    size: members.len(),
                    kind: Kind::Text,
                    identifier: None,
                    header: head.trim_end(),
                },
                members,
                head_src: head,
                first: members[0],
                assignment: Assignment {
                    prelude: Vec::new(),
                    fields: Vec::new(),
                },
            }
        }
        let head = "TEXT = 'login ok {$user=WORD}'\n";
        let items = vec![
            item(1, head, &["nothing alike"]),
            item(2, head, &["login ok ann"]),
            item(3, head, &["login ok bob"]),
        ];
        let mut out = Generated::default();
        let mut names = Default::default();
        build_all(&mut out, &mut names, items, &opts());
        assert_eq!(out.rejected.len(), 1, "{:?}", out.rejected);
        assert_eq!(out.rejected[0].cluster, 1);
        let dirs: Vec<String> = out
            .packages
            .iter()
            .map(|p| p.dir.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(dirs.len(), 2);
        assert_eq!(dirs[1], format!("{}_2", dirs[0]), "{dirs:?}");
        assert!(
            out.packages[0].id.ends_with(&dirs[0]),
            "{}",
            out.packages[0].id
        );
    }

    fn opts() -> Options {
        Options {
            tests: 2,
            year: 2024,
            meta: Meta::default(),
        }
    }

    #[test]
    fn every_cluster_is_assigned_in_one_batch_and_keeps_its_own_assignment() {
        let h = headed();
        assert!(h.clusters.len() >= 2, "{}", h.clusters.len());
        let a = Batches {
            sizes: Mutex::new(Vec::new()),
            short: false,
            batch: 32,
        };
        let g = generate(&h, &a, &opts(), |_| {});
        assert_eq!(*a.sizes.lock().unwrap(), vec![h.clusters.len()]);
        assert_eq!(g.packages.len(), h.clusters.len(), "{:?}", g.rejected);
        for p in &g.packages {
            let raw = &p.files[&PathBuf::from("tests/raw_1.txt")];
            let word = raw.split(' ').nth(1).unwrap_or("");
            let got = p.assignment.constant("reason");
            assert_eq!(got, Some(word), "{raw}");
        }
    }

    #[test]
    fn batches_follow_the_assigner_and_do_not_change_the_packages() {
        let h = headed();
        let run = |batch| {
            let a = Batches {
                sizes: Mutex::new(Vec::new()),
                short: false,
                batch,
            };
            let g = generate(&h, &a, &opts(), |_| {});
            let sizes = a.sizes.into_inner().unwrap();
            let dirs: Vec<PathBuf> = g.packages.iter().map(|p| p.dir.clone()).collect();
            (sizes, dirs)
        };
        let (one, dirs_one) = run(1);
        let (all, dirs_all) = run(32);
        assert_eq!(one, vec![1; h.clusters.len()]);
        assert_eq!(all, vec![h.clusters.len()]);
        assert_eq!(dirs_one, dirs_all);
    }

    #[test]
    fn a_cluster_without_an_assignment_is_rejected_with_the_reason() {
        let h = headed();
        let a = Batches {
            sizes: Mutex::new(Vec::new()),
            short: true,
            batch: 32,
        };
        let g = generate(&h, &a, &opts(), |_| {});
        assert_eq!(g.packages.len(), h.clusters.len() - 1);
        assert_eq!(g.rejected.len(), 1);
        assert!(
            g.rejected[0].reason.contains("no assignment"),
            "{:?}",
            g.rejected
        );
    }
}
