#!/usr/bin/env bash
# Usage: scripts/install-opsctl.sh [VERSION]
# Installs the opsctl this repository was made with (or VERSION) with cargo,
# unless that version is already on PATH. CI caches ~/.cargo/bin.
set -euo pipefail

version=${1:-${OPSCTL_VERSION:-{{ opsctl.version }}}}
if command -v opsctl >/dev/null 2>&1 \
  && [ "$(opsctl --version | awk '{print $2}')" = "$version" ]; then
  echo "opsctl $version is installed" >&2
  exit 0
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is needed to build opsctl (https://rustup.rs)" >&2
  exit 2
fi
cargo install --locked --git https://github.com/opsctl/opsctl --tag "v$version" opsctl
