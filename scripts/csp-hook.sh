#!/bin/sh
# Trunk post_build hook (see Trunk.toml), run on every `trunk build` and `trunk serve` rebuild.
#
# The page's Content-Security-Policy (the <meta> in index.html) allows only the page's own
# files and its wasm: no inline script, event handler or <style> element. This checks that the built
# index.html still fits that policy, so a change that would be refused in the browser fails
# the build instead. Under `trunk serve` Trunk adds its live-reload script inline (its text
# differs per request, so it cannot be hashed); only there is 'unsafe-inline' added to
# script-src. `trunk build` output is never relaxed.
set -eu
html="${TRUNK_STAGING_DIR:?csp-hook.sh is run by trunk}/index.html"
fail() { echo "csp-hook: $*" >&2; exit 1; }

grep -q 'http-equiv=.\{0,1\}Content-Security-Policy' "$html" \
  || fail "$html has no Content-Security-Policy <meta> (index.html should carry it)"

# every <script> must load a file; inline ones are refused by script-src 'self'
inline=$(grep -o '<script[^>]*>' "$html" | grep -v ' src=' || true)
# inline handlers (onclick=…) and <style> elements are refused too (style attributes are not:
# plotters needs them, see index.html)
attrs=$(grep -Eo '<[a-zA-Z][^>]* on[a-z]+=' "$html" || true)
styles=$(grep -o '<style[ >]' "$html" || true)

if grep -q '\.well-known/trunk/ws' "$html"; then
  # trunk serve: its live-reload script is the one inline script; allow it in this dev build
  [ -z "$attrs$styles" ] || fail "inline handler or <style> in $html, refused by the CSP: $attrs $styles"
  sed "s/script-src 'self'/script-src 'self' 'unsafe-inline'/" "$html" > "$html.csp" && mv "$html.csp" "$html"
  echo "csp-hook: trunk serve: 'unsafe-inline' added to script-src for Trunk's live-reload script (never in trunk build)"
else
  [ -z "$inline$attrs$styles" ] || fail "inline script, handler or <style> in $html, refused by the CSP: $inline $attrs $styles"
fi
