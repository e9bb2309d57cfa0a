// Soak run (scripted, not part of CI; start it with ./scripts/soak.sh): the release page at
// defaults (max speed, step_ms=0) trains in headless Chromium for SOAK_MINUTES (default 20).
// Every SOAK_INTERVAL_S (default 30) seconds it samples
//   - steps and cost from #status, and steps/s since the previous sample;
//   - wasm memory (memory.buffer.byteLength of the instance Trunk's loader reports in its
//     TrunkApplicationStarted event; wasm memory never shrinks, so growth after warm-up is a leak);
//   - JS heap used after a forced garbage collection (CDP Performance.getMetrics);
//   - DOM elements in the document, DOM nodes and JS event listeners (CDP, after the GC);
//   - loss-history points (rows of the page's own CSV export).
// Verdict, from the warm-up sample (2 min, or half of a shorter run) to the end: wasm memory
// grows ≤ 1 MiB, JS heap ≤ 5 MB, DOM elements not at all, listeners ≤ 10; the history never
// holds more than its capacity; the cost stays finite and bounded; steps keep increasing and
// the last 5 minutes run at ≥ 50 % of the first 5 minutes' steps/s; no page errors.
// Prints the table and the verdict, writes them to target/soak/results.md, exits 1 on failure.
// Serves dist/, or the build in $SAE_DIST (scripts/soak.sh builds into target/soak/dist).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { launch, freshPage, root, stepOf } from "./harness.mjs";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 20);
const INTERVAL_S = Number(process.env.SOAK_INTERVAL_S ?? 30);
const BOUND = { wasmBytes: 1 << 20, heapBytes: 5e6, listeners: 10, rateRatio: 0.5, costRatio: 1.5 };
const OUT = root + "target/soak";
// the history's capacity, read from the app so the check follows it
const CAPACITY = Number((readFileSync(root + "src/web/app.rs", "utf8").match(/const HISTORY_POINTS: usize = ([\d_]+)/)?.[1] ?? "1500").replace(/_/g, ""));
if (!(MINUTES > 0 && INTERVAL_S > 0)) throw new Error(`SOAK_MINUTES=${MINUTES}, SOAK_INTERVAL_S=${INTERVAL_S}`);

const MiB = (b) => (b / 1048576).toFixed(2);
const MB = (b) => (b / 1e6).toFixed(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

const { server, browser, close } = await launch();
const chromiumVersion = browser.version();
const samples = [];
let page;
let verdict;
try {
  page = await freshPage(browser, server);
  await page.addInitScript(() => {
    addEventListener("TrunkApplicationStarted", (e) => { window.__soakWasm = e.detail?.wasm; });
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await page.goto(server.url);
  await page.waitForFunction(() => /step [1-9]\d*/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 20000 });
  const t0 = Date.now();
  console.log(`soak: ${MINUTES} min at defaults, a sample every ${INTERVAL_S} s; history capacity ${CAPACITY} points`);

  const historyPoints = async () => {
    const [d] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), page.click("#export-csv")]);
    const rows = readFileSync(await d.path(), "utf8").trim().split("\n").length - 1; // minus the header
    await d.delete();
    return rows;
  };

  const sample = async () => {
    const t = (Date.now() - t0) / 1000;
    const seen = await page.evaluate(() => ({
      status: document.querySelector("#status")?.textContent ?? "",
      wasm: window.__soakWasm?.memory?.buffer?.byteLength ?? null,
      elements: document.getElementsByTagName("*").length,
    }));
    await cdp.send("HeapProfiler.collectGarbage");
    const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
    const dom = await cdp.send("Memory.getDOMCounters");
    const s = {
      t,
      steps: stepOf(seen.status),
      cost: Number((seen.status.match(/cost ([-\d.e+]+|NaN|inf)/) || [])[1] ?? NaN),
      wasm: seen.wasm,
      heap: metrics.JSHeapUsedSize,
      elements: seen.elements,
      nodes: dom.nodes,
      listeners: dom.jsEventListeners,
      history: await historyPoints(),
    };
    const prev = samples[samples.length - 1];
    s.rate = prev ? (s.steps - prev.steps) / (s.t - prev.t) : NaN;
    samples.push(s);
    console.log(row(s));
  };

  console.log(header());
  for (let i = 0; i * INTERVAL_S <= MINUTES * 60; i++) {
    await sleep(t0 + i * INTERVAL_S * 1000 - Date.now());
    await sample();
  }
  await page.screenshot({ path: `${OUT}/soak-end.png`, fullPage: true }).catch(() => {});
  verdict = judge(samples, page.errors);
} catch (e) {
  verdict = { ok: false, lines: [`FAIL the soak run stopped: ${e.message}`] };
} finally {
  await close();
}

const report = [
  `## sae-lab soak run, ${new Date().toISOString().slice(0, 10)}`,
  "",
  `${MINUTES} min of training at defaults (max speed) in headless Chromium ${chromiumVersion}, a sample every ${INTERVAL_S} s.`,
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${MiB(os.totalmem())} MiB RAM, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}.`,
  "JS heap, DOM nodes and listeners are read after a forced garbage collection.",
  "",
  header(),
  ...samples.map(row),
  "",
  ...verdict.lines.map((l) => `- ${l}`),
  "",
  `**${verdict.ok ? "PASS" : "FAIL"}**`,
  "",
].join("\n");
mkdirSync(OUT, { recursive: true });
writeFileSync(`${OUT}/results.md`, report);
console.log("");
for (const l of verdict.lines) console.log(l);
console.log(`${verdict.ok ? "PASS" : "FAIL"} (table: target/soak/results.md)`);
process.exit(verdict.ok ? 0 : 1);

function header() {
  return "| min | steps | steps/s | cost | wasm MiB | JS heap MB | DOM elements | DOM nodes | listeners | history points |\n"
    + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
}

function row(s) {
  const n = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US").replace(/,/g, " ") : "–");
  return `| ${(s.t / 60).toFixed(1)} | ${n(s.steps)} | ${n(s.rate)} | ${s.cost.toFixed(3)} | ${s.wasm == null ? "?" : MiB(s.wasm)} | ${MB(s.heap)} | ${s.elements} | ${s.nodes} | ${s.listeners} | ${s.history} |`;
}

/** Pass/fail lines, each with its numbers. */
function judge(samples, errors) {
  const lines = [];
  let ok = true;
  const need = (cond, text) => { ok &&= cond; lines.push(`${cond ? "ok  " : "FAIL"} ${text}`); };
  if (samples.length < 3) return { ok: false, lines: [`FAIL only ${samples.length} samples`] };
  const total = samples[samples.length - 1].t;
  const warmT = Math.min(120, total / 2);
  const warm = samples.find((s) => s.t >= warmT - 1);
  const last = samples[samples.length - 1];
  const after = samples.filter((s) => s.t >= warm.t);
  const max = (k) => Math.max(...after.map((s) => s[k]));
  const at = (t) => samples.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best));
  const since = `from ${(warm.t / 60).toFixed(1)} to ${(last.t / 60).toFixed(1)} min`;

  need(after.every((s) => s.wasm != null), "wasm memory is observable (TrunkApplicationStarted's instance)");
  if (warm.wasm != null && last.wasm != null) {
    const g = max("wasm") - warm.wasm;
    need(g <= BOUND.wasmBytes, `wasm memory ${MiB(warm.wasm)} → ${MiB(last.wasm)} MiB ${since}: grew ${MiB(g)} MiB (bound ${MiB(BOUND.wasmBytes)})`);
  }
  const heapG = last.heap - warm.heap;
  need(heapG <= BOUND.heapBytes, `JS heap after GC ${MB(warm.heap)} → ${MB(last.heap)} MB ${since} (max ${MB(max("heap"))}): grew ${MB(heapG)} MB (bound ${MB(BOUND.heapBytes)})`);
  need(max("elements") <= warm.elements, `DOM elements ${warm.elements} → ${last.elements} (max ${max("elements")}) ${since}: no growth`);
  lines.push(`info DOM nodes after GC ${warm.nodes} → ${last.nodes} (max ${max("nodes")}) ${since}`);
  need(max("listeners") - warm.listeners <= BOUND.listeners, `JS event listeners ${warm.listeners} → ${last.listeners} (max ${max("listeners")}) ${since} (bound +${BOUND.listeners})`);
  const hMax = Math.max(...samples.map((s) => s.history));
  need(hMax <= CAPACITY, `loss history at most ${hMax} points (capacity ${CAPACITY}), ${last.history} at the end, for ${last.steps.toLocaleString("en-US")} steps`);
  const costs = samples.map((s) => s.cost);
  need(costs.every(Number.isFinite) && last.cost <= BOUND.costRatio * warm.cost,
    `cost finite throughout (${Math.min(...costs).toFixed(3)}–${Math.max(...costs).toFixed(3)}); ${warm.cost.toFixed(3)} at warm-up, ${last.cost.toFixed(3)} at the end (bound ×${BOUND.costRatio})`);
  need(samples.every((s, i) => i === 0 || s.steps > samples[i - 1].steps), "steps increase at every sample");
  const w = Math.min(300, total / 2);
  const [a0, a1, b0, b1] = [samples[0], at(w), at(total - w), last];
  const first = (a1.steps - a0.steps) / (a1.t - a0.t);
  const lastRate = (b1.steps - b0.steps) / (b1.t - b0.t);
  need(lastRate >= BOUND.rateRatio * first,
    `steps/s: first ${(w / 60).toFixed(1)} min ${first.toFixed(0)}, last ${(w / 60).toFixed(1)} min ${lastRate.toFixed(0)} (${(100 * lastRate / first).toFixed(0)} %, bound ${100 * BOUND.rateRatio} %)`);
  need(errors.length === 0, `no page errors${errors.length ? ": " + [...new Set(errors)].slice(0, 3).join(" | ") : ""}`);
  if (page.foreign.length || page.afterLoad.length) lines.push(`info requests after load: ${[...page.foreign, ...page.afterLoad].slice(0, 3).join(" ")}`);
  return { ok, lines };
}
