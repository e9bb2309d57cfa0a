// Shared by the page scripts: a headless Chromium on the release page in dist/, served on
// 127.0.0.1, and a tiny check/report helper that prints "N passed, N failed".
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { serveDist } from "./serve-dist.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("../../.tools/node_modules/playwright-core");
export const root = new URL("../../", import.meta.url).pathname;
export const outDir = root + "target/e2e";
mkdirSync(outDir, { recursive: true });

/** Starts the server and the browser (with `extraArgs`, e.g. a fake camera); `close()` stops both. */
export async function launch(extraArgs = []) {
  const server = await serveDist(process.env.SAE_DIST ?? root + "dist"); // SAE_DIST: another build
  const browser = await chromium.launch({
    executablePath: execFileSync("sh", ["-c", "command -v chromium"]).toString().trim(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", ...extraArgs],
  });
  return { server, browser, close: async () => { await browser.close(); server.close(); } };
}

/** A fresh profile (own storage) with a page that records errors and foreign requests. */
export async function freshPage(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.errors = [];
  page.foreign = [];
  // network requests once the page has started: there should be none. Started = loaded and
  // training under way, in the worker (which imports the page's glue as it starts) or not
  page.afterLoad = [];
  page.on("load", () => {
    page
      .waitForFunction(() => ["worker", "page"].includes(document.body.dataset.training), null, { timeout: 20000 })
      .then(() => { page.loaded = true; }, () => { page.loaded = true; });
  });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text()); });
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url)) page.foreign.push(r.url());
    if (page.loaded && /^https?:/.test(r.url())) page.afterLoad.push(r.url());
  });
  return page;
}

const results = [];
/** Runs one named check; failures are reported, not thrown. E2E_ONLY=text runs only the checks
 *  whose name contains it (while working on one). */
export async function check(name, fn) {
  if (process.env.E2E_ONLY && !name.includes(process.env.E2E_ONLY)) return;
  try {
    await fn();
    results.push(true);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`FAIL ${name}: ${e.message}`);
  }
}

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

/** Prints the summary line and exits non-zero on any failure. */
export function finish() {
  const failed = results.filter((ok) => !ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** The status line's step count. */
export const stepOf = (s) => Number((s.match(/step (\d+)/) || [])[1] ?? NaN);
