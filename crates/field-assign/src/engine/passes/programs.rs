//! **programs**: a record type several programs write (auditd `USER_ACCT` by sshd and by
//! groupmod) is read per event where a program's own act (`schema/unix-programs.tsv`) states
//! what was done better than the record's type.
//!
//! `type=USER_ACCT … exe="/usr/sbin/groupmod"` → `action = "modify"`, `object = "user_group"`.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::builder::{Builder, Override};
use crate::engine::values::unquote;
use crate::engine::Retrieval;
use crate::slots::Slots;
use crate::{lexicon, Source, Why};

/// What a program's record says was done, where the program states it better than the
/// record's type: a switch-user program's session or authentication (`su`, `sudo`) raises
/// the user (`elevate` or `deelevate` the account); an account or group tool
/// (`schema/unix-programs.tsv`: `groupmod` modifies a user group) does its own act where the
/// record only reports an access check or a login (auditd's `USER_ACCT` by `groupmod`).
pub(crate) fn program_act(program: &str, action: &str) -> Option<(&'static str, &'static str)> {
    if crate::prose::is_switch_user_program(program) {
        return match action {
            "login" | "open" | "start" => Some(("elevate", "account")),
            "logout" | "close" | "stop" => Some(("deelevate", "account")),
            _ => None,
        };
    }
    if matches!(action, "create" | "modify" | "remove") {
        return None;
    }
    let base = program.rsplit('/').next().unwrap_or(program);
    crate::catalog::account_managers()
        .iter()
        .find(|(n, _, _)| *n == base)
        .map(|(_, a, o)| (*a, *o))
}

/// The programs whose records [`program_act`] reads as `(action, object)`, as an XP list
/// literal: every switch-user program for elevate/deelevate, else every tool with that act.
pub(crate) fn programs_with(act: (&str, &str)) -> String {
    if matches!(act.0, "elevate" | "deelevate") {
        return crate::prose::switch_user_list();
    }
    let names: Vec<String> = crate::catalog::account_managers()
        .iter()
        .filter(|(n, a, o)| (*a, *o) == act && !crate::prose::is_switch_user_program(n))
        .map(|(n, _, _)| format!("\"{n}\""))
        .collect();
    format!("[{}]", names.join(", "))
}

/// An act: `(action, object)`.
type Act<'a> = (&'a str, &'a str);

/// Fields and their constant values.
type FieldValues<'a> = BTreeMap<&'a str, String>;

impl Retrieval<'_> {
    /// A structured record type that several programs write (auditd's `USER_START` by sshd,
    /// gdm and su alike, `USER_ACCT` by sshd and groupmod): where some members were written by
    /// a program whose act [`program_act`] knows, the act is read per event (through
    /// `$program_name`, the executable's base name), with each act's
    /// object, subject and categories; the record's own act stays for the others.
    pub(crate) fn program_acts_per_event(&self, head: &str, slots: &Slots, b: &mut Builder) {
        let Some(Source::Const(action)) = b.get("action").map(|a| a.source.clone()) else {
            return;
        };
        let base = |v: &str| {
            let v = unquote(v).trim_matches('"');
            v.rsplit('/').next().unwrap_or(v).to_string()
        };
        // The program as a slot (its values).
        let Some(program) = slots.slots.iter().find(|s| {
            lexicon::has_role(&s.key, "program-key")
                && s.values
                    .iter()
                    .flatten()
                    .any(|v| program_act(&base(v), &action).is_some())
        }) else {
            return;
        };
        let acts: BTreeSet<(&str, &str)> = program
            .values
            .iter()
            .flatten()
            .filter_map(|v| program_act(&base(v), &action))
            .collect();
        let all = program.values.iter().all(|v| {
            v.as_deref()
                .is_some_and(|v| program_act(&base(v), &action).is_some())
        });
        let name = ["object.process.name", "subject.process.name"]
            .iter()
            .find_map(|f| match b.get(f).map(|a| &a.source) {
                Some(Source::Expr(e)) => Some(e.clone()),
                _ => None,
            });
        let fields = [
            "action",
            "object",
            "subject",
            "category.generic",
            "category.high",
            "category.low",
        ];
        let old: BTreeMap<&str, String> = fields
            .into_iter()
            .filter_map(|f| match b.get(f).map(|a| &a.source) {
                Some(Source::Const(v)) => Some((f, v.clone())),
                _ => None,
            })
            .collect();
        // Each act's values of the fields.
        let of_act = |(a, o): (&str, &str)| {
            let mut m: BTreeMap<&str, String> = BTreeMap::new();
            m.insert("action", a.to_string());
            m.insert("object", o.to_string());
            for f in [
                "subject",
                "category.generic",
                "category.high",
                "category.low",
            ] {
                if let Some(v) = self.kb.precedent(f, a, Some(o)) {
                    m.insert(f, v);
                }
            }
            if let Some((g, h, l)) = lexicon::object_category(a, o) {
                m.entry("category.generic").or_insert_with(|| g.into());
                m.entry("category.high").or_insert_with(|| h.into());
                m.entry("category.low").or_insert_with(|| l.into());
            }
            m
        };
        let per_act: Vec<(Act, FieldValues)> = acts.iter().map(|&a| (a, of_act(a))).collect();
        if all && per_act.len() == 1 {
            for (f, v) in &per_act[0].1 {
                b.replace(f, Source::Const(v.clone()), Why::Program, Override::Any);
            }
            return;
        }
        let Some(name) = name else {
            return;
        };
        // A variable of its own, unless the header or another statement already has it.
        if head.contains("$program_name") || b.prelude().iter().any(|p| p.contains("$program_name"))
        {
            return;
        }
        b.push_prelude(format!("$program_name = {name}"));
        for f in fields {
            let default = old.get(f);
            let values: Vec<(String, Option<&String>)> = per_act
                .iter()
                .map(|(a, m)| (programs_with(*a), m.get(f)))
                .collect();
            // A field an act leaves unknown, or that no member keeps, stays as it was.
            if values.iter().any(|(_, v)| v.is_none())
                || (!all && default.is_none())
                || values.iter().all(|(_, v)| *v == default)
            {
                continue;
            }
            let q = |v: &str| xp_syntax::printer::quote_str(v, '"');
            let mut e = String::new();
            for (i, (list, v)) in values.iter().enumerate() {
                let v = v.map(|v| q(v)).unwrap_or_default();
                let word = if i == 0 { "if" } else { " elif" };
                e.push_str(&format!("{word} in_list({list}, $program_name) then {v}"));
            }
            match default {
                Some(d) => e.push_str(&format!(" else {} endif", q(d))),
                None => e.push_str(" endif"),
            }
            b.replace(f, Source::Expr(e), Why::Program, Override::Any);
        }
    }
}
