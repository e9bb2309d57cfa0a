#!/bin/sh
# Trunk's one post_build hook (Trunk.toml): Trunk runs the hooks of a stage at the same time,
# and these edit and read index.html in turn: the CSP check, the relaxed-SIMD module, then the
# one-file lab (from the finished page).
set -eu
cd "$(dirname "$0")/.."
sh scripts/csp-hook.sh
sh scripts/relaxed-wasm.sh
node scripts/one-file.mjs
