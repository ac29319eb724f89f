//! Values that vary are captured, never fixed: a field that names one instance of a thing
//! (`schema/instance-fields.tsv`: an account, a host, an address, a port, a process) which field
//! assignment decided as a constant the TEXT template holds as a word — a cluster of one event,
//! `Accepted password for alice from {$ip=IPV4} port …` with `subject.account.name = "alice"`
//! — gets the word captured instead: `for {$user=WORD} from`, `subject.account.name = $user`.
//! The rule then normalizes the next user's login too, and its name, made of the template's
//! literal words, does not carry the user.

use field_assign::{Assignment, Source};
use xp_syntax::template::{Elem, Group, Item, TokenSpec, TokenType};
use xp_syntax::{Span, Target};

/// `(field, capture name)` of the instance fields, in the table's order.
fn instance_fields() -> impl Iterator<Item = (&'static str, &'static str)> {
    field_assign::tsv::table("instance-fields")
        .data()
        .map(|c| (c[0], c[1]))
}

/// The TEXT header with the words of instance fields' constants captured, and the assignment
/// reading the captures; `None` (and the assignment untouched) when there is nothing to lift,
/// the header is not a TEXT template, or the word is not in it exactly once.
pub fn lift(header: &str, assignment: &mut Assignment) -> Option<String> {
    if !header.starts_with("TEXT = ") {
        return None;
    }
    let (formula, diags) = xp_syntax::parse_formula(&format!("{header}\n"));
    if !diags.is_empty() {
        return None;
    }
    let (mut template, diags) = xp_syntax::parse_template(&formula.header?.format);
    if !diags.is_empty() {
        return None;
    }
    let mut lifted: Vec<(String, String)> = Vec::new(); // (value, capture)
    for (field, name) in instance_fields() {
        let Some(value) = assignment.get(field).and_then(|a| match &a.source {
            Source::Const(v) => Some(v.clone()),
            Source::Expr(_) => None,
        }) else {
            continue;
        };
        if lifted.iter().any(|(v, _)| *v == value) {
            continue;
        }
        let Some((at, pre, post)) = the_word(&template.items, &value) else {
            continue;
        };
        let Some(ty) = token_type(&value, &post) else {
            continue;
        };
        let capture = unused_name(&template, name);
        let token = Item::Group(Group {
            alts: vec![vec![Elem::Token(TokenSpec {
                target: Some(Target::Var(capture.clone())),
                ty,
                args: Vec::new(),
                rep: xp_syntax::template::Rep::One,
                span: Span::new(0, 0),
            })]],
            span: Span::new(0, 0),
        });
        let mut with: Vec<Item> = Vec::new();
        if !pre.is_empty() {
            with.push(Item::Lit(pre));
        }
        with.push(token);
        if !post.is_empty() {
            with.push(Item::Lit(post));
        }
        template.items.splice(at..=at, with);
        lifted.push((value, capture));
    }
    if lifted.is_empty() {
        return None;
    }
    let instance: Vec<&str> = instance_fields().map(|(f, _)| f).collect();
    for a in &mut assignment.fields {
        if let Source::Const(v) = &a.source {
            if let Some((_, capture)) = lifted.iter().find(|(value, _)| value == v) {
                if instance.contains(&a.field.as_str()) {
                    a.source = Source::Expr(format!("${capture}"));
                }
            }
        }
    }
    Some(format!(
        "TEXT = {}",
        xp_syntax::quote_str(&template.to_source(), '\'')
    ))
}

/// Where the template holds `value` as a word, once: the literal's index and the text before
/// and after the value within it. A word is bounded by spaces, the template's ends, or
/// punctuation inside the literal (`(alice)`, `user=alice,`); a literal that touches a capture
/// does not bound the word on that side.
fn the_word(items: &[Item], value: &str) -> Option<(usize, String, String)> {
    if value.is_empty() || value.chars().any(xp_syntax::template::is_space) {
        return None;
    }
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    let open = |i: Option<&Item>| !matches!(i, None | Some(Item::Space));
    let mut found: Vec<(usize, String, String)> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let Item::Lit(l) = item else { continue };
        for (at, _) in l.match_indices(value) {
            let (pre, post) = (&l[..at], &l[at + value.len()..]);
            let bounded_before = if pre.is_empty() {
                !open(k.checked_sub(1).and_then(|p| items.get(p)))
            } else {
                !pre.ends_with(word_char) && !value.starts_with(|c: char| !word_char(c))
            };
            let bounded_after = if post.is_empty() {
                !open(items.get(k + 1))
            } else {
                !post.starts_with(word_char) && !value.ends_with(|c: char| !word_char(c))
            };
            if bounded_before && bounded_after {
                found.push((k, pre.to_string(), post.to_string()));
            }
        }
    }
    (found.len() == 1).then(|| found.pop()).flatten()
}

/// The token that reads `value` and stops where `post` begins: an address or a number by its
/// shape; a word up to the next space; before punctuation, a token that cannot read it.
fn token_type(value: &str, post: &str) -> Option<TokenType> {
    if value.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some(TokenType::Ipv4);
    }
    if value.parse::<std::net::Ipv6Addr>().is_ok() {
        return (!post.starts_with(|c: char| c.is_ascii_hexdigit() || c == ':'))
            .then_some(TokenType::Ipv6);
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return (!post.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
            .then_some(TokenType::Number);
    }
    if post.is_empty() {
        return Some(TokenType::Word);
    }
    let dash = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let host = |c: char| dash(c) || c == '.';
    if value.chars().all(dash) && !post.starts_with(host) {
        return Some(TokenType::Worddash);
    }
    if value.chars().all(host) && !post.starts_with(host) {
        return Some(TokenType::Hostname);
    }
    None
}

/// `base`, or `base2`, `base3`, … when the template captures that name already.
fn unused_name(template: &xp_syntax::Template, base: &str) -> String {
    let taken: Vec<String> = template
        .targets()
        .into_iter()
        .map(|t| t.source_text().trim_start_matches('$').to_string())
        .collect();
    let mut name = base.to_string();
    let mut k = 2;
    while taken.contains(&name) {
        name = format!("{base}{k}");
        k += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use field_assign::{Assigned, Why};

    fn assignment(fields: &[(&str, &str)]) -> Assignment {
        Assignment {
            prelude: Vec::new(),
            fields: fields
                .iter()
                .map(|(f, v)| Assigned {
                    field: f.to_string(),
                    source: Source::Const(v.to_string()),
                    why: Why::KbRule,
                })
                .collect(),
        }
    }

    #[test]
    fn a_constant_user_becomes_a_capture() {
        let mut a = assignment(&[("subject.account.name", "alice"), ("action", "login")]);
        let h = lift(
            "TEXT = 'Accepted password for alice from {$ip=IPV4} port {$port=NUMBER} ssh2'",
            &mut a,
        )
        .unwrap();
        assert_eq!(
            h,
            "TEXT = 'Accepted password for {$user=WORD} from {$ip=IPV4} port {$port=NUMBER} ssh2'"
        );
        assert_eq!(
            a.get("subject.account.name").unwrap().source,
            Source::Expr("$user".into())
        );
        // A classification constant stays.
        assert_eq!(
            a.get("action").unwrap().source,
            Source::Const("login".into())
        );
    }

    #[test]
    fn punctuation_bounds_the_word_and_the_token_stops_there() {
        let mut a = assignment(&[("subject.account.name", "alice")]);
        let h = lift("TEXT = 'session opened by alice(uid=1000)'", &mut a).unwrap();
        assert_eq!(h, "TEXT = 'session opened by {$user=WORDDASH}(uid=1000)'");
    }

    #[test]
    fn a_word_inside_another_or_twice_is_left() {
        let mut a = assignment(&[("subject.account.name", "root")]);
        assert_eq!(lift("TEXT = 'chroot done'", &mut a), None);
        assert_eq!(lift("TEXT = 'root su root'", &mut a), None);
        assert_eq!(
            a.get("subject.account.name").unwrap().source,
            Source::Const("root".into())
        );
        // Glued to a capture, the word may be longer in another event.
        assert_eq!(lift("TEXT = 'user {$x=NUMBER}root'", &mut a), None);
    }

    #[test]
    fn names_do_not_collide_and_fields_sharing_a_word_share_the_capture() {
        let mut a = assignment(&[
            ("subject.account.name", "bob"),
            ("object.account.name", "bob"),
        ]);
        let h = lift("TEXT = 'su {$user=WORD} bob'", &mut a).unwrap();
        assert_eq!(h, "TEXT = 'su {$user=WORD} {$user2=WORD}'");
        assert_eq!(
            a.get("object.account.name").unwrap().source,
            Source::Expr("$user2".into())
        );
    }

    #[test]
    fn other_headers_are_left() {
        let mut a = assignment(&[("subject.account.name", "alice")]);
        assert_eq!(lift("JSON = ''", &mut a), None);
    }
}
