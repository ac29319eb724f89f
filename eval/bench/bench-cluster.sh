#!/usr/bin/env bash
# Throughput and memory of `normforge cluster` against Drain3 (PyPI `drain3`, default config)
# on the same 1,000,000-line log replayed from the loghub logs with perturbed variable parts.
# Usage: eval/bench/bench-cluster.sh [--json FILE] [LOGHUB_DIR] [LINES]
#   --json FILE  also writes the figures as JSON (for `normforge diff`)
# Targets (issue step 2): >= 30x Drain3's lines/s, peak RSS < 300 MB.
set -euo pipefail
cd "$(dirname "$0")/../.."
. eval/bench/common.sh
parse_json_flag "$@"
loghub=${args[0]:-../shared/loghub}
lines=${args[1]:-1000000}
log=$(replay_log "$loghub" "$lines")

venv="$work/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "drain3==0.9.11"
fi

build_normforge

t0=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss.txt" "$bin" cluster "$log" --json > "$work/clusters.json"
t1=$(date +%s.%N)
nf_s=$(echo "$t1 - $t0" | bc -l)
nf_rss=$(( $(cat "$work/rss.txt") / 1024 ))
nf_clusters=$(python3 -c "import json; print(len(json.load(open('$work/clusters.json'))['clusters']))")

read -r d_lines d_clusters d_s < <("$venv/bin/python" eval/bench/drain3_run.py "$log")

python3 - "$lines" "$nf_s" "$nf_rss" "$nf_clusters" "$d_s" "$d_clusters" "$json_out" <<'PY'
import json, sys
n, nf_s, nf_rss, nf_c, d_s, d_c = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
if sys.argv[7]:
    json.dump({"bench": "cluster", "lines": n, "lines_per_second": n / nf_s, "rss_mb": nf_rss,
               "cluster_count": nf_c, "drain3_lines_per_second": n / d_s,
               "drain3_cluster_count": d_c, "ratio_vs_drain3": d_s / nf_s},
              open(sys.argv[7], "w"), indent=2)
print(f"log: {n} lines")
print(f"normforge cluster: {nf_s:.2f} s, {n/nf_s:,.0f} lines/s, peak RSS {nf_rss} MB, {nf_c} clusters")
print(f"drain3 (default):  {d_s:.2f} s, {n/d_s:,.0f} lines/s, {d_c} clusters")
print(f"speed-up: {d_s/nf_s:.1f}x (target >= 30x), RSS target < 300 MB")
PY
