//! Where `generate` may write, and what a kill at any moment of `generate --force` leaves: the
//! output folder holds the old or the new tree complete, or is absent with `.DIR.old-PID`
//! complete, which the next run puts back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_normforge"))
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/samples/sshd.log")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// `generate sshd.log -o OUT --tests N [--force]` in `cwd`.
fn generate(cwd: &Path, out: &str, tests: &str, force: bool) -> Command {
    let mut c = bin();
    c.current_dir(cwd).args([
        "generate",
        sample().to_str().unwrap(),
        "-o",
        out,
        "--year",
        "2024",
        "--tests",
        tests,
    ]);
    if force {
        c.arg("--force");
    }
    c
}

/// Every file under `dir` but `report.json` (it holds the timings), with its bytes; `None`
/// when the tree has no `report.json` (the last file a complete tree holds is not known, but a
/// complete tree has one).
fn tree(dir: &Path) -> Option<BTreeMap<PathBuf, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out.remove(Path::new("report.json"))?;
    Some(out)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let q = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &q);
        } else {
            std::fs::copy(&p, &q).unwrap();
        }
    }
}

/// The names in `dir` that start with `.out.`.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    v.sort();
    v
}

#[test]
fn generate_refuses_the_working_folder_its_parents_a_file_and_foreign_folders() {
    let d = tempfile::tempdir().unwrap();
    let work = d.path().join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join("notes.txt"), "mine").unwrap();
    let file = d.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let foreign = d.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("a.txt"), "a").unwrap();
    for (out, says) in [
        (".", "working folder"),
        ("..", "working folder"),
        ("/", "root folder"),
        (file.to_str().unwrap(), "is a file, not a folder"),
        (foreign.to_str().unwrap(), "not a previous normforge output"),
    ] {
        let o = generate(&work, out, "1", true).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "-o {out}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "-o {out}: {}", stderr(&o));
    }
    assert_eq!(
        std::fs::read_to_string(work.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    assert_eq!(std::fs::read_to_string(foreign.join("a.txt")).unwrap(), "a");
    let names = |p: &Path| std::fs::read_dir(p).unwrap().count();
    assert_eq!((names(&work), names(d.path())), (1, 3));
}

#[test]
#[allow(clippy::print_stderr)] // what the kills found, for the record
fn generate_force_killed_at_any_moment_leaves_a_complete_tree() {
    let d = tempfile::tempdir().unwrap();
    let base = d.path();
    let out = base.join("out");
    // The old tree (1 test a package) and the new one (2): their files differ.
    let o = generate(base, "reference-old", "1", false)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The reference run of the new tree, timed from the moment its temporary folder appears
    // (the writing starts) to its end.
    let (o, writing_time) = run_watching_the_write(
        generate(base, "reference-new", "2", false),
        base,
        "reference-new",
        |_| {},
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let old = tree(&base.join("reference-old")).unwrap();
    let new = tree(&base.join("reference-new")).unwrap();
    assert_ne!(old, new);
    let (mut as_old, mut as_new, mut aside, mut finished, mut writing) = (0, 0, 0, 0, 0);
    const KILLS: u32 = 50;
    for i in 0..KILLS {
        // Start each time from the old tree alone.
        let _ = std::fs::remove_dir_all(&out);
        copy_tree(&base.join("reference-old"), &out);
        assert!(leftovers(base).is_empty(), "{:?}", leftovers(base));
        // Kill moments spread from the start of the writing to a little past its end.
        let at = writing_time.mul_f64(1.3 * f64::from(i) / f64::from(KILLS));
        let command = generate(base, "out", "2", true);
        let (status, _) = run_watching_the_write(command, base, "out", |child| {
            std::thread::sleep(at);
            let _ = child.kill();
        });
        let status = status.status;
        if status.success() {
            finished += 1;
        }
        match out.exists() {
            true => {
                let t = tree(&out).expect("the output folder holds a complete tree");
                assert!(t == old || t == new, "kill {i} at {at:?}: a mixed tree");
                if t == old {
                    as_old += 1;
                    if leftovers(base).iter().any(|n| n.starts_with(".out.tmp-")) {
                        writing += 1;
                    }
                } else {
                    as_new += 1;
                }
            }
            false => {
                let l = leftovers(base);
                let set_aside: Vec<&String> =
                    l.iter().filter(|n| n.starts_with(".out.old-")).collect();
                assert_eq!(set_aside.len(), 1, "kill {i} at {at:?}: {l:?}");
                assert_eq!(tree(&base.join(set_aside[0])).as_ref(), Some(&old));
                aside += 1;
            }
        }
        // The next run (without --force: it restores, cleans, then refuses to replace).
        let o = generate(base, "out", "1", false).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
        let t = tree(&out).expect("a complete tree after the next run");
        assert!(t == old || t == new);
        assert!(leftovers(base).is_empty(), "{:?}", leftovers(base));
    }
    // What the kills found, for the record (`--nocapture`).
    eprintln!(
        "{KILLS} kills over a writing of {writing_time:?}: old tree {as_old} ({writing} while the new one \
         was written), new tree {as_new}, old set aside {aside}; runs that finished first \
         {finished}"
    );
    assert_eq!(as_old + as_new + aside, KILLS);
    // Kills landed while the new tree was being written.
    assert!(writing > 0, "{as_old} {as_new}");
}

/// Runs `command` (a `generate -o NAME` in `base`) to its end; once its temporary folder
/// `.NAME.tmp-PID` appears, calls `at_write` with the child. Returns the output and the time from
/// that moment to the end.
fn run_watching_the_write(
    mut command: Command,
    base: &Path,
    name: &str,
    at_write: impl FnOnce(&mut std::process::Child),
) -> (Output, Duration) {
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let tmp = base.join(format!(".{name}.tmp-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(300);
    while !tmp.exists() && child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "{name}: no write in 300 s");
        std::thread::sleep(Duration::from_millis(1));
    }
    let began = Instant::now();
    if child.try_wait().unwrap().is_none() {
        at_write(&mut child);
    }
    let o = child.wait_with_output().unwrap();
    (o, began.elapsed())
}
