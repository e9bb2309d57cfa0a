#!/usr/bin/env bash
# Installs whatever sae-lab needs that this machine lacks, and nothing twice.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run on its own.
# Versions and traps: see the "Toolchain" section of README.md.
#
#   SAE_SETUP_PARTS="web test" limits what is installed (default: everything).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools"                     # npm-installed helpers (wasm-opt, playwright-core, axe-core)
export PATH="$HOME/.cargo/bin:$TOOLS/bin:$TOOLS/node_modules/.bin:$PATH"

WASM_BINDGEN_VERSION=0.2.130             # must equal the `=` pin in Cargo.toml
WASM_PACK_VERSION=0.15.1
TRUNK_VERSION=0.21.14                    # 0.22 needs a newer rustc than 1.95
BINARYEN_VERSION=132.0.0                 # Debian's binaryen 108 emits a wasm that crashes the page
PLAYWRIGHT_VERSION=1.64.1
AXE_VERSION=4.14.1                       # the accessibility checks of tests/e2e/page.mjs

say() { printf '\033[1;34m[sae-lab]\033[0m %s\n' "$*"; }
has_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt: installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (~5 min; without --locked: its lock pins a yanked crate)"
  cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! has_version wasm-pack "$WASM_PACK_VERSION"; then
  say "cargo install wasm-pack $WASM_PACK_VERSION (~3 min)"
  cargo install --force wasm-pack --version "$WASM_PACK_VERSION"
fi

if ! has_version trunk "$TRUNK_VERSION"; then
  say "cargo install trunk $TRUNK_VERSION (~9 min)"
  cargo install --locked --force trunk --version "$TRUNK_VERSION"
fi

npm_has() { grep -qs "\"version\": \"$2\"" "$TOOLS/node_modules/$1/package.json"; }
if ! has_version wasm-opt "version ${BINARYEN_VERSION%%.*}" || ! npm_has playwright-core "$PLAYWRIGHT_VERSION" \
  || ! npm_has axe-core "$AXE_VERSION"; then
  say "npm: binaryen@$BINARYEN_VERSION, playwright-core@$PLAYWRIGHT_VERSION and axe-core@$AXE_VERSION into .tools/"
  mkdir -p "$TOOLS/bin"
  [ -f "$TOOLS/package.json" ] || echo '{"name":"sae-lab-tools","private":true}' > "$TOOLS/package.json"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent \
    "binaryen@$BINARYEN_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" "axe-core@$AXE_VERSION"
  ln -sf "$TOOLS/node_modules/binaryen/bin/wasm-opt" "$TOOLS/bin/wasm-opt"
fi

say "tools ready: $(wasm-bindgen --version), $(trunk --version), $(wasm-pack --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null)"
