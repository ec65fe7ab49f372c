# shellcheck shell=bash
# Shared by the benchmark scripts (sourced, not run): the timing loop.
# Callers set $python (an interpreter for reading hyperfine's JSON).

# bench NAME WARMUP RUNS CMD...: wall-clock times (s) of CMD, stdout discarded,
# one a line in NAME.times.
bench() {
  local name=$1 warmup=$2 runs=$3 i t0 t1
  shift 3
  if command -v hyperfine >/dev/null; then
    # hyperfine's own warnings (outliers) go to a file, shown only on failure.
    hyperfine --shell=none --warmup "$warmup" --runs "$runs" --style none \
      --export-json "$name.json" "$(printf '%q ' "$@")" >/dev/null 2>"$name.err" \
      || { cat "$name.err" >&2; exit 1; }
    # shellcheck disable=SC2154  # $python is set by the sourcing script
    "$python" -c 'import json, sys; print(*json.load(open(sys.argv[1]))["results"][0]["times"], sep="\n")' \
      "$name.json" >"$name.times"
  else
    : >"$name.times"
    for ((i = 0; i < warmup + runs; i++)); do
      t0=$(date +%s%N)
      "$@" >/dev/null
      t1=$(date +%s%N)
      ((i < warmup)) || echo "$(((t1 - t0) / 1000))e-6" >>"$name.times"
    done
  fi
}
