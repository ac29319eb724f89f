//! The template of a cluster: tokens equal in every member stay, tokens that differ become
//! `<*>`, or keep their common parts when they share the same shape (`uid=<*>`).

use crate::mask::WILDCARD;
use crate::token::{atoms, is_delimiter};
use crate::Tok;

/// Builds the template of a cluster from its distinct masked sequences and their line counts.
/// Sequences of the reference's length are merged column by column; sequences of other lengths
/// are aligned to the reference by their longest common subsequence, and what does not align
/// becomes `<*>`.
pub fn template_of(masked: &[(&[Tok], usize)]) -> Vec<String> {
    let Some(&(reference, _)) = masked
        .iter()
        .max_by_key(|(m, n)| (*n, std::cmp::Reverse(m.len())))
    else {
        return Vec::new();
    };
    let same: Vec<&[Tok]> = masked
        .iter()
        .filter(|(m, _)| m.len() == reference.len())
        .map(|(m, _)| *m)
        .collect();
    let mut out: Vec<String> = (0..reference.len())
        .map(|pos| {
            let col: Vec<&str> = same.iter().map(|m| m[pos].as_str()).collect();
            if col.iter().all(|t| *t == col[0]) {
                col[0].to_string()
            } else {
                merge_column(&col)
            }
        })
        .collect();
    // Other lengths: tokens of the reference they do not share, and gaps where they have more.
    let mut gap_after = vec![false; reference.len() + 1];
    for (m, _) in masked.iter().filter(|(m, _)| m.len() != reference.len()) {
        let pairs = lcs_pairs(reference, m);
        let mut matched = vec![false; reference.len()];
        let (mut last_r, mut last_o) = (0usize, 0usize);
        for &(r, o) in &pairs {
            matched[r] = true;
            if o > last_o {
                gap_after[r] = true;
            }
            last_r = r + 1;
            last_o = o + 1;
        }
        if last_o < m.len() {
            gap_after[reference.len()] = true;
        }
        let _ = last_r;
        for (r, ok) in matched.iter().enumerate() {
            if !ok {
                out[r] = WILDCARD.to_string();
            }
        }
    }
    // Insert wildcards for gaps (before token r) and merge runs of wildcards.
    let mut with_gaps = Vec::with_capacity(out.len() + 2);
    for (r, tok) in out.into_iter().enumerate() {
        if gap_after[r] {
            with_gaps.push(WILDCARD.to_string());
        }
        with_gaps.push(tok);
    }
    if gap_after[reference.len()] {
        with_gaps.push(WILDCARD.to_string());
    }
    if masked.iter().any(|(m, _)| m.len() != reference.len()) {
        with_gaps.dedup_by(|a, b| a == WILDCARD && b == WILDCARD);
    }
    with_gaps
}

/// Matching positions `(i in a, j in b)` of a longest common subsequence of tokens.
fn lcs_pairs(a: &[Tok], b: &[Tok]) -> Vec<(usize, usize)> {
    lcs_by(a, b, |x, y| x == y)
}

/// Matching positions `(i in a, j in b)` of a longest common subsequence under `same`.
pub fn lcs_by<T>(a: &[T], b: &[T], same: impl Fn(&T, &T) -> bool) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if same(&a[i], &b[j]) {
                dp[i + 1][j + 1] + 1
            } else {
                dp[i + 1][j].max(dp[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n && j < m {
        if same(&a[i], &b[j]) {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if dp[i + 1][j] >= dp[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// A column of differing tokens: keep the atoms they all share at the start and at the end
/// (`rhost=`, `(`, `)`), mask what lies between.
fn merge_column(col: &[&str]) -> String {
    let split: Vec<Vec<&str>> = col.iter().map(|t| atoms(t)).collect();
    let min_len = split.iter().map(Vec::len).min().unwrap_or(0);
    let mut pre = 0;
    while pre < min_len && split.iter().all(|a| a[pre] == split[0][pre]) {
        pre += 1;
    }
    let mut suf = 0;
    while suf < min_len - pre
        && split
            .iter()
            .all(|a| a[a.len() - 1 - suf] == split[0][split[0].len() - 1 - suf])
    {
        suf += 1;
    }
    // Keep only prefixes that end with a delimiter and suffixes that start with one, so that
    // `user1`/`user2` do not become `user<*>`.
    let delim = |a: &str| a != WILDCARD && a.chars().all(is_delimiter);
    while pre > 0 && !delim(split[0][pre - 1]) {
        pre -= 1;
    }
    while suf > 0 && !delim(split[0][split[0].len() - suf]) {
        suf -= 1;
    }
    if pre == 0 && suf == 0 {
        return WILDCARD.to_string();
    }
    let first = &split[0];
    let mut out: String = first[..pre].concat();
    out.push_str(WILDCARD);
    out.push_str(&first[first.len() - suf..].concat());
    out
}

/// How many different plain words a column (or a place between two tokens, across a log) may
/// hold and still be constants that tell event types apart (`Accepted`/`Failed`,
/// `none`/`password`/`publickey`); more are data.
pub const FEW_VALUES: usize = 3;

/// Whether a differing column holds constants rather than variable data: a few distinct plain
/// words (`Accepted`/`Failed`, `LOOKING`/`FOLLOWING`). Such a column splits a cluster.
pub fn is_constant_column(values: &[&str]) -> bool {
    let mut distinct: Vec<&str> = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    is_upper_column(values)
        || distinct.len() <= FEW_VALUES && distinct.iter().all(|v| is_plain_word(v))
}

/// Words that introduce a name (`Invalid user admin`, `session closed for user deploy`,
/// `account bob`): the word after one is data however few values a small log shows of it.
const NAMING_WORDS: &[&str] = &["user", "username", "account", "group", "hostname", "domain"];

/// Words that follow a naming word as its verb or state, not as a name (`user logged in`,
/// `account locked`, `group is empty`).
const NOT_NAMES: &[&str] = &[
    "is", "was", "has", "had", "not", "does", "did", "can", "cannot", "will", "exists", "and",
    "or", "from", "for", "to", "with", "by", "on", "in", "at", "of",
];

/// Whether the token `prev` introduces a name in the token after it (`user`, `User:`, and in a
/// bracketed pair `[user: admin]`).
pub fn names_next(prev: &str) -> bool {
    let core = prev
        .trim_start_matches(['[', '('])
        .trim_end_matches([':', '='])
        .to_ascii_lowercase();
    NAMING_WORDS.contains(&core.as_str())
}

/// Whether `word` after a naming word is a name: not a verb form or state (`logged`,
/// `locked`, `is`).
pub fn is_name_after(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    is_plain_word(word) && !w.ends_with("ed") && !NOT_NAMES.contains(&w.as_str())
}

/// Upper-case identifiers (`RUNNING`, `FAIL_TASK_CLEANUP`) are states and event names:
/// constants however many there are.
pub fn is_upper_column(values: &[&str]) -> bool {
    values.iter().all(|v| {
        v.len() >= 2
            && v.starts_with(|c: char| c.is_ascii_uppercase())
            && v.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    })
}

/// A word without digits in front and without masked parts (`Failed`, `SOCKS5`, `alt0`).
pub fn is_plain_word(v: &str) -> bool {
    let core = v
        .trim_end_matches([',', '.', ';', ':', ']', ')'])
        .trim_start_matches(['[', '(']);
    !core.is_empty()
        && !core.contains(WILDCARD)
        && core
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && core.chars().next().is_some_and(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(rows: &[&[&str]]) -> Vec<String> {
        let owned: Vec<Vec<Tok>> = rows
            .iter()
            .map(|r| r.iter().map(Tok::new).collect())
            .collect();
        let refs: Vec<(&[Tok], usize)> = owned.iter().map(|v| (v.as_slice(), 1)).collect();
        template_of(&refs)
    }

    #[test]
    fn names_follow_naming_words() {
        assert!(names_next("user"));
        assert!(names_next("User:"));
        assert!(names_next("[user:"));
        assert!(!names_next("session"));
        assert!(!names_next("for"));
        assert!(is_name_after("admin"));
        assert!(!is_name_after("logged"));
        assert!(!is_name_after("locked"));
        assert!(!is_name_after("is"));
    }

    #[test]
    fn columns() {
        assert_eq!(
            t(&[
                &["Invalid", "user", "bob", "from", "<*>"],
                &["Invalid", "user", "eve", "from", "<*>"]
            ])
            .join(" "),
            "Invalid user <*> from <*>"
        );
        assert_eq!(t(&[&["state=UP"], &["state=DOWN"]]).join(" "), "state=<*>");
        assert_eq!(t(&[&["a"], &["b:c"]]).join(" "), "<*>");
        assert_eq!(
            t(&[&["rhost=<*>"], &["rhost=a.b-c.d"]]).join(" "),
            "rhost=<*>"
        );
        assert_eq!(t(&[&["(uid=<*>)"], &["(x)"]]).join(" "), "(<*>)");
        assert_eq!(
            t(&[
                &["<*>", "bytes", "sent"],
                &["<*>", "bytes", "(<*>", "KB)", "sent"]
            ])
            .join(" "),
            "<*> bytes <*> sent"
        );
        assert!(is_constant_column(&["Accepted", "Failed", "Failed"]));
        assert!(!is_constant_column(&["root", "admin", "guest", "oracle"]));
        assert!(!is_constant_column(&["<*>", "x"]));
    }
}
