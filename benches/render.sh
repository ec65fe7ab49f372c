#!/usr/bin/env bash
# Render speed of `opsctl render` against jinja2-cli (1.0.1, Jinja2 3.1.6, from
# the PyPI package jinja2-cli installed into .venv), measured in the same run on
# the same work: 200 services x 6 templates (benches/render/templates:
# Deployment, Service, ConfigMap, HPA, PDB, ServiceAccount) = 1,200 Kubernetes
# documents. Prints each median, the ratio jinja2-cli/opsctl (how many times
# faster opsctl is), then the targets with PASS/MISS:
#   - opsctl at least 10x faster than jinja2-cli;
#   - opsctl median under 150 ms.
# The templates use only syntax that Tera 2 and Jinja2 read the same way (see
# "Input" below), and both outputs are checked to hold the same 1,200 objects.
# Times come from hyperfine (Debian package `hyperfine`) when installed, else
# from a plain loop.
#
# Usage: benches/render.sh [OPSCTL_RUNS [JINJA2_RUNS]]   (default 30 and 10 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh
opsctl_runs=${1:-30}
jinja2_runs=${2:-10}

# --- Tools -----------------------------------------------------------------
if [ ! -x .venv/bin/jinja2 ]; then
  cat >&2 <<'EOF'
jinja2-cli is missing from .venv: run scripts/test (it installs it), or
  python3 -m venv .venv && .venv/bin/pip install jinja2-cli==1.0.1
EOF
  exit 2
fi
# Unlike sops, jinja2-cli *is* a Python program: its launcher, interpreter
# start-up and imports are part of what a user waits for, so they are timed.
jinja2=$PWD/.venv/bin/jinja2
# Python is used for the input and the summary; take the interpreter's real
# path, since $HOME changes below (pyenv shims depend on it). The output check
# parses YAML with PyYAML, which .venv has (pre-commit depends on it).
python=$(python3 -c 'import sys; print(sys.executable)')
ypython=$PWD/.venv/bin/python
templates=$PWD/benches/render/templates

cargo build --release --locked --quiet
opsctl=$PWD/target/release/opsctl

# --- Scratch space and a clean environment ----------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/home"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
unset OPSCTL_CONFIG
cd "$tmp"

# --- Input: a deploy dir with 200 services, and the same data for jinja2-cli --
# The 6 templates each loop over values.services and emit one `---` document
# per service. They keep to what Tera 2 and Jinja2 render identically:
#   - `{{ a.b }}`, `{% for x in list %}`, `{% if %}`/`{% else %}`, `loop.index`,
#     `>`, `+`, `-`, `*` on integers, and only argument-less filters (`upper`,
#     `length`): filters with arguments differ (Jinja2 `join(",")`, Tera
#     `join(sep=",")`), and so does `{% for k, v in map %}` (Jinja2 needs
#     `map.items()`), so maps to iterate are lists of {name, value} instead;
#   - booleans only in `{% if %}`: printed, Jinja2 writes True, Tera true;
#   - whitespace control with `{%-`/`-%}` only (same rules in both), never
#     `-%}` before an indented line (it would eat the indentation too).
# Every string value is quoted in the templates and holds no `"` or `\`.
# jinja2-cli puts the data file's top-level keys in the template context while
# opsctl puts values.yaml under `values`, so its data is {"values": <same>}.
mkdir -p deploy/templates
cp "$templates"/*.yaml deploy/templates/
"$python" - deploy/values.yaml values.json <<'PY'
import json, random, sys

rng = random.Random(1200)
TEAMS = ["payments", "search", "identity", "platform", "data", "growth"]
PARTS = ["api", "worker", "gateway", "indexer", "scheduler", "web", "sync", "notifier"]
REGIONS = ["eu-west-1", "us-east-2", "ap-south-1"]

def env(name, team, region):
    return {
        "DATABASE_URL": f"postgres://{name}@db.{region}.internal:5432/{team}?sslmode=require&pool=10",
        "REDIS_URL": f"redis://cache-{rng.randint(1, 9)}.{region}.internal:6379/0",
        "HTTP_TIMEOUT": f"{rng.choice([5, 10, 30, 60])}s",
        "MAX_CONNECTIONS": str(rng.randint(10, 500)),
        "FEATURE_FLAGS": ",".join(rng.sample(["checkout-v2", "dark-mode", "fast-path", "audit", "beta"], 3)),
        "REGION": region,
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector.observability:4317",
        "CACHE_ENABLED": rng.choice(["true", "false"]),
        "GOMAXPROCS": str(rng.randint(1, 8)),
        "TZ": "UTC",
    }

services = []
for i in range(200):
    team = TEAMS[i % len(TEAMS)]
    name = f"{team}-{rng.choice(PARTS)}-{i:03d}"
    region = rng.choice(REGIONS)
    cpu, mem = rng.choice([100, 250, 500]), rng.choice([128, 256, 512, 1024])
    envs = env(name, team, region)
    keys = rng.sample(sorted(envs), rng.randint(6, 10))
    services.append({
        "name": name,
        "team": team,
        "image": f"registry.example.com/{team}/{name}",
        "tag": f"{rng.randint(1, 4)}.{rng.randint(0, 40)}.{rng.randint(0, 99)}",
        "replicas": rng.randint(1, 6),
        "port": rng.choice([8000, 8080, 3000, 9000]),
        "metrics": rng.random() < 0.6,
        "log_level": rng.choice(["debug", "info", "warn"]),
        "labels": [{"name": "tier", "value": rng.choice(["frontend", "backend", "batch"])},
                   {"name": "example.com/cost-center", "value": f"cc-{rng.randint(1000, 9999)}"},
                   {"name": "example.com/owner", "value": f"{team}@example.com"}][:rng.randint(1, 3)],
        "env": [{"name": k, "value": envs[k]} for k in keys],
        "resources": {"requests": {"cpu": f"{cpu}m", "memory": f"{mem}Mi"},
                      "limits": {"cpu": f"{cpu * 2}m", "memory": f"{mem * 2}Mi"}},
        "probe": {"path": rng.choice(["/healthz", "/ready", "/status"]),
                  "initial_delay": rng.randint(0, 30), "period": rng.choice([5, 10, 15])},
        "hpa": {"max": rng.randint(6, 20), "cpu": rng.choice([60, 70, 80]),
                "scale_on_memory": rng.random() < 0.3, "memory": rng.choice([75, 85])},
        "config": [{"name": f"{sec}.{key}", "value": f"{name}-{sec}-{key}-{rng.randint(0, 99999)}"}
                   for sec in ("server", "client", "cache")[:rng.randint(1, 3)]
                   for key in ("mode", "endpoint", "pool-size", "retry-policy")],
        "account": {"automount": rng.random() < 0.2,
                    "annotations": [{"name": "eks.amazonaws.com/role-arn",
                                     "value": f"arn:aws:iam::123456789012:role/{name}"}]},
    })
values = {"services": services}

def block(v, pad=""):
    """Block-style YAML lines of maps and lists of maps (all this data holds)."""
    lines = []
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                lines += [f"{pad}{k}:"] + block(x, pad + "  ")
            else:
                lines.append(f"{pad}{k}: {json.dumps(x)}")  # JSON scalars are YAML's
    else:
        for item in v:
            sub = block(item, pad + "  ")
            lines += [f"{pad}- {sub[0].lstrip()}"] + sub[1:]
    return lines

open(sys.argv[1], "w").write("\n".join(block(values)) + "\n")
json.dump({"values": values}, open(sys.argv[2], "w"))
PY

# The two measured commands, as arrays: opsctl renders the deploy dir in one
# run; jinja2-cli renders one template per run, so the 6 runs a user needs.
render_opsctl=("$opsctl" --no-config render deploy)
render_jinja2=(bash -c 'for t in deploy/templates/*.yaml; do "$0" --strict --format=json "$t" values.json; done'
  "$jinja2")

# --- Output check, outside the timings -------------------------------------
# Both streams hold 200 objects of each of the 6 kinds, and (parsed with PyYAML;
# opsctl re-emits every document, so the text differs) the same 1,200 objects,
# compared as sorted lists of canonical JSON since opsctl sorts documents.
checks=()
"${render_opsctl[@]}" >out-opsctl.yaml 2>x.err || checks+=("opsctl render failed: $(head -c 300 x.err)")
"${render_jinja2[@]}" >out-jinja2.yaml 2>x.err || checks+=("jinja2-cli failed: $(head -c 300 x.err)")
if [ "${#checks[@]}" -eq 0 ]; then
  "$ypython" - out-opsctl.yaml out-jinja2.yaml >check.txt <<'PY' || echo "the output check crashed" >>check.txt
import collections, json, re, sys
KINDS = {"Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceAccount"}
texts = {name: open(name).read() for name in sys.argv[1:]}
for name, text in texts.items():
    kinds = collections.Counter(re.findall(r"^kind: (\w+)$", text, re.M))
    if set(kinds) != KINDS or set(kinds.values()) != {200}:
        print(f"{name}: documents by kind {dict(kinds)}, want 200 of each of {sorted(KINDS)}")
try:
    import yaml
except ImportError:  # not a failure: the counts above still hold
    print("PyYAML is missing from .venv: objects not compared (.venv/bin/pip install pyyaml)",
          file=sys.stderr)
    sys.exit()
docs = {}
for name, text in texts.items():
    try:
        objs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as e:
        print(f"{name} is not valid YAML: {str(e)[:300]}")
        sys.exit()
    docs[name] = sorted(json.dumps(d, sort_keys=True) for d in objs)
(a, x), (b, y) = docs.items()
if x != y:
    p, q = next(((p, q) for p, q in zip(x + [""], y + [""]) if p != q))
    k = next((k for k, (c, d) in enumerate(zip(p, q)) if c != d), min(len(p), len(q)))
    print(f"{a} ({len(x)} objects) differs from {b} ({len(y)}); first difference:")
    print(f"  ...{p[max(0, k - 100):k + 150]}\n  ...{q[max(0, k - 100):k + 150]}")
else:
    open("objects.compared", "w").close()
PY
  mapfile -t checks <check.txt
fi
# A failed check makes the comparison meaningless: report it, time nothing.
if [ "${#checks[@]}" -ne 0 ]; then
  printf 'output check FAILED:\n' >&2
  printf '  %s\n' "${checks[@]}" >&2
  exit 1
fi

# --- Timings ---------------------------------------------------------------
# Other work on the machine skews the ratio; the report shows the load.
load=$(cut -d' ' -f1 /proc/loadavg)
timer=$(command -v hyperfine >/dev/null && hyperfine --version || echo "a date +%s%N loop")
bench render-opsctl 3 "$opsctl_runs" "${render_opsctl[@]}"
bench render-jinja2 1 "$jinja2_runs" "${render_jinja2[@]}"

# --- Report ----------------------------------------------------------------
"$python" - "$(stat -c %s deploy/values.yaml)" "$(cat deploy/templates/*.yaml | wc -c)" \
  "$(stat -c %s out-opsctl.yaml)" "$(stat -c %s out-jinja2.yaml)" "$timer" \
  "$("$opsctl" --version)" "$("$jinja2" --version 2>&1 | paste -sd' ' | tr -s ' ')" \
  "$opsctl_runs" "$jinja2_runs" "$load" <<'PY'
import os, statistics, sys
values, tpl, out_o, out_j = (int(a) for a in sys.argv[1:5])
timer, opsctl_v, jinja2_v, o_runs, j_runs, load = sys.argv[5:11]
KiB = 1024

def times(name): return [float(l) for l in open(f"{name}.times")]

print(f"input: 200 services in values.yaml ({values / KiB:.0f} KiB), 6 templates ({tpl / KiB:.1f} KiB) "
      f"-> 1,200 documents (opsctl {out_o / KiB:.0f} KiB, jinja2-cli {out_j / KiB:.0f} KiB)")
print(f"{opsctl_v} (one run over the deploy dir) vs {jinja2_v} (6 runs, one per template, --strict)")
print(f"timer: {timer}, {o_runs} runs of opsctl and {j_runs} of jinja2-cli")
print(f"load average {load} on {os.cpu_count()} CPUs when timing started (other work skews the ratio)\n")
print(f"{'command':<19} {'median':>10} {'mean':>10} {'stddev':>9}")
med = {}
for tool in ("opsctl", "jinja2"):
    t = times(f"render-{tool}")
    med[tool] = statistics.median(t)
    sd = statistics.stdev(t) if len(t) > 1 else 0.0
    label = "opsctl render" if tool == "opsctl" else "jinja2-cli x 6"
    print(f"{label:<19} {med[tool]*1e3:>8.1f}ms {statistics.mean(t)*1e3:>8.1f}ms {sd*1e3:>7.1f}ms")

ratio, ms = med["jinja2"] / med["opsctl"], med["opsctl"] * 1e3
print("\ntargets:")
print(f"  {f'opsctl {ratio:.1f}x faster than jinja2-cli (median)':<48} target >= 10x    "
      f"{'PASS' if ratio >= 10 else 'MISS'}")
print(f"  {f'opsctl median {ms:.1f} ms for 1,200 documents':<48} target < 150 ms  "
      f"{'PASS' if ms < 150 else 'MISS'}")
same = ", the same 1,200 objects" if os.path.exists("objects.compared") else " (objects not compared)"
print(f"\noutput check: both streams hold 200 objects of each of the 6 kinds{same}")
PY
