#!/usr/bin/env python3
"""Synthesizes a syslog-style log with N distinct event types (for header and rule-set benches).

Usage: make_types_log.py OUT TYPES EVENTS_PER_TYPE [SEED]

Each type is a sentence of 4-9 words drawn from a fixed vocabulary (so types differ by their
words, as real event types do) with 1-3 variable slots (number, IPv4, user, path); events of a
type fill the slots with fresh values. Deterministic for a seed.
"""
import random, sys

WORDS = ("session connection request user account file service module driver policy device "
         "network interface port socket process thread task job queue cache disk volume backup "
         "restore update install remove create delete open close start stop accept reject allow "
         "deny grant revoke lock unlock mount unmount read write sync flush retry timeout error "
         "warning failure success invalid expired denied granted completed aborted scheduled").split()
USERS = ["root", "admin", "alice", "bob", "carol", "dave", "eve", "mallory", "oscar", "peggy"]


def slot(kind, rnd):
    if kind == "n":
        return str(rnd.randrange(1, 100000))
    if kind == "ip":
        return ".".join(str(rnd.randrange(1, 255)) for _ in range(4))
    if kind == "u":
        return rnd.choice(USERS)
    return "/var/lib/" + "/".join(rnd.choice(WORDS) for _ in range(2)) + f"/{rnd.randrange(1000)}.dat"


def main():
    out, types, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 11)
    templates = set()
    while len(templates) < types:
        words = rnd.sample(WORDS, rnd.randrange(4, 10))
        slots = rnd.sample(["n", "ip", "u", "p"], rnd.randrange(1, 4))
        for s in slots:
            words.insert(rnd.randrange(1, len(words) + 1), "{" + s + "}")
        templates.add(" ".join(words))
    templates = sorted(templates)
    lines = []
    for t in templates:
        for _ in range(per):
            msg = " ".join(slot(w[1:-1], rnd) if w.startswith("{") else w for w in t.split())
            lines.append(msg)
    rnd.shuffle(lines)
    with open(out, "w") as f:
        for i, m in enumerate(lines):
            f.write(f"Mar {1 + i // 86400 % 28:2d} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} host-{i % 7} app[{1000 + i % 97}]: {m}\n")


if __name__ == "__main__":
    main()
