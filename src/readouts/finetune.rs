//! The stacked autoencoder's supervised fine-tune (UFLDL's "Building Deep Networks for
//! Classification", its `stackedAECost`): the two pretrained encoders and the softmax
//! classifier on top become one network, digit → a = σ(W1x + b1) → a⁽²⁾ = σ(V1a + c1) →
//! P = softmax(Wc·s(a⁽²⁾) + bc), and all of it is trained on the labels,
//!
//!   J = −(1/m) Σⱼ log P(yⱼ | xⱼ) + (λ/2)‖Wc‖²,
//!
//! from the stacked model's W1, b1, V1, c1 and the [`Softmax`] fitted to its layer-2 codes (the
//! "before" row of the table). As in `stackedAECost`, the decay is on the classifier's weights
//! only: the encoders come regularised by their pretraining, and the cost at the start is then
//! exactly the fitted softmax's own.
//!
//! **Standardisation.** The softmax reads each feature as s(a⁽²⁾)ᵢ = (a⁽²⁾ᵢ − μᵢ)/σᵢ, with the
//! training codes' mean and deviation. Here that stays a fixed layer between a⁽²⁾ and Wc (μ and
//! σ of the codes before the fine-tune, not recomputed as the codes change): at the start the
//! network computes the fitted softmax's scores exactly, and Wc keeps the units its decay and
//! step size were chosen in. (Folding 1/σ into Wc would give the same scores but make the decay
//! weigh each unit by its deviation.) Its only trace in the gradient is the factor 1/σᵢ in
//! D₂ below.
//!
//! Gradient, with D₃ = (P − Y)/m, S = s(A⁽²⁾):
//!   ∂J/∂Wc = D₃·Sᵀ + λWc,   D₂ = (1/σ ⊙ Wcᵀ·D₃) ⊙ A⁽²⁾(1 − A⁽²⁾),   ∂J/∂V1 = D₂·Aᵀ,
//!   D₁ = (V1ᵀ·D₂) ⊙ A(1 − A),   ∂J/∂W1 = D₁·Xᵀ   (biases: row sums of each D).
//!
//! **Optimiser.** Full-batch Adam ([`Optimizer`], the trainer's own) for a fixed number of
//! iterations, in f64 and a fixed order, so the same model and digits give the same network
//! natively and in the page. Not the softmax's Nesterov descent: layer 2's codes on the digits
//! barely vary (σ ≈ 10⁻⁴ measured, about their mean ρ₂), so the standardisation multiplies the
//! encoders' gradient by ~10⁴ and their curvature by ~10⁸ against the classifier's; Nesterov
//! diverged at every encoder step size tried (10⁻¹ to 10⁻³, the classifier's at 0.5). Adam's per-parameter
//! scaling makes every weight move by about the learning rate, whatever its gradient's size.
//! L-BFGS (UFLDL's choice, `sae-train --lbfgs`) would adapt too, but its line search's
//! evaluations cannot be cut into a frame's worth. One iteration at 100 + 100 units is ~45 M
//! multiply-adds over the 1 000 digits, tens of milliseconds in wasm, so the gradient is summed
//! over [`SLICE`] digits at a time and [`FineTune::step`] counts slices: the page runs a few per
//! frame, and the sum is the same whatever the frames.

use nalgebra::{DMatrix, DMatrixView};

use super::softmax::{cross_entropy_deltas, Softmax, DECAY};
use crate::model::activation::sigmoid;
use crate::model::family::fit;
use crate::model::gemm::{gemm, Op};
use crate::model::stacked::{Phase, SPEC as STACKED};
use crate::model::{Layout, Model, Optimizer, OptimizerKind};

/// Adam's step size.
pub const LEARNING_RATE: f64 = 1e-3;
/// Iterations of a full fine-tune.
pub const ITERATIONS: usize = 300;
/// Digits per slice of an iteration's gradient.
pub const SLICE: usize = 100;

/// Blocks of the network's θ, in order.
const W1: usize = 0;
const B1: usize = 1;
const V1: usize = 2;
const C1: usize = 3;
const WC: usize = 4;
const BC: usize = 5;

/// A stacked model's two encoders (W1, b1, V1, c1), copied out of its θ in f64.
#[derive(Clone, Debug)]
pub struct Encoder {
    inputs: usize,
    hidden: usize,
    theta: Vec<f64>,
}

impl Encoder {
    /// The encoders of `model` if it is a stacked autoencoder whose layer 2 has trained (phase
    /// 2 or 3): only then are its codes layer 2's, the features the fine-tune starts from.
    pub fn of(model: &dyn Model<f32>) -> Option<Encoder> {
        if model.key() != STACKED.key {
            return None;
        }
        let (layout, theta) = (model.layout(), model.theta());
        let block = |name: &str| layout.index(name).map(|i| &theta[layout.range(i)]);
        if Phase::from_value(f64::from(*block("phase")?.first()?)) == Phase::Layer1 {
            return None;
        }
        let mut flat = Vec::new();
        for name in ["w1", "b1", "v1", "c1"] {
            flat.extend(block(name)?.iter().map(|&v| f64::from(v)));
        }
        Some(Encoder { inputs: model.inputs(), hidden: model.hidden(), theta: flat })
    }
}

/// One pass's activations over a set of digits: a, a⁽²⁾, s(a⁽²⁾), the scores (then P − Y),
/// and the hidden deltas.
#[derive(Clone, Debug, Default)]
struct Pass {
    a1: DMatrix<f64>,
    a2: DMatrix<f64>,
    s: DMatrix<f64>,
    z: DMatrix<f64>,
    d2: DMatrix<f64>,
    d1: DMatrix<f64>,
}

/// The network being fine-tuned on one training set.
#[derive(Clone, Debug)]
pub struct FineTune {
    layout: Layout,
    /// The training digits (n×m) and their classes.
    x: DMatrix<f64>,
    labels: Vec<usize>,
    /// The fixed standardisation of layer 2's codes (module docs).
    mean: Vec<f64>,
    inv_std: Vec<f64>,
    /// Parameters, their optimiser and the gradient being summed.
    theta: Vec<f64>,
    adam: Optimizer<f64>,
    grad: Vec<f64>,
    pass: Pass,
    /// Digits per slice ([`SLICE`]; the tests cut smaller ones).
    slice_len: usize,
    /// Iterations done, the next slice of the current one, and its cross-entropy so far.
    iterations: usize,
    slice: usize,
    loss: f64,
    cost: f64,
}

impl FineTune {
    /// The network of `encoder` with the classifier `before` on top (fitted to the encoder's
    /// codes of `features`, n×m, labelled `labels`), at the start of the fine-tune.
    pub fn new(encoder: &Encoder, before: &Softmax, features: &DMatrix<f32>, labels: &[u8]) -> FineTune {
        let (n, h) = (encoder.inputs, encoder.hidden);
        let (w, mean, inv_std) = before.parts();
        let k = w.nrows();
        assert_eq!(w.ncols(), h + 1, "the classifier reads the encoder's {h} codes");
        let layout = Layout::new(&[("w1", h, n), ("b1", h, 1), ("v1", h, h), ("c1", h, 1), ("wc", k, h), ("bc", k, 1)]);
        let mut theta = encoder.theta.clone();
        theta.extend_from_slice(w.columns(0, h).clone_owned().as_slice());
        theta.extend(w.column(h).iter());
        debug_assert_eq!(theta.len(), layout.len());
        let len = theta.len();
        FineTune {
            layout,
            x: features.map(f64::from),
            labels: labels.iter().map(|&l| usize::from(l)).collect(),
            mean: mean.to_vec(),
            inv_std: inv_std.to_vec(),
            adam: Optimizer::new(OptimizerKind::Adam, len),
            grad: vec![0.0; len],
            theta,
            pass: Pass::default(),
            slice_len: SLICE,
            iterations: 0,
            slice: 0,
            loss: 0.0,
            cost: f64::NAN,
        }
    }

    /// Slices per iteration.
    pub fn slices(&self) -> usize {
        self.x.ncols().div_ceil(self.slice_len).max(1)
    }

    /// Runs up to `n` more slices of gradient (an iteration is [`Self::slices`] of them; to
    /// [`ITERATIONS`] in all); returns the cost before the last finished iteration's update.
    pub fn step(&mut self, n: usize) -> f64 {
        for _ in 0..n {
            if self.done() {
                break;
            }
            if self.slice == 0 {
                self.grad.fill(0.0);
                self.loss = 0.0;
            }
            let m = self.x.ncols();
            let start = self.slice * self.slice_len;
            let x = self.x.columns(start, self.slice_len.min(m - start));
            let labels = &self.labels[start..start + x.ncols()];
            self.loss += backprop(
                &self.layout,
                &self.theta,
                &self.mean,
                &self.inv_std,
                &x,
                labels,
                m,
                &mut self.pass,
                &mut self.grad,
            );
            self.slice += 1;
            if self.slice == self.slices() {
                self.finish_iteration();
            }
        }
        self.cost
    }

    /// The decay's share of the cost and gradient, then Adam's update.
    fn finish_iteration(&mut self) {
        let r = self.layout.range(WC);
        let wc = &self.theta[r.clone()];
        let decay: f64 = wc.iter().map(|w| w * w).sum();
        self.grad[r.clone()].iter_mut().zip(wc).for_each(|(g, &w)| *g += DECAY * w);
        self.cost = self.loss / self.x.ncols().max(1) as f64 + 0.5 * DECAY * decay;
        self.adam.step(&mut self.theta, &self.grad, LEARNING_RATE);
        self.iterations += 1;
        self.slice = 0;
    }

    /// Fits to the end.
    pub fn fit(mut self) -> FineTune {
        self.step(ITERATIONS * self.slices());
        self
    }

    /// Iterations finished so far.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Whether the fine-tune has run all its iterations.
    pub fn done(&self) -> bool {
        self.iterations >= ITERATIONS
    }

    /// Layer-2 units (the width of what the classifier reads).
    pub fn hidden(&self) -> usize {
        self.layout.blocks()[V1].rows
    }

    /// The class the network gives each digit of `features` (n×m).
    pub fn predict(&self, features: &DMatrix<f32>) -> Vec<usize> {
        let x = features.map(f64::from);
        let mut pass = Pass::default();
        forward(&self.layout, &self.theta, &self.mean, &self.inv_std, &x.columns(0, x.ncols()), &mut pass);
        pass.z.column_iter().map(|c| c.argmax().0).collect()
    }

    /// Share of `features`' digits whose predicted class is their label.
    pub fn accuracy(&self, features: &DMatrix<f32>, labels: &[u8]) -> f64 {
        let right = self.predict(features).iter().zip(labels).filter(|(p, &l)| **p == usize::from(l)).count();
        right as f64 / labels.len().max(1) as f64
    }

    /// The cost J at `theta` (for the gradient check).
    #[cfg(test)]
    fn cost_at(&mut self, theta: &[f64]) -> f64 {
        self.theta.copy_from_slice(theta);
        let (iterations, adam) = (self.iterations, self.adam.clone());
        self.step(self.slices());
        (self.iterations, self.adam) = (iterations, adam);
        self.theta.copy_from_slice(theta);
        self.cost
    }
}

/// out = σ(W·input + b) for block pair (w, b) of `theta`.
fn layer(layout: &Layout, theta: &[f64], (w, b): (usize, usize), input: &DMatrixView<'_, f64>, out: &mut DMatrix<f64>) {
    let bias = &theta[layout.range(b)];
    fit(out, bias.len(), input.ncols());
    out.column_iter_mut().for_each(|mut c| c.copy_from_slice(bias));
    gemm(1.0, &layout.view(theta, w), Op::N, input, Op::N, 1.0, out);
    out.apply(|v| *v = sigmoid(*v));
}

/// The forward pass of digits `x` into `pass`: a, a⁽²⁾, s(a⁽²⁾) and the class scores.
fn forward(layout: &Layout, theta: &[f64], mean: &[f64], inv_std: &[f64], x: &DMatrixView<'_, f64>, pass: &mut Pass) {
    layer(layout, theta, (W1, B1), x, &mut pass.a1);
    layer(layout, theta, (V1, C1), &pass.a1.columns(0, x.ncols()), &mut pass.a2);
    pass.s.clone_from(&pass.a2);
    for mut col in pass.s.column_iter_mut() {
        col.iter_mut().zip(mean.iter().zip(inv_std)).for_each(|(v, (&mu, &k))| *v = (*v - mu) * k);
    }
    let bias = &theta[layout.range(BC)];
    fit(&mut pass.z, bias.len(), x.ncols());
    pass.z.column_iter_mut().for_each(|mut c| c.copy_from_slice(bias));
    gemm(1.0, &layout.view(theta, WC), Op::N, &pass.s, Op::N, 1.0, &mut pass.z);
}

/// Adds the cross-entropy's gradient over digits `x` (labelled `labels`, out of `m` in all)
/// to `grad` (module docs) and returns their summed cross-entropy.
#[allow(clippy::too_many_arguments)]
fn backprop(
    layout: &Layout,
    theta: &[f64],
    mean: &[f64],
    inv_std: &[f64],
    x: &DMatrixView<'_, f64>,
    labels: &[usize],
    m: usize,
    pass: &mut Pass,
    grad: &mut [f64],
) -> f64 {
    forward(layout, theta, mean, inv_std, x, pass);
    let loss = cross_entropy_deltas(&mut pass.z, labels);
    pass.z /= m.max(1) as f64;
    // ∂J/∂W = D·inputᵀ and ∂J/∂b = D·1 for block pair (w, b), added to the slices' sum
    let mut add = |(w, b): (usize, usize), d: &DMatrix<f64>, input: &DMatrixView<'_, f64>| {
        gemm(1.0, d, Op::N, input, Op::T, 1.0, &mut layout.view_mut(grad, w));
        let gb = &mut grad[layout.range(b)];
        d.column_iter().for_each(|c| gb.iter_mut().zip(c.iter()).for_each(|(g, &v)| *g += v));
    };
    add((WC, BC), &pass.z, &pass.s.columns(0, x.ncols()));
    // D₂ = (1/σ ⊙ Wcᵀ·D₃) ⊙ A⁽²⁾(1 − A⁽²⁾)
    fit(&mut pass.d2, pass.a2.nrows(), x.ncols());
    gemm(1.0, &layout.view(theta, WC), Op::T, &pass.z, Op::N, 0.0, &mut pass.d2);
    for (mut d, a) in pass.d2.column_iter_mut().zip(pass.a2.column_iter()) {
        d.iter_mut().zip(a.iter().zip(inv_std)).for_each(|(d, (&a, &k))| *d *= k * a * (1.0 - a));
    }
    add((V1, C1), &pass.d2, &pass.a1.columns(0, x.ncols()));
    // D₁ = (V1ᵀ·D₂) ⊙ A(1 − A)
    fit(&mut pass.d1, pass.a1.nrows(), x.ncols());
    gemm(1.0, &layout.view(theta, V1), Op::T, &pass.d2, Op::N, 0.0, &mut pass.d1);
    pass.d1.zip_apply(&pass.a1, |d, a| *d *= a * (1.0 - a));
    add((W1, B1), &pass.d1, x);
    loss
}

#[cfg(test)]
mod tests;
