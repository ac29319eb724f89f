//! Rule names from another writer (a language-model task): a pass over generated packages
//! that renames a package (its folder, `id`, ObjectId, LocalizationIds and the descriptions
//! that quote its name) when the writer's name is usable, and keeps the engine's otherwise.
//! Each renamed package is run again on its tests; one that no longer reproduces them keeps
//! its engine name. A pass after generation, like [`crate::describe::redescribe`], so a
//! backend that holds one model at a time loads the naming model once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use xp_eval::{Outcome, Rule};

use crate::naming::{object_id, sanitize};
use crate::{i18n, Generated, Package};

/// What a name writer sees of one rule.
#[derive(Clone, Debug)]
pub struct NameView<'a> {
    /// Event kind name (`TEXT`, `EVENTLOG`, …).
    pub kind: &'a str,
    /// The test events as they were logged.
    pub raws: &'a [&'a str],
    /// The normalized events of the rule's tests.
    pub norms: &'a [Map<String, Value>],
    /// The engine's name.
    pub engine: &'a str,
}

/// Writes a rule's name (`4624_An_account_was_successfully_logged_on`).
pub trait Namer {
    /// Its name, for reports.
    fn name(&self) -> String;
    /// The rule name, or `None` to keep the engine's.
    fn rule_name(&self, rule: &NameView<'_>) -> Option<String>;
}

/// What [`rename`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renamed {
    /// Packages now named by the writer.
    pub replaced: usize,
    /// Packages that kept the engine's name (no answer, an unusable one, or the same).
    pub kept: usize,
}

/// Most words in a name (the experts' longest has 11).
const MAX_WORDS: usize = 14;

/// A written name as a folder name, when it can stand: sanitized (cut at a word boundary
/// within 64 characters), at least 3 characters with a letter among them, not `unnamed`, at
/// most [`MAX_WORDS`] words, and every number in it one that each of the rule's events `raws`
/// carries (an event id, not a time or a process id of one event).
pub fn usable(name: &str, raws: &[&str]) -> Option<String> {
    let mut s = sanitize(name.trim());
    let whole = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if whole.len() > s.len() && !whole[s.len()..].starts_with('_') {
        // Cut inside a word by sanitize: back to the last whole word.
        if let Some(i) = s.rfind('_') {
            s.truncate(i);
        }
    }
    let words: Vec<&str> = s.split('_').collect();
    let tokens = |r: &str| -> BTreeSet<String> {
        r.split(|c: char| !c.is_ascii_alphanumeric())
            .map(str::to_string)
            .collect()
    };
    let sets: Vec<BTreeSet<String>> = raws.iter().map(|r| tokens(r)).collect();
    let numbers_hold = words
        .iter()
        .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
        .all(|w| sets.iter().all(|t| t.contains(*w)));
    // A model that loops repeats itself (`Attachment_Attachment_Attachment`, `user_id_to_login_
    // user_id_to_login`); 3 of the 214 expert names repeat one word once, none more.
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for w in lower.iter().filter(|w| w.len() >= 3) {
        *counts.entry(w).or_default() += 1;
    }
    let pairs: Vec<(&String, &String)> = lower.iter().zip(lower.iter().skip(1)).collect();
    let pair_set: BTreeSet<&(&String, &String)> = pairs.iter().collect();
    let loops = counts.values().any(|c| *c > 2) || pair_set.len() < pairs.len();
    (s.len() >= 3
        && !loops
        && s != "unnamed"
        && s.chars().any(|c| c.is_ascii_alphabetic())
        && words.len() <= MAX_WORDS
        && numbers_hold)
        .then_some(s)
}

fn norms_of(p: &Package) -> Vec<Map<String, Value>> {
    p.files
        .iter()
        .filter(|(k, _)| is_test(k, "norm_"))
        .filter_map(|(_, v)| serde_json::from_str::<Map<String, Value>>(v).ok())
        .collect()
}

fn is_test(k: &Path, prefix: &str) -> bool {
    k.starts_with("tests")
        && k.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
}

/// Whether the package's formula still gives each test's norm.
fn reproduces(p: &Package, year: i32) -> bool {
    let Some(Ok(rule)) = p
        .files
        .get(Path::new("formula.xp"))
        .map(|s| Rule::compile(s, Default::default()))
    else {
        return false;
    };
    let run = xp_eval::RunOptions {
        year,
        ..Default::default()
    };
    p.files
        .iter()
        .filter(|(k, _)| is_test(k, "raw_"))
        .all(|(k, raw)| {
            let norm_path = k.with_file_name(
                k.file_name()
                    .map(|n| {
                        n.to_string_lossy()
                            .replace("raw_", "norm_")
                            .replace(".txt", ".js")
                    })
                    .unwrap_or_default(),
            );
            let expected = p
                .files
                .get(&norm_path)
                .and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok());
            match (rule.normalize(raw, &run), expected) {
                (Ok(Outcome::Normalized(ev)), Some(e)) => ev.to_json() == e,
                _ => false,
            }
        })
}

/// The package under `name`: folder, id, ObjectId, i18n files (their descriptions quote the
/// name) and every file that carries the id.
fn renamed(p: &Package, name: &str) -> Option<Package> {
    let old = p.dir.file_name()?.to_string_lossy().to_string();
    let prefix = p.id.strip_suffix(&old)?;
    let id = format!("{prefix}{name}");
    let mut q = p.clone();
    q.dir = p.dir.with_file_name(name);
    q.id = id.clone();
    let (old_oid, new_oid) = (object_id(&p.id), object_id(&id));
    for (k, v) in &mut q.files {
        if is_test(k, "raw_") {
            continue;
        }
        *v = v.replace(&p.id, &id).replace(&old_oid, &new_oid);
    }
    let t = i18n::texts(&name.replace('_', " "), &q.assignment);
    let en_path = PathBuf::from("i18n/i18n_en.yaml");
    let ru_path = PathBuf::from("i18n/i18n_ru.yaml");
    q.files
        .insert(en_path, i18n::file(&t.description_en, &id, &t.event_en));
    q.files
        .insert(ru_path, i18n::file(&t.description_ru, &id, &t.event_ru));
    Some(q)
}

/// Asks `writer` for every package's name and renames each package whose answer is usable,
/// distinct from the other packages' folders, and leaves its rule reproducing its tests
/// (`year`: the year the tests were normalized with).
pub fn rename(generated: &mut Generated, writer: &dyn Namer, year: i32) -> Renamed {
    let mut r = Renamed::default();
    let mut taken: BTreeSet<PathBuf> = generated.packages.iter().map(|p| p.dir.clone()).collect();
    for p in &mut generated.packages {
        let norms = norms_of(p);
        let raws: Vec<&str> = p
            .files
            .iter()
            .filter(|(k, _)| is_test(k, "raw_"))
            .map(|(_, v)| v.as_str())
            .collect();
        let engine = p
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let answer = writer
            .rule_name(&NameView {
                kind: p.kind,
                raws: &raws,
                norms: &norms,
                engine: &engine,
            })
            .and_then(|n| usable(&n, &raws))
            .filter(|n| *n != engine);
        let Some(base) = answer else {
            r.kept += 1;
            continue;
        };
        let mut name = base.clone();
        let mut k = 2;
        while taken.contains(&p.dir.with_file_name(&name)) {
            name = format!("{base}_{k}");
            k += 1;
        }
        match renamed(p, &name).filter(|q| reproduces(q, year)) {
            Some(q) => {
                taken.remove(&p.dir);
                taken.insert(q.dir.clone());
                *p = q;
                r.replaced += 1;
            }
            None => r.kept += 1,
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Says(&'static str);

    impl Namer for Says {
        fn name(&self) -> String {
            "test".into()
        }
        fn rule_name(&self, rule: &NameView<'_>) -> Option<String> {
            assert_eq!(rule.kind, "TEXT");
            assert!(rule.raws.iter().all(|r| r.contains(" password for ")));
            Some(self.0.to_string())
        }
    }

    fn generated() -> Generated {
        let log = "sshd[1]: Accepted password for ann from 10.0.0.1\nsshd[2]: Accepted password for bob from 10.0.0.2\nsshd[3]: Failed password for ann from 10.0.0.3\n";
        let headed = crate::tests::headed_of(log);
        let kb = field_assign::kb::Kb::default();
        let engine = field_assign::engine::Retrieval::new(&kb);
        crate::generate(
            &headed,
            &engine,
            &crate::Options {
                tests: 2,
                year: 2024,
                meta: crate::Meta::default(),
            },
            |_| {},
        )
    }

    #[test]
    fn renames_every_file_that_names_the_rule() {
        let mut g = generated();
        let before = g.packages[0].clone();
        let r = rename(&mut g, &Says("sshd accepted password!"), 2024);
        let p = &g.packages[0];
        assert_eq!(r.replaced, g.packages.len(), "{r:?}");
        assert!(p.dir.ends_with("sshd_accepted_password"), "{:?}", p.dir);
        assert!(p.id.ends_with("_sshd_accepted_password"), "{}", p.id);
        for (k, v) in &p.files {
            assert!(!v.contains(&before.id), "{k:?} still names {}", before.id);
        }
        let meta = &p.files[Path::new("metainfo.yaml")];
        assert!(meta.contains(&object_id(&p.id)), "{meta}");
        assert!(p.files[Path::new("formula.xp")].contains(&format!("id = \"{}\"", p.id)));
        assert!(p.files[Path::new("i18n/i18n_en.yaml")].contains(&p.id));
        assert!(reproduces(p, 2024));
    }

    #[test]
    fn names_hold_no_value_of_one_event() {
        let raws = [
            "Mar  3 10:00:01 gw7 EventID=4624 x",
            "Mar  3 10:00:09 gw7 EventID=4624 y",
        ];
        assert_eq!(
            usable("4624_An_account_logged_on", &raws).as_deref(),
            Some("4624_An_account_logged_on")
        );
        assert_eq!(usable("The_event_Mar_3_10_00_01_gw7", &raws), None);
        let long = "4757_A_member_was_removed_from_a_security_enabled_universal_group";
        assert_eq!(
            usable(long, &[]).as_deref(),
            Some("4757_A_member_was_removed_from_a_security_enabled_universal")
        );
        assert_eq!(usable("a_b_c_d_e_f_g_h_i_j_k_l_m_n_o", &[]), None);
        assert_eq!(
            usable("4672_System_Attachment_Attachment_Attachment", &[]),
            None
        );
        assert_eq!(usable("user_id_to_login_user_id", &[]), None);
        assert!(usable("process_attempt_to_attach_to_process", &[]).is_some());
    }

    #[test]
    fn keeps_unusable_and_clashing_names() {
        let mut g = generated();
        let r = rename(&mut g, &Says("!!"), 2024);
        assert_eq!(r.replaced, 0);
        // Every package asked for the same name: the second one gets a suffix.
        let mut g = generated();
        let n = g.packages.len();
        let r = rename(&mut g, &Says("sshd_login"), 2024);
        assert_eq!(r.replaced, n);
        let dirs: BTreeSet<_> = g.packages.iter().map(|p| p.dir.clone()).collect();
        assert_eq!(dirs.len(), n);
    }

    #[test]
    fn a_package_that_no_longer_reproduces_its_tests_keeps_its_name() {
        let mut g = generated();
        let before = g.packages[0].dir.clone();
        g.packages[0]
            .files
            .insert(PathBuf::from("tests/norm_1.js"), "{}\n".into());
        let r = rename(&mut g, &Says("sshd_login"), 2024);
        assert_eq!(g.packages[0].dir, before);
        assert_eq!(r.kept, 1, "{r:?}");
    }
}
