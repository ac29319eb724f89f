//! The example CI jobs of `eval/ci/` stay runnable: valid YAML, and every call of `review.sh`
//! uses only the options the script accepts. (`.ci/run` runs the script itself.)

use normforge_tests::workspace_root;

fn script_options() -> Vec<String> {
    let text = std::fs::read_to_string(workspace_root().join("eval/ci/review.sh")).unwrap();
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("--"))
        .filter_map(|l| l.split(')').next())
        .filter(|o| o.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(|o| format!("--{o}"))
        .collect()
}

#[test]
fn examples_are_yaml_and_call_the_script_with_known_options() {
    let known = script_options();
    for o in [
        "--base",
        "--head",
        "--log",
        "--kb",
        "--out",
        "--threshold",
        "--bench-base",
        "--bench-head",
    ] {
        assert!(known.iter().any(|k| k == o), "{o} in {known:?}");
    }
    for name in [
        "github-actions.yml",
        "gitlab-ci.yml",
        "github-actions-bench.yml",
    ] {
        let path = workspace_root().join("eval/ci").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let _: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let calls: Vec<String> = text
            .split("review.sh")
            .skip(1)
            .map(|rest| {
                // The call runs to the next list item or key (continuation lines only).
                let mut lines = rest.lines();
                let mut call = lines.next().unwrap_or("").to_string();
                for l in lines {
                    let t = l.trim_start();
                    if t.is_empty() || t.starts_with("- ") || t.contains(": ") || t.ends_with(':') {
                        break;
                    }
                    call.push(' ');
                    call.push_str(t);
                }
                call
            })
            .collect();
        assert!(!calls.is_empty(), "{name} does not run review.sh");
        for call in calls {
            for word in call.split_whitespace().filter(|w| w.starts_with("--")) {
                assert!(
                    known.iter().any(|k| k == word),
                    "{name}: {word} is not an option of review.sh"
                );
            }
        }
    }
}
