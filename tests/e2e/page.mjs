// The release page (trunk build --release → dist/) in headless Chromium, as a visitor sees it:
// it starts without errors, trains on its own, shows steps and a falling cost, redraws the
// filters, and a ρ slider drag reaches the running trainer. Its Content-Security-Policy allows
// only its own files and wasm, and the page runs without a single refusal under it.
// Accessibility: axe-core finds no violation (WCAG 2.1 AA and best practice) in either layout,
// the figures the canvases draw are page text, and a unit can be picked with the keyboard.
// The presentation layout shows the filters large and whole at projector sizes, and every
// canvas is drawn at its displayed size × devicePixelRatio. With the convolutional model followed,
// its whole-image panel shows, with fewer seams in one pass than tile by tile.
// Prints one "N passed, N failed" line.
import { readFileSync } from "node:fs";
import { launch, freshPage, check, assert, finish, outDir, root, stepOf } from "./harness.mjs";

const axeSource = readFileSync(`${root}.tools/node_modules/axe-core/axe.min.js`, "utf8");
/** axe-core's violations on `p` (WCAG 2.x A and AA, and best practice), one line each. */
async function axeViolations(p) {
  // Playwright's evaluate is exempt from the page's CSP, which refuses an injected script tag
  if (!(await p.evaluate(() => Boolean(window.axe)))) await p.evaluate(axeSource);
  return p.evaluate(async () => {
    const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
}

/** Records every Content-Security-Policy refusal: the DOM event and Chromium's console line. */
async function watchCsp(page) {
  page.csp = [];
  page.on("console", (m) => { if (/Content.Security.Policy/i.test(m.text())) page.csp.push(m.text()); });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push(`${e.effectiveDirective} refused ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}
/** The refusals so far, each once with its count. */
async function cspViolations(page) {
  const all = [...page.csp, ...await page.evaluate(() => window.__cspViolations ?? ["(no recorder on this page)"])];
  const counts = new Map();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => (n > 1 ? `${n}× ${v}` : v));
}

await check("dist/index.html carries a strict Content-Security-Policy and no inline script", async () => {
  const html = readFileSync(`${process.env.SAE_DIST ?? root + "dist"}/index.html`, "utf8"); // as launch() serves
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert(meta, "no Content-Security-Policy <meta>");
  const csp = Object.fromEntries(meta[1].split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  const is = (k, want) => assert(csp[k]?.join(" ") === want, `${k}: ${csp[k]?.join(" ")} (want ${want})`);
  is("default-src", "'none'");
  is("script-src", "'self' 'wasm-unsafe-eval'");
  is("style-src", "'self'");
  is("style-src-attr", "'unsafe-inline'"); // plotters sizes chart text in <span style="…">
  is("img-src", "'self' data: blob:");
  is("connect-src", "'self'");
  is("worker-src", "'self'");
  is("base-uri", "'none'");
  is("form-action", "'none'");
  assert(html.indexOf("Content-Security-Policy") < html.indexOf("<script"), "the CSP must come before the first script");
  const inline = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]).filter((t) => !/\ssrc=/.test(t));
  assert(inline.length === 0, `inline scripts: ${inline.join(" ")}`);
  console.log(`     CSP: ${meta[1]}`);
});

const { server, browser, close } = await launch();
try {
  const page = await freshPage(browser, server);
  await watchCsp(page);
  await page.goto(server.url);
  const status = () => page.textContent("#status");

  await check("the page mounts and starts training by itself", async () => {
    await page.waitForSelector("#status", { timeout: 15000 });
    await page.waitForFunction(() => /step [1-9]\d*/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 15000 });
  });

  await check("at defaults it trains fast (> 300 steps/s) and edge detectors form within 10 s", async () => {
    const t0 = Date.now();
    await page.waitForFunction(() => /formed at step/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 10000 });
    console.log(`     edges formed after ${(Date.now() - t0) / 1000} s of waiting: "${await status()}"`);
    await page.waitForTimeout(Math.max(0, 10000 - (Date.now() - t0)));
    const s = await status();
    const rate = Number((s.match(/([\d.]+) steps\/s/) || [])[1] ?? 0);
    console.log(`     status after ~10 s: "${s}"`);
    await page.screenshot({ path: `${outDir}/page-10s.png`, fullPage: true });
    assert(rate > 300, `steps/s = ${rate}`);
  });

  await check("training runs in a Web Worker by default", async () => {
    const where = await page.evaluate(() => [document.body.dataset.training, document.body.dataset.workerProblem]);
    assert(where[0] === "worker", `trains on: ${where[0]} (${where[1] ?? "no problem given"})`);
  });

  // Issue 12: the relaxed-SIMD build where the browser takes it (Chromium does), the plain
  // simd128 one where it does not; either way a browser downloads one .wasm
  await check("the relaxed-SIMD module runs where the browser has relaxed SIMD, the plain one elsewhere, one download each", async () => {
    for (const relaxed of [true, false]) {
      const p = await freshPage(browser, server);
      const modules = [];
      p.on("request", (r) => { if (r.url().endsWith(".wasm")) modules.push(r.url().split("/").pop()); });
      if (!relaxed) await p.addInitScript(() => { WebAssembly.validate = () => false; });
      await p.goto(server.url);
      await p.waitForFunction(() => document.body.dataset.training === "worker" &&
        Number((document.querySelector("#status").textContent.match(/step (\d+)/) || [])[1]) > 100, null, { timeout: 20000 });
      const kind = await p.evaluate(() => document.documentElement.dataset.wasm);
      console.log(`     ${relaxed ? "relaxed SIMD on" : "no relaxed SIMD"}: runs ${kind}, fetched ${modules.join(", ")}`);
      assert(kind === (relaxed ? "relaxed" : "simd128"), `runs ${kind}`);
      assert(modules.length === 1 && /-relaxed-/.test(modules[0]) === relaxed, `fetched ${modules.join(", ")}`);
      assert(p.errors.length === 0, p.errors.join(" | "));
      await p.context().close();
    }
  });

  await check("the ρ slider reaches the running trainer, and training continues", async () => {
    const before = stepOf(await status());
    await page.locator("#rho").focus();
    for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowRight");
    const shown = await page.textContent("#rho-out");
    assert(Number(shown) > 0.01, `ρ readout ${shown}`);
    await page.waitForTimeout(500);
    assert(stepOf(await status()) > before, "steps keep counting: no restart");
  });

  await check("axe-core: no accessibility violations, settings open, in the normal and the presentation layout", async () => {
    await page.click("#settings-box summary");
    const normal = await axeViolations(page);
    const present = await freshPage(browser, server);
    await present.goto(`${server.url}#layout=present`);
    await present.waitForSelector("#status");
    await present.click("#settings-box summary");
    await present.waitForTimeout(1000);
    const big = await axeViolations(present);
    await present.context().close();
    await page.click("#settings-box summary");
    assert(normal.length === 0 && big.length === 0, `normal: ${normal.join(" | ")}; present: ${big.join(" | ")}`);
  });

  await check("the readouts' numbers are in the page text, and change at most at the readout rate", async () => {
    const text = () => page.evaluate(() => ["#firing-text", "#rho-bars-text", "#unit-text"].map((s) => document.querySelector(s).textContent));
    const [firing, rho, unit] = await text();
    assert(/^Dead units: \d+ of 25\. L0: \d+\.\d active units per patch\. Variance explained: \d+ %\.$/.test(firing), firing);
    assert(/^Mean activation ρ̂ of 25 units: median [\d.]+, from [\d.e-]+ to [\d.]+; target ρ = [\d.]+\. \d+ ok, \d+ dead, \d+ always on\.$/.test(rho), rho);
    assert(/^Unit \d+: ρ̂ = [\d.]+ \(target ρ = [\d.]+\), ‖w‖ = [\d.]+\. /.test(unit), unit);
    for (const [canvas, twin] of [["#firing", "firing-text"], ["#rho-bars", "rho-bars-text"], ["#unit", "unit-text"]]) {
      assert(await page.getAttribute(canvas, "aria-describedby") === twin, `${canvas} is described by #${twin}`);
    }
    // calm: count the twins' changes over 3 s (readouts redraw 4 times a second)
    const changes = await page.evaluate(() => new Promise((done) => {
      let n = 0;
      const o = new MutationObserver((m) => { n += m.length; });
      for (const s of ["#firing-text", "#rho-bars-text"]) o.observe(document.querySelector(s), { childList: true, characterData: true, subtree: true });
      setTimeout(() => { o.disconnect(); done(n); }, 3000);
    }));
    assert(changes > 0 && changes <= 2 * 4 * 3 + 2, `${changes} changes in 3 s`);
    console.log(`     ${firing} | ${rho} (${changes} changes in 3 s)`);
  });

  await check("a unit is picked with the keyboard: arrows on the filter grid move the selection, Unit detail follows", async () => {
    await page.click("#play"); // paused, so a step the arrow must not take would show
    await page.waitForTimeout(400);
    const before = stepOf(await status());
    await page.focus("#filters");
    for (const key of ["Home", "ArrowRight", "ArrowRight", "ArrowDown"]) await page.keyboard.press(key);
    await page.waitForTimeout(700); // the readouts redraw
    const now = await page.getAttribute("#filters", "aria-valuenow");
    const unit = await page.textContent("#unit-text");
    assert(now === "7" && unit.startsWith("Unit 7:"), `aria-valuenow ${now}, detail "${unit.slice(0, 30)}"`);
    assert(/row 2 and column 3/.test(await page.getAttribute("#filters", "aria-valuetext")), "the selection is described");
    assert(stepOf(await status()) === before, "→ on the grid moved the selection, it did not take a training step");
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(ring === "solid", `focus ring: ${ring}`);
    await page.click("#play");
  });

  await check("the test image is painted with the keyboard: arrows move a brush, Space paints, and training goes on", async () => {
    const picture = () => page.evaluate(() => document.querySelector("#image").toDataURL());
    await page.focus("#image");
    await page.waitForTimeout(700); // the whole-image panel redraws with the brush outlined
    const shown = await picture();
    const before = stepOf(await status());
    for (const key of ["ArrowLeft", "ArrowLeft", " ", "Shift+ArrowDown", "Shift+ArrowDown", "Enter"]) await page.keyboard.press(key);
    await page.waitForTimeout(900);
    const score = await page.textContent("#test-score");
    assert(/Painted/.test(score), `the panel says the picture was painted: "${score}"`);
    assert((await picture()) !== shown, "the picture changed");
    assert(stepOf(await status()) > before && !/paused/.test(await status()), `Space painted, it did not pause: ${await status()}`);
    await page.screenshot({ path: `${outDir}/keyboard-paint.png` });
    await page.click("#clear-test");
  });

  await check("presentation layout: the filter grid is the largest thing on screen, whole, and every canvas is crisp", async () => {
    for (const [w, h, dpr, least] of [[1920, 1080, 1, 600], [1280, 720, 1, 450], [1024, 768, 1, 450], [1280, 720, 2, 450]]) {
      const context = await browser.newContext({ viewport: { width: w, height: h }, deviceScaleFactor: dpr });
      const page2 = await context.newPage();
      const errors = [];
      page2.on("pageerror", (e) => errors.push(String(e)));
      await page2.goto(`${server.url}#layout=present`);
      await page2.waitForSelector("#status");
      await page2.waitForTimeout(1500);
      const m = await page2.evaluate(() => {
        const box = (s) => document.querySelector(s).getBoundingClientRect();
        const canvases = [...document.querySelectorAll("canvas")].filter((c) => c.offsetParent && c.clientWidth > 0);
        // the area on screen, without scrolling
        const area = (b) => Math.max(0, Math.min(b.right, innerWidth) - Math.max(b.left, 0)) * Math.max(0, Math.min(b.bottom, innerHeight) - Math.max(b.top, 0));
        const dpr = devicePixelRatio;
        const blurry = ["#diagram", "#unit", "#recon-patch", "#rho-bars", "#firing", "#loss", "#image"]
          .map((s) => document.querySelector(s))
          .filter((c) => Math.abs(c.width - Math.round(c.clientWidth * dpr)) > 1 || Math.abs(c.height - Math.round(c.clientHeight * dpr)) > 1)
          .map((c) => `#${c.id} ${c.width}×${c.height} shown ${c.clientWidth}×${c.clientHeight}`);
        const grid = box("#filters");
        return {
          grid: { w: grid.width, top: grid.top, bottom: grid.bottom, px: document.querySelector("#filters").width / (grid.width * dpr) },
          largest: canvases.every((c) => c.id === "filters" || area(c.getBoundingClientRect()) <= area(grid)),
          blurry,
          sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
          hint: parseFloat(getComputedStyle(document.querySelector(".hint")).fontSize),
          h1: parseFloat(getComputedStyle(document.querySelector("h1")).fontSize),
        };
      });
      console.log(`     ${w}×${h} @${dpr}: grid ${Math.round(m.grid.w)} px, ${Math.round(m.grid.top)}–${Math.round(m.grid.bottom)}; hints ${m.hint} px, title ${m.h1} px`);
      assert(m.grid.w >= least && m.grid.top >= 0 && m.grid.bottom <= h, `${w}×${h}: grid ${JSON.stringify(m.grid)}`);
      assert(m.largest, `${w}×${h}: another canvas takes more of the screen than the grid`);
      assert(m.grid.px > 0.9 && m.grid.px <= 1, `${w}×${h}@${dpr}: the grid's pixels are ${m.grid.px} of its displayed size × dpr`);
      assert(m.blurry.length === 0, `${w}×${h}@${dpr}: not at displayed size × dpr: ${m.blurry.join(", ")}`);
      assert(!m.sideways, `${w}×${h}: the page scrolls sideways`);
      assert(m.hint >= (w >= 1920 ? 20 : 14) && m.h1 >= 32, `${w}×${h}: hints ${m.hint} px, title ${m.h1} px`);
      assert(errors.length === 0, errors.join(" | "));
      await context.close();
    }
  });

  await check("pause stops training", async () => {
    await page.click("#play");
    await page.waitForTimeout(400);
    const a = stepOf(await status());
    await page.waitForTimeout(600);
    const b = stepOf(await status());
    assert(a === b && /paused/.test(await status()), `steps ${a} → ${b}`);
    await page.click("#play");
  });

  // Issue 4: the readouts tell the default run apart from β = 0 and ρ = 0.3.
  const verdictAfter = async (button, name) => {
    await page.click(button);
    // a trained model is discarded only after asking; the preset then starts afresh
    assert(/is discarded/.test(await page.textContent("#message")), `asked: ${await page.textContent("#message")}`);
    await page.click("#confirm-restart");
    await page.waitForTimeout(10000);
    await page.screenshot({ path: `${outDir}/${name}.png`, fullPage: true });
    const v = await page.textContent("#verdict");
    console.log(`     ${name}: "${v}" | ${await status()}`);
    return v;
  };
  await check("β = 0 and ρ = 0.3 runs get a different verdict than the default run", async () => {
    const none = await verdictAfter("#try-beta0", "beta0-10s");
    assert(!/Edges formed/.test(none), `β = 0: ${none}`);
    const dense = await verdictAfter("#try-rho03", "rho03-10s");
    assert(!/Edges formed/.test(dense), `ρ = 0.3: ${dense}`);
    const formed = await verdictAfter("#try-defaults", "defaults-10s");
    assert(/Edges formed/.test(formed), `defaults: ${formed}`);
  });

  const download = async (button) => {
    const [d] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
    const file = `${outDir}/${d.suggestedFilename()}`;
    await d.saveAs(file);
    return { name: d.suggestedFilename(), bytes: readFileSync(file) };
  };
  await check("exports: filters PNG, cost curves SVG, metric history CSV hold what the page shows", async () => {
    await page.click("#play"); // pause, so the page and the files show the same step
    await page.waitForTimeout(400);
    const png = await download("#export-png");
    assert(png.bytes.subarray(1, 4).toString() === "PNG", "PNG signature");
    const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
    const size = await page.evaluate(() => [document.querySelector("#filters").width, document.querySelector("#filters").height]);
    assert(w === size[0] && h === size[1], `PNG ${w}×${h} = filter canvas ${size}`);
    const svg = (await download("#export-svg")).bytes.toString();
    assert(svg.includes("<svg") && svg.includes("reconstruction") && svg.includes("<polyline"), "SVG has curves and legend");
    const csv = (await download("#export-csv")).bytes.toString().trim().split("\n");
    assert(csv[0].startsWith("step,steps_averaged,reconstruction,sparsity,weight_decay,total"), csv[0]);
    const lastStep = Number(csv[csv.length - 1].split(",")[0]);
    const shown = stepOf(await status());
    assert(csv.length > 20 && lastStep === shown, `${csv.length} rows, last step ${lastStep} vs status ${shown}`);
    console.log(`     PNG ${w}×${h}, SVG ${svg.length} bytes, CSV ${csv.length - 1} rows to step ${lastStep}`);
  });

  await check("on a phone (360 and 390 px wide) the page never scrolls sideways, with one model or two", async () => {
    const phone = await freshPage(browser, server);
    for (const hash of ["", "#models=sae,sparse-coding"]) {
      for (const width of [360, 390]) {
        await phone.setViewportSize({ width, height: 800 });
        await phone.goto(server.url + hash);
        await phone.waitForSelector("#status");
        await phone.waitForTimeout(500);
        const [scroll, client] = await phone.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert(scroll <= client, `${width} px${hash}: the page is ${scroll} px wide`);
      }
    }
    assert(phone.errors.length === 0, phone.errors.join(" | "));
    await phone.context().close();
  });

  await check("no errors, no requests to other hosts, and no network request at all once started", async () => {
    assert(page.afterLoad.length === 0, `requests once started: ${page.afterLoad.join(" ")}`);
    await page.click("#play");
    assert(page.errors.length === 0, page.errors.join(" | "));
    assert(page.foreign.length === 0, page.foreign.join(" "));
    assert(await page.locator(".fatal").count() === 0, "an error panel is showing");
  });

  await check("no Content-Security-Policy refusal during the whole run (training, sliders, exports)", async () => {
    const v = await cspViolations(page);
    assert(v.length === 0, v.join(" | "));
  });

  // A second page, for what would spoil the first one's error checks.
  await check("the CSP is in force: an injected inline script is refused", async () => {
    const p = await freshPage(browser, server);
    await watchCsp(p);
    await p.goto(server.url);
    await p.waitForSelector("#status", { timeout: 15000 });
    // (eval cannot be tried from here: Playwright's evaluate is exempt from the page's CSP)
    const ran = await p.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true";
      document.body.append(s);
      return window.__injected === true;
    });
    await p.waitForTimeout(200);
    const v = await cspViolations(p);
    assert(!ran, "the injected inline script ran");
    assert(v.some((x) => /script-src/.test(x)), `no violation reported: ${v.join(" | ")}`);
    await p.context().close();
  });

  await check("after a panic, the error panel's reload button works under the CSP", async () => {
    const p = await freshPage(browser, server);
    await watchCsp(p);
    await p.goto(server.url);
    await p.waitForSelector("#status", { timeout: 15000 });
    // a capacity-overflow panic inside wasm: the benchmark export with an impossible batch size
    const thrown = await p.evaluate(() => {
      try { new window.wasmBindings.StepBench(0xffffffff, 25); return "no panic"; } catch (e) { return String(e); }
    });
    await p.waitForSelector(".fatal button", { timeout: 5000 });
    const text = await p.textContent(".fatal");
    console.log(`     panel: "${text.slice(0, 90)}…" (JS saw: ${thrown.slice(0, 60)})`);
    await Promise.all([p.waitForEvent("load", { timeout: 10000 }), p.click(".fatal button")]);
    await p.waitForFunction(() => /step \d+/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 15000 });
    assert(await p.locator(".fatal").count() === 0, "the panel is still there after the reload");
    const v = await cspViolations(p);
    assert(v.length === 0, v.join(" | "));
    await p.context().close();
  });

  await check("with the conv followed, its whole-image panel has no seams where tile by tile has; hidden for the sae", async () => {
    assert(await page.evaluate(() => document.querySelector("#conv-panel").hidden), "shown while the sae is followed");
    const p = await freshPage(browser, server);
    await p.goto(server.url + "#models=conv&data=natural");
    // a few hundred steps (the kernels are edges by then), and a slow readout after them
    await p.waitForFunction(() => Number((document.querySelector("#status").textContent.match(/step (\d+)/) || [])[1]) > 300, null, { timeout: 30000 });
    await p.waitForTimeout(2500);
    assert(!(await p.evaluate(() => document.querySelector("#conv-panel").hidden)), "the conv panel is hidden");
    const figures = await p.textContent("#conv-figures");
    const [whole, tiles] = (await p.getAttribute("#conv-figures", "data-seams")).split(" ").map(Number);
    console.log(`     ${figures}`);
    assert(whole < 1.3 && tiles > whole, `seams: ×${whole} in one pass, ×${tiles} tile by tile`);
    assert(/all 25 kernels/.test(await p.textContent("#conv-maps-caption")), await p.textContent("#conv-maps-caption"));
    await p.locator("#conv-panel").screenshot({ path: `${outDir}/conv-panel.png` });
    assert(p.errors.length === 0, p.errors.join(" | "));
    await p.context().close();
  });

  await check("where the worker cannot start, or dies, the page says so and trains on its own thread", async () => {
    const p = await freshPage(browser, server);
    await p.route("**/worker.js", (r) => r.abort());
    await p.goto(server.url);
    await p.waitForFunction(() => document.body.dataset.training === "page", null, { timeout: 15000 });
    await p.waitForFunction(() => /step [1-9]\d*/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 15000 });
    const said = await p.textContent("#message");
    console.log(`     blocked worker: "${said}"`);
    assert(/own thread/.test(said), `message: ${said}`);
    const a = stepOf(await p.textContent("#status"));
    await p.waitForTimeout(1000);
    assert(stepOf(await p.textContent("#status")) > a, "trains on the page");
    await p.context().close();

    // a worker that stops mid-run: the page's mirror, with the latest weights, carries on
    const q = await freshPage(browser, server);
    await q.goto(server.url);
    await q.waitForFunction(() => document.body.dataset.training === "worker", null, { timeout: 15000 });
    await q.waitForFunction(() => Number((document.querySelector("#status").textContent.match(/step (\d+)/) || [])[1]) > 500, null, { timeout: 15000 });
    await q.waitForTimeout(500);
    const before = stepOf(await q.textContent("#status"));
    await q.evaluate(() => window.saeWasm.worker.dispatchEvent(new ErrorEvent("error", { message: "test: the worker died" })));
    await q.waitForFunction(() => document.body.dataset.training === "page", null, { timeout: 5000 });
    await q.waitForTimeout(1000);
    const after = stepOf(await q.textContent("#status"));
    console.log(`     worker died at step ${before}: the page trained on to step ${after}`);
    assert(after > before, `${before} → ${after}`);
    assert(q.errors.length === 0, q.errors.join(" | "));
    await q.context().close();

    // ...unless its steps were slow (here slow motion, 5 a second; large settings alike):
    // they would stall the page's frames, so it pauses with the latest model and says so
    const s = await freshPage(browser, server);
    await s.goto(`${server.url}#step_ms=200`);
    await s.waitForFunction(() => document.body.dataset.training === "worker" && Number((document.querySelector("#status").textContent.match(/step (\d+)/) || [])[1]) >= 8, null, { timeout: 15000 });
    await s.evaluate(() => window.saeWasm.worker.dispatchEvent(new ErrorEvent("error", { message: "test: the worker died" })));
    await s.waitForFunction(() => document.body.dataset.training === "page", null, { timeout: 5000 });
    const told = await s.textContent("#message");
    const at = stepOf(await s.textContent("#status"));
    await s.waitForTimeout(1000);
    console.log(`     slow worker died: "${told}"`);
    assert(/worker stopped \(test: the worker died\)\. Training is paused at step/.test(told), told);
    assert(stepOf(await s.textContent("#status")) === at && /Play/.test(await s.textContent("#play")), "paused");
    assert(s.errors.length === 0, s.errors.join(" | "));
    await s.context().close();
  });

  await check("when the .wasm cannot load, the page says so (www/boot.js) instead of staying blank", async () => {
    const p = await freshPage(browser, server);
    await watchCsp(p);
    await p.route(/\.wasm$/, (r) => r.abort());
    await p.goto(server.url);
    await p.waitForSelector("#loading.fatal", { timeout: 15000 });
    const text = await p.textContent("#loading");
    assert(/could not start/.test(text), text);
    const v = await cspViolations(p);
    assert(v.length === 0, v.join(" | "));
    console.log(`     "${text}"`);
    await p.context().close();
  });

  console.log(`     screenshot at 10 s of defaults: target/e2e/page-10s.png`);
} finally {
  await close();
}
finish();
