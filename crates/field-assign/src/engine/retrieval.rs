//! What the knowledge base teaches: the KB rules that match the cluster's events, the
//! key→field alignments learned from its test pairs, and the constants of the nearest rules.

use std::collections::{BTreeMap, BTreeSet};

use ingest::Kind;
use serde_json::Value as J;
use xp_eval::Outcome;
use xp_taxonomy::Taxonomy;

use crate::engine::builder::Builder;
use crate::engine::expr::{guarded, slot_expr};
use crate::engine::passes::syslog::shared_program;
use crate::engine::values::{fits, real_values, unquote};
use crate::engine::Retrieval;
use crate::kb::{same_value, Transform};
use crate::slots::{self, Slot, Slots};
use crate::{ClusterView, Source, Why, CLASS_FIELDS, SOURCE_FIELDS};

/// Fields whose meaning is set by each rule (free slots, rule-specific properties): a key's
/// values going there in other rules says nothing about this one.
pub(crate) fn rule_specific(field: &str) -> bool {
    field.starts_with("datafield")
        || matches!(
            field,
            "object.value"
                | "object.property"
                | "object.version"
                | "chain_id"
                | "labels"
                | "reason"
                // A source's own scale: a raw value equal to it (`Opcode` "Info") is chance.
                | "importance"
        )
}

impl Retrieval<'_> {
    pub(crate) fn kb_rules(
        &self,
        view: &ClusterView<'_>,
        slots: &Slots,
        members: &[&str],
        b: &mut Builder,
    ) {
        let tax = Taxonomy::embedded();
        let opts = slots::run_options();
        // The KB rule matching most sampled members.
        let mut best: Option<(usize, Vec<(usize, J)>)> = None;
        for r in &self.kb.rules {
            let Some(rule) = &r.rule else { continue };
            let outs: Vec<(usize, J)> = members
                .iter()
                .enumerate()
                .filter_map(|(i, m)| match rule.normalize(m, &opts) {
                    Ok(Outcome::Normalized(ev)) => Some((i, J::Object(ev.to_json()))),
                    _ => None,
                })
                .collect();
            if !outs.is_empty() && best.as_ref().is_none_or(|(n, _)| outs.len() > *n) {
                best = Some((outs.len(), outs));
            }
        }
        let Some((_, outs)) = best else { return };
        let _ = view;
        let J::Object(first) = &outs[0].1 else { return };
        for (field, v0) in first {
            if field == "id" {
                continue;
            }
            let aligned = slots.slots.iter().find_map(|s| {
                [Transform::Same, Transform::Lower]
                    .into_iter()
                    .find_map(|t| {
                        outs.iter()
                            .all(|(i, out)| {
                                let (Some(e), Some(Some(v))) = (out.get(field), s.values.get(*i))
                                else {
                                    return false;
                                };
                                same_value(tax, field, e, unquote(v), t)
                            })
                            .then(|| t.wrap(&slot_expr(s)))
                    })
            });
            match aligned {
                Some(expr) => b.set(field, Source::Expr(expr), Why::KbRule),
                None if outs.iter().all(|(_, o)| o.get(field) == Some(v0)) => {
                    let text = match v0 {
                        J::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    // Constants that look like data of one event are not constants of the type.
                    if !members.iter().all(|m| m.contains(text.as_str())) || text.len() < 40 {
                        b.set(field, Source::Const(text), Why::KbRule);
                    }
                }
                None => {}
            }
        }
    }

    pub(crate) fn learned(&self, view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
        let tax = Taxonomy::embedded();
        // Words of text lines mean what they mean in alike messages: their alignments are
        // learned from the rules alike enough to the cluster (as the source's description is).
        let text_family = matches!(view.kind, Kind::Text | Kind::Keyvalue | Kind::Cef);
        let alike: Vec<&crate::kb::KbRule> = if text_family {
            let words: BTreeSet<String> = view
                .members
                .iter()
                .take(self.th.samples)
                .flat_map(|m| crate::kb::words(m))
                .collect();
            self.kb
                .nearest(view.kind, &words)
                .into_iter()
                .take_while(|(sim, _)| *sim >= self.th.source_sim)
                .map(|(_, r)| r)
                .collect()
        } else {
            Vec::new()
        };
        let mut cands: Vec<(f64, u32, usize, String, Transform)> = Vec::new();
        for (i, s) in slots.slots.iter().enumerate() {
            let key = if s.expr.starts_with("$kv")
                && !matches!(view.kind, Kind::Text | Kind::Keyvalue | Kind::Cef)
            {
                format!("{}{}", crate::kb::EMBEDDED, s.key)
            } else {
                s.key.clone()
            };
            // Fields the key never goes to beside another key of its record
            // (`schema/key-conflicts.tsv`: beside audit's login id `auid`, a `uid` learned as
            // the user's id elsewhere is the process's).
            let record = |x: &Slot| x.expr.split('[').next().map(str::to_string);
            let barred: Vec<&str> = crate::tsv::table("key-conflicts")
                .data()
                .filter(|c| {
                    s.key.eq_ignore_ascii_case(c[0])
                        && slots
                            .slots
                            .iter()
                            .any(|o| o.key == c[1] && record(o) == record(s))
                })
                .map(|c| c[2])
                .collect();
            let fields = if text_family {
                self.kb.fields_of_key_in(view.kind, &key, &alike)
            } else {
                self.kb.fields_of_key(view.kind, &key)
            };
            for (f, t, n, share) in fields {
                if n >= self.th.min_tests
                    && share >= self.th.min_share
                    && !rule_specific(&f)
                    && tax.get(&f).is_some()
                    && fits(tax, &f, &real_values(s))
                    && !barred.contains(&f.as_str())
                    // An account's name holds no `/` (a PATH record's `name=` is a file).
                    && !(f.ends_with("account.name")
                        && real_values(s).iter().flatten().any(|v| v.contains('/')))
                {
                    cands.push((share, n, i, f, t));
                }
            }
        }
        cands.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        // Each slot feeds one field: its best-supported one.
        let mut used = vec![false; slots.slots.len()];
        for (_, _, i, f, t) in cands {
            if used[i] || b.has(&f) {
                continue;
            }
            let s = &slots.slots[i];
            if let Some(e) = guarded(s, t.wrap(&slot_expr(s))) {
                used[i] = true;
                b.set(&f, Source::Expr(e), Why::Learned);
            }
        }
    }

    pub(crate) fn nearest(&self, view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
        let keys: BTreeSet<String> = match view.kind {
            Kind::Text | Kind::Keyvalue | Kind::Cef => view
                .members
                .iter()
                .take(self.th.samples)
                .flat_map(|m| crate::kb::words(m))
                .collect(),
            _ => slots.slots.iter().map(|s| s.key.clone()).collect(),
        };
        let near = self.kb.nearest(view.kind, &keys);
        let Some((sim, rule)) = near.first() else {
            return;
        };
        // The event source's description is the source's, not one rule's: the rules alike
        // enough vote, weighted by their similarity (one logon rule of a Windows log does
        // not make every Windows event "AAA").
        // The vendor is the subsystem's: once a matching rule named the subsystem, only rules
        // of that subsystem say who makes it (an sshd rule's `openbsd` is not systemd-logind's).
        let subsys = b.constant("event_src.subsys").map(str::to_string);
        // Lines a syslog program wrote describe that program's source: a rule of another
        // program (sshd's `unix_like`) says nothing of a database server's.
        let program = shared_program(view.members)
            .filter(|_| matches!(view.kind, Kind::Text | Kind::Keyvalue));
        for f in SOURCE_FIELDS {
            let mut votes: BTreeMap<&str, f64> = BTreeMap::new();
            for (s, r) in near.iter().take_while(|(s, _)| *s >= self.th.source_sim) {
                if f == "event_src.vendor"
                    && subsys.is_some()
                    && r.constants.get("event_src.subsys") != subsys.as_ref()
                {
                    continue;
                }
                if program
                    .as_ref()
                    .is_some_and(|p| r.constants.get("event_src.subsys") != Some(p))
                {
                    continue;
                }
                if let Some(v) = r.constants.get(f) {
                    *votes.entry(v.as_str()).or_default() += s;
                }
            }
            let best = votes
                .into_iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)));
            if let Some((v, _)) = best {
                b.set(f, Source::Const(v.to_string()), Why::Nearest);
            }
        }
        for (f, v) in &rule.constants {
            if CLASS_FIELDS.contains(&f.as_str()) && *sim >= self.th.class_sim {
                b.set(f, Source::Const(v.clone()), Why::Nearest);
            }
        }
    }
}
