//! TEXT templates: input is `template NUL text` (or `template \n text` when there is no NUL).
//! The template parser, the matcher, a compiled `TEXT = '…'` rule and diagnostic rendering must
//! never panic; the matcher's step budget bounds the time (libFuzzer's -timeout catches a hang).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xp_eval::text::Matcher;
use xp_eval::{Rule, RunOptions};
use xp_syntax::{parse_template, quote_str, render_all};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let (template, text) = match input.split_once('\0') {
        Some(pair) => pair,
        None => input.split_once('\n').unwrap_or((input, "")),
    };

    let (t, diags) = parse_template(template);
    let _ = render_all(&diags, "template", template);
    if !diags.iter().any(|d| d.is_error()) {
        let _ = Matcher::new(&t).match_text(text, 2024);
    }

    let src = format!("TEXT = {}\nid = \"NF_fuzz\"\n", quote_str(template, '\''));
    match Rule::compile(&src, Default::default()) {
        Ok(rule) => {
            let opts = RunOptions { year: 2024, ..RunOptions::default() };
            let _ = rule.normalize(text, &opts);
        }
        Err(diags) => {
            let _ = render_all(&diags, "fuzz.xp", &src);
        }
    }
});
