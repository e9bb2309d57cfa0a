// Step rows in headless Chromium: sae-lab's wasm step and the TF.js step (cpu, wasm
// backends) for each (batch, hidden), one fresh page per row so engines never share a heap.
// Usage: node bench/bench.mjs <www dir> <out.json>. Progress on stderr, results as JSON.
import { writeFileSync } from "node:fs";
import { serveDist } from "../tests/e2e/serve-dist.mjs";
import { launch, freshPage } from "./chromium.mjs";

const [www, out] = process.argv.slice(2);
const ROWS = [[256, 25], [256, 256], [32, 25]];
// TF.js's webgl backend is left out: without a GPU it would measure a software renderer.
// wasm-relaxed: sae-lab's relaxed-SIMD build, the one the page loads in Chromium
const ENGINES = ["wasm-relaxed", "wasm", "tfjs-cpu", "tfjs-wasm"];
// the family rows run the .wasm the page runs
const PAGE_MODULE = "bench.html?module=relaxed";

const server = await serveDist(www);
const browser = await launch();
const results = [];
try {
  for (const [batch, hidden] of ROWS) {
    for (const engine of ENGINES) {
      const errors = [];
      const page = await freshPage(browser, (e) => errors.push(e));
      await page.goto(server.url + (engine === "wasm-relaxed" ? PAGE_MODULE : "bench.html"));
      await page.waitForFunction(() => window.benchReady);
      try {
        const r = await page.evaluate(([e, b, h]) => window.bench.run(e, b, h), [engine.replace("-relaxed", ""), batch, hidden]);
        results.push({ engine, batch, hidden, ...r });
        process.stderr.write(`  ${engine} ${batch}×${hidden}: ${r.rates.map((x) => x.toFixed(0)).join(" ")} steps/s\n`);
      } catch (e) {
        results.push({ engine, batch, hidden, error: String(e.message || e).split("\n")[0] });
        process.stderr.write(`  ${engine} ${batch}×${hidden}: failed: ${String(e.message || e).split("\n")[0]}\n`);
      }
      if (errors.length) process.stderr.write(`  (page errors: ${errors.join(" | ")})\n`);
      await page.close();
    }
  }
  // the family rows: every model at the page's defaults through the Trainer, then a compare
  const probe = await freshPage(browser, () => {});
  await probe.goto(server.url + "bench.html");
  await probe.waitForFunction(() => window.benchReady);
  const keys = await probe.evaluate(() => window.bench.familyKeys());
  await probe.close();
  for (const model of [...keys, "sae,sparse-coding"]) {
    const page = await freshPage(browser, () => {});
    await page.goto(server.url + PAGE_MODULE);
    await page.waitForFunction(() => window.benchReady);
    try {
      const r = await page.evaluate((m) => window.bench.family(m), model);
      results.push({ engine: "wasm-family", model, ...r });
      process.stderr.write(`  wasm ${model}: ${r.rates.map((x) => x.toFixed(0)).join(" ")} steps/s\n`);
    } catch (e) {
      results.push({ engine: "wasm-family", model, error: String(e.message || e).split("\n")[0] });
    }
    await page.close();
  }
  results.push({ engine: "browser", version: browser.version() });
} finally {
  await browser.close();
  server.close();
}
writeFileSync(out, JSON.stringify(results, null, 1));
