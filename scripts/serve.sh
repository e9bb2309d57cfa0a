#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build the page and serve it on
# http://127.0.0.1:8080 (Trunk rebuilds on every change). `--release` for the optimised build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo fetch --quiet
exec trunk serve "$@"
