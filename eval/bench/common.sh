# Sourced by the bench scripts (from the repository root): the cache folder of bench inputs,
# the replayed loghub log, and the release binary.
#   work                 $NORMFORGE_BENCH_DIR, else ~/.cache/normforge/bench (created)
#   replay_log DIR N     prints the path of the N-line replay of the loghub logs under DIR,
#                        building it once (fresh numbers, IPs and times; dates kept)
#   build_normforge      builds the binary and sets $bin
#   json_out             set by `parse_json_flag "$@"` (the FILE of `--json FILE`, or empty);
#                        the remaining arguments are in the array `args`
work=${NORMFORGE_BENCH_DIR:-$HOME/.cache/normforge/bench}
mkdir -p "$work"

replay_log() {
  local out="$work/replay-v2-$2.log"
  [ -s "$out" ] || python3 eval/bench/make_replay_log.py "$1" "$out" "$2"
  printf '%s\n' "$out"
}

build_normforge() {
  cargo build --release --quiet -p normforge
  bin=${CARGO_TARGET_DIR:-target}/release/normforge
}

parse_json_flag() {
  json_out=""
  args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --json) json_out="$2"; shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
}
