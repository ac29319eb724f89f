#!/usr/bin/env bash
# Hostile inputs (issue step 8): control and Unicode characters in every position, CR-only line
# ends, operator chains of 5,000 terms, a 3,000-token TEXT header, 20,000-word lines, a 1 MiB
# line, an XML event of 100,000 children, JSON 100,000 levels deep and of 10,000 keys, CEF with
# 1,000 extension pairs, 10k and 100k distinct event types, and /dev/zero — through every
# command that reads that kind of input. Prints per run the exit code, wall time and peak RSS,
# and whether it stayed within bounds (≤ 1 MiB inputs: < 10 s, < 500 MB; larger: < 60 s, < 2 GB).
# Usage: eval/bench/bench-adversarial.sh [--json FILE] [--only SUBSTRING]
# Exit status 1 when a run is out of bounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
. eval/bench/common.sh
cases="$work/adversarial-v2"
[ -s "$cases/types-100k.log" ] || python3 eval/bench/make_adversarial.py "$cases"
build_normforge
python3 eval/bench/adversarial.py "$bin" "$cases" "$work/adversarial-out" "$@"
