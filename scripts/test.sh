#!/usr/bin/env bash
# Command 2 of the README: install what is missing, then run every test:
#   0. cargo fmt --check and clippy with warnings as errors, natively and for wasm32
#   1. native: the maths, data and training (cargo test)
#   2. browser: the app mounted in headless Chromium (wasm-pack test --headless --chrome)
#   3. the release page built by Trunk, driven in headless Chromium: training and readouts
#      (tests/e2e/page.mjs), links, save/load and bad input (tests/e2e/links.mjs), own pictures,
#      datasets, anomalies, denoising and the native trainer's models (tests/e2e/data.mjs), the
#      cost chart's fitted and full views and its lanes (tests/e2e/chart.mjs), and the lab as one
#      file opened from file:// offline (tests/e2e/onefile.mjs)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

say "0/3 formatting and lints (native and wasm32)"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings

say "1/3 native tests"
cargo test --quiet

say "2/3 browser tests (wasm-bindgen-test in headless Chromium)"
wasm-pack test --headless --chrome -- --test web

say "3/3 release page in headless Chromium"
trunk build --release
node tests/e2e/page.mjs
node tests/e2e/links.mjs
node tests/e2e/data.mjs
node tests/e2e/chart.mjs
node tests/e2e/onefile.mjs
