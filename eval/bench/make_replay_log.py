#!/usr/bin/env python3
"""Builds a large log by replaying loghub logs with their variable parts perturbed.

Usage: make_replay_log.py LOGHUB_DIR OUT LINES [SEED]

Every line of the 12 `<System>/<System>_2k.log` files is replayed in turn; numbers, hex
strings and IPv4 addresses are replaced by fresh random values of the same shape, so no line
repeats verbatim while the event types stay those of the source logs. Deterministic for a seed.
"""
import glob, os, random, re, sys

NUM = re.compile(r"\d+")
HEX = re.compile(r"\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}\b")
IP = re.compile(r"\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b")


def perturb(line, rnd):
    line = IP.sub(lambda m: ".".join(str(rnd.randrange(1, 255)) for _ in range(4)), line)
    def hexs(m):
        s = m.group(0)
        head = "0x" if s.startswith("0x") else ""
        return head + "".join(rnd.choice("0123456789abcdef") for _ in s[len(head):])
    # Hex values are replaced first and kept out of the number pass.
    parts = []
    last = 0
    for m in HEX.finditer(line):
        parts.append(("t", line[last:m.start()]))
        parts.append(("h", hexs(m)))
        last = m.end()
    parts.append(("t", line[last:]))
    def num(m):
        s = m.group(0)
        return str(rnd.randrange(10 ** (len(s) - 1), 10 ** len(s))) if len(s) > 1 else str(rnd.randrange(10))
    return "".join(p if k == "h" else NUM.sub(num, p) for k, p in parts)



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
