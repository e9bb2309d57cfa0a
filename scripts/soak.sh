#!/usr/bin/env bash
# ./scripts/soak.sh: a soak run, not part of CI. The release page trains at defaults (max
# speed) in headless Chromium for SOAK_MINUTES (default 20) minutes; every 30 s it samples
# steps, wasm memory, JS heap after GC, DOM elements/nodes, listeners and the loss history
# (tests/e2e/soak.mjs). Fails if memory or the DOM grows past a bound after the first 2 minutes,
# the history outgrows its capacity, the cost leaves its range or training slows to under half
# its speed. Table and verdict: target/soak/results.md. Build log: target/soak/build.log.
#   SOAK_MINUTES=2 ./scripts/soak.sh     # a quick check that the script works
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

OUT=target/soak
mkdir -p "$OUT"
say "building the release page into $OUT/dist (trunk build --release)"
# its own dist, so that a build or serve of dist/ during the run changes nothing here
trunk build --release --dist "$OUT/dist" >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log"; exit 1; }

say "soak: ${SOAK_MINUTES:-20} min of training (load average $(cut -d' ' -f1-3 /proc/loadavg))"
SAE_DIST="$ROOT/$OUT/dist" SOAK_MINUTES="${SOAK_MINUTES:-20}" node tests/e2e/soak.mjs
