#!/usr/bin/env bash
# Usage: scripts/set-image-tag.sh ENV TAG
# Sets image.tag in deploy/values/ENV.yaml and re-renders deploy/rendered/ENV,
# the change the deploy workflow commits for Argo CD to sync.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -ne 2 ]; then
  echo "usage: $0 ENV TAG" >&2
  exit 2
fi
env=$1
tag=$2
values="deploy/values/$env.yaml"
if [ ! -f "$values" ]; then
  echo "error: $values does not exist (environments: $(ls deploy/values))" >&2
  exit 2
fi
if ! [[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  echo "error: $tag is not a valid image tag" >&2
  exit 2
fi

# Replace the `tag:` line inside the top-level `image:` map; fail if there is
# none, rather than deploying something else.
tmp=$(mktemp "$values.XXXXXX")
trap 'rm -f "$tmp"' EXIT
awk -v tag="$tag" '
  /^[^ #]/ { in_image = ($0 ~ /^image:/) }
  in_image && /^  tag:/ { print "  tag: \"" tag "\""; done = 1; next }
  { print }
  END { if (!done) exit 3 }
' "$values" >"$tmp" || {
  echo "error: $values has no image.tag line to set" >&2
  exit 2
}
mv "$tmp" "$values"
trap - EXIT

opsctl render --all-envs --out deploy/rendered
echo "$env: image.tag = $tag" >&2
