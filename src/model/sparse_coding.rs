//! Sparse coding (Olshausen & Field 1996): no encoder, only a dictionary D (n×h) whose unit
//! columns are the atoms. A patch's code is not computed by a formula but *inferred*: the
//! a that minimises ½‖x − Da‖² + λ‖a‖₁, found by FISTA (see [`super::fista`]).
//!
//! Learning alternates the two halves, one batch at a time, with the codes A (h×m) of the
//! standardised batch X (n×m) held fixed while D moves:
//!
//! - recon = (1/2m)‖X − DA‖², ∂recon/∂D = −(1/m)(X − DA)Aᵀ
//! - penalty "l1" = (λ/m)Σ|a|: reported; it does not depend on D once A is fixed, so its
//!   gradient is 0
//! - decay 0
//!
//! At converged codes this *is* the gradient of the minimised cost min_A J(D, A) (the
//! envelope theorem: ∂J/∂A = 0 there, so moving A adds nothing to first order). After every
//! update [`Model::after_update`] rescales each atom to unit norm: otherwise atoms grow and
//! codes shrink without end, as the L1 penalty rewards. SGD, not Adam: Adam's per-weight
//! steps grow the atoms into long bars (a numpy prototype of this exact setup).

use crate::model::family::own_theta;
use nalgebra::{DMatrix, DMatrixView};
use rand::Rng;
use rand_pcg::Pcg32;

use super::cost::{sq_norm, to_f64};
use super::family::{fit, standardize, CodeKind, Cost, Ctx, Layout, Model, STANDARD_SCALE};
use super::fista::{self, Fista, Gram};
use super::gemm::{gemm, Op};
use super::hyper::OptimizerKind;
use super::knob::{Knob, KnobKind};
use super::spec::{ModelSpec, Shape};
use super::{c, Real};

/// Index of λ in [`KNOBS`].
pub const LAMBDA: usize = 0;
/// Index of the FISTA iteration count in [`KNOBS`].
pub const ITERS: usize = 1;
/// Index of the learning rate in [`KNOBS`].
pub const LR: usize = 2;

/// The model's own knobs, in [`Ctx::knobs`] order.
pub const KNOBS: &[Knob] = &[
    Knob {
        key: "lambda",
        label: "λ (sparsity)",
        help: "Weight of ‖a‖₁ in inference: 2 leaves about 3 of 25 atoms on per patch, 0 gives dense codes.",
        min: 0.0,
        max: 10.0,
        default: 2.0,
        // linear: 0 (the no-penalty control) must be reachable
        kind: KnobKind::Float { log: false },
    },
    Knob {
        key: "iters",
        label: "FISTA iterations",
        help: "Inference steps per patch; 3 already give edges, 10 is close to the optimum.",
        min: 1.0,
        max: 200.0,
        default: 10.0,
        kind: KnobKind::Int,
    },
    Knob::learning_rate(1e-4, 1.0, 0.1, "SGD step on the dictionary, before each atom is rescaled to unit length."),
];

/// The registry entry.
pub const SPEC: ModelSpec = ModelSpec {
    key: "sparse-coding",
    name: "Sparse coding (Olshausen & Field)",
    about: "A dictionary of unit atoms; each patch's code is inferred by FISTA (L1-sparse least squares).",
    cost: "For each patch a = argmin ½‖x − Da‖² + λ‖a‖₁ (FISTA); then D ← D − lr·∂/∂D (1/m)Σ½‖x − Da‖², and every atom rescaled to ‖Dⱼ‖ = 1.",
    lesson: "Measured here: the fastest to form edges, about 9 in 10 atoms by step 200 (λ = 2, ≈ 3 of 25 atoms per patch); with λ = 0 the codes are dense and no edges form. Inference is an optimisation: each code takes 10 FISTA iterations.",
    knobs: KNOBS,
    optimizer: OptimizerKind::Sgd,
    build,
    gradcheck,
};

fn build(shape: &Shape, _knobs: &[f64], rng: &mut Pcg32) -> Box<dyn Model<f32>> {
    Box::new(SparseCoding::<f32>::init(shape.inputs, shape.hidden, rng))
}

/// A dictionary and the buffers of one batch size.
///
/// **Frozen codes (for the gradient check).** The analytic gradient is taken with the codes
/// held fixed, while a fresh [`Model::evaluate`] would re-infer them at the perturbed D (and
/// 10 FISTA iterations are not the exact minimum, so the envelope argument holds only
/// roughly). [`SparseCoding::freeze_codes`] infers the codes of one batch once and makes
/// every later cost use exactly those, so the central differences see
/// (1/2m)‖X − DA‖² + (λ/m)‖A‖₁ with A fixed — the function whose gradient is claimed.
/// [`SparseCoding::thaw`] returns to inference on every call.
#[derive(Clone, Debug)]
pub struct SparseCoding<T: Real> {
    layout: Layout,
    theta: Vec<T>,
    /// G = DᵀD and L for the current dictionary, shared by every path.
    gram: Gram<T>,
    /// FISTA buffers of the training path.
    fista: Fista<T>,
    /// FISTA buffers of [`Model::encode`] (a readout's batch size must not resize the
    /// training buffers every frame).
    enc_fista: Fista<T>,
    /// Standardised input, target and the readouts' input (n×m).
    x_in: DMatrix<T>,
    x_target: DMatrix<T>,
    x_enc: DMatrix<T>,
    /// X_target − DA (n×m).
    residual: DMatrix<T>,
    /// This batch's codes (h×m) and reconstructions (n×m, sampler range).
    codes: DMatrix<T>,
    recon: DMatrix<T>,
    /// When set, costs reuse `codes` instead of inferring them (see the type's docs).
    frozen: bool,
}

impl<T: Real> SparseCoding<T> {
    /// A dictionary of `hidden` atoms over `inputs` pixels: Gaussian columns scaled to unit
    /// norm (a uniformly random direction each), seeded from `rng`.
    pub fn init(inputs: usize, hidden: usize, rng: &mut Pcg32) -> Self {
        let layout = Layout::new(&[("dict", inputs, hidden)]);
        let normals = crate::data::standard_normals(inputs * hidden, rng.random());
        let mut model = SparseCoding {
            theta: normals.iter().map(|&v| c::<T>(v as f64)).collect(),
            layout,
            gram: Gram::new(hidden),
            fista: Fista::new(),
            enc_fista: Fista::new(),
            x_in: DMatrix::zeros(0, 0),
            x_target: DMatrix::zeros(0, 0),
            x_enc: DMatrix::zeros(0, 0),
            residual: DMatrix::zeros(0, 0),
            codes: DMatrix::zeros(hidden, 0),
            recon: DMatrix::zeros(inputs, 0),
            frozen: false,
        };
        model.normalize_atoms();
        model
    }

    /// The dictionary D (n×h).
    pub fn dict(&self) -> DMatrixView<'_, T> {
        self.layout.view(&self.theta, 0)
    }

    /// Rescales every atom to unit norm (an all-zero atom is left as it is).
    pub fn normalize_atoms(&mut self) {
        let n = self.inputs();
        for col in self.theta.chunks_exact_mut(n) {
            let norm = sq_norm(col).sqrt();
            if norm > T::zero() {
                col.iter_mut().for_each(|v| *v /= norm);
            }
        }
    }

    /// Infers the codes of `input` once and holds them for every later cost, which must be
    /// of a batch of the same size (see the type's docs).
    pub fn freeze_codes(&mut self, input: &DMatrix<T>, ctx: &Ctx) {
        let (lambda, iters) = settings::<T>(ctx);
        fit(&mut self.x_in, input.nrows(), input.ncols());
        standardize(input, &mut self.x_in);
        self.fista.solve(&mut self.gram, self.layout.view(&self.theta, 0), &self.x_in, lambda, iters, &mut self.codes);
        self.frozen = true;
    }

    /// Back to inferring the codes on every call.
    pub fn thaw(&mut self) {
        self.frozen = false;
    }

    /// The code of one patch (sampler range) after each FISTA iteration, for the page's
    /// "inference is an optimisation" strip (allocates).
    pub fn trajectory(&mut self, patch: &[T], ctx: &Ctx) -> Vec<Vec<T>> {
        let (lambda, iters) = settings::<T>(ctx);
        let x = DMatrix::from_column_slice(patch.len(), 1, patch);
        let mut std_x = x.clone();
        standardize(&x, &mut std_x);
        fista::trajectory(&mut self.gram, self.layout.view(&self.theta, 0), std_x.as_slice(), lambda, iters)
    }

    /// Codes (unless frozen), residual, reconstructions and the cost of one batch.
    fn forward(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx) -> Cost {
        let (lambda, iters) = settings::<T>(ctx);
        let (n, m) = target.shape();
        fit(&mut self.x_target, n, m);
        fit(&mut self.residual, n, m);
        fit(&mut self.recon, n, m);
        standardize(target, &mut self.x_target);
        let dict = self.layout.view(&self.theta, 0);
        if self.frozen {
            assert_eq!(self.codes.ncols(), m, "codes were frozen for a batch of another size");
        } else if std::ptr::eq(input, target) {
            self.fista.solve(&mut self.gram, dict, &self.x_target, lambda, iters, &mut self.codes);
        } else {
            // denoising: infer from the corrupted input, score against the clean target
            fit(&mut self.x_in, n, m);
            standardize(input, &mut self.x_in);
            self.fista.solve(&mut self.gram, dict, &self.x_in, lambda, iters, &mut self.codes);
        }
        // recon buffer = DA (standardised) for now; residual = X_target − DA
        let dict = self.layout.view(&self.theta, 0);
        gemm(T::one(), &dict, Op::N, &self.codes, Op::N, T::zero(), &mut self.recon);
        for ((r, &t), &da) in self.residual.iter_mut().zip(self.x_target.iter()).zip(self.recon.iter()) {
            *r = t - da;
        }
        to_sampler_range(&mut self.recon);
        let inv_m = 1.0 / m.max(1) as f64;
        let l1: f64 = to_f64(self.codes.iter().fold(T::zero(), |s, &a| s + a.abs()));
        Cost {
            recon: 0.5 * inv_m * to_f64(sq_norm(self.residual.as_slice())),
            penalties: [to_f64(lambda) * inv_m * l1, 0.0, 0.0],
            decay: 0.0,
        }
    }
}

/// λ (≥ 0) and the iteration count (≥ 1) from the knobs.
fn settings<T: Real>(ctx: &Ctx) -> (T, usize) {
    let lambda = ctx.knob(LAMBDA, KNOBS[LAMBDA].default).max(0.0);
    let iters = ctx.knob(ITERS, KNOBS[ITERS].default).round().max(1.0) as usize;
    (c::<T>(lambda), iters)
}

/// y ← 0.5 + y/7.5 in place: [`super::family::unstandardize`] without a second buffer.
fn to_sampler_range<T: Real>(y: &mut DMatrix<T>) {
    let (inv, half) = (c::<T>(1.0 / STANDARD_SCALE), c::<T>(0.5));
    y.iter_mut().for_each(|v| *v = half + *v * inv);
}

impl<T: Real> Model<T> for SparseCoding<T> {
    own_theta!();

    fn penalty_names(&self) -> &'static [&'static str] {
        &["l1"]
    }

    fn cost_and_grad(
        &mut self,
        input: &DMatrix<T>,
        target: &DMatrix<T>,
        ctx: &Ctx,
        _rng: &mut Pcg32,
        grad: &mut [T],
    ) -> Cost {
        let cost = self.forward(input, target, ctx);
        // ∂/∂D = −(1/m)(X − DA)Aᵀ, overwriting every entry (β = 0)
        let inv_m = c::<T>(1.0 / target.ncols().max(1) as f64);
        let mut g = self.layout.view_mut(grad, 0);
        gemm(-inv_m, &self.residual, Op::N, &self.codes, Op::T, T::zero(), &mut g);
        cost
    }

    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, _rng: &mut Pcg32) -> Cost {
        self.forward(input, target, ctx)
    }

    fn after_update(&mut self, _ctx: &Ctx) {
        self.normalize_atoms();
    }

    fn encode(&mut self, x: &DMatrix<T>, ctx: &Ctx, codes: &mut DMatrix<T>) {
        let (lambda, iters) = settings::<T>(ctx);
        fit(&mut self.x_enc, x.nrows(), x.ncols());
        standardize(x, &mut self.x_enc);
        self.enc_fista.solve(&mut self.gram, self.layout.view(&self.theta, 0), &self.x_enc, lambda, iters, codes);
    }

    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
        gemm(T::one(), &self.dict(), Op::N, codes, Op::N, T::zero(), x_hat);
        to_sampler_range(x_hat);
    }

    fn last_codes(&self) -> &DMatrix<T> {
        &self.codes
    }

    fn last_recon(&self) -> &DMatrix<T> {
        &self.recon
    }

    fn code_kind(&self) -> CodeKind {
        CodeKind::Signed
    }

    fn filters_into(&self, out: &mut DMatrix<T>) {
        let d = self.dict();
        fit(out, d.ncols(), d.nrows());
        d.transpose_to(out);
    }

    fn inputs(&self) -> usize {
        self.layout.blocks()[0].rows
    }

    fn hidden(&self) -> usize {
        self.layout.blocks()[0].cols
    }

    fn boxed_clone(&self) -> Box<dyn Model<T>> {
        Box::new(self.clone())
    }

    fn inference_trajectory(&mut self, patch: &[T], ctx: &Ctx) -> Option<Vec<Vec<T>>> {
        Some(self.trajectory(patch, ctx))
    }
}

mod check;
pub use check::gradcheck;

#[cfg(test)]
mod tests;
