#!/usr/bin/env python3
"""Runs every command that reads a kind of input on each case of make_adversarial.py and prints
per run: exit code, wall time, peak RSS, and whether it stayed within the bounds of issue step 8
(inputs of at most 1 MiB: < 10 s and < 500 MB; larger ones, such as the 100k-type log: < 60 s,
< 2 GB). `/dev/zero` is given to the commands that read one event or file (an endless stream
through `cluster` reads until it ends, in bounded memory, as `wc` would; `zeros-8mib.log` is
its finite stand-in).

Usage: adversarial.py NORMFORGE CASES_DIR WORK_DIR [--json FILE] [--only SUBSTRING]

A run is killed past 4 GB of RSS or 3x its time bound, and counts as out of bounds. A crash
(a signal, or exit code 101: a Rust panic) is out of bounds whatever its time. Exit status 1
when any run is out of bounds.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

KILL_RSS_KB = 4 << 20


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def clear_output(out):
    """Removes the folder `out` and the `.NAME.tmp-PID` / `.NAME.old-PID` folders that killed runs
    of generate left beside it, and waits for the file system to write the removal out."""
    parent, name = os.path.split(os.path.abspath(out))
    doomed = [out] + [os.path.join(parent, n) for n in os.listdir(parent)
                      if n.startswith(f".{name}.tmp-") or n.startswith(f".{name}.old-")]
    if any(os.path.exists(d) for d in doomed):
        for d in doomed:
            shutil.rmtree(d, ignore_errors=True)
        os.sync()


def run(cmd, limit_s, stdin=None):
    """(exit code or -signal, wall seconds, peak RSS in MB, why killed or '')."""
    start = time.monotonic()
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE, stdin=stdin or subprocess.DEVNULL)
    killed = ""
    peak = 0
    err_chunks = []
    os.set_blocking(p.stderr.fileno(), False)
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        try:
            chunk = p.stderr.read()
            if chunk:
                err_chunks.append(chunk[-4000:])
        except (BlockingIOError, TypeError):
            pass
        if pid:
            break
        peak = max(peak, rss_kb(p.pid))
        if peak > KILL_RSS_KB:
            killed = "memory"
        elif time.monotonic() - start > 3 * limit_s:
            killed = "time"
        if killed:
            p.send_signal(signal.SIGKILL)
        time.sleep(0.02)
    wall = time.monotonic() - start
    peak = max(peak, usage.ru_maxrss)
    code = os.waitstatus_to_exitcode(status)
    err = b"".join(err_chunks).decode("utf-8", "replace").strip().splitlines()
    return code, wall, peak / 1024, killed, (err[-1] if err else "")


def main():
    args = sys.argv[1:]
    nf, cases, work = args[0], args[1], args[2]
    json_out = args[args.index("--json") + 1] if "--json" in args else None
    only = args[args.index("--only") + 1] if "--only" in args else ""
    os.makedirs(work, exist_ok=True)
    kb = "knowledge-base"
    runs = []
    logs = sorted(f for f in os.listdir(cases) if f.endswith(".log"))
    for log in logs:
        path = os.path.join(cases, log)
        big = os.path.getsize(path) > 1 << 20
        limit = 60 if big else 10
        out = os.path.join(work, "out-" + log[:-4])
        runs += [
            (log, "cluster", [nf, "cluster", path, "--json"], limit),
            (log, "cluster --headers", [nf, "cluster", path, "--headers", "--json"], limit),
            (log, "generate", [nf, "generate", path, "-o", out, "--force", "--json"], limit),
            (log, "normalize-log", [nf, "normalize-log", kb, path], limit),
        ]
    for rule in sorted(d for d in os.listdir(cases) if d.startswith("rule-")):
        d = os.path.join(cases, rule)
        raw = os.path.join(d, "raw.txt")
        runs += [
            (rule, "check", [nf, "check", d], 10),
            (rule, "normalize", [nf, "normalize", d, raw], 10),
            (rule, "explain", [nf, "explain", d, raw], 10),
        ]
    runs += [
        ("rule-chain vs rule-and-chain", "diff", [nf, "diff", os.path.join(cases, "rule-chain"), os.path.join(cases, "rule-and-chain")], 10),
        ("/dev/zero", "normalize", [nf, "normalize", os.path.join(cases, "rule-xml"), "/dev/zero"], 10),
        ("/dev/zero", "explain", [nf, "explain", kb, "/dev/zero"], 10),
        ("/dev/zero", "diff", [nf, "diff", "/dev/zero", "/dev/zero"], 10),
        ("/dev/zero", "check", [nf, "check", "/dev/zero"], 10),
    ]
    results = []
    bad = 0
    print(f"{'case':34} {'command':18} {'exit':>5} {'wall s':>7} {'RSS MB':>7}  ok  last message")
    for case, name, cmd, limit in runs:
        if only and only not in case and only not in name:
            continue
        mem_limit = 2048 if limit > 10 else 500
        if name == "generate":
            # Each generate writes a fresh folder: removing what an earlier run left (450,000
            # files for 100k event types) is the file system's time, not generate's.
            clear_output(cmd[cmd.index("-o") + 1])
        code, wall, rss, killed, msg = run(cmd, limit)
        if name == "generate":
            # Removed at once, and the removal written out, so that the next run does not pay
            # for it.
            clear_output(cmd[cmd.index("-o") + 1])
        crashed = code < 0 or code == 101
        ok = not killed and not crashed and wall < limit and rss < mem_limit
        bad += not ok
        note = f"killed ({killed})" if killed else msg
        print(f"{case:34} {name:18} {code:>5} {wall:7.2f} {rss:7.0f}  {'yes' if ok else 'NO ':3} {note[:90]}")
        results.append({"case": case, "command": name, "exit": code, "wall_s": round(wall, 3),
                        "rss_mb": round(rss, 1), "limit_s": limit, "limit_mb": mem_limit,
                        "ok": ok, "killed": killed, "message": msg})
        sys.stdout.flush()
    print(f"{len(results) - bad} within bounds, {bad} out of bounds")
    if json_out:
        with open(json_out, "w") as f:
            json.dump({"runs": results, "out_of_bounds": bad}, f, indent=1)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
