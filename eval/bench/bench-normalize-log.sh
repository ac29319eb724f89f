#!/usr/bin/env bash
# Throughput of `normforge normalize-log` (issue step 7), on all cores, output to /dev/null:
#  1. the 1,000,000-line replay of the loghub logs (variable parts perturbed, as in step 2)
#     with the rules `normforge generate` makes for that same log; target >= 300k events/s;
#  2. 200,000 events of 5,000 distinct synthetic event types with their 5,000 generated rules,
#     against 200,000 events of 50 types with their 50 rules; target: no more than 2x slower.
# Usage: eval/bench/bench-normalize-log.sh [--json FILE] [LOGHUB_DIR] [LINES]
#   --json FILE  also writes the figures as JSON (counters and throughput per run), the input of
#                `normforge diff --fail-on-regression` in a CI review (eval/ci/review.sh --bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
. eval/bench/common.sh
parse_json_flag "$@"
loghub=${args[0]:-../shared/loghub}
lines=${args[1]:-1000000}
replay=$(replay_log "$loghub" "$lines")
t5000="$work/types-5000x40.log"
t50="$work/types-50x4000.log"
[ -s "$t5000" ] || python3 eval/bench/make_types_log.py "$t5000" 5000 40
[ -s "$t50" ] || python3 eval/bench/make_types_log.py "$t50" 50 4000

build_normforge

run() { # name log
  local name=$1 log=$2
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" generate "$log" -o "$work/rules-$name" --force --year 2024 --json >"$work/generate-$name.json"
  t1=$(date +%s.%N)
  echo "$name: generate $(echo "$t1 - $t0" | bc -l | cut -c1-6) s" >&2
  # A warm-up run (page cache), then three; the fastest is reported.
  "$bin" normalize-log "$work/rules-$name" "$log" --year 2024 >/dev/null 2>&1
  for k in 1 2 3; do
    "$bin" normalize-log "$work/rules-$name" "$log" --year 2024 --stats "$work/stats-$name-$k.json" >/dev/null
  done
  python3 - "$work" "$name" <<'PY'
import json, shutil, sys
w, n = sys.argv[1], sys.argv[2]
best = max((json.load(open(f"{w}/stats-{n}-{k}.json"))["events_per_second"], k) for k in (1, 2, 3))[1]
shutil.copy(f"{w}/stats-{n}-{best}.json", f"{w}/stats-{n}.json")
PY
}
run replay "$replay"
run types5000 "$t5000"
run types50 "$t50"

python3 - "$work" "$lines" "$json_out" <<'PY'
import json, sys
w, lines, json_out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = {n: json.load(open(f"{w}/stats-{n}.json")) for n in ("replay", "types5000", "types50")}
types = {"replay": None, "types5000": 5000, "types50": 50}
for n, d in s.items():
    print(f"{n}: {d['rules']} rules, {d['events']} events, normalized {d['normalized_share']*100:.2f} % "
          f"({d['unmatched']} unmatched, {d['catch_all_only']} only by a catch-all), "
          f"{d['tried_per_event']:.2f} rules tried per event, rules loaded in {d['load_seconds']:.2f} s, "
          f"{d['seconds']:.2f} s wall, {d['events_per_second']:,.0f} events/s (loading excluded), "
          f"{d['events']/d['seconds']:,.0f} events/s (wall)")
r = s["types50"]["events_per_second"] / s["types5000"]["events_per_second"]
print(f"replay: {s['replay']['events_per_second']:,.0f} events/s (target >= 300,000)")
print(f"5,000 rules vs 50: {r:.2f}x slower (target <= 2x)")
if json_out:
    out = {"bench": "normalize-log", "replay_lines": lines}
    for n, d in s.items():
        run = {"rule_count": d["rules"], "events": d["events"],
               "tried_per_event": d["tried_per_event"], "several": d["several"],
               "unmatched": d["unmatched"], "normalized_share": d["normalized_share"],
               "events_per_second": d["events_per_second"]}
        if types[n]:
            run["type_count"] = types[n]
            run["rule_type_gap"] = abs(d["rules"] - types[n]) / types[n]
        out[n] = run
    out["slowdown_5000_vs_50"] = r
    json.dump(out, open(json_out, "w"), indent=2)
PY
