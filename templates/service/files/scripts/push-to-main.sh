#!/usr/bin/env bash
# Usage: scripts/push-to-main.sh
# Pushes HEAD to origin/main. main may have moved since the checkout (another
# deploy, a merge): rebase onto it and retry, three times at most.
set -euo pipefail

for attempt in 1 2 3; do
  if git push origin HEAD:main; then
    exit 0
  fi
  if [ "$attempt" -lt 3 ]; then
    git pull --rebase origin main
  fi
done
echo "error: could not push to main after 3 attempts" >&2
exit 1
