#!/usr/bin/env python3
"""Builds a large log by replaying loghub logs with their variable parts perturbed.

Usage: make_replay_log.py LOGHUB_DIR OUT LINES [SEED]

Every line of the 12 `<System>/<System>_2k.log` files is replayed in turn; numbers, hex
strings and IPv4 addresses are replaced by fresh random values of the same shape, and times of
day by fresh valid times (dates stay as they are, so every timestamp remains a timestamp), so
no line repeats verbatim while the event types stay those of the source logs. Deterministic for
a seed.
"""
import glob, os, random, re, sys

NUM = re.compile(r"\d+")
HEX = re.compile(r"\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}\b")
IP = re.compile(r"\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b")
# Times of day (with a fraction), replaced by fresh valid ones.
TIME = re.compile(r"\b([01]\d|2[0-3])([:.])([0-5]\d)\2([0-5]\d)(?:([.,])(\d+))?\b")
# Dates and the date parts of timestamps, kept: `2015-10-18`, `2005.06.03`, `17/06/09`,
# `Jun 14`, `03-17 ` and `10.30 ` before a time, a year after a time.
DATE = re.compile(
    r"\b\d{4}[-./]\d{2}[-./]\d{2}\b"
    r"|\b\d{2}/\d{2}/\d{2}\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2}\b"
    r"|\b\d{2}[-.]\d{2}(?=[ -]\d{2}[:.]\d{2}[:.]\d{2})"
    r"|(?<=\d{2}:\d{2}:\d{2} )(?:19|20)\d{2}\b"
)


def fresh_time(m, rnd):
    sep, frac_sep, frac = m.group(2), m.group(5), m.group(6)
    t = f"{rnd.randrange(24):02d}{sep}{rnd.randrange(60):02d}{sep}{rnd.randrange(60):02d}"
    if frac:
        t += frac_sep + "".join(rnd.choice("0123456789") for _ in frac)
    return t


def perturb(line, rnd):
    """Dates kept, times fresh, the rest through `perturb_free`."""
    spans = sorted([(m.start(), m.end(), m.group(0)) for m in DATE.finditer(line)]
                   + [(m.start(), m.end(), fresh_time(m, rnd)) for m in TIME.finditer(line)])
    out, last = [], 0
    for a, b, text in spans:
        if a < last:
            continue
        out.append(perturb_free(line[last:a], rnd))
        out.append(text)
        last = b
    out.append(perturb_free(line[last:], rnd))
    return "".join(out)


def perturb_free(line, rnd):
    """Fresh IPv4 addresses (valid), hex strings and numbers of the same shapes."""
    def hexs(m):
        s = m.group(0)
        head = "0x" if s.startswith("0x") else ""
        return head + "".join(rnd.choice("0123456789abcdef") for _ in s[len(head):])

    def num(m):
        s = m.group(0)
        return str(rnd.randrange(10 ** (len(s) - 1), 10 ** len(s))) if len(s) > 1 else str(rnd.randrange(10))

    spans = sorted([(m.start(), m.end(), ".".join(str(rnd.randrange(1, 255)) for _ in range(4)))
                    for m in IP.finditer(line)]
                   + [(m.start(), m.end(), hexs(m)) for m in HEX.finditer(line)])
    out, last = [], 0
    for a, b, text in spans:
        if a < last:
            continue
        out.append(NUM.sub(num, line[last:a]))
        out.append(text)
        last = b
    out.append(NUM.sub(num, line[last:]))
    return "".join(out)


def main():
    src, out, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    logs = []
    for path in sorted(glob.glob(os.path.join(src, "*", "*_2k.log"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            logs.append([l.rstrip("\n") for l in f if l.strip()])
    if not logs:
        sys.exit(f"no <System>/<System>_2k.log under {src}")
    pool = [l for log in logs for l in log]
    with open(out, "w", encoding="utf-8") as f:
        for i in range(total):
            f.write(perturb(pool[i % len(pool)], rnd) + "\n")


if __name__ == "__main__":
    main()
