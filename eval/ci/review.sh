#!/usr/bin/env bash
# normforge review for a CI job: the same checks on the base and the head of a change, then the
# diffs a reviewer reads.
#
#   review.sh --base DIR --head DIR --log PATH --kb PATH --out DIR [--year YEAR] [--threshold M=V]...
#             [--bench-base DIR --bench-head DIR]
#
# DIR are two checkouts of the same repository (base and head of the pull/merge request); PATH
# are relative to them: a source log to generate rules for and a knowledge base of rules.
# For each side it generates rules for the log, validates them and the KB, and evaluates the KB
# (`eval kb`). Then it writes OUT/review.md: the diff of the generated rules, of the KB and of the
# evaluation reports. Exit status 1 when anything regressed (a package stops validating, a metric
# drops beyond its threshold, the head's KB or generated rules fail validation).
# With --bench-base/--bench-head (folders of the `--json` outputs of eval/bench/*.sh, run with
# the base's and the head's normforge), each benchmark present on both sides gets a section too:
# what the change costs. Counters (rules per type, rules tried per event, events matched by
# several rules) are strict like every metric; give throughput a share, e.g.
# `--threshold events_per_second=30% --threshold lines_per_second=30%`.
# The binary is `$NORMFORGE` (default: `normforge` on PATH). On GitHub Actions the review is
# also appended to $GITHUB_STEP_SUMMARY.
set -euo pipefail

nf="${NORMFORGE:-normforge}"
if [[ "$nf" == */* ]]; then nf="$(cd "$(dirname "$nf")" && pwd)/$(basename "$nf")"; fi
base="" head="" log="" kb="" out="" year="$(date -u +%Y)" bench_base="" bench_head=""
thresholds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --head) head="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --kb) kb="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --year) year="$2"; shift 2 ;;
    --threshold) thresholds+=(--threshold "$2"); shift 2 ;;
    --bench-base) bench_base="$2"; shift 2 ;;
    --bench-head) bench_head="$2"; shift 2 ;;
    *) echo "review.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
for v in base head log kb out; do
  if [ -z "${!v}" ]; then echo "review.sh: --$v is required" >&2; exit 2; fi
done
for side in "$base" "$head"; do
  for p in "$log" "$kb"; do
    if [ ! -e "$side/$p" ]; then echo "review.sh: $side/$p: no such file or directory" >&2; exit 3; fi
  done
done

mkdir -p "$out"
out="$(cd "$out" && pwd)"
failed=0
for side in base head; do
  root="$base"; [ "$side" = head ] && root="$head"
  mkdir -p "$out/$side"
  # From the checkout, so both sides name the log alike in their reports.
  (cd "$root" && "$nf" generate "$log" -o "$out/$side/rules" --force --json --year "$year" \
    --kb "$kb" >"$out/$side/generate.json")
  # Validation and evaluation failures of the base are recorded, not fatal: the head is judged.
  rc=0
  "$nf" validate "$out/$side/rules" --json --year "$year" >"$out/$side/validate-generated.json" || rc=$?
  [ "$side" = head ] && [ "$rc" -ne 0 ] && failed=1
  rc=0
  "$nf" validate "$root/$kb" --json >"$out/$side/validate-kb.json" || rc=$?
  [ "$side" = head ] && [ "$rc" -ne 0 ] && failed=1
  "$nf" eval kb "$root/$kb" --own-kb "$root/$kb" --json --year "$year" >"$out/$side/eval.json"
done

section() {
  local title="$1"; shift
  local rc=0
  printf '# %s\n\n' "$title" >>"$out/review.md"
  "$nf" diff "$@" --fail-on-regression >>"$out/review.md" || rc=$?
  printf '\n' >>"$out/review.md"
  if [ "$rc" -eq 1 ]; then failed=1; elif [ "$rc" -ne 0 ]; then exit "$rc"; fi
}
: >"$out/review.md"
section "Generated rules for $log" "$out/base/rules" "$out/head/rules" --year "$year" "${thresholds[@]}"
section "Knowledge base $kb" "$base/$kb" "$head/$kb" "${thresholds[@]}"
section "Evaluation of $kb" "$out/base/eval.json" "$out/head/eval.json" "${thresholds[@]}"
if [ -n "$bench_base" ] || [ -n "$bench_head" ]; then
  for d in "$bench_base" "$bench_head"; do
    if [ ! -d "$d" ]; then echo "review.sh: --bench-base and --bench-head need two folders ('$d')" >&2; exit 2; fi
  done
  for b in "$bench_base"/*.json; do
    [ -e "$b" ] || continue
    name=$(basename "$b" .json)
    if [ -e "$bench_head/$name.json" ]; then
      section "Benchmark $name" "$b" "$bench_head/$name.json" "${thresholds[@]}"
    fi
  done
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out/review.md" >>"$GITHUB_STEP_SUMMARY"; fi
echo "review written to $out/review.md (status: $([ $failed -eq 0 ] && echo ok || echo regression))"
exit "$failed"
