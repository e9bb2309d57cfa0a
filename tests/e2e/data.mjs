// Own pictures and the teaching datasets, as a student would use them (issue 6): upload a
// photo (picker and drag-and-drop) and train on it; bad files get a sentence and change
// nothing; bars give bar detectors and noise gives no edges; paint, paste and add noise in
// the whole-image panel; a model from the native trainer loads and shows the same filters.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { launch, freshPage, check, assert, finish, outDir, root, stepOf } from "./harness.mjs";

const { server, browser, close } = await launch();
const message = (page) => page.textContent("#message");
const steps = async (page) => stepOf(await page.textContent("#status"));
const waitMessage = (page, re) =>
  page.waitForFunction((src) => new RegExp(src).test(document.querySelector("#message")?.textContent ?? ""), re.source,
    { timeout: 20000 });
const trainTo = (page, n) =>
  page.waitForFunction((k) => Number((document.querySelector("#status")?.textContent.match(/step (\d+)/) || [])[1]) >= k,
    n, { timeout: 60000 });

/** A photo-like PNG drawn by the browser: soft shading, discs and lines at several angles. */
const photoPng = async (page, w, h) => {
  const url = await page.evaluate(([w, h]) => {
    const c = document.createElement("canvas");
    c.width = w; c.height = h;
    const g = c.getContext("2d");
    const grad = g.createLinearGradient(0, 0, w, h);
    grad.addColorStop(0, "#304050"); grad.addColorStop(1, "#c0b090");
    g.fillStyle = grad; g.fillRect(0, 0, w, h);
    let s = 7;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 60; i++) {
      g.fillStyle = `hsl(${rnd() * 360},40%,${20 + rnd() * 60}%)`;
      g.beginPath(); g.arc(rnd() * w, rnd() * h, 5 + rnd() * 60, 0, 7); g.fill();
      g.strokeStyle = `rgb(${rnd() * 255},${rnd() * 255},${rnd() * 255})`; g.lineWidth = 1 + rnd() * 4;
      g.beginPath(); g.moveTo(rnd() * w, rnd() * h); g.lineTo(rnd() * w, rnd() * h); g.stroke();
    }
    return c.toDataURL("image/png");
  }, [w, h]);
  return Buffer.from(url.split(",")[1], "base64");
};

try {
  const page = await freshPage(browser, server);
  await page.goto(server.url);
  await page.waitForSelector("#status");
  await trainTo(page, 50);
  const photo = await photoPng(page, 640, 480);
  writeFileSync(`${outDir}/photo.png`, photo);

  await check("upload a photo: it is offered, and training restarts on it", async () => {
    await page.setInputFiles("#upload", { name: "photo.png", mimeType: "image/png", buffer: photo });
    await waitMessage(page, /Ready to train on your 1 picture/);
    const m = await message(page);
    console.log(`     ${m}`);
    assert(m.includes("photo.png (320×240)"), "a 640×480 photo is shrunk to 320×240");
    assert((await steps(page)) > 50, "the current model trains on until the answer");
    await page.click("#confirm-restart");
    await page.waitForFunction(() => document.querySelector("#data").value === "own");
    await page.waitForTimeout(4000);
    assert((await steps(page)) > 100, `trains on the photo: ${await page.textContent("#status")}`);
    assert(/own pictures|Your own/.test(await page.textContent("#data-desc")), "the data line says so");
    await page.evaluate(() => document.querySelector("#copy-link").click());
    assert(page.url().includes("data=own"), page.url());
    await page.screenshot({ path: `${outDir}/own-photo.png`, fullPage: true });
    assert(page.errors.length === 0, page.errors.join(" | "));
  });

  await check("bad files get a sentence each; the current data and model stay", async () => {
    const before = await steps(page);
    const bad = [
      [{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") }, /not a picture/],
      [{ name: "broken.png", mimeType: "image/png", buffer: Buffer.from("\x89PNG garbage") }, /could not be decoded/],
      [{ name: "tiny.png", mimeType: "image/png", buffer: await photoPng(page, 20, 16) }, /at least 32/],
    ];
    for (const [file, re] of bad) {
      await page.setInputFiles("#upload", file);
      await waitMessage(page, re);
      const m = await message(page);
      console.log(`     ${file.name}: ${m}`);
      assert(/unchanged/.test(m), `${file.name}: says nothing changed`);
      assert((await page.inputValue("#data")) === "own", "still on the photo");
    }
    await page.waitForTimeout(500);
    const after = await steps(page);
    assert(after > before, `training went on: ${before} → ${after}, ${await page.textContent("#status")}`);
  });

  await check("two good files and a bad one dropped: offered and named; keeping the model keeps the old pictures", async () => {
    await page.evaluate(async ([b64]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
      dt.items.add(new File([bytes], "second.png", { type: "image/png" }));
      dt.items.add(new File(["not an image"], "readme.md", { type: "text/markdown" }));
      document.body.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [photo.toString("base64")]);
    await waitMessage(page, /Ready to train/);
    const m = await message(page);
    console.log(`     ${m}`);
    assert(m.includes("your 2 pictures") && m.includes("dropped.png") && /Not used: “readme.md”/.test(m), m);
    await page.click("#cancel-restart");
    assert((await page.inputValue("#data")) === "own", "kept the current run");
    const own = await page.textContent('#data option[value="own"]');
    assert(own === "your pictures (1)", `the menu still offers the photo in use, not the dropped ones: ${own}`);
  });

  await check("paint and paste: the foreign blocks light up in the error map; noise is cleaned up", async () => {
    const before = await page.evaluate(() => document.querySelector("#image").toDataURL());
    await page.click("#paste-object");
    const box = await page.locator("#image").boundingBox();
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.6, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(1500);
    assert(/light up/.test(await page.textContent("#test-score")), await page.textContent("#test-score"));
    assert(before !== (await page.evaluate(() => document.querySelector("#image").toDataURL())), "the panel changed");
    // the error map's hottest blocks are where the object went (its canvas third, brightest red)
    await page.locator("section[data-hide=image]").screenshot({ path: `${outDir}/anomaly.png` });
    await page.evaluate(() => {
      const s = document.querySelector("#test-noise");
      s.value = "0.3";
      s.dispatchEvent(new Event("input"));
    });
    await page.waitForFunction(() => /Noise σ = 0.30/.test(document.querySelector("#test-score").textContent));
    const score = await page.textContent("#test-score");
    console.log(`     ${score}`);
    const through = Number(score.match(/: (\d+) % of the noise gets through/)[1]);
    assert(through < 20, `the narrow code passes on little of the noise: ${through} %`);
    await page.click("#clear-test");
    await page.waitForFunction(() => document.querySelector("#test-score").textContent === "");
  });

  const verdictAfter = async (button, n) => {
    await page.click(button);
    if (await page.isVisible("#confirm-restart")) await page.click("#confirm-restart");
    await trainTo(page, n);
    return page.textContent("#verdict");
  };
  await check("bars give bar filters; white noise gives no edges", async () => {
    const bars = await verdictAfter("#try-bars", 3000);
    console.log(`     bars: ${bars}`);
    assert(/^Bars found: \d+ of 25 units/.test(bars), `the banner speaks of bars: ${bars}`);
    assert((await page.inputValue("#data")) === "bars", "bars chosen");
    assert(/Földiák/.test(await page.textContent("#data-desc")), "described");
    assert(await page.isDisabled("#whiten"), "whitening applies to photographs only");
    await page.locator("#filters").screenshot({ path: `${outDir}/bars-filters.png` });
    const v = await verdictAfter("#try-noise", 3000);
    console.log(`     noise: ${v}`);
    assert(/No edge/.test(v), `no edges on noise: ${v}`);
    await page.locator("#filters").screenshot({ path: `${outDir}/noise-filters.png` });
    assert(page.errors.length === 0, page.errors.join(" | "));
  });

  await check("a link naming uploaded pictures trains on the natural images and says why", async () => {
    const p = await freshPage(browser, server);
    await p.goto(`${server.url}#data=own&whiten=off`);
    await p.waitForSelector("#status");
    const m = await message(p);
    assert(/cannot carry/.test(m), m);
    assert((await p.inputValue("#data")) === "natural" && !(await p.isChecked("#whiten")), "natural, unwhitened");
    await p.context().close();
  });

  const cli = `${root}target/debug/sae-train`;
  await check("a model from the native trainer loads and shows the same filters", async () => {
    assert(existsSync(cli), `${cli} is built by cargo test`);
    const json = `${outDir}/native-model.json`;
    execFileSync(cli, ["train", "--data", "bars", "--rho", "0.1", "--steps", "3000", "--out", json,
      "--filters", `${outDir}/native-filters.png`], { stdio: "ignore" });
    const p = await freshPage(browser, server);
    await p.goto(server.url);
    await p.waitForSelector("#status");
    await p.setInputFiles("#load", json);
    await waitMessage(p, /Loaded/);
    assert(/step 3000/.test(await message(p)), await message(p));
    assert((await p.inputValue("#data")) === "bars", "its settings came along");
    await p.click("summary"); // the save button is in the settings box
    const [d] = await Promise.all([p.waitForEvent("download"), p.click("#save")]);
    await d.saveAs(`${outDir}/native-roundtrip.json`);
    const a = JSON.parse(readFileSync(json, "utf8")), b = JSON.parse(readFileSync(`${outDir}/native-roundtrip.json`, "utf8"));
    assert(JSON.stringify(a.w1) === JSON.stringify(b.w1), "the page holds exactly the trainer's W1");
    await p.locator("#filters").screenshot({ path: `${outDir}/native-in-page.png` });
    await p.context().close();
  });
  // the sparse autoencoder's table (raw pixels, PCA, codes), and a stack's in phase 2 (its
  // layer-2 codes, then the stack fine-tuned with the classifier on top)
  const tables = [
    ["the classifier table", "", (rows) => rows.length === 3 && /codes$/.test(rows[2][0])],
    ["a stack's table with its fine-tune", "&models=stacked&stacked.phase=2",
      (rows) => rows.length === 4 && /before fine-tune/.test(rows[2][0]) && /fine-tuned with the classifier$/.test(rows[3][0])],
  ];
  for (const [what, extra, shape] of tables) await check(`digits: ${what} in the page equals the native trainer's for the same model`, async () => {
    const p = await freshPage(browser, server);
    await p.goto(`${server.url}#data=digits&whiten=off&stop=800&seed=3${extra}`);
    await p.waitForFunction(() => /^step 800 .*paused/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 60000 });
    assert(await p.isVisible("#classify-panel"), "the panel shows with the digits");
    await p.click("#classify");
    await p.waitForFunction(() => /^Done/.test(document.querySelector("#classify-progress")?.textContent ?? ""), null, { timeout: 120000 });
    const rows = await p.$$eval("#classify-rows tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    console.log(`     ${rows.map((r) => r.join(" · ")).join(" | ")}`);
    console.log(`     ${await p.textContent("#classify-progress")}`);
    assert(rows[0][0] === "raw pixels" && shape(rows), JSON.stringify(rows));
    await p.click("summary");
    const [d] = await Promise.all([p.waitForEvent("download"), p.click("#save")]);
    const saved = `${outDir}/digits-model${extra ? "-stacked" : ""}.json`;
    await d.saveAs(saved);
    const native = JSON.parse(execFileSync(cli, ["eval", saved, "--patches", "200", "--classify", "--json"]).toString()).classify;
    assert(native.length === rows.length, `page ${rows.length} rows, native ${native.length}`);
    for (const [i, r] of native.entries()) {
      const page = Number(rows[i][2].replace(" %", "")) / 100;
      assert(rows[i][0] === r.input && Math.abs(page - r.test) < 0.0015, `${r.input}: page ${rows[i][2]}, native ${r.test}`);
    }
    await p.screenshot({ path: `${outDir}/digits-classify${extra ? "-stacked" : ""}.png`, fullPage: true });
    assert(p.errors.length === 0, p.errors.join(" | "));
    await p.context().close();
  });
  await check("a two-latent VAE on the digits shows its latent plane and where the digits land", async () => {
    let p = await freshPage(browser, server);
    await p.goto(`${server.url}#data=digits&whiten=off&models=vae&hidden=2`);
    await p.waitForFunction(() => !document.querySelector("#latent-panel").hidden, null, { timeout: 20000 });
    await p.waitForTimeout(2500); // the panel redraws once a second
    const colours = (sel) => p.evaluate((sel) => {
      const c = document.querySelector(sel);
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 7) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return seen.size;
    }, sel);
    const [grid, scatter] = [await colours("#latent-grid"), await colours("#latent-scatter")];
    console.log(`     latent grid ${grid} colours, scatter ${scatter} colours`);
    assert(grid > 20 && scatter > 10, `both drawn: ${grid}, ${scatter}`);
    assert(/797 test digits/.test(await p.textContent("#latent-caption")), await p.textContent("#latent-caption"));
    await p.locator("#latent-panel").screenshot({ path: `${outDir}/latent-plane.png` });
    assert(!(await p.isVisible("#latent-traverse")), "no traversal beside the plane");
    assert(p.errors.length === 0, p.errors.join(" | "));
    await p.context().close();
    // each case in a fresh profile: a reload would bring back the autosaved model
    p = await freshPage(browser, server);
    await p.goto(`${server.url}#data=digits&whiten=off&models=vae&hidden=12`);
    await p.waitForFunction(() => /latent \(Var μ\)/.test(document.querySelector("#latent-caption")?.textContent ?? ""), null, { timeout: 20000 });
    const traverse = await colours("#latent-traverse");
    const caption = await p.textContent("#latent-caption");
    console.log(`     12 latents: traversal ${traverse} colours; ${caption.match(/\d+ of these are active/)}`);
    assert(traverse > 20 && !(await p.isVisible("#latent-scatter")), `traversal drawn, scatter hidden: ${traverse}`);
    assert(/the 9 whose posterior mean/.test(caption), caption);
    await p.locator("#latent-panel").screenshot({ path: `${outDir}/latent-traversal.png` });
    assert(p.errors.length === 0, p.errors.join(" | "));
    await p.context().close();
    p = await freshPage(browser, server);
    await p.goto(`${server.url}#data=digits&whiten=off`);
    await p.waitForFunction(() => /step [1-9]/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 20000 });
    await p.waitForTimeout(1500);
    assert(!(await p.isVisible("#latent-panel")), "hidden unless a VAE is followed");
    assert(p.errors.length === 0, p.errors.join(" | "));
    await p.context().close();
  });
  await check("without a camera, the camera buttons say so in one sentence and nothing changes", async () => {
    const p = await freshPage(browser, server);
    await p.goto(server.url);
    await p.waitForFunction(() => /step [1-9]/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 15000 });
    for (const button of ["#camera-snap", "#camera-live"]) {
      await p.click(button);
      await waitMessage(p, /Could not use the camera/);
      const m = await message(p);
      console.log(`     ${button}: ${m}`);
      assert(/unchanged/.test(m) && /no camera|not allowed/.test(m), m);
      assert((await p.inputValue("#data")) === "photos", "the data stays (the default, photographs)");
    }
    await p.context().close();
  });
} finally {
  await close();
}

// the webcam, with Chromium's fake camera (a moving test pattern) and its prompt auto-accepted
const cam = await launch(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]);
try {
  await check("the camera: a snapshot joins your pictures; as the data stream, new frames keep coming", async () => {
    const p = await freshPage(cam.browser, cam.server);
    await p.goto(cam.server.url);
    await p.waitForFunction(() => /step [1-9]/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 15000 });
    await p.click("#camera-snap");
    await waitMessage(p, /Ready to train on your 1 picture: a camera snapshot/);
    await p.click("#cancel-restart");
    assert((await p.inputValue("#data")) === "photos", "keeping the model keeps the data");
    await p.click("#camera-live");
    await waitMessage(p, /Ready to train on the camera/);
    await p.click("#confirm-restart");
    assert((await p.inputValue("#data")) === "own", "the camera's frames are your pictures");
    assert((await p.textContent("#camera-live")) === "Stop the camera", await p.textContent("#camera-live"));
    await p.waitForFunction(() => /your pictures \(4\)/.test(document.querySelector('#data option[value="own"]').textContent), null, { timeout: 8000 });
    const s1 = stepOf(await p.textContent("#status"));
    await p.waitForTimeout(1500);
    const s2 = stepOf(await p.textContent("#status"));
    console.log(`     camera: 4 frames kept, steps ${s1} → ${s2} while frames replace each other`);
    assert(s2 > s1, "training goes on while the frames change");
    await p.click("#camera-live");
    await waitMessage(p, /camera is off/);
    assert(p.errors.length === 0, p.errors.join(" | "));
    await p.context().close();
  });
} finally {
  await cam.close();
}

// a camera the browser does not allow (no fake prompt that accepts)
const denied = await launch(["--use-fake-device-for-media-stream"]);
try {
  await check("a camera the browser refuses: one sentence, and nothing changes", async () => {
    const p = await freshPage(denied.browser, denied.server);
    await p.goto(denied.server.url);
    await p.waitForSelector("#status");
    await p.click("#camera-live");
    await waitMessage(p, /Could not use the camera/);
    const m = await message(p);
    console.log(`     ${m}`);
    assert(/not allowed/.test(m) && /unchanged/.test(m), m);
    assert((await p.textContent("#camera-live")) === "Train on the camera", "the camera is not on");
    await p.context().close();
  });
} finally {
  await denied.close();
}
finish();
