// Page rows: the release page (dist/) at defaults in headless Chromium for 10 s of training.
// Frame times come from requestAnimationFrame timestamps (an init script registers its rAF
// loop before the app's, so it sees every frame); the same loop notes when #status first
// shows a step and first says "formed at step". Also the sizes of dist/: .wasm raw and
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
// what a visitor downloads: every file, but not trunk's hidden staging directory
const files = readdirSync(dist, { recursive: true, withFileTypes: true })
  .filter((f) => f.isFile() && !`${f.parentPath}/${f.name}`.slice(dist.length).split("/").some((p) => p.startsWith(".")));
const sizes = { wasmRaw: 0, wasmGzip: 0, distGzip: 0, distRaw: 0 };
for (const f of files) {
  const buf = readFileSync(`${f.parentPath}/${f.name}`);
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
  };
} finally {
  await browser.close();
  server.close();
}
writeFileSync(out, JSON.stringify({ ...result, ...sizes, errors }, null, 1));
process.stderr.write(`  page: ${result.frames} frames, p50 ${result.frameP50.toFixed(1)} ms, p95 ${result.frameP95.toFixed(1)} ms; "${result.status}"\n`);
