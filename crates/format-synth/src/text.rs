//! TEXT format strings from the members of a cluster.
//!
//! Members are split into tokens at whitespace (a date-time spanning several tokens is one
//! token). With one token count the tokens line up by position; otherwise each member is
//! aligned to a reference by its longest common subsequence and the tokens all members share
//! become the anchors. Anchors are literal text; what lies between them is a typed token, the
//! most specific type every member's value has (NUMBER, IPV4, IPV6, MACADDR, DATETIME,
//! HOSTNAME, WORD; KEYVALUE for runs of pairs; STRING* for runs of words; REST at the end).
//! A token that only partly varies keeps its literal prefix and suffix (`sshd[{$pid=NUMBER}]:`).

use std::collections::BTreeSet;

use xp_eval::text::tokens::{is_ws, is_ws_char};
use xp_syntax::template::TokenType;

use crate::lit::literal;

/// One token of a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tk<'a> {
    text: &'a str,
    date: bool,
    /// Preceded by whitespace (or the start).
    spaced: bool,
    /// Variable data by the masking rules, even when every member has the same value.
    var: bool,
}

fn tokens<'a>(line: &'a str, seen: Option<&Seen>) -> Vec<Tk<'a>> {
    tokens_with(line, seen, true)
}

/// A quoted string of several words taken as one token by [`tokens`].
fn is_quoted_run(t: &Tk<'_>) -> bool {
    t.text.len() >= 2
        && t.text.starts_with('"')
        && t.text.ends_with('"')
        && t.text.contains(is_ws_char)
}

/// Quoted runs that hold as many words in every member (a request line `"GET /cart
/// HTTP/1.1"`) are opened again, word by word, so that their constant words stay literal;
/// those whose words vary in number (user agents) stay one token.
fn open_quoted_runs(toks: &mut [Vec<Tk<'_>>]) {
    let Some(n) = toks.first().map(Vec::len) else {
        return;
    };
    if toks.iter().any(|t| t.len() != n) {
        return;
    }
    for j in (0..n).rev() {
        let words = |t: &Tk<'_>| t.text.split(is_ws_char).filter(|w| !w.is_empty()).count();
        let w0 = words(&toks[0][j]);
        if !toks
            .iter()
            .all(|t| is_quoted_run(&t[j]) && words(&t[j]) == w0)
        {
            continue;
        }
        for t in toks.iter_mut() {
            let run = t[j];
            let mut inner = tokens_with(run.text, None, false);
            if let Some(first) = inner.first_mut() {
                first.spaced = run.spaced;
            }
            t.splice(j..=j, inner);
        }
    }
}

fn tokens_with<'a>(line: &'a str, seen: Option<&Seen>, merge_quotes: bool) -> Vec<Tk<'a>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut spaced = true;
    while i < b.len() {
        // Separators are the matcher's whitespace, single ASCII bytes: `i` stays on a
        // character boundary and every turn of the loop consumes at least one byte.
        if is_ws(b[i]) {
            i += 1;
            spaced = true;
            continue;
        }
        let end = line[i..].find(is_ws_char).map_or(line.len(), |e| i + e);
        // An RFC 5424 structured-data element (one record of pairs), or a quoted string of
        // several words holding data (a request line, a user agent: as the clusterer masks it,
        // `log_cluster::mask`, read with STRING): data as a whole, one token.
        if let Some(close) = crate::sd::element_end(line, i).or_else(|| {
            merge_quotes
                .then(|| log_cluster::mask::quoted_run(line, i))
                .flatten()
        }) {
            out.push(Tk {
                text: &line[i..=close],
                date: false,
                spaced,
                var: true,
            });
            spaced = false;
            i = close + 1;
            continue;
        }
        // A time in brackets (the Common Log Format's `[10/Oct/2000:13:55:36 -0700]`): the
        // bracket is literal text, the time one token.
        if matches!(b[i], b'[' | b'(')
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
            && xp_eval::datetime::parse_prefix(&line[i + 1..], Some(2000))
                .is_some_and(|(len, _)| len >= 8)
        {
            out.push(Tk {
                text: &line[i..=i],
                date: false,
                spaced,
                var: false,
            });
            spaced = false;
            i += 1;
            continue;
        }
        if b[i].is_ascii_digit() || b[i].is_ascii_uppercase() {
            if let Some((len, _)) = xp_eval::datetime::parse_prefix(&line[i..], Some(2000)) {
                let stop = i + len;
                if stop >= end || line[i..stop].contains(is_ws_char) {
                    out.push(Tk {
                        text: &line[i..stop],
                        date: true,
                        spaced,
                        var: true,
                    });
                    spaced = false;
                    i = stop;
                    continue;
                }
            }
        }
        let text = &line[i..end];
        // A word after one that introduces a name (`user admin`) is data too.
        let named = out.last().is_some_and(|p: &Tk<'_>| {
            p.spaced
                && spaced
                && log_cluster::template::names_next(p.text)
                && log_cluster::template::is_name_after(text)
        });
        let var = named || log_cluster::mask::mask_token(text) != text;
        // A name that closes a bracketed pair or a list item (`[user: admin]`, `user alice,`):
        // the name is data, the punctuation after it literal text.
        let close = text.len() - text.trim_end_matches([']', ')', ',', ';']).len();
        if named && close > 0 && close < text.len() {
            let cut = text.len() - close;
            out.push(Tk {
                text: &text[..cut],
                date: false,
                spaced,
                var: true,
            });
            out.push(Tk {
                text: &text[cut..],
                date: false,
                spaced: false,
                var: false,
            });
            spaced = false;
            i = end;
            continue;
        }
        out.push(Tk {
            text,
            date: false,
            spaced,
            var,
        });
        spaced = false;
        i = end;
    }
    if let Some(seen) = seen {
        let data: Vec<bool> = (0..out.len())
            .map(|i| log_cluster::template::is_plain_word(out[i].text) && seen.is_data(&out, i))
            .collect();
        for (t, d) in out.iter_mut().zip(data) {
            t.var |= d;
        }
    }
    out
}

/// A piece of the template.
#[derive(Clone, Debug)]
enum Piece {
    /// Literal text; `spaced` when whitespace precedes it.
    Lit { text: String, spaced: bool },
    /// A variable region: the values of each member (may be empty), `spaced` as above.
    Var {
        values: Vec<String>,
        spaced: bool,
        at_end: bool,
    },
}

/// The synthesized template and its captures.
#[derive(Clone, Debug, PartialEq)]
pub struct TextTemplate {
    /// The format string (without quotes).
    pub template: String,
    /// `(variable name without $, token type)` in order.
    pub captures: Vec<(String, TokenType)>,
}

/// Builds a template from members (one line each). `loose` types every region as WORD,
/// STRING* or REST (the fallback when typed tokens do not match every member).
pub fn synthesize(members: &[&str], loose: bool) -> TextTemplate {
    synthesize_seen(members, loose, None)
}

/// As [`synthesize`], with what the log's other events show ([`Seen`]): a word of the
/// members sits where the log shows many different words is data, even when the members
/// agree on it (one `Accepted password for alice from …` among `… for root from …`,
/// `… for deploy from …`).
pub fn synthesize_seen(members: &[&str], loose: bool, seen: Option<&Seen>) -> TextTemplate {
    synthesize_styled(
        members,
        Style {
            loose,
            list_first: false,
            seen,
        },
    )
}

/// Words of a member read into a template at most; the rest of a longer line is one `REST`
/// capture.
pub const MAX_WORDS: usize = 200;

/// The byte offset where the `n`-th word of `line` ends, when more words follow it.
fn words_over(line: &str, n: usize) -> Option<usize> {
    let b = line.as_bytes();
    let (mut words, mut i) = (0, 0);
    while i < b.len() {
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        if i == b.len() {
            return None;
        }
        if words == n {
            return Some(line[..i].trim_end_matches(is_ws_char).len());
        }
        while i < b.len() && !is_ws(b[i]) {
            i += 1;
        }
        words += 1;
    }
    None
}

/// The plain words a log's events hold between two neighbouring tokens (variable data
/// masked: `for <*> from`, `user <*> from`), at the places where some event type of the log
/// shows data: where the events of one cluster hold different words (`Failed password for root
/// from`, `… for bob from`). Words that several types hold at one place, each its own constant
/// (`success accept delete` in one type, `success lock delete` in another), are no evidence of
/// data: types that share a vocabulary meet at such places by chance.
#[derive(Debug, Default)]
pub struct Seen {
    words: std::collections::HashMap<(String, String), BTreeSet<String>>,
}

/// Distinct words a place must show, besides the word at hand, to be a place for data.
const SEEN_OTHERS: usize = 3;

impl Seen {
    /// From the events (lines) of a log, each with its cluster.
    pub fn of(lines: &[(usize, &str)]) -> Seen {
        let mut words: std::collections::HashMap<(String, String), BTreeSet<String>> =
            Default::default();
        // Per place, the cluster that first held a word there and that word, or `None` once
        // one cluster held two words there (a place for data).
        let mut first: std::collections::HashMap<(String, String), Option<(usize, String)>> =
            Default::default();
        for &(cluster, l) in lines {
            let t = tokens(l, None);
            for i in 0..t.len() {
                let Some(key) = Self::key(&t, i) else {
                    continue;
                };
                if !log_cluster::template::is_plain_word(t[i].text) {
                    continue;
                }
                let word = t[i].text;
                match first.get_mut(&key) {
                    None => {
                        first.insert(key.clone(), Some((cluster, word.to_string())));
                    }
                    Some(slot) => {
                        if slot
                            .as_ref()
                            .is_some_and(|(c, w)| *c == cluster && w != word)
                        {
                            *slot = None;
                        }
                    }
                }
                let set = words.entry(key).or_default();
                if set.len() <= SEEN_OTHERS + 1 {
                    set.insert(word.to_string());
                }
            }
        }
        words.retain(|k, _| matches!(first.get(k), Some(None)));
        Seen { words }
    }

    /// The place of the word at `i`: its two neighbours, when both are plain words (a masked
    /// neighbour or the line's end says too little of the place: `port <*> ssh2`).
    fn key(t: &[Tk<'_>], i: usize) -> Option<(String, String)> {
        let prev = t.get(i.checked_sub(1)?)?;
        let next = t.get(i + 1)?;
        let plain = |x: &Tk<'_>| !x.var && log_cluster::template::is_plain_word(x.text);
        (plain(prev) && plain(next)).then(|| (prev.text.to_string(), next.text.to_string()))
    }

    /// Whether the word at `i` sits where the log shows other words.
    fn is_data(&self, t: &[Tk<'_>], i: usize) -> bool {
        Self::key(t, i)
            .and_then(|k| self.words.get(&k))
            .is_some_and(|s| s.iter().filter(|w| *w != t[i].text).count() >= SEEN_OTHERS)
    }
}

/// As [`synthesize`] (not loose), but a closed set of phrases becomes alternatives even where
/// optional words around a new capture would do: the form that tells whether clusters differ
/// only by such phrases ([`crate::related`]).
pub fn synthesize_listing(members: &[&str]) -> TextTemplate {
    synthesize_styled(
        members,
        Style {
            loose: false,
            list_first: true,
            seen: None,
        },
    )
}

/// How regions are typed.
#[derive(Clone, Copy, Debug)]
struct Style<'a> {
    /// Every region WORD, STRING* or REST.
    loose: bool,
    /// Alternatives before optional words.
    list_first: bool,
    /// What the log's other events show.
    seen: Option<&'a Seen>,
}

fn synthesize_styled(members: &[&str], style: Style<'_>) -> TextTemplate {
    // Budget: a template longer than the matcher accepts cannot be used, and aligning very
    // long lines costs more than it brings. Members of more words are read up to their
    // MAX_WORDS-th word and their tail is one `REST` capture.
    if members.iter().any(|m| words_over(m, MAX_WORDS).is_some()) {
        let heads: Vec<&str> = members
            .iter()
            .map(|m| words_over(m, MAX_WORDS).map_or(*m, |at| &m[..at]))
            .collect();
        let mut t = synthesize_aligned(&heads, style);
        let name = unique_name("tail", &t.captures);
        t.template.push_str(&format!(" {{${name}=REST}}"));
        t.captures.push((name, TokenType::Rest));
        return t;
    }
    synthesize_aligned(members, style)
}

fn synthesize_aligned(members: &[&str], style: Style<'_>) -> TextTemplate {
    let headers: Vec<Option<ingest::syslog::SyslogHeader>> =
        members.iter().map(|m| ingest::syslog::parse(m)).collect();
    if let Some(t) = synthesize_5424(members, &headers, style) {
        return t;
    }
    // A syslog header (RFC 3164) shared by all members: priority, time, host, program and pid.
    // The PRI part (`<14>`) and the TAG are each in every member or in none.
    let first = headers.first().and_then(|h| h.as_ref());
    let app = first.and_then(|h| h.app.clone());
    let pri = first.is_some_and(|h| h.pri > 0);
    let uniform = first.is_some()
        && headers.iter().all(|h| {
            h.as_ref().is_some_and(|h| {
                h.rfc == 3164 && h.app == app && h.host.is_some() && (h.pri > 0) == pri
            })
        })
        && headers.iter().all(|h| {
            h.as_ref().is_some_and(|h| {
                h.pid
                    .as_deref()
                    .is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            })
        });
    // The template reads the time with DATETIME: every member's must be one it recognises
    // (a lenient syslog parse also takes `Jun 32 75:86:77`).
    let uniform = uniform
        && members.iter().zip(&headers).all(|(m, h)| {
            let at = h.as_ref().map_or(0, |h| h.pri);
            xp_eval::datetime::parse_prefix(&m[at.min(m.len())..], Some(2000)).is_some()
        });
    if uniform {
        // Some programs log their pid on some lines only (`sudo:` beside `sudo[2202]:`, as
        // the line came from the daemon or through journald): an optional group then.
        let pids = headers
            .iter()
            .filter(|h| h.as_ref().is_some_and(|h| h.pid.is_some()))
            .count();
        let bodies: Vec<&str> = members
            .iter()
            .zip(&headers)
            .map(|(m, h)| &m[h.as_ref().map_or(0, |h| h.body.min(m.len()))..])
            .collect();
        let taken: &[&str] = if pri {
            &["pri", "time", "host", "pid"]
        } else {
            &["time", "host", "pid"]
        };
        let body = synthesize_body(&bodies, style, taken);
        let mut template = String::new();
        let mut captures = Vec::new();
        if pri {
            template.push_str("<{$pri=NUMBER}>");
            captures.push(("pri".to_string(), TokenType::Number));
        }
        template.push_str("{$time=DATETIME} {$host=HOSTNAME} ");
        captures.push(("time".to_string(), TokenType::Datetime));
        captures.push(("host".to_string(), TokenType::Hostname));
        if let Some(app) = app {
            template.push_str(&literal(&app));
            if pids == members.len() {
                template.push_str("[{$pid=NUMBER}]");
            } else if pids > 0 {
                template.push_str("{\"[\"$pid=NUMBER\"]\"|}");
            }
            if pids > 0 {
                captures.push(("pid".to_string(), TokenType::Number));
            }
            template.push_str(": ");
        }
        template.push_str(&body.template);
        captures.extend(body.captures);
        return TextTemplate { template, captures };
    }
    synthesize_body(members, style, &[])
}

/// One part of a syslog header (its APP-NAME, PROCID or MSGID).
type HeaderPart = fn(&ingest::syslog::SyslogHeader) -> Option<String>;

/// An RFC 5424 header shared by all members (`<165>1 2025-03-10T08:40:02.123Z srx1 RT_FLOW -
/// RT_FLOW_SESSION_CREATE [sd…] msg`): priority, time and host captured; the APP-NAME and the
/// MSGID literal when every member has the same (`-` when none has one), else captured; the
/// PROCID `-`, a number or a word. The structured data and the message follow as a body.
fn synthesize_5424(
    members: &[&str],
    headers: &[Option<ingest::syslog::SyslogHeader>],
    style: Style<'_>,
) -> Option<TextTemplate> {
    let hs: Vec<&ingest::syslog::SyslogHeader> = headers
        .iter()
        .map(|h| h.as_ref().filter(|h| h.rfc == 5424 && h.host.is_some()))
        .collect::<Option<_>>()?;
    if hs.is_empty() {
        return None;
    }
    // `<PRI>1 ` then the time, which DATETIME must read.
    let times = members.iter().zip(&hs).all(|(m, h)| {
        m.get(h.pri + 2..)
            .is_some_and(|t| xp_eval::datetime::parse_prefix(t, Some(2000)).is_some())
    });
    if !times {
        return None;
    }
    let mut template = String::from("<{$pri=NUMBER}>1 {$time=DATETIME} {$host=HOSTNAME} ");
    let mut captures = vec![
        ("pri".to_string(), TokenType::Number),
        ("time".to_string(), TokenType::Datetime),
        ("host".to_string(), TokenType::Hostname),
    ];
    let mut taken = vec!["pri", "time", "host"];
    let field = |get: HeaderPart| {
        let first = get(hs[0]);
        if hs.iter().all(|h| get(h) == first) {
            Ok(first.unwrap_or_else(|| "-".to_string()))
        } else {
            Err(hs.iter().all(|h| get(h).is_some()))
        }
    };
    let parts: [(&str, HeaderPart); 3] = [
        ("app", |h| h.app.clone()),
        ("pid", |h| h.pid.clone()),
        ("msgid", |h| h.msgid.clone()),
    ];
    for (name, get) in parts {
        match field(get) {
            Ok(text) if name != "pid" || text == "-" => template.push_str(&literal(&text)),
            Ok(_) | Err(true) => {
                let numeric = hs.iter().all(|h| {
                    get(h).is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                });
                let ty = if numeric {
                    TokenType::Number
                } else {
                    TokenType::Word
                };
                let ty_name = if numeric { "NUMBER" } else { "WORD" };
                template.push_str(&format!("{{${name}={ty_name}}}"));
                captures.push((name.to_string(), ty));
                taken.push(name);
            }
            Err(false) => return None,
        }
        template.push(' ');
    }
    let bodies: Vec<&str> = members
        .iter()
        .zip(&hs)
        .map(|(m, h)| &m[h.sd.min(m.len())..])
        .collect();
    let body = synthesize_body(&bodies, style, &taken);
    template.push_str(&body.template);
    captures.extend(body.captures);
    Some(TextTemplate { template, captures })
}

fn synthesize_body(members: &[&str], style: Style<'_>, taken: &[&str]) -> TextTemplate {
    if let Some(run) = crate::kv::find(members) {
        let mut t = if run.prefixes.iter().all(|p| p.is_empty()) {
            TextTemplate {
                template: String::new(),
                captures: Vec::new(),
            }
        } else {
            let mut t = synthesize_body(&run.prefixes, style, taken);
            t.template.truncate(t.template.trim_end().len());
            t.template.push(' ');
            t
        };
        let reserved: Vec<(String, TokenType)> = taken
            .iter()
            .map(|n| (n.to_string(), TokenType::Word))
            .chain(t.captures.iter().cloned())
            .collect();
        let name = unique_name("kv", &reserved);
        t.template.push_str(&run.token(&name));
        t.captures.push((name, TokenType::Keyvalue));
        // Whitespace after the last pair: a trailing space in the template matches any run.
        if members.iter().any(|m| m.ends_with(is_ws_char)) {
            t.template.push(' ');
        }
        return t;
    }
    if crate::csv::find(members).is_some() {
        let reserved: Vec<(String, TokenType)> = taken
            .iter()
            .map(|n| (n.to_string(), TokenType::Word))
            .collect();
        let name = unique_name("csv", &reserved);
        return TextTemplate {
            template: crate::csv::CsvRun::token(&name),
            captures: vec![(name, TokenType::Csv)],
        };
    }
    let mut toks: Vec<Vec<Tk<'_>>> = members.iter().map(|m| tokens(m, style.seen)).collect();
    open_quoted_runs(&mut toks);
    if toks.iter().all(Vec::is_empty) {
        return TextTemplate {
            template: String::new(),
            captures: Vec::new(),
        };
    }
    let pieces = align(&toks);
    let mut t = render(&pieces, style, taken);
    // Whitespace at the ends of a line: a trailing space in the template matches any run.
    if members.iter().any(|m| m.ends_with(is_ws_char)) {
        t.template.push(' ');
    }
    t
}

fn same(a: &Tk<'_>, b: &Tk<'_>) -> bool {
    a.text == b.text && !a.date && !b.date
}

/// A column is literal when every member has the same token and it is not variable data.
fn literal_column(col: &[&Tk<'_>]) -> bool {
    col.iter().all(|t| same(t, col[0])) && !col[0].var
}

/// Aligns members into literal and variable pieces.
fn align(toks: &[Vec<Tk<'_>>]) -> Vec<Piece> {
    let n0 = toks[0].len();
    if toks.iter().all(|t| t.len() == n0) {
        let mut out = Vec::new();
        for j in 0..n0 {
            let spaced = toks[0][j].spaced;
            let col: Vec<&Tk<'_>> = toks.iter().map(|t| &t[j]).collect();
            if literal_column(&col) {
                out.push(Piece::Lit {
                    text: toks[0][j].text.to_string(),
                    spaced,
                });
            } else {
                out.push(Piece::Var {
                    values: toks.iter().map(|t| t[j].text.to_string()).collect(),
                    spaced,
                    at_end: j + 1 == n0,
                });
            }
        }
        return out;
    }
    // Reference: the most common token count, first member of that count.
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for t in toks {
        match counts.iter_mut().find(|(l, _)| *l == t.len()) {
            Some(c) => c.1 += 1,
            None => counts.push((t.len(), 1)),
        }
    }
    let modal = counts
        .iter()
        .max_by_key(|(l, c)| (*c, *l))
        .map_or(0, |(l, _)| *l);
    let r = toks.iter().position(|t| t.len() == modal).unwrap_or(0);
    let reference = &toks[r];
    // Anchors: reference positions every member matches.
    let maps: Vec<Vec<Option<usize>>> = toks
        .iter()
        .map(|t| {
            let mut m = vec![None; reference.len()];
            for (i, j) in log_cluster::template::lcs_by(reference, t, same) {
                m[i] = Some(j);
            }
            m
        })
        .collect();
    let anchors: Vec<usize> = (0..reference.len())
        .filter(|&i| maps.iter().all(|m| m[i].is_some()) && !reference[i].var)
        .collect();
    let mut out = Vec::new();
    let mut prev: Vec<usize> = vec![0; toks.len()];
    let push_region = |out: &mut Vec<Piece>, upto: &[usize], prev: &[usize], at_end: bool| {
        let values: Vec<String> = toks
            .iter()
            .enumerate()
            .map(|(k, t)| join(&t[prev[k]..upto[k]]))
            .collect();
        if values.iter().any(|v| !v.is_empty()) {
            let spaced = toks
                .iter()
                .enumerate()
                .all(|(k, t)| t.get(prev[k]).is_none_or(|x| x.spaced));
            out.push(Piece::Var {
                values,
                spaced,
                at_end,
            });
        }
    };
    for &a in &anchors {
        let upto: Vec<usize> = maps.iter().map(|m| m[a].unwrap_or(0)).collect();
        push_region(&mut out, &upto, &prev, false);
        out.push(Piece::Lit {
            text: reference[a].text.to_string(),
            spaced: reference[a].spaced,
        });
        prev = upto.iter().map(|u| u + 1).collect();
    }
    let ends: Vec<usize> = toks.iter().map(Vec::len).collect();
    push_region(&mut out, &ends, &prev, true);
    out
}

fn join(t: &[Tk<'_>]) -> String {
    let mut s = String::new();
    for (i, k) in t.iter().enumerate() {
        if i > 0 && k.spaced {
            s.push(' ');
        }
        s.push_str(k.text);
    }
    s
}

/// Renders pieces; names captures after the literal before them.
fn render(pieces: &[Piece], style: Style<'_>, taken: &[&str]) -> TextTemplate {
    let loose = style.loose;
    let mut tpl = String::new();
    let mut captures: Vec<(String, TokenType)> = Vec::new();
    let reserved: Vec<(String, TokenType)> = taken
        .iter()
        .map(|t| (t.to_string(), TokenType::Word))
        .collect();
    let mut last_word = String::new();
    // Whether that literal ends like a key (`srcip=`, `Peer:`).
    let mut keyed = false;
    for (idx, p) in pieces.iter().enumerate() {
        match p {
            Piece::Lit { text, spaced } => {
                if *spaced && !tpl.is_empty() {
                    tpl.push(' ');
                }
                tpl.push_str(&literal(text));
                last_word = name_from(text);
                keyed = text.ends_with(['=', ':']);
            }
            Piece::Var {
                values,
                spaced,
                at_end,
            } => {
                if *spaced && !tpl.is_empty() {
                    tpl.push(' ');
                }
                let next_lit_spaced = matches!(
                    pieces.get(idx + 1),
                    Some(Piece::Lit { spaced: true, .. }) | None
                );
                // Words only some members have (`for invalid user oracle` beside `for root`)
                // become an optional group around what all of them have; failing that, a closed
                // set of phrases of different lengths (`closed`, `reset by peer`) becomes
                // alternatives. An optional group keeps the core a capture, so a value not seen
                // yet still matches: it is preferred to listing phrases.
                // Structured-data elements: their pairs as one KEYVALUE record.
                if values.iter().all(|v| crate::sd::is_element(v)) {
                    let all: Vec<(String, TokenType)> =
                        reserved.iter().chain(captures.iter()).cloned().collect();
                    let ids: Vec<&str> = values.iter().map(|v| crate::sd::id(v)).collect();
                    tpl.push('[');
                    if ids.iter().all(|x| *x == ids[0]) {
                        tpl.push_str(&literal(ids[0]));
                        tpl.push(' ');
                    } else {
                        let name = unique_name("sd_id", &all);
                        tpl.push_str(&format!("{{${name}=UNTIL(\" \")}}"));
                        captures.push((name, TokenType::Until));
                    }
                    let all: Vec<(String, TokenType)> =
                        reserved.iter().chain(captures.iter()).cloned().collect();
                    let name = unique_name("sd", &all);
                    tpl.push_str(&format!("{{${name}=KEYVALUE}}]"));
                    captures.push((name, TokenType::Keyvalue));
                    last_word = String::new();
                    keyed = false;
                    continue;
                }
                let optional = if loose { None } else { optional_words(values) };
                if optional.is_none() || style.list_first {
                    if let Some(alts) = (!loose).then(|| alternatives(values)).flatten() {
                        tpl.push_str(&alts);
                        last_word = String::new();
                        keyed = false;
                        continue;
                    }
                }
                let (values, suffix) = match &optional {
                    Some(o) => {
                        if !o.prefix.is_empty() {
                            // Nothing follows inside the region: no space of its own either.
                            let text = if o.rest.iter().all(String::is_empty) {
                                o.prefix.clone()
                            } else {
                                format!("{} ", o.prefix)
                            };
                            tpl.push_str(&optional_group(&text));
                            last_word = name_from(&o.prefix);
                            keyed = false;
                        }
                        let suffix = (!o.suffix.is_empty())
                            .then(|| optional_group(&format!(" {}", o.suffix)));
                        (&o.rest, suffix)
                    }
                    None => (values, None),
                };
                if values.iter().all(String::is_empty) {
                    tpl.push_str(suffix.as_deref().unwrap_or(""));
                    continue;
                }
                // A value that has a specific type as a whole keeps it whole (10.0.0.1 stays an
                // IPV4 rather than `10.0.0.{NUMBER}`); otherwise shared prefixes and suffixes
                // stay literal.
                let at_end = &(*at_end && suffix.is_none());
                let whole: Vec<&str> = values.iter().map(String::as_str).collect();
                let whole_ty = type_of(&whole, *at_end);
                let specific = !loose
                    && !matches!(
                        whole_ty.0,
                        TokenType::Word | TokenType::String | TokenType::Rest | TokenType::Hostname
                    );
                let parts = if specific {
                    vec![Part::Core(values.clone())]
                } else {
                    split_parts(values)
                };
                let n_parts = parts.len();
                // What follows each part directly: the next part's literal, or at the region's
                // end the next piece when no whitespace separates them. A HOSTNAME takes its
                // whole run of host-name characters, so it cannot be followed by one.
                let region_next = match (pieces.get(idx + 1), suffix.is_some()) {
                    (
                        Some(Piece::Lit {
                            text,
                            spaced: false,
                        }),
                        false,
                    ) => text.chars().next(),
                    _ => None,
                };
                let follows: Vec<Option<char>> = (0..n_parts)
                    .map(|k| match parts.get(k + 1) {
                        Some(Part::Lit(l)) => l.chars().next(),
                        Some(Part::Core(_)) => None,
                        None => region_next,
                    })
                    .collect();
                for (k, part) in parts.into_iter().enumerate() {
                    match part {
                        Part::Lit(l) => {
                            tpl.push_str(&literal(&l));
                            // An opening quote (`for user "alice"`) leaves the word before
                            // it naming the value; a closing one names nothing.
                            if k > 0 || !l.chars().all(|c| matches!(c, '"' | '\'')) {
                                last_word = name_from(&l);
                                keyed = l.ends_with(['=', ':']);
                            }
                        }
                        Part::Core(core) => {
                            let cores: Vec<&str> = core.iter().map(String::as_str).collect();
                            let end = *at_end && k + 1 == n_parts;
                            let mut ty = if loose {
                                loose_type(&cores, end)
                            } else {
                                type_of(&cores, end)
                            };
                            if ty.0 == TokenType::Hostname
                                && follows[k].is_some_and(|c| {
                                    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
                                })
                            {
                                ty = (TokenType::Word, None, "");
                            }
                            let all: Vec<(String, TokenType)> =
                                reserved.iter().chain(captures.iter()).cloned().collect();
                            // A number right after an address and a colon is its port
                            // (`10.0.1.2:33317`, `[::1]:64583`: RFC 3986's authority form).
                            let port_of_address = ty.0 == TokenType::Number
                                && captures.last().is_some_and(|(_, t)| {
                                    matches!(t, TokenType::Ipv4 | TokenType::Ipv6)
                                })
                                && (tpl.ends_with("}:") || tpl.ends_with("}]:"));
                            let base = if port_of_address {
                                "port".to_string()
                            } else {
                                address_name(&last_word, keyed, ty.0)
                            };
                            let name = unique_name(&base, &all);
                            tpl.push_str(&token(&name, ty));
                            captures.push((name, ty.0));
                        }
                    }
                }
                if let Some(g) = suffix {
                    tpl.push_str(&g);
                }
                let _ = next_lit_spaced;
            }
        }
    }
    TextTemplate {
        template: tpl,
        captures,
    }
}

/// A variable region seen as optional literal words around a core every member has.
struct Optional {
    /// Words before the core that some members have (may be empty).
    prefix: String,
    /// Words after the core that some members have (may be empty).
    suffix: String,
    /// Each member's core.
    rest: Vec<String>,
}

/// Finds words that some members have and the others lack, at the start or the end of a
/// region, the same words wherever they appear: the members with them have exactly those words
/// more than the shortest members, and each of the two shapes has at least two members. The
/// words must read as text, not data (no numbers, addresses, quotes or braces), so the group
/// stays a constant.
fn optional_words(values: &[String]) -> Option<Optional> {
    let words: Vec<Vec<&str>> = values.iter().map(|v| v.split(' ').collect()).collect();
    let words: Vec<Vec<&str>> = words
        .into_iter()
        .map(|w| w.into_iter().filter(|x| !x.is_empty()).collect())
        .collect();
    let m = words.iter().map(Vec::len).min()?;
    let long: Vec<&Vec<&str>> = words.iter().filter(|w| w.len() > m).collect();
    let k = long.first()?.len() - m;
    // Each shape seen at least twice: one odd member is no evidence of an optional part.
    if long.len() < 2 || words.len() - long.len() < 2 || long.iter().any(|w| w.len() != m + k) {
        return None;
    }
    let plain = |w: &str| {
        !w.is_empty()
            && log_cluster::mask::mask_token(w) == w
            && w.chars().any(char::is_alphabetic)
            && !w.contains(['"', '\'', '\\', '{', '}', '|'])
    };
    let shared = |pick: &dyn Fn(&Vec<&str>) -> Vec<String>| {
        let first = pick(long[0]);
        (long.iter().all(|w| pick(w) == first) && first.iter().all(|w| plain(w)))
            .then(|| first.join(" "))
    };
    let (prefix, suffix) = if let Some(p) =
        shared(&|w| w[..k].iter().map(|x| x.to_string()).collect())
    {
        (p, String::new())
    } else if let Some(sfx) = shared(&|w| w[w.len() - k..].iter().map(|x| x.to_string()).collect())
    {
        (String::new(), sfx)
    } else {
        return None;
    };
    let rest = words
        .iter()
        .map(|w| {
            if w.len() == m {
                w.join(" ")
            } else if prefix.is_empty() {
                w[..m].join(" ")
            } else {
                w[k..].join(" ")
            }
        })
        .collect();
    Some(Optional {
        prefix,
        suffix,
        rest,
    })
}

/// Most literal alternatives a group may list: more is enumerating, not generalizing.
const MAX_ALTERNATIVES: usize = 3;

/// `{"closed"|"reset by peer"}`: a region whose members say one of two or three phrases of
/// different lengths (a different shape, where a single capture would have to be STRING*),
/// each phrase seen at least twice (a closed set, not data that happens to repeat little).
/// Phrases of one length stay a typed capture: then the value is data worth keeping.
fn alternatives(values: &[String]) -> Option<String> {
    let mut distinct: Vec<(&str, usize)> = Vec::new();
    for v in values {
        match distinct.iter_mut().find(|(d, _)| *d == v.as_str()) {
            Some((_, n)) => *n += 1,
            None => distinct.push((v, 1)),
        }
    }
    if distinct.iter().any(|(_, n)| *n < 2) {
        return None;
    }
    let mut distinct: Vec<&str> = distinct.into_iter().map(|(d, _)| d).collect();
    let counts: BTreeSet<usize> = distinct.iter().map(|d| d.split(' ').count()).collect();
    let plain = |d: &str| {
        !d.is_empty()
            && d.split(' ').all(|w| {
                !w.is_empty()
                    && log_cluster::mask::mask_token(w) == w
                    && w.chars().any(char::is_alphabetic)
                    && !w.contains(['"', '\'', '\\', '{', '}', '|'])
            })
    };
    if distinct.len() < 2
        || distinct.len() > MAX_ALTERNATIVES
        || counts.len() < 2
        || !distinct.iter().all(|d| plain(d))
    {
        return None;
    }
    // Longer phrases first, so that one phrase that begins another is not taken too soon.
    distinct.sort_by_key(|d| std::cmp::Reverse(d.len()));
    let alts: Vec<String> = distinct.iter().map(|d| format!("\"{d}\"")).collect();
    Some(format!("{{{}}}", alts.join("|")))
}

/// `{"text"?}`: the text, or nothing (the text holds no quote, backslash or brace).
fn optional_group(text: &str) -> String {
    format!("{{\"{text}\"?}}")
}

/// `(type, args, repetition suffix)` of a region.
type Typed = (TokenType, Option<&'static str>, &'static str);

fn token(name: &str, (ty, args, rep): Typed) -> String {
    if args == Some("ip") {
        return format!("{{${name}=IPV4|${name}=IPV6}}");
    }
    format!("{{${name}={}{rep}}}", ty.name())
}

/// The most specific type every value has.
fn type_of(values: &[&str], at_end: bool) -> Typed {
    let all = |f: &dyn Fn(&str) -> bool| values.iter().all(|v| f(v));
    if values.iter().any(|v| v.is_empty()) {
        return if at_end {
            (TokenType::Rest, None, "")
        } else {
            (TokenType::String, None, "*")
        };
    }
    if all(&|v| xp_eval::datetime::parse_full(v, Some(2000)).is_some() && v.len() >= 8) {
        return (TokenType::Datetime, None, "");
    }
    if all(&is_number) {
        return (TokenType::Number, None, "");
    }
    if all(&|v| v.parse::<std::net::Ipv4Addr>().is_ok()) {
        return (TokenType::Ipv4, None, "");
    }
    if all(&|v| v.parse::<std::net::Ipv6Addr>().is_ok()) {
        return (TokenType::Ipv6, None, "");
    }
    if all(&|v| v.parse::<std::net::IpAddr>().is_ok()) {
        return (TokenType::Ipv4, Some("ip"), "");
    }
    if all(&|v| xp_eval::text::tokens::parse_mac(v).is_some()) {
        return (TokenType::Macaddr, None, "");
    }
    loose_type(values, at_end)
}

fn loose_type(values: &[&str], at_end: bool) -> Typed {
    // Quoted strings (`"Mozilla/5.0 (X11; Linux x86_64)"`): STRING reads one, quotes dropped.
    let quoted = |v: &&str| {
        v.len() >= 2
            && v.starts_with('"')
            && v.ends_with('"')
            && !v[1..v.len() - 1].contains(['"', '\\'])
    };
    if values.iter().all(quoted) {
        return (TokenType::String, None, "");
    }
    let single = values
        .iter()
        .all(|v| !v.is_empty() && !v.contains(is_ws_char));
    if single {
        let host = values.iter().all(|v| {
            v.contains('.') && xp_eval::text::tokens::hostname_end(v.as_bytes(), 0) == Some(v.len())
        });
        return if host {
            (TokenType::Hostname, None, "")
        } else {
            (TokenType::Word, None, "")
        };
    }
    if at_end {
        (TokenType::Rest, None, "")
    } else {
        (TokenType::String, None, "*")
    }
}

fn is_number(v: &str) -> bool {
    let s = v.strip_prefix(['-', '+']).unwrap_or(v);
    let mut dot = false;
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.ends_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| {
            if c == '.' && !dot {
                dot = true;
                true
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Pieces of a variable region: literal parts every value shares and the varying cores.
enum Part {
    Lit(String),
    Core(Vec<String>),
}

/// Splits single-token values into literal parts and cores: by the literal segments of their
/// common masked form (`sshd[<*>]:` → `sshd[`, core, `]:`), else by the common prefix and
/// suffix at delimiters.
fn split_parts(values: &[String]) -> Vec<Part> {
    if let Some(parts) = split_typed(values) {
        return parts;
    }
    if values
        .iter()
        .all(|v| !v.is_empty() && !v.contains(is_ws_char))
    {
        let masked = log_cluster::mask::mask_token(&values[0]);
        if masked.contains(log_cluster::mask::WILDCARD)
            && values
                .iter()
                .all(|v| log_cluster::mask::mask_token(v) == masked)
        {
            let segs: Vec<&str> = masked.split(log_cluster::mask::WILDCARD).collect();
            let mut cores: Vec<Vec<String>> = vec![Vec::new(); segs.len() - 1];
            let ok = values.iter().all(|v| match cut(v, &segs) {
                Some(cs) => {
                    for (k, c) in cs.into_iter().enumerate() {
                        cores[k].push(c);
                    }
                    true
                }
                None => false,
            });
            if ok {
                let mut out = Vec::new();
                for (k, seg) in segs.iter().enumerate() {
                    if !seg.is_empty() {
                        out.push(Part::Lit(seg.to_string()));
                    }
                    if k < cores.len() {
                        let core = std::mem::take(&mut cores[k]);
                        // An address with its port after a key (`IP=198.51.100.7:51234`,
                        // OpenLDAP's ACCEPT) is cut into the two, as a bare one is.
                        let sockets = core
                            .iter()
                            .all(|c| c.parse::<std::net::SocketAddr>().is_ok());
                        match sockets.then(|| split_typed(&core)).flatten() {
                            Some(parts) => out.extend(parts),
                            None => out.push(Part::Core(core)),
                        }
                    }
                }
                return out;
            }
        }
    }
    if let Some(parts) = split_brackets(values) {
        return parts;
    }
    let (pre, cores, suf) = split_common(values);
    let mut out = Vec::new();
    if !pre.is_empty() {
        out.push(Part::Lit(pre));
    }
    out.push(Part::Core(cores));
    if !suf.is_empty() {
        out.push(Part::Lit(suf));
    }
    out
}

/// Punctuation that may open a token around a value (`[06/Feb/2009:12:14:14.655]`, `(pid`).
const OPENING: &[char] = &['(', '[', '{', '<', '"', '\''];
/// Punctuation that may close one or end a clause after a value (`…655]`, `10.0.0.1,`).
const CLOSING: &[char] = &[')', ']', '}', '>', '"', '\'', ',', ';', ':', '.'];

/// Single-token values whose core, inside shared wrapping punctuation, has a type of its own:
/// an address with its port (RFC 3986's authority form, `10.0.1.2:33317`, `[::1]:64583`) is
/// cut into the address and the port; a date and time or an address in brackets
/// (`[06/Feb/2009:12:14:14.655]`) keeps its brackets literal. `None` otherwise.
fn split_typed(values: &[String]) -> Option<Vec<Part>> {
    if values.is_empty()
        || values
            .iter()
            .any(|v| v.is_empty() || v.contains(is_ws_char))
    {
        return None;
    }
    let first = &values[0];
    let pre_len = first
        .chars()
        .take_while(|c| OPENING.contains(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let post_len = first
        .chars()
        .rev()
        .take_while(|c| CLOSING.contains(c))
        .map(char::len_utf8)
        .sum::<usize>();
    if pre_len + post_len >= first.len() {
        return None;
    }
    let post = &first[first.len() - post_len..];
    let cores_in = |pre: &str| -> Option<Vec<&str>> {
        values
            .iter()
            .map(|v| {
                let c = v.strip_prefix(pre)?.strip_suffix(post)?;
                (!c.is_empty()).then_some(c)
            })
            .collect()
    };
    // An IPv6 address with its port keeps its own bracket: `[::1]:64583`.
    let socket_pre = first[..pre_len]
        .strip_suffix('[')
        .unwrap_or(&first[..pre_len]);
    let sockets: Option<(&str, Vec<&str>)> = cores_in(socket_pre).and_then(|cores| {
        cores
            .iter()
            .all(|c| c.parse::<std::net::SocketAddr>().is_ok())
            .then_some((socket_pre, cores))
    });
    let (pre, cores) = match sockets {
        Some(s) => s,
        None => {
            let pre = &first[..pre_len];
            let cores = cores_in(pre)?;
            if cores
                .iter()
                .any(|c| c.starts_with(OPENING) || c.ends_with(CLOSING))
            {
                return None;
            }
            (pre, cores)
        }
    };
    let mut out = Vec::new();
    if !pre.is_empty() {
        out.push(Part::Lit(pre.to_string()));
    }
    let sockets: Option<Vec<std::net::SocketAddr>> = cores.iter().map(|c| c.parse().ok()).collect();
    if let Some(sockets) = sockets {
        let v6 = sockets.iter().all(std::net::SocketAddr::is_ipv6);
        if !v6 && !sockets.iter().all(std::net::SocketAddr::is_ipv4) {
            return None;
        }
        // The address as written, not as parsed (`::ffff:10.0.0.1` keeps its form).
        let split: Vec<(&str, &str)> = cores
            .iter()
            .map(|c| {
                let at = c.rfind(':').unwrap_or(c.len());
                (
                    c[..at].trim_start_matches('[').trim_end_matches(']'),
                    &c[at + 1..],
                )
            })
            .collect();
        if v6 {
            let before = out_lit(&mut out);
            out.push(Part::Lit(format!("{before}[")));
        }
        out.push(Part::Core(
            split.iter().map(|(a, _)| a.to_string()).collect(),
        ));
        out.push(Part::Lit(if v6 { "]:" } else { ":" }.to_string()));
        out.push(Part::Core(
            split.iter().map(|(_, p)| p.to_string()).collect(),
        ));
    } else if pre.is_empty() && post.is_empty() {
        return None;
    } else {
        let typed = cores
            .iter()
            .all(|c| xp_eval::datetime::parse_full(c, Some(2000)).is_some() && c.len() >= 8)
            || cores.iter().all(|c| c.parse::<std::net::IpAddr>().is_ok());
        if !typed {
            return None;
        }
        out.push(Part::Core(cores.iter().map(|c| c.to_string()).collect()));
    }
    if !post.is_empty() {
        out.push(Part::Lit(post.to_string()));
    }
    Some(out)
}

/// Takes a literal just pushed back off `out`, to be joined with what follows.
fn out_lit(out: &mut Vec<Part>) -> String {
    match out.last() {
        Some(Part::Lit(_)) => match out.pop() {
            Some(Part::Lit(l)) => l,
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// Brackets that wrap a second value inside one token (postfix's `client[203.0.113.5]`).
const BRACKETS: &[char] = &['[', ']', '(', ')', '<', '>'];

/// Single-token values that share their brackets (`unknown[203.0.113.45]`,
/// `mx.example.com[198.51.100.25]`): cut at them, so each value inside is typed apart
/// (`{$v=HOSTNAME}[{$ip=IPV4}]`) rather than the whole token being one WORD.
fn split_brackets(values: &[String]) -> Option<Vec<Part>> {
    let skeleton = |v: &str| -> String { v.chars().filter(|c| BRACKETS.contains(c)).collect() };
    let first = skeleton(values.first()?);
    if first.is_empty()
        || values
            .iter()
            .any(|v| v.is_empty() || v.contains(is_ws_char) || skeleton(v) != first)
    {
        return None;
    }
    let pieces: Vec<Vec<&str>> = values.iter().map(|v| v.split(BRACKETS).collect()).collect();
    let mut out = Vec::new();
    for (k, b) in first
        .chars()
        .map(Some)
        .chain(std::iter::once(None))
        .enumerate()
    {
        let col: Vec<&str> = pieces.iter().map(|p| p[k]).collect();
        if col.iter().all(|c| *c == col[0]) {
            if !col[0].is_empty() {
                out.push(Part::Lit(col[0].to_string()));
            }
        } else if col.iter().any(|c| c.is_empty()) {
            return None;
        } else {
            out.push(Part::Core(col.iter().map(|c| (*c).to_string()).collect()));
        }
        if let Some(b) = b {
            out.push(Part::Lit(b.to_string()));
        }
    }
    // Adjacent literals read as one.
    let mut merged: Vec<Part> = Vec::new();
    for p in out {
        match (merged.last_mut(), p) {
            (Some(Part::Lit(a)), Part::Lit(b)) => a.push_str(&b),
            (_, p) => merged.push(p),
        }
    }
    merged
        .iter()
        .any(|p| matches!(p, Part::Core(_)))
        .then_some(merged)
}

/// Cuts `v` at the literal segments: the cores between them, or `None`.
fn cut(v: &str, segs: &[&str]) -> Option<Vec<String>> {
    let mut rest = v.strip_prefix(segs[0])?;
    let mut cores = Vec::new();
    for (k, seg) in segs.iter().enumerate().skip(1) {
        let last = k + 1 == segs.len();
        let at = if last {
            if !rest.ends_with(seg) {
                return None;
            }
            rest.len() - seg.len()
        } else if seg.is_empty() {
            return None;
        } else {
            rest.find(seg)?
        };
        if at == 0 {
            return None;
        }
        cores.push(rest[..at].to_string());
        rest = &rest[at + seg.len()..];
    }
    Some(cores)
}

/// Common literal prefix and suffix of single-token values, cut at delimiters, and the cores.
fn split_common(values: &[String]) -> (String, Vec<String>, String) {
    if values
        .iter()
        .any(|v| v.is_empty() || v.contains(is_ws_char))
        || values.len() < 2
    {
        return (String::new(), values.to_vec(), String::new());
    }
    let delim = |c: char| !c.is_alphanumeric() && c != '_';
    let first = &values[0];
    // Longest common prefix ending with a delimiter.
    let mut pre = 0;
    for (i, c) in first.char_indices() {
        let end = i + c.len_utf8();
        if values
            .iter()
            .all(|v| v.len() >= end && v.is_char_boundary(end) && v[..end] == first[..end])
        {
            if delim(c) {
                pre = end;
            }
        } else {
            break;
        }
    }
    // Longest common suffix starting with a delimiter, not overlapping the prefix.
    let mut suf = 0;
    for (k, c) in first.char_indices().rev() {
        let len = first.len() - k;
        if first.len() - len < pre {
            break;
        }
        if values.iter().all(|v| {
            v.len() >= len + pre
                && v.is_char_boundary(v.len() - len)
                && v[v.len() - len..] == first[k..]
        }) {
            if delim(c) {
                suf = len;
            }
        } else {
            break;
        }
    }
    let cores: Vec<String> = values
        .iter()
        .map(|v| v[pre..v.len() - suf].to_string())
        .collect();
    if cores.iter().any(String::is_empty) {
        return (String::new(), values.to_vec(), String::new());
    }
    (
        first[..pre].to_string(),
        cores,
        first[first.len() - suf..].to_string(),
    )
}

/// Words that, right before an address, say whose address it is.
#[rustfmt::skip]
const ADDRESS_WORDS: &[&str] = &[
    "from", "to", "by", "src", "dst", "source", "destination", "host", "rhost", "lhost", "peer",
    "client", "server", "remote", "local", "addr", "address", "ip", "via", "gateway", "nexthop",
    "on", "at", "with",
];

/// The name of an address capture: the word before it when that word is a key (`srcip=`) or
/// says whose address it is (`from`, `peer`, `…ip`, `…host`), else `ip` — the word before may
/// be a value (`authenticating user root 203.0.113.7`).
fn address_name(last_word: &str, keyed: bool, ty: TokenType) -> String {
    let says = keyed
        || ADDRESS_WORDS.contains(&last_word)
        || ["ip", "addr", "address", "host"]
            .iter()
            .any(|e| last_word.ends_with(e));
    if matches!(ty, TokenType::Ipv4 | TokenType::Ipv6) && !says {
        "ip".to_string()
    } else {
        last_word.to_string()
    }
}

/// A variable name from the literal before a capture: its last word, lower-case; a key written
/// before `=` (`source-address="`) names it whole, its `-` and `.` written `_`
/// (`source_address`): its last word alone (`address`) would lose whose value it is.
fn name_from(text: &str) -> String {
    if let Some(key) = text.trim_end_matches(['"', '\'']).strip_suffix('=') {
        let key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        let key = &key[key.rfind(|c: char| !key_char(c)).map_or(0, |i| i + 1)..];
        let key = key.trim_matches(['-', '.', '_']);
        if key.contains(['-', '.'])
            && key.len() <= MAX_NAME
            && key.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            return key.to_ascii_lowercase().replace(['-', '.'], "_");
        }
    }
    name_from_word(text)
}

/// Longest variable name taken from the text before a capture.
const MAX_NAME: usize = 32;

/// [`name_from`]'s last word, lower-case.
fn name_from_word(text: &str) -> String {
    let word: String = text
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) || word.len() > 24 {
        String::new()
    } else {
        word
    }
}

fn unique_name(base: &str, taken: &[(String, TokenType)]) -> String {
    if base.is_empty() {
        let mut n = taken.len() + 1;
        while taken.iter().any(|(t, _)| *t == format!("v{n}")) {
            n += 1;
        }
        return format!("v{n}");
    }
    let mut name = base.to_string();
    let mut n = 2;
    while taken.iter().any(|(t, _)| *t == name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_with_its_port_is_cut_in_two_and_a_bracketed_time_keeps_its_brackets() {
        // HAProxy's documented TCP log format: `%ci:%cp [%t] %ft %b/%s …`.
        let m = [
            "10.0.1.2:33317 [06/Feb/2009:12:14:14.655] fnt bck/srv1",
            "10.0.1.4:33314 [06/Feb/2009:12:12:52.443] fnt bck/srv2",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "{$ip=IPV4}:{$port=NUMBER} [{$v3=DATETIME}] fnt bck/{$bck=WORD}"
        );
        let m = ["from [::1]:64583, ok", "from [2001:db8::1]:6458, ok"];
        assert_eq!(
            synthesize(&m, false).template,
            "from [{$ip=IPV6}]:{$port=NUMBER}, ok"
        );
        // Wrapped words of no type of their own are cut as before.
        let m = ["id (a1) up", "id (b22) up"];
        assert_eq!(synthesize(&m, false).template, "id ({$v1=WORD}) up");
    }

    #[test]
    fn syslog_headers_with_a_priority_or_without_a_tag_are_headers() {
        // RFC 3164 with its PRI part, a record after the host and no TAG (PAN-OS over syslog).
        let m = [
            "<14>Mar 10 08:50:01 PA-VM 1,2025/03/10 08:50:01,0128,TRAFFIC,end,10.1.1.5,93.184.216.34,ssl",
            "<14>Mar 10 08:50:04 PA-VM 1,2025/03/10 08:50:04,0128,TRAFFIC,end,10.1.1.6,198.51.100.53,dns",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "<{$pri=NUMBER}>{$time=DATETIME} {$host=HOSTNAME} {$csv=CSV(\",\", \"\\\"\")}"
        );
        // RFC 5424: the PROCID of numbers captured, APP-NAME and MSGID literal.
        let m = [
            "<134>1 2025-03-10T07:40:01Z gw-1 fwd 2114 - - accepted",
            "<134>1 2025-03-10T07:40:07Z gw-2 fwd 2115 - - accepted",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "<{$pri=NUMBER}>1 {$time=DATETIME} {$host=HOSTNAME} fwd {$pid=NUMBER} - - accepted"
        );
    }

    #[test]
    fn structured_data_is_one_keyvalue_record() {
        // RFC 5424 §6.3 elements: pairs in any order or number, read by name.
        let m = [
            r#"<14>1 2025-03-10T08:40:02Z fw1 flow - CREATE [origin@32473 src="10.0.0.5" user="alice"] created"#,
            r#"<14>1 2025-03-10T08:40:05Z fw1 flow - CREATE [origin@32473 user="bob" src="10.0.0.6" app="web"] created"#,
        ];
        let t = synthesize(&m, false);
        assert_eq!(
            t.template,
            "<{$pri=NUMBER}>1 {$time=DATETIME} {$host=HOSTNAME} flow - CREATE [origin@32473 {$sd=KEYVALUE}] created"
        );
        // Elements of different ids: the id is captured too.
        let m = [r#"x [a@1 k="1"] y"#, r#"x [b@2 k="2"] y"#];
        let t = synthesize(&m, false);
        assert_eq!(t.template, r#"x [{$sd_id=UNTIL(" ")}{$sd=KEYVALUE}] y"#);
        for line in m {
            let rule = xp_eval::Rule::compile(
                &format!(
                    "TEXT = {}\nid = \"t\"\ndatafield1 = $sd[\"k\"]\n",
                    xp_syntax::quote_str(&t.template, '\'')
                ),
                Default::default(),
            )
            .unwrap();
            assert!(matches!(
                rule.normalize(line, &xp_eval::RunOptions::default()),
                Ok(xp_eval::Outcome::Normalized(_))
            ));
        }
    }

    #[test]
    fn a_key_names_its_value_whole() {
        assert_eq!(name_from(r#"x source-address=""#), "source_address");
        assert_eq!(name_from("dst.port="), "dst_port");
        assert_eq!(name_from("srcip="), "srcip");
        assert_eq!(name_from("for user "), "user");
    }

    #[test]
    fn web_access_lines_read_their_bracketed_time_and_quoted_strings() {
        let m = [
            r#"10.0.0.11 - - [06/Dec/2026:06:00:09 +0000] "GET /login HTTP/1.1" 200 512 "-" "curl/8.0""#,
            r#"10.0.0.7 - - [06/Dec/2026:06:01:13 +0000] "POST /api/v1/items?id=3 HTTP/1.1" 404 90 "-" "Mozilla/5.0 (X11; Linux x86_64)""#,
        ];
        let t = synthesize(&m, false);
        assert_eq!(
            t.template,
            r#"{$ip=IPV4} - - [{$v2=DATETIME}] "{$v3=WORD} {$v4=WORD} HTTP/{$http=NUMBER}" {$v6=NUMBER} {$v7=NUMBER} "-" {$v8=STRING}"#
        );
        // A request line of as many words in every member is read word by word; user agents
        // of different word counts are one STRING.
        // The clusterer sees as many tokens in each, whatever the agent's words.
        let shape = |l: &str| log_cluster::mask::mask_message(l);
        assert_eq!(shape(m[0]).len(), shape(m[1]).len());
        assert_eq!(shape(m[1])[4], "\"<*>\"");
    }

    #[test]
    fn a_quoted_value_is_named_by_the_word_before_its_quote() {
        let m = [
            r#"FATAL:  password authentication failed for user "app""#,
            r#"FATAL:  password authentication failed for user "report""#,
        ];
        let t = synthesize(&m, false);
        assert!(
            t.template.ends_with(r#"for user "{$user=WORD}""#),
            "{}",
            t.template
        );
    }

    #[test]
    fn sshd_members() {
        let m = [
            "Dec 10 06:55:46 gw01 sshd[24200]: Failed password for root from 203.0.113.7 port 38926 ssh2",
            "Dec 10 07:02:47 gw01 sshd[24203]: Failed password for admin from 2001:db8::7 port 4022 ssh2",
            "Jan  1 00:00:01 gw01 sshd[1]: Failed password for invalid user oracle from 10.0.0.1 port 22 ssh2",
            "Jan  1 00:00:02 gw01 sshd[2]: Failed password for invalid user test from 10.0.0.2 port 23 ssh2",
        ];
        let t = synthesize(&m, false);
        assert_eq!(t.template, "{$time=DATETIME} {$host=HOSTNAME} sshd[{$pid=NUMBER}]: Failed password for {\"invalid user \"?}{$user=WORD} from {$from=IPV4|$from=IPV6} port {$port=NUMBER} ssh2");
    }

    #[test]
    fn optional_words_at_either_end() {
        let m = [
            "Connection closed by 10.0.0.1 port 22 [preauth]",
            "Connection closed by 10.0.0.2 port 2222",
            "Connection closed by 10.0.0.3 port 2223 [preauth]",
            "Connection closed by 10.0.0.4 port 2224",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "Connection closed by {$by=IPV4} port {$port=NUMBER}{\" [preauth]\"?}"
        );
        // Data is never made a constant group: the extra word here is a number.
        let m = [
            "job done in 5 s",
            "job done in 7 s 30",
            "job done in 6 s",
            "job done in 2 s 10",
        ];
        assert!(!synthesize(&m, false).template.contains('?'));
        // One odd member is no evidence of an optional part.
        let m = ["Initializing CPU#0", "Initializing Cryptographic API"];
        assert!(!synthesize(&m, false).template.contains('?'));
    }

    #[test]
    fn phrases_of_different_lengths_become_alternatives() {
        let m = [
            "session 12 ended: closed",
            "session 13 ended: reset by peer",
            "session 14 ended: closed",
            "session 15 ended: peer gone away",
            "session 16 ended: reset by peer",
            "session 17 ended: peer gone away",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "session {$session=NUMBER} ended: {\"peer gone away\"|\"reset by peer\"|\"closed\"}"
        );
        // User names around optional words are data, not phrases to enumerate.
        let m = [
            "Failed password for root from 10.0.0.1",
            "Failed password for invalid user admin from 10.0.0.2",
            "Failed password for root from 10.0.0.3",
            "Failed password for invalid user oracle from 10.0.0.4",
            "Failed password for invalid user admin from 10.0.0.5",
            "Failed password for invalid user oracle from 10.0.0.6",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "Failed password for {\"invalid user \"?}{$user=WORD} from {$from=IPV4}"
        );
        // Four phrases are an enumeration, phrases seen once may be data: no alternatives.
        let m = ["x: a", "x: b c", "x: d e f", "x: g h i j"];
        assert!(!synthesize(&m, false).template.contains('|'));
        let m = ["x: a", "x: b c", "x: a"];
        assert!(!synthesize(&m, false).template.contains('|'));
    }

    #[test]
    fn addresses_are_named_by_a_key_or_a_telling_word_only() {
        let m = [
            "closed by user root 10.0.0.1 port 22 srcip=10.0.0.3 peer 10.0.0.5",
            "closed by user root 10.0.0.2 port 23 srcip=10.0.0.4 peer 10.0.0.6",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "closed by user {$user=WORD} {$ip=IPV4} port {$port=NUMBER} srcip={$srcip=IPV4} peer {$peer=IPV4}"
        );
    }

    #[test]
    fn a_name_is_data_where_the_log_shows_others_or_a_naming_word_says_so() {
        // After `user`: data even when the members agree; a verb after it is not a name.
        assert_eq!(
            synthesize(&["Invalid user admin from 10.0.0.1"], false).template,
            "Invalid user {$user=WORD} from {$from=IPV4}"
        );
        assert_eq!(
            synthesize(&["user logged out"], false).template,
            "user logged out"
        );
        // Where the log's other events hold several other words (`for root from`, …).
        let others = [
            "Failed password for root from 10.0.0.2",
            "Failed password for bob from 10.0.0.3",
            "Accepted publickey for deploy from 10.0.0.4",
        ];
        // The first two are one event type: the place `for … from` holds data in it.
        let clustered = [(0, others[0]), (0, others[1]), (1, others[2])];
        let seen = Seen::of(&clustered);
        let one = ["Accepted password for alice from 10.0.0.1"];
        assert_eq!(
            synthesize_seen(&one, false, Some(&seen)).template,
            "Accepted password for {$for=WORD} from {$from=IPV4}"
        );
        // Types that each hold their own constant there are no evidence of data.
        let apart = [(0, others[0]), (1, others[1]), (2, others[2])];
        assert_eq!(
            synthesize_seen(&one, false, Some(&Seen::of(&apart))).template,
            "Accepted password for alice from {$from=IPV4}"
        );
        // Two other words are not enough evidence: a pair of states stays literal.
        let seen = Seen::of(&clustered[..2]);
        assert_eq!(
            synthesize_seen(&one, false, Some(&seen)).template,
            "Accepted password for alice from {$from=IPV4}"
        );
    }

    #[test]
    fn same_length_typing() {
        let m = [
            "uid=0 port 22 from 10.0.0.1",
            "uid=1000 port 2222 from 10.0.0.2",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "uid={$uid=NUMBER} port {$port=NUMBER} from {$from=IPV4}"
        );
    }

    #[test]
    fn an_address_with_its_port_after_a_key_is_cut_in_two() {
        let m = [
            "conn=1001 fd=12 ACCEPT from IP=198.51.100.7:51234 (IP=0.0.0.0:389)",
            "conn=1002 fd=12 ACCEPT from IP=203.0.113.9:40000 (IP=0.0.0.0:389)",
        ];
        let t = synthesize(&m, false).template;
        assert!(t.contains("from IP={$ip=IPV4}:{$port=NUMBER} ("), "{t}");
    }

    #[test]
    fn a_value_in_brackets_inside_a_token_is_typed_apart() {
        let m = [
            "connect from unknown[203.0.113.45]",
            "connect from mx.example.com[198.51.100.25]",
        ];
        assert_eq!(
            synthesize(&m, false).template,
            "connect from {$from=WORD}[{$ip=IPV4}]"
        );
    }
}
