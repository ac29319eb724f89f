//! Formula parser: no panic on any input; printing a formula that parsed without errors
//! gives text that parses without errors and prints to itself (idempotent formatting);
//! compiling any input and rendering the diagnostics never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xp_syntax::{parse_formula, print_formula, render_all};

fn errors(diags: &[xp_syntax::Diagnostic]) -> Vec<&xp_syntax::Diagnostic> {
    diags.iter().filter(|d| d.is_error()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };

    let (formula, diags) = parse_formula(src);
    let _ = render_all(&diags, "fuzz.xp", src);
    if errors(&diags).is_empty() {
        let printed = print_formula(&formula);
        let (again, diags2) = parse_formula(&printed);
        let errs2 = errors(&diags2);
        assert!(
            errs2.is_empty(),
            "printed formula does not parse\n--- input ---\n{src}\n--- printed ---\n{printed}\n--- errors ---\n{errs2:?}"
        );
        let reprinted = print_formula(&again);
        assert_eq!(printed, reprinted, "formatting is not idempotent\n--- input ---\n{src}");
    }

    if let Err(diags) = xp_eval::Rule::compile(src, Default::default()) {
        let _ = render_all(&diags, "fuzz.xp", src);
    }
});
