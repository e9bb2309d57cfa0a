// The lab as one file (scripts/one-file.mjs → dist/sae-lab.html), as a teacher uses it: opened
// from file:// with no server and no network, it trains in its worker and draws, under a
// Content-Security-Policy that allows its inlined script and style by hash only; a link's
// settings work there too; the served page offers it for download.
// Prints one "N passed, N failed" line.
import { readFileSync } from "node:fs";
import { launch, freshPage, check, assert, finish, outDir, root, stepOf } from "./harness.mjs";

const dist = process.env.SAE_DIST ?? root + "dist";
const file = `file://${dist}/sae-lab.html`;
const { server, browser, close } = await launch();

/** A page on the one file in an offline profile, recording refusals and every request. */
async function openFile(hash = "") {
  const page = await freshPage(browser, server);
  await page.context().setOffline(true);
  page.requests = [];
  page.on("request", (r) => page.requests.push(r.url()));
  await page.addInitScript(() => {
    window.__refused = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__refused.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  await page.goto(file + hash);
  return page;
}

try {
  await check("dist/sae-lab.html is one file: nothing to load, and a strict CSP with hashes", async () => {
    const html = readFileSync(`${dist}/sae-lab.html`, "utf8");
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? "";
    const d = Object.fromEntries(csp.split(";").map((x) => x.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(" ")]));
    const hash = "'sha256-[A-Za-z0-9+/=]{44}'";
    assert(d["default-src"] === "'none'" && d["worker-src"] === "blob:" && d["base-uri"] === "'none'", csp);
    assert(new RegExp(`^${hash} 'wasm-unsafe-eval'$`).test(d["script-src"]), `script-src: ${d["script-src"]}`);
    assert(new RegExp(`^${hash}$`).test(d["style-src"]), `style-src: ${d["style-src"]}`);
    assert(!csp.includes("'self'") && !d["connect-src"], `nothing else allowed: ${csp}`);
    const loads = [...html.matchAll(/<(?:script|link)\b[^>]*\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== "data:,");
    assert(loads.length === 0, `loads ${loads.join(", ")}`);
    console.log(`     ${(html.length / 1e6).toFixed(2)} MB; CSP ${csp.length} characters`);
  });

  await check("opened from file:// offline, it trains in its worker, forms edges and draws, with nothing refused", async () => {
    const page = await openFile();
    await page.waitForFunction(() => document.body.dataset.training === "worker", null, { timeout: 20000 });
    await page.waitForFunction(() => /Edges formed/.test(document.querySelector("#verdict")?.textContent ?? ""), null, { timeout: 30000 });
    const status = await page.textContent("#status");
    console.log(`     ${status}`);
    assert(stepOf(status) > 500, status);
    const drawn = await page.evaluate(() => {
      const c = document.querySelector("#filters");
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      return new Set(Array.from({ length: 400 }, (_, i) => d[Math.floor((i * d.length) / 1600) * 4])).size;
    });
    assert(drawn > 10, `the filter grid is drawn (${drawn} grey levels sampled)`);
    await page.screenshot({ path: `${outDir}/one-file.png` });
    const foreign = page.requests.filter((u) => !/^(file|data|blob):/.test(u));
    assert(foreign.length === 0, `requests: ${foreign.join(", ")}`);
    const refused = await page.evaluate(() => window.__refused);
    assert(refused.length === 0, `refused: ${refused.join(" | ")}`);
    assert(page.errors.length === 0, page.errors.join(" | "));
    assert(/whole lab in one file/.test(await page.textContent("#one-file")), "it says it is the one-file lab");
    await page.context().close();
  });

  await check("a link's settings work from the file too", async () => {
    const page = await openFile("#rho=0.05&hidden=36");
    await page.waitForFunction(() => document.querySelector("#rho-out")?.textContent === "0.05", null, { timeout: 20000 });
    await page.waitForFunction(() => / \d{2,}/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 20000 });
    assert(/\/36\b/.test(await page.textContent("#status")), `36 units: ${await page.textContent("#status")}`);
    assert(page.errors.length === 0, page.errors.join(" | "));
    await page.context().close();
  });

  await check("the served page offers the one file for download", async () => {
    const page = await freshPage(browser, server);
    await page.goto(server.url);
    const link = page.locator(".one-file a[download]");
    assert((await link.getAttribute("href")) === "sae-lab.html", "the link names sae-lab.html");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const size = readFileSync(await download.path()).length;
    assert(size === readFileSync(`${dist}/sae-lab.html`).length, `downloaded ${size} bytes`);
    await page.context().close();
  });
} finally {
  await close();
}
finish();
