#!/usr/bin/env bash
# Throughput, CPU cost and memory of `opsctl load` against the usual HTTP load
# generators, measured in the same run against the same server: nginx
# (Debian `nginx-light`, one worker process, a fixed 13-byte body, keep-alive)
# on 127.0.0.1, 50 connections for 10 s each, tools run in interleaved order:
#   - opsctl --threads 1 (the headline: like-for-like with wrk's one thread),
#   - opsctl with its default threads (one per CPU),
#   - wrk -t1 (Debian `wrk`), oha (crates.io `oha`), hey (Debian `hey`).
# For each: requests/s as the tool reports it, the tool's own CPU time (user +
# sys from GNU time) per completed request in microseconds, its peak RSS, p99
# latency, its errors, and how many requests nginx itself counted (stub_status)
# as a check on the tool's count. Then ratios opsctl/peer and the targets with
# PASS/MISS (for opsctl --threads 1):
#   - requests/s >= 1.0x oha and >= 0.95x wrk -t1;
#   - CPU per request <= 1.2x wrk -t1 and <= 0.7x oha;
#   - peak RSS <= 30 MiB at 50 connections;
#   - peak RSS <= 300 MiB at 10,000 connections: one extra run of opsctl alone
#     (default threads, -c 10000, 5 s) against the same nginx, which must also
#     succeed (under 1 % errors, nginx seeing all 10,000 connections open).
# Figures are medians over the runs (peak RSS: the largest). The machine's
# other work skews the ratios; the report shows the load average. nginx takes
# one CPU, the load generator competes for the rest.
#
# Usage: benches/load.sh [RUNS [SECONDS]]   (default 3 runs of 10 s per tool)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
seconds=${2:-10}
conns=50
big_conns=10000
big_seconds=5

# --- Tools -----------------------------------------------------------------
missing=()
nginx=$(command -v nginx || echo /usr/sbin/nginx) # /usr/sbin is not on every PATH
[ -x "$nginx" ] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
command -v hey >/dev/null || missing+=(hey)
/usr/bin/time -f %M true >/dev/null 2>&1 || missing+=("GNU time")
if [ "${#missing[@]}" -ne 0 ]; then
  echo "missing: ${missing[*]}; install them with" >&2
  echo "  apt-get install -y nginx-light wrk hey time" >&2
  exit 2
fi
# oha: from PATH, else the copy this script installs into .bench-tools.
if command -v oha >/dev/null; then
  oha=$(command -v oha)
else
  oha=$PWD/.bench-tools/bin/oha
  if [ ! -x "$oha" ]; then
    echo "oha is not installed: building it with cargo install oha --locked --root .bench-tools" >&2
    echo "(takes about 7 minutes on 2 cores; done once)" >&2
    cargo install oha --locked --root .bench-tools ||
      { echo "installing oha failed" >&2; exit 2; }
  fi
fi
# Python is used for the parsing and the summary; take the interpreter's real
# path (pyenv shims can be slow and depend on the environment).
python=$(python3 -c 'import sys; print(sys.executable)')

cargo build --release --locked --quiet
opsctl=$PWD/target/release/opsctl
has_load=1
"$opsctl" load --help >/dev/null 2>&1 || has_load=0
if [ "$has_load" -eq 0 ]; then
  echo "this opsctl has no \`load\` command: measuring the peers only" >&2
fi

# --- Open-file limits --------------------------------------------------------
# 10,000 connections need over 10,000 descriptors in the client and in nginx:
# raise the soft limit to the hard one (both processes inherit it).
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1048576
ulimit -n "$hard" 2>/dev/null || true
nofile=$(ulimit -n)
rlimit=$((nofile < 30000 ? nofile : 30000))

# --- Scratch space and nginx ---------------------------------------------------
tmp=$(mktemp -d)
nginx_pid=
cleanup() {
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"

# A free port: the kernel picks one, then it is released for nginx.
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port/
# One worker; every path under $tmp so it runs as any user; no access log.
# multi_accept: take every pending connection at once, else the one worker
# takes seconds to accept 10,000 while serving the first. stub_status counts
# the connections and requests nginx served, to check each tool's counts.
cat >nginx.conf <<EOF
worker_processes 1;
worker_rlimit_nofile $rlimit;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 20000; multi_accept on; }
http {
  access_log off;
  client_body_temp_path $tmp/client_body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$port backlog=65535;
    location / { return 200 "hello, world\n"; }
    location = /nginx_status { stub_status; }
  }
}
EOF
"$nginx" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" >nginx.out 2>&1 &
nginx_pid=$!

# status: nginx's stub_status page, over bash's /dev/tcp (no client needed).
status() {
  local page
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /nginx_status HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  page=$(cat <&3)
  exec 3<&-
  printf '%s\n' "$page"
}
# counters: "ACTIVE ACCEPTED REQUESTS" from the status page.
counters() {
  status | awk '/^Active connections:/ { a = $3 } /^ *[0-9]+ +[0-9]+ +[0-9]+ *$/ { c = $1; r = $3 } END { print a, c, r }'
}
for _ in $(seq 50); do
  status >/dev/null 2>&1 && break
  kill -0 "$nginx_pid" 2>/dev/null || break
  sleep 0.1
done
if ! status >/dev/null 2>&1; then
  echo "nginx did not start on $url:" >&2
  cat nginx.out error.log >&2 2>/dev/null || true
  exit 1
fi
# nginx's one worker, whose CPU time is read around each run.
nginx_worker=$(cat "/proc/$nginx_pid/task/$nginx_pid/children" 2>/dev/null || pgrep -P "$nginx_pid")
nginx_worker=${nginx_worker%% *}
[ -r "/proc/$nginx_worker/stat" ] || { echo "cannot find nginx's worker process" >&2; exit 1; }
body=$("$python" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode(), end="")' "$url")
[ "$body" = "hello, world" ] || { echo "nginx answers $url with '$body'" >&2; exit 1; }

# --- The measured commands ----------------------------------------------------
# One array per tool, named TOOL_cmd (measure reads them through a nameref).
# shellcheck disable=SC2034
{
  opsctl1_cmd=("$opsctl" --no-config load "$url" -c "$conns" -d "${seconds}s" --threads 1 -o json)
  opsctl_cmd=("$opsctl" --no-config load "$url" -c "$conns" -d "${seconds}s" -o json)
  wrk_cmd=(wrk -t1 "-c$conns" "-d${seconds}s" --latency "$url")
  oha_cmd=("$oha" -z "${seconds}s" -c "$conns" --no-tui --output-format json "$url")
  hey_cmd=(hey -z "${seconds}s" -c "$conns" "$url")
  big_cmd=("$opsctl" --no-config load "$url" -c "$big_conns" -d "${big_seconds}s" -o json)
}
tools=(opsctl1 opsctl wrk oha hey)
[ "$has_load" -eq 1 ] || tools=(wrk oha hey)

# measure TOOL.RUN: runs TOOL_cmd under GNU time, leaving TOOL.RUN.out and .err
# (its output), .rc (its exit status), .time ("wall user sys maxrss_kib") and
# .nginx (nginx's counters before and after) and .cpu (CPU time, in clock
# ticks, of the whole machine (user + nice + system: not irq and softirq, which
# the loopback traffic itself causes) and of nginx's worker, before and after). A run
# that hangs is stopped a minute past its duration (exit status 124).
cpu_ticks() {
  echo "$(awk '/^cpu / { print $2 + $3 + $4 }' /proc/stat) \
$(awk '{ print $14 + $15 }' "/proc/$nginx_worker/stat")"
}
measure() {
  local name=$1 rc=0
  local -n argv=${name%%.*}_cmd
  counters >"$name.nginx"
  cpu_ticks >"$name.cpu"
  timeout -k 5 $((seconds > big_seconds ? seconds + 60 : big_seconds + 60)) \
    /usr/bin/time -f '%e %U %S %M' -o "$name.time" "${argv[@]}" >"$name.out" 2>"$name.err" || rc=$?
  cpu_ticks >>"$name.cpu"
  echo "$rc" >"$name.rc"
  counters >>"$name.nginx"
}

# Warm-up (not counted): nginx's first requests, the page cache.
wrk -t1 -c$conns -d2s "$url" >/dev/null
load=$(cut -d' ' -f1 /proc/loadavg)
# Interleaved: each round runs every tool once, starting one tool later than
# the round before, so no tool always runs first or right after another.
n=${#tools[@]}
for ((r = 1; r <= runs; r++)); do
  for ((k = 0; k < n; k++)); do
    t=${tools[$(((r - 1 + k) % n))]}
    echo "round $r/$runs: ${t/opsctl1/opsctl --threads 1}" >&2
    measure "$t.$r"
    sleep 1
  done
done

# --- 10,000 connections: opsctl alone ---------------------------------------
# While it runs, nginx's active connections are sampled twice a second (the
# most seen shows whether all 10,000 were open at once), over one kept-alive
# connection opened before the run: a new one could wait seconds in nginx's
# accept queue behind the 10,000.
if [ "$has_load" -eq 1 ]; then
  echo "opsctl at $big_conns connections for ${big_seconds}s" >&2
  "$python" - "$port" "$((big_seconds + 2))" >big.active 2>big.sampler.err <<'PY' &
import http.client, re, sys, time
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    try:
        conn.request("GET", "/nginx_status")
        page = conn.getresponse().read().decode()
        print(int(re.search(r"Active connections: (\d+)", page).group(1)) - 1, flush=True)
    except Exception as e:  # reported, not fatal: the run itself is what counts
        print(f"sample failed: {e}", file=sys.stderr)
        conn.close()
    time.sleep(0.5)
PY
  sampler=$!
  sleep 0.5
  measure big.1
  wait "$sampler" || true
fi

# --- Report ------------------------------------------------------------------
versions=(
  "$("$opsctl" --version)"
  "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
  "$("$oha" --version)"
  "hey $(dpkg-query -W -f '${Version}' hey 2>/dev/null || echo '(version unknown)')"
  "$("$nginx" -v 2>&1 | sed 's/^nginx version: //')"
)
"$python" - "$runs" "$seconds" "$conns" "$big_conns" "$big_seconds" "$load" "$nofile" "$has_load" \
  "$(getconf CLK_TCK)" "${versions[@]}" <<'PY'
import json, os, re, statistics, sys
runs, seconds, conns, big_conns, big_seconds = (int(a) for a in sys.argv[1:6])
load, nofile, has_load, tck = sys.argv[6], sys.argv[7], sys.argv[8] == "1", int(sys.argv[9])
v_opsctl, v_wrk, v_oha, v_hey, v_nginx = sys.argv[10:15]
MiB = 1024 * 1024
LABEL = {"opsctl1": "opsctl --threads 1", "opsctl": f"opsctl ({os.cpu_count()} threads)",
         "wrk": "wrk -t1", "oha": "oha", "hey": "hey"}
problems = []

def seconds_of(value, unit):
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]

def parse(tool, out):
    """(req/s, completed requests, errors, p99 ms) from a tool's own output."""
    if tool.startswith("opsctl") or tool == "big":
        s = json.loads(out)["summary"]
        errors = round(s["error_rate"] * s["requests"])
        return s["rps"], s["responses"], errors, s["latency_ms"]["p99"]
    if tool == "wrk":
        done = int(re.search(r"^\s*(\d+) requests in ", out, re.M).group(1))
        rps = float(re.search(r"^Requests/sec:\s*([\d.]+)", out, re.M).group(1))
        m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        p99 = seconds_of(*m.groups()) * 1e3 if m else float("nan")
        m = re.search(r"Socket errors:(.*)$", out, re.M)
        errors = sum(int(x) for x in re.findall(r"\d+", m.group(1))) if m else 0
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return rps, done, errors + (int(m.group(1)) if m else 0), p99
    if tool == "oha":
        j = json.loads(out)
        codes = {int(k): v for k, v in j["statusCodeDistribution"].items()}
        # In-flight requests cut at the deadline are "errors" to oha; not here.
        errors = sum(v for k, v in j["errorDistribution"].items() if "deadline" not in k)
        errors += sum(v for k, v in codes.items() if k >= 400)
        return (j["summary"]["requestsPerSec"], sum(codes.values()), errors,
                j["latencyPercentiles"]["p99"] * 1e3)
    if tool == "hey":
        rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
        codes = {int(c): int(v) for c, v in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
        errors = sum(v for k, v in codes.items() if k >= 400)
        if "Error distribution:" in out:
            tail = out.split("Error distribution:", 1)[1]
            errors += sum(int(x) for x in re.findall(r"^\s*\[(\d+)\]\s", tail, re.M))
        p99 = re.search(r"99% in ([\d.]+) secs", out)
        return rps, sum(codes.values()), errors, float(p99.group(1)) * 1e3 if p99 else float("nan")
    raise ValueError(tool)

def run(name):
    """One run's figures, or None (with the reason in problems) if it failed."""
    tool = name.split(".")[0]
    rc = int(open(f"{name}.rc").read())
    out = open(f"{name}.out").read()
    err = open(f"{name}.err").read().strip()
    label = LABEL.get(tool, f"opsctl -c {big_conns}")
    try:
        wall, user, sys_, rss_kib = open(f"{name}.time").read().split("\n")[-2].split()
        rps, done, errors, p99 = parse(tool, out)
    except Exception as e:  # a crash, or output not as expected
        why = f"exit status {rc}" if rc else f"unreadable output ({type(e).__name__}: {e})"
        problems.append(f"{label} run {name.split('.')[1]}: {why}; stderr: {err[-400:]!r}; "
                        f"stdout: {out[:200]!r}")
        return None
    if rc:
        problems.append(f"{label} run {name.split('.')[1]}: exit status {rc}; stderr: {err[-300:]!r}")
    before, after = (l.split() for l in open(f"{name}.nginx").read().splitlines()[:2])
    # Less the status request after the run (the one before counted itself).
    opened = int(after[1]) - int(before[1]) - 1
    served = int(after[2]) - int(before[2]) - 1
    if done > served:
        problems.append(f"{label} run {name.split('.')[1]}: reports {done:,} responses, "
                        f"but nginx served only {served:,} requests")
    cpu = float(user) + float(sys_)
    (busy0, ngx0), (busy1, ngx1) = ((int(v) for v in l.split())
                                    for l in open(f"{name}.cpu").read().splitlines()[:2])
    nginx_cpu = (ngx1 - ngx0) / tck
    other = max((busy1 - busy0) / tck - nginx_cpu - cpu, 0.0)
    return {"nginx_cpus": nginx_cpu / float(wall), "other_cpus": other / float(wall),
            "rps": rps, "done": done, "errors": errors, "p99": p99, "served": served, "opened": opened,
            "cpu_us": cpu / done * 1e6 if done else float("inf"), "cpu": cpu,
            "rss": int(rss_kib) * 1024, "wall": float(wall), "rc": rc}

tools = ["opsctl1", "opsctl", "wrk", "oha", "hey"] if has_load else ["wrk", "oha", "hey"]
res = {}
for t in tools:
    rs = [x for x in (run(f"{t}.{r}") for r in range(1, runs + 1)) if x]
    if rs:
        med = lambda k: statistics.median(x[k] for x in rs)
        res[t] = {k: med(k) for k in ("rps", "done", "p99", "served", "opened", "cpu_us", "cpu", "wall",
                                      "nginx_cpus", "other_cpus")}
        res[t]["rss"] = max(x["rss"] for x in rs)
        res[t]["errors"] = sum(x["errors"] for x in rs)
        res[t]["n"] = len(rs)

print(f"{v_opsctl} vs {v_wrk}, {v_oha}, {v_hey}")
print(f"server: {v_nginx}, 1 worker, 13-byte body, keep-alive, on 127.0.0.1; "
      f"{conns} connections, {seconds} s per run")
print(f"{runs} runs per tool in interleaved order; medians (peak RSS: the largest; errors: all runs)")
print(f"load average {load} on {os.cpu_count()} CPUs before the first run; ulimit -n {nofile}\n")
print(f"{'tool':<20} {'req/s':>10} {'CPU µs/req':>11} {'CPU s':>6} {'peak RSS':>10} {'p99 ms':>7} "
      f"{'responses':>10} {'nginx saw':>10} {'conns':>6} {'errors':>7} {'nginx':>6} {'other':>6}")
for t in tools:
    if t not in res:
        print(f"{LABEL[t]:<20} (every run failed)")
        continue
    x = res[t]
    runs_note = "" if x["n"] == runs else f"  ({x['n']} of {runs} runs)"
    print(f"{LABEL[t]:<20} {x['rps']:>10,.0f} {x['cpu_us']:>11.2f} {x['cpu']:>6.2f} "
          f"{x['rss'] / MiB:>6.1f} MiB {x['p99']:>7.2f} {x['done']:>10,.0f} {x['served']:>10,.0f} "
          f"{x['opened']:>6,.0f} {x['errors']:>7,} {x['nginx_cpus']:>6.2f} {x['other_cpus']:>6.2f}{runs_note}")
print("(CPU: the load generator's own user + sys time, from GNU time; responses: as the tool "
      "counts them;\n nginx saw, conns: requests nginx served and connections it accepted during "
      "the run, from stub_status;\n nginx, other: CPUs used by nginx's worker and by everything "
      "else on the machine\n (user + sys time of other processes) during the run)")
busy = max((x["other_cpus"] for x in res.values()), default=0)
if busy > 0.1:
    print(f"WARNING: other work used up to {busy:.2f} CPUs of {os.cpu_count()} during the runs: "
          "the figures and ratios are skewed")

if has_load and "opsctl1" in res:
    peers = [p for p in ("wrk", "oha", "hey") if p in res]
    print("\nratios opsctl / peer (req/s: higher is better; CPU per request and peak RSS: lower is better)")
    print(f"{'':<20}" + "".join(f"{'vs ' + LABEL[p]:>27}" for p in peers))
    print(f"{'':<20}" + "".join(f"{'req/s  CPU/req  RSS':>27}" for p in peers))
    for t in ("opsctl1", "opsctl"):
        if t not in res:
            continue
        cells = []
        for p in peers:
            a, b = res[t], res[p]
            cells.append(f"{a['rps'] / b['rps']:5.2f}x  {a['cpu_us'] / b['cpu_us']:5.2f}x  "
                         f"{a['rss'] / b['rss']:5.2f}x")
        print(f"{LABEL[t]:<20}" + "".join(f"{c:>27}" for c in cells))

    print("\ntargets (opsctl --threads 1, like-for-like with wrk -t1's single thread):")
    o = res["opsctl1"]
    def line(text, target, ok):
        print(f"  {text:<52} {target:<18} {'PASS' if ok else 'MISS'}")
    for p, want in (("oha", 1.0), ("wrk", 0.95)):
        if p in res:
            ratio = o["rps"] / res[p]["rps"]
            line(f"req/s {ratio:.2f}x {LABEL[p]}", f"target >= {want}x", ratio >= want)
    for p, want in (("wrk", 1.2), ("oha", 0.7)):
        if p in res:
            ratio = o["cpu_us"] / res[p]["cpu_us"]
            line(f"CPU per request {ratio:.2f}x {LABEL[p]} ({o['cpu_us']:.2f} vs "
                 f"{res[p]['cpu_us']:.2f} µs)", f"target <= {want}x", ratio <= want)
    line(f"peak RSS {o['rss'] / MiB:.1f} MiB at {conns} connections", "target <= 30 MiB",
         o["rss"] <= 30 * MiB)
    if "opsctl" in res and "wrk" in res and "oha" in res:
        d, w, h = res["opsctl"], res["wrk"], res["oha"]
        print(f"  (default threads, for information: req/s {d['rps'] / w['rps']:.2f}x wrk -t1, "
              f"{d['rps'] / h['rps']:.2f}x oha; CPU per request {d['cpu_us'] / w['cpu_us']:.2f}x wrk -t1, "
              f"{d['cpu_us'] / h['cpu_us']:.2f}x oha; peak RSS {d['rss'] / MiB:.1f} MiB)")

if has_load:
    b = run("big.1")
    active = [int(l) for l in open("big.active").read().split() if l.isdigit()]
    seen = max(active, default=0)  # the sampler's own connection is already left out
    print(f"\n{big_conns:,} connections, {big_seconds} s, opsctl alone (default threads):")
    if b is None:
        print(f"  peak RSS ... at {big_conns:,} connections: the run failed (see below)      MISS")
    else:
        print(f"  {b['rps']:,.0f} req/s, {b['done']:,} responses (nginx saw {b['served']:,}), "
              f"{b['errors']:,} errors, p99 {b['p99']:.1f} ms, CPU {b['cpu']:.2f} s, "
              f"wall {b['wall']:.1f} s;\n  nginx used {b['nginx_cpus']:.2f} CPUs, other work "
              f"{b['other_cpus']:.2f}; nginx accepted {b['opened']:,} connections, "
              f"up to {seen:,} open at once (sampled every 0.5 s)")
        ok_rss = b["rss"] <= 300 * MiB
        print(f"  {'peak RSS ' + format(b['rss'] / MiB, '.1f') + ' MiB at ' + format(big_conns, ',') + ' connections':<52} "
              f"{'target <= 300 MiB':<18} {'PASS' if ok_rss else 'MISS'}")
        rate = b["errors"] / max(b["done"] + b["errors"], 1)
        ok = b["rc"] == 0 and b["done"] > 0 and rate < 0.01 and seen >= big_conns
        print(f"  {f'requests succeeded: {rate:.2%} errors, {seen:,} open':<52} "
              f"{'target < 1 %, all':<18} {'PASS' if ok else 'MISS'}")

if problems:
    print("\nproblems:\n  " + "\n  ".join(problems))
if not has_load:
    print("\nopsctl has no `load` command in this build: only the peers were measured")
sys.exit(1 if not has_load or any(t not in res for t in tools) else 0)
PY
