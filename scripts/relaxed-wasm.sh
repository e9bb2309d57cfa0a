#!/bin/sh
# Trunk post_build hook (run by scripts/post-build.sh), release builds only: a second .wasm of
# the same code compiled with relaxed SIMD, which lets matrixmultiply's kernel use fused
# multiply-adds (f32x4.relaxed_madd; Chromium since 114). www/boot.js loads it where
# WebAssembly.validate accepts a relaxed instruction and the plain simd128 module elsewhere;
# a browser downloads one of the two. The two differ only in their code: the wasm-bindgen glue
# Trunk made for the plain one must be the glue of this one, or the build fails.
set -eu
stage="${TRUNK_STAGING_DIR:?relaxed-wasm.sh is run by trunk}"
html="$stage/index.html"
fail() { echo "relaxed-wasm: $*" >&2; exit 1; }
if [ "${TRUNK_PROFILE:-}" != release ]; then
  echo "relaxed-wasm: a ${TRUNK_PROFILE:-debug} build has the plain simd128 module only"
  exit 0
fi
tag=$(grep -o '<script type="module" id="sae-boot"[^>]*>' "$html") || fail "index.html has no sae-boot script"
js=$(echo "$tag" | sed -n 's/.* data-js="\([^"]*\)".*/\1/p')
plain=$(echo "$tag" | sed -n 's/.* data-wasm="\([^"]*\)".*/\1/p')
[ -n "$js" ] && [ -n "$plain" ] || fail "the sae-boot script has no data-js and data-wasm (Trunk.toml's pattern_script)"

target="${CARGO_TARGET_DIR:-target}/relaxed"
CARGO_TARGET_DIR="$target" CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
  cargo build --quiet --release --lib --target wasm32-unknown-unknown
out="$target/bindgen"
rm -rf "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name sae-lab \
  "$target/wasm32-unknown-unknown/release/sae_lab.wasm"
name() { sed 's/sae-lab[-0-9a-f]*_bg\.wasm/MODULE/g' "$1"; }
name "$stage/${js#/}" > "$out/trunk-glue.js"
name "$out/sae-lab.js" > "$out/relaxed-glue.js"
cmp -s "$out/trunk-glue.js" "$out/relaxed-glue.js" \
  || fail "the glue of the relaxed-SIMD module differs from the page's (diff $out/trunk-glue.js $out/relaxed-glue.js)"
# the level Trunk uses for the plain module (index.html: data-wasm-opt="z")
wasm-opt -Oz "$out/sae-lab_bg.wasm" -o "$out/opt.wasm"
file="sae-lab-relaxed-$(sha256sum "$out/opt.wasm" | cut -c1-16)_bg.wasm"
cp "$out/opt.wasm" "$stage/$file"
relaxed="${plain%/*}/$file"
# the plain module's preload would make a browser with relaxed SIMD download both
sed -e "s|data-wasm=\"$plain\"|data-wasm=\"$plain\" data-wasm-relaxed=\"$relaxed\"|" \
  -e "/<link rel=\"preload\" href=\"[^\"]*_bg\.wasm\"/d" "$html" > "$html.relaxed"
mv "$html.relaxed" "$html"
grep -q "data-wasm-relaxed=\"$relaxed\"" "$html" || fail "could not name the relaxed module in index.html"
echo "relaxed-wasm: $file ($(wc -c < "$stage/$file") bytes)"
