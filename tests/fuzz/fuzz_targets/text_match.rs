//! TEXT templates: input is `template NUL text` (or `template \n text` when there is no NUL).
//! The template parser, the matcher, a compiled `TEXT = '…'` rule and diagnostic rendering must
//! never panic, the table-guided search must give what the plain search gives, and both must
//! find a match exactly when the reachability table alone says there is one; the
//! matcher's cost is polynomial (libFuzzer's -timeout catches a hang).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xp_eval::text::{MatchOutcome, Matcher};
use xp_eval::{Rule, RunOptions};
use xp_syntax::{parse_template, quote_str, render_all};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (template, text) = match input.split_once('\0') {
        Some(pair) => pair,
        None => input.split_once('\n').unwrap_or((input, "")),
    };

    let (t, diags) = parse_template(template);
    let _ = render_all(&diags, "template", template);
    if !diags.iter().any(|d| d.is_error()) {
        // The plain search and the table-guided one agree (captures included) whenever the
        // plain one decides within its steps.
        let m = Matcher::new(&t);
        let plain = m.match_text(text, 2024);
        let guided = m.match_text_guided(text, 2024);
        let show = |o: &MatchOutcome| match o {
            MatchOutcome::Matched(c) => {
                format!(
                    "{:?}",
                    c.iter().map(|(i, v)| (*i, v.to_text())).collect::<Vec<_>>()
                )
            }
            other => format!("{other:?}"),
        };
        if !matches!(plain, MatchOutcome::Budget) && !matches!(guided, MatchOutcome::Budget) {
            assert_eq!(show(&plain), show(&guided), "{template:?} on {text:?}");
            // The table alone (no search) says whether there is a match at all.
            if let Some(exists) = m.matches_by_table(text, 2024) {
                assert_eq!(
                    exists,
                    matches!(plain, MatchOutcome::Matched(_)),
                    "{template:?} on {text:?}"
                );
            }
        }
    }

    let src = format!("TEXT = {}\nid = \"NF_fuzz\"\n", quote_str(template, '\''));
    match Rule::compile(&src, Default::default()) {
        Ok(rule) => {
            let opts = RunOptions {
                year: 2024,
                ..RunOptions::default()
            };
            let _ = rule.normalize(text, &opts);
        }
        Err(diags) => {
            let _ = render_all(&diags, "fuzz.xp", &src);
        }
    }
});
