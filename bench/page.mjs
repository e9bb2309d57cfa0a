// Page rows: the release page (dist/) at defaults in headless Chromium for 10 s of training.
// Frame times come from requestAnimationFrame timestamps (an init script registers its rAF
// loop before the app's, so it sees every frame); the same loop notes when #status first
// shows a step and first says "formed at step". Then the heavy row: 400 hidden × 16×16 ×
// batch 2048, frame times over 5 s after 6 s of training, and a click on Pause: how long
// until the button says Play and until the step count stops. Each row says where training
// ran (the worker, or the page's own thread). Also the sizes of dist/: .wasm raw and
// gzip -9, and the sum of gzip -9 over every file. Usage: node bench/page.mjs <dist> <out.json>
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { serveDist } from "../tests/e2e/serve-dist.mjs";
import { launch, freshPage } from "./chromium.mjs";

const [dist, out] = process.argv.slice(2);
const SECONDS = 10;

function watchFrames() {
  const b = (window.__bench = { frames: [], started: null, formed: null, formedText: null });
  const tick = (t) => {
    b.frames.push(t);
    const s = document.getElementById("status")?.textContent ?? "";
    if (b.started === null && /step [1-9]/.test(s)) b.started = t;
    if (b.formed === null && /formed at step/.test(s)) [b.formed, b.formedText] = [t, s];
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const gz = (buf) => gzipSync(buf, { level: 9 }).length; // zlib level 9, as gzip -9
// what a visitor downloads: every file, but not trunk's hidden staging directory nor the
// one-file lab
const files = readdirSync(dist, { recursive: true, withFileTypes: true })
  .filter((f) => f.isFile() && !`${f.parentPath}/${f.name}`.slice(dist.length).split("/").some((p) => p.startsWith(".")));
const sizes = { wasmRaw: 0, wasmGzip: 0, distGzip: 0, distRaw: 0, oneFileRaw: 0, oneFileGzip: 0, plainWasmRaw: 0, plainWasmGzip: 0 };
// a browser downloads one of the two .wasm (www/boot.js): Chromium the relaxed-SIMD one
const relaxedBuilt = files.some((f) => /-relaxed-.*\.wasm$/.test(f.name));
for (const f of files) {
  const buf = readFileSync(`${f.parentPath}/${f.name}`);
  // the one-file lab (scripts/one-file.mjs) is the whole page again, for download: not loaded
  if (f.name === "sae-lab.html") {
    [sizes.oneFileRaw, sizes.oneFileGzip] = [buf.length, gz(buf)];
    continue;
  }
  if (relaxedBuilt && f.name.endsWith(".wasm") && !f.name.includes("-relaxed-")) {
    [sizes.plainWasmRaw, sizes.plainWasmGzip] = [buf.length, gz(buf)];
    continue;
  }
  sizes.distRaw += buf.length;
  sizes.distGzip += gz(buf);
  if (f.name.endsWith(".wasm")) [sizes.wasmRaw, sizes.wasmGzip] = [sizes.wasmRaw + buf.length, sizes.wasmGzip + gz(buf)];
}

const server = await serveDist(dist);
const browser = await launch();
const errors = [];
let result;
try {
  const page = await freshPage(browser, (e) => errors.push(e));
  await page.addInitScript(watchFrames);
  await page.goto(server.url);
  await page.waitForFunction(() => window.__bench.started !== null, null, { timeout: 20000 });
  await page.waitForFunction((s) => performance.now() - window.__bench.started > s * 1000, SECONDS, { timeout: 30000 });
  const b = await page.evaluate(() => ({ ...window.__bench, status: document.getElementById("status").textContent }));
  const inWindow = b.frames.filter((t) => t >= b.started && t <= b.started + SECONDS * 1000);
  const dts = inWindow.slice(1).map((t, i) => t - inWindow[i]).sort((x, y) => x - y);
  const pct = (p) => dts[Math.min(dts.length - 1, Math.floor((p / 100) * dts.length))];
  const appSeconds = b.formedText?.match(/formed at step (\d+), ([\d.]+) s/);
  result = {
    frames: dts.length, frameP50: pct(50), frameP95: pct(95), frameMax: dts[dts.length - 1],
    startedAt: b.started / 1000, formedAt: b.formed === null ? null : b.formed / 1000,
    formedStep: appSeconds ? Number(appSeconds[1]) : null, formedAppSeconds: appSeconds ? Number(appSeconds[2]) : null,
    stepsPerSecond: Number((b.status.match(/([\d.]+) steps\/s/) || [])[1] ?? NaN), status: b.status,
    training: await page.evaluate(() => document.body.dataset.training),
    module: await page.evaluate(() => document.documentElement.dataset.wasm),
  };
  await page.close();
  result.heavy = await heavy(await freshPage(browser, (e) => errors.push(e)));
} finally {
  await browser.close();
  server.close();
}
/** The heavy row (see the header). */
async function heavy(page) {
  await page.goto(server.url + "#hidden=400&patch=16&batch=2048");
  await page.waitForFunction(() => ["worker", "page"].includes(document.body.dataset.training), null, { timeout: 30000 });
  await page.waitForTimeout(6000);
  const r = await page.evaluate(() => new Promise((done) => {
    const frames = [];
    const step = () => Number((document.getElementById("status").textContent.match(/step (\d+)/) || [])[1]);
    let last = performance.now();
    const end = last + 5000;
    const measure = (now) => {
      frames.push(now - last);
      last = now;
      if (now < end) return requestAnimationFrame(measure);
      const btn = document.getElementById("play");
      const t0 = performance.now();
      btn.click();
      let shown = btn.textContent === "Play" ? performance.now() - t0 : null;
      let [s, changed] = [step(), t0];
      const after = (t) => {
        if (step() !== s) [s, changed] = [step(), t];
        if (shown === null && btn.textContent === "Play") shown = t - t0;
        if (t - t0 < 3000) return requestAnimationFrame(after);
        done({ frames, pauseShownMs: shown, stepsStopMs: Math.max(0, changed - t0), status: document.getElementById("status").textContent });
      };
      requestAnimationFrame(after);
    };
    requestAnimationFrame(measure);
  }));
  const dts = r.frames.sort((x, y) => x - y);
  const pct = (p) => dts[Math.min(dts.length - 1, Math.floor((p / 100) * dts.length))];
  const training = await page.evaluate(() => document.body.dataset.training);
  await page.close();
  return { frames: dts.length, frameP50: pct(50), frameP95: pct(95), pauseShownMs: r.pauseShownMs, stepsStopMs: r.stepsStopMs,
    status: r.status, training };
}

writeFileSync(out, JSON.stringify({ ...result, ...sizes, errors }, null, 1));
process.stderr.write(`  page (${result.training}): ${result.frames} frames, p50 ${result.frameP50.toFixed(1)} ms, p95 ${result.frameP95.toFixed(1)} ms; "${result.status}"\n`);
const h = result.heavy;
process.stderr.write(`  heavy (${h.training}): p50 ${h.frameP50.toFixed(1)} ms, p95 ${h.frameP95.toFixed(1)} ms; Pause shown after ${h.pauseShownMs?.toFixed(0)} ms, steps stop after ${h.stepsStopMs.toFixed(0)} ms; "${h.status}"\n`);
