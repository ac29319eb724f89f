//! **prose_accounts**: the account a login or logout message names in its prose, after a word
//! that introduces one (`schema/account-phrases.tsv`): a noun (`user bob`, `username alice,`)
//! or a preposition after the act (`for alice from`, `login as alice`), past qualifiers
//! (`for invalid user bob`), quoted or bracketed or not; with no phrase, the one name a login
//! message writes in square brackets of its own (`Login incorrect: [bob] (from client …)`).
//!
//! `Invalid login as {$as=WORD} from {$from=IPV4}` → `subject.account.name = $as`;
//! of one event, `Successful login as alice from {$from=IPV4}` → `subject.account.name =
//! "alice"`, which rule-gen captures (`lift.rs`).

use crate::engine::builder::Builder;
use crate::engine::expr::{mentions, slot_expr};
use crate::engine::values::{present, real_values};
use crate::slots::Slots;
use crate::{Source, Why};

/// The role of a word in `schema/account-phrases.tsv` (`noun`, `preposition`, `qualifier`).
fn role(word: &str) -> Option<&'static str> {
    let word = word.to_ascii_lowercase();
    crate::tsv::table("account-phrases")
        .data()
        .find(|c| c[0] == word)
        .map(|c| c[1])
}

/// A piece of a TEXT template: a literal word or a capture, with the text before it since the
/// previous piece.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Word(&'a str),
    Capture(&'a str),
}

/// The template's words and captures, each with the separator text before it. A group that is
/// not one plain capture (`{"["$pid=NUMBER"]"|}`) is a barrier: no phrase reads across it.
fn pieces(template: &str) -> Vec<(String, Piece<'_>)> {
    let mut out = Vec::new();
    let mut sep = String::new();
    let mut i = 0;
    let b = template.as_bytes();
    while i < b.len() {
        if b[i] == b'{' {
            let Some(close) = template[i..].find('}').map(|c| i + c) else {
                break;
            };
            let inner = &template[i + 1..close];
            match inner
                .strip_prefix('$')
                .and_then(|r| r.split_once('='))
                .filter(|(name, _)| name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'))
            {
                Some((name, _)) => out.push((std::mem::take(&mut sep), Piece::Capture(name))),
                None => sep.push('\u{0}'),
            }
            i = close + 1;
            continue;
        }
        let word_len = template[i..]
            .find(|c: char| !is_account_char(c))
            .unwrap_or(template.len() - i);
        if word_len > 0 {
            let word = template[i..i + word_len].trim_end_matches(['.', '-']);
            if !word.is_empty() {
                out.push((std::mem::take(&mut sep), Piece::Word(word)));
            }
            i += word_len;
            continue;
        }
        let c = template[i..].chars().next().unwrap_or(' ');
        sep.push(c);
        i += c.len_utf8();
    }
    out
}

fn is_account_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')
}

/// Text between a phrase and its account: spaces, quotes, an opening bracket, `=` or `:`.
fn joins(sep: &str) -> bool {
    sep.chars()
        .all(|c| matches!(c, ' ' | '\'' | '"' | '\\' | '[' | '<' | '(' | '=' | ':'))
}

/// A value an account may be: no address, no number alone, no space.
fn account_shaped(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 128
        && !v.bytes().all(|b| b.is_ascii_digit())
        && v.parse::<std::net::IpAddr>().is_err()
        && !v.contains(char::is_whitespace)
        && role(v).is_none()
        && crate::prose::address_side(v).is_none()
}

/// Whether what follows a word written in the template ends it as a name: the message's end,
/// punctuation (`alice,`, `'alice'`, `[bob]`, `alice (ID: 12)`), a capture, or a word placing the
/// source's address (`as alice from`). A word of prose after it (`User logged in`, `Waiting for
/// processes to exit`) makes it prose too.
fn ends_a_name(next: Option<&(String, Piece<'_>)>) -> bool {
    match next {
        None | Some((_, Piece::Capture(_))) => true,
        Some((sep, Piece::Word(w))) => {
            sep.chars().any(|c| c != ' ') || crate::prose::address_side(w) == Some("src")
        }
    }
}

/// Sets `subject.account.name` from the prose of a message whose class makes an account act
/// (its subject, or a login or logout).
pub(crate) fn prose_account(head: &str, slots: &Slots, b: &mut Builder) {
    let account_acts = b.constant("subject") == Some("account")
        || matches!(b.constant("action"), Some("login" | "logout"));
    if !account_acts || b.has("subject.account.name") || b.has("object.account.name") {
        return;
    }
    let Some(template) = crate::prose::text_template(head) else {
        return;
    };
    let pieces = pieces(template);
    for (i, (_, p)) in pieces.iter().enumerate() {
        let Piece::Word(w) = p else { continue };
        if !matches!(role(w), Some("noun" | "preposition")) {
            continue;
        }
        // Past qualifiers and nouns (`for invalid user bob`).
        let mut j = i + 1;
        while let Some((sep, Piece::Word(q))) = pieces.get(j) {
            if joins(sep) && matches!(role(q), Some("qualifier" | "noun")) {
                j += 1;
            } else {
                break;
            }
        }
        let Some((sep, next)) = pieces.get(j) else {
            continue;
        };
        if !joins(sep) {
            continue;
        }
        let Some(source) = account_of(next, pieces.get(j + 1), slots, b) else {
            continue;
        };
        b.set("subject.account.name", source, Why::Words);
        return;
    }
    // No phrase: one name in square brackets of its own (FreeRADIUS's `Login incorrect: [bob]
    // (from client …)`, vsftpd's `[pid 4250] [bob] FAIL LOGIN:`), when it is the only one.
    let bracketed: Vec<usize> = (0..pieces.len())
        .filter(|&j| {
            let opens = pieces[j].0.ends_with(" [") || (j == 0 && pieces[j].0 == "[");
            let closes = pieces
                .get(j + 1)
                .is_some_and(|(sep, _)| sep.starts_with(']') && !sep.starts_with("]["));
            opens && closes && !is_marker(&pieces[j].1)
        })
        .collect();
    if let [j] = bracketed[..] {
        if let Some(source) = account_of(&pieces[j].1, pieces.get(j + 1), slots, b) {
            b.set("subject.account.name", source, Why::Words);
        }
    }
}

/// A word in brackets that marks the message rather than naming anyone: a severity
/// (`[INFO]`, `schema/severity-words.tsv`) or a marker of `schema/account-phrases.tsv`
/// (`[preauth]`).
fn is_marker(p: &Piece<'_>) -> bool {
    let Piece::Word(w) = p else { return false };
    let w = w.to_ascii_lowercase();
    role(&w) == Some("marker")
        || crate::tsv::table("severity-words")
            .data()
            .any(|c| c[0] == w)
}

/// The account `next` names, when it is one: a word of the template that ends as a name, or a
/// capture of account-shaped values no other field reads.
fn account_of(
    next: &Piece<'_>,
    after: Option<&(String, Piece<'_>)>,
    slots: &Slots,
    b: &Builder,
) -> Option<Source> {
    match next {
        Piece::Word(v) if account_shaped(v) && ends_a_name(after) => {
            Some(Source::Const((*v).to_string()))
        }
        Piece::Capture(name) => {
            let s = slots.slots.iter().find(|s| s.expr == format!("${name}"))?;
            let values = real_values(s);
            let shown = present(&values);
            if shown.is_empty() || !shown.iter().all(|v| account_shaped(v)) {
                return None;
            }
            // A capture another field reads already is that field's.
            if b.fields().iter().any(|a| match &a.source {
                Source::Expr(e) => mentions(e, &s.expr),
                Source::Const(_) => false,
            }) {
                return None;
            }
            Some(Source::Expr(slot_expr(s)))
        }
        Piece::Word(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_a_template() {
        let t = r"{$time=DATETIME} {$host=HOSTNAME} sshd{'['$pid=NUMBER']'|}: Failed password for \'{$for=WORD}\' from {$from=IPV4}";
        let p = pieces(t);
        assert!(p.contains(&(" \\'".to_string(), Piece::Capture("for"))));
        assert!(p.iter().any(|(_, w)| *w == Piece::Word("password")));
        assert_eq!(p.last().map(|(_, w)| w), Some(&Piece::Capture("from")));
    }

    #[test]
    fn accounts_are_words() {
        assert!(account_shaped("alice") && account_shaped("bob@example.com"));
        assert!(!account_shaped("203.0.113.5") && !account_shaped("4242"));
        assert!(!account_shaped("user") && !account_shaped("from"));
    }

    #[test]
    fn a_written_name_ends_at_punctuation_or_an_address_word() {
        let p = pieces("Successful login as alice from {$from=IPV4}");
        assert!(ends_a_name(p.get(4)));
        let p = pieces("[{$ip=IPV4}] bob plaintext User logged in");
        assert!(!ends_a_name(p.get(5)), "{p:?}");
        let p = pieces("Waiting for processes to exit.");
        assert!(!ends_a_name(p.get(2)));
        let p = pieces("user [bob] at");
        assert!(ends_a_name(p.get(2)));
    }
}
