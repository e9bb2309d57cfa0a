//! The seam every model of the family goes through: one flat parameter vector θ with a named
//! layout, one cost-and-gradient call on a batch, and the few questions the readouts ask
//! (codes, reconstructions, filters, what kind of code it is).
//!
//! The trainer, the optimiser, the divergence rollback, the saved file, the gradient check and
//! every panel talk to a model only through [`Model`], so a new model is one file that
//! implements it plus one line in [`super::registry::MODELS`].
//!
//! **Patches in, patches out.** Every model receives patches as the sampler makes them
//! (UFLDL's [0.1, 0.9] range, flat patch = 0.5) and returns reconstructions in that same range,
//! so the readouts never need to know a model's own scale. A model that wants mean-removed,
//! unit-variance patches converts on the way in with [`standardize`] and back with
//! [`unstandardize`]; its cost is measured in its own scale, which is where the literature's
//! knob values hold.

use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut};
use rand_pcg::Pcg32;

use super::hyper::ValidHyper;
use super::Real;

/// A named block of θ: a `rows × cols` matrix stored column-major (a vector is `cols = 1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Its name in the saved file ("w_enc", "dict", …).
    pub name: &'static str,
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
}

impl Block {
    /// Number of values in the block.
    pub fn len(&self) -> usize {
        self.rows * self.cols
    }

    /// True for an empty block.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The blocks of θ in order, with their offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    blocks: Vec<Block>,
    offsets: Vec<usize>,
    len: usize,
}

impl Layout {
    /// A layout of `(name, rows, cols)` blocks, packed in the given order.
    pub fn new(blocks: &[(&'static str, usize, usize)]) -> Self {
        let blocks: Vec<Block> = blocks.iter().map(|&(name, rows, cols)| Block { name, rows, cols }).collect();
        let mut offsets = Vec::with_capacity(blocks.len());
        let mut len = 0;
        for b in &blocks {
            offsets.push(len);
            len += b.len();
        }
        Layout { blocks, offsets, len }
    }

    /// The blocks in order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Total number of parameters.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The range of block `i` inside θ.
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.offsets[i]..self.offsets[i] + self.blocks[i].len()
    }

    /// Block `i` of `theta` (or of a gradient with the same layout) as a matrix view.
    pub fn view<'a, T: Real>(&self, theta: &'a [T], i: usize) -> DMatrixView<'a, T> {
        let b = self.blocks[i];
        DMatrixView::from_slice(&theta[self.range(i)], b.rows, b.cols)
    }

    /// Block `i` of `theta` as a mutable matrix view.
    pub fn view_mut<'a, T: Real>(&self, theta: &'a mut [T], i: usize) -> DMatrixViewMut<'a, T> {
        let b = self.blocks[i];
        DMatrixViewMut::from_slice(&mut theta[self.range(i)], b.rows, b.cols)
    }

    /// Index of the block called `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.blocks.iter().position(|b| b.name == name)
    }
}

/// The most penalty terms any model reports (fixed, so a cost never allocates).
pub const MAX_PENALTIES: usize = 3;

/// One step's cost, split into the terms the curves show, always in f64.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cost {
    /// Reconstruction error, in the model's own scale.
    pub recon: f64,
    /// The model's penalty terms, named by [`Model::penalty_names`] (unused slots are 0).
    pub penalties: [f64; MAX_PENALTIES],
    /// Weight decay (λ/2)‖W‖².
    pub decay: f64,
}

impl Cost {
    /// The objective: reconstruction + penalties + decay.
    pub fn total(&self) -> f64 {
        self.recon + self.penalty_sum() + self.decay
    }

    /// Σ of the penalty terms.
    pub fn penalty_sum(&self) -> f64 {
        self.penalties.iter().sum()
    }

    /// True when every term is a finite number.
    pub fn is_finite(&self) -> bool {
        self.total().is_finite()
    }

    /// Term-by-term sum (for means over a slice of steps).
    pub fn add(&mut self, other: &Cost) {
        self.recon += other.recon;
        self.decay += other.decay;
        for (a, b) in self.penalties.iter_mut().zip(other.penalties) {
            *a += b;
        }
    }

    /// Every term times `k`.
    pub fn scaled(&self, k: f64) -> Cost {
        Cost { recon: self.recon * k, penalties: self.penalties.map(|p| p * k), decay: self.decay * k }
    }
}

/// What a model's code values mean, so that "active", firing rates, L0 and the opacity of
/// a node are defined for each model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    /// Sigmoid units in (0, 1); a unit is active above a small threshold.
    Unit,
    /// ReLU-like codes ≥ 0 with exact zeros; active means > 0.
    NonNegative,
    /// Signed codes with exact zeros (sparse coding's soft threshold); active means ≠ 0.
    Signed,
    /// Dense signed codes in units of a N(0, 1) prior, never exactly 0: a VAE's posterior
    /// means μ. Active means |μ| > 0.3 prior σ, so a latent the KL has collapsed onto the
    /// prior (μ within a few hundredths of 0 on every patch) reads as dead.
    Gaussian,
}

/// The settings a model reads on every step: the page's hyperparameters (the sparse
/// autoencoder's knobs, the learning rate, weight decay and input noise) and the values of the
/// model's own knobs, in the order of its [`super::knob::Knob`] table.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// The validated common hyperparameters.
    pub hyper: &'a ValidHyper,
    /// This model's own knob values, in its table's order.
    pub knobs: &'a [f64],
}

impl Ctx<'_> {
    /// The value of own knob `i` (its default when the caller passed fewer values).
    pub fn knob(&self, i: usize, default: f64) -> f64 {
        self.knobs.get(i).copied().unwrap_or(default)
    }
}

/// The [`Model`] methods every model with its own `layout` and `theta` fields writes the same
/// way, its key from its module's `SPEC`: for inside `impl Model<T> for …`.
macro_rules! own_theta {
    () => {
        fn key(&self) -> &'static str {
            SPEC.key
        }

        fn layout(&self) -> &Layout {
            &self.layout
        }

        fn theta(&self) -> &[T] {
            &self.theta
        }

        fn theta_mut(&mut self) -> &mut [T] {
            &mut self.theta
        }
    };
}
pub(crate) use own_theta;

/// A model of the autoencoder family over a flat parameter vector θ.
///
/// Batches are n×m matrices, one patch per column, pixel (x, y) at row y·p + x, in the
/// sampler's range (see the module docs). Every method may reuse buffers the model owns;
/// the training path allocates them once for its batch size.
pub trait Model<T: Real> {
    /// The registry key ("sae", "topk", …).
    fn key(&self) -> &'static str;

    /// The named blocks of θ.
    fn layout(&self) -> &Layout;

    /// All parameters, laid out as [`Model::layout`] says.
    fn theta(&self) -> &[T];

    /// All parameters, mutable (the optimiser and the rollback write here).
    fn theta_mut(&mut self) -> &mut [T];

    /// Names of the penalty terms of [`Cost::penalties`], in order (at most
    /// [`MAX_PENALTIES`]); the curves, the CSV and tooltips use them.
    fn penalty_names(&self) -> &'static [&'static str];

    /// Cost of reconstructing `target` from `input` (equal unless denoising) and its gradient
    /// with respect to θ into `grad` (same layout; every entry is overwritten). `rng` serves
    /// models that sample (a VAE's ε); the others ignore it. Afterwards
    /// [`Model::last_codes`] and [`Model::last_recon`] hold this batch's code and output.
    fn cost_and_grad(
        &mut self,
        input: &DMatrix<T>,
        target: &DMatrix<T>,
        ctx: &Ctx,
        rng: &mut Pcg32,
        grad: &mut [T],
    ) -> Cost;

    /// The cost alone (no gradient), leaving codes and output as [`Model::cost_and_grad`] does.
    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, rng: &mut Pcg32) -> Cost;

    /// Called after every optimiser update (e.g. to renormalise dictionary columns).
    fn after_update(&mut self, _ctx: &Ctx) {}

    /// Codes of a batch (h×m) into `codes`, which the caller sized.
    fn encode(&mut self, x: &DMatrix<T>, ctx: &Ctx, codes: &mut DMatrix<T>);

    /// Reconstructions (n×m, sampler range) of codes (h×m) into `x_hat`.
    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>);

    /// The codes of the latest batch seen by [`Model::cost_and_grad`] or [`Model::evaluate`].
    fn last_codes(&self) -> &DMatrix<T>;

    /// The reconstructions (sampler range) of that batch.
    fn last_recon(&self) -> &DMatrix<T>;

    /// What the code values mean.
    fn code_kind(&self) -> CodeKind;

    /// The filter of each unit as the page draws it, into `out` (resized to h×n if needed, so
    /// a view that keeps its buffer allocates once): h rows of n = p² pixels (row y·p + x).
    /// The sparse autoencoder's encoder rows, a dictionary's atoms, a TopK decoder's columns.
    fn filters_into(&self, out: &mut DMatrix<T>);

    /// [`Model::filters_into`] into a new matrix.
    fn filters(&self) -> DMatrix<T> {
        let mut f = DMatrix::zeros(0, 0);
        self.filters_into(&mut f);
        f
    }

    /// Number of inputs n = p².
    fn inputs(&self) -> usize;

    /// Number of units h.
    fn hidden(&self) -> usize;

    /// A copy of this model behind a new box (for rollback snapshots and tests).
    fn boxed_clone(&self) -> Box<dyn Model<T>>;

    /// True when every parameter is finite.
    fn is_finite(&self) -> bool {
        self.theta().iter().all(|v| v.is_finite())
    }

    /// For a model whose code is *found by an optimisation* (sparse coding), the code of one
    /// patch after each iteration, so the page can show inference converging; `None` for
    /// models with an encoder, whose code is one pass.
    fn inference_trajectory(&mut self, _patch: &[T], _ctx: &Ctx) -> Option<Vec<Vec<T>>> {
        None
    }

    /// The model's own diagnostics on a batch, as (name, value) pairs the page prints beside
    /// its filters (the contractive autoencoder's ‖J‖_F and saturation, TopK's dead units).
    fn diagnostics(&self, _x: &DMatrix<T>) -> Vec<(&'static str, f64)> {
        Vec::new()
    }
}

impl<T: Real> std::fmt::Debug for dyn Model<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}→{}, {} parameters)", self.key(), self.inputs(), self.hidden(), self.theta().len())
    }
}

/// Scale of the sampler's [0.1, 0.9] patches relative to unit pixel variance: the patch
/// normalisation maps (v − mean)/σ ∈ [−3, 3] to 0.5 + 0.4·t/3, so 7.5·(x − 0.5) undoes it.
pub const STANDARD_SCALE: f64 = 7.5;

/// `out = 7.5·(x − 0.5)`: sampler patches as mean-removed patches of unit pixel variance
/// (clipped at ±3σ, as the sampler clips them).
pub fn standardize<T: Real>(x: &DMatrix<T>, out: &mut DMatrix<T>) {
    let (s, half) = (super::c::<T>(STANDARD_SCALE), super::c::<T>(0.5));
    for (o, &v) in out.iter_mut().zip(x.iter()) {
        *o = s * (v - half);
    }
}

/// `x = 0.5 + y/7.5`: a standardised reconstruction back into the sampler's range.
pub fn unstandardize<T: Real>(y: &DMatrix<T>, out: &mut DMatrix<T>) {
    let (inv, half) = (super::c::<T>(1.0 / STANDARD_SCALE), super::c::<T>(0.5));
    for (o, &v) in out.iter_mut().zip(y.iter()) {
        *o = half + v * inv;
    }
}

/// Resizes `m` to `rows × cols` when its shape differs (buffers sized for one batch size are
/// allocated once; a readout with another size reallocates only its own buffers).
pub fn fit<T: Real>(m: &mut DMatrix<T>, rows: usize, cols: usize) {
    if m.shape() != (rows, cols) {
        *m = DMatrix::zeros(rows, cols);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_packs_blocks_in_order() {
        let l = Layout::new(&[("w", 3, 2), ("b", 3, 1), ("d", 2, 3)]);
        assert_eq!(l.len(), 15);
        assert_eq!(l.range(1), 6..9);
        assert_eq!(l.index("d"), Some(2));
        let theta: Vec<f64> = (0..15).map(|i| i as f64).collect();
        let w = l.view(&theta, 0);
        assert_eq!(w[(2, 1)], 5.0, "column-major: row 2, column 1 is entry 2 + 1·3");
        assert_eq!(l.view(&theta, 2)[(1, 0)], 10.0);
    }

    #[test]
    fn standardize_round_trips_and_has_unit_scale() {
        let x = DMatrix::from_column_slice(3, 1, &[0.1f64, 0.5, 0.9]);
        let mut y = DMatrix::zeros(3, 1);
        standardize(&x, &mut y);
        assert!((y[0] + 3.0).abs() < 1e-12 && y[1] == 0.0 && (y[2] - 3.0).abs() < 1e-12);
        let mut back = DMatrix::zeros(3, 1);
        unstandardize(&y, &mut back);
        assert!((back - x).abs().max() < 1e-12);
    }

    #[test]
    fn cost_sums_its_terms() {
        let c = Cost { recon: 1.0, penalties: [0.5, 0.25, 0.0], decay: 0.125 };
        assert_eq!(c.total(), 1.875);
        let mut s = Cost::default();
        s.add(&c);
        s.add(&c);
        assert_eq!(s.scaled(0.5), c);
        assert!(!Cost { recon: f64::NAN, ..c }.is_finite());
    }
}
