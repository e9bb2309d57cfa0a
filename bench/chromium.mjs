// Headless Debian Chromium through playwright-core (from .tools/, installed by setup.sh),
// with the flags that keep it off the network; shared by the step and page benchmarks.
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";

const require = createRequire(import.meta.url);
const { chromium } = require("../.tools/node_modules/playwright-core");

export function launch() {
  return chromium.launch({
    executablePath: execFileSync("sh", ["-c", "command -v chromium"]).toString().trim(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh page that fails loudly on page errors; `onError` collects them. */
export async function freshPage(browser, onError) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => onError(String(e)));
  page.on("console", (m) => { if (m.type() === "error") onError(m.text()); });
  return page;
}
