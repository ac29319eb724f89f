#!/usr/bin/env bash
# Header synthesis speed: a synthetic log with 1,000 event types (5 events each), clustered and
# given a checked format string per cluster with `normforge cluster --headers`.
# Target (issue step 3): < 5 s on one core for header synthesis.
# Usage: eval/bench/bench-headers.sh [--json FILE]   (--json: the figures as JSON, for `normforge diff`)
set -euo pipefail
cd "$(dirname "$0")/../.."
. eval/bench/common.sh
parse_json_flag "$@"
log="$work/types-1000.log"
[ -s "$log" ] || python3 eval/bench/make_types_log.py "$log" 1000 5
build_normforge
start=$(date +%s.%N)
taskset -c 0 "$bin" cluster "$log" --json > "$work/plain.json"
mid=$(date +%s.%N)
taskset -c 0 "$bin" cluster "$log" --headers --json > "$work/headers.json"
end=$(date +%s.%N)
python3 - "$work/plain.json" "$work/headers.json" "$start" "$mid" "$end" "$json_out" <<'PY'
import json, sys
plain, head = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
t0, t1, t2 = map(float, sys.argv[3:6])
if sys.argv[6]:
    json.dump({"bench": "headers", "lines": head["lines"], "cluster_count": len(head["clusters"]),
               "header_synthesis_wall_s": (t2 - t1) - (t1 - t0),
               "matched_by_own": head["matched_by_own"] / head["lines"],
               "matched_exactly_once": head["matched_exactly_once"] / head["lines"]},
              open(sys.argv[6], "w"), indent=2)
print(f"log: {head['lines']} lines, {len(head['clusters'])} clusters")
print(f"cluster: {t1-t0:.2f} s; cluster --headers: {t2-t1:.2f} s; header synthesis and checks: {(t2-t1)-(t1-t0):.2f} s on one core (target < 5 s)")
print(f"matched by own header {head['matched_by_own']}/{head['lines']}, by exactly one {head['matched_exactly_once']}/{head['lines']}")
PY
