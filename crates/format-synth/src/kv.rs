//! Runs of `key=value` pairs that end TEXT members: the KEYVALUE token.
//!
//! When every member ends in at least [`MIN_PAIRS`] pairs with identifier-like keys (auditd
//! `arch=c000003e syscall=59 success=yes …`, firewall `src=… dst=… proto=…`), the run becomes
//! one `{$kv=KEYVALUE}` token: members with different or reordered keys still match, and the
//! XP code reads the pairs with `$kv["key"]`. Leading pairs that are the same text in every
//! member stay literal (`type=SYSCALL`), and pairs with the same value in every member are
//! offered as COND terms to tell this cluster from others with the same shape.

use xp_eval::builtins::keyvalue::{parse_kv, scan_kv, Ends};
use xp_eval::text::tokens::{is_ws, is_ws_char};
use xp_eval::Value;

/// Fewest pairs that make a run, not counting the literal leading ones.
pub const MIN_PAIRS: usize = 3;

/// A KEYVALUE run found in every member.
#[derive(Clone, Debug, PartialEq)]
pub struct KvRun<'a> {
    /// Each member's text before the run (trailing whitespace removed).
    pub prefixes: Vec<&'a str>,
    /// The quote character values may be wrapped in.
    pub quote: char,
    /// The pair separator: `" "` (any whitespace), `","` or `";"`.
    pub sep: &'static str,
    /// Between key and value: `"="`, or `": "` (`Src: 10.0.0.1 Dst: 10.0.0.2 Proto: tcp`).
    pub kv_sep: &'static str,
    /// `(key, value)` pairs with the same value in every member, in first-member order.
    pub constants: Vec<(String, String)>,
    /// Keys every member's run has, in first-member order.
    pub present: Vec<String>,
    /// Keys any member's run has.
    pub keys: Vec<String>,
}

impl KvRun<'_> {
    /// COND terms for a KEYVALUE variable `name`, readable ones first: keys every member has
    /// (`$kv["k"] != null`), keys of `others` no member has (`$kv["k"] == null`), then pairs
    /// with one value in every member (`$kv["k"] == "v"`).
    /// The flag tells a term that pins a variable-looking value (a number, hex), to be used
    /// only when nothing else separates.
    pub fn cond_terms(&self, name: &str, others: &[&str]) -> Vec<(String, bool)> {
        let q = |s: &str| xp_syntax::quote_str(s, '"');
        let mut terms: Vec<(String, bool)> = self
            .present
            .iter()
            .map(|k| (format!("${name}[{}] != null", q(k)), false))
            .collect();
        let mut absent: Vec<String> = Vec::new();
        for o in others {
            for (k, _) in parse_kv(o, self.sep, self.kv_sep, Some(self.quote)).iter() {
                if is_key(k)
                    && !self.keys.iter().any(|m| m == k.as_str())
                    && !absent.iter().any(|a| a == k.as_str())
                {
                    absent.push(k.to_string());
                }
            }
        }
        terms.extend(
            absent
                .iter()
                .map(|k| (format!("${name}[{}] == null", q(k)), false)),
        );
        // A key that types events (`syscall`, `op`, `type`) is the readable separation; its
        // number is a type, not a variable.
        let mut pinned: Vec<(String, bool)> = Vec::new();
        for (k, v) in &self.constants {
            let term = format!("${name}[{}] == {}", q(k), q(v));
            if is_type_key(k) {
                pinned.push((term, false));
            } else {
                terms.push((term, log_cluster::mask::mask_token(v) != v.as_str()));
            }
        }
        pinned.extend(terms);
        pinned
    }

    /// The token text for a variable name.
    pub fn token(&self, name: &str) -> String {
        if self.quote == '"' && self.sep == " " && self.kv_sep == "=" {
            format!("{{${name}=KEYVALUE}}")
        } else {
            let q = xp_syntax::template::quote_template_lit;
            format!(
                "{{${name}=KEYVALUE({}, {}, {})}}",
                q(self.sep),
                q(self.kv_sep),
                q(&self.quote.to_string())
            )
        }
    }
}

/// Whether a key names the event's type (the clusterer splits by it).
fn is_type_key(k: &str) -> bool {
    log_cluster::identifier::TYPE_KEYS.contains(&k)
        || log_cluster::identifier::EMBEDDED_TYPE_KEYS.contains(&k)
}

fn is_key(k: &str) -> bool {
    let mut c = k.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '-'))
}

/// Spans `(start, end)` of the pairs of the earliest run that reaches the end of `line`.
fn tail(line: &str, quote: char, sep: &str, kv_sep: &str) -> Option<Vec<(usize, usize)>> {
    let end = line.trim_end().len();
    let b = line.as_bytes();
    let mut i = 0;
    let mut dead = rustc_hash::FxHashSet::default();
    while i < end {
        let at_token = i == 0 || is_ws(b[i - 1]);
        if at_token && !is_ws(b[i]) && !dead.contains(&i) {
            let word_end = line[i..].find(is_ws_char).map_or(line.len(), |e| i + e);
            // `key=value` is one word; `key: value` ends its first word with the colon.
            let key_len = if kv_sep == "=" {
                line[i..word_end].find('=')
            } else {
                line[i..word_end]
                    .strip_suffix(kv_sep.trim_end())
                    .filter(|_| line[word_end..].starts_with(' '))
                    .map(str::len)
            };
            // A word that ends in `):` labels what follows (audit's record header
            // `msg=audit(1364481363.243:24287):`): prose before the run, not a pair, so no
            // run holds it.
            let label = line[i..word_end].ends_with("):");
            if let Some(eq) = key_len.filter(|_| !label) {
                if is_key(&line[i..i + eq]) {
                    // Longest first from the scanner; the spans want them in order.
                    let mut ends = scan_kv(line, i, sep, kv_sep, Some(quote), Ends::Pairs);
                    ends.reverse();
                    // A run from one of this run's later pairs is a suffix of it: it stops
                    // where this one stops, with fewer pairs. When this one stops short or has
                    // too few, those starts are not tried again (linear time on a line of many
                    // pairs).
                    let whole = ends.len() >= MIN_PAIRS && ends.last() == Some(&end);
                    let suffixes = if whole {
                        0
                    } else {
                        ends.len().saturating_sub(1)
                    };
                    for &e in &ends[..suffixes] {
                        let after = line[e..].trim_start_matches(|c: char| {
                            is_ws_char(c) || sep != " " && sep.contains(c)
                        });
                        dead.insert(line.len() - after.len());
                    }
                    // With a separator other than whitespace, a run from inside one of its
                    // pairs meets the same separators: one that reaches the end with too few
                    // pairs leaves none to find.
                    if sep != " " && ends.last() == Some(&end) && ends.len() < MIN_PAIRS {
                        return None;
                    }
                    if ends.len() >= MIN_PAIRS && ends.last() == Some(&end) {
                        let mut spans = Vec::with_capacity(ends.len());
                        let mut start = i;
                        for &e in &ends {
                            spans.push((start, e));
                            let after = line[e..].trim_start_matches(|c: char| {
                                c.is_whitespace() || sep != " " && sep.contains(c)
                            });
                            start = line.len() - after.len();
                        }
                        if spans.iter().all(|&(s, e)| {
                            line[s..e]
                                .split_once(kv_sep)
                                .is_some_and(|(k, _)| is_key(k))
                                && !line[s..e].ends_with("):")
                        }) {
                            return Some(spans);
                        }
                    }
                }
            }
        }
        i += line[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The KEYVALUE run every member ends with, if there is one.
pub fn find<'a>(members: &[&'a str]) -> Option<KvRun<'a>> {
    if members.is_empty() {
        return None;
    }
    let quote = if members.iter().any(|m| m.contains("='")) {
        '\''
    } else {
        '"'
    };
    let runs = |sep: &'static str, kv_sep: &'static str| {
        members
            .iter()
            .map(|m| tail(m, quote, sep, kv_sep))
            .collect::<Option<Vec<_>>>()
            .map(|s| (sep, kv_sep, s))
    };
    // Pairs split by whitespace, else by semicolons (sudo's `TTY=pts/0 ; PWD=/root ;
    // COMMAND=/usr/bin/id -u`, where a value may hold spaces).
    let (mut sep, kv_sep, mut spans) = runs(" ", "=")
        .or_else(|| runs(" ", ": "))
        .or_else(|| runs(";", "="))?;
    // `a=1, b=2, c=3` (or `a=1; b=2; c=3`): every pair but the last ends in the separator.
    for punct in [",", ";"] {
        let ends_with = members.iter().zip(&spans).all(|(m, s)| {
            s[..s.len() - 1]
                .iter()
                .all(|&(a, e)| m[a..e].ends_with(punct))
        });
        if sep == " " && ends_with {
            sep = punct;
            spans = members
                .iter()
                .map(|m| tail(m, quote, sep, kv_sep))
                .collect::<Option<_>>()?;
        }
    }
    // Leading pairs that are the same text everywhere stay literal, unless a label ends the
    // text before the run (audit's `msg=audit(…):`): what follows a record header is all data.
    let first = &spans[0];
    let labelled = members
        .iter()
        .zip(&spans)
        .any(|(m, s)| m[..s[0].0].trim_end().ends_with("):"));
    // One member agrees with itself everywhere: nothing says which pairs are constant.
    let mut lead = 0;
    while !labelled
        && members.len() > 1
        && lead < first.len()
        && members.iter().zip(&spans).all(|(m, s)| {
            s.get(lead)
                .is_some_and(|&(a, e)| m[a..e] == members[0][first[lead].0..first[lead].1])
        })
    {
        lead += 1;
    }
    // Enough varying pairs to be worth a map; fewer stay aligned token by token.
    if spans.iter().any(|s| s.len() < lead + MIN_PAIRS) {
        return None;
    }
    let prefixes: Vec<&str> = members
        .iter()
        .zip(&spans)
        .map(|(m, s)| m[..s[lead].0].trim_end())
        .collect();
    let maps: Vec<_> = members
        .iter()
        .zip(&spans)
        .map(|(m, s)| parse_kv(&m[s[lead].0..], sep, kv_sep, Some(quote)))
        .collect();
    let mut constants = Vec::new();
    for (k, v) in maps[0].iter() {
        let Value::Str(v) = v else { continue };
        let same = maps[1..]
            .iter()
            .all(|m| matches!(m.get(k), Some(Value::Str(w)) if w == v));
        // Variable-looking values (numbers, hex) count only when several members agree.
        let plain = v.len() <= 40
            && !v.contains(char::is_whitespace)
            && (members.len() >= 3
                || log_cluster::mask::mask_token(v) == v.as_str()
                || is_type_key(k));
        if same && plain && (members.len() > 1 || is_type_key(k)) {
            constants.push((k.to_string(), v.to_string()));
        }
    }
    let present: Vec<String> = maps[0]
        .iter()
        .filter(|(k, _)| maps[1..].iter().all(|m| m.get(k).is_some()))
        .map(|(k, _)| k.to_string())
        .collect();
    let mut keys: Vec<String> = Vec::new();
    for m in &maps {
        for (k, _) in m.iter() {
            if !keys.iter().any(|x| x == k.as_str()) {
                keys.push(k.to_string());
            }
        }
    }
    Some(KvRun {
        prefixes,
        quote,
        sep,
        kv_sep,
        constants,
        present,
        keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditd_run_keeps_the_constant_lead() {
        let m = [
            "type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=59 success=yes exit=0 comm=\"ls\"",
            "type=SYSCALL msg=audit(1364481364.001:24290): arch=c000003e syscall=59 success=no exit=-2 comm=\"cat\" key=\"x y\"",
            "type=SYSCALL msg=audit(1364481365.020:24291): arch=c000003e syscall=59 success=yes exit=0 comm=\"id\"",
        ];
        let r = find(&m).unwrap();
        // The record header `msg=audit(…):` labels the pairs: it is no pair itself.
        assert_eq!(
            r.prefixes,
            vec![
                "type=SYSCALL msg=audit(1364481363.243:24287):",
                "type=SYSCALL msg=audit(1364481364.001:24290):",
                "type=SYSCALL msg=audit(1364481365.020:24291):"
            ]
        );
        assert_eq!(r.quote, '"');
        assert_eq!(
            r.constants,
            vec![
                ("arch".to_string(), "c000003e".to_string()),
                ("syscall".to_string(), "59".to_string())
            ]
        );
    }

    #[test]
    fn single_quoted_values_and_prose_prefix() {
        let m = [
            "pam: session opened uid=0 auid=1000 ses=3 msg='op=login acct=\"root\" res=success'",
            "pam: session opened uid=0 auid=4 ses=12 msg='op=login acct=\"bob\" res=failed'",
        ];
        let r = find(&m).unwrap();
        // `uid=0` is the same text in both: it stays literal.
        assert_eq!(r.prefixes, vec!["pam: session opened uid=0"; 2]);
        assert_eq!(r.quote, '\'');
        assert_eq!(r.token("kv"), "{$kv=KEYVALUE(\" \", \"=\", \"'\")}");
    }

    #[test]
    fn too_few_pairs_or_text_after_the_run() {
        assert!(find(&["user=a uid=1 done", "user=b uid=2 done"]).is_none());
        // The token stops at the first piece without `=`, so the run must end the line.
        assert!(find(&["a=1 b=2 c=3 and then prose", "a=4 b=5 c=6 and more"]).is_none());
        assert!(find(&["x a=1 b=2 c=3", "y a=4 b=5 c=6"]).is_some());
        assert!(find(&["login a=1 b=2", "login a=3 b=4"]).is_none());
        // Two varying pairs after a constant one: aligned token by token instead.
        assert!(find(&["k=0 a=1 b=2", "k=0 a=3 b=4"]).is_none());
    }

    #[test]
    fn comma_separated_pairs() {
        let m = [
            "acquire lock=23, flags=0x1, tag=\"View Lock\", uid=1000",
            "acquire lock=7, flags=0x6, tag=\"x\", uid=10037",
        ];
        let r = find(&m).unwrap();
        assert_eq!(r.sep, ",");
        assert_eq!(r.token("kv"), r#"{$kv=KEYVALUE(",", "=", "\"")}"#);
    }

    #[test]
    fn semicolon_separated_pairs_with_spaces_in_values() {
        let m = [
            "sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
            "sudo:      bob : TTY=pts/3 ; PWD=/root ; USER=root ; ENV=A=1 ; COMMAND=/usr/bin/apt-get -y upgrade",
        ];
        let r = find(&m).unwrap();
        assert_eq!(r.sep, ";");
        assert_eq!(r.prefixes, ["sudo:    alice :", "sudo:      bob :"]);
        assert_eq!(r.present, ["TTY", "PWD", "USER", "COMMAND"]);
        assert_eq!(r.token("kv"), r#"{$kv=KEYVALUE(";", "=", "\"")}"#);
        let kv = parse_kv(&m[1][m[1].find("TTY").unwrap()..], r.sep, "=", Some('"'));
        assert_eq!(
            kv.get("COMMAND").and_then(Value::to_text).as_deref(),
            Some("/usr/bin/apt-get -y upgrade")
        );
    }

    #[test]
    fn colon_pairs() {
        let m = [
            "filterlog: Src: 10.0.0.1 SrcPort: 5000 Dst: 10.0.0.9 Proto: tcp",
            "filterlog: Src: 10.0.0.2 SrcPort: 5001 Dst: 10.0.0.8 Proto: udp",
        ];
        let r = find(&m).unwrap();
        assert_eq!(r.kv_sep, ": ");
        assert_eq!(r.prefixes, ["filterlog:", "filterlog:"]);
        assert_eq!(r.present, ["Src", "SrcPort", "Dst", "Proto"]);
        assert_eq!(r.token("kv"), r#"{$kv=KEYVALUE(" ", ": ", "\"")}"#);
        // Prose with a colon is no run.
        assert!(find(&["error: disk full on sda", "error: disk full on sdb"]).is_none());
    }
}
