// The cost chart in the release page (issues 11 and 13): at defaults its fitted view shows
// the plateau and the drop (the cost axis spans a few tenths, not decades); the "full range"
// checkbox, worked from the keyboard, switches to one log axis and back; the SVG export is
// the chart on screen; with two models both lanes are drawn, each in its colour, and the
// CSV names each model's own penalty terms. Prints one "N passed, N failed" line.
import { readFileSync } from "node:fs";
import { launch, freshPage, check, assert, finish, outDir, stepOf } from "./harness.mjs";

/** Lane colours of the chart (src/web/view/loss_parts.rs). */
const CYAN = [90, 200, 250];
const PINK = [255, 120, 170];

/** How many pixels of the cost canvas are within a small distance of each colour. */
const countColours = (page, colours) => page.evaluate((colours) => {
  const c = document.querySelector("#loss");
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  return colours.map(([r, g, b]) => {
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 60) n++;
    }
    return n;
  });
}, colours);

const snapshot = (page) => page.evaluate(() => {
  const c = document.querySelector("#loss");
  return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0));
});
const changedPixels = (a, b) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

const download = async (page, button) => {
  const [d] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  const file = `${outDir}/chart-${d.suggestedFilename()}`;
  await d.saveAs(file);
  return readFileSync(file, "utf8");
};

const { server, browser, close } = await launch();
try {
  const page = await freshPage(browser, server);
  await page.goto(server.url);
  const status = () => page.textContent("#status");
  await page.waitForFunction(() => /step [1-9]\d{3,}/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 20000 });
  await page.waitForTimeout(3000);

  await check("fitted view by default: a linear cost axis of a few tenths, one lane in its colour", async () => {
    await page.click("#play"); // pause: the chart, the SVG and the CSV show the same step
    await page.waitForTimeout(400);
    await page.locator("#loss").screenshot({ path: `${outDir}/chart-fitted.png` });
    const svg = await download(page, "#export-svg");
    const size = await page.evaluate(() => [document.querySelector("#loss").width, document.querySelector("#loss").height]);
    assert(svg.includes(`width="${size[0]}"`) && svg.includes(`height="${size[1]}"`), `SVG is the canvas size ${size}`);
    assert(svg.includes("step (log scale)") && svg.includes("Sparse autoencoder") && svg.includes("sparsity"), "SVG: the fitted view's axes and legend");
    assert(!svg.includes("cost (log scale)"), "the fitted view has no log cost axis");
    // the cost axis' labels: a few tenths apart, not powers of ten
    const labels = [...svg.matchAll(/>\s*(0\.\d\d+)\s*</g)].map((m) => Number(m[1]));
    const span = Math.max(...labels) - Math.min(...labels);
    assert(labels.length >= 3 && span < 0.5, `cost labels ${labels.join(", ")}`);
    const [cyan, pink] = await countColours(page, [CYAN, PINK]);
    assert(cyan > 500 && pink < 50, `lane colours on the canvas: cyan ${cyan}, pink ${pink}`);
    console.log(`     ${await status()} · cost labels ${labels.join(" ")} · ${cyan} cyan pixels`);
  });

  await check("the full-range checkbox works from the keyboard and switches to one log axis", async () => {
    const before = await snapshot(page);
    await page.locator("#loss-full").focus();
    await page.keyboard.press("Space");
    await page.waitForTimeout(400); // the chart redraws on the next frame, paused or not
    assert(await page.isChecked("#loss-full"), "checked by Space");
    assert(/paused/.test(await status()), "Space on the checkbox does not start training");
    const after = await snapshot(page);
    assert(changedPixels(before, after) > 5000, `the chart was redrawn (${changedPixels(before, after)} pixels changed)`);
    await page.locator("#loss").screenshot({ path: `${outDir}/chart-full.png` });
    const svg = await download(page, "#export-svg");
    assert(svg.includes("cost (log scale)") && !svg.includes("step (log scale)"), "SVG shows the full log view");
    await page.locator("#loss-full").focus(); // the download button took the focus
    await page.keyboard.press("Space");
    await page.waitForTimeout(400);
    assert(!(await page.isChecked("#loss-full")), "unchecked again");
    assert(changedPixels(before, await snapshot(page)) < 200, "back to the same fitted view");
  });

  await check("two models: both lanes drawn in their colours, each on its own axis, CSV with each model's terms", async () => {
    const two = await freshPage(browser, server);
    await two.goto(`${server.url}#models=sae,sparse-coding`);
    await two.waitForFunction(() => /step [1-9]\d{2,}/.test(document.querySelector("#status")?.textContent ?? ""), null, { timeout: 20000 });
    await two.waitForTimeout(4000);
    await two.click("#play");
    await two.waitForTimeout(400);
    await two.locator("#loss").screenshot({ path: `${outDir}/chart-two-lanes.png` });
    const [cyan, pink] = await countColours(two, [CYAN, PINK]);
    assert(cyan > 500 && pink > 500, `cyan ${cyan}, pink ${pink} pixels`);
    const svg = await download(two, "#export-svg");
    assert(svg.includes("Sparse autoencoder") && svg.includes("Sparse coding"), "both names in the legend");
    const csv = (await download(two, "#export-csv")).trim().split("\n");
    assert(csv[0].startsWith("step,steps_averaged,reconstruction,sparsity,weight_decay,total,held_out_total,sparse-coding.reconstruction,sparse-coding.l1,"), csv[0]);
    const last = csv[csv.length - 1].split(",");
    assert(Number(last[0]) === stepOf(await two.textContent("#status")), `last row at step ${last[0]}`);
    assert(last.length === csv[0].split(",").length && last[9] !== "", "the second lane's cells are filled");
    console.log(`     ${await two.textContent("#status")} · cyan ${cyan}, pink ${pink} · CSV ${csv.length - 1} rows`);
  });

  await check("no errors", async () => {
    assert(page.errors.length === 0, page.errors.join("\n"));
  });
} finally {
  await close();
}
finish();
