//! The deterministic engine: retrieval from a knowledge base plus the lexicon. It is the floor
//! every LLM adapter is measured against.
//!
//! In priority order (a field is set once, by the first source that decides it):
//! 1. **kb-rule**: KB rules whose own header and COND match the cluster's events; the fields
//!    they output are aligned with the cluster's slots (a value equal on every matched event
//!    becomes that slot's expression) or kept as constants.
//! 2. **learned**: for each slot, the field its key's values went to across all KB test
//!    pairs, when that happened in enough tests and a large enough share of them.
//! 3. **nearest**: constants of the nearest KB rule of the same kind family (Jaccard over
//!    key names or words): the event source description when it is near, the classification
//!    when it is very near.
//! 4. **lexicon**: times, the syslog host, msgid from the event identifier, and the
//!    classification the event's words state.

use std::collections::{BTreeMap, BTreeSet};

use ingest::Kind;
use serde_json::Value as J;
use xp_eval::Outcome;
use xp_taxonomy::{FieldType, Taxonomy};

use crate::kb::{same_value, Kb, Transform};
use crate::lexicon;
use crate::slots::{self, Slot, Slots};
use crate::{
    Assigned, Assignment, ClusterView, FieldAssigner, Source, CLASS_FIELDS, SOURCE_FIELDS,
};

/// Tunable thresholds of the engine.
#[derive(Clone, Debug)]
pub struct Thresholds {
    /// Members sampled per cluster.
    pub samples: usize,
    /// Tests a learned key→field alignment needs.
    pub min_tests: u32,
    /// Share of the key's tests that must show the alignment.
    pub min_share: f64,
    /// Similarity for copying the event source description (vendor, title, category).
    pub source_sim: f64,
    /// Similarity for copying the classification (subject, action, object, status,
    /// category.*, importance).
    pub class_sim: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            samples: 8,
            min_tests: 2,
            min_share: 0.5,
            source_sim: 0.2,
            class_sim: 0.9,
        }
    }
}

/// Retrieval + lexicon.
#[derive(Debug)]
pub struct Retrieval<'k> {
    kb: &'k Kb,
    th: Thresholds,
}

impl<'k> Retrieval<'k> {
    /// An engine over a knowledge base.
    pub fn new(kb: &'k Kb) -> Retrieval<'k> {
        Retrieval {
            kb,
            th: Thresholds::default(),
        }
    }

    /// With other thresholds.
    pub fn with_thresholds(mut self, th: Thresholds) -> Retrieval<'k> {
        self.th = th;
        self
    }
}

/// Fields whose meaning is set by each rule (free slots, rule-specific properties): a key's
/// values going there in other rules says nothing about this one.
fn rule_specific(field: &str) -> bool {
    field.starts_with("datafield")
        || matches!(
            field,
            "object.value"
                | "object.property"
                | "object.version"
                | "chain_id"
                | "labels"
                | "reason"
                // A source's own scale: a raw value equal to it (`Opcode` "Info") is chance.
                | "importance"
        )
}

struct Builder {
    out: Assignment,
}

impl Builder {
    fn has(&self, field: &str) -> bool {
        self.out.fields.iter().any(|a| a.field == field)
    }
    fn set(&mut self, field: &str, source: Source, why: &'static str) {
        if field != "id" && !self.has(field) {
            self.out.fields.push(Assigned {
                field: field.to_string(),
                source,
                why,
            });
        }
    }
}

/// Whether every present value of a slot fits the field's type. An account's name is not a
/// number (`UID=995` of useradd is the id; auditd's interpreted `UID="bob"` is the name).
fn fits(tax: &Taxonomy, field: &str, values: &[Option<String>]) -> bool {
    if field.ends_with("account.name")
        && values.iter().flatten().next().is_some()
        && values
            .iter()
            .flatten()
            .all(|v| !v.is_empty() && unquote(v).bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let ty = tax.type_of(field);
    values.iter().flatten().all(|v| match ty {
        Some(FieldType::Ip) => v.trim().parse::<std::net::IpAddr>().is_ok(),
        Some(FieldType::Number) => v.trim().parse::<f64>().is_ok(),
        Some(FieldType::Datetime) => xp_eval::datetime::parse_full(v, Some(2000)).is_some(),
        Some(FieldType::Mac) => xp_eval::text::tokens::parse_mac(v).is_some(),
        _ => true,
    })
}

/// A slot's expression, unquoted when values are quoted: `strip()` takes the quotes off the
/// values that have them and leaves the others (audit writes `comm="nano"` beside the hex
/// `comm=6E616E6F` of a name with special characters).
fn slot_expr(s: &Slot) -> String {
    let is_quoted = |v: &String| v.len() >= 2 && v.starts_with('"') && v.ends_with('"');
    let quoted = s.values.iter().flatten().any(is_quoted)
        && s.values
            .iter()
            .flatten()
            .all(|v| is_quoted(v) || !v.starts_with('"'));
    // Linux audit writes a string value with spaces or control characters as bare hex
    // (`proctitle=2F62696E2F7368002D63`, its arguments NUL-separated): decoded, NULs as spaces.
    let hexed = s.values.iter().flatten().any(|v| hex_text(v))
        && s.values
            .iter()
            .flatten()
            .all(|v| hex_text(v) || is_quoted(v));
    let e = if hexed {
        format!("replace(hex_to_string({}), \" \", \"\\u0000\")", s.expr)
    } else {
        s.expr.clone()
    };
    if quoted {
        format!("strip({e}, '\"', '\"')")
    } else {
        e
    }
}

/// Whether a bare value is text written as hex the way audit writes it: an even number (8 or
/// more) of hex digits that decode to printable UTF-8 (NUL, tab and line breaks allowed) with a letter in it
/// and a character that made the encoding necessary (a space, a control character, a `"`);
/// a serial that happens to be all hex digits (`31333343`) has none.
fn hex_text(v: &str) -> bool {
    if v.len() < 8 || !v.len().is_multiple_of(2) || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    let bytes: Option<Vec<u8>> = (0..v.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&v[i..i + 2], 16).ok())
        .collect();
    // UTF-8 text (a Cyrillic file name) is text too; random bytes seldom are valid UTF-8.
    // Audit cuts a long value at a byte count, maybe inside the last character.
    let text = bytes.and_then(|b| match std::str::from_utf8(&b) {
        Ok(t) => Some(t.to_string()),
        Err(e) if e.error_len().is_none() => {
            Some(String::from_utf8_lossy(&b[..e.valid_up_to()]).into_owned())
        }
        Err(_) => None,
    });
    text.is_some_and(|t| {
        t.chars()
            .all(|c| matches!(c, '\0' | '\t' | '\n' | '\r') || !c.is_control())
            && t.chars().any(|c| c.is_alphabetic())
            && t.chars().any(|c| c <= ' ' || c == '"')
    })
}

/// Values that stand for "none" rather than for data: Windows `-` and the null SID, Linux
/// audit `?` and `unset`, `(null)`, `(none)`, `N/A`.
/// A field never takes them.
const PLACEHOLDERS: &[&str] = &[
    "-", "?", "(null)", "(none)", "N/A", "S-1-0-0", "unset", "unknown",
];

/// The unset user id of Linux audit (`(uint32) -1`): a placeholder only under a user-id key
/// (`auid`, `uid`, `euid`); an unset session (`ses=4294967295`) is still reported as such.
const UNSET_ID: &str = "4294967295";

/// Whether `v` is a placeholder under the key `key`.
fn is_placeholder_of(key: &str, v: &str) -> bool {
    let v = unquote(v).trim();
    PLACEHOLDERS.contains(&v) || (v == UNSET_ID && key.to_lowercase().ends_with("uid"))
}

/// A slot's values with placeholders taken as absent.
fn real_values(s: &Slot) -> Vec<Option<String>> {
    s.values
        .iter()
        .map(|v| v.clone().filter(|v| !is_placeholder_of(&s.key, v)))
        .collect()
}

/// The expression a field gets from a slot: `wrapped` as is, or guarded so that the
/// placeholders seen among the members leave the field unset
/// (`if $Data["TargetUserName"] != "-" then lower(…) endif`). `None` when the slot holds
/// nothing but placeholders, or holds whole `key=value` records rather than values.
fn guarded(s: &Slot, wrapped: String) -> Option<String> {
    let (cond, wrapped) = guard_parts(s, wrapped)?;
    Some(match cond {
        Some(cond) => format!("if {cond} then {wrapped} endif"),
        None => wrapped,
    })
}

/// [`guarded`] in parts: the condition under which the slot holds data (none when it always
/// does) and the expression.
fn guard_parts(s: &Slot, wrapped: String) -> Option<(Option<String>, String)> {
    let present: Vec<&str> = s.values.iter().flatten().map(|v| unquote(v)).collect();
    let record = format!("{}=", s.key.to_lowercase());
    if present.is_empty()
        || present.iter().all(|v| is_placeholder_of(&s.key, v))
        || present
            .iter()
            .any(|v| v.to_lowercase().starts_with(&record))
    {
        return None;
    }
    let seen: BTreeSet<&str> = present
        .iter()
        .map(|v| v.trim())
        .filter(|v| is_placeholder_of(&s.key, v))
        .collect();
    if seen.is_empty() {
        return Some((None, wrapped));
    }
    let raw = slot_expr(s);
    let cond: Vec<String> = seen.iter().map(|p| format!("{raw} != \"{p}\"")).collect();
    Some((Some(cond.join(" and ")), wrapped))
}

/// A message that names one address besides its source's own, under no key the lexicon knows
/// (`Connection closed by authenticating user root 203.0.113.7 port 22`), names the peer:
/// `src.ip`. Two or more such addresses stay unassigned: which is which needs their keys.
fn lone_address(slots: &Slots, b: &mut Builder) {
    if b.has("src.ip") || b.has("dst.ip") {
        return;
    }
    let used = |s: &Slot| {
        b.out
            .fields
            .iter()
            .any(|a| matches!(&a.source, Source::Expr(e) if mentions(e, &s.expr)))
    };
    let ips: Vec<&Slot> = slots
        .slots
        .iter()
        .filter(|s| {
            let vals = real_values(s);
            vals.iter().any(Option::is_some)
                && vals.iter().flatten().all(|v| {
                    // `listening on 0.0.0.0`: a local wildcard, nobody's address.
                    v.trim()
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| !ip.is_unspecified())
                })
        })
        .filter(|s| !used(s))
        .collect();
    if let [s] = ips[..] {
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set("src.ip", Source::Expr(e), "lexicon");
        }
    }
}

/// Addresses of a TEXT header placed by the word before them (`src outside:{$a=IPV4}/…`,
/// `for …`, `dst …`, `to …`: `prose::address_side`), and the number right after an address
/// and a `/` or `:` its port (`10.0.0.1/443`). Only when the header has two or more address
/// captures and every one is placed: a lone address is the lexicon's.
fn directed_addresses(head: &str, slots: &Slots, b: &mut Builder) {
    if b.has("src.ip") || b.has("dst.ip") {
        return;
    }
    let Some(template) = crate::prose::text_template(head) else {
        return;
    };
    let is_ip = |s: &Slot| {
        let vals = real_values(s);
        vals.iter().any(Option::is_some)
            && vals
                .iter()
                .flatten()
                .all(|v| v.trim().parse::<std::net::IpAddr>().is_ok())
    };
    // (side, address slot, port slot) in header order.
    let mut placed: Vec<(&'static str, &Slot, Option<&Slot>)> = Vec::new();
    let mut ips = 0;
    for s in &slots.slots {
        if !s.expr.starts_with('$') || s.expr.contains('[') || !is_ip(s) {
            continue;
        }
        ips += 1;
        let token = format!("{{{}=", s.expr);
        let Some(at) = template.find(&token) else {
            return;
        };
        // The literal text since the previous capture.
        let before = &template[..at];
        let since = before.rfind('}').map_or(before, |i| &before[i + 1..]);
        let side = since
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .rev()
            .take(3)
            .find_map(crate::prose::address_side);
        let Some(side) = side else {
            return;
        };
        // The capture right after it, behind one `/` or `:`.
        let after = &template[at..];
        let close = after.find('}').map_or(after.len(), |i| i + 1);
        let rest = &after[close..];
        let port = [("/{$", 3), (":{$", 3)].iter().find_map(|(lead, n)| {
            let name_end = rest.starts_with(lead).then(|| rest[*n..].find('='))??;
            let name = format!("${}", &rest[*n..*n + name_end]);
            slots.slots.iter().find(|p| {
                p.expr == name
                    && real_values(p)
                        .iter()
                        .flatten()
                        .all(|v| v.trim().parse::<u16>().is_ok())
            })
        });
        placed.push((side, s, port));
    }
    if ips < 2 || placed.len() != ips || placed.iter().filter(|p| p.0 == "src").count() != 1 {
        return;
    }
    for (side, ip, port) in placed {
        if let Some(e) = guarded(ip, slot_expr(ip)) {
            b.set(&format!("{side}.ip"), Source::Expr(e), "direction-word");
        }
        if let Some(p) = port {
            if let Some(e) = guarded(p, slot_expr(p)) {
                b.set(&format!("{side}.port"), Source::Expr(e), "direction-word");
            }
        }
    }
}

/// Whether expression `e` reads `x` (`$ip` is not read by `$ip2`).
fn mentions(e: &str, x: &str) -> bool {
    e.match_indices(x).any(|(i, _)| {
        !e[i + x.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// A `port` capture right after an address that went to `src.ip` or `dst.ip` is that side's
/// port (`from 203.0.113.5 port 50522`, `to 10.0.0.1 port 22`). Captures come in header order.
fn pair_ports(slots: &Slots, b: &mut Builder) {
    let tax = Taxonomy::embedded();
    let mut side: Option<&'static str> = None;
    for s in &slots.slots {
        let assigned = b.out.fields.iter().find_map(|a| match &a.source {
            Source::Expr(e) if *e == s.expr => Some(a.field.as_str()),
            _ => None,
        });
        match assigned {
            Some("src.ip") => side = Some("src.port"),
            Some("dst.ip") => side = Some("dst.port"),
            _ if s.key == "port" => {
                if let Some(f) = side.take() {
                    if assigned.is_none() && fits(tax, f, &real_values(s)) {
                        if let Some(e) = guarded(s, slot_expr(s)) {
                            b.set(f, Source::Expr(e), "lexicon");
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// `msgid` from the cluster's identifier (candidates `key=value` joined by spaces):
/// a tagged union holding one record names the type (`members:items=USER_LOGIN`); otherwise
/// the first candidate a slot carries, in its interpreted form when the record has one
/// (auditd `SYSCALL=execve` beside `syscall=59`), so the name reads as a type, not a number.
/// A top-level numeric `eventid` that is not what types the cluster (its identifier is
/// another key) numbers the event instance, and records that share it make one event (the
/// auditd serial): `chain_id`.
fn instance_id(identifier: Option<&str>, slots: &Slots, b: &mut Builder) {
    let typing: Vec<String> = identifier
        .unwrap_or("")
        .split(' ')
        .filter_map(|c| c.split_once('='))
        .map(|(k, _)| lexicon::normalize_key(k.rsplit('.').next().unwrap_or(k)))
        .collect();
    let Some(s) = slots.slots.iter().find(|s| {
        !s.expr.contains('[')
            && lexicon::normalize_key(&s.key) == "eventid"
            && !typing.contains(&"eventid".to_string())
            && s.values.iter().flatten().all(|v| {
                let v = unquote(v);
                !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit())
            })
            && s.values.iter().any(Option::is_some)
    }) else {
        return;
    };
    b.set("chain_id", Source::Expr(slot_expr(s)), "lexicon");
}

/// A Linux audit `SOCKADDR` record holds the call's `struct sockaddr` as hex (`saddr=
/// 0200 0035 0A003465 …`: family 2, IPv4, in host order; port and address in network
/// order). For an IPv4 address: the address and port a socket was connected or sent to or
/// bound at (`connect`, `sendto`, `sendmsg`, `bind`) are the destination's, those a
/// connection was accepted or a datagram received from are the source's.
fn socket_address(identifier: Option<&str>, slots: &Slots, b: &mut Builder) {
    let Some(call) = identifier
        .and_then(|id| cluster_syscall(id, slots))
        .map(|(c, _)| c.name)
    else {
        return;
    };
    let side = match call {
        "connect" | "sendto" | "sendmsg" | "sendmmsg" | "bind" => "dst",
        "accept" | "accept4" | "recvfrom" | "recvmsg" | "recvmmsg" => "src",
        _ => return,
    };
    let sockaddr = |v: &str| {
        v.len() >= 16
            && (v.starts_with("0200") || v.starts_with("0A00"))
            && v.bytes().all(|c| c.is_ascii_hexdigit())
    };
    // The `saddr` key, or the record when that is its only pair (`saddr=0200…`, unopened).
    let Some(e) = slots.slots.iter().find_map(|s| {
        let vals: Vec<&String> = s.values.iter().flatten().collect();
        if s.key == "saddr" && vals.iter().any(|v| sockaddr(v)) {
            Some(s.expr.clone())
        } else if !vals.is_empty()
            && vals
                .iter()
                .all(|v| v.strip_prefix("saddr=").is_some_and(|h| !h.contains(' ')))
            && vals.iter().any(|v| sockaddr(&v["saddr=".len()..]))
        {
            Some(format!("strip({}, \"saddr=\", \"\")", s.expr))
        } else {
            None
        }
    }) else {
        return;
    };
    let e = &e;
    // The dotted address of the four bytes at hex offset `at`.
    let dotted = |at: usize| {
        (0..4)
            .map(|i| format!("string(number16(substr({e}, {}, 2)))", at + 2 * i))
            .collect::<Vec<_>>()
            .join(" + \".\" + ")
    };
    // IPv4 (family 2), or IPv6 (family 10) holding an IPv4-mapped address (`::ffff:a.b.c.d`:
    // the 16 address bytes start after port and flow info, the IPv4 ones are the last four).
    let inet = format!("substr({e}, 0, 4) == \"0200\"");
    let mapped = format!(
        "substr({e}, 0, 4) == \"0A00\" and substr({e}, 16, 24) == \"00000000000000000000FFFF\""
    );
    b.set(
        &format!("{side}.ip"),
        Source::Expr(format!(
            "if {inet} then {} elif {mapped} then {} endif",
            dotted(8),
            dotted(40)
        )),
        "lexicon",
    );
    b.set(
        &format!("{side}.port"),
        Source::Expr(format!(
            "if {inet} or {mapped} then number16(substr({e}, 4, 4)) endif"
        )),
        "lexicon",
    );
}

/// Account management records of Linux (shadow-utils and PAM: `op=adding user acct="bob"
/// id=1002`, `op=delete-group grp="dev"`) name the account or group acted on by `acct`,
/// `grp` and `id`: when the act is done to an account or a group (not a login, whose `acct`
/// is the user logging in), those are the object's.
fn managed_account(slots: &Slots, b: &mut Builder) {
    let object = match b.out.constant("object") {
        Some("account") => "account",
        Some("user_group") => "user_group",
        _ => return,
    };
    if matches!(b.out.constant("action"), Some("login" | "logout")) {
        return;
    }
    let find = |k: &str| slots.slots.iter().find(|s| s.key == k);
    let numeric = |s: &Slot| {
        s.values
            .iter()
            .flatten()
            .all(|v| !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()))
    };
    let (name_field, id_field, name) = if object == "account" {
        ("object.account.name", "object.account.id", find("acct"))
    } else {
        (
            "object.name",
            "object.id",
            find("grp").or_else(|| find("acct")),
        )
    };
    if let Some(e) = name.and_then(|s| guarded(s, slot_expr(s))) {
        b.set(name_field, Source::Expr(e), "lexicon");
    }
    if let Some(e) = find("id")
        .filter(|s| numeric(s))
        .and_then(|s| guarded(s, slot_expr(s)))
    {
        b.set(id_field, Source::Expr(e), "lexicon");
    }
}

/// A Linux audit `EXECVE` record lists the new program's arguments one key each (`argc=3
/// a0="ls" a1="-la" a2=2F746D702F612062`, hex where a value needs it): joined, they are the
/// command line. Only the record that counts them (`argc`): the `SYSCALL` record's `a0`…`a3`
/// are the call's raw register values.
fn program_arguments(slots: &Slots, b: &mut Builder) {
    if b.has("object.process.cmdline") {
        return;
    }
    let record = |s: &Slot| s.expr.split('[').next().unwrap_or("").to_string();
    let Some(argc) = slots.slots.iter().find(|s| s.key == "argc") else {
        return;
    };
    let args: Vec<String> = (0..)
        .map_while(|i| {
            let key = format!("a{i}");
            slots
                .slots
                .iter()
                .find(|s| s.key == key && record(s) == record(argc))
                .map(slot_expr)
        })
        .collect();
    if args.is_empty() {
        return;
    }
    b.set(
        "object.process.cmdline",
        Source::Expr(format!("join(remove([{}], null), \" \")", args.join(", "))),
        "lexicon",
    );
}

/// Records nested under an act's `target` or `child` describe what the act is done to
/// (macOS Endpoint Security's `event.signal.target`, `event.fork.child`): a process or account
/// key there names the object's process or account, not the actor's.
fn object_side(expr: &str, field: &'static str, tax: &'static Taxonomy) -> &'static str {
    let nested = expr.to_ascii_lowercase();
    if !(nested.contains(r#"["target"]"#) || nested.contains(r#"["child"]"#)) {
        return field;
    }
    let Some(rest) = field
        .strip_prefix("subject.process.")
        .map(|r| format!("object.process.{r}"))
        .or_else(|| {
            field
                .strip_prefix("subject.account.")
                .map(|r| format!("object.account.{r}"))
        })
    else {
        return field;
    };
    tax.get(&rest).map_or(field, |f| f.name.as_str())
}

/// A Linux audit record names the login identity (`auid`) apart from the user the process
/// runs as (`uid`): where no effective id (`euid`) states them, the process's user id is the
/// privileges the actor acted with (`useradd` running as root: `uid=0`). Not for a login or
/// logout: its actor is the user who logs in, on whose behalf the service (`sshd`, root)
/// runs.
fn process_user(slots: &Slots, b: &mut Builder) {
    if b.has("subject.account.privileges")
        || matches!(b.out.constant("action"), Some("login" | "logout"))
    {
        return;
    }
    let record = |s: &Slot| s.expr.split('[').next().unwrap_or("").to_string();
    let Some(uid) = slots.slots.iter().find(|s| s.key == "uid") else {
        return;
    };
    let same = |k: &str| {
        slots
            .slots
            .iter()
            .any(|s| s.key == k && record(s) == record(uid))
    };
    if !same("auid") || same("euid") {
        return;
    }
    if let Some(e) = guarded(uid, slot_expr(uid)) {
        b.set("subject.account.privileges", Source::Expr(e), "lexicon");
    }
}

/// The system call a cluster's identifier pins (`syscall=257`) when every member's `arch`
/// is the architecture of the table, with that `arch` slot and its value.
fn cluster_syscall<'s>(
    id: &str,
    slots: &'s Slots,
) -> Option<(crate::catalog::Syscall, (&'s Slot, &'s str))> {
    let number = crate::catalog::identifier_syscall(id)?;
    let arch = slots.slots.iter().find(|s| s.key == "arch")?;
    let first = arch.values.first()?.as_deref()?;
    if !arch.values.iter().all(|v| v.as_deref() == Some(first)) {
        return None;
    }
    let code = unquote(first);
    crate::catalog::syscall(code, number).map(|c| (c, (arch, code)))
}

fn msgid_from_identifier(id: &str, slots: &Slots, b: &mut Builder) {
    let candidates: Vec<(&str, &str)> = id.split(' ').filter_map(|c| c.split_once('=')).collect();
    // An audit event of user-space records is of the type of the record that reports the
    // act (`USER_START` beside a collector's `COMMENT`); one with a system call is the call's.
    if let Some((record, _)) = crate::catalog::audit_record(id) {
        if !id.split([' ', '=', '+']).any(|w| w == "SYSCALL") {
            b.set("msgid", Source::Const(record.to_string()), "lexicon");
            return;
        }
    }
    let structural = log_cluster::identifier::STRUCTURAL;
    // The tag counts when nothing else types the event but pairs inside that union's records.
    if let Some((_, tag)) = candidates.first().and_then(|(k, v)| {
        k.strip_prefix(structural)
            .map(|u| (u, *v))
            .filter(|(u, _)| {
                candidates[1..]
                    .iter()
                    .all(|(k, _)| k.starts_with(&format!("{u}.")))
            })
    }) {
        if !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            b.set("msgid", Source::Const(tag.to_string()), "lexicon");
            return;
        }
    }
    let word = |v: &str| {
        let v = unquote(v);
        v.chars().any(|c| c.is_ascii_alphabetic())
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    for (key, _) in candidates {
        if key.starts_with(structural) {
            continue;
        }
        let key = key.rsplit('.').next().unwrap_or(key);
        // An element with attributes keeps its content in `text` (`EventID` with
        // `Qualifiers`: `$EventID["text"]`).
        let Some(plain) = slots.slots.iter().find(|s| s.key == key).or_else(|| {
            slots
                .slots
                .iter()
                .find(|s| s.key == "text" && s.parent.as_deref() == Some(key))
        }) else {
            continue;
        };
        let upper = key.to_uppercase();
        let named = slots
            .slots
            .iter()
            .find(|s| s.key == upper && upper != key && s.values.iter().flatten().all(|v| word(v)));
        let expr = match named {
            // Records without the interpreted field keep the plain one.
            Some(n) if n.values.iter().any(Option::is_none) => format!(
                "if {0} != null then {0} else {1} endif",
                slot_expr(n),
                slot_expr(plain)
            ),
            Some(n) => slot_expr(n),
            None => slot_expr(plain),
        };
        // A raw audit record names its system call by number: the table names it, for the
        // architecture the table is for.
        // The number is tested too: the rule may meet calls its COND does not tell apart.
        let expr = match cluster_syscall(id, slots) {
            Some((call, arch)) => format!(
                "if {} == \"{}\" and {} == \"{}\" then \"{}\" else {expr} endif",
                slot_expr(arch.0),
                arch.1,
                slot_expr(plain),
                crate::catalog::identifier_syscall(id).unwrap_or_default(),
                call.name
            ),
            None => expr,
        };
        b.set("msgid", Source::Expr(expr), "lexicon");
        return;
    }
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(v)
}

impl Retrieval<'_> {
    fn kb_rules(&self, view: &ClusterView<'_>, slots: &Slots, members: &[&str], b: &mut Builder) {
        let tax = Taxonomy::embedded();
        let opts = slots::run_options();
        // The KB rule matching most sampled members.
        let mut best: Option<(usize, Vec<(usize, J)>)> = None;
        for r in &self.kb.rules {
            let Some(rule) = &r.rule else { continue };
            let outs: Vec<(usize, J)> = members
                .iter()
                .enumerate()
                .filter_map(|(i, m)| match rule.normalize(m, &opts) {
                    Ok(Outcome::Normalized(ev)) => Some((i, J::Object(ev.to_json()))),
                    _ => None,
                })
                .collect();
            if !outs.is_empty() && best.as_ref().is_none_or(|(n, _)| outs.len() > *n) {
                best = Some((outs.len(), outs));
            }
        }
        let Some((_, outs)) = best else { return };
        let _ = view;
        let J::Object(first) = &outs[0].1 else { return };
        for (field, v0) in first {
            if field == "id" {
                continue;
            }
            let aligned = slots.slots.iter().find_map(|s| {
                [Transform::Same, Transform::Lower]
                    .into_iter()
                    .find_map(|t| {
                        outs.iter()
                            .all(|(i, out)| {
                                let (Some(e), Some(Some(v))) = (out.get(field), s.values.get(*i))
                                else {
                                    return false;
                                };
                                same_value(tax, field, e, unquote(v), t)
                            })
                            .then(|| t.wrap(&slot_expr(s)))
                    })
            });
            match aligned {
                Some(expr) => b.set(field, Source::Expr(expr), "kb-rule"),
                None if outs.iter().all(|(_, o)| o.get(field) == Some(v0)) => {
                    let text = match v0 {
                        J::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    // Constants that look like data of one event are not constants of the type.
                    if !members.iter().all(|m| m.contains(text.as_str())) || text.len() < 40 {
                        b.set(field, Source::Const(text), "kb-rule");
                    }
                }
                None => {}
            }
        }
    }

    fn learned(&self, view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
        let tax = Taxonomy::embedded();
        // Words of text lines mean what they mean in alike messages: their alignments are
        // learned from the rules alike enough to the cluster (as the source's description is).
        let text_family = matches!(view.kind, Kind::Text | Kind::Keyvalue | Kind::Cef);
        let alike: Vec<&crate::kb::KbRule> = if text_family {
            let words: BTreeSet<String> = view
                .members
                .iter()
                .take(self.th.samples)
                .flat_map(|m| crate::kb::words(m))
                .collect();
            self.kb
                .nearest(view.kind, &words)
                .into_iter()
                .take_while(|(sim, _)| *sim >= self.th.source_sim)
                .map(|(_, r)| r)
                .collect()
        } else {
            Vec::new()
        };
        let mut cands: Vec<(f64, u32, usize, String, Transform)> = Vec::new();
        for (i, s) in slots.slots.iter().enumerate() {
            let key = if s.expr.starts_with("$kv")
                && !matches!(view.kind, Kind::Text | Kind::Keyvalue | Kind::Cef)
            {
                format!("{}{}", crate::kb::EMBEDDED, s.key)
            } else {
                s.key.clone()
            };
            // An audit record's login id (`auid`) is the user's id: a `uid` learned as the
            // user's id elsewhere (PAM's `uid=`) is the process's here.
            let audit_uid = s.key.eq_ignore_ascii_case("uid")
                && slots.slots.iter().any(|o| {
                    o.key == "auid" && o.expr.split('[').next() == s.expr.split('[').next()
                });
            let fields = if text_family {
                self.kb.fields_of_key_in(view.kind, &key, &alike)
            } else {
                self.kb.fields_of_key(view.kind, &key)
            };
            for (f, t, n, share) in fields {
                if n >= self.th.min_tests
                    && share >= self.th.min_share
                    && !rule_specific(&f)
                    && tax.get(&f).is_some()
                    && fits(tax, &f, &real_values(s))
                    && !(audit_uid && f == "subject.account.id")
                    // An account's name holds no `/` (a PATH record's `name=` is a file).
                    && !(f.ends_with("account.name")
                        && real_values(s).iter().flatten().any(|v| v.contains('/')))
                {
                    cands.push((share, n, i, f, t));
                }
            }
        }
        cands.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        // Each slot feeds one field: its best-supported one.
        let mut used = vec![false; slots.slots.len()];
        for (_, _, i, f, t) in cands {
            if used[i] || b.has(&f) {
                continue;
            }
            let s = &slots.slots[i];
            if let Some(e) = guarded(s, t.wrap(&slot_expr(s))) {
                used[i] = true;
                b.set(&f, Source::Expr(e), "learned");
            }
        }
    }

    fn nearest(&self, view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
        let keys: BTreeSet<String> = match view.kind {
            Kind::Text | Kind::Keyvalue | Kind::Cef => view
                .members
                .iter()
                .take(self.th.samples)
                .flat_map(|m| crate::kb::words(m))
                .collect(),
            _ => slots.slots.iter().map(|s| s.key.clone()).collect(),
        };
        let near = self.kb.nearest(view.kind, &keys);
        let Some((sim, rule)) = near.first() else {
            return;
        };
        // The event source's description is the source's, not one rule's: the rules alike
        // enough vote, weighted by their similarity (one logon rule of a Windows log does
        // not make every Windows event "AAA").
        // The vendor is the subsystem's: once a matching rule named the subsystem, only rules
        // of that subsystem say who makes it (an sshd rule's `openbsd` is not systemd-logind's).
        let subsys = b.out.constant("event_src.subsys").map(str::to_string);
        // Lines a syslog program wrote describe that program's source: a rule of another
        // program (sshd's `unix_like`) says nothing of a database server's.
        let program = shared_program(view.members)
            .filter(|_| matches!(view.kind, Kind::Text | Kind::Keyvalue));
        for f in SOURCE_FIELDS {
            let mut votes: BTreeMap<&str, f64> = BTreeMap::new();
            for (s, r) in near.iter().take_while(|(s, _)| *s >= self.th.source_sim) {
                if f == "event_src.vendor"
                    && subsys.is_some()
                    && r.constants.get("event_src.subsys") != subsys.as_ref()
                {
                    continue;
                }
                if program
                    .as_ref()
                    .is_some_and(|p| r.constants.get("event_src.subsys") != Some(p))
                {
                    continue;
                }
                if let Some(v) = r.constants.get(f) {
                    *votes.entry(v.as_str()).or_default() += s;
                }
            }
            let best = votes
                .into_iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)));
            if let Some((v, _)) = best {
                b.set(f, Source::Const(v.to_string()), "nearest");
            }
        }
        for (f, v) in &rule.constants {
            if CLASS_FIELDS.contains(&f.as_str()) && *sim >= self.th.class_sim {
                b.set(f, Source::Const(v.clone()), "nearest");
            }
        }
    }

    fn lexicon(&self, view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
        let text_kind = matches!(view.kind, Kind::Text | Kind::Keyvalue | Kind::Cef);
        // Shallow paths first: `$time` before `$process["stat"]["st_atimespec"]`.
        let mut order: Vec<&Slot> = slots.slots.iter().collect();
        order.sort_by_key(|s| (s.expr.matches('[').count(), lexicon::time_rank(&s.key)));
        for s in order.iter().copied() {
            let k = s.key.to_lowercase();
            // CEF's receipt, start and end times are `rt`, `start`, `end`.
            let cef_time = view.kind == Kind::Cef && matches!(k.as_str(), "rt" | "start" | "end");
            // A capture the header types as a time is one, whatever its name (`audit({$audit=DATETIME}:…)`).
            let typed = text_kind && view.head.contains(&format!("{{{}=DATETIME", s.expr));
            if !b.has("time")
                && (k.contains("time")
                    || k.contains("date")
                    || (text_kind && k == "t")
                    || cef_time
                    || typed)
                && lexicon::all_times(&s.values)
            {
                // A date alone (`date=2025-03-10`) takes its clock from a sibling
                // (`time=06:50:02`, firewall key=value records).
                let e = match clock_of(s, slots) {
                    // A DATETIME capture holds a datetime: its text's first ten bytes are the date.
                    Some(c) => format!("substr({}, 0, 10) + \" \" + {}", s.expr, slot_expr(c)),
                    None => s.expr.clone(),
                };
                b.set("time", Source::Expr(e), "lexicon");
            }
            if (text_kind && k == "host") || lexicon::is_host_key(&s.key) {
                // Beside the peer's address in one record (audit's `hostname=… addr=…`), a
                // host name is the peer's, not the reporting host's.
                if let Some(peer) = peer_address(s, slots) {
                    // Only a remote peer has an address; a local session's host name is the
                    // machine's own (`hostname=centos.local addr=?`): the event source's.
                    let e = &s.expr;
                    let a = slot_expr(peer);
                    b.set(
                        "src.hostname",
                        Source::Expr(format!(
                            "if maybe_ipv4({e}) == null and maybe_ipv6({e}) == null and {e} != \"?\" \
                             and (maybe_ipv4({a}) != null or maybe_ipv6({a}) != null) then lower({e}) endif"
                        )),
                        "lexicon",
                    );
                    b.set(
                        "event_src.hostname",
                        Source::Expr(format!(
                            "if maybe_ipv4({e}) == null and maybe_ipv6({e}) == null \
                             and not in_list([\"?\", \"\"], {e}) \
                             and maybe_ipv4({a}) == null and maybe_ipv6({a}) == null then lower({e}) endif"
                        )),
                        "lexicon",
                    );
                    continue;
                }
                if lexicon::host_field(&s.values).is_none() {
                    host_or_address(s, b);
                }
                if let Some(f) = lexicon::host_field(&s.values) {
                    let e = if f == "event_src.ip" {
                        s.expr.clone()
                    } else {
                        format!("lower({})", s.expr)
                    };
                    b.set(f, Source::Expr(e), "lexicon");
                }
            }
        }
        let tax = Taxonomy::embedded();
        let mut known: Vec<(&Slot, (&str, Transform, usize))> = order
            .iter()
            .filter_map(|s| {
                let (f, t, rank) = lexicon::key_entry(s.parent.as_deref(), &s.key)?;
                Some((*s, (object_side(&s.expr, f, tax), t, rank)))
            })
            .collect();
        // Earlier lexicon rows first; among slots of one row, shallow paths first.
        known.sort_by_key(|(_, (_, _, rank))| *rank);
        if logon_target_is_subject(&mut known) {
            // Alignments learned from other sources may have made the reporting account
            // (`SubjectUserName`) the subject already: the target's own fields replace them,
            // so the subject is one account, not a mix of two.
            let target_fields: Vec<&str> = known
                .iter()
                .map(|(_, (f, _, _))| *f)
                .filter(|f| f.starts_with("subject.account."))
                .collect();
            b.out
                .fields
                .retain(|a| !(a.why == "learned" && target_fields.contains(&a.field.as_str())));
        }
        let usable = |s: &Slot, f: &str, t: Transform| {
            let vals: Vec<Option<String>> = real_values(s)
                .iter()
                .map(|v| v.as_deref().map(|v| t.apply(unquote(v))))
                .collect();
            fits(tax, f, &vals) && vals.iter().flatten().any(|v| !v.is_empty())
        };
        // `hex` reads 0x… numbers; a key whose values are decimal (Sysmon's ProcessId) is
        // taken as is.
        for (s, (_, t, _)) in known.iter_mut() {
            let decimal = s
                .values
                .iter()
                .flatten()
                .all(|v| !unquote(v).trim().to_ascii_lowercase().starts_with("0x"));
            if *t == Transform::Hex && decimal {
                *t = Transform::Same;
            }
        }
        for (i, (s, (f, t, _))) in known.iter().enumerate() {
            if b.has(f) || !usable(s, f, *t) {
                continue;
            }
            let Some((cond, wrapped)) = guard_parts(s, t.wrap(&slot_expr(s))) else {
                continue;
            };
            let e = match cond {
                None => wrapped,
                // Where this key holds a placeholder, the next key naming the field speaks
                // (auditd `auid=4294967295`, unset, falls back to `uid`).
                Some(cond) => {
                    let next = known[i + 1..]
                        .iter()
                        .filter(|(x, (g, u, _))| g == f && usable(x, g, *u))
                        .find_map(|(x, (_, u, _))| guarded(x, u.wrap(&slot_expr(x))));
                    match next {
                        Some(other) => format!("if {cond} then {wrapped} else {other} endif"),
                        None => format!("if {cond} then {wrapped} endif"),
                    }
                }
            };
            b.set(f, Source::Expr(e), "lexicon");
        }
        instance_id(view.identifier, slots, b);
        let cef = (view.kind == Kind::Cef)
            .then(|| crate::cef::header(view.head))
            .flatten();
        if let Some(h) = &cef {
            cef_conventions(view.head, h, b);
        }
        let sample: Vec<&str> = view.members.iter().take(self.th.samples).copied().collect();
        for (f, v) in lexicon::source_constants(&sample) {
            b.set(f, Source::Const(v.to_string()), "lexicon");
        }
        // A Windows event's subsystem is the log it was written to.
        if view.kind == Kind::Eventlog {
            if let Some(c) = slots
                .slots
                .iter()
                .find(|s| s.key == "Channel" && s.parent.is_none())
            {
                b.set("event_src.subsys", Source::Expr(c.expr.clone()), "lexicon");
            }
        }
        if text_kind {
            // What an audit record's system call or record type reports, as for the structured form.
            let call = view
                .identifier
                .and_then(|id| {
                    crate::catalog::audit_record_summary(id)
                        .or_else(|| cluster_syscall(id, slots).and_then(|(c, _)| c.summary))
                })
                .map(crate::title::classify_title)
                .unwrap_or_default();
            if let Some(a) = call.action {
                b.set("action", Source::Const(a.into()), "title");
            }
            if let Some(o) = call.object {
                b.set("object", Source::Const(o.into()), "title");
            }
            if view.kind == Kind::Keyvalue {
                if let Some(st) = status_of(slots) {
                    b.set("status", st, "words");
                }
                // A record's type names what happened (`type=USER_CMD`, `type=USER_AUTH`),
                // as a structured event's type discriminator does.
                if let Some(id) = view.identifier {
                    // An outcome key's value (`action=accept`) states the status, not the act.
                    let values: String = id
                        .split(' ')
                        .filter_map(|c| c.split_once('='))
                        .filter(|(k, _)| !lexicon::is_result_key(k))
                        .map(|(_, v)| v)
                        .collect::<Vec<_>>()
                        .join(" ");
                    self.type_words(&lexicon::split_words(&values), b);
                }
            }
            let words: BTreeSet<String> = view
                .members
                .iter()
                .take(self.th.samples)
                .flat_map(|m| crate::kb::words(m))
                .collect();
            let class = lexicon::classify(&words);
            if let Some(c) = class {
                b.set("subject", Source::Const(c.subject.into()), "lexicon");
                b.set("action", Source::Const(c.action.into()), "lexicon");
                b.set("object", Source::Const(c.object.into()), "lexicon");
                if let Some(st) = c.status {
                    b.set("status", Source::Const(st.into()), "lexicon");
                }
                self.categories(b);
            }
            // A message no word pattern knows reads like a title (`delete user '…'`,
            // `password changed for …`, `new group: name=…`), and says when it failed
            // (`FAILED SU`, `user NOT in sudoers`).
            // (A CEF header's Name is read below, as an alert's title.)
            if let Some(prose) = crate::prose::literal_prose(view.head).filter(|_| cef.is_none()) {
                if class.is_none() {
                    let t = crate::title::classify_title(&prose);
                    if let Some(a) = t.action {
                        b.set("action", Source::Const(a.into()), "title");
                    }
                    if let Some(o) = t.object {
                        b.set("object", Source::Const(o.into()), "title");
                    }
                }
                if crate::prose::states_failure(&prose) {
                    b.set("status", Source::Const("failure".into()), "words");
                }
                // `Failed to start …`: the act that failed.
                if let Some(a) = crate::prose::failed_act(&prose) {
                    if !b.has("action") {
                        b.set("action", Source::Const(a.into()), "words");
                    }
                }
            }
            if systemd_unit_object(view.members, slots, b) {
                b.out.fields.retain(|a| {
                    !(a.field.starts_with("category.") || a.field == "subject")
                        || !matches!(a.why, "precedent" | "taxonomy")
                });
                self.categories(b);
            }
            if crate::prose::switch_user(view.members) && switch_user_acts(b) {
                // The categories of the act it now is.
                b.out.fields.retain(|a| {
                    !(a.field.starts_with("category.") || a.field == "subject")
                        || !matches!(a.why, "precedent" | "taxonomy")
                });
                self.categories(b);
            }
            // A CEF event's Name is its title (`Configuration changed`).
            if let Some(crate::cef::Part::Literal(name)) = cef.as_ref().map(|h| &h.name) {
                let t = crate::title::classify_title(name);
                // An alert's name uses acts as nouns (`Web login brute force`): only a verb
                // form states what happened.
                let t = if t.verb_form {
                    t
                } else {
                    crate::title::TitleClass::default()
                };
                if let Some(a) = t.action {
                    b.set("action", Source::Const(a.into()), "title");
                }
                if let Some(o) = t.object {
                    b.set("object", Source::Const(o.into()), "title");
                }
                if let Some(st) = t.status {
                    b.set("status", Source::Const(st.into()), "title");
                }
                self.categories(b);
            }
            // A Cisco message tag names the type and its severity (`%ASA-4-106023:`).
            let tags: Vec<Option<(&str, u8, &str)>> = view
                .members
                .iter()
                .map(|m| crate::prose::cisco_tag(m))
                .collect();
            if let Some(Some(first)) = tags.first() {
                if tags.iter().all(|t| t.as_ref() == Some(first)) {
                    b.set("msgid", Source::Const(first.2.into()), "cisco-tag");
                    b.set(
                        "importance",
                        Source::Const(crate::prose::severity_importance(first.1).into()),
                        "cisco-tag",
                    );
                }
            }
            // The categories of an act the record's type or system call stated.
            self.categories(b);
            directed_addresses(view.head, slots, b);
            lone_address(slots, b);
            pair_ports(slots, b);
            syslog_program(view.members, b);
        } else {
            self.classify_structured(view, slots, b);
        }
    }

    /// Action and object from the words of the type discriminator (the head's COND and the
    /// event identifier), status from an outcome key, the rest by precedent.
    fn classify_structured(&self, view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
        // A Windows event's data keys name its fields, not its type: only the compared values
        // (channel, provider) speak for it there.
        let mut text = if view.kind == Kind::Eventlog {
            compared_values(view.head)
        } else {
            view.head.to_string()
        };
        if let Some(i) = view.identifier {
            text.push(' ');
            text.push_str(i);
        }
        // A Windows event's documented title, or what the system call or the record type of
        // an audit record reports, states what happened where its data cannot.
        let title = view
            .identifier
            .and_then(|id| {
                crate::catalog::windows_event_title(id)
                    .or_else(|| crate::catalog::audit_record_summary(id))
                    .or_else(|| cluster_syscall(id, slots).and_then(|(c, _)| c.summary))
            })
            .map(crate::title::classify_title)
            .unwrap_or_default();
        if let Some(a) = title.action {
            b.set("action", Source::Const(a.into()), "title");
            if let Some(o) = self.kb.agreed_object(a) {
                b.set("object", Source::Const(o), "precedent");
            }
        }
        if let Some(o) = title.object {
            b.set("object", Source::Const(o.into()), "title");
        }
        self.type_words(&lexicon::split_words(&text), b);
        if let Some(st) = status_of(slots) {
            b.set("status", st, "words");
        }
        if view.kind == Kind::Eventlog {
            if let Some(st) = audit_status(slots) {
                b.set("status", st, "keywords");
            }
        }
        if let Some(st) = title.status {
            b.set("status", Source::Const(st.into()), "title");
        }
        if let Some(st) = error_present(slots) {
            b.set("status", st, "error");
        }
        // The type's own name may state the outcome (`event=login_failed`): its values, not
        // the key names a COND tests (`$error == null` says nothing failed).
        if !b.has("status") {
            let mut named = compared_values(view.head);
            for c in view.identifier.unwrap_or("").split(' ') {
                if let Some((_, v)) = c.split_once('=') {
                    named.push(' ');
                    named.push_str(v);
                }
            }
            let words = lexicon::split_words(&named);
            if let Some(st) = words.iter().find_map(|w| lexicon::status_word(w)) {
                b.set("status", Source::Const(st.into()), "words");
            }
        }
        self.categories(b);
    }

    /// Action and object from the words of an event type's name (`USER_CMD`).
    fn type_words(&self, words: &[String], b: &mut Builder) {
        let (action, object) = lexicon::classify_words(words);
        if let Some(a) = action {
            b.set("action", Source::Const(a.into()), "words");
            // What the act is done to, where every source agrees, outweighs a word of the
            // type's name (auditd `USER_LOGIN` is a login into the system, not an account).
            if let Some(o) = self.kb.agreed_object(a) {
                b.set("object", Source::Const(o), "precedent");
            }
        }
        if let Some(o) = object {
            b.set("object", Source::Const(o.into()), "words");
        }
    }

    /// subject, category.* and importance as the KB's rules with the same action and object
    /// set them.
    fn categories(&self, b: &mut Builder) {
        let Some(action) = b.out.constant("action").map(str::to_string) else {
            return;
        };
        let object = b.out.constant("object").map(str::to_string);
        for f in [
            "subject",
            "category.generic",
            "category.high",
            "category.low",
        ] {
            // The categories of an act on an object nobody named are no one's to guess.
            if object.is_none() && f.starts_with("category.") {
                continue;
            }
            if let Some(v) = self.kb.precedent(f, &action, object.as_deref()) {
                b.set(f, Source::Const(v), "precedent");
            }
        }
        // No rule with this action and object: the object alone, for the categories; else
        // the taxonomy's categories for the object.
        if let Some(o) = &object {
            // The object's class and domain, not the kind of act (`category.low`): a verdict on
            // a connection is Control, opening one Communication (the taxonomy's rows say it).
            for f in ["category.generic", "category.high"] {
                if let Some(v) = self.kb.object_precedent(f, o) {
                    b.set(f, Source::Const(v), "precedent");
                }
            }
            if let Some((g, h, l)) = lexicon::object_category(&action, o) {
                b.set("category.generic", Source::Const(g.into()), "taxonomy");
                b.set("category.high", Source::Const(h.into()), "taxonomy");
                b.set("category.low", Source::Const(l.into()), "taxonomy");
            }
        }
    }
}

/// Windows audit keywords: bit 0x0020000000000000 is Audit Success, 0x0010000000000000 Audit
/// Failure. A constant when the cluster agrees, else an `if` on the values seen.
fn audit_status(slots: &Slots) -> Option<Source> {
    let s = slots.slots.iter().find(|s| s.key == "Keywords")?;
    let state = |v: &str| {
        let n = u64::from_str_radix(
            v.trim().trim_start_matches("0x").trim_start_matches("0X"),
            16,
        )
        .ok()?;
        if n & 0x0020_0000_0000_0000 != 0 {
            Some("success")
        } else if n & 0x0010_0000_0000_0000 != 0 {
            Some("failure")
        } else {
            None
        }
    };
    let vals: Vec<&String> = s.values.iter().flatten().collect();
    let states: Vec<&str> = vals.iter().map(|v| state(v)).collect::<Option<_>>()?;
    if vals.len() != s.values.len() || states.is_empty() {
        return None;
    }
    if states.iter().all(|x| *x == states[0]) {
        return Some(Source::Const(states[0].to_string()));
    }
    let ok: BTreeSet<String> = vals
        .iter()
        .filter(|v| state(v) == Some("success"))
        .map(|v| xp_syntax::printer::quote_str(v, '"'))
        .collect();
    let list = ok.into_iter().collect::<Vec<_>>().join(", ");
    Some(Source::Expr(format!(
        "if in_list([{list}], {}) then \"success\" else \"failure\" endif",
        s.expr
    )))
}

/// The string literals a COND compares with `==` (`$Channel == "System"` → `System`).
fn compared_values(head: &str) -> String {
    let mut out = String::new();
    let mut rest = head;
    while let Some(i) = rest.find("== \"") {
        let tail = &rest[i + 4..];
        let end = tail.find('"').unwrap_or(tail.len());
        out.push_str(&tail[..end]);
        out.push(' ');
        rest = &tail[end..];
    }
    out
}

/// The status from the first outcome key whose every value states one: a constant when the
/// cluster agrees, else an `if` on the value.
fn status_of(slots: &Slots) -> Option<Source> {
    for s in &slots.slots {
        if !lexicon::is_result_key(&s.key) {
            continue;
        }
        let vals: Vec<&String> = s.values.iter().flatten().collect();
        let states: Option<Vec<&str>> = vals.iter().map(|v| lexicon::status_word(v)).collect();
        let Some(states) = states.filter(|x| !x.is_empty()) else {
            continue;
        };
        // The outcome stays read per event even where every member agrees: the next event
        // may fail. The members' success words name it, their failure words when none
        // succeeded.
        let (named, other) = if states.iter().all(|x| *x == "failure") {
            ("failure", "success")
        } else {
            ("success", "failure")
        };
        let listed: BTreeSet<String> = vals
            .iter()
            .filter(|v| lexicon::status_word(v) == Some(named))
            .map(|v| xp_syntax::printer::quote_str(v, '"'))
            .collect();
        let list = listed.into_iter().collect::<Vec<_>>().join(", ");
        // A PAM stage before the session that succeeded leaves the login under way.
        let success = match pam_stage(slots) {
            None => "\"success\"".to_string(),
            Some(PamStages::All) => "\"ongoing\"".to_string(),
            Some(PamStages::Some { op, stages }) => {
                format!("if in_list([{stages}], {op}) then \"ongoing\" else \"success\" endif")
            }
        };
        let quoted = |st: &str| {
            if st == "success" {
                success.clone()
            } else {
                format!("\"{st}\"")
            }
        };
        return Some(Source::Expr(format!(
            "if in_list([{list}], {}) then {} else {} endif",
            s.expr,
            quoted(named),
            quoted(other)
        )));
    }
    avc_decision(slots).or_else(|| outcome_words(slots))
}

/// A value that can only be an outcome, whatever its key is called
/// (`"responseElements": {"ConsoleLogin": "Failure"}`).
fn outcome_word(v: &str) -> Option<&'static str> {
    match unquote(v).trim_matches('"').to_ascii_lowercase().as_str() {
        "success" | "succeeded" | "successful" => Some("success"),
        "failure" | "failed" => Some("failure"),
        _ => None,
    }
}

/// A slot whose every value is an outcome word states the status, read per event.
fn outcome_words(slots: &Slots) -> Option<Source> {
    let s = slots.slots.iter().find(|s| {
        s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| outcome_word(v).is_some())
    })?;
    Some(Source::Expr(format!(
        "if in_list([\"failure\", \"failed\"], lower({})) then \"failure\" else \"success\" endif",
        slot_expr(s)
    )))
}

/// An error key that some members fill (`"errorCode": "AccessDenied"`) and others leave out
/// or null: the event failed where it holds a value.
fn error_present(slots: &Slots) -> Option<Source> {
    let s = slots.slots.iter().find(|s| {
        lexicon::is_error_key(&s.key) && s.values.iter().flatten().any(|v| !unquote(v).is_empty())
    })?;
    Some(Source::Expr(format!(
        "if {e} != null and {e} != \"\" then \"failure\" else \"success\" endif",
        e = s.expr
    )))
}

/// The stages of a PAM conversation that come before the session: authenticating the user,
/// checking the account, establishing credentials (`op=PAM:authentication`,
/// `PAM:accounting`, `PAM:setcred`). One that succeeded is a step of a login still under way
/// (`ongoing`), as the session's opening is its completion.
const PAM_STAGES: &[&str] = &["PAM:authentication", "PAM:accounting", "PAM:setcred"];

enum PamStages {
    /// Every member's operation is such a stage.
    All,
    /// Some are: the operation's expression and those values (quoted, comma-separated).
    Some { op: String, stages: String },
}

/// The operation slot of a cluster of PAM records whose members name pre-session stages.
fn pam_stage(slots: &Slots) -> Option<PamStages> {
    let s = slots.slots.iter().find(|s| {
        s.key == "op"
            && s.values
                .iter()
                .flatten()
                .any(|v| PAM_STAGES.contains(&unquote(v)))
    })?;
    let stage = |v: &Option<String>| {
        v.as_deref()
            .is_some_and(|v| PAM_STAGES.contains(&unquote(v)))
    };
    if s.values.iter().all(stage) {
        return Some(PamStages::All);
    }
    let listed: BTreeSet<String> = s
        .values
        .iter()
        .flatten()
        .filter(|v| PAM_STAGES.contains(&unquote(v)))
        .map(|v| xp_syntax::printer::quote_str(unquote(v), '"'))
        .collect();
    Some(PamStages::Some {
        op: slot_expr(s),
        stages: listed.into_iter().collect::<Vec<_>>().join(", "),
    })
}

/// An SELinux access vector cache message states its decision first (`avc:  denied  {
/// send_msg } for …`, `avc:  granted …`); an AppArmor one as `apparmor="DENIED"` (a result
/// key). Where some members of the cluster were denied, the status is read per event.
fn avc_decision(slots: &Slots) -> Option<Source> {
    let s = slots.slots.iter().find(|s| {
        s.values
            .iter()
            .flatten()
            .any(|v| unquote(v).trim_start().starts_with("avc:") && v.contains(" denied "))
    })?;
    Some(Source::Expr(format!(
        "if find_substr({}, \" denied \") != null then \"failure\" else \"success\" endif",
        slot_expr(s)
    )))
}

/// What every rule states even when nothing above decided it, as the experts' rules do
/// (each of kb/dev's 637 expert events carries both): the event is informational
/// (`importance = "info"`, the lowest level) and, with no outcome key, failure word or audit
/// keyword against it, what it reports happened (`status = "success"`).
fn defaults(b: &mut Builder) {
    b.set("importance", Source::Const("info".into()), "default");
    b.set("status", Source::Const("success".into()), "default");
}

/// A Windows account written `DOMAIN\\name` (Sysmon's `User`, many `Account` keys) is two
/// fields: the domain and the name, read with `csv()` at the backslash when every value has
/// exactly one.
fn account_split(slots: &Slots, b: &mut Builder) {
    for prefix in ["subject.account", "object.account"] {
        let name = format!("{prefix}.name");
        let domain = format!("{prefix}.domain");
        if b.has(&domain) {
            continue;
        }
        let Some(Source::Expr(e)) = b.out.get(&name).map(|a| a.source.clone()) else {
            continue;
        };
        let Some(slot) = slots.slots.iter().find(|s| e == s.expr) else {
            continue;
        };
        let vals: Vec<&str> = slot.values.iter().flatten().map(|v| unquote(v)).collect();
        let split = |v: &str| {
            let mut parts = v.split('\\');
            matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(d), Some(n), None) if !d.is_empty() && !n.is_empty()
            )
        };
        if vals.is_empty() || !vals.iter().all(|v| split(v)) {
            continue;
        }
        let var = format!("${}_parts", prefix.replace('.', "_"));
        b.out.prelude.push(format!(
            "{var} = csv({e}, {}, \"\")",
            xp_syntax::printer::quote_str("\\", '"')
        ));
        for a in b.out.fields.iter_mut().filter(|a| a.field == name) {
            a.source = Source::Expr(format!("{var}[1]"));
            a.why = "account-split";
        }
        b.set(&domain, Source::Expr(format!("{var}[0]")), "account-split");
    }
}

/// In an event that a process started or stopped, the one process the event describes is the
/// object (Sysmon's `Image` in "Process creation", audit's execve `pid`/`ppid`, "A process has
/// exited"): keys a lexicon reads as the acting process (`Image` → subject.process.fullpath)
/// move to object.process.*, its parent's to object.process.parent.*. Where the event names
/// the new process apart (4688 `NewProcessName`), the other process is the creator: nothing
/// moves.
fn started_process_is_the_object(b: &mut Builder) {
    let act = matches!(b.out.constant("action"), Some("start" | "stop"));
    if !act || b.out.constant("object") != Some("process") {
        return;
    }
    let named_apart = b.out.fields.iter().any(|a| {
        a.field.starts_with("object.process.")
            && !a.field.starts_with("object.process.parent.")
            && !matches!(
                a.field.as_str(),
                "object.process.cmdline" | "object.process.meta"
            )
    });
    if named_apart {
        return;
    }
    let moved: Vec<usize> = (0..b.out.fields.len())
        .filter(|&i| b.out.fields[i].field.starts_with("subject.process."))
        .collect();
    for i in moved {
        let to = b.out.fields[i].field.replacen("subject.", "object.", 1);
        if b.has(&to) {
            b.out.fields[i].field = String::new();
        } else {
            b.out.fields[i].field = to;
        }
    }
    // The file the event names (audit execve's `PATH` record) is the started program, which
    // the process fields now say: it is no second object.
    b.out.fields.retain(|a| {
        !a.field.is_empty()
            && !matches!(
                a.field.as_str(),
                "object.fullpath" | "object.name" | "object.path" | "object.type" | "object.id"
            )
    });
}

/// A process start that names the new process apart from the process that made it
/// (Windows 4688: `NewProcessId` beside the creator's `ProcessId`; a `fork`'s child) reports
/// the creator, its subject, as the new process's parent too, when the two ids differ in
/// every member (an `exec` keeps its pid: the process that calls it is no parent).
fn creator_is_the_parent(slots: &Slots, b: &mut Builder) {
    let act = matches!(b.out.constant("action"), Some("start"));
    if !act || b.out.constant("object") != Some("process") {
        return;
    }
    let values = |f: &str| -> Option<Vec<Option<String>>> {
        let Some(Source::Expr(e)) = b.out.get(f).map(|a| &a.source) else {
            return None;
        };
        slots
            .slots
            .iter()
            .find(|s| e.contains(s.expr.as_str()))
            .map(|s| s.values.clone())
    };
    let (Some(new), Some(creator)) = (values("object.process.id"), values("subject.process.id"))
    else {
        return;
    };
    let differ = new
        .iter()
        .zip(&creator)
        .all(|(n, c)| matches!((n, c), (Some(n), Some(c)) if n != c));
    if !differ {
        return;
    }
    // The creator stays the actor too: it is the subject that started the process.
    let copies: Vec<(String, Source)> = b
        .out
        .fields
        .iter()
        .filter_map(|a| {
            let rest = a.field.strip_prefix("subject.process.")?;
            let to = format!("object.process.parent.{rest}");
            (!rest.starts_with("parent.") && Taxonomy::embedded().get(&to).is_some())
                .then(|| (to, a.source.clone()))
        })
        .collect();
    for (to, source) in copies {
        b.set(&to, source, "creator");
    }
}

/// A PAM record (`acct="jr" exe="/usr/sbin/sshd"`) is written by the service a user goes
/// through for the account `acct`. When the user logs in or out, that service is the
/// system's side of the act, not the actor: its process is the object's, and the user
/// `acct` the subject.
fn login_service_is_the_object(slots: &Slots, b: &mut Builder) {
    if !matches!(b.out.constant("action"), Some("login" | "logout")) {
        return;
    }
    let record = |s: &Slot| s.expr.split('[').next().unwrap_or("").to_string();
    let pam = slots.slots.iter().any(|e| {
        e.key == "exe"
            && slots
                .slots
                .iter()
                .any(|a| a.key == "acct" && record(a) == record(e))
    });
    if !pam
        || b.out
            .fields
            .iter()
            .any(|a| a.field.starts_with("object.process."))
    {
        return;
    }
    for a in &mut b.out.fields {
        if a.field.starts_with("subject.process.") {
            a.field = a.field.replacen("subject.", "object.", 1);
        }
    }
    // The actor is the user who logs in (`acct`), with the login identity (`auid`) when it
    // is set; the service's own user (`uid=0`, root) is not them.
    let find = |k: &str| slots.slots.iter().find(|s| s.key == k);
    let mut replace = |field: &str, slot: Option<&Slot>| {
        let Some(s) = slot else { return };
        b.out.fields.retain(|a| a.field != field);
        // Unset in every member (`auid=4294967295`): no field.
        if let Some(e) = guarded(s, slot_expr(s)) {
            b.set(field, Source::Expr(e), "lexicon");
        }
    };
    replace("subject.account.name", find("acct"));
    replace("subject.account.id", find("auid"));
}

/// What every CEF rule states from the header: the vendor and product as the event source
/// (`event_src.vendor`, `event_src.title` in the taxonomy's spelling; they outweigh what the
/// nearest rule of another source said), the signature id as msgid, the severity as importance.
fn cef_conventions(head: &str, h: &crate::cef::Header, b: &mut Builder) {
    use crate::cef::{self, Part};
    for (part, field) in [
        (&h.vendor, "event_src.vendor"),
        (&h.product, "event_src.title"),
    ] {
        if let Part::Literal(v) = part {
            if let Some(name) = cef::source_name(v) {
                b.out
                    .fields
                    .retain(|a| !(a.field == field && a.why == "nearest"));
                b.set(field, Source::Const(name), "cef");
            }
        }
    }
    match &h.signature {
        Part::Literal(s) if !s.trim().is_empty() => {
            b.set("msgid", Source::Const(s.trim().to_string()), "cef");
        }
        Part::Var(v) => b.set("msgid", Source::Expr(v.clone()), "cef"),
        Part::Literal(_) => {}
    }
    match &h.severity {
        Part::Literal(s) => {
            if let Some(i) = cef::importance(s) {
                b.set("importance", Source::Const(i.into()), "cef");
            }
        }
        Part::Var(v) if head.contains(&format!("{{{v}=NUMBER}}")) => {
            b.set("importance", Source::Expr(cef::importance_expr(v)), "cef");
        }
        Part::Var(_) => {}
    }
}

/// An event that came from a remote address and names no destination happened on the host
/// that reports it: the reporting host is the destination (`dst.*` = `event_src.*`), as in
/// a network logon or a share access (kb/dev: 50 of the 64 such expert events).
fn reporting_host_is_destination(b: &mut Builder) {
    let inbound = matches!(
        b.out.constant("action"),
        Some("login" | "logout" | "access")
    );
    if !inbound || !b.has("src.ip") || b.out.fields.iter().any(|a| a.field.starts_with("dst.")) {
        return;
    }
    for part in ["ip", "hostname", "fqdn"] {
        if let Some(a) = b.out.get(&format!("event_src.{part}")) {
            let source = a.source.clone();
            b.set(&format!("dst.{part}"), source, "reporting-host");
        }
    }
}

/// `object` names what the rule's `object.*` fields describe when nothing else said it: a
/// process, or the file-system or registry object a path names. Whether anything was set.
fn object_from_fields(slots: &Slots, b: &mut Builder) -> bool {
    if b.has("object") {
        return false;
    }
    let has = |p: &str| b.out.fields.iter().any(|a| a.field.starts_with(p));
    // Not `object.account.*`: owners of files and ids of targets are that too (audit `ouid`).
    let object = if has("object.process.") {
        "process"
    } else if let Some(Source::Expr(e)) = b.out.get("object.fullpath").map(|a| &a.source) {
        let Some(slot) = slots.slots.iter().find(|s| e.contains(s.expr.as_str())) else {
            return false;
        };
        let vals: Vec<&str> = slot.values.iter().flatten().map(|v| unquote(v)).collect();
        let registry = |v: &str| {
            let u = v.to_ascii_uppercase();
            u.starts_with("HK") || u.starts_with("\\REGISTRY\\")
        };
        let file =
            |v: &str| v.starts_with('/') || v.get(1..3) == Some(":\\") || v.starts_with("\\\\");
        if !vals.is_empty() && vals.iter().all(|v| registry(v)) {
            "reg_object"
        } else if !vals.is_empty() && vals.iter().all(|v| file(v)) {
            "file_object"
        } else {
            return false;
        }
    } else {
        return false;
    };
    b.set("object", Source::Const(object.into()), "fields");
    true
}

/// `subject` names what the rule's `subject.*` fields describe: an account when they are
/// all `subject.account.*`, a process when they are all `subject.process.*` (the taxonomy's
/// own reading; kb/dev's expert outputs agree in 213 of 232 such events).
fn subject_from_fields(b: &mut Builder) {
    if b.has("subject") {
        return;
    }
    let has = |p: &str| b.out.fields.iter().any(|a| a.field.starts_with(p));
    // A named account acts through its process; a process with only a numeric owner is the
    // actor itself (the experts' choice in 8 of 10 such events across their sources).
    let subject = if has("subject.account.name") {
        "account"
    } else if has("subject.process.") {
        "process"
    } else if has("subject.account.") {
        "account"
    } else {
        return;
    };
    b.set("subject", Source::Const(subject.into()), "fields");
}

/// One value names one account: when the subject's and the object's account read the same
/// value (`session opened for user alice`, learned as the subject from one rule and as the
/// object from another), it is the subject's — the account acting — unless the act switches
/// identity (`elevate`, `deelevate`: the account switched to is the object).
fn one_side_per_account(b: &mut Builder) {
    let switch = matches!(b.out.constant("action"), Some("elevate" | "deelevate"));
    for part in ["name", "id"] {
        let subject = format!("subject.account.{part}");
        let object = format!("object.account.{part}");
        let same = match (b.out.get(&subject), b.out.get(&object)) {
            (Some(s), Some(o)) => {
                matches!((&s.source, &o.source), (Source::Expr(a), Source::Expr(c)) if a == c)
            }
            _ => false,
        };
        if same {
            let drop = if switch { subject } else { object };
            b.out.fields.retain(|a| a.field != drop);
        }
    }
    // The object account's name is the object's name: not a second, generic one.
    let same = match (b.out.get("object.account.name"), b.out.get("object.name")) {
        (Some(a), Some(o)) => {
            matches!((&a.source, &o.source), (Source::Expr(x), Source::Expr(y)) if x == y)
        }
        _ => false,
    };
    if same {
        b.out.fields.retain(|a| a.field != "object.name");
    }
}

/// A systemd unit a message names (`Started nginx.service`, `nginx.service: Main process
/// exited`) is the object: a service, named by the unit (a constant, or the capture that holds
/// it). Whether the object changed.
fn systemd_unit_object(members: &[&str], slots: &Slots, b: &mut Builder) -> bool {
    let units: Option<Vec<&str>> = members
        .iter()
        .map(|m| {
            let body = ingest::syslog::parse(m).map_or(*m, |h| &m[h.body.min(m.len())..]);
            crate::prose::systemd_unit(body)
        })
        .collect();
    let Some(units) = units.filter(|u| !u.is_empty()) else {
        return false;
    };
    if !units.iter().all(|u| u.ends_with(".service")) {
        return false;
    }
    if !matches!(
        b.out.constant("object"),
        None | Some("process" | "application" | "service")
    ) {
        return false;
    }
    let name = if units.iter().all(|u| *u == units[0]) {
        Some(Source::Const(units[0].to_string()))
    } else {
        // The slots read a sample of the members: each of its values is one of the units.
        slots.slots.iter().find_map(|s| {
            let vals: Vec<&str> = s.values.iter().flatten().map(|v| unquote(v)).collect();
            if vals.is_empty() || vals.len() != s.values.len() {
                None
            } else if vals.iter().all(|v| units.contains(v)) {
                Some(Source::Expr(slot_expr(s)))
            } else if vals
                .iter()
                .all(|v| units.contains(&format!("{v}.service").as_str()))
            {
                Some(Source::Expr(format!("{} + \".service\"", slot_expr(s))))
            } else {
                None
            }
        })
    };
    b.out.fields.retain(|a| {
        !(a.field == "object" || a.field.starts_with("object.process.") && a.why != "kb")
    });
    b.set("object", Source::Const("service".into()), "systemd-unit");
    if let Some(n) = name {
        b.set("object.name", n, "systemd-unit");
    }
    true
}

/// A switch-user program's (`su`, `sudo`) session or authentication changes the identity the
/// user acts with: the experts' `elevate` (and `deelevate` when the session ends) on the
/// account, not a login to the system.
/// Whether it changed the act.
fn switch_user_acts(b: &mut Builder) -> bool {
    let action = b.out.get("action").map(|a| a.source.clone());
    let act = match action {
        Some(Source::Const(a)) if a == "login" || a == "open" || a == "start" => "elevate",
        Some(Source::Const(a)) if a == "logout" || a == "close" || a == "stop" => "deelevate",
        Some(_) => return false,
        // A record that names the command it ran (sudo's `COMMAND=`) reports the command.
        None if b.has("object.process.cmdline") => {
            b.set("action", Source::Const("execute".into()), "switch-user");
            b.set("object", Source::Const("command".into()), "switch-user");
            return true;
        }
        None => "elevate",
    };
    b.out
        .fields
        .retain(|a| !matches!(a.field.as_str(), "action" | "object"));
    b.set("action", Source::Const(act.into()), "switch-user");
    b.set("object", Source::Const("account".into()), "switch-user");
    true
}

/// Severity words and the importance they state: the highest levels of syslog, application
/// log levels and alert scales are `high`, errors `medium`, warnings and notices `low`,
/// information and debugging `info`.
const SEVERITY_WORDS: &[(&str, &[&str])] = &[
    (
        "high",
        &[
            "emerg",
            "emergency",
            "alert",
            "crit",
            "critical",
            "fatal",
            "high",
        ],
    ),
    ("medium", &["err", "error", "medium"]),
    ("low", &["warn", "warning", "notice", "low"]),
    ("info", &["info", "informational", "debug", "trace"]),
];

/// A severity or level key whose every value is a severity word (`"severity": "high"`,
/// `level=error`) states the importance, read per event.
fn severity_words(slots: &Slots, b: &mut Builder) {
    if b.has("importance") {
        return;
    }
    let known = |v: &str| {
        let v = unquote(v).trim_matches('"').to_ascii_lowercase();
        SEVERITY_WORDS
            .iter()
            .any(|(_, ws)| ws.contains(&v.as_str()))
    };
    let Some(s) = slots.slots.iter().find(|s| {
        matches!(
            lexicon::normalize_key(&s.key).as_str(),
            "severity" | "level" | "loglevel" | "severitylevel" | "priority" | "sev"
        ) && s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| known(v))
    }) else {
        return;
    };
    let mut e = String::new();
    for (i, (imp, words)) in SEVERITY_WORDS.iter().take(3).enumerate() {
        let list: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
        let word = if i == 0 { "if" } else { " elif" };
        e.push_str(&format!(
            "{word} in_list([{}], lower({})) then \"{imp}\"",
            list.join(", "),
            slot_expr(s)
        ));
    }
    e.push_str(" else \"info\" endif");
    b.set("importance", Source::Expr(e), "severity");
}

/// The importance of a severity word, if it is one.
fn severity_of(word: &str) -> Option<&'static str> {
    let w = word.to_ascii_lowercase();
    SEVERITY_WORDS
        .iter()
        .find(|(_, ws)| ws.contains(&w.as_str()))
        .map(|(imp, _)| *imp)
}

/// A TEXT message's log level: a capture whose every value is an upper-case level word
/// (`INFO`, `WARN`, `ERROR`), read per event; else a level the header writes as constant text,
/// an upper-case word (`FATAL:`, `- WARN [`) or bracketed in any case (`[error]`).
fn text_level(head: &str, slots: &Slots, b: &mut Builder) {
    if b.has("importance") {
        return;
    }
    let upper_level = |v: &str| {
        let v = unquote(v);
        !v.is_empty() && v.bytes().all(|c| c.is_ascii_uppercase()) && severity_of(v).is_some()
    };
    if let Some(s) = slots.slots.iter().find(|s| {
        s.values.iter().flatten().next().is_some()
            && s.values.iter().flatten().all(|v| upper_level(v))
    }) {
        let key = Slot {
            key: "level".into(),
            ..s.clone()
        };
        severity_words(
            &Slots {
                prelude: Vec::new(),
                slots: vec![key],
            },
            b,
        );
        return;
    }
    // The header's literal text (the format string, quotes and captures left out).
    let Some(start) = head.find("TEXT = '") else {
        return;
    };
    let template = &head[start + 8..];
    let mut literal = String::new();
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            '\'' if depth == 0 => break,
            _ if depth == 0 => literal.push(c),
            _ => literal.push(' '),
        }
    }
    let level = literal.split_whitespace().find_map(|w| {
        let bracketed = w
            .strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .or_else(|| w.strip_prefix('<').and_then(|x| x.strip_suffix('>')));
        match bracketed {
            Some(x) => severity_of(x),
            None => {
                let x = w.strip_suffix(':').unwrap_or(w);
                (x.len() >= 3 && x.bytes().all(|c| c.is_ascii_uppercase()))
                    .then(|| severity_of(x))
                    .flatten()
            }
        }
    });
    if let Some(imp) = level {
        b.set("importance", Source::Const(imp.into()), "level");
    }
}

/// A verdict on traffic (`allow`, `deny` a connection) is a rule's act (the experts' firewall rules:
/// `subject = "rule"`): the process whose connection was judged is the object, and the
/// verdict carried out is a success, whatever word it is told with (`blocked` is no failure
/// of the filter).
fn verdict_of_a_rule(b: &mut Builder) {
    if !matches!(b.out.constant("action"), Some("allow" | "deny"))
        || b.out.constant("object") != Some("connection")
    {
        return;
    }
    if b.out.constant("subject") != Some("rule") {
        b.out.fields.retain(|a| a.field != "subject");
        b.set("subject", Source::Const("rule".into()), "verdict");
    }
    if b.out.constant("status") == Some("failure") {
        b.out.fields.retain(|a| a.field != "status");
        b.set("status", Source::Const("success".into()), "verdict");
    }
    if !b
        .out
        .fields
        .iter()
        .any(|a| a.field.starts_with("object.process."))
    {
        // The program that logged the line (`kernel:`) is the reporter, not the process.
        for a in b.out.fields.iter_mut().filter(|a| a.why != "syslog") {
            if let Some(rest) = a.field.strip_prefix("subject.process.") {
                a.field = format!("object.process.{rest}");
            }
        }
    }
}

/// What a program's record says was done, where the program states it better than the
/// record's type: a switch-user program's session or authentication (`su`, `sudo`) raises
/// the user (`elevate` or `deelevate` the account); an account or group tool
/// (`schema/unix-programs.tsv`: `groupmod` modifies a user group) does its own act where the
/// record only reports an access check or a login (auditd's `USER_ACCT` by `groupmod`).
fn program_act(program: &str, action: &str) -> Option<(&'static str, &'static str)> {
    if crate::prose::is_switch_user_program(program) {
        return match action {
            "login" | "open" | "start" => Some(("elevate", "account")),
            "logout" | "close" | "stop" => Some(("deelevate", "account")),
            _ => None,
        };
    }
    if matches!(action, "create" | "modify" | "remove") {
        return None;
    }
    let base = program.rsplit('/').next().unwrap_or(program);
    crate::catalog::account_managers()
        .iter()
        .find(|(n, _, _)| *n == base)
        .map(|(_, a, o)| (*a, *o))
}

/// The programs whose records [`program_act`] reads as `(action, object)`, as an XP list
/// literal: every switch-user program for elevate/deelevate, else every tool with that act.
fn programs_with(act: (&str, &str)) -> String {
    if matches!(act.0, "elevate" | "deelevate") {
        return crate::prose::switch_user_list();
    }
    let names: Vec<String> = crate::catalog::account_managers()
        .iter()
        .filter(|(n, a, o)| (*a, *o) == act && !crate::prose::is_switch_user_program(n))
        .map(|(n, _, _)| format!("\"{n}\""))
        .collect();
    format!("[{}]", names.join(", "))
}

/// An act: `(action, object)`.
type Act<'a> = (&'a str, &'a str);
/// Fields and their constant values.
type FieldValues<'a> = BTreeMap<&'a str, String>;

impl Retrieval<'_> {
    /// A structured record type that several programs write (auditd's `USER_START` by sshd,
    /// gdm and su alike, `USER_ACCT` by sshd and groupmod): where some members were written by
    /// a program whose act [`program_act`] knows, the act is read per event (through
    /// `$program_name`, the executable's base name), with each act's
    /// object, subject and categories; the record's own act stays for the others.
    fn program_acts_per_event(&self, head: &str, slots: &Slots, b: &mut Builder) {
        let Some(Source::Const(action)) = b.out.get("action").map(|a| a.source.clone()) else {
            return;
        };
        let base = |v: &str| {
            let v = unquote(v).trim_matches('"');
            v.rsplit('/').next().unwrap_or(v).to_string()
        };
        // The program as a slot (its values).
        let Some(program) = slots.slots.iter().find(|s| {
            matches!(s.key.as_str(), "exe" | "comm" | "program" | "process")
                && s.values
                    .iter()
                    .flatten()
                    .any(|v| program_act(&base(v), &action).is_some())
        }) else {
            return;
        };
        let acts: BTreeSet<(&str, &str)> = program
            .values
            .iter()
            .flatten()
            .filter_map(|v| program_act(&base(v), &action))
            .collect();
        let all = program.values.iter().all(|v| {
            v.as_deref()
                .is_some_and(|v| program_act(&base(v), &action).is_some())
        });
        let name = ["object.process.name", "subject.process.name"]
            .iter()
            .find_map(|f| match b.out.get(f).map(|a| &a.source) {
                Some(Source::Expr(e)) => Some(e.clone()),
                _ => None,
            });
        let fields = [
            "action",
            "object",
            "subject",
            "category.generic",
            "category.high",
            "category.low",
        ];
        let old: BTreeMap<&str, String> = fields
            .into_iter()
            .filter_map(|f| match b.out.get(f).map(|a| &a.source) {
                Some(Source::Const(v)) => Some((f, v.clone())),
                _ => None,
            })
            .collect();
        // Each act's values of the fields.
        let of_act = |(a, o): (&str, &str)| {
            let mut m: BTreeMap<&str, String> = BTreeMap::new();
            m.insert("action", a.to_string());
            m.insert("object", o.to_string());
            for f in [
                "subject",
                "category.generic",
                "category.high",
                "category.low",
            ] {
                if let Some(v) = self.kb.precedent(f, a, Some(o)) {
                    m.insert(f, v);
                }
            }
            if let Some((g, h, l)) = lexicon::object_category(a, o) {
                m.entry("category.generic").or_insert_with(|| g.into());
                m.entry("category.high").or_insert_with(|| h.into());
                m.entry("category.low").or_insert_with(|| l.into());
            }
            m
        };
        let per_act: Vec<(Act, FieldValues)> = acts.iter().map(|&a| (a, of_act(a))).collect();
        if all && per_act.len() == 1 {
            for (f, v) in &per_act[0].1 {
                b.out.fields.retain(|a| a.field != *f);
                b.set(f, Source::Const(v.clone()), "program");
            }
            return;
        }
        let Some(name) = name else {
            return;
        };
        // A variable of its own, unless the header or another statement already has it.
        if head.contains("$program_name")
            || b.out.prelude.iter().any(|p| p.contains("$program_name"))
        {
            return;
        }
        b.out.prelude.push(format!("$program_name = {name}"));
        for f in fields {
            let default = old.get(f);
            let values: Vec<(String, Option<&String>)> = per_act
                .iter()
                .map(|(a, m)| (programs_with(*a), m.get(f)))
                .collect();
            // A field an act leaves unknown, or that no member keeps, stays as it was.
            if values.iter().any(|(_, v)| v.is_none())
                || (!all && default.is_none())
                || values.iter().all(|(_, v)| *v == default)
            {
                continue;
            }
            let q = |v: &str| xp_syntax::printer::quote_str(v, '"');
            let mut e = String::new();
            for (i, (list, v)) in values.iter().enumerate() {
                let v = v.map(|v| q(v)).unwrap_or_default();
                let word = if i == 0 { "if" } else { " elif" };
                e.push_str(&format!("{word} in_list({list}, $program_name) then {v}"));
            }
            match default {
                Some(d) => e.push_str(&format!(" else {} endif", q(d))),
                None => e.push_str(" endif"),
            }
            b.out.fields.retain(|a| a.field != f);
            b.set(f, Source::Expr(e), "program");
        }
    }
}

/// The syslog program every member names (`postgres` of `postgres[812]:`), if they agree.
fn shared_program(members: &[&str]) -> Option<String> {
    let mut app: Option<String> = None;
    for m in members {
        let a = ingest::syslog::parse(m).and_then(|h| h.app)?;
        match &app {
            Some(x) if *x != a => return None,
            Some(_) => {}
            None => app = Some(a),
        }
    }
    app
}

/// The program of a syslog header that every member shares (`sshd[812]:`) is the process that
/// wrote the event and the subsystem of its source.
fn syslog_program(members: &[&str], b: &mut Builder) {
    let mut app: Option<String> = None;
    for m in members {
        let Some(a) = ingest::syslog::parse(m).and_then(|h| h.app) else {
            return;
        };
        match &app {
            Some(x) if *x != a => return,
            Some(_) => {}
            None => app = Some(a),
        }
    }
    let app = app.map(|a| a.rsplit('/').next().unwrap_or_default().to_string());
    let Some(app) = app.filter(|a| {
        !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    }) else {
        return;
    };
    // The program outweighs what the nearest rule of another program said of the source
    // (an sshd rule's `event_src.subsys = "sshd"`, `event_src.vendor = "openbsd"`).
    let other = b
        .out
        .get("event_src.subsys")
        .is_some_and(|a| a.why == "nearest" && !matches!(&a.source, Source::Const(v) if *v == app));
    b.out.fields.retain(|a| {
        !(a.why == "nearest"
            && (a.field == "event_src.subsys" || other && a.field == "event_src.vendor"))
    });
    b.set("subject.process.name", Source::Const(app.clone()), "syslog");
    // A program of the operating system itself: the source is the system.
    if crate::catalog::is_unix_program(&app) {
        b.set(
            "event_src.title",
            Source::Const("unix_like".into()),
            "syslog",
        );
        b.set(
            "event_src.category",
            Source::Const("Operating system".into()),
            "syslog",
        );
    }
    b.set("event_src.subsys", Source::Const(app), "syslog");
}

/// In a logon event (it has a logon type) the target account is the one logging on: it is
/// the subject, and the reporting account (Windows `Subject*`, often the machine itself or
/// nobody) gives way.
/// Whether it did.
fn logon_target_is_subject(known: &mut Vec<(&Slot, (&'static str, Transform, usize))>) -> bool {
    if !known.iter().any(|(_, (f, _, _))| *f == "logon_type") {
        return false;
    }
    let target = |s: &Slot| lexicon::normalize_key(&s.key).starts_with("target");
    if !known
        .iter()
        .any(|(s, (f, _, _))| target(s) && f.starts_with("object.account."))
    {
        return false;
    }
    known.retain(|(s, (f, _, _))| target(s) || !f.starts_with("subject.account."));
    for (s, (f, _, _)) in known.iter_mut() {
        if target(s) {
            if let Some(rest) = f.strip_prefix("object.account.") {
                *f = match rest {
                    "name" => "subject.account.name",
                    "domain" => "subject.account.domain",
                    "id" => "subject.account.id",
                    "session_id" => "subject.account.session_id",
                    _ => f,
                };
            }
        }
    }
    true
}

/// A host key whose values are addresses in some events and names in others (auditd `node`):
/// `event_src.ip` where the value is an address, the name fields where it is not.
/// For a slot whose every value is a bare date (`2025-03-10`), a slot of clock times
/// (`06:50:02`, `06:50:02.123`) that goes with it.
fn clock_of<'a>(s: &Slot, slots: &'a Slots) -> Option<&'a Slot> {
    let all = |sl: &Slot, f: &dyn Fn(&[u8]) -> bool| {
        let vs: Vec<&String> = sl.values.iter().flatten().collect();
        !vs.is_empty() && vs.iter().all(|v| f(unquote(v).as_bytes()))
    };
    // A bare date, or what a DATETIME capture makes of one (midnight).
    let date = |b: &[u8]| {
        let b = b.strip_suffix(b"T00:00:00.000Z").unwrap_or(b);
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    };
    let clock = |b: &[u8]| {
        b.len() >= 8
            && b[2] == b':'
            && b[5] == b':'
            && b.iter().enumerate().all(|(i, c)| {
                i == 2 || i == 5 || c.is_ascii_digit() || (i >= 8 && matches!(c, b'.' | b','))
            })
    };
    if !all(s, &date) {
        return None;
    }
    slots
        .slots
        .iter()
        .find(|c| c.key.to_ascii_lowercase().contains("time") && all(c, &clock))
}

/// The slot of the same record as `s` (one `keyvalue()` helper) that the lexicon reads as the
/// source address.
fn peer_address<'a>(s: &Slot, slots: &'a Slots) -> Option<&'a Slot> {
    // Audit (and PAM) name them `hostname` and `addr`; a firewall's `devname` beside its
    // `srcip` is the reporting device.
    if s.key != "hostname" {
        return None;
    }
    let var = s.expr.split('[').next().filter(|v| v.starts_with("$kv"))?;
    slots
        .slots
        .iter()
        .find(|o| o.expr.split('[').next() == Some(var) && o.key == "addr")
}

fn host_or_address(s: &Slot, b: &mut Builder) {
    let vals: Vec<&String> = s.values.iter().flatten().collect();
    let is_ip = |v: &&String| v.trim().parse::<std::net::IpAddr>().is_ok();
    let names: Vec<&&String> = vals.iter().filter(|v| !is_ip(v)).collect();
    if names.is_empty() || names.len() == vals.len() {
        return;
    }
    let e = &s.expr;
    let name = format!("maybe_ipv4({e}) == null and maybe_ipv6({e}) == null");
    b.set(
        "event_src.ip",
        Source::Expr(format!("if not ({name}) then {e} endif")),
        "host-split",
    );
    if names.iter().all(|v| !v.contains('.')) {
        b.set(
            "event_src.hostname",
            Source::Expr(format!("if {name} then lower({e}) endif")),
            "host-split",
        );
    } else if names.iter().all(|v| v.contains('.')) {
        b.set(
            "event_src.fqdn",
            Source::Expr(format!("if {name} then lower({e}) endif")),
            "host-split",
        );
        b.set(
            "event_src.hostname",
            Source::Expr(format!(
                "if {name} then lower(substr({e}, 0, find_substr({e}, \".\"))) endif"
            )),
            "host-split",
        );
    }
}

/// The experts' host idiom: a value with dots is an FQDN whose first label is the hostname;
/// one without is a hostname; when members differ, the split is written per event.
fn host_split(slots: &Slots, b: &mut Builder) {
    let from = |f: &str| {
        b.out.get(f).and_then(|a| match &a.source {
            Source::Expr(e) => slots
                .slots
                .iter()
                .find(|s| *e == s.expr || *e == format!("lower({})", s.expr))
                .cloned(),
            Source::Const(_) => None,
        })
    };
    let Some(s) = from("event_src.fqdn").or_else(|| from("event_src.hostname")) else {
        return;
    };
    let vals: Vec<&String> = s.values.iter().flatten().collect();
    let dotted = vals
        .iter()
        .all(|v| v.contains('.') && v.parse::<std::net::IpAddr>().is_err());
    let plain = vals.iter().all(|v| !v.contains('.'));
    b.out
        .fields
        .retain(|a| a.field != "event_src.fqdn" && a.field != "event_src.hostname");
    let e = &s.expr;
    if dotted {
        b.set(
            "event_src.fqdn",
            Source::Expr(format!("lower({e})")),
            "host-split",
        );
        b.set(
            "event_src.hostname",
            Source::Expr(format!("lower(substr({e}, 0, find_substr({e}, \".\")))")),
            "host-split",
        );
    } else if plain {
        b.set(
            "event_src.hostname",
            Source::Expr(format!("lower({e})")),
            "host-split",
        );
    } else if vals.iter().all(|v| v.parse::<std::net::IpAddr>().is_err()) {
        // Some names dotted, some not: the same split, decided per event.
        let dot = format!("find_substr({e}, \".\")");
        b.set(
            "event_src.fqdn",
            Source::Expr(format!("if {dot} != null then lower({e}) endif")),
            "host-split",
        );
        b.set(
            "event_src.hostname",
            Source::Expr(format!(
                "if {dot} != null then lower(substr({e}, 0, {dot})) else lower({e}) endif"
            )),
            "host-split",
        );
    }
}

/// A path relative to the process's working directory (audit `PATH` records name what the
/// call was given: `toor`, `./x`, `.`) is made full with that directory (`/root/toor`).
fn relative_to_cwd(slots: &Slots, b: &mut Builder) {
    let (Some(Source::Expr(e)), Some(Source::Expr(cwd))) = (
        b.out.get("object.fullpath").map(|a| a.source.clone()),
        b.out.get("subject.process.cwd").map(|a| a.source.clone()),
    ) else {
        return;
    };
    let Some(slot) = slots.slots.iter().find(|s| e.contains(s.expr.as_str())) else {
        return;
    };
    let relative = slot
        .values
        .iter()
        .flatten()
        .map(|v| unquote(v))
        .any(|v| !v.is_empty() && !v.starts_with('/'));
    if !relative {
        return;
    }
    b.out.prelude.push(format!("$object_given_path = {e}"));
    let p = "$object_given_path";
    let joined = format!(
        "if {p} == null or substr({p}, 0, 1) == \"/\" then {p} elif {p} == \".\" then {cwd} \
         else replace({cwd} + \"/\" + strip({p}, \"./\", \"\"), \"/\", \"//\") endif"
    );
    if let Some(a) = b
        .out
        .fields
        .iter_mut()
        .find(|a| a.field == "object.fullpath")
    {
        a.source = Source::Expr(joined);
        a.why = "cwd";
    }
}

/// The experts' path idiom: a full path gives the name (its last component) and the path
/// (the rest, separator included), read with `csv()` on the separator the values use.
/// A command line is not the program's path: when the value a process's `cmdline` reads is
/// also its `fullpath` (learned from records whose commands had no arguments), the path is the
/// command line's first word.
fn command_line_is_no_path(b: &mut Builder) {
    for prefix in ["subject.process", "object.process"] {
        let full = format!("{prefix}.fullpath");
        let cmd = format!("{prefix}.cmdline");
        let same = match (b.out.get(&full), b.out.get(&cmd)) {
            (Some(f), Some(c)) => f.source == c.source,
            _ => false,
        };
        if let (true, Some(Source::Expr(e))) = (same, b.out.get(&cmd).map(|a| a.source.clone())) {
            b.out.fields.retain(|a| a.field != full);
            b.set(
                &full,
                Source::Expr(format!("csv({e}, \" \", \"\")[0]")),
                "command-line",
            );
        }
    }
}

fn path_split(slots: &Slots, b: &mut Builder) {
    for prefix in [
        "subject.process",
        "object.process",
        "object",
        "subject.process.parent",
        "object.process.parent",
    ] {
        let full = format!("{prefix}.fullpath");
        let Some(Source::Expr(e)) = b.out.get(&full).map(|a| a.source.clone()) else {
            continue;
        };
        let Some(slot) = slots.slots.iter().find(|s| e.contains(s.expr.as_str())) else {
            continue;
        };
        let vals: Vec<&str> = slot.values.iter().flatten().map(|v| unquote(v)).collect();
        let joined = b.out.get(&full).is_some_and(|a| a.why == "cwd");
        let sep = if joined || vals.iter().all(|v| v.contains('/') && !v.ends_with('/')) {
            "/"
        } else if vals.iter().all(|v| v.contains('\\') && !v.ends_with('\\')) {
            "\\"
        } else {
            continue;
        };
        let var = format!("${}_parts", prefix.replace('.', "_"));
        let name = format!("{var}[length({var}) - 1]");
        b.out.prelude.push(format!(
            "{var} = csv({e}, {}, \"\")",
            xp_syntax::printer::quote_str(sep, '"')
        ));
        // The path names the program; a name read elsewhere may be cut short (the kernel's
        // `comm` holds 15 bytes: `gnome-keyring-d`) or be the interpreter's (`python` for
        // `/usr/bin/python2.7`).
        let short = format!("{prefix}.name");
        b.out
            .fields
            .retain(|a| !(a.field == short && a.why == "lexicon"));
        b.set(&short, Source::Expr(name.clone()), "path-split");
        b.set(
            &format!("{prefix}.path"),
            Source::Expr(format!("strip({e}, \"\", {name})")),
            "path-split",
        );
    }
}

impl FieldAssigner for Retrieval<'_> {
    fn name(&self) -> &str {
        "retrieval"
    }

    /// Clusters are assigned independently of each other: on every core.
    fn assign_all(&self, clusters: &[ClusterView<'_>]) -> Vec<Assignment> {
        format_synth::par::par_map(clusters, |_, c| self.assign(c))
    }

    /// The engine computes: a batch of 512 clusters and their packages takes about 0.1 s on
    /// two cores (a log of 100,000 event types), short enough for a stop request to wait, long
    /// enough that the cores rarely wait for each other (16 s to build those packages in
    /// batches of 32, 11 s in batches of 512).
    fn batch(&self) -> usize {
        512
    }

    fn assign(&self, view: &ClusterView<'_>) -> Assignment {
        let members: Vec<&str> = spread(view.members, self.th.samples);
        let slots = slots::read(view.kind, view.head, view.captures, &members);
        let mut b = Builder {
            out: Assignment {
                prelude: slots.prelude.clone(),
                fields: Vec::new(),
            },
        };
        self.kb_rules(view, &slots, &members, &mut b);
        // The identifier is the type by construction: it names msgid before key statistics do.
        if let Some(id) = view.identifier {
            msgid_from_identifier(id, &slots, &mut b);
        }
        self.learned(view, &slots, &mut b);
        self.nearest(view, &slots, &mut b);
        self.lexicon(view, &slots, &mut b);
        started_process_is_the_object(&mut b);
        creator_is_the_parent(&slots, &mut b);
        login_service_is_the_object(&slots, &mut b);
        host_split(&slots, &mut b);
        reporting_host_is_destination(&mut b);
        account_split(&slots, &mut b);
        relative_to_cwd(&slots, &mut b);
        command_line_is_no_path(&mut b);
        path_split(&slots, &mut b);
        if object_from_fields(&slots, &mut b) {
            self.categories(&mut b);
        }
        subject_from_fields(&mut b);
        process_user(&slots, &mut b);
        program_arguments(&slots, &mut b);
        managed_account(&slots, &mut b);
        socket_address(view.identifier, &slots, &mut b);
        one_side_per_account(&mut b);
        self.program_acts_per_event(view.head, &slots, &mut b);
        verdict_of_a_rule(&mut b);
        severity_words(&slots, &mut b);
        if matches!(view.kind, Kind::Text) {
            text_level(view.head, &slots, &mut b);
        }
        defaults(&mut b);
        // Keep only the prelude statements an expression uses, directly or through another
        // kept statement (`$kv5 = keyvalue($path_record, …)` keeps `$path_record = …`).
        let var_of = |p: &str| p.split_whitespace().next().unwrap_or("").to_string();
        let mut kept = vec![false; b.out.prelude.len()];
        loop {
            let mut changed = false;
            for i in 0..b.out.prelude.len() {
                if kept[i] {
                    continue;
                }
                let var = var_of(&b.out.prelude[i]);
                let by_field = b.out.fields.iter().any(|a| match &a.source {
                    Source::Expr(e) => mentions(e, &var),
                    Source::Const(_) => false,
                });
                let by_statement = b.out.prelude.iter().zip(&kept).any(|(q, k)| {
                    *k && var_of(q) != var && mentions(q.split_once('=').map_or("", |x| x.1), &var)
                });
                if by_field || by_statement {
                    kept[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // A variable's every definition stays once one is kept.
        let kept_vars: BTreeSet<String> = b
            .out
            .prelude
            .iter()
            .zip(&kept)
            .filter(|(_, k)| **k)
            .map(|(p, _)| var_of(p))
            .collect();
        let used: Vec<String> = b
            .out
            .prelude
            .iter()
            .filter(|p| kept_vars.contains(&var_of(p)))
            .cloned()
            .collect();
        b.out.prelude = used;
        b.out
    }
}

/// Up to `n` members spread over the cluster (first, last, evenly between).
pub fn spread<'a>(members: &[&'a str], n: usize) -> Vec<&'a str> {
    if members.len() <= n {
        return members.to_vec();
    }
    (0..n)
        .map(|i| members[i * (members.len() - 1) / (n - 1).max(1)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::KbRule;

    fn slot(expr: &str, key: &str, values: &[Option<&str>]) -> Slot {
        Slot {
            expr: expr.to_string(),
            key: key.to_string(),
            parent: None,
            values: values.iter().map(|v| v.map(str::to_string)).collect(),
        }
    }

    fn slots(slots: Vec<Slot>) -> Slots {
        Slots {
            prelude: vec![],
            slots,
        }
    }

    fn builder() -> Builder {
        Builder {
            out: Assignment::default(),
        }
    }

    /// A builder holding these fields: a value with `$` in it is an expression, any other a
    /// constant.
    fn given(fields: &[(&str, &str)]) -> Builder {
        let mut b = builder();
        for (f, v) in fields {
            let source = if v.contains('$') {
                Source::Expr(v.to_string())
            } else {
                Source::Const(v.to_string())
            };
            b.set(f, source, "t");
        }
        b
    }

    fn expr<'a>(b: &'a Builder, field: &str) -> Option<&'a str> {
        match b.out.get(field).map(|a| &a.source) {
            Some(Source::Expr(e) | Source::Const(e)) => Some(e),
            None => None,
        }
    }

    /// The engine alone (an empty KB) on one cluster.
    fn assign_one(kind: Kind, head: &str, identifier: &str, members: &[&str]) -> Assignment {
        assign_with(kind, head, &[], Some(identifier), members)
    }

    /// The engine (empty KB) on a cluster with the header's captures named.
    fn assign_with(
        kind: Kind,
        head: &str,
        captures: &[&str],
        identifier: Option<&str>,
        members: &[&str],
    ) -> Assignment {
        let captures: Vec<String> = captures.iter().map(|c| (*c).to_string()).collect();
        let view = ClusterView {
            kind,
            head,
            captures: &captures,
            members,
            identifier,
        };
        Retrieval::new(&Kb::default()).assign(&view)
    }

    /// The engine on one Windows event of the given EventID, headed as generation heads it.
    fn assign_windows(event_id: &str, ev: &str) -> Assignment {
        let head = format!("EVENTLOG = 'EventID=\"{event_id}\"'");
        assign_one(Kind::Eventlog, &head, &format!("EventID={event_id}"), &[ev])
    }

    /// Runs an assignment as a rule (header `JSON = ''`) on a raw event: field → text.
    fn run_assignment(a: &Assignment, raw: &str) -> BTreeMap<String, String> {
        run_text(a, "JSON = ''", raw)
    }

    /// Runs an assignment under its header.
    fn run_text(a: &Assignment, head: &str, raw: &str) -> BTreeMap<String, String> {
        let mut src = format!("{head}\n");
        for p in &a.prelude {
            src.push_str(p);
            src.push('\n');
        }
        for f in &a.fields {
            let v = match &f.source {
                Source::Expr(e) => e.clone(),
                Source::Const(c) => xp_syntax::printer::quote_str(c, '"'),
            };
            src.push_str(&format!("{} = {v}\n", f.field));
        }
        let rule = xp_eval::Rule::compile(&src, Default::default()).expect(&src);
        match rule.normalize(raw, &xp_eval::RunOptions::default()) {
            Ok(Outcome::Normalized(e)) => e
                .to_json()
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map_or(v.to_string(), str::to_string)))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_firewall_line_places_its_addresses_by_their_words_and_reads_its_cisco_tag() {
        let head = r#"TEXT = '{$time=DATETIME} {$host=HOSTNAME} %ASA-4-106023: Deny {$proto=WORD} src outside:{$outside=IPV4}/{$p1=NUMBER} dst inside:{$inside=IPV4}/{$p2=NUMBER} by access-group "acl" {$rest=REST}'"#;
        let members = [
            r#"2025-08-02T13:13:13+00:00 fw1 %ASA-4-106023: Deny tcp src outside:203.0.113.50/40000 dst inside:10.10.1.5/3389 by access-group "acl" [0x0, 0x0]"#,
            r#"2025-08-02T13:14:00+00:00 fw1 %ASA-4-106023: Deny udp src outside:198.51.100.9/5353 dst inside:10.10.1.6/53 by access-group "acl" [0x0, 0x0]"#,
        ];
        let captures = [
            "time", "host", "proto", "outside", "p1", "inside", "p2", "rest",
        ];
        let a = assign_with(Kind::Text, head, &captures, None, &members);
        expect_fields(
            &a,
            &[
                ("src.ip", Some("$outside")),
                ("src.port", Some("$p1")),
                ("dst.ip", Some("$inside")),
                ("dst.port", Some("$p2")),
                ("subject", Some("rule")),
                ("action", Some("deny")),
                ("object", Some("connection")),
                ("msgid", Some("106023")),
                ("importance", Some("low")),
            ],
        );
    }

    #[test]
    fn a_text_message_states_its_level() {
        let head = r#"TEXT = '{$time=DATETIME} {$host=HOSTNAME} postgres[{$pid=NUMBER}]: FATAL: password authentication failed for user "{$user=WORD}"'"#;
        let members = [
            r#"Nov  4 08:02:58 db-01 postgres[3102]: FATAL:  password authentication failed for user "report""#,
        ];
        let a = assign_with(
            Kind::Text,
            head,
            &["time", "host", "pid", "user"],
            None,
            &members,
        );
        assert_eq!(a.constant("importance"), Some("high"));
        // A level that varies is read per event.
        let head = "TEXT = '{$time=DATETIME} - {$level=WORD} [main] job done'";
        let members = [
            "2025-11-04 08:00:01,001 - INFO [main] job done",
            "2025-11-04 08:00:02,001 - WARN [main] job done",
        ];
        let a = assign_with(Kind::Text, head, &["time", "level"], None, &members);
        assert_eq!(
            run_text(&a, head, members[1])["importance"],
            "low",
            "{a:#?}"
        );
    }

    #[test]
    fn a_cloud_audit_record_fails_where_it_holds_an_error_code() {
        let ok = r#"{"eventTime": "2026-12-06T06:00:01Z", "eventName": "CreateUser", "sourceIPAddress": "192.0.2.4", "userIdentity": {"userName": "alice"}, "errorCode": null}"#;
        let denied = r#"{"eventTime": "2026-12-06T06:00:02Z", "eventName": "CreateUser", "sourceIPAddress": "192.0.2.5", "userIdentity": {"userName": "bob"}, "errorCode": "AccessDenied"}"#;
        let a = assign_one(
            Kind::Json,
            "JSON = ''\nCOND = $eventName == \"CreateUser\"",
            "eventName=CreateUser",
            &[ok, denied],
        );
        let (ok, denied) = (run_assignment(&a, ok), run_assignment(&a, denied));
        assert_eq!(ok["status"], "success", "{a:#?}");
        assert_eq!(denied["status"], "failure");
        assert_eq!(denied["reason"], "AccessDenied");
        assert_eq!(denied["src.ip"], "192.0.2.5");
        assert_eq!(denied["action"], "create");
    }

    #[test]
    fn a_value_that_can_only_be_an_outcome_states_the_status() {
        let ok = r#"{"eventTime": "2026-12-06T06:00:01Z", "eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Success"}}"#;
        let bad = r#"{"eventTime": "2026-12-06T06:00:02Z", "eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Failure"}}"#;
        let a = assign_one(
            Kind::Json,
            "JSON = ''",
            "eventName=ConsoleLogin",
            &[ok, bad],
        );
        assert_eq!(run_assignment(&a, ok)["status"], "success", "{a:#?}");
        assert_eq!(run_assignment(&a, bad)["status"], "failure");
    }

    #[test]
    fn severity_words_state_the_importance_per_event() {
        let high = r#"{"ts": "2026-12-06T06:00:01Z", "level": "CRITICAL", "msg": "disk full"}"#;
        let warn = r#"{"ts": "2026-12-06T06:00:02Z", "level": "warning", "msg": "disk full"}"#;
        let a = assign_one(Kind::Json, "JSON = ''", "", &[high, warn]);
        assert_eq!(run_assignment(&a, high)["importance"], "high", "{a:#?}");
        assert_eq!(run_assignment(&a, warn)["importance"], "low");
        // A numeric level has no scale of its own: the default stays.
        let n = r#"{"ts": "2026-12-06T06:00:02Z", "level": "4", "msg": "disk full"}"#;
        let a = assign_one(Kind::Json, "JSON = ''", "", &[n]);
        assert_eq!(a.constant("importance"), Some("info"));
    }

    #[test]
    fn a_bare_date_takes_its_clock_from_a_sibling_time() {
        let ev =
            r#"{"date": "2025-03-10", "time": "06:50:02", "action": "deny", "srcip": "192.0.2.1"}"#;
        let a = assign_one(Kind::Json, "JSON = ''", "action=deny", &[ev]);
        assert_eq!(run_assignment(&a, ev)["time"], "2025-03-10T06:50:02.000Z");
    }

    #[test]
    fn audit_syscall_records_name_the_call_its_file_and_why_it_failed() {
        let ev = |name: &str, exit: &str, success: &str| {
            format!(
                r#"{{"items": {{"CWD": ["cwd=\"/root\""], "PATH": ["item=0 name=\"/root/\" inode=10 mode=040700 ouid=0 nametype=PARENT", "item=1 name=\"{name}\" inode=11 mode=0100644 ouid=0 nametype=CREATE"], "SYSCALL": ["arch=c000003e syscall=257 success={success} exit={exit} pid=5 uid=0 euid=0 auid=1000 ses=3 comm=\"nano\" exe=\"/bin/nano\" key=\"home\""]}}}}"#
            )
        };
        let members = [ev("notes.txt", "3", "yes"), ev("/etc/shadow", "-13", "no")];
        let refs: Vec<&str> = members.iter().map(String::as_str).collect();
        let a = assign_one(
            Kind::Json,
            "JSON = ''",
            "members:items=CWD+PATH+SYSCALL items.SYSCALL.syscall=257",
            &refs,
        );
        assert_eq!(a.constant("action"), Some("access"));
        assert_eq!(a.constant("object"), Some("file_object"));
        let ok = run_assignment(&a, &members[0]);
        assert_eq!(ok["msgid"], "openat");
        // A name relative to the working directory is made full.
        assert_eq!(ok["object.fullpath"], "/root/notes.txt");
        assert_eq!(ok["object.name"], "notes.txt");
        assert_eq!(ok["object.path"], "/root/");
        assert_eq!(ok["object.id"], "11");
        assert_eq!(ok["object.type"], "regular_file");
        assert_eq!(ok["event_src.rule"], "home");
        assert_eq!(ok["subject.account.privileges"], "0");
        assert!(!ok.contains_key("reason"));
        let failed = run_assignment(&a, &members[1]);
        assert_eq!(failed["object.fullpath"], "/etc/shadow");
        assert_eq!(failed["reason"], "Permission denied");
    }

    /// A field's expression or constant.
    fn field_of(a: &Assignment, f: &str) -> Option<String> {
        match a.get(f).map(|x| &x.source) {
            Some(Source::Expr(e) | Source::Const(e)) => Some(e.clone()),
            None => None,
        }
    }

    /// Checks the expression (or absence, `None`) of each field.
    fn expect_fields(a: &Assignment, want: &[(&str, Option<&str>)]) {
        for (f, e) in want {
            assert_eq!(field_of(a, f).as_deref(), *e, "{f}");
        }
    }

    #[test]
    fn placeholders_guard_the_field_or_drop_it() {
        let mixed = slot("$u", "u", &[Some("bob"), Some("-")]);
        assert_eq!(
            guarded(&mixed, "lower($u)".into()).as_deref(),
            Some(r#"if $u != "-" then lower($u) endif"#)
        );
        let only = slot("$u", "u", &[Some("-"), Some("S-1-0-0")]);
        assert_eq!(guarded(&only, "$u".into()), None);
        let clean = slot("$u", "u", &[Some("bob")]);
        assert_eq!(guarded(&clean, "$u".into()).as_deref(), Some("$u"));
        // A whole record under its own name is no value.
        let record = slot(r#"$items["CWD"][0]"#, "CWD", &[Some(r#"cwd="/root""#)]);
        assert_eq!(guarded(&record, "x".into()), None);
    }

    #[test]
    fn ports_follow_the_address_they_belong_to() {
        let slots = slots(vec![
            slot("$from", "from", &[Some("203.0.113.5")]),
            slot("$port", "port", &[Some("50522")]),
            slot("$port2", "port", &[Some("22")]),
        ]);
        let mut b = builder();
        b.set("src.ip", Source::Expr("$from".into()), "lexicon");
        pair_ports(&slots, &mut b);
        assert_eq!(expr(&b, "src.port"), Some("$port"));
        // The second port has no address of its own before it.
        assert_eq!(expr(&b, "dst.port"), None);
    }

    #[test]
    fn hosts_split_per_event_when_members_differ() {
        let slots = slots(vec![slot(
            "$Computer",
            "Computer",
            &[Some("WIN10_1"), Some("Srv.Example.com")],
        )]);
        let mut b = builder();
        b.set(
            "event_src.hostname",
            Source::Expr("lower($Computer)".into()),
            "lexicon",
        );
        host_split(&slots, &mut b);
        assert_eq!(
            expr(&b, "event_src.fqdn"),
            Some(r#"if find_substr($Computer, ".") != null then lower($Computer) endif"#)
        );
        assert_eq!(
            expr(&b, "event_src.hostname"),
            Some(
                r#"if find_substr($Computer, ".") != null then lower(substr($Computer, 0, find_substr($Computer, "."))) else lower($Computer) endif"#
            )
        );
    }

    #[test]
    fn mentions_whole_names_only() {
        assert!(mentions("lower($ip)", "$ip"));
        assert!(!mentions("lower($ip2)", "$ip"));
        assert!(mentions(r#"$kv["a"]"#, r#"$kv["a"]"#));
    }

    #[test]
    fn the_subject_is_what_its_fields_describe() {
        let mut b = builder();
        b.set("subject.account.name", Source::Expr("$u".into()), "lexicon");
        subject_from_fields(&mut b);
        assert_eq!(expr(&b, "subject"), Some("account"));
        let mut b = builder();
        b.set("subject.account.name", Source::Expr("$u".into()), "lexicon");
        b.set("subject.process.id", Source::Expr("$p".into()), "lexicon");
        subject_from_fields(&mut b);
        assert_eq!(expr(&b, "subject"), Some("account"));
        // A process whose owner is only a number acts itself.
        let mut b = builder();
        b.set("subject.account.id", Source::Expr("$uid".into()), "lexicon");
        b.set("subject.process.id", Source::Expr("$p".into()), "lexicon");
        subject_from_fields(&mut b);
        assert_eq!(expr(&b, "subject"), Some("process"));
    }

    #[test]
    fn windows_process_keys_and_the_services_own_process() {
        // Hand-written process-creation event: the event log's own ProcessID (System/Execution)
        // names nothing; the creator's 0x… id is read in decimal, the new process lower-cased.
        let ev = r#"{"Event":{"System":{"EventID":"4688","Channel":"Security","Computer":"pc1","Execution":{"ProcessID":"4","ThreadID":"8"},"TimeCreated":{"SystemTime":"2024-01-02T03:04:05Z"}},"EventData":{"Data":[{"Name":"SubjectUserName","text":"ann"},{"Name":"NewProcessId","text":"0x1a"},{"Name":"NewProcessName","text":"C:\\Windows\\Notepad.exe"},{"Name":"ProcessId","text":"0x10"}]}}}"#;
        let out = assign_windows("4688", ev);
        expect_fields(
            &out,
            &[
                (
                    "subject.process.id",
                    Some(r#"maybe_number16($Data["ProcessId"])"#),
                ),
                (
                    "object.process.id",
                    Some(r#"maybe_number16($Data["NewProcessId"])"#),
                ),
                (
                    "object.process.fullpath",
                    Some(r#"lower($Data["NewProcessName"])"#),
                ),
            ],
        );
        assert!(field_of(&out, "object.process.name").is_some());
    }

    #[test]
    fn a_started_process_the_event_describes_is_the_object() {
        let mut b = given(&[
            ("action", "start"),
            ("object", "process"),
            ("subject.account.name", "$u"),
            ("subject.process.fullpath", "$image"),
            ("subject.process.parent.id", "$ppid"),
            ("object.process.cmdline", "$cmd"),
        ]);
        started_process_is_the_object(&mut b);
        let fields: Vec<&str> = b.out.fields.iter().map(|a| a.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "action",
                "object",
                "subject.account.name",
                "object.process.fullpath",
                "object.process.parent.id",
                "object.process.cmdline"
            ]
        );
        // The new process named apart: the subject's process is its creator and stays.
        let mut b = given(&[
            ("action", "start"),
            ("object", "process"),
            ("subject.process.id", "$creator"),
            ("object.process.id", "$new"),
        ]);
        started_process_is_the_object(&mut b);
        assert!(b.has("subject.process.id"));
    }

    #[test]
    fn the_reporting_host_is_the_destination_of_a_remote_event() {
        let mut b = given(&[
            ("action", "login"),
            ("src.ip", "$addr"),
            ("event_src.hostname", "lower($host)"),
        ]);
        reporting_host_is_destination(&mut b);
        assert_eq!(
            b.out.get("dst.hostname").map(|a| &a.source),
            Some(&Source::Expr("lower($host)".into()))
        );
        // A destination of its own (a connection's): nothing is added.
        let mut b = given(&[
            ("action", "access"),
            ("src.ip", "$addr"),
            ("dst.ip", "$peer"),
            ("event_src.ip", "$host"),
        ]);
        reporting_host_is_destination(&mut b);
        assert!(b.out.get("dst.hostname").is_none());
        assert_eq!(
            b.out.get("dst.ip").map(|a| &a.source),
            Some(&Source::Expr("$peer".into()))
        );
    }

    #[test]
    fn the_object_is_what_its_path_names() {
        for (value, want) in [
            ("/etc/passwd", Some("file_object")),
            ("C:\\Users\\a.txt", Some("file_object")),
            ("HKLM\\SOFTWARE\\Run", Some("reg_object")),
            ("some-name", None),
        ] {
            let s = slots(vec![slot("$p", "path", &[Some(value)])]);
            let mut b = builder();
            b.set("object.fullpath", Source::Expr("$p".into()), "t");
            object_from_fields(&s, &mut b);
            assert_eq!(b.out.constant("object"), want, "{value}");
        }
    }

    #[test]
    fn a_domain_account_splits_into_domain_and_name() {
        let s = slots(vec![slot("$user", "User", &[Some("EXAMPLE\\alice")])]);
        let mut b = builder();
        b.set("subject.account.name", Source::Expr("$user".into()), "t");
        account_split(&s, &mut b);
        assert_eq!(
            b.out.get("subject.account.name").map(|a| &a.source),
            Some(&Source::Expr("$subject_account_parts[1]".into()))
        );
        assert_eq!(
            b.out.get("subject.account.domain").map(|a| &a.source),
            Some(&Source::Expr("$subject_account_parts[0]".into()))
        );
        assert_eq!(
            b.out.prelude,
            ["$subject_account_parts = csv($user, \"\\\\\", \"\")"]
        );
        // A plain name stays whole.
        let s = slots(vec![slot("$user", "User", &[Some("alice")])]);
        let mut b = builder();
        b.set("subject.account.name", Source::Expr("$user".into()), "t");
        account_split(&s, &mut b);
        assert!(!b.has("subject.account.domain"));
    }

    #[test]
    fn a_cef_header_states_source_msgid_importance_and_its_name() {
        let head = "TEXT = 'CEF:0|Acme Corp|Edge FW|{$v=UNTIL(\"|\")}1001|Firewall rule added|{$sev=NUMBER}|{$ext=REST}'";
        let ev = "CEF:0|Acme Corp|Edge FW|2.1|1001|Firewall rule added|5|suser=bob rt=Mar 10 2025 06:51:17";
        let view = ClusterView {
            kind: Kind::Cef,
            head,
            captures: &["v".into(), "sev".into(), "ext".into()],
            members: &[ev],
            identifier: None,
        };
        let out = Retrieval::new(&Kb::default()).assign(&view);
        assert_eq!(out.constant("event_src.vendor"), Some("acme_corp"));
        assert_eq!(out.constant("event_src.title"), Some("edge_fw"));
        assert_eq!(out.constant("msgid"), Some("1001"));
        assert_eq!(out.constant("action"), Some("create"));
        assert_eq!(out.constant("object"), Some("rule"));
        assert_eq!(
            field_of(&out, "importance").as_deref(),
            Some(
                r#"if number($sev) >= 7 then "high" elif number($sev) >= 4 then "medium" else "low" endif"#
            )
        );
    }

    #[test]
    fn quotes_come_off_the_values_that_have_them() {
        let mixed = slot("$comm", "comm", &[Some("\"nano\""), Some("-")]);
        assert_eq!(slot_expr(&mixed), "strip($comm, '\"', '\"')");
        let plain = slot("$comm", "comm", &[Some("nano")]);
        assert_eq!(slot_expr(&plain), "$comm");
        // "/bin/sh\0-c" in hex beside a quoted title.
        let hex = slot(
            "$t",
            "proctitle",
            &[Some("2F62696E2F7368002D63"), Some("\"top\"")],
        );
        assert_eq!(
            slot_expr(&hex),
            r#"strip(replace(hex_to_string($t), " ", "\u0000"), '"', '"')"#
        );
        // Numbers stay numbers.
        assert!(!hex_text("12345678"));
        assert!(!hex_text("31333343"));
    }

    #[test]
    fn a_lone_unnamed_address_is_the_source() {
        let one = slots(vec![
            slot("$host", "host", &[Some("10.9.9.9")]),
            slot("$root", "root", &[Some("203.0.113.7")]),
        ]);
        let mut b = builder();
        b.set("event_src.ip", Source::Expr("$host".into()), "lexicon");
        lone_address(&one, &mut b);
        assert_eq!(expr(&b, "src.ip"), Some("$root"));
        let two = slots(vec![
            slot("$a", "a", &[Some("203.0.113.7")]),
            slot("$b", "b", &[Some("198.51.100.1")]),
        ]);
        let mut b = builder();
        lone_address(&two, &mut b);
        assert_eq!(expr(&b, "src.ip"), None);
    }

    #[test]
    fn msgid_reads_the_identifier() {
        let slots = slots(vec![
            slot(r#"$kv0["syscall"]"#, "syscall", &[Some("59"), Some("59")]),
            slot(r#"$kv0["SYSCALL"]"#, "SYSCALL", &[Some("execve"), None]),
            slot(r#"$kv0["op"]"#, "op", &[Some("set")]),
        ]);
        let mut b = builder();
        msgid_from_identifier("members:items=USER_LOGIN", &slots, &mut b);
        assert_eq!(expr(&b, "msgid"), Some("USER_LOGIN"));
        // Pairs inside the one record do not hide its name.
        let mut b = builder();
        msgid_from_identifier(
            "members:items=CONFIG_CHANGE items.CONFIG_CHANGE.op=set",
            &slots,
            &mut b,
        );
        assert_eq!(expr(&b, "msgid"), Some("CONFIG_CHANGE"));
        // Several records: the type key, by its interpreted name where a record has one.
        let mut b = builder();
        msgid_from_identifier(
            "members:items=PATH+SYSCALL items.SYSCALL.syscall=59",
            &slots,
            &mut b,
        );
        assert_eq!(
            expr(&b, "msgid"),
            Some(r#"if $kv0["SYSCALL"] != null then $kv0["SYSCALL"] else $kv0["syscall"] endif"#)
        );
        // Another object's single member is no tag of the event's type.
        let mut b = builder();
        msgid_from_identifier(
            "members:process=thread_id members:event=exec",
            &slots,
            &mut b,
        );
        assert_eq!(expr(&b, "msgid"), None);
        // An element with attributes: its content is `text`.
        let eventid = Slot {
            parent: Some("EventID".into()),
            ..slot(r#"$EventID["text"]"#, "text", &[Some("6005")])
        };
        let qualifiers = Slot {
            parent: Some("EventID".into()),
            ..slot(r#"$EventID["Qualifiers"]"#, "Qualifiers", &[Some("32768")])
        };
        let mut b = builder();
        msgid_from_identifier(
            "EventID=EventLog/6005",
            &Slots {
                prelude: vec![],
                slots: vec![qualifiers, eventid],
            },
            &mut b,
        );
        assert_eq!(expr(&b, "msgid"), Some(r#"$EventID["text"]"#));
    }

    #[test]
    fn audit_records_open_their_message_and_name_the_login_identity() {
        // Hand-written auditd records (JSON envelope): one with the login identity set, one
        // where it is unset and the effective user speaks.
        let a = r#"{"eventid":"71","node":"h1","items":{"ADD_USER":["pid=10 uid=0 auid=1000 ses=3 msg='op=adding user id=1001 exe=\"/usr/sbin/useradd\" hostname=h1 addr=? terminal=pts/0 res=success' UID=\"root\" AUID=\"ann\" ID=\"bob\""]}}"#;
        let b = r#"{"eventid":"72","node":"h1","items":{"ADD_USER":["pid=11 uid=0 auid=4294967295 ses=4294967295 msg='op=adding user id=1002 exe=\"/usr/sbin/useradd\" hostname=h1 addr=? terminal=pts/1 res=failed' UID=\"root\" AUID=\"unset\" ID=\"eve\""]}}"#;
        let out = assign_one(
            Kind::Json,
            "JSON = ''\nCOND = $items[\"ADD_USER\"] != null",
            "members:items=ADD_USER",
            &[a, b],
        );
        // The quoted message is opened with its own keyvalue().
        assert!(
            out.prelude
                .iter()
                .any(|p| p.contains(r#"keyvalue($kv0["msg"], " ", "=", '"')"#)),
            "{:?}",
            out.prelude
        );
        expect_fields(
            &out,
            &[
                ("subject.process.fullpath", Some(r#"$kv1["exe"]"#)),
                // auid before uid, with uid where auid is unset; the names alike.
                (
                    "subject.account.id",
                    Some(
                        r#"if $kv0["auid"] != "4294967295" then $kv0["auid"] else $kv0["uid"] endif"#,
                    ),
                ),
                (
                    "subject.account.name",
                    Some(
                        r#"if strip($kv0["AUID"], '"', '"') != "unset" then strip($kv0["AUID"], '"', '"') else strip($kv0["UID"], '"', '"') endif"#,
                    ),
                ),
                // An unset session is still a session.
                ("subject.account.session_id", Some(r#"$kv0["ses"]"#)),
                // The record serial that differs per event links the records of one event.
                ("chain_id", Some("$eventid")),
                // useradd runs as root: the privileges the actor acted with.
                ("subject.account.privileges", Some(r#"$kv0["uid"]"#)),
                // The record type reports the act, and is the msgid.
                ("action", Some("create")),
                ("object", Some("account")),
                ("msgid", Some("ADD_USER")),
                // The envelope's node names the reporting machine before the record's
                // `hostname=h1 addr=?` (a local session: the same machine) does.
                ("event_src.hostname", Some("lower($node)")),
                (
                    "src.hostname",
                    Some(
                        r#"if maybe_ipv4($kv1["hostname"]) == null and maybe_ipv6($kv1["hostname"]) == null and $kv1["hostname"] != "?" and (maybe_ipv4($kv1["addr"]) != null or maybe_ipv6($kv1["addr"]) != null) then lower($kv1["hostname"]) endif"#,
                    ),
                ),
            ],
        );
    }

    #[test]
    fn socket_calls_decode_their_address_by_the_calls_direction() {
        let ev = |call: &str, saddr: &str| {
            format!(
                r#"{{"items": {{"SOCKADDR": ["saddr={saddr}"], "SYSCALL": ["arch=c000003e syscall={call} success=yes exit=0 pid=7 uid=0 auid=0 ses=1 comm=\"nc\" exe=\"/usr/bin/nc\""]}}}}"#
            )
        };
        // The engine on one event of one call, run on that event.
        let run = |call: &str, saddr: &str| {
            let raw = ev(call, saddr);
            let out = assign_one(
                Kind::Json,
                "JSON = ''\nCOND = $items[\"SOCKADDR\"] != null",
                &format!("members:items=SOCKADDR+SYSCALL items.SYSCALL.syscall={call}"),
                &[raw.as_str()],
            );
            run_assignment(&out, &raw)
        };
        // connect(2) to 10.0.52.101:53.
        let got = run("42", "020000350A0034650000000000000000");
        assert_eq!(got.get("dst.ip").map(String::as_str), Some("10.0.52.101"));
        assert_eq!(got.get("dst.port").map(String::as_str), Some("53"));
        // accept4(2) from ::ffff:3.100.200.200 port 38000: the source.
        let got = run(
            "288",
            "0A0094700000000000000000000000000000FFFF0364C8C800000000",
        );
        assert_eq!(got.get("src.ip").map(String::as_str), Some("3.100.200.200"));
        assert_eq!(got.get("src.port").map(String::as_str), Some("38000"));
        assert_eq!(got.get("dst.ip"), None);
    }

    #[test]
    fn account_management_names_the_account_acted_on() {
        let a = r#"{"items":{"DEL_USER":["pid=5 uid=0 auid=1000 ses=2 msg='op=deleting user acct=\"bob\" id=1002 exe=\"/usr/sbin/userdel\" hostname=h addr=? terminal=pts/0 res=success' UID=\"root\" AUID=\"ann\""]}}"#;
        let out = assign_one(
            Kind::Json,
            "JSON = ''\nCOND = $items[\"DEL_USER\"] != null",
            "members:items=DEL_USER",
            &[a],
        );
        let got = run_assignment(&out, a);
        assert_eq!(got.get("action").map(String::as_str), Some("remove"));
        assert_eq!(got.get("object").map(String::as_str), Some("account"));
        assert_eq!(
            got.get("object.account.name").map(String::as_str),
            Some("bob")
        );
        assert_eq!(
            got.get("object.account.id").map(String::as_str),
            Some("1002")
        );
        assert_eq!(
            got.get("subject.account.name").map(String::as_str),
            Some("ann")
        );
    }

    #[test]
    fn a_pam_login_names_the_user_and_the_service_as_the_object_side() {
        let a = r#"{"eventid":"80","node":"h1","items":{"COMMENT":["note"],"CRED_ACQ":["pid=20 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:setcred acct=\"jr\" exe=\"/usr/sbin/sshd\" hostname=10.0.0.9 addr=10.0.0.9 terminal=ssh res=success' UID=\"root\" AUID=\"unset\""]}}"#;
        let b = r#"{"eventid":"81","node":"h1","items":{"COMMENT":["note"],"CRED_ACQ":["pid=21 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:setcred acct=\"ann\" exe=\"/usr/sbin/sshd\" hostname=10.0.0.7 addr=10.0.0.7 terminal=ssh res=success' UID=\"root\" AUID=\"unset\""]}}"#;
        let out = assign_one(
            Kind::Json,
            "JSON = ''\nCOND = $items[\"CRED_ACQ\"] != null",
            "members:items=COMMENT+CRED_ACQ",
            &[a, b],
        );
        expect_fields(
            &out,
            &[
                ("action", Some("login")),
                ("object", Some("system")),
                // The collector's comment is no record type.
                ("msgid", Some("CRED_ACQ")),
                ("object.process.fullpath", Some(r#"$kv1["exe"]"#)),
                ("subject.process.fullpath", None),
                // sshd's root is not the privileges, the name or the id of the user
                // logging in: `acct` names them, the login identity is unset.
                ("subject.account.privileges", None),
                ("subject.account.name", Some(r#"$kv1["acct"]"#)),
                ("subject.account.id", None),
            ],
        );
    }

    #[test]
    fn a_pam_stage_before_the_session_is_ongoing_and_su_elevates_per_event() {
        let rec = |ty: &str, op: &str, exe: &str, res: &str| {
            format!(
                r#"{{"eventid":"9","node":"h1","items":{{"{ty}":["pid=20 uid=0 auid=1000 ses=3 msg='op={op} acct=\"jr\" exe=\"{exe}\" hostname=? addr=? terminal=pts/1 res={res}'"]}}}}"#
            )
        };
        let members = [
            rec(
                "USER_AUTH",
                "PAM:authentication",
                "/usr/sbin/sshd",
                "success",
            ),
            rec("USER_AUTH", "PAM:authentication", "/usr/bin/su", "success"),
            rec("USER_AUTH", "PAM:authentication", "/usr/bin/sudo", "failed"),
        ];
        let refs: Vec<&str> = members.iter().map(String::as_str).collect();
        let out = assign_one(
            Kind::Json,
            "JSON = ''\nCOND = $items[\"USER_AUTH\"] != null",
            "members:items=USER_AUTH",
            &refs,
        );
        let read = |i: usize| run_assignment(&out, &members[i]);
        // sshd's authentication is a step of a login still under way; su's raises the user.
        assert_eq!(read(0)["status"], "ongoing", "{out:#?}");
        assert_eq!(read(0)["action"], "login");
        assert_eq!(read(1)["action"], "elevate");
        assert_eq!(read(1)["object"], "account");
        assert_eq!(read(2)["status"], "failure");
        // The session itself is no pre-session stage.
        let start = rec(
            "USER_START",
            "PAM:session_open",
            "/usr/sbin/sshd",
            "success",
        );
        let out = assign_one(
            Kind::Json,
            "JSON = ''\nCOND = $items[\"USER_START\"] != null",
            "members:items=USER_START",
            &[start.as_str()],
        );
        assert_eq!(run_assignment(&out, &start)["status"], "success");
    }

    #[test]
    fn an_account_tool_states_its_act_where_the_record_reports_an_access_check() {
        let rec = |op: &str, exe: &str| {
            format!(
                r#"{{"eventid":"9","node":"h1","items":{{"USER_ACCT":["pid=20 uid=0 auid=1000 ses=3 msg='op={op} acct=\"jr\" exe=\"{exe}\" hostname=? addr=? terminal=pts/1 res=success'"]}}}}"#
            )
        };
        let members = [
            rec("PAM:accounting", "/usr/sbin/sshd"),
            rec("modifying group", "/usr/sbin/groupmod"),
        ];
        let refs: Vec<&str> = members.iter().map(String::as_str).collect();
        let out = assign_one(
            Kind::Json,
            "JSON = ''\nCOND = $items[\"USER_ACCT\"] != null",
            "members:items=USER_ACCT",
            &refs,
        );
        let (sshd, groupmod) = (
            run_assignment(&out, &members[0]),
            run_assignment(&out, &members[1]),
        );
        assert_eq!(groupmod["action"], "modify", "{out:#?}");
        assert_eq!(groupmod["object"], "user_group");
        assert_ne!(sshd["action"], "modify");
        assert_eq!(sshd["status"], "ongoing");
        assert_eq!(groupmod["status"], "success");
    }

    #[test]
    fn a_host_key_holding_addresses_and_names_splits_per_event() {
        let s = slot("$node", "node", &[Some("10.0.0.5"), Some("web1"), None]);
        let mut b = builder();
        host_or_address(&s, &mut b);
        let name = "maybe_ipv4($node) == null and maybe_ipv6($node) == null";
        assert_eq!(
            expr(&b, "event_src.ip"),
            Some(format!("if not ({name}) then $node endif").as_str())
        );
        assert_eq!(
            expr(&b, "event_src.hostname"),
            Some(format!("if {name} then lower($node) endif").as_str())
        );
        // Only addresses, or only names: the plain lexicon decides.
        let mut b = builder();
        host_or_address(&slot("$node", "node", &[Some("web1")]), &mut b);
        assert_eq!(expr(&b, "event_src.ip"), None);
    }

    #[test]
    fn well_known_keys_of_unseen_sources_name_their_fields() {
        let ev = r#"{"TargetFilename": "C:\\tmp\\a.txt", "bytes_in": 10, "bytes_out": 20, "dvc": "10.0.0.9", "dvchost": "FW1", "FailureReason": "bad password", "LogonProcessName": "User32"}"#;
        let view = ClusterView {
            kind: Kind::Json,
            head: "JSON = ''\n",
            captures: &[],
            members: &[ev],
            identifier: None,
        };
        let out = Retrieval::new(&Kb::default()).assign(&view);
        expect_fields(
            &out,
            &[
                ("object.fullpath", Some("$TargetFilename")),
                ("count.bytes_in", Some("$bytes_in")),
                ("count.bytes_out", Some("$bytes_out")),
                ("event_src.ip", Some("$dvc")),
                ("event_src.hostname", Some("lower($dvchost)")),
                ("reason", Some("$FailureReason")),
                ("logon_service", Some("$LogonProcessName")),
            ],
        );
    }

    #[test]
    fn an_object_every_source_agrees_on_outweighs_the_words() {
        let rule = |i: usize, object: &str| KbRule {
            dir: format!("src{i}/rule").into(),
            source: format!("src{i}").into(),
            kind: Kind::Json,
            rule: None,
            keys: BTreeSet::new(),
            constants: [
                ("action".to_string(), "login".to_string()),
                ("object".to_string(), object.to_string()),
            ]
            .into(),
            aligned: Default::default(),
            seen: Default::default(),
        };
        let agreeing = |n: usize| (0..n).map(|i| rule(i, "system")).collect::<Vec<_>>();
        let kb = Kb::from_rules(agreeing(5));
        assert_eq!(kb.agreed_object("login").as_deref(), Some("system"));
        assert_eq!(kb.agreed_object("logout"), None);
        assert_eq!(Kb::from_rules(agreeing(4)).agreed_object("login"), None);
        let mut split = agreeing(5);
        split.push(rule(9, "account"));
        assert_eq!(Kb::from_rules(split).agreed_object("login"), None);
        // `USER_LOGIN` says "user" (an account), the KB says a login is into the system.
        let view = ClusterView {
            kind: Kind::Json,
            head: "JSON = ''\nCOND = $type == \"USER_LOGIN\"\n",
            captures: &[],
            members: &[r#"{"type": "USER_LOGIN", "acct": "ann"}"#],
            identifier: Some("type=USER_LOGIN"),
        };
        let out = Retrieval::new(&kb).assign(&view);
        assert_eq!(out.constant("action"), Some("login"));
        assert_eq!(out.constant("object"), Some("system"));
        // Without a KB the verb still names its own object (`login`: into the system).
        let out = Retrieval::new(&Kb::default()).assign(&view);
        assert_eq!(out.constant("object"), Some("system"));
    }

    #[test]
    fn a_type_named_for_its_outcome_states_the_status() {
        let members = [r#"{"event": "login_failed", "user": "ann", "error": null}"#];
        let view = ClusterView {
            kind: Kind::Json,
            head: "JSON = ''\nCOND = $event == \"login_failed\" and $error == null\n",
            captures: &[],
            members: &members,
            identifier: Some("event=login_failed"),
        };
        let out = Retrieval::new(&Kb::default()).assign(&view);
        assert_eq!(out.constant("status"), Some("failure"));
        // A key that is absent says nothing: the default stands.
        let view = ClusterView {
            head: "JSON = ''\nCOND = $event == \"login\" and $error == null\n",
            identifier: Some("event=login"),
            ..view
        };
        let out = Retrieval::new(&Kb::default()).assign(&view);
        assert_eq!(out.constant("status"), Some("success"));
    }

    #[test]
    fn in_a_logon_event_the_target_account_is_the_subject() {
        // Hand-written logon: the machine account reports, the target user logs on.
        let ev = r#"{"Event":{"System":{"EventID":"4624","Channel":"Security","Computer":"pc1"},"EventData":{"Data":[{"Name":"SubjectUserName","text":"PC1$"},{"Name":"TargetUserName","text":"Ann"},{"Name":"TargetLogonId","text":"0x10"},{"Name":"LogonType","text":"3"}]}}}"#;
        let out = assign_windows("4624", ev);
        expect_fields(
            &out,
            &[
                (
                    "subject.account.name",
                    Some(r#"lower($Data["TargetUserName"])"#),
                ),
                (
                    "subject.account.session_id",
                    Some(r#"maybe_number16($Data["TargetLogonId"])"#),
                ),
                ("object.account.name", None),
            ],
        );
        // Another source's rules taught `SubjectUserName → subject.account.name`: in a logon
        // the target still names the subject, whole.
        let taught = KbRule {
            dir: "other/rule".into(),
            source: "other".into(),
            kind: Kind::Eventlog,
            rule: None,
            keys: BTreeSet::new(),
            constants: BTreeMap::new(),
            aligned: [(
                (
                    "SubjectUserName".to_string(),
                    "subject.account.name".to_string(),
                    Transform::Lower,
                ),
                5,
            )]
            .into(),
            seen: [("SubjectUserName".to_string(), 5)].into(),
        };
        let kb = Kb::from_rules(vec![taught]);
        let head = "EVENTLOG = 'EventID=\"4624\"'";
        let view = ClusterView {
            kind: Kind::Eventlog,
            head,
            captures: &[],
            members: &[ev],
            identifier: Some("EventID=4624"),
        };
        let out = Retrieval::new(&kb).assign(&view);
        expect_fields(
            &out,
            &[(
                "subject.account.name",
                Some(r#"lower($Data["TargetUserName"])"#),
            )],
        );
    }
}
