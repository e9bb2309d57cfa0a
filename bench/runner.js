// In-page half of the step benchmark: every engine is timed by the same protocol as
// examples/bench.rs (calibrate, then 5 repeats of ~0.5 s), so native, wasm and TF.js rows are
// comparable. The warm-up is 0.5 s instead of native's 0.2 s: V8 compiles hot wasm and JS
// with its optimising tier only after a while. bench.mjs calls window.bench.run once per row.
import init, { StepBench, FamilyBench, family_keys } from "./pkg/sae_lab.js";
import { tfjsStep } from "./tfjs-step.js";

const REPEATS = 5;

/** `run(steps)` performs that many steps synchronously and returns steps/s. */
function measure(run) {
  for (const t = performance.now(); performance.now() - t < 300; ) run(1);
  const t = performance.now();
  let calib = 0;
  for (; performance.now() - t < 200; calib++) run(1);
  const perRepeat = Math.max(1, Math.floor((calib / ((performance.now() - t) / 1000)) * 0.5));
  const rates = Array.from({ length: REPEATS }, () => run(perRepeat));
  return { rates, perRepeat };
}

// bench.html?module=relaxed: the page's relaxed-SIMD build (scripts/relaxed-wasm.sh)
const relaxed = new URLSearchParams(location.search).get("module") === "relaxed";
const ready = init({ module_or_path: relaxed ? "pkg/sae_lab_relaxed_bg.wasm" : "pkg/sae_lab_bg.wasm" });

async function sae(batch, hidden) {
  await ready;
  const b = new StepBench(batch, hidden);
  try { return measure((steps) => b.run(steps)); } finally { b.free(); }
}

// Models of the family through the page's Trainer at defaults: `keys` is one model key or
// two joined by a comma (a compare run, whose rate is each lane's).
async function family(keys) {
  await ready;
  const b = new FamilyBench(keys);
  try { return measure((steps) => b.run(steps)); } finally { b.free(); }
}

// The same step in TF.js on `backend` ("cpu" or "wasm"), on sae-lab's own patch batch.
async function tfjs(backend, batch, hidden) {
  await ready;
  const b = new StepBench(batch, hidden);
  const patches = b.patches();
  b.free();
  if (backend === "wasm") tf.wasm.setWasmPaths(new URL("tfjs/", location.href).href); // local files
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} did not start`);
  await tf.ready();
  const flag = (f) => (backend === "wasm" ? tf.env().getAsync(f) : null);
  const [simd, threads] = [await flag("WASM_HAS_SIMD_SUPPORT"), await flag("WASM_HAS_MULTITHREAD_SUPPORT")];
  const step = tfjsStep(tf, patches, batch, hidden);
  try {
    const run = (steps) => {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) step.run();
      step.sync();
      return (steps * 1000) / (performance.now() - t0);
    };
    return { ...measure(run), simd, threads, cost: step.cost() };
  } finally { step.dispose(); }
}

/** engine: "wasm" (sae-lab's step, timed inside wasm), "tfjs-cpu" or "tfjs-wasm". */
window.bench = {
  run: (engine, batch, hidden) => (engine === "wasm" ? sae(batch, hidden) : tfjs(engine.slice(5), batch, hidden)),
  family,
  familyKeys: async () => { await ready; return family_keys().split(","); },
};
window.benchReady = ready.then(() => true);
