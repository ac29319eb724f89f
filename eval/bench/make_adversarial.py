#!/usr/bin/env python3
"""Writes the catalogue of hostile inputs that `bench-adversarial.sh` runs every command on.

Usage: make_adversarial.py OUTDIR

Deterministic. Each case is a file (or a rule folder) named after what it holds:
  ctrl-<name>.log     a small syslog log (sshd-like lines of a few event types) with one
                      control or Unicode character put at the start of a line, inside a word,
                      between words and at the end of a line (\\v, \\f, \\0, ESC, a lone CR,
                      NBSP, NEL, LS, PS, combining marks, invalid UTF-8, a BOM mid-file)
  cr-only.log         the same lines ended by CR alone
  words-20000.log     4 syslog lines of 20,000 words each (~480 KB)
  line-1mb.log        one line just under 1 MiB (the default --max-event-bytes)
  xml-100k.log        one <Event> of 100,000 distinct empty child elements (~0.9 MB)
  json-deep.log       one JSON value nested 100,000 levels
  json-10k-keys.log   one JSON object of 10,000 keys
  cef-1000.log        CEF lines with 1,000 extension pairs each
  zeros-8mib.log      8 MiB of NUL bytes and no line end
  types-10k.log       10,000 distinct event types, one event each
  types-100k.log      100,000 distinct event types, one event each
  rule-chain/         a formula `msgid = $a + $a + ...` of 5,000 terms, and raw.txt
  rule-and-chain/     a COND of 5,000 `and` terms
  rule-header-3000/   a TEXT header of 3,000 tokens, and a raw event of 3,000 words
  rule-xml/           an EVENTLOG rule for xml-100k's event
"""
import os
import random
import sys

SSHD = [
    "Failed password for {u} from {ip} port {port} ssh2",
    "Accepted publickey for {u} from {ip} port {port} ssh2",
    "pam_unix(sshd:session): session opened for user {u} by (uid=0)",
    "Disconnected from user {u} {ip} port {port}",
]
USERS = ["root", "alice", "bob", "carol", "dave"]

# name -> the text put into lines (str is encoded as UTF-8; bytes are written as they are).
SPECIALS = {
    "vt": "\v",
    "ff": "\f",
    "nul": "\0",
    "esc": "\x1b",
    "lone-cr": "\r",
    "nbsp": "\u00a0",
    "nel": "\u0085",
    "ls": "\u2028",
    "ps": "\u2029",
    "combining": "e\u0301\u0308",
    "invalid-utf8": b"\xc3\x28\xff",
    "bom": "\ufeff",
}


def sshd_line(i, rnd):
    msg = rnd.choice(SSHD).format(
        u=rnd.choice(USERS),
        ip=f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}",
        port=rnd.randrange(1024, 65536),
    )
    return f"Dec {1 + i % 28:2d} 06:{i % 60:02d}:{(7 * i) % 60:02d} host-{i % 3} sshd[{1000 + i}]: {msg}"


def put(line, special, where, rnd):
    """The line with `special` inserted at `where` (bytes)."""
    b = line.encode()
    s = special if isinstance(special, bytes) else special.encode()
    if where == "start":
        return s + b
    if where == "end":
        return b + s
    words = [m for m in range(len(b)) if b[m : m + 1] == b" "]
    if where == "between":
        at = rnd.choice(words)
        return b[:at] + s + b[at + 1 :]
    # inside a word: after the first byte of a word past the header
    at = rnd.choice(words[3:]) + 2
    return b[:at] + s + b[at:]


def ctrl_logs(out):
    for name, special in SPECIALS.items():
        rnd = random.Random(name)
        lines = []
        for i in range(48):
            line = sshd_line(i, rnd)
            if i % 3 == 0:
                lines.append(put(line, special, ["start", "inside", "between", "end"][i // 3 % 4], rnd))
            else:
                lines.append(line.encode())
        with open(os.path.join(out, f"ctrl-{name}.log"), "wb") as f:
            f.write(b"\n".join(lines) + b"\n")


def write(out, name, text):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(8)
    ctrl_logs(out)
    with open(os.path.join(out, "zeros-8mib.log"), "wb") as f:
        f.write(b"\0" * (8 << 20))
    write(out, "cr-only.log", "".join(sshd_line(i, rnd) + "\r" for i in range(48)))

    vocab = [f"w{n}" for n in range(5000)] + ["user", "from", "port", "session"]
    lines = []
    for i in range(4):
        words = " ".join(rnd.choice(vocab) for _ in range(20000))
        lines.append(f"Dec  6 06:00:0{i} host app[{100 + i}]: {words}")
    write(out, "words-20000.log", "\n".join(lines) + "\n")

    head = "Dec  6 06:00:00 host app[1]: "
    body = " ".join(f"k{n}=v{n}" for n in range(120000))
    write(out, "line-1mb.log", head + body[: (1 << 20) - len(head) - 16] + "\n")

    children = "".join(f"<D{n}/>" for n in range(100000))
    event = f'<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4624</EventID></System><EventData>{children}</EventData></Event>'
    write(out, "xml-100k.log", event + "\n")

    write(out, "json-deep.log", "[" * 100000 + "]" * 100000 + "\n")
    write(out, "json-10k-keys.log", "{" + ",".join(f'"key{n}":"v{n}"' for n in range(10000)) + "}\n")

    cef = []
    for i in range(20):
        ext = " ".join(f"cs{n}=value{n}_{i}" for n in range(1000))
        cef.append(f"CEF:0|Vendor|Product|1.0|{100 + i % 4}|Event {i % 4}|5|{ext}")
    write(out, "cef-1000.log", "\n".join(cef) + "\n")

    # The rules.
    terms = " + ".join(["$a"] * 5000)
    write(out, "rule-chain/formula.xp", f"JSON = ''\n$a = \"x\"\nmsgid = {terms}\n")
    write(out, "rule-chain/raw.txt", '{"a": 1}\n')
    conds = " and ".join(['$a == "x"'] * 5000)
    write(out, "rule-and-chain/formula.xp", f"JSON = ''\nCOND = {conds}\nmsgid = \"x\"\n")
    write(out, "rule-and-chain/raw.txt", '{"a": 1}\n')
    tpl = " ".join("{WORD}" for _ in range(3000))
    write(out, "rule-header-3000/formula.xp", f"TEXT = '{tpl}'\nmsgid = \"x\"\n")
    write(out, "rule-header-3000/raw.txt", " ".join(f"w{n}" for n in range(3000)))
    write(out, "rule-xml/formula.xp", "EVENTLOG = 'EventID=\"4624\"'\nmsgid = $EventID\n$x = $Data[\"D99999\"]\n")
    write(out, "rule-xml/raw.txt", event)

    for n, name in ((10000, "types-10k.log"), (100000, "types-100k.log")):
        here = os.path.dirname(os.path.abspath(__file__))
        os.system(f"python3 {here}/make_types_log.py {os.path.join(out, name)} {n} 1")


if __name__ == "__main__":
    main()
