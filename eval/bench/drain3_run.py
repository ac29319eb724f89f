#!/usr/bin/env python3
"""Runs Drain3 (default configuration) over a log file and prints lines, clusters, seconds."""
import sys, time
from drain3 import TemplateMiner

miner = TemplateMiner()
n = 0
t0 = time.perf_counter()
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        miner.add_log_message(line.rstrip("\n"))
        n += 1
dt = time.perf_counter() - t0
print(f"{n} {len(miner.drain.clusters)} {dt:.3f}")
