//! Compiled patterns of `replace()`, `match()` and `regex()`, kept per thread: a rule calls
//! them with the same few literal patterns on every event, and compiling a pattern costs far
//! more than matching it (building its automaton). Bounded: past [`MAX`] patterns the cache
//! starts over.

use std::cell::RefCell;

use regex::Regex;
use rustc_hash::FxHashMap;

/// Patterns kept per thread, at most.
const MAX: usize = 256;

/// How a pattern is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// A glob, matched anywhere (`replace`).
    Glob,
    /// A glob, matched whole (`match`).
    AnchoredGlob,
    /// A regular expression (`regex`).
    Regex,
}

type Compiled = FxHashMap<Box<str>, Option<Regex>>;

thread_local! {
    /// Per flavor (its index), pattern → compiled.
    static CACHE: RefCell<[Compiled; 3]> = RefCell::new(Default::default());
}

fn build(flavor: Flavor, pattern: &str) -> Option<Regex> {
    match flavor {
        Flavor::Glob => super::glob::compile(pattern, false),
        Flavor::AnchoredGlob => super::glob::compile(pattern, true),
        Flavor::Regex => Regex::new(pattern).ok(),
    }
}

/// Calls `f` with the compiled `pattern` (`None`: it does not compile).
pub fn with<T>(flavor: Flavor, pattern: &str, f: impl FnOnce(Option<&Regex>) -> T) -> T {
    CACHE.with(|c| {
        let mut all = c.borrow_mut();
        let c = &mut all[flavor as usize];
        if !c.contains_key(pattern) {
            if c.len() >= MAX {
                c.clear();
            }
            c.insert(pattern.into(), build(flavor, pattern));
        }
        f(c.get(pattern).and_then(Option::as_ref))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_is_compiled_once_and_read_as_its_flavor() {
        assert!(with(Flavor::AnchoredGlob, "pts*", |r| r
            .unwrap()
            .is_match("pts/1")));
        assert!(!with(Flavor::AnchoredGlob, "pts*", |r| r
            .unwrap()
            .is_match("xpts/1")));
        assert!(with(Flavor::Glob, "pts*", |r| r
            .unwrap()
            .is_match("xpts/1")));
        assert!(with(Flavor::Regex, "a(", |r| r.is_none()));
        for i in 0..MAX * 2 {
            let p = format!("p{i}*");
            assert!(with(Flavor::Glob, &p, |r| r.is_some()));
        }
        CACHE.with(|c| assert!(c.borrow()[Flavor::Glob as usize].len() <= MAX));
    }
}
