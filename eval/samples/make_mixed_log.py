#!/usr/bin/env python3
"""Generate eval/samples/mixed.log: a small synthetic log that mixes four formats.

One line per event, in time order, telling one story (an SSH brute force from 203.0.113.7
seen by a firewall, an IDS, a web portal and the SSH server) in four formats:

  * sshd lines in BSD syslog format     Mar 10 06:55:46 bastion-01 sshd[24200]: ...
  * CEF records                          CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|k=v ...
  * NDJSON objects (one JSON object per line) from a web application
  * key=value firewall records           date=2025-03-10 time=06:55:46 devname=fw01 type=traffic ...

Every vendor, product, host, user and address is invented; addresses come from the
documentation ranges (RFC 5737, RFC 3849). Deterministic (fixed seed):

    python3 eval/samples/make_mixed_log.py            # writes eval/samples/mixed.log
"""

import argparse
import json
import os
import random
from datetime import datetime, timedelta

SEED = 7310
START = datetime(2025, 3, 10, 6, 50, 0)

ATTACKER = "203.0.113.7"
SCANNER = "198.51.100.140"
BASTION_IP = "192.0.2.10"
PORTAL_IP = "192.0.2.20"
OFFICE = ["198.51.100.23", "198.51.100.24"]


def sshd(t, pid, msg):
    return t, "%s bastion-01 sshd[%d]: %s" % (t.strftime("%b %d %H:%M:%S"), pid, msg)


def cef(t, sig, name, sev, ext):
    ext = dict(ext)
    ext["rt"] = t.strftime("%b %d %Y %H:%M:%S")
    body = " ".join("%s=%s" % (k, v) for k, v in ext.items())
    return t, "CEF:0|Examplesoft|NetSentry IDS|3.4.1|%d|%s|%d|%s" % (sig, name, sev, body)


def ndjson(t, obj):
    rec = {"ts": t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)}
    rec.update(obj)
    return t, json.dumps(rec, separators=(",", ":"))


def kv(t, pairs):
    head = "date=%s time=%s devname=fw01 devid=FW-0000-0001" % (t.strftime("%Y-%m-%d"), t.strftime("%H:%M:%S"))
    body = " ".join('%s="%s"' % (k, v) if " " in str(v) else "%s=%s" % (k, v) for k, v in pairs)
    return t, head + " " + body


def build(rng):
    out = []
    t = START
    pid = 24180
    logid = 1000

    def step(lo, hi):
        nonlocal t
        t = t + timedelta(seconds=rng.randint(lo, hi), microseconds=rng.randint(0, 999999))
        return t

    # morning: an office user logs in to the portal and the bastion
    out.append(kv(step(1, 5), [("logid", logid), ("type", "traffic"), ("subtype", "forward"), ("level", "notice"),
                                ("srcip", OFFICE[0]), ("srcport", 50522), ("dstip", BASTION_IP), ("dstport", 22),
                                ("proto", 6), ("action", "accept"), ("policyid", 4), ("service", "SSH")]))
    pid += 7
    out.append(sshd(step(0, 1), pid, "Accepted password for alice from %s port 50522 ssh2" % OFFICE[0]))
    out.append(sshd(step(0, 0), pid, "pam_unix(sshd:session): session opened for user alice(uid=1001) by (uid=0)"))
    out.append(ndjson(step(2, 9), {"level": "info", "app": "portal", "event": "login_success", "user": "alice",
                                   "src_ip": OFFICE[0], "session": "s-%06x" % rng.randrange(1 << 24)}))

    # scanner sweeps the DMZ
    for port in (22, 23, 80, 443, 3389):
        logid += 1
        action = "accept" if port in (22, 443) else "deny"
        out.append(kv(step(0, 2), [("logid", logid), ("type", "traffic"), ("subtype", "forward"),
                                    ("level", "warning" if action == "deny" else "notice"),
                                    ("srcip", SCANNER), ("srcport", rng.randint(40000, 60000)),
                                    ("dstip", BASTION_IP), ("dstport", port), ("proto", 6),
                                    ("action", action), ("policyid", 4 if action == "accept" else 99),
                                    ("service", {22: "SSH", 23: "TELNET", 80: "HTTP", 443: "HTTPS", 3389: "RDP"}[port])]))
    out.append(cef(step(0, 2), 200101, "TCP port sweep", 6,
                   [("src", SCANNER), ("dst", BASTION_IP), ("proto", "TCP"), ("act", "alert"),
                    ("msg", "5 ports in 10 seconds"), ("cs1Label", "policy"), ("cs1", "dmz-default")]))
    pid += 11
    out.append(sshd(step(0, 3), pid, "Did not receive identification string from %s port %d" % (SCANNER, rng.randint(40000, 60000))))

    # SSH brute force from the attacker
    out.append(sshd(step(5, 20), pid + 3, "reverse mapping checking getaddrinfo for host-7.pool.example.net [%s] failed"
                    " - POSSIBLE BREAK-IN ATTEMPT!" % ATTACKER))
    for user, attempts in (("root", 4), ("admin", 3), ("oracle", 2)):
        pid += rng.randint(5, 20)
        sport = rng.randint(40000, 60000)
        logid += 1
        out.append(kv(step(1, 3), [("logid", logid), ("type", "traffic"), ("subtype", "forward"), ("level", "notice"),
                                    ("srcip", ATTACKER), ("srcport", sport), ("dstip", BASTION_IP), ("dstport", 22),
                                    ("proto", 6), ("action", "accept"), ("policyid", 4), ("service", "SSH")]))
        valid = user == "root"
        if not valid:
            out.append(sshd(step(0, 1), pid, "Invalid user %s from %s port %d" % (user, ATTACKER, sport)))
        for _ in range(attempts):
            who = user if valid else "invalid user " + user
            out.append(sshd(step(1, 3), pid, "Failed password for %s from %s port %d ssh2" % (who, ATTACKER, sport)))
        out.append(sshd(step(0, 1), pid, "Connection closed by %s %s %s port %d [preauth]"
                        % ("authenticating user" if valid else "invalid user", user, ATTACKER, sport)))
    out.append(cef(step(0, 2), 300417, "SSH brute force attempt", 8,
                   [("src", ATTACKER), ("dst", BASTION_IP), ("dpt", 22), ("proto", "TCP"), ("suser", "root"),
                    ("act", "alert"), ("cnt", 9), ("msg", "9 failed logins in 60 s")]))
    out.append(cef(step(0, 1), 300417, "SSH brute force attempt", 8,
                   [("src", ATTACKER), ("dst", BASTION_IP), ("dpt", 22), ("proto", "TCP"), ("suser", "admin"),
                    ("act", "alert"), ("cnt", 3), ("msg", "user\\=admin does not exist")]))
    for _ in range(3):
        logid += 1
        out.append(kv(step(0, 2), [("logid", logid), ("type", "traffic"), ("subtype", "forward"), ("level", "warning"),
                                    ("srcip", ATTACKER), ("srcport", rng.randint(40000, 60000)), ("dstip", BASTION_IP),
                                    ("dstport", 22), ("proto", 6), ("action", "deny"), ("policyid", 17),
                                    ("service", "SSH"), ("msg", "blocked by auto-quarantine")]))

    # the attacker turns to the web portal
    for user in ("admin", "administrator", "alice", "test"):
        out.append(ndjson(step(1, 4), {"level": "warn", "app": "portal", "event": "login_failed", "user": user,
                                       "src_ip": ATTACKER, "reason": "bad_password" if user == "alice" else "unknown_user",
                                       "http": {"method": "POST", "path": "/login", "status": 401}}))
    out.append(cef(step(0, 2), 410022, "Web login brute force", 7,
                   [("src", ATTACKER), ("dst", PORTAL_IP), ("dpt", 443), ("proto", "TCP"), ("request", "https://portal.example.org/login"),
                    ("requestMethod", "POST"), ("act", "blocked"), ("cnt", 4)]))
    out.append(ndjson(step(0, 1), {"level": "error", "app": "portal", "event": "ip_blocked", "src_ip": ATTACKER,
                                   "rule": "login-rate", "ttl_s": 3600}))

    # normal activity continues
    pid += 9
    out.append(sshd(step(3, 10), pid, "Accepted publickey for deploy from 203.0.113.61 port 41870 ssh2: ED25519 "
                    "SHA256:Qm9yZ2VkS2V5Rm9yTm9ybWZvcmdlVGVzdHMxMjM0NTY"))
    out.append(sshd(step(0, 0), pid, "pam_unix(sshd:session): session opened for user deploy(uid=1100) by (uid=0)"))
    out.append(ndjson(step(1, 5), {"level": "info", "app": "deployer", "event": "release_started", "user": "deploy",
                                   "release": "2025.03.10-1", "targets": ["web-03", "web-04"]}))
    out.append(cef(step(0, 3), 100005, "Configuration changed", 3,
                   [("suser", "deploy"), ("shost", "bastion-01"), ("dst", PORTAL_IP), ("act", "modify"),
                    ("fname", "/etc/portal/app.yaml"), ("msg", "release 2025.03.10-1")]))
    out.append(ndjson(step(20, 40), {"level": "info", "app": "deployer", "event": "release_finished", "user": "deploy",
                                     "release": "2025.03.10-1", "duration_ms": rng.randint(20000, 40000), "ok": True}))
    out.append(sshd(step(1, 3), pid, "Received disconnect from 203.0.113.61 port 41870:11: disconnected by user"))
    out.append(sshd(step(0, 0), pid, "Disconnected from user deploy 203.0.113.61 port 41870"))
    out.append(sshd(step(0, 0), pid, "pam_unix(sshd:session): session closed for user deploy"))
    logid += 1
    out.append(kv(step(1, 5), [("logid", logid), ("type", "utm"), ("subtype", "ips"), ("level", "alert"),
                                ("srcip", SCANNER), ("dstip", PORTAL_IP), ("dstport", 443), ("proto", 6),
                                ("action", "dropped"), ("attack", "Generic.Path.Traversal"), ("severity", "high")]))
    out.append(cef(step(0, 1), 500031, "Path traversal attempt", 9,
                   [("src", SCANNER), ("dst", PORTAL_IP), ("dpt", 443), ("request", "https://portal.example.org/../../etc/passwd"),
                    ("act", "blocked"), ("cs2Label", "signature"), ("cs2", "Generic.Path.Traversal")]))
    out.append(ndjson(step(0, 2), {"level": "warn", "app": "portal", "event": "bad_request", "src_ip": SCANNER,
                                   "http": {"method": "GET", "path": "/../../etc/passwd", "status": 400}}))
    for _ in range(3):
        logid += 1
        out.append(kv(step(2, 9), [("logid", logid), ("type", "traffic"), ("subtype", "forward"), ("level", "notice"),
                                    ("srcip", rng.choice(OFFICE)), ("srcport", rng.randint(40000, 60000)),
                                    ("dstip", PORTAL_IP), ("dstport", 443), ("proto", 6), ("action", "accept"),
                                    ("policyid", 8), ("service", "HTTPS"), ("sentbyte", rng.randint(500, 9000)),
                                    ("rcvdbyte", rng.randint(2000, 90000))]))
    out.append(ndjson(step(1, 3), {"level": "info", "app": "portal", "event": "logout", "user": "alice", "src_ip": OFFICE[0]}))
    alice_pid = 24187
    out.append(sshd(step(5, 20), alice_pid, "Received disconnect from %s port 50522:11: disconnected by user" % OFFICE[0]))
    out.append(sshd(step(0, 0), alice_pid, "Disconnected from user alice %s port 50522" % OFFICE[0]))
    out.append(sshd(step(0, 0), alice_pid, "pam_unix(sshd:session): session closed for user alice"))
    out.append(cef(step(1, 4), 100002, "User logged out", 1,
                   [("suser", "alice"), ("src", OFFICE[0]), ("dst", BASTION_IP), ("act", "logout"), ("outcome", "success")]))

    return [line for _, line in sorted(out, key=lambda x: x[0])]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", default=os.path.join(here, "mixed.log"))
    args = parser.parse_args()
    lines = build(random.Random(SEED))
    with open(args.output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d lines to %s" % (len(lines), args.output))


if __name__ == "__main__":
    main()
