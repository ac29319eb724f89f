use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::guard::Protected;
use super::{write_tree_in, WriteError};

fn ours(tag: &str) -> BTreeMap<PathBuf, String> {
    BTreeMap::from([
        (
            PathBuf::from("report.json"),
            format!("{{\n  \"generator\": \"normforge\",\n  \"log\": \"{tag}\"\n}}"),
        ),
        (PathBuf::from("V/P/s/r/formula.xp"), tag.to_string()),
    ])
}

fn nothing_protected() -> Protected {
    Protected::default()
}

fn read_tree(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn siblings(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn refuses_non_empty_and_replaces_our_output_with_force() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let p = nothing_protected();
    write_tree_in(&out, &ours("first"), false, &p).unwrap();
    assert!(matches!(
        write_tree_in(&out, &ours("second"), false, &p),
        Err(WriteError::NotEmpty(_))
    ));
    assert_eq!(read_tree(&out), ours("first"));
    write_tree_in(&out, &ours("second"), true, &p).unwrap();
    assert_eq!(read_tree(&out), ours("second"));
    // Nothing is left beside it.
    assert_eq!(siblings(t.path()), ["out"]);
}

#[test]
fn a_folder_that_is_not_ours_is_never_replaced() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep"), "x").unwrap();
    // Someone else's report.json is not ours either.
    std::fs::write(out.join("report.json"), "{\"log\": 1}").unwrap();
    for force in [false, true] {
        let e = write_tree_in(&out, &ours("new"), force, &nothing_protected()).unwrap_err();
        assert!(matches!(e, WriteError::Refused { .. }), "{e}");
        assert!(
            e.to_string().contains("not a previous normforge output"),
            "{e}"
        );
    }
    assert_eq!(std::fs::read_to_string(out.join("keep")).unwrap(), "x");
    // An empty folder is written into.
    let empty = t.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    write_tree_in(&empty, &ours("new"), false, &nothing_protected()).unwrap();
    assert_eq!(read_tree(&empty), ours("new"));
}

#[test]
fn a_file_is_not_a_folder() {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("file");
    std::fs::write(&f, "x").unwrap();
    for force in [false, true] {
        let e = write_tree_in(&f, &ours("new"), force, &nothing_protected()).unwrap_err();
        assert!(matches!(e, WriteError::NotAFolder(_)), "{e}");
        assert!(e.to_string().contains("is a file, not a folder"), "{e}");
    }
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "x");
}

#[test]
fn the_working_folder_the_home_folder_and_what_holds_them_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let base = t.path().canonicalize().unwrap();
    let work = base.join("a/work");
    let home = base.join("h/me");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    // Make both look like outputs of ours, so only the protection refuses them.
    for d in [&work, &home] {
        std::fs::write(d.join("report.json"), &ours("x")[Path::new("report.json")]).unwrap();
    }
    let p = Protected {
        cwd: Some(work.clone()),
        home: Some(home.clone()),
    };
    for (dir, why) in [
        (work.clone(), "working folder"),
        (work.join(".."), "working folder"),
        (base.join("a/work/."), "working folder"),
        (home.clone(), "home folder"),
        (base.join("h"), "home folder"),
    ] {
        let e = write_tree_in(&dir, &ours("new"), true, &p).unwrap_err();
        assert!(
            matches!(e, WriteError::Refused { .. }) && e.to_string().contains(why),
            "{}: {e}",
            dir.display()
        );
    }
    let e = write_tree_in(Path::new("/"), &ours("new"), true, &p).unwrap_err();
    assert!(e.to_string().contains("root folder"), "{e}");
    assert!(work.join("report.json").exists() && home.join("report.json").exists());
    // A folder inside the working folder is fine, and its temporary folder is beside it.
    write_tree_in(&work.join("out"), &ours("new"), false, &p).unwrap();
    assert_eq!(read_tree(&work.join("out")), ours("new"));
}

#[test]
fn a_killed_run_between_the_renames_is_restored_and_leftovers_are_removed() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let p = nothing_protected();
    write_tree_in(&out, &ours("old"), false, &p).unwrap();
    // A dead process (pid 0 is no process under /proc) set the old tree aside, and left its
    // half-written new tree.
    std::fs::rename(&out, t.path().join(".out.old-0")).unwrap();
    std::fs::create_dir_all(t.path().join(".out.tmp-0/V")).unwrap();
    // Without --force: the old tree is back, and it is not replaced.
    let e = write_tree_in(&out, &ours("new"), false, &p).unwrap_err();
    assert!(matches!(e, WriteError::NotEmpty(_)), "{e}");
    assert_eq!(read_tree(&out), ours("old"));
    assert_eq!(siblings(t.path()), ["out"]);
    // With the new tree in place and the old one still beside it, the old one goes.
    std::fs::create_dir_all(t.path().join(".out.old-0/V")).unwrap();
    let r = write_tree_in(&out, &ours("new"), true, &p).unwrap();
    assert_eq!(r.restored, None);
    assert_eq!(
        r.removed,
        [t.path().canonicalize().unwrap().join(".out.old-0")]
    );
    assert_eq!(read_tree(&out), ours("new"));
    assert_eq!(siblings(t.path()), ["out"]);
}

#[cfg(target_os = "linux")]
#[test]
fn folders_of_a_live_process_are_left_alone() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    // pid 1 is always running.
    std::fs::create_dir_all(t.path().join(".out.tmp-1/x")).unwrap();
    std::fs::create_dir_all(t.path().join(".out.old-1/x")).unwrap();
    let r = write_tree_in(&out, &ours("new"), false, &nothing_protected()).unwrap();
    assert_eq!(r, Default::default());
    assert_eq!(siblings(t.path()), [".out.old-1", ".out.tmp-1", "out"]);
}

#[test]
fn writes_folders_of_every_depth() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("kb");
    let files: BTreeMap<PathBuf, String> = (0..40)
        .flat_map(|i| {
            [
                (format!("V/P/s/rule_{i}/formula.xp"), format!("f{i}")),
                (format!("V/P/s/rule_{i}/tests/raw_1.txt"), format!("r{i}")),
                (format!("V/P/s/rule_{i}/i18n/i18n_en.yaml"), format!("e{i}")),
            ]
        })
        .chain([
            ("report.json".into(), "{}".into()),
            ("x/y/z/w/v.txt".into(), "deep".into()),
        ])
        .map(|(k, v)| (PathBuf::from(k), v))
        .collect();
    write_tree_in(&out, &files, false, &nothing_protected()).unwrap();
    assert_eq!(read_tree(&out), files);
}
