#!/usr/bin/env python3
"""Generate eval/samples/sshd.log: a synthetic OpenSSH sshd log in BSD syslog format.

Every host, user, address, port, pid and key fingerprint is invented. Addresses come from
the documentation ranges (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24;
RFC 3849: 2001:db8::/32) and domains from RFC 2606 (example.net, example.org).

The log covers one day (10 March) on two servers and mixes:
  * normal work: password, public-key and keyboard-interactive logins, PAM sessions,
    client disconnects and logouts;
  * a password brute force against existing accounts from 203.0.113.7;
  * a user-name dictionary attack from 198.51.100.140;
  * a scanner at 203.0.113.99 (banner grabs, weak key exchange offers, timeouts);
  * rare messages: reverse-DNS warnings, AllowUsers refusals, sshd restart, etc.

The output is deterministic (fixed seed); run it again to regenerate the same file:

    python3 eval/samples/make_sshd_log.py            # writes eval/samples/sshd.log
    python3 eval/samples/make_sshd_log.py -o out.log
"""

import argparse
import base64
import hashlib
import os
import random
from datetime import datetime, timedelta

SEED = 20250310
DAY = datetime(2025, 3, 10)

SERVERS = ["bastion-01", "gw-02"]
LOGIND_PID = {"bastion-01": 655, "gw-02": 702}

# legitimate users: name -> (uid, usual source address, preferred method)
USERS = {
    "alice": (1001, "198.51.100.23", "password"),
    "bob": (1002, "198.51.100.24", "password"),
    "deploy": (1100, "203.0.113.61", "publickey"),
    "carol": (1204, "2001:db8:4:1::25", "keyboard-interactive/pam"),
    "git": (998, "198.51.100.77", "publickey"),
}

BRUTE_FORCE_IP = "203.0.113.7"
DICTIONARY_IP = "198.51.100.140"
SCANNER_IP = "203.0.113.99"
BRUTE_FORCE_TARGETS = ["root", "alice", "admin_backup", "bob"]  # admin_backup does not exist
DICTIONARY_USERS = ["admin", "oracle", "test", "ubnt", "postgres", "support", "guest",
                    "ftpuser", "pi", "user1", "hadoop", "ec2-user", "jenkins", "mysql"]
EXISTING = {"root", "alice", "bob", "deploy", "carol", "git"}

WEAK_KEX = "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1"


def fingerprint(rng, label):
    digest = hashlib.sha256(("%s-%d" % (label, rng.randrange(1 << 30))).encode()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


class Log:
    def __init__(self, rng):
        self.rng = rng
        self.events = []  # (datetime, seq, host, program, pid, message)
        self.seq = 0
        self.connections = 0

    def pid(self, host):
        """A placeholder for the pid of a new sshd connection process.

        Real pids are handed out in lines() in order of first appearance, so that they
        grow with time as on a real system."""
        self.connections += 1
        return ("conn", host, self.connections)

    def port(self):
        return self.rng.randint(32768, 60999)

    def add(self, when, host, pid, message, program="sshd"):
        self.seq += 1
        self.events.append((when, self.seq, host, program, pid, message))

    def lines(self):
        out = []
        next_pid = {"bastion-01": 20000, "gw-02": 4200}
        real = {}
        for when, _, host, program, pid, message in sorted(self.events, key=lambda e: (e[0], e[1])):
            if isinstance(pid, tuple):
                if pid not in real:
                    next_pid[host] += self.rng.randint(3, 60)
                    real[pid] = next_pid[host]
                pid = real[pid]
            stamp = when.strftime("%b ") + ("%2d" % when.day) + when.strftime(" %H:%M:%S")
            tag = "%s[%d]" % (program, pid) if pid is not None else program
            out.append("%s %s %s: %s" % (stamp, host, tag, message))
        return out


def secs(t, s):
    return t + timedelta(seconds=s)


def legit_login(log, t, host, user, method=None, session_minutes=None, fail_first=False):
    rng = log.rng
    uid, ip, pref = USERS[user]
    method = method or pref
    pid = log.pid(host)
    port = log.port()
    clock = t
    if fail_first:
        log.add(clock, host, pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
                "tty=ssh ruser= rhost=%s  user=%s" % (ip, user))
        clock = secs(clock, 2)
        log.add(clock, host, pid, "Failed password for %s from %s port %d ssh2" % (user, ip, port))
        clock = secs(clock, rng.randint(3, 9))
    if method == "publickey":
        key_type = rng.choice(["ED25519", "ED25519", "RSA", "ECDSA"])
        log.add(clock, host, pid, "Accepted publickey for %s from %s port %d ssh2: %s %s"
                % (user, ip, port, key_type, fingerprint(rng, user + key_type)))
    else:
        log.add(clock, host, pid, "Accepted %s for %s from %s port %d ssh2" % (method, user, ip, port))
    log.add(secs(clock, 0), host, pid,
            "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)" % (user, uid))
    session_no = rng.randint(100, 999)  # logind session number
    log.add(secs(clock, 0), host, LOGIND_PID[host],
            "New session %d of user %s." % (session_no, user), program="systemd-logind")
    minutes = session_minutes if session_minutes is not None else rng.randint(2, 90)
    end = secs(clock, minutes * 60 + rng.randint(0, 59))
    if rng.random() < 0.85:
        log.add(end, host, pid, "Received disconnect from %s port %d:11: disconnected by user" % (ip, port))
        log.add(end, host, pid, "Disconnected from user %s %s port %d" % (user, ip, port))
    else:
        log.add(end, host, pid, "Timeout, client not responding from user %s %s port %d" % (user, ip, port))
    log.add(end, host, pid, "pam_unix(sshd:session): session closed for user %s" % user)
    log.add(end, host, LOGIND_PID[host], "Session %d logged out. Waiting for processes to exit."
            % session_no, program="systemd-logind")
    log.add(end, host, LOGIND_PID[host], "Removed session %d." % session_no, program="systemd-logind")


def brute_force_connection(log, t, host, user, attempts):
    """One connection of the password brute force: `attempts` wrong passwords for `user`."""
    rng = log.rng
    pid = log.pid(host)
    port = log.port()
    ip = BRUTE_FORCE_IP
    clock = t
    valid = user in EXISTING
    if not valid:
        log.add(clock, host, pid, "Invalid user %s from %s port %d" % (user, ip, port))
    for i in range(attempts):
        clock = secs(clock, rng.randint(1, 3))
        if i == 0:
            if valid:
                log.add(clock, host, pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
                        "tty=ssh ruser= rhost=%s  user=%s" % (ip, user))
            else:
                log.add(clock, host, pid, "pam_unix(sshd:auth): check pass; user unknown")
                log.add(clock, host, pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
                        "tty=ssh ruser= rhost=%s" % ip)
        who = user if valid else "invalid user " + user
        clock = secs(clock, 2)
        log.add(clock, host, pid, "Failed password for %s from %s port %d ssh2" % (who, ip, port))
    who_pre = ("authenticating user " if valid else "invalid user ") + user
    if attempts >= 6:
        log.add(clock, host, pid, "error: maximum authentication attempts exceeded for %s from %s port %d ssh2 [preauth]"
                % (who, ip, port))
        log.add(clock, host, pid, "Disconnecting %s %s port %d: Too many authentication failures [preauth]"
                % (who_pre, ip, port))
        rest = attempts - 1
        log.add(clock, host, pid, "PAM %d more authentication failure%s; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s%s"
                % (rest, "s" if rest > 1 else "", ip, "  user=" + user if valid else ""))
        log.add(clock, host, pid, "PAM service(sshd) ignoring max retries; %d > 3" % attempts)
    else:
        clock = secs(clock, 1)
        if rng.random() < 0.5:
            log.add(clock, host, pid, "Connection closed by %s %s port %d [preauth]" % (who_pre, ip, port))
        else:
            log.add(clock, host, pid, "Received disconnect from %s port %d:11: Bye Bye [preauth]" % (ip, port))
            log.add(clock, host, pid, "Disconnected from %s %s port %d [preauth]" % (who_pre, ip, port))
        if attempts > 1:
            rest = attempts - 1
            log.add(clock, host, pid, "PAM %d more authentication failure%s; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s%s"
                    % (rest, "s" if rest > 1 else "", ip, "  user=" + user if valid else ""))
    return clock


def dictionary_connection(log, t, host, user):
    """One connection of the user-name dictionary attack: a single try per name."""
    rng = log.rng
    pid = log.pid(host)
    port = log.port()
    ip = DICTIONARY_IP
    clock = t
    log.add(clock, host, pid, "Invalid user %s from %s port %d" % (user, ip, port))
    clock = secs(clock, 1)
    if rng.random() < 0.2:
        log.add(clock, host, pid, "Failed none for invalid user %s from %s port %d ssh2" % (user, ip, port))
    log.add(clock, host, pid, "pam_unix(sshd:auth): check pass; user unknown")
    log.add(clock, host, pid, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s" % ip)
    clock = secs(clock, 2)
    log.add(clock, host, pid, "Failed password for invalid user %s from %s port %d ssh2" % (user, ip, port))
    r = rng.random()
    if r < 0.45:
        log.add(clock, host, pid, "Received disconnect from %s port %d:11: Bye Bye [preauth]" % (ip, port))
        log.add(clock, host, pid, "Disconnected from invalid user %s %s port %d [preauth]" % (user, ip, port))
    elif r < 0.8:
        log.add(clock, host, pid, "Connection closed by invalid user %s %s port %d [preauth]" % (user, ip, port))
    elif r < 0.9:
        log.add(clock, host, pid, "Connection reset by invalid user %s %s port %d [preauth]" % (user, ip, port))
    else:
        log.add(clock, host, pid, "error: Received disconnect from %s port %d:3: com.jcraft.jsch.JSchException: Auth fail [preauth]"
                % (ip, port))
        log.add(clock, host, pid, "Disconnected from invalid user %s %s port %d [preauth]" % (user, ip, port))


def scanner_probe(log, t, host, kind):
    rng = log.rng
    pid = log.pid(host)
    port = log.port()
    ip = SCANNER_IP
    if kind == "banner":
        log.add(t, host, pid, "Did not receive identification string from %s port %d" % (ip, port))
    elif kind == "kex":
        log.add(t, host, pid, "Unable to negotiate with %s port %d: no matching key exchange method found. "
                "Their offer: %s [preauth]" % (ip, port, WEAK_KEX))
    elif kind == "closed":
        log.add(t, host, pid, "Connection closed by %s port %d [preauth]" % (ip, port))
    elif kind == "reset":
        log.add(t, host, pid, "Connection reset by %s port %d [preauth]" % (ip, port))
    elif kind == "kex_closed":
        log.add(t, host, pid, "error: kex_exchange_identification: Connection closed by remote host")
        log.add(t, host, pid, "Connection closed by %s port %d" % (ip, port))
    elif kind == "invalid_banner":
        log.add(t, host, pid, "error: kex_exchange_identification: banner line contains invalid characters")
        log.add(t, host, pid, "banner exchange: Connection from %s port %d: invalid format" % (ip, port))
    elif kind == "timeout":
        log.add(secs(t, 120), host, pid, "fatal: Timeout before authentication for %s port %d" % (ip, port))
    elif kind == "not_allowed":
        log.add(t, host, pid, "User root from %s not allowed because not listed in AllowUsers" % ip)
        log.add(secs(t, 1), host, pid, "Failed password for invalid user root from %s port %d ssh2" % (ip, port))
        log.add(secs(t, 2), host, pid, "Connection closed by invalid user root %s port %d [preauth]" % (ip, port))


def build(rng):
    log = Log(rng)
    t0 = DAY

    # sshd restart on gw-02 in the early morning (package upgrade)
    restart = t0 + timedelta(hours=3, minutes=12, seconds=5)
    old_pid = 812
    log.add(restart, "gw-02", old_pid, "Received signal 15; terminating.")
    new_pid = 4187
    log.add(secs(restart, 1), "gw-02", new_pid, "Server listening on 0.0.0.0 port 22.")
    log.add(secs(restart, 1), "gw-02", new_pid, "Server listening on :: port 22.")

    # normal working day
    day_logins = [
        (8, 2, "bastion-01", "alice", None, False),
        (8, 17, "bastion-01", "deploy", None, False),
        (8, 40, "gw-02", "carol", None, False),
        (9, 5, "bastion-01", "bob", None, True),
        (9, 31, "bastion-01", "git", None, False),
        (10, 12, "gw-02", "deploy", None, False),
        (10, 58, "bastion-01", "alice", "publickey", False),
        (11, 20, "bastion-01", "git", None, False),
        (12, 3, "gw-02", "bob", None, False),
        (13, 44, "bastion-01", "deploy", None, False),
        (14, 9, "bastion-01", "carol", None, False),
        (14, 30, "gw-02", "alice", None, True),
        (15, 2, "bastion-01", "git", None, False),
        (15, 47, "bastion-01", "bob", None, False),
        (16, 20, "gw-02", "deploy", None, False),
        (17, 5, "bastion-01", "alice", None, False),
        (18, 40, "bastion-01", "deploy", None, False),
        (21, 15, "gw-02", "carol", None, False),
        (23, 2, "bastion-01", "git", None, False),
    ]
    for hour, minute, host, user, method, fail_first in day_logins:
        start = t0 + timedelta(hours=hour, minutes=minute, seconds=rng.randint(0, 59))
        legit_login(log, start, host, user, method=method, fail_first=fail_first)

    # reverse DNS warning preceding the brute force (UseDNS yes on bastion-01)
    bf_start = t0 + timedelta(hours=6, minutes=54, seconds=58)
    log.add(bf_start, "bastion-01", log.pid("bastion-01"),
            "reverse mapping checking getaddrinfo for host-7.pool.example.net [%s] failed - POSSIBLE BREAK-IN ATTEMPT!"
            % BRUTE_FORCE_IP)

    # password brute force against several accounts, several connections each
    clock = secs(bf_start, 2)
    for round_no in range(3):
        for user in BRUTE_FORCE_TARGETS:
            attempts = 6 if (round_no + len(user)) % 2 == 0 else rng.randint(2, 4)
            end = brute_force_connection(log, clock, "bastion-01", user, attempts)
            clock = secs(end, rng.randint(2, 6))

    # user-name dictionary attack, spread over both servers
    clock = t0 + timedelta(hours=13, minutes=2, seconds=11)
    log.add(clock, "gw-02", log.pid("gw-02"),
            "Address %s maps to mail.example.org, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!"
            % DICTIONARY_IP)
    for user in DICTIONARY_USERS:
        host = rng.choice(SERVERS)
        clock = secs(clock, rng.randint(3, 25))
        dictionary_connection(log, clock, host, user)

    # scanner probes all day long
    kinds = ["banner", "banner", "kex", "closed", "reset", "kex_closed", "invalid_banner",
             "timeout", "not_allowed", "banner", "kex", "closed"]
    for i, kind in enumerate(kinds):
        when = t0 + timedelta(hours=1 + 2 * i, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        scanner_probe(log, when, rng.choice(SERVERS), kind)

    # an IPv6 client with a broken key and a disabled account
    when = t0 + timedelta(hours=19, minutes=33, seconds=10)
    pid = log.pid("gw-02")
    port = log.port()
    log.add(when, "gw-02", pid, "Failed publickey for bob from 2001:db8:77::3 port %d ssh2: RSA %s"
            % (port, fingerprint(rng, "bob-old-rsa")))
    log.add(secs(when, 4), "gw-02", pid, "User bob from 2001:db8:77::3 not allowed because none of user's groups are listed in AllowGroups")
    log.add(secs(when, 5), "gw-02", pid, "Connection closed by authenticating user bob 2001:db8:77::3 port %d [preauth]" % port)

    return log.lines()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", default=os.path.join(here, "sshd.log"))
    args = parser.parse_args()
    lines = build(random.Random(SEED))
    with open(args.output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d lines to %s" % (len(lines), args.output))


if __name__ == "__main__":
    main()
