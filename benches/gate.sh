#!/usr/bin/env bash
# Speed and memory of `opsctl gate --once` on a 50-metric gate.yaml against a
# real Prometheus (Debian's 2.42 `prometheus`; its `promtool` backfills fixed
# data), measured in the same run as each of the 50 queries alone with curl:
#   - wall time: opsctl's median for the whole gate against the median of the
#     slowest query sent alone (one curl process per run, as one opsctl
#     process runs the gate), the two timed in turns after the slowest query
#     is found: target <= 1.5x;
#   - peak RSS (GNU time) of the 50-metric gate and of a 1-metric gate: what
#     each metric adds, (RSS50 - RSS1) / 49, target < 1 MiB; RSS50 / 50 shown
#     against the same target.
# Data: 50 services over 2 h at 15 s spacing (fixed seeds): counters
# http_requests_total{service,code="200"|"500"} (20 to 200 req/s, 0.1 to 3 %
# errors) and a latency histogram http_request_duration_seconds (11 buckets).
# The gate alternates an error-ratio and a p95 metric per service, all passing,
# evaluated at a fixed time inside the data (--at). Times come from hyperfine
# (Debian package `hyperfine`) when installed, else from a plain loop; medians.
#
# Usage: benches/gate.sh [RUNS [QUERY_RUNS]]   (default 40 runs of the gate,
#        10 of each query alone)
# OPSCTL=/path/to/opsctl measures that binary instead of building this
# checkout's release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh
runs=${1:-40}
query_runs=${2:-10}
services=50

# --- Tools -----------------------------------------------------------------
missing=()
for t in prometheus promtool curl; do
  command -v "$t" >/dev/null || missing+=("$t")
done
/usr/bin/time -f %M true >/dev/null 2>&1 || missing+=("GNU time")
if [ "${#missing[@]}" -ne 0 ]; then
  echo "missing: ${missing[*]}; install them with" >&2
  echo "  apt-get install -y prometheus curl time hyperfine" >&2
  exit 2
fi
# Python is used for the data and the summary; take the interpreter's real
# path (pyenv shims can be slow and depend on the environment).
python=$(python3 -c 'import sys; print(sys.executable)')
benches=$PWD/benches

if [ -n "${OPSCTL:-}" ]; then
  opsctl=$(realpath "$OPSCTL")
else
  cargo build --release --locked --quiet
  opsctl=$PWD/target/release/opsctl
fi
has_gate=1
"$opsctl" gate --help >/dev/null 2>&1 || has_gate=0
if [ "$has_gate" -eq 0 ]; then
  echo "this opsctl ($opsctl) has no \`gate\` command: timing the queries alone only" >&2
fi

# --- Scratch space and Prometheus ---------------------------------------------
tmp=$(mktemp -d)
prometheus_pid=
cleanup() {
  if [ -n "$prometheus_pid" ]; then
    kill "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"

# The data: 2 h from a 2 h boundary (one TSDB block), samples at 15 s; the
# gate is evaluated at the last sample (every [5m] window full of data).
t0=1699999200
steps=480
at=$((t0 + 15 * (steps - 1)))
"$python" - "$services" "$t0" "$steps" data.om <<'PY'
import math, random, sys

services, t0, steps, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
SIGMA = 0.6  # of the log-normal latencies

def lognormal_cdf(x, median):
    return 0.5 * (1 + math.erf((math.log(x) - math.log(median)) / (SIGMA * math.sqrt(2))))

requests, durations = [], []
for s in range(1, services + 1):
    rng = random.Random(s)
    svc = f"svc-{s}"
    rate, errors, median = rng.uniform(20, 200), rng.uniform(0.001, 0.03), rng.uniform(0.02, 0.15)
    ok = bad = 0
    ok_series, bad_series, total = [], [], []
    for i in range(steps):
        if i:
            n = round(rate * 15 * rng.uniform(0.8, 1.2))
            ok += n
            bad += round(n * errors * rng.uniform(0.5, 1.5))
        ok_series.append(ok)
        bad_series.append(bad)
        total.append(ok + bad)
    ts = [t0 + 15 * i for i in range(steps)]
    requests.append((f'{{code="200",service="{svc}"}}', ok_series, ts))
    requests.append((f'{{code="500",service="{svc}"}}', bad_series, ts))
    # Cumulative bucket counts: a fixed share of all requests so far (monotonic).
    for le in BUCKETS:
        share = lognormal_cdf(le, median)
        durations.append((f'_bucket{{le="{le}",service="{svc}"}}', [math.floor(n * share) for n in total], ts))
    durations.append((f'_bucket{{le="+Inf",service="{svc}"}}', total, ts))
    mean = median * math.exp(SIGMA ** 2 / 2)
    durations.append((f'_sum{{service="{svc}"}}', [round(n * mean, 3) for n in total], ts))
    durations.append((f'_count{{service="{svc}"}}', total, ts))

with open(path, "w") as out:
    out.write("# TYPE http_requests counter\n")
    for labels, values, ts in requests:
        out.writelines(f"http_requests_total{labels} {v} {t}\n" for v, t in zip(values, ts))
    out.write("# TYPE http_request_duration_seconds histogram\n")
    for suffix, values, ts in durations:
        out.writelines(f"http_request_duration_seconds{suffix} {v} {t}\n" for v, t in zip(values, ts))
    out.write("# EOF\n")
PY
promtool tsdb create-blocks-from openmetrics --quiet data.om data >promtool.out 2>&1 ||
  { echo "promtool could not backfill the data:" >&2; cat promtool.out >&2; exit 1; }

# No scrape jobs; port 0 (the chosen port is in the log's "Listening on" line);
# retention counts back from the newest block, so keep old data.
echo 'global: {scrape_interval: 15s}' >prometheus.yml
prometheus --config.file=prometheus.yml --storage.tsdb.path=data \
  --storage.tsdb.retention.time=100y --web.listen-address=127.0.0.1:0 --log.level=info \
  >/dev/null 2>prometheus.log &
prometheus_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*msg="Listening on" address=127\.0\.0\.1:\([0-9]*\).*/\1/p' prometheus.log | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$prometheus_pid" 2>/dev/null || break
  sleep 0.1
done
url=http://127.0.0.1:$port
ready=0
if [ -n "$port" ]; then
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$url/-/ready" 2>/dev/null && { ready=1; break; }
    sleep 0.1
  done
fi
if [ "$ready" -eq 0 ]; then
  echo "Prometheus did not start (port '${port}'); its log:" >&2
  cat prometheus.log >&2
  exit 1
fi

# --- The gates ------------------------------------------------------------------
# One metric per service, alternating an error ratio and a p95 latency; the
# queries one a line in queries.txt, in the gate's order.
: >queries.txt
{
  echo "prometheus: $url"
  echo "metrics:"
  for ((s = 1; s <= services; s++)); do
    sel="service=\"svc-$s\""
    if ((s % 2)); then
      name=svc-$s-error-rate
      query="sum(rate(http_requests_total{$sel,code=~\"5..\"}[5m])) / sum(rate(http_requests_total{$sel}[5m]))"
      condition="result[0] < 0.05"
    else
      name=svc-$s-p95-latency
      query="histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{$sel}[5m])))"
      condition="result[0] < 1"
    fi
    printf '%s\n' "$query" >>queries.txt
    # Single-quoted YAML scalars: the queries hold no single quote.
    printf "  - name: %s\n    query: '%s'\n    successCondition: %s\n" "$name" "$query" "$condition"
  done
} >gate.yaml
head -n 5 gate.yaml >gate1.yaml

# Every query alone, once: each must give one value that passes its condition.
mapfile -t queries <queries.txt
for i in "${!queries[@]}"; do
  curl -fsS --data-urlencode "query=${queries[$i]}" --data-urlencode "time=$at" \
    "$url/api/v1/query" >"answer.$((i + 1)).json"
done
"$python" - "$services" <<'PY'
import json, sys
for s in range(1, int(sys.argv[1]) + 1):
    answer = json.load(open(f"answer.{s}.json"))
    result = answer["data"]["result"]
    assert answer["status"] == "success" and len(result) == 1, (s, answer)
    value = float(result[0]["value"][1])
    limit = 0.05 if s % 2 else 1
    assert 0 < value < limit, f"svc-{s}: {value} does not pass < {limit}"
PY

# --- Wall time ---------------------------------------------------------------------
gate_cmd=("$opsctl" --no-config gate gate.yaml --once --at "$at" --prometheus "$url" -o json)
gate1_cmd=("$opsctl" --no-config gate gate1.yaml --once --at "$at" --prometheus "$url" -o json)
load=$(cut -d' ' -f1 /proc/loadavg)
if [ "$has_gate" -eq 1 ]; then
  # Checked once before timing: it must pass (exit 0) and print JSON.
  rc=0
  "${gate_cmd[@]}" >gate.out 2>gate.err || rc=$?
  if [ "$rc" -ne 0 ] || ! "$python" -c 'import json, sys; json.load(open(sys.argv[1]))' gate.out 2>/dev/null; then
    echo "opsctl gate failed (exit status $rc) on this all-passing gate:" >&2
    echo "  ${gate_cmd[*]}" >&2
    cat gate.err >&2
    head -c 2000 gate.out >&2
    exit 1
  fi
  # A Prometheus just started answers its first few hundred queries slower
  # (Go runtime growth, page cache, postings caches), which would charge
  # opsctl, timed first, for the server's warm-up: warm it up for both sides.
  echo "warming Prometheus up (20 gates of $services queries)" >&2
  for _ in $(seq 20); do "${gate_cmd[@]}" >/dev/null; done
  echo "timing opsctl gate ($runs runs)" >&2
  bench gate 5 "$runs" "${gate_cmd[@]}"
fi
echo "timing each of the $services queries alone ($query_runs runs each)" >&2
for i in "${!queries[@]}"; do
  bench "query.$((i + 1))" 2 "$query_runs" curl -fsS -o /dev/null \
    --data-urlencode "query=${queries[$i]}" --data-urlencode "time=$at" "$url/api/v1/query"
done
# For scale: curl's own cost, on Prometheus' cheapest page.
bench ready 2 "$query_runs" curl -fsS -o /dev/null "$url/-/ready"

# --- The ratio, timed in turns ------------------------------------------------------
# This machine's speed drifts within minutes (other guests, memory scanning),
# and timing one side after the other charges the drift to whichever came
# second. So the query with the slowest median above is timed again in turns
# with the gate, run for run, and the target is the ratio of those medians.
# (Re-timing also removes the upward pull of taking the largest of 50 noisy
# medians, which favoured opsctl.)
if [ "$has_gate" -eq 1 ]; then
  echo "timing the gate and the slowest query in turns ($runs rounds)" >&2
  PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$benches "$python" - "$services" "$runs" "$at" "$url" "${gate_cmd[@]}" <<'PY'
import statistics, sys
from turns import in_turns
services, rounds, at, url = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
gate = sys.argv[5:]
medians = [statistics.median(float(t) for t in open(f"query.{i}.times").read().split())
           for i in range(1, services + 1)]
slowest = max(range(services), key=lambda i: medians[i])
query = open("queries.txt").read().splitlines()[slowest]
curl = ["curl", "-fsS", "-o", "/dev/null", "--data-urlencode", f"query={query}",
        "--data-urlencode", f"time={at}", f"{url}/api/v1/query"]
times = in_turns({"gate": gate, "query": curl}, rounds)
for name, values in times.items():
    with open(f"turns.{name}.times", "w") as out:
        out.write("\n".join(map(str, values)) + "\n")
with open("turns.slowest", "w") as out:
    out.write(f"{slowest + 1}\n")
PY
fi

# --- Peak memory ---------------------------------------------------------------------
# The largest of 5 runs of each gate.
if [ "$has_gate" -eq 1 ]; then
  for i in 1 2 3 4 5; do
    /usr/bin/time -f %M -o "rss50.$i" "${gate_cmd[@]}" >/dev/null
    /usr/bin/time -f %M -o "rss1.$i" "${gate1_cmd[@]}" >/dev/null
  done
fi

# --- Report ----------------------------------------------------------------------------
versions=("$("$opsctl" --version)" "$(prometheus --version 2>&1 | head -n 1)" "$(curl --version | head -n 1 | cut -d' ' -f1-2)")
"$python" - "$services" "$runs" "$query_runs" "$at" "$load" "$has_gate" "${versions[@]}" <<'PY'
import statistics, sys
services, runs, query_runs, at = (int(a) for a in sys.argv[1:5])
load, has_gate = sys.argv[5], sys.argv[6] == "1"
v_opsctl, v_prometheus, v_curl = sys.argv[7:10]
KiB, MiB = 1024, 1024 * 1024

def times(name):
    return [float(t) for t in open(f"{name}.times").read().split()]

def ms(seconds):
    return f"{seconds * 1e3:.2f} ms"

names = [l.split(": ")[1] for l in open("gate.yaml").read().splitlines() if l.startswith("  - name: ")]
medians = [statistics.median(times(f"query.{i}")) for i in range(1, services + 1)]
slowest = max(range(services), key=lambda i: medians[i])
ready = statistics.median(times("ready"))

print(f"{v_opsctl} against {v_prometheus}; queries alone with {v_curl}")
print(f"{services} metrics (an error ratio and a p95 latency per service, alternating), "
      f"evaluated at {at}, inside 2 h of backfilled data")
print(f"load average {load} before the first run\n")
print(f"each query alone with curl ({query_runs} runs each, medians): "
      f"{ms(min(medians))} to {ms(max(medians))}, median {ms(statistics.median(medians))}")
print(f"  slowest: {names[slowest]} {ms(medians[slowest])}")
print(f"  (curl on /-/ready, for its own cost: {ms(ready)})")
if not has_gate:
    print("\nthis opsctl has no `gate` command: only the queries alone were measured")
    sys.exit(1)

gate = times("gate")
median = statistics.median(gate)
print(f"opsctl gate --once, {services} metrics ({runs} runs): median {ms(median)}, "
      f"min {ms(min(gate))}, max {ms(max(gate))}; "
      f"{median / medians[slowest]:.2f}x the slowest median above")
turn_gate, turn_query = statistics.median(times("turns.gate")), statistics.median(times("turns.query"))
turn_slowest = int(open("turns.slowest").read()) - 1
print(f"in turns ({runs} rounds): opsctl gate {ms(turn_gate)}, "
      f"{names[turn_slowest]} alone {ms(turn_query)}")

def peak(prefix):
    return max(int(open(f"{prefix}.{i}").read().split()[-1]) for i in range(1, 6)) * KiB

rss50, rss1 = peak("rss50"), peak("rss1")
per_metric = (rss50 - rss1) / (services - 1)
print(f"peak RSS (largest of 5 runs): {rss50 / MiB:.1f} MiB with {services} metrics, "
      f"{rss1 / MiB:.1f} MiB with 1")

print("\ntargets:")
def line(text, target, ok):
    print(f"  {text:<58} {target:<18} {'PASS' if ok else 'MISS'}")
ratio = turn_gate / turn_query
line(f"wall time {ratio:.2f}x the slowest query alone ({ms(turn_gate)} vs {ms(turn_query)}, in turns)",
     "target <= 1.5x", ratio <= 1.5)
line(f"memory per metric (RSS50 - RSS1) / {services - 1}: {per_metric / KiB:.0f} KiB",
     "target < 1 MiB", per_metric < MiB)
line(f"memory per metric RSS50 / {services}: {rss50 / services / KiB:.0f} KiB",
     "target < 1 MiB", rss50 / services < MiB)
PY
