#!/usr/bin/env bash
# Generation speed of `opsctl new` (the built-in `service` template, rust
# stack) against cookiecutter (PyPI, installed into .venv by this script if
# missing) generating a comparable tree, measured in the same run.
#
# The cookiecutter template is made from opsctl's own output, so both tools
# write the same files with the same sizes: the project name is replaced by
# {{cookiecutter.name}} in every file name and in every file that holds no
# other `{{ }}` / `{% %}` (those go to _copy_without_render, as a cookiecutter
# author would do for GitHub workflows, Tera templates and Prometheus rules).
# opsctl does more in the same time: it renders 21 Kubernetes objects for two
# environments and seals two secrets files with age.
#
# Prints each median, the ratio cookiecutter/opsctl (how many times faster
# opsctl is) and peak RSS, then the targets with PASS/MISS:
#   - opsctl at least 20x faster than cookiecutter;
#   - opsctl median under 100 ms.
# The two are timed in turns, run for run, each into a fresh directory.
#
# Usage: benches/new.sh [ROUNDS]   (default 20 rounds: 20 runs of each tool)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}

# --- Tools -----------------------------------------------------------------
if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
  echo "GNU time is missing: apt-get install -y time" >&2
  exit 2
fi
if [ ! -x .venv/bin/cookiecutter ]; then
  if [ ! -x .venv/bin/pip ]; then
    echo ".venv is missing: run scripts/test first (it creates it)" >&2
    exit 2
  fi
  .venv/bin/pip install --quiet --disable-pip-version-check cookiecutter==2.6.0
fi
# cookiecutter is a Python program: its launcher, interpreter start-up and
# imports are part of what a user waits for, so they are timed.
cookiecutter=$PWD/.venv/bin/cookiecutter
python=$(python3 -c 'import sys; print(sys.executable)')
benches=$PWD/benches

cargo build --release --locked --quiet
opsctl=$PWD/target/release/opsctl

# --- Scratch space and a clean environment ----------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/home"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
unset OPSCTL_CONFIG SOPS_AGE_RECIPIENTS
cd "$tmp"
# A fixed recipient, so no dev key is added to a key file on every run.
"$opsctl" secrets keygen -o key.txt >/dev/null
recipient=$(awk '/public key:/ {print $NF}' key.txt)
new_args=(--defaults --set name=benchsvc --set stack=rust --set "age_recipients=$recipient" -q)

# --- The comparable cookiecutter template, from opsctl's output ------------
"$opsctl" new reference "${new_args[@]}" >/dev/null
"$python" - reference cc-template <<'PY'
import json, os, sys

src, dst = sys.argv[1], sys.argv[2]
root = os.path.join(dst, "{{cookiecutter.name}}")
verbatim = []
count = size = 0
for dirpath, _, files in os.walk(src):
    for f in files:
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, src)
        data = open(path, "rb").read()
        out_rel = rel.replace("benchsvc", "{{cookiecutter.name}}")
        target = os.path.join(root, out_rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        text = data.decode("utf-8", "replace")
        if any(m in text for m in ("{{", "{%", "{#")):
            verbatim.append(out_rel)
            open(target, "wb").write(data)
        else:
            open(target, "w").write(text.replace("benchsvc", "{{cookiecutter.name}}"))
        os.chmod(target, os.stat(path).st_mode)
        count += 1
        size += len(data)
json.dump({"name": "benchsvc", "_copy_without_render": verbatim},
          open(os.path.join(dst, "cookiecutter.json"), "w"), indent=2)
print(f"{count} files, {size / 1024:.0f} KiB; {len(verbatim)} copied without rendering", file=sys.stderr)
PY
# Both outputs must hold the same files.
"$cookiecutter" --no-input -o cc-check cc-template name=benchsvc >/dev/null
if ! diff -rq reference cc-check/benchsvc >/dev/null; then
  echo "the cookiecutter output differs from opsctl's:" >&2
  diff -rq reference cc-check/benchsvc | grep -v 'secrets/' >&2 || true
fi
files=$(find reference -type f | wc -l)

# --- Timing -------------------------------------------------------------------
# In turns, run for run, in a random order each round: this machine's speed
# drifts within minutes, and timing one tool after the other would charge the
# drift to whichever came second. Each run writes into a fresh directory (the
# last one is removed before the clock starts).
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$benches "$python" - "$rounds" "$opsctl" "$cookiecutter" "${new_args[@]}" <<'PY'
import json, shutil, sys
from turns import in_turns

rounds, opsctl, cookiecutter, new_args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
commands = {
    "opsctl": [opsctl, "new", "out-opsctl", *new_args],
    "cc": [cookiecutter, "--no-input", "-o", "out-cc", "cc-template", "name=benchsvc"],
}
times = in_turns(commands, rounds, warmup=2, shuffle=True,
                 before=lambda name: shutil.rmtree(f"out-{name}", ignore_errors=True))
for name, values in times.items():
    json.dump({"results": [{"times": values}]}, open(f"{name}.json", "w"))
PY

# Peak RSS, one run each.
rm -rf out-opsctl out-cc
rss_opsctl=$(/usr/bin/time -f %M "$opsctl" new out-opsctl "${new_args[@]}" 2>&1 >/dev/null | tail -1)
rss_cc=$(/usr/bin/time -f %M "$cookiecutter" --no-input -o out-cc cc-template name=benchsvc 2>&1 >/dev/null | tail -1)

"$python" - "$files" "$rss_opsctl" "$rss_cc" "$rounds" <<'PY'
import json, statistics, sys

files, rss_o, rss_c, rounds = (int(a) for a in sys.argv[1:5])
med = lambda f: statistics.median(json.load(open(f))["results"][0]["times"]) * 1000
o, c = med("opsctl.json"), med("cc.json")
print(f"opsctl new ({files} files, render + seal):  median {o:7.1f} ms   peak RSS {rss_o / 1024:5.1f} MiB")
print(f"cookiecutter 2.6 (same files):          median {c:7.1f} ms   peak RSS {rss_c / 1024:5.1f} MiB")
print(f"ratio cookiecutter/opsctl: {c / o:.1f}x (medians of {rounds} runs each, timed in turns)")
ok = lambda b: "PASS" if b else "MISS"
print(f"target >= 20x faster than cookiecutter: {ok(c / o >= 20)}")
print(f"target median under 100 ms:             {ok(o < 100)}")
PY
