//! The training step of `examples/bench.rs`, exported for the browser benchmark
//! (`./scripts/bench.sh`, page `bench/bench.html`): same network, optimiser and batch, so the
//! wasm rows compare directly with the native ones. Not used by the page itself.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;
use wasm_bindgen::prelude::*;

use crate::data::{natural_images, Dataset, PatchSampler};
use crate::model::registry::{self, MODELS};
use crate::model::{cost_and_grad, Hyper, Optimizer, OptimizerKind, Output, Sae, ValidHyper, Workspace};
use crate::train::{LaneConfig, Setup, Trainer};

const N: usize = 64;

/// One (batch, hidden) row, built once so that repeats time only the step.
#[wasm_bindgen]
pub struct StepBench {
    sae: Sae<f32>,
    opt: Optimizer<f32>,
    ws: Workspace<f32>,
    g: Vec<f32>,
    x: DMatrix<f32>,
    hyper: ValidHyper,
}

#[wasm_bindgen]
impl StepBench {
    /// Network, Adam state and one batch of natural-image patches, as in examples/bench.rs
    /// (patches drawn once: the row measures the maths, not the sampler).
    #[wasm_bindgen(constructor)]
    pub fn new(batch: usize, hidden: usize) -> StepBench {
        let mut sampler = PatchSampler::new(natural_images(1), 8, 7).expect("built-in image gives 8×8 patches");
        let mut x = DMatrix::zeros(N, batch);
        sampler.fill(&mut x);
        let sae: Sae<f32> = Sae::init(N, hidden, Output::Sigmoid, &mut Pcg32::seed_from_u64(1));
        let opt = Optimizer::new(OptimizerKind::Adam, sae.param_count());
        let ws = Workspace::new(N, hidden, batch);
        let g = vec![0.0; sae.param_count()];
        let hyper = Hyper::default().validate().expect("defaults are valid");
        StepBench { sae, opt, ws, g, x, hyper }
    }

    /// The batch, n×B column-major (= B×n row-major), so TF.js trains on the same patches.
    pub fn patches(&self) -> Vec<f32> {
        self.x.as_slice().to_vec()
    }

    /// Runs `steps` training steps (cost_and_grad + Adam, lr 1e-3) and returns steps/s.
    pub fn run(&mut self, steps: u32) -> f64 {
        let t0 = now_ms();
        for _ in 0..steps {
            cost_and_grad(&self.sae, &self.x, &self.hyper, &mut self.ws, &mut self.g);
            self.opt.step(self.sae.theta_mut(), &self.g, 1e-3);
        }
        steps as f64 * 1e3 / (now_ms() - t0).max(1e-3)
    }
}

/// The family table of `examples/bench.rs` in wasm: models training through
/// [`Trainer::step`] at the page's defaults (fresh patches from the sampler every step), one
/// lane per key, as the page trains them.
#[wasm_bindgen]
pub struct FamilyBench {
    trainer: Trainer,
}

#[wasm_bindgen]
impl FamilyBench {
    /// A trainer with one lane per model key in `keys` (comma-separated, e.g.
    /// `sae,sparse-coding`), each at its default knobs, on the page's default pictures.
    #[wasm_bindgen(constructor)]
    pub fn new(keys: &str) -> Result<FamilyBench, JsError> {
        let lanes: Vec<LaneConfig> = keys
            .split(',')
            .map(|k| {
                registry::spec(k).map(LaneConfig::default_for).ok_or_else(|| JsError::new(&format!("no model {k}")))
            })
            .collect::<Result<_, _>>()?;
        let hyper = Hyper::default().validate().map_err(|e| JsError::new(&e.to_string()))?;
        let images = Dataset::Natural.builtin(1, true).ok_or_else(|| JsError::new("no built-in pictures"))?;
        let trainer = Trainer::with_lanes(Setup::default(), hyper, &lanes, images).map_err(|e| JsError::new(&e))?;
        Ok(FamilyBench { trainer })
    }

    /// Runs `steps` steps (each lane takes each one) and returns steps/s (= each lane's rate).
    pub fn run(&mut self, steps: u32) -> f64 {
        let t0 = now_ms();
        for _ in 0..steps {
            if self.trainer.step().is_err() {
                return f64::NAN;
            }
        }
        steps as f64 * 1e3 / (now_ms() - t0).max(1e-3)
    }
}

/// Every registered model's key, comma-separated, for the family rows.
#[wasm_bindgen]
pub fn family_keys() -> String {
    MODELS.iter().map(|m| m.key).collect::<Vec<_>>().join(",")
}

/// Builds a row, warms up with `steps / 10 + 1` steps, then times `steps` steps: steps/s.
#[wasm_bindgen]
pub fn bench_step(batch: usize, hidden: usize, steps: u32) -> f64 {
    let mut b = StepBench::new(batch, hidden);
    b.run(steps / 10 + 1);
    b.run(steps)
}

/// performance.now() (µs resolution), falling back to Date.now() outside a window.
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}
