// Links, save/restore and bad input, as a teacher and a student would use them (issue 5):
// set controls by their labels, open the link in a fresh profile and get the same settings
// and, with the same seed and step count, the same filters; save a model and load it
// elsewhere; feed bad links and bad files and see messages, not breakage.
import { readFileSync, writeFileSync } from "node:fs";
import { launch, freshPage, check, assert, finish, outDir, stepOf } from "./harness.mjs";

const { server, browser, close } = await launch();
const STOP = 300;
const filters = (page) => page.evaluate(() => document.querySelector("#filters").toDataURL());
const stoppedAt = async (page, steps) => {
  try {
    await page.waitForFunction((n) => {
      const s = document.querySelector("#status")?.textContent ?? "";
      return s.includes("paused") && s.startsWith(`step ${n} `);
    }, steps, { timeout: 60000 }); // generous: a loaded CI machine trains slowly
  } catch (e) {
    const [status, msg] = await page.evaluate(() => [document.querySelector("#status")?.textContent, document.querySelector("#message")?.textContent]);
    throw new Error(`not stopped at step ${steps}: status "${status}", message "${msg}"`);
  }
};
const message = (page) => page.textContent("#message");
const commit = async (page, label, value) => {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.press("Tab"); // commits: fires "change"
};

try {
  const a = await freshPage(browser, server);
  await a.goto(server.url);
  await a.waitForSelector("#status");
  let link = "";
  let filtersA = "";

  await check("controls set by their labels; a shape change asks first, then restarts", async () => {
    await a.click("#play"); // pause the auto-started run
    await a.click("summary");
    await commit(a, "hidden units", 36);
    assert(/restarts from new random/.test(await message(a)), `asked: ${await message(a)}`);
    assert((await a.evaluate(() => document.querySelector("#filters").width)) > 0, "page alive");
    await a.click("#confirm-restart");
    await commit(a, "random seed", 42);
    await a.click("#confirm-restart");
    await commit(a, "learning rate", 0.02);
    await commit(a, "stop after (steps, 0 = never)", STOP);
    await a.getByLabel("ρ", { exact: true }).focus();
    for (let i = 0; i < 25; i++) await a.keyboard.press("ArrowRight");
    await a.selectOption("#optimizer", "adam");
    await a.click("#copy-link"); // writes the hash now (it otherwise lags by up to 250 ms)
    link = a.url();
    assert((await message(a)).includes(link), `the copied link is shown: ${await message(a)}`);
    for (const kv of ["hidden=36", "seed=42", "lr=0.02", `stop=${STOP}`]) assert(link.includes(kv), `${kv} in ${link}`);
    const historyLength = await a.evaluate(() => history.length);
    assert(historyLength <= 2, `the hash is replaced, not pushed (history.length ${historyLength})`);
  });

  await check(`with the same seed, ${STOP} steps give the same filters in a fresh profile`, async () => {
    await a.keyboard.press("r"); // restart from step 0 with every setting in force
    await a.click("#play");
    await stoppedAt(a, STOP);
    filtersA = await filters(a);
    const b = await freshPage(browser, server);
    await b.goto(link);
    await stoppedAt(b, STOP);
    await b.click("summary");
    const val = (label) => b.getByLabel(label, { exact: true }).inputValue();
    assert((await val("hidden units")) === "36" && (await val("random seed")) === "42", "shape from the link");
    assert((await val("learning rate")) === "0.02", `lr ${await val("learning rate")}`);
    assert((await b.textContent("#rho-out")) === (await a.textContent("#rho-out")), "same ρ");
    assert((await filters(b)) === filtersA, "same filters, pixel for pixel");
    await b.context().close();
  });

  await check("two models side by side: chosen in the menus, both lanes reproduce from the link", async () => {
    const both = (page) => page.evaluate(() => [
      document.querySelector("#filters").toDataURL(),
      document.querySelector("#filters-2").toDataURL(),
    ]);
    const c = await freshPage(browser, server);
    await c.goto(`${server.url}#stop=${STOP}&seed=5`);
    await c.selectOption("#model", "sae");
    await c.selectOption("#compare", "sparse-coding");
    assert(/restarts from new random/.test(await message(c)), `asked: ${await message(c)}`);
    await c.click("#confirm-restart");
    // on a slow machine the first run may have reached "stop after" (and paused) before the
    // menus were used; the restarted run keeps that pause
    if (/paused/.test(await c.textContent("#status"))) await c.click("#play");
    await stoppedAt(c, STOP);
    await c.click("summary");
    await c.click("#copy-link");
    const pairLink = c.url();
    assert(pairLink.includes("models=sae,sparse-coding") && pairLink.includes("sparse-coding.lambda=2"), pairLink);
    assert(await c.isVisible("#filters-2"), "the second lane's filters are shown");
    assert(!(await c.isVisible("#knob-topk-k")), "knobs of models not in use are hidden");
    assert(await c.isVisible("#knob-sparse-coding-lambda"), "the second model's knobs are in the form");
    const verdict = await c.textContent("#lane2-verdict");
    console.log(`     sparse coding after ${STOP} steps: ${verdict}`);
    assert(/Edges (formed|emerging)/.test(verdict), `sparse coding forms edges fast: ${verdict}`);
    const pixels = await both(c);
    await c.waitForFunction(() => /Atoms in use after each of 10 iterations/.test(document.querySelector("#inference-l0")?.textContent ?? ""))
      .catch(async () => { throw new Error(`no inference line: "${await c.textContent("#inference-l0")}"`); });
    console.log(`     ${await c.textContent("#inference-l0")}`);
    assert(await c.isVisible("#inference"), "sparse coding's inference strip is shown");
    assert(/Mean activation/.test(await c.textContent("#rho-bars-title")), "readouts start on the autoencoder");
    await c.selectOption("#readout-lane", "1");
    await c.waitForFunction(() => /How often each unit is active/.test(document.querySelector("#rho-bars-title")?.textContent ?? ""))
      .catch(async () => { throw new Error(`readouts did not follow: "${await c.textContent("#rho-bars-title")}"`); });
    const d = await freshPage(browser, server);
    await d.goto(pairLink);
    await stoppedAt(d, STOP);
    const again = await both(d);
    assert(again[0] === pixels[0] && again[1] === pixels[1], "both lanes pixel for pixel at the same step");
    assert(c.errors.length === 0 && d.errors.length === 0, [...c.errors, ...d.errors].join(" | "));
    await c.context().close();
    await d.context().close();
  });

  await check("the same model twice: the preset 'TopK with and without AuxK' gives each lane its own knobs", async () => {
    const c = await freshPage(browser, server);
    await c.goto(`${server.url}#stop=600&seed=3`);
    await c.waitForSelector("#status");
    await c.click("summary");
    await c.selectOption("#preset", "topk-auxk");
    if (await c.isVisible("#confirm-restart")) await c.click("#confirm-restart");
    await stoppedAt(c, 600);
    const names = [await c.textContent("#lane1-name"), await c.textContent("#lane2-name")];
    assert(names[0].endsWith("AuxK on") && names[1].endsWith("AuxK off"), `lane names: ${names}`);
    assert(await c.isVisible("#knob2-topk-auxk"), "the second lane's knobs are in the form");
    assert((await c.inputValue("#knob2-topk-auxk")) === "0" && (await c.inputValue("#knob-topk-auxk")) === "1", "AuxK per lane");
    const dead = async (i) => +((await c.textContent(`#lane${i}-diag`)).match(/dead units (\d+)/) ?? [0, NaN])[1];
    const [on, off] = [await dead(1), await dead(2)];
    console.log(`     dead units after 600 steps: with AuxK ${on}, without ${off}`);
    assert(off >= 30 && on <= 3, `units die without AuxK only: ${on} vs ${off}`);
    const link = c.url();
    assert(link.includes("models=topk,topk") && link.includes("beside.auxk=0"), link);
    // switching the second lane's AuxK on live: the link follows and nothing restarts
    await commit(c, "beside it, TopK autoencoder: AuxK", 1);
    await c.waitForFunction(() => location.hash.includes("beside.auxk=1"));
    assert(/step 600 /.test(await c.textContent("#status")), "a live change keeps the model");
    assert(c.errors.length === 0, c.errors.join(" | "));
    await c.context().close();
  });

  let saved = "";
  const readSaved = () => readFileSync(saved, "utf8");
  await check("save the model, load it in a fresh profile, continue training", async () => {
    const [d] = await Promise.all([a.waitForEvent("download"), a.click("#save")]);
    saved = `${outDir}/model.json`;
    await d.saveAs(saved);
    const c = await freshPage(browser, server);
    await c.goto(server.url);
    await c.click("#play");
    await c.setInputFiles("#load", saved);
    await c.waitForFunction(() => /Loaded/.test(document.querySelector("#message")?.textContent ?? ""));
    assert(/step 300/.test(await message(c)), await message(c));
    await c.waitForTimeout(400);
    assert((await filters(c)) === filtersA, "the loaded filters are the saved ones");
    assert(c.url().includes("hidden=36"), "the settings came with the model");
    await c.evaluate(() => document.activeElement?.blur()); // keys go to the page, not the file field
    await c.keyboard.press("ArrowRight");
    await c.waitForTimeout(300);
    assert(stepOf(await c.textContent("#status")) === STOP + 1, "→ takes one more step");

    // bad files: each gets a message and changes nothing
    const bad = {
      "not-json.json": "this is not json",
      "wrong-shape.json": (() => {
        const o = JSON.parse(readSaved());
        return JSON.stringify({ ...o, blocks: { ...o.blocks, w1: [1, 2, 3] } });
      })(),
      "unknown-model.json": JSON.stringify({ ...JSON.parse(readSaved()), model: "hopfield" }),
      "nan.json": readSaved().replace(/("w2":\s*\[)\s*[-0-9.e]+/, "$1 1e999"),
      "huge.json": "x".repeat(17 * 1024 * 1024),
      "other.json": JSON.stringify({ hello: "world" }),
    };
    for (const [name, text] of Object.entries(bad)) {
      writeFileSync(`${outDir}/${name}`, text);
      await c.setInputFiles("#load", `${outDir}/${name}`);
      await c.waitForFunction(() => /Could not load|largest model/.test(document.querySelector("#message")?.textContent ?? ""));
      const m = await message(c);
      console.log(`     ${name}: ${m}`);
      assert(/unchanged/.test(m), `${name}: says nothing changed`);
      assert(stepOf(await c.textContent("#status")) === STOP + 1, `${name}: model untouched`);
      await c.evaluate(() => { document.querySelector("#message").textContent = ""; });
    }
    assert(c.errors.length === 0, c.errors.join(" | "));
    await c.context().close();
  });

  await check("every way to discard a trained model asks first: each preset, each Try this, the data, a pasted link", async () => {
    const g = await freshPage(browser, server);
    await g.goto(`${server.url}#seed=4`);
    await g.waitForFunction(() => / \d{3,}/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 30000 });
    await g.click("summary");
    const hash = () => g.evaluate(() => location.hash);
    // asks with its two buttons; "keep" keeps the model (steps go on counting) and the settings
    const asksThenKeeps = async (what, act, question = /is discarded/) => {
      const [before, link] = [stepOf(await g.textContent("#status")), await hash()];
      await act();
      await g.waitForSelector("#confirm-restart", { timeout: 3000 }).catch(() => {});
      const m = await message(g);
      assert(question.test(m) && (await g.isVisible("#cancel-restart")), `${what}: no question, message "${m}"`);
      await g.click("#cancel-restart");
      await g.waitForTimeout(300);
      const after = stepOf(await g.textContent("#status"));
      assert(after >= before && !(await g.isVisible("#confirm-restart")), `${what}: step ${before} → ${after}`);
      assert((await hash()) === link, `${what}: the link changed to ${await hash()}`);
    };
    const presets = await g.$$eval("#preset option", (os) => os.map((o) => o.value).filter((v) => v !== "custom"));
    for (const id of presets) await asksThenKeeps(`preset ${id}`, () => g.selectOption("#preset", id));
    const tries = await g.$$eval("button[id^=try-]", (bs) => bs.map((b) => b.id));
    for (const id of tries) await asksThenKeeps(`Try this ${id}`, () => g.click(`#${id}`));
    await asksThenKeeps("data: bars", () => g.selectOption("#data", "bars"), /restarts from new random/);
    await asksThenKeeps("a pasted link", () => g.evaluate(() => { location.hash = "#seed=4&hidden=36"; }));
    console.log(`     asked for ${presets.length} presets, ${tries.length} Try-this buttons, the data and a link`);
    // a pasted link that changes only live settings applies at once, without a question
    const cur = await hash();
    const live = /rho=/.test(cur) ? cur.replace(/rho=[^&]*/, "rho=0.05") : `${cur}&rho=0.05`;
    const before = stepOf(await g.textContent("#status"));
    await g.evaluate((h) => { location.hash = h; }, live);
    await g.waitForFunction(() => document.querySelector("#rho-out")?.textContent === "0.05", null, { timeout: 3000 });
    assert(!(await g.isVisible("#confirm-restart")) && stepOf(await g.textContent("#status")) >= before, "live: no restart");
    // and "Restart now" on a pasted link trains its experiment
    await g.evaluate(() => { location.hash = "#seed=4&hidden=36"; });
    await g.click("#confirm-restart");
    await g.waitForFunction(() => document.querySelectorAll("#filters").length && location.hash.includes("hidden=36"), null, { timeout: 5000 });
    assert(stepOf(await g.textContent("#status")) < before, `a new run: ${await g.textContent("#status")}`);
    assert(g.errors.length === 0, g.errors.join(" | "));
    await g.context().close();
  });

  await check("a bad link is clamped or ignored with a notice, and the page still trains", async () => {
    const d = await freshPage(browser, server);
    await d.goto(`${server.url}#rho=5&lr=abc&foo=1&hidden=9999&hide=nonsense`);
    await d.waitForSelector("#status");
    const m = await message(d);
    console.log(`     notice: ${m}`);
    for (const word of ["rho", "lr", "foo", "hidden"]) assert(m.includes(word), `notice names ${word}`);
    assert((await d.textContent("#rho-out")) === "0.5", "ρ clamped to 0.5");
    await d.waitForTimeout(1500);
    assert(stepOf(await d.textContent("#status")) > 0, "trains");
    assert(d.errors.length === 0, d.errors.join(" | "));
    await d.context().close();
  });

  await check("classroom link: hidden controls and panels, presentation layout", async () => {
    const e = await freshPage(browser, server);
    await e.goto(`${server.url}#hide=lr,pca,explain&layout=present`);
    await e.waitForSelector("#status");
    assert(!(await e.isVisible("section[data-hide=pca]")), "PCA panel hidden");
    assert(!(await e.isVisible("section[data-hide=explain]")), "explanations hidden");
    assert(await e.isVisible("#filters"), "filters shown");
    assert(await e.evaluate(() => document.body.classList.contains("present")), "large-text layout");
    await e.screenshot({ path: `${outDir}/classroom.png` });
    await e.context().close();
  });

  await check("after a reload, the kept model is offered back", async () => {
    await a.reload(); // the tab closing (pagehide) keeps the model; the link is the page's own
    await a.waitForTimeout(6000); // longer than the autosave interval: the offer must survive it
    await a.waitForSelector("#continue-last", { timeout: 5000 });
    await a.waitForSelector("#continue-last", { timeout: 5000 });
    await a.click("#continue-last");
    await a.waitForFunction(() => /Loaded/.test(document.querySelector("#message")?.textContent ?? ""));
    assert(stepOf(await a.textContent("#status")) === STOP, `the kept model, not the new run: ${await a.textContent("#status")}`);
    assert(a.errors.length === 0, a.errors.join(" | "));
  });
} finally {
  await close();
}
finish();
