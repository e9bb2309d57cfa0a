//! The stacked autoencoder: greedy layer-wise pretraining (Bengio et al. 2007; the sparse
//! version of Lee, Ekanadham & Ng, NIPS 2007, "Sparse deep belief net model for visual area V2"),
//! then an optional end-to-end fine-tune. Both layers are UFLDL sparse autoencoders
//! ([`super::sae::SaeRef`] over two slices of one θ, trained by [`super::cost`]'s own code):
//!
//! layer 1: a = σ(W1·x + b1),  x̂ = σ(W2·a + b2)           n → h → n, on the patches
//! layer 2: a⁽²⁾ = σ(V1·a + c1),  â = σ(V2·a⁽²⁾ + c2)       h → h → h, on layer 1's codes a
//!
//! The `phase` knob says what trains, and can change between any two steps (the model is kept):
//! - **1**: layer 1 alone, J₁ = (1/2m)Σ‖x̂ − x‖² + (λ/2)(‖W1‖² + ‖W2‖²) + β Σⱼ KL(ρ‖ρ̂ⱼ): the sparse
//!   autoencoder exactly (bit for bit, at the same ρ, β, λ, lr and seed: `tests.rs` checks it).
//! - **2**: layer 1 frozen (its gradient is 0), layer 2 on its codes,
//!   J₂ = (1/2m)Σ‖â − a‖² + (λ₂/2)(‖V1‖² + ‖V2‖²) + β₂ Σₖ KL(ρ₂‖ρ̂⁽²⁾ₖ).
//! - **3**: both fine-tuned end to end on the patch through both layers,
//!   x̂ = σ(W2·σ(V2·σ(V1·σ(W1·x + b1) + c1) + c2) + b2),
//!   J₃ = (1/2m)Σ‖x̂ − x‖² + (λ/2)(‖W1‖² + ‖W2‖²) + (λ₂/2)(‖V1‖² + ‖V2‖²) + β ΣKL(ρ‖ρ̂) + β₂ ΣKL(ρ₂‖ρ̂⁽²⁾),
//!   the pretraining's sparsity kept on both codes, so the fine-tuned units stay readable.
//!
//! Phase 3's gradient, with D₄ = (X̂ − X)/m ⊙ X̂(1 − X̂) at the output, Â = layer 2's output:
//!   ∂J/∂W2 = D₄·Âᵀ + λW2,   D₃ = (W2ᵀ·D₄) ⊙ Â(1 − Â),         ∂J/∂V2 = D₃·A⁽²⁾ᵀ + λ₂V2
//!   D₂ = (V2ᵀ·D₃ + s₂/m) ⊙ A⁽²⁾(1 − A⁽²⁾),  ∂J/∂V1 = D₂·Aᵀ + λ₂V1
//!   D₁ = (V1ᵀ·D₂ + s₁/m) ⊙ A(1 − A),         ∂J/∂W1 = D₁·Xᵀ + λW1   (biases: row sums of each D)
//! with sⱼ = β·KL′(ρ‖ρ̂ⱼ) per unit, as in [`super::cost`].
//!
//! **Both layers have h units** (the page's hidden size): the readouts' trackers, the ρ̂ bars,
//! the diagram and the saved file are sized by h for a model's whole life, and the phase
//! changes live, so a layer 2 of another size would change `hidden()` under them.
//!
//! **Frozen is frozen.** A frozen block's gradient is 0, and [`Model::after_update`] puts it
//! back as it was before the update, since Adam's momentum from phase 1 would otherwise carry
//! it on for a while.
//!
//! **The phase lives in θ too**, as its last entry (a 1×1 block `phase` with gradient 0, which
//! neither Adam nor SGD ever moves). Every cost call copies the knob into it; every readout
//! ([`Model::filters_into`], [`Model::decode`], …, which get no knob values) reads it from θ.
//! So the page's mirror of the worker's model, a saved file and a rollback all show the phase
//! the weights were trained in.
//!
//! **What the readouts show.** In phase 1 the model reads as layer 1 (filters = W1's rows,
//! codes = a). In phases 2–3 the codes are a⁽²⁾, the reconstruction is the patch through both
//! layers, and unit k's filter is Lee et al.'s picture of a layer-2 unit: Σⱼ V1ₖⱼ·W1ⱼ over its
//! [`TOP_INPUTS`] largest positive weights V1ₖⱼ (the layer-1 units that excite it most).

use crate::model::family::own_theta;
use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;

use super::cost::{cost_and_grad_pair, hidden_delta, row_sums, sparsity_terms, sq_norm, sum_sq_diff, to_f64};
use super::family::{fit, CodeKind, Cost, Ctx, Layout, Model};
use super::gemm::{gemm, Op};
use super::hyper::{Hyper, OptimizerKind, Output, Penalty, ValidHyper};
use super::knob::{Knob, KnobKind};
use super::sae::{self, Sae, SaeRef};
use super::spec::ModelSpec;
use super::workspace::Workspace;
use super::{c, Real};

mod check;
use check::gradcheck;

/// Index of the `phase` knob in [`SPEC`]'s table.
pub const KNOB_PHASE: usize = 0;
/// Index of layer 1's sparsity target ρ.
pub const KNOB_RHO: usize = 1;
/// Index of layer 1's KL weight β.
pub const KNOB_BETA: usize = 2;
/// Index of layer 2's sparsity target ρ₂.
pub const KNOB_RHO2: usize = 3;
/// Index of layer 2's KL weight β₂.
pub const KNOB_BETA2: usize = 4;
/// Index of layer 2's weight decay λ₂.
pub const KNOB_LAMBDA2: usize = 5;
/// Index of the learning rate.
pub const KNOB_LR: usize = 6;

/// How many of a layer-2 unit's inputs its picture sums: its largest positive weights.
pub const TOP_INPUTS: usize = 8;

/// The registry entry.
pub const SPEC: ModelSpec = ModelSpec {
    key: "stacked",
    name: "Stacked autoencoder",
    about: "Greedy layer-wise pretraining: a sparse autoencoder on the patches, then a second one on its codes (phase knob: 1, 2, 3 = fine-tune)",
    cost: "Phase 1: J₁ = (1/2m)Σ‖x̂ − x‖² + (λ/2)(‖W1‖² + ‖W2‖²) + β Σⱼ KL(ρ‖ρ̂ⱼ), a = σ(W1x + b1), x̂ = σ(W2a + b2). Phase 2 (layer 1 frozen): J₂ = (1/2m)Σ‖â − a‖² + (λ₂/2)(‖V1‖² + ‖V2‖²) + β₂ Σₖ KL(ρ₂‖ρ̂⁽²⁾ₖ), a⁽²⁾ = σ(V1a + c1), â = σ(V2a⁽²⁾ + c2). Phase 3: x̂ = σ(W2â + b2) through both layers, J₃ = (1/2m)Σ‖x̂ − x‖² + both decays + both KL terms.",
    lesson: "Measured here (12×12 patches, 100 + 100 units, photographs and dead leaves, seeds 1–2): not the contours and corners Lee et al. (NIPS 2007) report. Layer 2 rebuilds layer 1's codes well (its error falls 12–27×), but each unit pools about 12 layer-1 edges of mixed orientation, as mixed as random sets of them, and its two strongest edges lie as random pairs do: a distributed recoding whose pictures are cross-hatched mixtures, rarely one edge (1–6 of 100). The fine-tune lowers the patch's error through both layers by a third in 1 000 steps, and blurs about half of layer 1's edges.",
    knobs: &[
        Knob {
            key: "phase",
            label: "phase (1 layer 1, 2 layer 2, 3 fine-tune)",
            help: "1 trains layer 1; 2 freezes it and trains layer 2 on its codes; 3 fine-tunes both on the patch's reconstruction through both layers. Change it live: set 2 once layer 1's filters are edges",
            min: 1.0,
            max: 3.0,
            default: 1.0,
            kind: KnobKind::Int,
        },
        Knob {
            key: "rho",
            label: "ρ (layer 1)",
            help: "Layer 1's sparsity target (the sparse autoencoder's ρ)",
            min: 0.001,
            max: 0.5,
            default: 0.01,
            kind: KnobKind::Float { log: true },
        },
        Knob {
            key: "beta",
            label: "β (layer 1)",
            help: "Weight of layer 1's KL sparsity penalty",
            min: 0.0,
            max: 10.0,
            default: 3.0,
            kind: KnobKind::Float { log: false },
        },
        Knob {
            key: "rho2",
            label: "ρ₂ (layer 2)",
            help: "Layer 2's sparsity target",
            min: 0.001,
            max: 0.5,
            default: 0.05,
            kind: KnobKind::Float { log: true },
        },
        Knob {
            key: "beta2",
            label: "β₂ (layer 2)",
            help: "Weight of layer 2's KL sparsity penalty",
            min: 0.0,
            max: 10.0,
            default: 1.0,
            kind: KnobKind::Float { log: false },
        },
        Knob {
            key: "lambda2",
            label: "λ₂ (layer 2's weight decay)",
            help: "Weight decay of layer 2. 0 by default: layer 1's codes are so small (mean 0.01) that the page's λ = 1e-4 outweighs what reconstructing them gains, and V shrinks to 0",
            min: 0.0,
            max: 0.1,
            default: 0.0,
            kind: KnobKind::Float { log: false },
        },
        Knob::learning_rate(1e-5, 1.0, 1e-2, "Adam's step size, for every phase (the sparse autoencoder's default)"),
    ],
    optimizer: OptimizerKind::Adam,
    build: |shape, knobs, rng| {
        let knob = |i: usize| knobs.get(i).copied().unwrap_or(SPEC.knobs[i].default);
        let (phase, rho, rho2) = (knob(KNOB_PHASE), knob(KNOB_RHO), knob(KNOB_RHO2));
        Box::new(Stacked::<f32>::new(shape.inputs, shape.hidden, phase, rng).with_layer2_rates(rho, rho2))
    },
    gradcheck,
};

/// Block index of the phase in θ (after layer 1's four blocks and layer 2's four).
const PHASE: usize = 8;

/// Which phase trains (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Layer 1 alone.
    Layer1,
    /// Layer 2 on the frozen layer 1's codes.
    Layer2,
    /// Both, end to end.
    FineTune,
}

impl Phase {
    /// The phase a knob (or θ's phase entry) value means: 1, 2 or 3, rounded and clamped.
    pub fn from_value(v: f64) -> Phase {
        match v.round() {
            v if v >= 3.0 => Phase::FineTune,
            v if v >= 2.0 => Phase::Layer2,
            _ => Phase::Layer1,
        }
    }

    /// Its number, as the knob writes it.
    pub fn number(self) -> f64 {
        match self {
            Phase::Layer1 => 1.0,
            Phase::Layer2 => 2.0,
            Phase::FineTune => 3.0,
        }
    }
}

/// Both layers in one θ and the buffers of one batch size.
#[derive(Clone, Debug)]
pub struct Stacked<T: Real> {
    layout: Layout,
    /// Each layer's own layout (offsets from the start of its slice of θ).
    l1: Layout,
    l2: Layout,
    theta: Vec<T>,
    /// Layer 1 (a in `a1`, its reconstruction or the stack's in `a2`) and layer 2 on a.
    ws1: Workspace<T>,
    ws2: Workspace<T>,
    /// Layer 1's codes of the target, when the input is a corrupted copy (phase 2).
    a_target: DMatrix<T>,
    /// The frozen layer 1 as it was before the update (phase 2), put back by
    /// [`Model::after_update`]: a zero gradient alone does not freeze it, since Adam's
    /// momentum from phase 1 would carry it on for a few hundred steps.
    frozen: Vec<T>,
    /// Readout buffers: layer-1 codes, layer-2 output.
    read_a: DMatrix<T>,
    read_ahat: DMatrix<T>,
}

impl<T: Real> Stacked<T> {
    /// A fresh stack n → h → h: layer 1 drawn from `rng` first, exactly as the sparse
    /// autoencoder's [`Sae::init`] (so phase 1 repeats its run), then layer 2 the same way.
    pub fn new(n: usize, h: usize, phase: f64, rng: &mut Pcg32) -> Self {
        let (l1, l2) = (sae::layout(n, h), sae::layout(h, h));
        let layout = Layout::new(&[
            ("w1", h, n),
            ("b1", h, 1),
            ("w2", n, h),
            ("b2", n, 1),
            ("v1", h, h),
            ("c1", h, 1),
            ("v2", h, h),
            ("c2", h, 1),
            ("phase", 1, 1),
        ]);
        let first = Sae::<T>::init(n, h, Output::Sigmoid, rng);
        let second = Sae::<T>::init(h, h, Output::Sigmoid, rng);
        let mut theta = first.to_flat();
        theta.extend_from_slice(second.theta());
        theta.push(c(Phase::from_value(phase).number()));
        debug_assert_eq!(theta.len(), layout.len());
        let e = || DMatrix::zeros(0, 0);
        Stacked {
            ws1: Workspace::new(n, h, 0),
            ws2: Workspace::new(h, h, 0),
            a_target: e(),
            frozen: Vec::new(),
            read_a: e(),
            read_ahat: e(),
            layout,
            l1,
            l2,
            theta,
        }
    }

    /// Starts layer 2 at the rates it will see: its units' bias c1 = logit(ρ₂) (they fire at
    /// their target rate from the first step) and its outputs' bias c2 = logit(ρ) (layer 1's
    /// mean code). From UFLDL's zero biases the first steps of phase 2 push a 0.5 activity
    /// down to a few per cent; with Adam, whose steps have the learning rate's size whatever
    /// the gradient's, that drives every weight of V1 negative (layer 1's codes are all
    /// positive) and layer 2 ends up detecting blank patches (measured: no positive weight
    /// left in any unit).
    pub fn with_layer2_rates(mut self, rho: f64, rho2: f64) -> Self {
        let start = self.l1.len();
        let logit = |p: f64| c::<T>((p / (1.0 - p)).ln());
        for (block, rate) in [(sae::B1, rho2), (sae::B2, rho)] {
            let r = self.l2.range(block);
            self.theta[start + r.start..start + r.end].fill(logit(rate));
        }
        self
    }

    /// The phase θ was last trained in.
    pub fn phase(&self) -> Phase {
        Phase::from_value(to_f64(self.theta[self.layout.range(PHASE).start]))
    }

    /// Layer 1, borrowed from θ.
    pub fn layer1(&self) -> SaeRef<'_, T> {
        SaeRef::new(&self.l1, &self.theta[..self.l1.len()], Output::Sigmoid)
    }

    /// Layer 2, borrowed from θ.
    pub fn layer2(&self) -> SaeRef<'_, T> {
        let start = self.l1.len();
        SaeRef::new(&self.l2, &self.theta[start..start + self.l2.len()], Output::Sigmoid)
    }

    /// Copies the knob's phase into θ, sizes the buffers for `m` patches, and returns the
    /// hyperparameters of each layer (layer 1: the page's λ, layer 2: λ₂; each layer's own ρ
    /// and β, KL penalty).
    fn prepare(&mut self, ctx: &Ctx, m: usize) -> (Phase, ValidHyper, ValidHyper) {
        let phase = Phase::from_value(ctx.knob(KNOB_PHASE, 1.0));
        let at = self.layout.range(PHASE).start;
        self.theta[at] = c(phase.number());
        let (n, h) = (self.inputs(), self.hidden());
        if self.ws1.batch() != m {
            self.ws1 = Workspace::new(n, h, m);
            self.ws2 = Workspace::new(h, h, m);
        }
        let knob = |i: usize| ctx.knob(i, SPEC.knobs[i].default);
        let layer = |rho: f64, beta: f64, lambda: f64| {
            let hyper = Hyper { rho, beta, lambda, penalty: Penalty::Kl, ..*ctx.hyper.get() };
            // the knobs' ranges make it valid; a hand-made context out of range falls back
            hyper.validate().unwrap_or(ValidHyper::DEFAULT)
        };
        let lambda = ctx.hyper.get().lambda;
        (
            phase,
            layer(knob(KNOB_RHO), knob(KNOB_BETA), lambda),
            layer(knob(KNOB_RHO2), knob(KNOB_BETA2), knob(KNOB_LAMBDA2)),
        )
    }

    /// The forward pass and cost of `phase`, with its gradient into `grad` when given (the
    /// frozen blocks' entries 0). Leaves the codes in `ws1.a1` (phase 1) or `ws2.a1`, and the
    /// reconstruction of the patch in `ws1.a2`.
    fn run(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, grad: Option<&mut [T]>) -> Cost {
        let (phase, hyper1, hyper2) = self.prepare(ctx, input.ncols());
        let (len1, len2) = (self.l1.len(), self.l2.len());
        let mut grad = grad;
        if let Some(g) = grad.as_deref_mut() {
            g.fill(T::zero());
        }
        let (l1, l2, theta) = (&self.l1, &self.l2, &self.theta);
        let layer1 = SaeRef::new(l1, &theta[..len1], Output::Sigmoid);
        let layer2 = SaeRef::new(l2, &theta[len1..len1 + len2], Output::Sigmoid);
        match phase {
            Phase::Layer1 => {
                let p = match grad {
                    Some(g) => cost_and_grad_pair(layer1, input, target, &hyper1, &mut self.ws1, &mut g[..len1]),
                    None => super::cost::evaluate_pair(layer1, input, target, &hyper1, &mut self.ws1),
                };
                Cost { recon: p.recon, penalties: [p.sparsity, 0.0, 0.0], decay: p.decay }
            }
            Phase::Layer2 => {
                layer1.encode(input, &mut self.ws1.a1);
                let denoising = !std::ptr::eq(input, target);
                if denoising {
                    fit(&mut self.a_target, self.ws1.a1.nrows(), target.ncols());
                    layer1.encode(target, &mut self.a_target);
                }
                let a_t = if denoising { &self.a_target } else { &self.ws1.a1 };
                let p = match grad {
                    Some(g) => {
                        cost_and_grad_pair(layer2, &self.ws1.a1, a_t, &hyper2, &mut self.ws2, &mut g[len1..len1 + len2])
                    }
                    None => super::cost::evaluate_pair(layer2, &self.ws1.a1, a_t, &hyper2, &mut self.ws2),
                };
                // what the readouts show: the patch through both layers
                layer1.decode(&self.ws2.a2, &mut self.ws1.a2);
                Cost { recon: p.recon, penalties: [0.0, p.sparsity, 0.0], decay: p.decay }
            }
            Phase::FineTune => {
                let cost =
                    fine_tune_forward(layer1, layer2, input, target, &hyper1, &hyper2, &mut self.ws1, &mut self.ws2);
                if let Some(g) = grad {
                    let lambda = [hyper1, hyper2].map(|h| c::<T>(h.get().lambda));
                    fine_tune_backward(layer1, layer2, input, target, lambda, &mut self.ws1, &mut self.ws2, g, len1);
                }
                cost
            }
        }
    }

    /// The codes the readouts show of patches `x` into `codes`: a in phase 1, a⁽²⁾ after.
    fn codes_of(&mut self, x: &DMatrix<T>, codes: &mut DMatrix<T>) {
        let (h, m) = (self.hidden(), x.ncols());
        if self.phase() == Phase::Layer1 {
            fit(codes, h, m);
            self.layer1().encode(x, codes);
            return;
        }
        let mut a = std::mem::take(&mut self.read_a);
        fit(&mut a, h, m);
        fit(codes, h, m);
        self.layer1().encode(x, &mut a);
        self.layer2().encode(&a, codes);
        self.read_a = a;
    }
}

/// Phase 3's forward pass through both layers and its cost: a in `ws1.a1`, a⁽²⁾ in `ws2.a1`,
/// â in `ws2.a2`, x̂ in `ws1.a2`, ρ̂ and the sparsity gradients in each workspace.
#[allow(clippy::too_many_arguments)]
fn fine_tune_forward<T: Real>(
    layer1: SaeRef<'_, T>,
    layer2: SaeRef<'_, T>,
    input: &DMatrix<T>,
    target: &DMatrix<T>,
    hyper1: &ValidHyper,
    hyper2: &ValidHyper,
    ws1: &mut Workspace<T>,
    ws2: &mut Workspace<T>,
) -> Cost {
    let m = c::<T>(target.ncols() as f64);
    layer1.encode(input, &mut ws1.a1);
    layer2.forward(&ws1.a1, ws2);
    layer1.decode(&ws2.a2, &mut ws1.a2);
    let recon = sum_sq_diff(ws1.a2.as_slice(), target.as_slice()) / (m + m);
    let s1 = sparsity_terms(&ws1.a1, hyper1, &mut ws1.rho_hat, &mut ws1.sparse_grad);
    let s2 = sparsity_terms(&ws2.a1, hyper2, &mut ws2.rho_hat, &mut ws2.sparse_grad);
    let decay = [(layer1, hyper1), (layer2, hyper2)].iter().fold(T::zero(), |a, (net, h)| {
        a + c::<T>(h.get().lambda / 2.0) * (sq_norm(net.block(sae::W1)) + sq_norm(net.block(sae::W2)))
    });
    Cost { recon: to_f64(recon), penalties: [to_f64(s1), to_f64(s2), 0.0], decay: to_f64(decay) }
}

/// Phase 3's gradient (module docs) into `g` (layer 1's blocks from 0, layer 2's from `len1`),
/// after [`fine_tune_forward`].
#[allow(clippy::too_many_arguments)]
fn fine_tune_backward<T: Real>(
    layer1: SaeRef<'_, T>,
    layer2: SaeRef<'_, T>,
    input: &DMatrix<T>,
    target: &DMatrix<T>,
    lambda: [T; 2],
    ws1: &mut Workspace<T>,
    ws2: &mut Workspace<T>,
    g: &mut [T],
    len1: usize,
) {
    let inv_m = T::one() / c::<T>(target.ncols() as f64);
    let (g1, rest) = g.split_at_mut(len1);
    let g2 = &mut rest[..layer2.layout().len()];
    // ∂J/∂W = D·Xᵀ + λW and ∂J/∂b = D·1 for block pair (w, b) of `net`, whose gradient is `g`
    let weight_grad = |g: &mut [T], net: SaeRef<'_, T>, (w, b): (usize, usize), d: &DMatrix<T>, x: &DMatrix<T>| {
        let (lay, lambda) =
            (net.layout(), if std::ptr::eq(net.block(0), layer1.block(0)) { lambda[0] } else { lambda[1] });
        g[lay.range(w)].copy_from_slice(net.block(w));
        gemm(T::one(), d, Op::N, x, Op::T, lambda, &mut lay.view_mut(g, w));
        row_sums(d, &mut g[lay.range(b)]);
    };
    // D₄ = (X̂ − X)/m ⊙ X̂(1 − X̂), at layer 1's output
    let cells = ws1.d2.iter_mut().zip(ws1.a2.iter()).zip(target.iter());
    cells.for_each(|((d, &o), &t)| *d = (o - t) * inv_m * o * (T::one() - o));
    weight_grad(g1, layer1, (sae::W2, sae::B2), &ws1.d2, &ws2.a2);
    // D₃ = (W2ᵀ·D₄) ⊙ Â(1 − Â), at layer 2's output (no sparsity term there)
    gemm(T::one(), &layer1.w2(), Op::T, &ws1.d2, Op::N, T::zero(), &mut ws2.d2);
    ws2.d2.iter_mut().zip(ws2.a2.iter()).for_each(|(d, &o)| *d *= o * (T::one() - o));
    weight_grad(g2, layer2, (sae::W2, sae::B2), &ws2.d2, &ws2.a1);
    // D₂ = (V2ᵀ·D₃ + s₂/m) ⊙ A⁽²⁾(1 − A⁽²⁾)
    gemm(T::one(), &layer2.w2(), Op::T, &ws2.d2, Op::N, T::zero(), &mut ws2.d1);
    hidden_delta(&mut ws2.d1, &ws2.a1, &ws2.sparse_grad, inv_m);
    weight_grad(g2, layer2, (sae::W1, sae::B1), &ws2.d1, &ws1.a1);
    // D₁ = (V1ᵀ·D₂ + s₁/m) ⊙ A(1 − A)
    gemm(T::one(), &layer2.w1(), Op::T, &ws2.d1, Op::N, T::zero(), &mut ws1.d1);
    hidden_delta(&mut ws1.d1, &ws1.a1, &ws1.sparse_grad, inv_m);
    weight_grad(g1, layer1, (sae::W1, sae::B1), &ws1.d1, input);
}

/// Lee et al.'s picture of each layer-2 unit (rows of `out`, h×n): Σⱼ V1ₖⱼ·W1ⱼ over the
/// [`TOP_INPUTS`] largest positive V1ₖⱼ ([`top_inputs`]).
fn layer2_pictures<T: Real>(layer1: SaeRef<'_, T>, layer2: SaeRef<'_, T>, out: &mut DMatrix<T>) {
    let (w1, v1) = (layer1.w1(), layer2.w1());
    fit(out, v1.nrows(), w1.ncols());
    out.fill(T::zero());
    for k in 0..v1.nrows() {
        for (j, w) in top_inputs(&v1.row(k).iter().copied().collect::<Vec<T>>(), TOP_INPUTS) {
            for (o, &f) in out.row_mut(k).iter_mut().zip(w1.row(j).iter()) {
                *o += w * f;
            }
        }
    }
}

/// The `k` largest positive entries of `weights`, as (index, weight), largest first.
pub fn top_inputs<T: Real>(weights: &[T], k: usize) -> Vec<(usize, T)> {
    let mut order: Vec<(usize, T)> = weights.iter().copied().enumerate().filter(|(_, w)| *w > T::zero()).collect();
    order.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
    order.truncate(k);
    order
}

impl<T: Real + 'static> Model<T> for Stacked<T> {
    own_theta!();

    /// β·ΣKL(ρ‖ρ̂) of layer 1's codes and β₂·ΣKL(ρ₂‖ρ̂⁽²⁾) of layer 2's (each 0 in the
    /// phase that does not train it).
    fn penalty_names(&self) -> &'static [&'static str] {
        &["kl1", "kl2"]
    }

    fn cost_and_grad(
        &mut self,
        input: &DMatrix<T>,
        target: &DMatrix<T>,
        ctx: &Ctx,
        _: &mut Pcg32,
        grad: &mut [T],
    ) -> Cost {
        self.frozen.clear();
        if Phase::from_value(ctx.knob(KNOB_PHASE, 1.0)) == Phase::Layer2 {
            self.frozen.extend_from_slice(&self.theta[..self.l1.len()]);
        }
        self.run(input, target, ctx, Some(grad))
    }

    /// Puts the frozen layer 1 back as it was before the update (phase 2), bit for bit.
    fn after_update(&mut self, _: &Ctx) {
        if !self.frozen.is_empty() {
            let n = self.frozen.len();
            self.theta[..n].copy_from_slice(&self.frozen);
        }
    }

    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, _: &mut Pcg32) -> Cost {
        self.run(input, target, ctx, None)
    }

    /// a in phase 1, a⁽²⁾ in phases 2–3 (of the phase θ was last trained in).
    fn encode(&mut self, x: &DMatrix<T>, _: &Ctx, codes: &mut DMatrix<T>) {
        self.codes_of(x, codes);
    }

    /// Phase 1: layer 1's decoder. Phases 2–3: layer 2's decoder, then layer 1's.
    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
        let m = codes.ncols();
        fit(x_hat, self.inputs(), m);
        if self.phase() == Phase::Layer1 {
            self.layer1().decode(codes, x_hat);
            return;
        }
        let mut ahat = std::mem::take(&mut self.read_ahat);
        fit(&mut ahat, self.hidden(), m);
        self.layer2().decode(codes, &mut ahat);
        self.layer1().decode(&ahat, x_hat);
        self.read_ahat = ahat;
    }

    fn last_codes(&self) -> &DMatrix<T> {
        if self.phase() == Phase::Layer1 {
            &self.ws1.a1
        } else {
            &self.ws2.a1
        }
    }

    /// The patch's reconstruction: through layer 1 (phase 1) or through both layers.
    fn last_recon(&self) -> &DMatrix<T> {
        &self.ws1.a2
    }

    fn code_kind(&self) -> CodeKind {
        CodeKind::Unit
    }

    /// Layer 1's filters (W1's rows) in phase 1; each layer-2 unit's weighted sum of the
    /// layer-1 filters that excite it most in phases 2–3 (module docs).
    fn filters_into(&self, out: &mut DMatrix<T>) {
        if self.phase() == Phase::Layer1 {
            let w = self.layer1().w1();
            fit(out, w.nrows(), w.ncols());
            out.copy_from(&w);
        } else {
            layer2_pictures(self.layer1(), self.layer2(), out);
        }
    }

    fn inputs(&self) -> usize {
        self.l1.blocks()[sae::W1].cols
    }

    fn hidden(&self) -> usize {
        self.l1.blocks()[sae::W1].rows
    }

    fn boxed_clone(&self) -> Box<dyn Model<T>> {
        Box::new(self.clone())
    }

    /// The phase; each layer's mean activity on `x`; and in phases 2–3 how a layer-2 unit
    /// mixes its inputs: how many layer-1 units carry half of its positive weight (mean over
    /// units), and the share of that weight its strongest input has.
    fn diagnostics(&self, x: &DMatrix<T>) -> Vec<(&'static str, f64)> {
        let (h, m) = (self.hidden(), x.ncols());
        let mut a = DMatrix::zeros(h, m);
        self.layer1().encode(x, &mut a);
        let mean = |a: &DMatrix<T>| a.iter().map(|&v| to_f64(v)).sum::<f64>() / a.len().max(1) as f64;
        let mut out = vec![("phase", self.phase().number()), ("layer-1 mean activity", mean(&a))];
        if self.phase() != Phase::Layer1 {
            let mut a2 = DMatrix::zeros(h, m);
            self.layer2().encode(&a, &mut a2);
            out.push(("layer-2 mean activity", mean(&a2)));
            let (half, top) = mixing(&self.layer2().w1());
            out.push(("layer-1 units carrying half a layer-2 unit's weight", half));
            out.push(("strongest input's share", top));
        }
        out
    }
}

/// How layer-2 units mix their inputs, from V1 (h×h): the mean over units of (the fewest
/// inputs whose positive weights sum to half the unit's positive total, the largest positive
/// weight's share of that total).
pub fn mixing<T: Real>(v1: &nalgebra::DMatrixView<'_, T>) -> (f64, f64) {
    let h = v1.nrows().max(1) as f64;
    let (mut half, mut top) = (0.0, 0.0);
    for row in v1.row_iter() {
        let mut pos: Vec<f64> = row.iter().map(|&v| to_f64(v)).filter(|&v| v > 0.0).collect();
        pos.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = pos.iter().sum();
        if total <= 0.0 {
            continue;
        }
        let mut acc = 0.0;
        let count = pos.iter().take_while(|&&w| {
            let before = acc;
            acc += w;
            before < total / 2.0
        });
        half += count.count() as f64;
        top += pos[0] / total;
    }
    (half / h, top / h)
}

/// A fresh f64 stack for the checks, seeded.
pub(crate) fn seeded_f64(n: usize, h: usize, phase: f64, seed: u64) -> Stacked<f64> {
    Stacked::new(n, h, phase, &mut Pcg32::seed_from_u64(seed))
}

#[cfg(test)]
mod tests;
