//! `harness::cluster` on arbitrary bytes: the entry point the CLI calls, with its invariants
//! (see `crates/harness`). A panic, an abort, a timeout or an out-of-memory is a finding.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::run("cluster", data).expect("a known target");
});
