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
use crate::model::knob::{defaults, LR_KEY};
use crate::model::registry::{self, ModelSpec, Shape};
use crate::model::{Cost, Ctx, Model, Optimizer, OptimizerKind, Output, ValidHyper};

/// The most models that train side by side on one stream.
pub const MAX_LANES: usize = 4;

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
    /// Output activation of the sparse autoencoder.
    pub output: Output,
    /// Update rule of the sparse autoencoder (the other models name their own).
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
    /// The model that diverged (its name in the page).
    pub model: &'static str,
}

impl std::fmt::Display for Diverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Training diverged at step {} (the cost of the {} became NaN or infinite) with learning rate {}. \
             Training is paused and the last finite weights are back; lower the learning rate and press play.",
            self.step,
            self.model.to_lowercase(),
            self.lr
        )
    }
}

/// What one budgeted slice did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slice {
    /// Steps run.
    pub steps: u32,
    /// Cost terms averaged over those steps, per lane (unused lanes stay 0).
    pub mean: [Cost; MAX_LANES],
    /// Set when the slice stopped because training diverged.
    pub diverged: Option<Diverged>,
    /// Milliseconds it took, on the clock it was given.
    pub ms: f64,
}

/// Which model a lane trains, with its own knob values (in its table's order) and, where it
/// differs from the page's, its own input noise.
#[derive(Clone, Debug)]
pub struct LaneConfig {
    /// The model.
    pub spec: &'static ModelSpec,
    /// Its knobs, in the order of [`ModelSpec::knobs`].
    pub knobs: Vec<f64>,
    /// Standard deviation of this lane's input noise, when it is not the page's
    /// ([`Hyper::noise`]): "denoising beside contractive" trains one lane on corrupted
    /// patches and the other on clean ones, from the same batches.
    pub noise: Option<f64>,
}

impl PartialEq for LaneConfig {
    fn eq(&self, other: &Self) -> bool {
        self.spec.key == other.spec.key && self.knobs == other.knobs && self.noise == other.noise
    }
}

impl LaneConfig {
    /// The model `spec` with its default knobs.
    pub fn default_for(spec: &'static ModelSpec) -> Self {
        LaneConfig { spec, knobs: defaults(spec.knobs), noise: None }
    }

    /// The learning rate this lane trains with: its own `lr` knob, or the page's for models
    /// without one (the sparse autoencoder).
    pub fn lr(&self, hyper: &ValidHyper) -> f64 {
        self.spec.knobs.iter().position(|k| k.key == LR_KEY).map_or(hyper.get().lr, |i| self.knobs[i])
    }
}

/// One model on the shared stream: its weights, optimiser, gradient buffer, rollback copy and
/// its own generator (for models that sample).
struct Lane {
    config: LaneConfig,
    model: Box<dyn Model<f32>>,
    opt: Optimizer<f32>,
    grad: Vec<f32>,
    /// θ at the start of the current slice, to roll back to on divergence.
    snapshot: Vec<f32>,
    rng: Pcg32,
    last: Cost,
    /// This lane's corrupted batch and its noise stream, used when its noise is its own
    /// (the page's noise is drawn once for all other lanes, so a lone lane's run is as before).
    noisy: DMatrix<f32>,
    noise_rng: Pcg32,
}

impl Clone for Lane {
    fn clone(&self) -> Self {
        Lane {
            config: self.config.clone(),
            model: self.model.boxed_clone(),
            opt: self.opt.clone(),
            grad: self.grad.clone(),
            snapshot: self.snapshot.clone(),
            rng: self.rng.clone(),
            last: self.last,
            noisy: self.noisy.clone(),
            noise_rng: self.noise_rng.clone(),
        }
    }
}

impl Lane {
    fn new(config: LaneConfig, model: Box<dyn Model<f32>>, optimizer: OptimizerKind, seed: u64) -> Self {
        let len = model.theta().len();
        Lane {
            opt: Optimizer::new(optimizer, len),
            grad: vec![0.0; len],
            snapshot: model.theta().to_vec(),
            rng: Pcg32::seed_from_u64(seed),
            last: Cost::default(),
            noisy: DMatrix::zeros(0, 0),
            noise_rng: Pcg32::seed_from_u64(seed ^ 0x0015_E5EE),
            config,
            model,
        }
    }

    fn optimizer_kind(&self, setup: &Setup) -> OptimizerKind {
        if self.config.spec.key == registry::default_spec().key {
            setup.optimizer
        } else {
            self.config.spec.optimizer
        }
    }
}

/// The models, their optimisers, the one patch stream they share and every buffer a step needs.
/// A clone is exact: it trains on as the original would, step for step.
#[derive(Clone)]
pub struct Trainer {
    setup: Setup,
    hyper: ValidHyper,
    lanes: Vec<Lane>,
    sampler: PatchSampler,
    batch: DMatrix<f32>,
    steps: u64,
    /// The corrupted copy of the batch a denoising autoencoder sees (hyper.noise > 0).
    noisy: DMatrix<f32>,
    noise_rng: Pcg32,
}

impl Trainer {
    /// A fresh sparse autoencoder on patches of `images`. Errors (in a sentence) when the
    /// images cannot give p×p patches or the setup is empty.
    pub fn new(setup: Setup, hyper: ValidHyper, images: Vec<Image>) -> Result<Self, String> {
        Trainer::with_lanes(setup, hyper, &[LaneConfig::default_for(registry::default_spec())], images)
    }

    /// Fresh models, one per lane, all trained on the same batches of `images`. Lane 0's
    /// weights come from the seed exactly as a single model's do, so with one sparse
    /// autoencoder lane a run is the same as it always was.
    pub fn with_lanes(
        setup: Setup,
        hyper: ValidHyper,
        lanes: &[LaneConfig],
        images: Vec<Image>,
    ) -> Result<Self, String> {
        if setup.hidden == 0 || setup.batch == 0 {
            return Err("the network needs at least one hidden unit and one patch per step".into());
        }
        if lanes.is_empty() || lanes.len() > MAX_LANES {
            return Err(format!("between 1 and {MAX_LANES} models can train side by side, not {}", lanes.len()));
        }
        let n = setup.patch * setup.patch;
        // weights and patches get independent streams from the one seed
        let sampler = PatchSampler::new(images, setup.patch, setup.seed.wrapping_add(0x9E37_79B9))?;
        let shape = Shape { inputs: n, hidden: setup.hidden, output: setup.output };
        let lanes = lanes
            .iter()
            .enumerate()
            .map(|(i, config)| {
                let mut rng = Pcg32::seed_from_u64(lane_seed(setup.seed, i));
                let model = (config.spec.build)(&shape, &config.knobs, &mut rng);
                let mut lane = Lane::new(config.clone(), model, OptimizerKind::Adam, lane_seed(setup.seed, i) ^ 0xE75);
                lane.opt = Optimizer::new(lane.optimizer_kind(&setup), lane.grad.len());
                lane.noisy = DMatrix::zeros(n, setup.batch);
                lane
            })
            .collect();
        Ok(Trainer {
            lanes,
            batch: DMatrix::zeros(n, setup.batch),
            noisy: DMatrix::zeros(n, setup.batch),
            noise_rng: Pcg32::seed_from_u64(setup.seed ^ 0x5EED_0F0A_015E),
            sampler,
            setup,
            hyper,
            steps: 0,
        })
    }

    /// One step: a fresh batch, then for every lane the cost and its gradient and one update.
    /// On a non-finite cost or gradient in any lane that lane is not updated and `Err` says so.
    pub fn step(&mut self) -> Result<Cost, Diverged> {
        self.sampler.fill(&mut self.batch);
        let noise = self.hyper.get().noise as f32;
        if noise > 0.0 && self.lanes.iter().any(|l| l.config.noise.is_none()) {
            corrupt(&self.batch, noise, &mut self.noise_rng, &mut self.noisy);
        }
        for lane in &mut self.lanes {
            let input = match lane.config.noise {
                Some(sigma) if sigma > 0.0 => {
                    corrupt(&self.batch, sigma as f32, &mut lane.noise_rng, &mut lane.noisy);
                    &lane.noisy
                }
                Some(_) => &self.batch,
                None if noise > 0.0 => &self.noisy,
                None => &self.batch,
            };
            let ctx = Ctx { hyper: &self.hyper, knobs: &lane.config.knobs };
            let cost = lane.model.cost_and_grad(input, &self.batch, &ctx, &mut lane.rng, &mut lane.grad);
            let lr = lane.config.lr(&self.hyper);
            if !cost.is_finite() || !lane.grad.iter().all(|g| g.is_finite()) {
                return Err(Diverged { step: self.steps, lr, model: lane.config.spec.name });
            }
            lane.opt.step(lane.model.theta_mut(), &lane.grad, lr);
            lane.model.after_update(&ctx);
            lane.last = cost;
        }
        self.steps += 1;
        Ok(self.lanes[0].last)
    }

    /// Runs steps until `budget_ms` has passed on `now` (at least one step, at most
    /// `max_steps`). If training diverges, every lane's weights return to their state at the
    /// start of the slice, the optimisers start afresh, and the slice reports it.
    pub fn run_budgeted(&mut self, now: &mut dyn FnMut() -> f64, budget_ms: f64, max_steps: u32) -> Slice {
        let start = now();
        for lane in &mut self.lanes {
            lane.snapshot.copy_from_slice(lane.model.theta());
        }
        let steps_before = self.steps;
        let mut slice = Slice::default();
        let mut sum = [Cost::default(); MAX_LANES];
        while slice.steps < max_steps {
            // the update itself can overflow to ∞ even when the gradient was finite
            let diverged = match self.step() {
                Err(d) => Some(d),
                // the step that blew up is the one just counted
                Ok(_) => self.lanes.iter().find(|l| !l.model.is_finite()).map(|l| Diverged {
                    step: self.steps - 1,
                    lr: l.config.lr(&self.hyper),
                    model: l.config.spec.name,
                }),
            };
            if let Some(d) = diverged {
                let setup = self.setup;
                for lane in &mut self.lanes {
                    lane.model.theta_mut().copy_from_slice(&lane.snapshot);
                    // Adam's moments are full of the exploding gradients: start them afresh
                    lane.opt = Optimizer::new(lane.optimizer_kind(&setup), lane.grad.len());
                    // no after_update: the snapshot already passed it, so θ is back bit for bit
                }
                self.steps = steps_before;
                return Slice { diverged: Some(d), ..Slice::default() };
            }
            slice.steps += 1;
            for (s, lane) in sum.iter_mut().zip(&self.lanes) {
                s.add(&lane.last);
            }
            slice.ms = now() - start;
            if slice.ms >= budget_ms {
                break;
            }
        }
        let k = 1.0 / slice.steps.max(1) as f64;
        slice.mean = sum.map(|s| s.scaled(k));
        slice
    }

    /// Replaces ρ, β, λ, the learning rate or the penalty; takes effect on the next step.
    pub fn set_hyper(&mut self, hyper: ValidHyper) {
        self.hyper = hyper;
    }

    /// Replaces lane `lane`'s own knob values (live: the next step uses them).
    pub fn set_knobs(&mut self, lane: usize, knobs: &[f64]) {
        if let Some(l) = self.lanes.get_mut(lane) {
            l.config.knobs.clear();
            l.config.knobs.extend_from_slice(knobs);
        }
    }

    /// Gives lane `lane` its own input noise, or the page's (`None`); live.
    pub fn set_noise(&mut self, lane: usize, noise: Option<f64>) {
        if let Some(l) = self.lanes.get_mut(lane) {
            l.config.noise = noise;
        }
    }

    /// Continues lane 0 from saved weights and step count (same model and shape as this
    /// trainer's). The optimiser starts afresh: its moments are not saved.
    pub fn restore(&mut self, model: Box<dyn Model<f32>>, steps: u64) -> Result<(), String> {
        let lane = &mut self.lanes[0];
        if model.key() != lane.model.key() {
            return Err(format!(
                "the saved model is a {} but the settings ask for a {}",
                model.key(),
                lane.model.key()
            ));
        }
        if model.layout() != lane.model.layout() {
            return Err(format!(
                "the saved network is {}→{} units but the settings ask for {}→{}",
                model.inputs(),
                model.hidden(),
                lane.model.inputs(),
                lane.model.hidden()
            ));
        }
        lane.snapshot.copy_from_slice(model.theta());
        lane.model = model;
        lane.opt = Optimizer::new(lane.optimizer_kind(&self.setup), lane.grad.len());
        self.steps = steps;
        Ok(())
    }

    /// Trains on `images` from the next step (a live picture stream); see
    /// [`PatchSampler::set_images`].
    pub fn set_images(&mut self, images: Vec<Image>) -> Result<(), String> {
        self.sampler.set_images(images)
    }

    /// Takes every lane's weights (`thetas`, one per lane; none: unchanged) and the step count
    /// from a trainer of the same settings training elsewhere (the page mirrors its worker's).
    pub fn mirror(&mut self, steps: u64, thetas: &[Vec<f32>]) -> Result<(), String> {
        if !thetas.is_empty() {
            let fits = thetas.len() == self.lanes.len()
                && thetas.iter().zip(&self.lanes).all(|(t, l)| t.len() == l.model.theta().len());
            if !fits {
                return Err("the weights sent do not fit the models in use".into());
            }
            for (t, lane) in thetas.iter().zip(&mut self.lanes) {
                lane.model.theta_mut().copy_from_slice(t);
            }
        }
        self.steps = steps;
        Ok(())
    }

    /// Switches the sparse autoencoder's update rule between steps; weights are kept, Adam's
    /// moments start afresh.
    pub fn set_optimizer(&mut self, kind: OptimizerKind) {
        if kind != self.setup.optimizer {
            self.setup.optimizer = kind;
            let setup = self.setup;
            for lane in &mut self.lanes {
                let k = lane.optimizer_kind(&setup);
                if k != lane.opt.kind() {
                    lane.opt = Optimizer::new(k, lane.grad.len());
                }
            }
        }
    }

    /// Lane 0's cost terms on the next batch of the stream, without training on it (that
    /// batch is used up, so calling this changes which patches later steps see).
    pub fn evaluate_fresh(&mut self) -> Cost {
        self.sampler.fill(&mut self.batch);
        let lane = &mut self.lanes[0];
        let ctx = Ctx { hyper: &self.hyper, knobs: &lane.config.knobs };
        lane.model.evaluate(&self.batch, &self.batch, &ctx, &mut lane.rng)
    }

    /// Hyperparameters in force.
    pub fn hyper(&self) -> &ValidHyper {
        &self.hyper
    }

    /// The setup this trainer was built with.
    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// Number of lanes.
    pub fn lanes(&self) -> usize {
        self.lanes.len()
    }

    /// Lane `i`'s model (lane 0 is the one a single-model page shows).
    pub fn model_at(&self, i: usize) -> &dyn Model<f32> {
        self.lanes[i].model.as_ref()
    }

    /// Lane 0's model.
    pub fn model(&self) -> &dyn Model<f32> {
        self.model_at(0)
    }

    /// Lane `i`'s model and its knobs, as the context its methods take.
    pub fn lane_config(&self, i: usize) -> &LaneConfig {
        &self.lanes[i].config
    }

    /// The context lane `i`'s model is called with (the hyperparameters and its knobs).
    pub fn ctx(&self, i: usize) -> Ctx<'_> {
        Ctx { hyper: &self.hyper, knobs: &self.lanes[i].config.knobs }
    }

    /// Lane `i`'s model, mutable, for readouts that encode with its buffers, with the
    /// context to call it with.
    pub fn model_ctx_mut(&mut self, i: usize) -> (&mut dyn Model<f32>, Ctx<'_>) {
        let lane = &mut self.lanes[i];
        (lane.model.as_mut(), Ctx { hyper: &self.hyper, knobs: &lane.config.knobs })
    }

    /// Steps done.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Cost terms of lane 0's latest step.
    pub fn last_cost(&self) -> Cost {
        self.lanes[0].last
    }

    /// The latest batch and what lane `i` made of it: (patches x n×m, codes h×m,
    /// reconstructions x̂ n×m), all before that step's update. For the readouts. With input
    /// noise the codes and reconstructions are those of the corrupted patches, while x is the
    /// clean batch (the target they were trained to rebuild).
    pub fn last_batch_at(&self, i: usize) -> (&DMatrix<f32>, &DMatrix<f32>, &DMatrix<f32>) {
        let m = &self.lanes[i].model;
        (&self.batch, m.last_codes(), m.last_recon())
    }

    /// [`Trainer::last_batch_at`] for lane 0.
    pub fn last_batch(&self) -> (&DMatrix<f32>, &DMatrix<f32>, &DMatrix<f32>) {
        self.last_batch_at(0)
    }

    /// The patch sampler (its images and normalisation), e.g. for whole-image views.
    pub fn sampler(&self) -> &PatchSampler {
        &self.sampler
    }

    /// Lane 0's model, mutable, for tests that need to force a state (e.g. divergence).
    #[doc(hidden)]
    pub fn model_mut(&mut self) -> &mut dyn Model<f32> {
        self.lanes[0].model.as_mut()
    }
}

/// The seed of lane `i`'s initial weights: lane 0 uses the run's seed itself (so a single
/// model is initialised as it always was), later lanes are mixed away from it.
fn lane_seed(seed: u64, i: usize) -> u64 {
    if i == 0 {
        seed
    } else {
        seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407)
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
