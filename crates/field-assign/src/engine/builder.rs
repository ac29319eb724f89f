//! The assignment under construction. A field is set once, by the first pass that decides it
//! ([`Builder::set`] leaves a set field alone); a later pass changes a decision only through
//! [`Builder::replace`], [`Builder::remove`], [`Builder::rewrite`] or [`Builder::move_prefix`],
//! each naming the provenances it may override. No other code edits the field list, so what
//! a pass may undo is written where it does it.

use crate::{Assigned, Assignment, Source, Why};

/// Which earlier decisions a change may undo, by their provenance.
#[derive(Clone, Copy, Debug)]
pub enum Override {
    /// Whatever decided it.
    Any,
    /// Only these.
    Only(&'static [Why]),
    /// All but these.
    Except(&'static [Why]),
}

impl Override {
    fn allows(self, why: Why) -> bool {
        match self {
            Override::Any => true,
            Override::Only(w) => w.contains(&why),
            Override::Except(w) => !w.contains(&why),
        }
    }
}

/// The assignment a cluster's passes build, with the pass that last decided each field.
#[derive(Debug)]
pub struct Builder {
    out: Assignment,
    /// The pass that set each field of `out.fields` (same order).
    by: Vec<&'static str>,
    /// The pass running now.
    pass: &'static str,
}

impl Builder {
    /// An assignment with the statements the slots need first and no field.
    pub fn new(prelude: Vec<String>) -> Builder {
        Builder {
            out: Assignment {
                prelude,
                fields: Vec::new(),
            },
            by: Vec::new(),
            pass: "",
        }
    }

    /// Names the pass whose decisions follow.
    pub fn enter(&mut self, pass: &'static str) {
        self.pass = pass;
    }

    /// Whether `field` is set.
    pub fn has(&self, field: &str) -> bool {
        self.out.fields.iter().any(|a| a.field == field)
    }

    /// The assignment of `field`, if any.
    pub fn get(&self, field: &str) -> Option<&Assigned> {
        self.out.get(field)
    }

    /// The constant value of `field`, if it is a constant.
    pub fn constant(&self, field: &str) -> Option<&str> {
        self.out.constant(field)
    }

    /// The fields set so far, in the order they were set.
    pub fn fields(&self) -> &[Assigned] {
        &self.out.fields
    }

    /// Whether a field whose name starts with `prefix` is set.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.out.fields.iter().any(|a| a.field.starts_with(prefix))
    }

    /// The statements the expressions need first.
    pub fn prelude(&self) -> &[String] {
        &self.out.prelude
    }

    /// Adds a statement the expressions need first.
    pub fn push_prelude(&mut self, statement: String) {
        self.out.prelude.push(statement);
    }

    /// Keeps only the prelude statements `keep` accepts.
    pub fn retain_prelude(&mut self, keep: impl Fn(&str) -> bool) {
        self.out.prelude.retain(|p| keep(p));
    }

    /// Sets `field` unless it is set (or is the rule's `id`).
    pub fn set(&mut self, field: &str, source: Source, why: Why) {
        if field != "id" && !self.has(field) {
            self.out.fields.push(Assigned {
                field: field.to_string(),
                source,
                why,
            });
            self.by.push(self.pass);
        }
    }

    /// Sets `field` to `source` in place of what decided it, when `may_override` allows
    /// that (else as [`Builder::set`]: a field still set stays).
    pub fn replace(&mut self, field: &str, source: Source, why: Why, may_override: Override) {
        self.remove(field, may_override);
        self.set(field, source, why);
    }

    /// Unsets `field` when `may_override` allows it.
    pub fn remove(&mut self, field: &str, may_override: Override) {
        self.remove_where(|f| f == field, may_override);
    }

    /// Unsets every field `which` names that `may_override` allows.
    pub fn remove_where(&mut self, which: impl Fn(&str) -> bool, may_override: Override) {
        let keep: Vec<bool> = self
            .out
            .fields
            .iter()
            .map(|a| !(which(&a.field) && may_override.allows(a.why)))
            .collect();
        let mut k = keep.iter();
        self.out.fields.retain(|_| *k.next().unwrap_or(&true));
        let mut k = keep.iter();
        self.by.retain(|_| *k.next().unwrap_or(&true));
    }

    /// Gives the set field `field` another value in place (its order kept).
    pub fn rewrite(&mut self, field: &str, source: Source, why: Why) {
        for (a, by) in self.out.fields.iter_mut().zip(&mut self.by) {
            if a.field == field {
                a.source = source.clone();
                a.why = why;
                *by = self.pass;
            }
        }
    }

    /// Renames each field starting with `from` that `may_override` allows to start with `to`
    /// instead, in order; one whose new name is set already (by a field before it, or one
    /// renamed earlier) is unset.
    pub fn move_prefix(&mut self, from: &str, to: &str, may_override: Override) {
        let moved: Vec<usize> = (0..self.out.fields.len())
            .filter(|&i| {
                self.out.fields[i].field.starts_with(from)
                    && may_override.allows(self.out.fields[i].why)
            })
            .collect();
        for i in moved {
            let renamed = self.out.fields[i].field.replacen(from, to, 1);
            self.out.fields[i].field = if self.has(&renamed) {
                String::new()
            } else {
                renamed
            };
            self.by[i] = self.pass;
        }
        self.remove_where(str::is_empty, Override::Any);
    }

    /// The assignment, and the pass that decided each of its fields (same order).
    pub fn finish(self) -> (Assignment, Vec<&'static str>) {
        (self.out, self.by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(v: &str) -> Source {
        Source::Const(v.into())
    }

    #[test]
    fn a_field_is_set_once_and_replaced_only_where_allowed() {
        let mut b = Builder::new(Vec::new());
        b.enter("first");
        b.set("action", c("login"), Why::Nearest);
        b.set("action", c("logout"), Why::Lexicon);
        assert_eq!(b.constant("action"), Some("login"));
        b.enter("second");
        b.replace(
            "action",
            c("start"),
            Why::Title,
            Override::Only(&[Why::Lexicon]),
        );
        assert_eq!(
            b.constant("action"),
            Some("login"),
            "nearest is not lexicon"
        );
        b.replace(
            "action",
            c("start"),
            Why::Title,
            Override::Except(&[Why::Lexicon]),
        );
        assert_eq!(b.constant("action"), Some("start"));
        let (a, by) = b.finish();
        assert_eq!(a.fields[0].why, Why::Title);
        assert_eq!(by, vec!["second"]);
    }

    #[test]
    fn the_id_is_never_a_field() {
        let mut b = Builder::new(Vec::new());
        b.set("id", c("x"), Why::Test);
        assert!(b.fields().is_empty());
    }

    #[test]
    fn a_move_drops_what_would_collide_and_keeps_the_order() {
        let mut b = Builder::new(Vec::new());
        b.set("subject.process.name", c("a"), Why::Lexicon);
        b.set("object.process.id", c("1"), Why::Lexicon);
        b.set("subject.process.id", c("2"), Why::Syslog);
        b.set("subject.process.path", c("/bin"), Why::Lexicon);
        b.move_prefix("subject.process.", "object.process.", Override::Any);
        let names: Vec<(&str, &Source)> = b
            .fields()
            .iter()
            .map(|a| (a.field.as_str(), &a.source))
            .collect();
        assert_eq!(
            names,
            vec![
                ("object.process.name", &c("a")),
                ("object.process.id", &c("1")),
                ("object.process.path", &c("/bin")),
            ]
        );
        let mut b = Builder::new(Vec::new());
        b.set("subject.process.id", c("2"), Why::Syslog);
        b.move_prefix(
            "subject.process.",
            "object.process.",
            Override::Except(&[Why::Syslog]),
        );
        assert!(b.has("subject.process.id"));
    }

    #[test]
    fn rewrite_keeps_the_place_and_names_the_pass() {
        let mut b = Builder::new(Vec::new());
        b.enter("a");
        b.set("x", c("1"), Why::Lexicon);
        b.set("y", c("2"), Why::Lexicon);
        b.enter("b");
        b.rewrite("x", c("3"), Why::Cwd);
        let (a, by) = b.finish();
        assert_eq!(a.fields[0].source, c("3"));
        assert_eq!(by, vec!["b", "a"]);
    }
}
