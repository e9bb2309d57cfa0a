//! The training loop's pieces: one step, and a slice of steps within a time budget.
//!
//! The caller owns the loop (linfa's `fit_with`, the Game of Life's `tick`): the page runs
//! [`Trainer::run_budgeted`] once per animation frame with a few milliseconds of budget, so
//! the UI never blocks; tests and the benchmark call [`Trainer::step`] directly. The clock is
//! injected, so this module stays pure and testable.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use crate::data::{Image, PatchSampler};
use crate::model::{
    cost_and_grad, cost_and_grad_pair, evaluate, CostParts, Grads, Optimizer, OptimizerKind, Output, Sae, ValidHyper,
    Workspace,
};

/// What fixes the network's shape and the data stream; changing any of it means a new
/// [`Trainer`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setup {
    /// Patch side p (inputs n = p²).
    pub patch: usize,
    /// Hidden units h.
    pub hidden: usize,
    /// Patches per step m.
    pub batch: usize,
    /// Seed of the initial weights and the patch stream.
    pub seed: u64,
    /// Output activation.
    pub output: Output,
    /// Update rule.
    pub optimizer: OptimizerKind,
}

impl Default for Setup {
    /// UFLDL's experiment: 8×8 patches, 25 hidden units; batch 256 (ρ̂ from fewer than ~128
    /// patches is mostly noise at ρ = 0.01).
    fn default() -> Self {
        Setup { patch: 8, hidden: 25, batch: 256, seed: 1, output: Output::Sigmoid, optimizer: OptimizerKind::Adam }
    }
}

/// Training stopped because the cost or a weight stopped being a finite number.
#[derive(Clone, Debug, PartialEq)]
pub struct Diverged {
    /// The step at which it happened (the weights are as they were before the slice).
    pub step: u64,
    /// The learning rate in force.
    pub lr: f64,
}

impl std::fmt::Display for Diverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Training diverged at step {} (the cost became NaN or infinite) with learning rate {}. \
             Training is paused and the last finite weights are back; lower the learning rate and press play.",
            self.step, self.lr
        )
    }
}

/// What one budgeted slice did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slice {
    /// Steps run.
    pub steps: u32,
    /// Cost terms averaged over those steps.
    pub mean: CostParts,
    /// Set when the slice stopped because training diverged.
    pub diverged: Option<Diverged>,
}

/// The network, its optimiser, the patch stream and every buffer a step needs.
pub struct Trainer {
    setup: Setup,
    hyper: ValidHyper,
    sae: Sae<f32>,
    opt: Optimizer<f32>,
    sampler: PatchSampler,
    batch: DMatrix<f32>,
    ws: Workspace<f32>,
    grads: Grads<f32>,
    steps: u64,
    last: CostParts,
    /// Weights at the start of the current slice, to roll back to on divergence.
    snapshot: Sae<f32>,
    /// The corrupted copy of the batch a denoising autoencoder sees (hyper.noise > 0).
    noisy: DMatrix<f32>,
    noise_rng: Pcg32,
}

impl Trainer {
    /// A fresh network on patches of `images`. Errors (in a sentence) when the images cannot
    /// give p×p patches or the setup is empty.
    pub fn new(setup: Setup, hyper: ValidHyper, images: Vec<Image>) -> Result<Self, String> {
        if setup.hidden == 0 || setup.batch == 0 {
            return Err("the network needs at least one hidden unit and one patch per step".into());
        }
        let n = setup.patch * setup.patch;
        // weights and patches get independent streams from the one seed
        let mut rng = Pcg32::seed_from_u64(setup.seed);
        let sae = Sae::init(n, setup.hidden, setup.output, &mut rng);
        let sampler = PatchSampler::new(images, setup.patch, setup.seed.wrapping_add(0x9E37_79B9))?;
        Ok(Trainer {
            snapshot: sae.clone(),
            opt: Optimizer::new(setup.optimizer, &sae),
            grads: Grads::like(&sae),
            ws: Workspace::new(n, setup.hidden, setup.batch),
            batch: DMatrix::zeros(n, setup.batch),
            noisy: DMatrix::zeros(n, setup.batch),
            noise_rng: Pcg32::seed_from_u64(setup.seed ^ 0x5EED_0F0A_015E),
            sae,
            sampler,
            setup,
            hyper,
            steps: 0,
            last: CostParts::default(),
        })
    }

    /// One step: a fresh batch, the cost and its gradient, one update. On a non-finite cost
    /// or gradient nothing is updated and `Err` says so.
    pub fn step(&mut self) -> Result<CostParts, Diverged> {
        self.sampler.fill(&mut self.batch);
        let noise = self.hyper.get().noise as f32;
        let parts = if noise > 0.0 {
            corrupt(&self.batch, noise, &mut self.noise_rng, &mut self.noisy);
            cost_and_grad_pair(&self.sae, &self.noisy, &self.batch, &self.hyper, &mut self.ws, &mut self.grads)
        } else {
            cost_and_grad(&self.sae, &self.batch, &self.hyper, &mut self.ws, &mut self.grads)
        };
        if !parts.is_finite() || !self.grads.is_finite() {
            return Err(Diverged { step: self.steps, lr: self.hyper.get().lr });
        }
        self.opt.step(&mut self.sae, &self.grads, self.hyper.get().lr);
        self.steps += 1;
        self.last = parts;
        Ok(parts)
    }

    /// Runs steps until `budget_ms` has passed on `now` (at least one step, at most
    /// `max_steps`). If training diverges, the weights return to their state at the start of
    /// the slice, the optimiser starts afresh, and the slice reports it.
    pub fn run_budgeted(&mut self, now: &mut dyn FnMut() -> f64, budget_ms: f64, max_steps: u32) -> Slice {
        let start = now();
        self.snapshot.copy_params_from(&self.sae);
        let steps_before = self.steps;
        let mut slice = Slice::default();
        let mut sum = CostParts::default();
        while slice.steps < max_steps {
            let step = self.step();
            // the update itself can overflow to ∞ even when the gradient was finite
            let diverged = match step {
                Err(d) => Some(d),
                Ok(_) if !self.sae.is_finite() => Some(Diverged { step: self.steps, lr: self.hyper.get().lr }),
                Ok(p) => {
                    sum.recon += p.recon;
                    sum.decay += p.decay;
                    sum.sparsity += p.sparsity;
                    slice.steps += 1;
                    None
                }
            };
            if let Some(d) = diverged {
                self.sae.copy_params_from(&self.snapshot);
                // Adam's moments are full of the exploding gradients: start them afresh
                self.opt = Optimizer::new(self.setup.optimizer, &self.sae);
                self.steps = steps_before;
                return Slice { steps: 0, mean: CostParts::default(), diverged: Some(d) };
            }
            if now() - start >= budget_ms {
                break;
            }
        }
        let k = slice.steps.max(1) as f64;
        slice.mean = CostParts { recon: sum.recon / k, decay: sum.decay / k, sparsity: sum.sparsity / k };
        slice
    }

    /// Replaces ρ, β, λ, the learning rate or the penalty; takes effect on the next step.
    pub fn set_hyper(&mut self, hyper: ValidHyper) {
        self.hyper = hyper;
    }

    /// Continues from saved weights and step count (shape must match this trainer's setup).
    /// The optimiser starts afresh: its moments are not saved.
    pub fn restore(&mut self, sae: Sae<f32>, steps: u64) -> Result<(), String> {
        let want = (self.setup.hidden, self.setup.patch * self.setup.patch);
        if (sae.hidden(), sae.inputs()) != want || sae.output != self.setup.output {
            return Err(format!(
                "the saved network is {}→{} units but the settings ask for {}→{}",
                sae.inputs(),
                sae.hidden(),
                want.1,
                want.0
            ));
        }
        self.opt = Optimizer::new(self.setup.optimizer, &sae);
        self.snapshot = sae.clone();
        self.sae = sae;
        self.steps = steps;
        Ok(())
    }

    /// Switches the update rule between steps; weights are kept, Adam's moments start afresh.
    pub fn set_optimizer(&mut self, kind: OptimizerKind) {
        if kind != self.opt.kind() {
            self.opt = Optimizer::new(kind, &self.sae);
            self.setup.optimizer = kind;
        }
    }

    /// Cost terms on the next batch of the stream, without training on it (that batch is
    /// used up, so calling this changes which patches later steps see).
    pub fn evaluate_fresh(&mut self) -> CostParts {
        self.sampler.fill(&mut self.batch);
        evaluate(&self.sae, &self.batch, &self.hyper, &mut self.ws)
    }

    /// Hyperparameters in force.
    pub fn hyper(&self) -> &ValidHyper {
        &self.hyper
    }

    /// The setup this trainer was built with.
    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// The network.
    pub fn sae(&self) -> &Sae<f32> {
        &self.sae
    }

    /// Steps done.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Cost terms of the latest step.
    pub fn last_cost(&self) -> CostParts {
        self.last
    }

    /// The latest batch and what the network made of it: (patches x n×m, hidden activations
    /// a1 h×m, reconstructions x̂ n×m), all before that step's update. For the readouts.
    pub fn last_batch(&self) -> (&DMatrix<f32>, &DMatrix<f32>, &DMatrix<f32>) {
        (&self.batch, &self.ws.a1, &self.ws.a2)
    }

    /// The patch sampler (its images and normalisation), e.g. for whole-image views.
    pub fn sampler(&self) -> &PatchSampler {
        &self.sampler
    }

    /// Mean activation ρ̂ of each hidden unit over the latest batch.
    pub fn rho_hat(&self) -> &[f32] {
        self.ws.rho_hat.as_slice()
    }

    /// Mutable network, for tests that need to force a state (e.g. divergence).
    #[doc(hidden)]
    pub fn sae_mut(&mut self) -> &mut Sae<f32> {
        &mut self.sae
    }
}

/// out = x + N(0, σ²) elementwise (Box–Muller: two uniforms give two normals).
fn corrupt(x: &DMatrix<f32>, sigma: f32, rng: &mut Pcg32, out: &mut DMatrix<f32>) {
    let mut pairs = out.as_mut_slice().chunks_mut(2).zip(x.as_slice().chunks(2));
    for (o, i) in &mut pairs {
        let u1: f32 = rng.random::<f32>().max(f32::MIN_POSITIVE);
        let u2: f32 = rng.random();
        let r = sigma * (-2.0 * u1.ln()).sqrt();
        let (s, c) = (std::f32::consts::TAU * u2).sin_cos();
        o[0] = i[0] + r * c;
        if o.len() > 1 {
            o[1] = i[1] + r * s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corruption_adds_zero_mean_noise_of_the_given_spread() {
        let x = DMatrix::from_element(64, 1000, 0.5f32);
        let mut out = DMatrix::zeros(64, 1000);
        corrupt(&x, 0.2, &mut Pcg32::seed_from_u64(1), &mut out);
        let d: Vec<f32> = out.iter().map(|v| v - 0.5).collect();
        let mean = d.iter().sum::<f32>() / d.len() as f32;
        let sd = (d.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / d.len() as f32).sqrt();
        assert!(mean.abs() < 0.005 && (sd - 0.2).abs() < 0.005, "mean {mean}, sd {sd}");
    }
}
