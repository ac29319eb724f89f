//! **linux_audit**: Linux audit records. The system call a raw `SYSCALL` record names by
//! number (`schema/linux-syscalls-x86_64.tsv`) and the record type's summary
//! (`schema/linux-audit-records.tsv`) state the act; a `SOCKADDR` record's hex `saddr` holds
//! the peer's address and port; an `EXECVE` record's `a0`…`aN` are the command line; `uid`
//! beside `auid` is the privileges the actor acted with; an AVC `denied` is a failure.
//!
//! `type=SOCKADDR msg=audit(…): saddr=02000050C0A80101…` in a `connect` event →
//! `dst.ip` (the four address bytes, dotted), `dst.port = number16(substr($saddr, 4, 4))`.

use crate::engine::builder::Builder;
use crate::engine::expr::{guarded, slot_expr};
use crate::engine::values::unquote;
use crate::slots::{Slot, Slots};
use crate::{ClusterView, Source, Why};

/// What an audit record's system call or record type reports, as for the structured form.
pub(crate) fn record_title(view: &ClusterView<'_>, slots: &Slots, b: &mut Builder) {
    let call = view
        .identifier
        .and_then(|id| {
            crate::catalog::audit_record_summary(id)
                .or_else(|| cluster_syscall(id, slots).and_then(|(c, _)| c.summary))
        })
        .map(crate::title::classify_title)
        .unwrap_or_default();
    if let Some(a) = call.action {
        b.set("action", Source::Const(a.into()), Why::Title);
    }
    if let Some(o) = call.object {
        b.set("object", Source::Const(o.into()), Why::Title);
    }
}

/// The system call a cluster's identifier pins (`syscall=257`) when every member's `arch`
/// is the architecture of the table, with that `arch` slot and its value.
pub(crate) fn cluster_syscall<'s>(
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

/// A Linux audit `SOCKADDR` record holds the call's `struct sockaddr` as hex (`saddr=
/// 0200 0035 0A003465 …`: family 2, IPv4, in host order; port and address in network
/// order). For an IPv4 address: the address and port a socket was connected or sent to or
/// bound at (`connect`, `sendto`, `sendmsg`, `bind`) are the destination's, those a
/// connection was accepted or a datagram received from are the source's.
pub(crate) fn socket_address(identifier: Option<&str>, slots: &Slots, b: &mut Builder) {
    let Some(call) = identifier
        .and_then(|id| cluster_syscall(id, slots))
        .map(|(c, _)| c.name)
    else {
        return;
    };
    // `schema/linux-socket-calls.tsv`.
    let Some(side) = crate::tsv::table("linux-socket-calls")
        .data()
        .find(|c| c[0] == call)
        .map(|c| c[1])
    else {
        return;
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
        Why::Lexicon,
    );
    b.set(
        &format!("{side}.port"),
        Source::Expr(format!(
            "if {inet} or {mapped} then number16(substr({e}, 4, 4)) endif"
        )),
        Why::Lexicon,
    );
}

/// A Linux audit `EXECVE` record lists the new program's arguments one key each (`argc=3
/// a0="ls" a1="-la" a2=2F746D702F612062`, hex where a value needs it): joined, they are the
/// command line. Only the record that counts them (`argc`): the `SYSCALL` record's `a0`…`a3`
/// are the call's raw register values.
pub(crate) fn program_arguments(slots: &Slots, b: &mut Builder) {
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
        Why::Lexicon,
    );
}

/// A Linux audit record names the login identity (`auid`) apart from the user the process
/// runs as (`uid`): where no effective id (`euid`) states them, the process's user id is the
/// privileges the actor acted with (`useradd` running as root: `uid=0`). Not for a login or
/// logout: its actor is the user who logs in, on whose behalf the service (`sshd`, root)
/// runs.
pub(crate) fn process_user(slots: &Slots, b: &mut Builder) {
    if b.has("subject.account.privileges")
        || matches!(b.constant("action"), Some("login" | "logout"))
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
        b.set("subject.account.privileges", Source::Expr(e), Why::Lexicon);
    }
}

/// An SELinux access vector cache message states its decision first (`avc:  denied  {
/// send_msg } for …`, `avc:  granted …`); an AppArmor one as `apparmor="DENIED"` (a result
/// key). Where some members of the cluster were denied, the status is read per event.
pub(crate) fn avc_decision(slots: &Slots) -> Option<Source> {
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
