// Trunk post_build hook (see Trunk.toml): writes the lab as one self-contained file,
// dist/sae-lab.html, that a teacher can mail or put on a USB stick and open by double-click,
// offline, from file://. Everything the page loads is inlined: the stylesheet as a <style>, the
// wasm-bindgen glue and www/boot.js as one module script, the .wasm as base64 in a data block,
// and the training worker's source (glue + www/worker.js) as text that boot.js starts from a
// blob: URL (a file:// page cannot start a worker from a file).
//
// The Content-Security-Policy stays strict: the inlined script and style are allowed by their
// SHA-256 hashes, workers only from blob: (made by that script), and nothing from the network.
//
// Usage: node scripts/one-file.mjs [DIR]   (DIR: Trunk's staging directory, or dist/)
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? "dist";
const fail = (why) => {
  console.error(`one-file: ${why}`);
  process.exit(1);
};
const read = (name) => readFileSync(join(dir, name.replace(/^\//, "")));
const text = (name) => read(name).toString("utf8");
const sha256 = (s) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

let html = text("index.html");
const boot = html.match(/<script type="module" id="sae-boot" src="[^"]*" data-js="([^"]+)" data-wasm="([^"]+)"[^>]*><\/script>/);
if (!boot) fail("index.html has no sae-boot script with data-js and data-wasm (Trunk.toml's pattern_script)");
const cssLink = html.match(/<link rel="stylesheet" href="([^"]+)"[^>]*>/);
if (!cssLink) fail("index.html links no stylesheet");

/** The glue as plain statements ending in `const saeGlue = {…}`, so it can share one inline
 * module with boot.js (an inline script cannot be imported by URL). */
function glueAsStatements(source) {
  const tail = /^export \{([^}]*)\};?\s*$/m;
  const names = source.match(tail);
  if (!names) fail("the glue has no final `export { … };` (a new wasm-bindgen output format?)");
  const entries = names[1].split(",").map((n) => n.trim()).filter(Boolean).map((n) => {
    const [local, as] = n.split(/\s+as\s+/);
    return as ? `${as}: ${local}` : local;
  });
  const declared = [...source.matchAll(/^export (?:class|function|const|let) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  let out = source.replace(tail, "").replace(/^export (class|function|const|let) /gm, "$1 ");
  if (/^\s*(export|import)\b/m.test(out)) fail("the glue has an import or export this script cannot inline");
  return `${out}\nconst saeGlue = { ${[...declared, ...entries].join(", ")} };\n`;
}

const glue = glueAsStatements(text(boot[1]));
const main = `${glue}\n${text("www/boot.js")}`;
// a classic worker: Chromium refuses module workers from blob: URLs made by a file:// page, and
// a classic script has no import.meta (the glue reads it only when given no module)
const worker = `${glue.replace(/import\.meta\.url/g, "self.location.href")}\n${text("www/worker.js")}`;
const css = text(cssLink[1]);
const wasm = read(boot[2]).toString("base64");
// "</" inside an inline script or style would end it early
for (const [what, s] of [["glue or boot.js", main], ["worker.js", worker], ["the stylesheet", css]]) {
  if (/<\/(script|style)/i.test(s)) fail(`${what} contains a closing tag and cannot be inlined`);
}

const csp = [
  "default-src 'none'",
  `script-src ${sha256(main)} 'wasm-unsafe-eval'`,
  `style-src ${sha256(css)}`,
  "style-src-attr 'unsafe-inline'",
  "img-src data: blob:",
  "worker-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** `html` with `from` (a string or a regular expression) replaced by `to`, which must be there. */
const replaced = (from, to, what) => {
  const found = typeof from === "string" ? html.includes(from) : from.test(html);
  if (!found) fail(`index.html has no ${what}`);
  html = html.replace(from, () => to);
};
replaced(
  /<meta http-equiv="Content-Security-Policy" content="[^"]*">/,
  `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
  "Content-Security-Policy <meta>",
);
replaced(/<link rel="stylesheet"[^>]*>/, `<style>${css}</style>`, "stylesheet link");
html = html.replace(/<link rel="(?:modulepreload|preload)"[^>]*>/g, "");
// Trunk serve's live-reload script has no place in a file
html = html.replace(/<script>[^<]*\.well-known\/trunk\/ws[\s\S]*?<\/script>/g, "");
replaced(
  boot[0],
  `<script type="application/octet-stream" id="sae-wasm">${wasm}</script>\n` +
    `  <script type="text/plain" id="sae-worker-source">${worker}</script>\n` +
    `  <script type="module" id="sae-boot">${main}</script>`,
  "boot script",
);
replaced(
  /<p class="one-file"[^>]*>[\s\S]*?<\/p>/,
  '<p class="one-file" id="one-file">This is the whole lab in one file: it needs no network and no install. ' +
    "Links it makes point to this file on this computer.</p>",
  "one-file paragraph",
);
writeFileSync(join(dir, "sae-lab.html"), html);
console.log(`one-file: ${join(dir, "sae-lab.html")} (${(html.length / 1e6).toFixed(2)} MB)`);
