#!/usr/bin/env bash
# ./scripts/bench.sh: one table comparing sae-lab's training step natively, as the page's wasm
# in headless Chromium, in TF.js (cpu and wasm backends) and in NumPy, plus the release page's
# frame times, time to edge detectors and download size. A measurement, not a test: it never
# fails because a target is missed. The table also goes to target/bench/results.md.
# Build logs: target/bench/build.log. About 2–3 minutes once the tools are installed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

OUT=target/bench
BENCH_TOOLS=.tools/bench                 # TF.js and NumPy, only for this benchmark
TFJS_VERSION=4.22.0
NUMPY_VERSION=2.4.6
SCIPY_VERSION=1.17.1
mkdir -p "$OUT"
: > "$OUT/build.log"
run_logged() { "$@" >>"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log"; exit 1; }; }

if [ ! -f "$BENCH_TOOLS/node_modules/@tensorflow/tfjs/package.json" ] ||
   ! grep -q "\"version\": \"$TFJS_VERSION\"" "$BENCH_TOOLS/node_modules/@tensorflow/tfjs/package.json"; then
  say "npm: @tensorflow/tfjs and tfjs-backend-wasm $TFJS_VERSION into $BENCH_TOOLS/"
  mkdir -p "$BENCH_TOOLS"
  [ -f "$BENCH_TOOLS/package.json" ] || echo '{"name":"sae-lab-bench-tools","private":true}' > "$BENCH_TOOLS/package.json"
  run_logged npm install --prefix "$BENCH_TOOLS" --no-audit --no-fund \
    "@tensorflow/tfjs@$TFJS_VERSION" "@tensorflow/tfjs-backend-wasm@$TFJS_VERSION"
fi
# NumPy and scipy are optional: without a working venv their rows are left out
PY="$BENCH_TOOLS/venv/bin/python"
if ! "$PY" -c "import numpy, scipy; assert (numpy.__version__, scipy.__version__) == ('$NUMPY_VERSION', '$SCIPY_VERSION')" 2>/dev/null; then
  say "pip: numpy $NUMPY_VERSION and scipy $SCIPY_VERSION into $BENCH_TOOLS/venv/"
  { python3 -m venv "$BENCH_TOOLS/venv" && "$PY" -m pip install -q "numpy==$NUMPY_VERSION" "scipy==$SCIPY_VERSION"; } \
    >>"$OUT/build.log" 2>&1 || say "NumPy or scipy could not be installed; their rows are skipped"
fi

say "building: native example, release page (trunk build --release)"
run_logged cargo build --release --example bench --bin sae-train
# into target/bench/dist, so that a concurrent build or serve of dist/ changes nothing here
DIST="$OUT/dist"
run_logged trunk build --release --dist "$DIST"

# The wasm rows time the page's own release .wasm (same build, same wasm-opt level): its
# StepBench export (src/web/bench.rs) is loaded by bench/bench.html next to TF.js.
WWW="$OUT/www"
rm -rf "$WWW" && mkdir -p "$WWW/pkg" "$WWW/tfjs"
cp bench/bench.html bench/runner.js bench/tfjs-step.js "$WWW/"
# the plain simd128 module and the relaxed-SIMD one (scripts/relaxed-wasm.sh)
for f in "$DIST"/*_bg.wasm; do
  case "$f" in
    *-relaxed-*) cp "$f" "$WWW/pkg/sae_lab_relaxed_bg.wasm" ;;
    *) cp "$f" "$WWW/pkg/sae_lab_bg.wasm" ;;
  esac
done
cp "$DIST"/*.js "$WWW/pkg/sae_lab.js"      # the wasm-bindgen glue, trunk's only .js
TF="$BENCH_TOOLS/node_modules/@tensorflow"
cp "$TF/tfjs/dist/tf.min.js" "$TF/tfjs-backend-wasm/dist/tf-backend-wasm.min.js" "$TF"/tfjs-backend-wasm/dist/*.wasm "$WWW/tfjs/"

say "measuring (load average $(cut -d' ' -f1-3 /proc/loadavg); other work on the machine skews every row)"
cat /proc/loadavg > "$OUT/loadavg.txt"
cargo run -q --release --example bench > "$OUT/native.txt"
rm -f "$OUT/numpy.json"
if [ -x "$PY" ]; then
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 "$PY" bench/numpy_step.py > "$OUT/numpy.json" 2>>"$OUT/build.log" ||
    rm -f "$OUT/numpy.json"
fi
# the UFLDL exercise by L-BFGS, natively and in scipy, on the task sae-train writes
cargo run -q --release --bin sae-train -- train --lbfgs --write-task "$OUT/ufldl-task.json" \
  --out "$OUT/lbfgs-model.json" --filters "$OUT/lbfgs-filters.png" > "$OUT/lbfgs.txt"
rm -f "$OUT/scipy.json"
if [ -x "$PY" ] && "$PY" -c "import scipy" 2>/dev/null; then
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$PY" bench/scipy_lbfgs.py "$OUT/ufldl-task.json" 400 > "$OUT/scipy.json" \
    2>>"$OUT/build.log" || rm -f "$OUT/scipy.json"
fi
node bench/bench.mjs "$WWW" "$OUT/browser.json"
node bench/page.mjs "$DIST" "$OUT/page.json"
node bench/report.mjs "$OUT"
