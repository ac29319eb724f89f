//! Replays the regression corpus (`tests/regress/<target>/*`) through the pipeline's entry
//! points (`crates/harness`): each input must run to its end with the target's invariants.

use normforge_tests::workspace_root;

#[test]
fn regression_corpus_runs_through_every_target() {
    let root = workspace_root().join("tests/regress");
    let mut ran = 0;
    for target in harness::TARGETS {
        let dir = root.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: no input", dir.display());
        for f in files {
            let data = std::fs::read(&f).unwrap();
            // Deep recursion anywhere would show as a stack overflow: run on a thread with a
            // small stack, as the service's workers have.
            let t = target.to_string();
            let name = f.display().to_string();
            std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || harness::run(&t, &data))
                .unwrap()
                .join()
                .unwrap_or_else(|_| panic!("{name}: {target} panicked"))
                .unwrap();
            ran += 1;
        }
    }
    assert!(ran >= harness::TARGETS.len());
}

#[test]
fn unknown_targets_are_refused() {
    assert!(harness::run("nope", b"").is_err());
}
