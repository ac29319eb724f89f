#!/usr/bin/env python3
"""Format strings on an expert knowledge base, pooled per source (issue step 3).

For every source folder of a KB laid out like open-xp-rules (`<vendor>/<product>/<source>/
<rule>/tests/raw_N.txt`), the raw events of all its rules are pooled into one log, which
`normforge cluster --headers --json` clusters and gives headers. Printed per source:
events, clusters, events matched by their own header and by exactly one header, and the
expert-rule separation: a cluster holding events of several expert rules means its header
covers events of another rule (with every event matched by exactly one header, that is the
only way a header can).

Usage: eval/kb-headers.py KB_DIR [--bin PATH] [--json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict


def sources(kb):
    """source folder -> [(rule, raw text)] (the folder of a rule's parent)."""
    out = defaultdict(list)
    for root, dirs, files in os.walk(kb):
        dirs.sort()
        if "formula.xp" not in files:
            continue
        tests = os.path.join(root, "tests")
        if not os.path.isdir(tests):
            continue
        raws = sorted(
            (f for f in os.listdir(tests) if f.startswith("raw_") and f.endswith(".txt")),
            key=lambda f: int(f[4:-4]) if f[4:-4].isdigit() else 0,
        )
        rule = os.path.relpath(root, kb)
        for f in raws:
            with open(os.path.join(tests, f), encoding="utf-8", errors="replace") as fh:
                text = fh.read().strip("\n")
            if text.strip():
                out[os.path.dirname(rule)].append((rule, text))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kb")
    ap.add_argument("--bin", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "release", "normforge"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    report = []
    for src, events in sorted(sources(a.kb).items()):
        starts = {}
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as log:
            line = 1
            for rule, text in events:
                starts[line] = rule
                log.write(text + "\n")
                line += text.count("\n") + 1
        try:
            r = subprocess.run([a.bin, "cluster", log.name, "--headers", "--json"],
                               capture_output=True, text=True)
        finally:
            os.unlink(log.name)
        if r.returncode != 0:
            print(f"{src}: normforge failed: {r.stderr.strip()}", file=sys.stderr)
            sys.exit(1)
        d = json.loads(r.stdout)
        mixed = 0
        mixed_events = 0
        rules_hit = set()
        for c in d["clusters"]:
            rules = {starts.get(m) for m in c["members"]}
            if len(rules) > 1:
                mixed += 1
                mixed_events += c["size"]
                rules_hit |= rules
        report.append({
            "source": src,
            "events": d["events"],
            "rules": len({r for r, _ in events}),
            "clusters": len(d["clusters"]),
            "matched_by_own": d["matched_by_own"],
            "matched_exactly_once": d["matched_exactly_once"],
            "mixed_clusters": mixed,
            "events_in_mixed_clusters": mixed_events,
            "rules_sharing_a_header": len(rules_hit),
            "rejected": d["rejected_total"],
        })
    if a.json:
        print(json.dumps({"sources": report}))
        return
    for s in report:
        print(f"{s['source']}: {s['events']} events of {s['rules']} rules -> {s['clusters']} "
              f"clusters; own {s['matched_by_own']}, once {s['matched_exactly_once']}; "
              f"{s['mixed_clusters']} clusters mix rules ({s['events_in_mixed_clusters']} events, "
              f"{s['rules_sharing_a_header']} rules share a header); rejected {s['rejected']}")


if __name__ == "__main__":
    main()
