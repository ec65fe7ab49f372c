#!/usr/bin/env bash
# Start-up time of `opsctl --version` against peer tools, measured in the same
# run with hyperfine (Debian package `hyperfine`). Prints each median and its
# ratio to opsctl's. Target: opsctl median under 5 ms.
#
# Usage: benches/startup.sh [RUNS]     (default 300 runs per command)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}

command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 2; }
cargo build --release --locked --quiet
opsctl=$PWD/target/release/opsctl

cmds=("$opsctl --version" "$opsctl config show -o json --no-config")
names=("opsctl --version" "opsctl config show")
# Peers users already run for the same jobs, when installed.
if command -v age >/dev/null; then cmds+=("age --version"); names+=("age --version"); fi
if command -v sops >/dev/null; then cmds+=("sops --version --disable-version-check"); names+=("sops --version"); fi
if command -v helm >/dev/null; then cmds+=("helm version --short"); names+=("helm version"); fi
if command -v kubectl >/dev/null; then cmds+=("kubectl version --client"); names+=("kubectl version"); fi
cmds+=("git --version"); names+=("git --version")

out=$(mktemp)
trap 'rm -f "$out"' EXIT
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine --shell=none --warmup 20 --runs "$runs" --export-json "$out" --style none "${args[@]}" >/dev/null 2>&1

python3 - "$out" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
print(f"{'command':<22} {'median':>10} {'mean':>10} {'stddev':>9}  ratio to opsctl --version")
for r in results:
    print(f"{r['command']:<22} {r['median']*1e3:>8.2f}ms {r['mean']*1e3:>8.2f}ms {r['stddev']*1e3:>7.2f}ms  {r['median']/base:>6.2f}x")
target = 5e-3
verdict = "meets" if base < target else "MISSES"
print(f"\nopsctl --version median {base*1e3:.2f} ms {verdict} the 5 ms target")
PY
