//! The deterministic engine: retrieval from a knowledge base plus the lexicon. It is the floor
//! every LLM adapter is measured against.
//!
//! One ordered table of passes, [`PASSES`], builds a cluster's assignment; a field is set once,
//! by the first pass that decides it, and a later pass may change a decision only through the
//! [`builder::Builder`]'s `replace`, naming the provenances ([`crate::Why`]) it may override.
//! In priority order:
//! 1. **kb-rule**: KB rules whose own header and COND match the cluster's events; the fields
//!    they output are aligned with the cluster's slots (a value equal on every matched event
//!    becomes that slot's expression) or kept as constants ([`retrieval`]).
//! 2. **learned**: for each slot, the field its key's values went to across all KB test
//!    pairs, when that happened in enough tests and a large enough share of them.
//! 3. **nearest**: constants of the nearest KB rule of the same kind family (Jaccard over
//!    key names or words): the event source description when it is near, the classification
//!    when it is very near.
//! 4. **lexicon** and the idioms of [`passes`]: times, hosts, well-known keys, msgid from the
//!    event identifier, the classification the event's words state, then the experts' idioms
//!    (paths, accounts, processes, hosts) and the defaults.

pub(crate) mod builder;
pub(crate) mod expr;
pub(crate) mod passes;
pub(crate) mod retrieval;
pub(crate) mod values;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use ingest::Kind;

use crate::kb::Kb;
use crate::slots::{self, Slots};
use crate::{Assignment, ClusterView, FieldAssigner, Source};
use builder::Builder;
use expr::mentions;
use passes::*;

/// Tunable thresholds of the engine.
#[derive(Clone, Debug)]
pub struct Thresholds {
    /// Members sampled per cluster.
    pub samples: usize,
    /// Tests a learned key→field alignment needs.
    pub min_tests: u32,
    /// Share of the key's tests that must show the alignment.
    pub min_share: f64,
    /// Similarity for copying the event source description (vendor, title, category).
    pub source_sim: f64,
    /// Similarity for copying the classification (subject, action, object, status,
    /// category.*, importance).
    pub class_sim: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            samples: 8,
            min_tests: 2,
            min_share: 0.5,
            source_sim: 0.2,
            class_sim: 0.9,
        }
    }
}

/// Retrieval + lexicon.
#[derive(Debug)]
pub struct Retrieval<'k> {
    kb: &'k Kb,
    th: Thresholds,
}

impl<'k> Retrieval<'k> {
    /// An engine over a knowledge base.
    pub fn new(kb: &'k Kb) -> Retrieval<'k> {
        Retrieval {
            kb,
            th: Thresholds::default(),
        }
    }

    /// With other thresholds.
    pub fn with_thresholds(mut self, th: Thresholds) -> Retrieval<'k> {
        self.th = th;
        self
    }
}

/// What a pass sees of the cluster.
pub(crate) struct Ctx<'a> {
    /// The engine (its knowledge base and thresholds).
    pub engine: &'a Retrieval<'a>,
    /// The cluster.
    pub view: &'a ClusterView<'a>,
    /// The variables the rule reads, with their values on the sampled members.
    pub slots: &'a Slots,
    /// The sampled members, spread over the cluster.
    pub members: &'a [&'a str],
}

impl Ctx<'_> {
    /// The cluster's first members, as many as the engine samples.
    pub fn sample(&self) -> impl Iterator<Item = &str> + '_ {
        self.view
            .members
            .iter()
            .take(self.engine.th.samples)
            .copied()
    }
}

/// The clusters a pass runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum When {
    /// Every cluster.
    Always,
    /// Messages: TEXT, key=value runs and CEF.
    Messages,
    /// Structured events: JSON, EVENTLOG, tabular rows.
    Structured,
    /// TEXT only.
    Text,
    /// key=value runs only.
    Keyvalue,
    /// CEF only.
    Cef,
    /// Windows event logs only.
    Eventlog,
}

impl When {
    fn holds(self, kind: Kind) -> bool {
        let messages = matches!(kind, Kind::Text | Kind::Keyvalue | Kind::Cef);
        match self {
            When::Always => true,
            When::Messages => messages,
            When::Structured => !messages,
            When::Text => kind == Kind::Text,
            When::Keyvalue => kind == Kind::Keyvalue,
            When::Cef => kind == Kind::Cef,
            When::Eventlog => kind == Kind::Eventlog,
        }
    }
}

/// One step of the engine.
pub(crate) struct Pass {
    /// Its name, as traces and fixtures name it.
    pub name: &'static str,
    /// The file of `passes/` (or the engine module) it lives in: its fixture's folder.
    pub file: &'static str,
    /// The clusters it runs on.
    pub when: When,
    /// What it does.
    pub run: fn(&Ctx<'_>, &mut Builder),
}

/// The engine's passes, in the order they run: what the knowledge base teaches first, then
/// what the event says of itself, then the experts' idioms that rework those fields, then the
/// defaults.
#[rustfmt::skip]
pub(crate) const PASSES: &[Pass] = &[
    Pass { name: "kb_rules", file: "retrieval", when: When::Always, run: |c, b| c.engine.kb_rules(c.view, c.slots, c.members, b) },
    // The identifier is the type by construction: it names msgid before key statistics do.
    Pass { name: "msgid", file: "msgid", when: When::Always, run: |c, b| if let Some(id) = c.view.identifier { msgid::msgid_from_identifier(id, c.slots, b) } },
    Pass { name: "learned", file: "retrieval", when: When::Always, run: |c, b| c.engine.learned(c.view, c.slots, b) },
    Pass { name: "nearest", file: "retrieval", when: When::Always, run: |c, b| c.engine.nearest(c.view, c.slots, b) },
    Pass { name: "time", file: "time", when: When::Always, run: |c, b| time::time_keys(c.view, c.slots, b) },
    Pass { name: "host_keys", file: "hosts", when: When::Always, run: |c, b| hosts::host_keys(c.view, c.slots, b) },
    Pass { name: "crosswalk", file: "crosswalk", when: When::Always, run: |c, b| crosswalk::crosswalk(c.slots, b) },
    Pass { name: "key_lexicon", file: "keys", when: When::Always, run: |c, b| keys::key_lexicon(c.slots, b) },
    Pass { name: "literal_keys", file: "keys", when: When::Messages, run: |c, b| keys::literal_keys(c.view.head, b) },
    Pass { name: "key_words", file: "key_words", when: When::Always, run: |c, b| key_words::key_words(c.slots, b) },
    Pass { name: "protocol_key", file: "protocols", when: When::Always, run: |c, b| protocols::protocol_key(c.slots, b) },
    Pass { name: "transport_of_service", file: "protocols", when: When::Always, run: |c, b| protocols::transport_of_service(c.slots, b) },
    Pass { name: "chain_id", file: "msgid", when: When::Always, run: |c, b| msgid::instance_id(c.view.identifier, c.slots, b) },
    Pass { name: "cef_header", file: "cef", when: When::Cef, run: |c, b| cef::header_conventions(c.view, b) },
    Pass { name: "source_signatures", file: "source", when: When::Always, run: source::signatures },
    Pass { name: "windows_channel", file: "windows", when: When::Eventlog, run: |c, b| windows::channel(c.slots, b) },
    // Messages.
    Pass { name: "audit_record_title", file: "linux_audit", when: When::Messages, run: |c, b| linux_audit::record_title(c.view, c.slots, b) },
    Pass { name: "keyvalue_status", file: "status", when: When::Messages, run: |c, b| status::keyvalue_status(c.slots, b) },
    Pass { name: "keyvalue_record_type", file: "classify", when: When::Keyvalue, run: |c, b| c.engine.keyvalue_record_type(c.view, c.slots, b) },
    Pass { name: "message_words", file: "classify", when: When::Messages, run: classify::message_words },
    Pass { name: "message_title", file: "classify", when: When::Messages, run: classify::message_title },
    Pass { name: "systemd_unit", file: "systemd", when: When::Messages, run: systemd::unit },
    Pass { name: "switch_user", file: "switch_user", when: When::Messages, run: switch_user::acts },
    Pass { name: "cef_name", file: "cef", when: When::Cef, run: cef::name_title },
    Pass { name: "cisco_tag", file: "cisco", when: When::Messages, run: |c, b| cisco::message_tag(c.view, b) },
    // The categories of an act the record's type or system call stated.
    Pass { name: "message_categories", file: "classify", when: When::Messages, run: |c, b| c.engine.categories(b) },
    Pass { name: "prose_account", file: "prose_accounts", when: When::Messages, run: |c, b| prose_accounts::prose_account(c.view.head, c.slots, b) },
    Pass { name: "common_log_format", file: "access_log", when: When::Text, run: |c, b| access_log::common_log_format(c.view.head, c.slots, b) },
    Pass { name: "sided_address_port", file: "addresses", when: When::Always, run: |c, b| addresses::sided_address_port(c.slots, b) },
    Pass { name: "directed_addresses", file: "addresses", when: When::Messages, run: |c, b| addresses::directed_addresses(c.view.head, c.slots, b) },
    Pass { name: "address_list", file: "addresses", when: When::Messages, run: |c, b| addresses::address_list(c.slots, b) },
    Pass { name: "lone_address", file: "addresses", when: When::Messages, run: |c, b| addresses::lone_address(c.slots, b) },
    Pass { name: "pair_ports", file: "addresses", when: When::Messages, run: |c, b| addresses::pair_ports(c.slots, b) },
    Pass { name: "transport_word", file: "protocols", when: When::Messages, run: |c, b| protocols::transport_word(c.view.head, c.slots, b) },
    Pass { name: "named_address", file: "addresses", when: When::Always, run: |c, b| addresses::named_address(c.slots, b) },
    Pass { name: "syslog_program", file: "syslog", when: When::Messages, run: |c, b| syslog::syslog_program(c.view.members, b) },
    Pass { name: "http_status", file: "http_status", when: When::Text, run: |c, b| http_status::response_status(c.view.head, c.slots, b) },
    // Structured events.
    Pass { name: "address_with_port", file: "addresses", when: When::Structured, run: |c, b| addresses::address_with_port(c.slots, b) },
    Pass { name: "lone_structured_address", file: "addresses", when: When::Structured, run: |c, b| addresses::lone_structured_address(c.slots, b) },
    Pass { name: "classify_structured", file: "classify", when: When::Structured, run: |c, b| c.engine.classify_structured(c.view, c.slots, b) },
    Pass { name: "structured_status", file: "status", when: When::Structured, run: |c, b| status::structured_status(c.view, c.slots, b) },
    // An event's own outcome words (`"event": "login_failed"`) say more than the class of its
    // response's status.
    Pass { name: "http_status_key", file: "http_status", when: When::Always, run: |c, b| http_status::status_key(c.slots, b) },
    Pass { name: "structured_categories", file: "classify", when: When::Structured, run: |c, b| c.engine.categories(b) },
    // The experts' idioms.
    Pass { name: "started_process_is_the_object", file: "processes", when: When::Always, run: |_, b| processes::started_process_is_the_object(b) },
    Pass { name: "creator_is_the_parent", file: "processes", when: When::Always, run: |c, b| processes::creator_is_the_parent(c.slots, b) },
    Pass { name: "login_service_is_the_object", file: "pam", when: When::Always, run: |c, b| pam::login_service_is_the_object(c.slots, b) },
    Pass { name: "host_split", file: "hosts", when: When::Always, run: |c, b| hosts::host_split(c.slots, b) },
    Pass { name: "reporting_host_is_destination", file: "hosts", when: When::Always, run: |_, b| hosts::reporting_host_is_destination(b) },
    Pass { name: "account_split", file: "accounts", when: When::Always, run: |c, b| accounts::account_split(c.slots, b) },
    Pass { name: "relative_to_cwd", file: "paths", when: When::Always, run: |c, b| paths::relative_to_cwd(c.slots, b) },
    Pass { name: "command_line_is_no_path", file: "paths", when: When::Always, run: |_, b| paths::command_line_is_no_path(b) },
    Pass { name: "path_split", file: "paths", when: When::Always, run: |c, b| paths::path_split(c.slots, b) },
    Pass { name: "object_from_fields", file: "subject_object", when: When::Always, run: subject_object::object },
    Pass { name: "subject_from_fields", file: "subject_object", when: When::Always, run: |_, b| subject_object::subject_from_fields(b) },
    Pass { name: "process_user", file: "linux_audit", when: When::Always, run: |c, b| linux_audit::process_user(c.slots, b) },
    Pass { name: "program_arguments", file: "linux_audit", when: When::Always, run: |c, b| linux_audit::program_arguments(c.slots, b) },
    Pass { name: "managed_account", file: "accounts", when: When::Always, run: |c, b| accounts::managed_account(c.slots, b) },
    Pass { name: "socket_address", file: "linux_audit", when: When::Always, run: |c, b| linux_audit::socket_address(c.view.identifier, c.slots, b) },
    Pass { name: "one_side_per_account", file: "accounts", when: When::Always, run: |_, b| accounts::one_side_per_account(b) },
    Pass { name: "program_acts", file: "programs", when: When::Always, run: |c, b| c.engine.program_acts_per_event(c.view.head, c.slots, b) },
    Pass { name: "verdict_of_a_rule", file: "firewall", when: When::Always, run: |_, b| firewall::verdict_of_a_rule(b) },
    Pass { name: "severity_words", file: "importance", when: When::Always, run: |c, b| importance::severity_words(c.slots, b) },
    Pass { name: "text_level", file: "importance", when: When::Text, run: |c, b| importance::text_level(c.view.head, c.slots, b) },
    Pass { name: "defaults", file: "defaults", when: When::Always, run: |_, b| defaults::defaults(b) },
];

/// One assigned field and the pass that decided it.
#[derive(Clone, Debug)]
pub struct Traced {
    /// The field, its value and provenance.
    pub assigned: crate::Assigned,
    /// The pass (`path_split`).
    pub pass: &'static str,
    /// Its file under `passes/` (`paths`), or `retrieval`.
    pub file: &'static str,
}

impl Retrieval<'_> {
    /// The assignment with the pass that decided each field, in the order they were set.
    pub fn assign_traced(&self, view: &ClusterView<'_>) -> (Assignment, Vec<Traced>) {
        let (out, by) = self.build(view);
        let traced = out
            .fields
            .iter()
            .zip(by)
            .map(|(a, pass)| Traced {
                assigned: a.clone(),
                pass,
                file: PASSES
                    .iter()
                    .find(|p| p.name == pass)
                    .map_or("", |p| p.file),
            })
            .collect();
        (out, traced)
    }

    fn build(&self, view: &ClusterView<'_>) -> (Assignment, Vec<&'static str>) {
        let members: Vec<&str> = spread(view.members, self.th.samples);
        let slots = slots::read(view.kind, view.head, view.captures, &members);
        let mut b = Builder::new(slots.prelude.clone());
        let ctx = Ctx {
            engine: self,
            view,
            slots: &slots,
            members: &members,
        };
        for pass in PASSES {
            if pass.when.holds(view.kind) {
                b.enter(pass.name);
                (pass.run)(&ctx, &mut b);
            }
        }
        prune_prelude(&mut b);
        b.finish()
    }
}

/// Keeps only the prelude statements an expression uses, directly or through another kept
/// statement (`$kv5 = keyvalue($path_record, …)` keeps `$path_record = …`); a variable's every
/// definition stays once one is kept.
fn prune_prelude(b: &mut Builder) {
    let var_of = |p: &str| p.split_whitespace().next().unwrap_or("").to_string();
    let prelude = b.prelude().to_vec();
    let mut kept = vec![false; prelude.len()];
    loop {
        let mut changed = false;
        for i in 0..prelude.len() {
            if kept[i] {
                continue;
            }
            let var = var_of(&prelude[i]);
            let by_field = b.fields().iter().any(|a| match &a.source {
                Source::Expr(e) => mentions(e, &var),
                Source::Const(_) => false,
            });
            let by_statement = prelude.iter().zip(&kept).any(|(q, k)| {
                *k && var_of(q) != var && mentions(q.split_once('=').map_or("", |x| x.1), &var)
            });
            if by_field || by_statement {
                kept[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let kept_vars: BTreeSet<String> = prelude
        .iter()
        .zip(&kept)
        .filter(|(_, k)| **k)
        .map(|(p, _)| var_of(p))
        .collect();
    b.retain_prelude(|p| kept_vars.contains(&var_of(p)));
}

impl FieldAssigner for Retrieval<'_> {
    fn name(&self) -> &str {
        "retrieval"
    }

    /// Clusters are assigned independently of each other: on every core.
    fn assign_all(&self, clusters: &[ClusterView<'_>]) -> Vec<Assignment> {
        format_synth::par::par_map(clusters, |_, c| self.assign(c))
    }

    /// The engine computes: a batch of 512 clusters and their packages takes about 0.1 s on
    /// two cores (a log of 100,000 event types), short enough for a stop request to wait, long
    /// enough that the cores rarely wait for each other (16 s to build those packages in
    /// batches of 32, 11 s in batches of 512).
    fn batch(&self) -> usize {
        512
    }

    fn assign(&self, view: &ClusterView<'_>) -> Assignment {
        self.build(view).0
    }
}

/// Up to `n` members spread over the cluster (first, last, evenly between).
pub fn spread<'a>(members: &[&'a str], n: usize) -> Vec<&'a str> {
    if members.len() <= n {
        return members.to_vec();
    }
    (0..n)
        .map(|i| members[i * (members.len() - 1) / (n - 1).max(1)])
        .collect()
}
