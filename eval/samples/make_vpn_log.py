#!/usr/bin/env python3
"""Generate eval/samples/vpn.log: a synthetic VPN gateway log in BSD syslog format.

The gateway `vpngw` on host `edge-01` writes prose messages whose shapes differ a little from
one event to the next, the cases a format string has to generalize over:

  * `Key: value` pairs (tunnel records)      tunnel up User: alice Peer: 198.51.100.23 Port: 4500 Proto: udp
  * words only some events have              login failed for user bob / login failed for unknown user mallory
  * a closed set of phrases                  session 17 closed: logout / ... closed: dead peer detected
  * a trailing word only some events have    config reload by admin done / ... done [dry-run]

Every user, host and address is invented; addresses come from the documentation ranges
(RFC 5737). Deterministic (fixed seed):

    python3 eval/samples/make_vpn_log.py            # writes eval/samples/vpn.log
"""

from datetime import datetime, timedelta

import samplegen

SEED = 4500
START = datetime(2025, 3, 11, 8, 0, 0)
USERS = ["alice", "bob", "carol", "deploy", "erin"]
UNKNOWN = ["mallory", "oracle", "test", "guest"]
PEERS = ["198.51.100.23", "198.51.100.24", "203.0.113.61", "203.0.113.77", "192.0.2.44"]
ADMINS = ["root", "netops"]


def line(t, pid, msg):
    return "%s edge-01 vpngw[%d]: %s" % (t.strftime("%b %d %H:%M:%S"), pid, msg)


def build(rng):
    out = []
    t = START
    pid = 3100
    session = 100
    for _ in range(60):
        t += timedelta(seconds=rng.randint(5, 300))
        pid += rng.randint(1, 9)
        r = rng.random()
        if r < 0.35:
            user = rng.choice(USERS)
            session += 1
            out.append(line(t, pid, "tunnel up User: %s Peer: %s Port: %d Proto: %s"
                            % (user, rng.choice(PEERS), rng.choice([500, 4500]), rng.choice(["udp", "tcp"]))))
            t += timedelta(seconds=rng.randint(30, 900))
            reason = rng.choice(["logout", "idle timeout", "logout", "dead peer detected"])
            out.append(line(t, pid, "session %d closed: %s" % (session, reason)))
        elif r < 0.7:
            if rng.random() < 0.5:
                who = "user %s" % rng.choice(USERS)
            else:
                who = "unknown user %s" % rng.choice(UNKNOWN)
            out.append(line(t, pid, "login failed for %s from %s" % (who, rng.choice(PEERS))))
        else:
            tail = " [dry-run]" if rng.random() < 0.4 else ""
            out.append(line(t, pid, "config reload by %s done%s" % (rng.choice(ADMINS), tail)))
    return out


if __name__ == "__main__":
    samplegen.main(__doc__, "vpn.log", build, SEED)
