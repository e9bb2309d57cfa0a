//! The TopK autoencoder of Gao et al. 2024, "Scaling and evaluating sparse autoencoders", on
//! standardised patches x (see [`super::family::standardize`]):
//!
//! z = ReLU(TopK_k(W_enc·(x − b_pre) + b_enc)),   x̂ = D·z + b_pre,   D[:, j] = W_dec[:, j]/‖W_dec[:, j]‖
//! J = (1/2m)Σ_i‖x̂_i − t_i‖²  (+ the AuxK term below)
//!
//! k fixes L0 directly, so there is no sparsity penalty. The decoder is used normalised in the
//! forward pass, so the gradient w.r.t. W_dec is (I − D_jD_jᵀ)·g_j/‖W_dec[:, j]‖: its
//! component parallel to each column is removed exactly (the paper's projection), and
//! [`Model::after_update`] renormalises the columns, as the paper does after each step.
//! Gradients reach only the kept units (no straight-through estimator).
//!
//! **AuxK** (the paper's remedy for dead units): a unit is dead when it has not fired for
//! [`DEAD_AFTER`] patches. The top k_aux = min(n/2, #dead) pre-activations among dead units
//! (the paper uses a power of two near d_model/2) reconstruct the residual e = t − x̂, held
//! fixed: "auxk" = α·(1/2m)Σ_i‖e_i − D·z_aux,i‖² with α = 1/32, so its gradient reaches only
//! the dead units (and b_pre through their pre-activations).
//!
//! Gradient, with mask M = [Z > 0], R = α(D·Z_aux − E)/m and Δ_main = (Dᵀ·(X̂ − T)/m) ⊙ M:
//!   ∂/∂D = (X̂ − T)/m·Zᵀ + R·Z_auxᵀ,   Δ = Δ_main + (Dᵀ·R) ⊙ [Z_aux > 0]
//!   ∂/∂W_enc = Δ·(X − b_pre)ᵀ,  ∂/∂b_enc = Δ·1,  ∂/∂b_pre = (X̂ − T)/m·1 − W_encᵀ·Δ·1

use nalgebra::DMatrix;
use rand_pcg::Pcg32;

use super::cost::{row_sums, sum_sq_diff, to_f64};
use super::family::{fit, standardize, unstandardize, Cost, Ctx, Layout, Model};
use super::gemm::{gemm, Op};
use super::hyper::OptimizerKind;
use super::knob::{Knob, KnobKind};
use super::relu_l1::{add_bias, random_columns};
use super::spec::ModelSpec;
use super::{c, Real};

mod pass;
use pass::{top_relu, Pass};
mod check;
use check::gradcheck;
mod model_impl;

/// Index of the `k` knob in [`SPEC`]'s table.
pub const KNOB_K: usize = 0;
/// Index of the `auxk` switch.
pub const KNOB_AUXK: usize = 1;
/// Index of the `lr` knob.
pub const KNOB_LR: usize = 2;

const W_ENC: usize = 0;
const B_ENC: usize = 1;
const W_DEC: usize = 2;
const B_PRE: usize = 3;

/// A unit is dead after this many patches without firing: ≈ 40 batches of 256, far longer
/// than a live unit waits (at k = 4 of 25 a unit fires in 16% of patches on average).
pub const DEAD_AFTER: u64 = 10_000;
/// Weight α of the AuxK term (the paper's 1/32).
pub const AUXK_WEIGHT: f64 = 1.0 / 32.0;
/// The encoder starts at this multiple of the decoder's transpose: an exactly tied start
/// keeps the random start's checkerboard noise in the encoder rows.
pub const ENCODER_INIT_SCALE: f64 = 0.1;

/// The registry entry.
pub const SPEC: ModelSpec = ModelSpec {
    key: "topk",
    name: "TopK autoencoder",
    about: "ReLU autoencoder that keeps only the k largest codes of each patch (Gao et al. 2024)",
    cost: "J = (1/2m)Σ‖x̂ − x‖² (+ 1/32 of the AuxK loss), with z = ReLU(TopK_k(W_enc(x − b_pre) + b_enc)), x̂ = W_dec z + b_pre, ‖W_dec[:, j]‖ = 1.",
    lesson: "Measured here: decoder columns become edges by about 1 000 steps at k = 4; with k = 25 (no sparsity) none do. AuxK revives units that die (h = 100, k = 1: 61 dead without it, 1 with it).",
    knobs: &[
        Knob {
            key: "k",
            label: "k (active units)",
            help: "Units kept per patch (capped at the number of units); 2–4 give edges, 8 or more stay global",
            min: 1.0,
            max: 64.0,
            default: 4.0,
            kind: KnobKind::Int,
        },
        Knob {
            key: "auxk",
            label: "AuxK",
            help: "Let dead units reconstruct what the live ones miss, which revives them",
            min: 0.0,
            max: 1.0,
            default: 1.0,
            kind: KnobKind::Switch,
        },
        Knob::learning_rate(1e-5, 0.1, 3e-3, "Adam's step size"),
    ],
    optimizer: OptimizerKind::Adam,
    build: |shape, _, rng| Box::new(TopK::<f32>::new(shape.inputs, shape.hidden, rng)),
    gradcheck,
};

/// The TopK autoencoder: θ, the dead-unit record and the buffers of one batch size.
#[derive(Clone, Debug)]
pub struct TopK<T: Real> {
    layout: Layout,
    theta: Vec<T>,
    /// Patches since each unit last fired (part of the model, not of θ).
    since_fired: Vec<u64>,
    /// Which units fired in the last training batch, and its size, folded into
    /// `since_fired` by [`Model::after_update`] (so only optimiser steps count).
    fired: Vec<bool>,
    pending: u64,
    /// Keep the residual E of the last `cost_and_grad` in `evaluate` (the gradient check's
    /// stop-gradient: central differences must not move E either).
    hold_residual: bool,
    /// The training batch's encoder pass, and the readouts' ([`Model::encode`]).
    enc: Pass<T>,
    read: Pass<T>,
    /// Standardised target, X̂ (then its error), output; decode's buffer (n×m).
    ts: DMatrix<T>,
    xhat: DMatrix<T>,
    recon: DMatrix<T>,
    read_y: DMatrix<T>,
    /// AuxK codes, Δ (h×m); residual E and D·Z_aux (n×m).
    z_aux: DMatrix<T>,
    delta: DMatrix<T>,
    resid: DMatrix<T>,
    e_hat: DMatrix<T>,
    /// Normalised decoder D (n×h), 1/‖W_dec[:, j]‖, ∂/∂D (n×h), Δ·1 (h×1).
    dec: DMatrix<T>,
    inv_norm: Vec<T>,
    g_dec: DMatrix<T>,
    dsum: DMatrix<T>,
    /// Scratch index lists for the selections.
    order: Vec<usize>,
    dead: Vec<usize>,
}

impl<T: Real> TopK<T> {
    /// A fresh net: decoder columns random unit directions, encoder
    /// [`ENCODER_INIT_SCALE`]·decoderᵀ, biases 0, no unit dead.
    pub fn new(n: usize, h: usize, rng: &mut Pcg32) -> Self {
        let layout = Layout::new(&[("w_enc", h, n), ("b_enc", h, 1), ("w_dec", n, h), ("b_pre", n, 1)]);
        let mut theta = vec![T::zero(); layout.len()];
        let dec = random_columns::<T>(n, h, 1.0, rng);
        layout.view_mut(&mut theta, W_DEC).copy_from(&dec);
        layout.view_mut(&mut theta, W_ENC).copy_from(&(dec.transpose() * c::<T>(ENCODER_INIT_SCALE)));
        let e = || DMatrix::zeros(0, 0);
        TopK {
            layout,
            theta,
            since_fired: vec![0; h],
            fired: vec![false; h],
            pending: 0,
            hold_residual: false,
            enc: Pass::default(),
            read: Pass::default(),
            ts: e(),
            xhat: e(),
            recon: e(),
            read_y: e(),
            z_aux: e(),
            delta: e(),
            resid: e(),
            e_hat: e(),
            dec: DMatrix::zeros(n, h),
            inv_norm: vec![T::zero(); h],
            g_dec: DMatrix::zeros(n, h),
            dsum: DMatrix::zeros(h, 1),
            order: Vec::with_capacity(h),
            dead: Vec::with_capacity(h),
        }
    }

    /// The encoder's rows (h×n); [`Model::filters`] shows the decoder's columns.
    pub fn encoder_rows(&self) -> DMatrix<T> {
        self.layout.view(&self.theta, W_ENC).into_owned()
    }

    /// Number of units that have not fired for [`DEAD_AFTER`] patches.
    pub fn dead_units(&self) -> usize {
        self.since_fired.iter().filter(|&&s| s >= DEAD_AFTER).count()
    }

    /// The `k` knob, clamped to 1..=h.
    fn k(&self, ctx: &Ctx) -> usize {
        (ctx.knob(KNOB_K, SPEC.knobs[KNOB_K].default).round() as usize).clamp(1, self.inv_norm.len())
    }

    /// D = W_dec with unit columns, and the inverse norms for the gradient.
    fn refresh_decoder(&mut self) {
        self.dec.copy_from(&self.layout.view(&self.theta, W_DEC));
        for (mut col, inv) in self.dec.column_iter_mut().zip(self.inv_norm.iter_mut()) {
            let len = col.norm();
            *inv = if len > T::zero() { T::one() / len } else { T::zero() };
            col *= *inv;
        }
    }

    /// Forward pass and both terms; `fresh` recomputes the AuxK residual E.
    fn forward(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, fresh: bool) -> Cost {
        let (n, h, m) = (self.inputs(), self.hidden(), input.ncols());
        for b in [&mut self.ts, &mut self.xhat, &mut self.recon, &mut self.e_hat] {
            fit(b, n, m);
        }
        fit(&mut self.z_aux, h, m);
        fit(&mut self.delta, h, m);
        standardize(target, &mut self.ts);
        self.refresh_decoder();
        let k = self.k(ctx);
        self.enc.run(input, &self.layout, &self.theta, &mut self.order, k);
        let b_pre = &self.theta[self.layout.range(B_PRE)];
        self.xhat.fill(T::zero());
        add_bias(&mut self.xhat, b_pre);
        gemm(T::one(), &self.dec, Op::N, &self.enc.z, Op::N, T::one(), &mut self.xhat);
        unstandardize(&self.xhat, &mut self.recon);
        let two_m = c::<T>(2.0 * m as f64);
        let recon = to_f64(sum_sq_diff(self.xhat.as_slice(), self.ts.as_slice()) / two_m);

        // AuxK: the dead units' top k_aux reconstruct the (fixed) residual
        self.dead.clear();
        if ctx.knob(KNOB_AUXK, 1.0) >= 0.5 {
            self.dead.extend((0..h).filter(|&j| self.since_fired[j] >= DEAD_AFTER));
        }
        self.z_aux.fill(T::zero());
        if self.dead.is_empty() {
            return Cost { recon, ..Cost::default() };
        }
        if fresh || self.resid.shape() != (n, m) {
            fit(&mut self.resid, n, m);
            self.resid.iter_mut().zip(self.ts.iter().zip(self.xhat.iter())).for_each(|(e, (&t, &x))| *e = t - x);
        }
        let k_aux = (n / 2).max(1);
        for (p, z) in self.enc.pre.as_slice().chunks_exact(h).zip(self.z_aux.as_mut_slice().chunks_exact_mut(h)) {
            self.order.clear();
            self.order.extend_from_slice(&self.dead);
            top_relu(p, &mut self.order, k_aux, z);
        }
        gemm(T::one(), &self.dec, Op::N, &self.z_aux, Op::N, T::zero(), &mut self.e_hat);
        let aux = c::<T>(AUXK_WEIGHT) * sum_sq_diff(self.e_hat.as_slice(), self.resid.as_slice()) / two_m;
        Cost { recon, penalties: [to_f64(aux), 0.0, 0.0], decay: 0.0 }
    }

    /// The gradient (module docs) into `grad`, after [`Self::forward`].
    fn backward(&mut self, grad: &mut [T]) {
        let l = &self.layout;
        let inv_m = T::one() / c::<T>(self.ts.ncols() as f64);
        self.xhat.iter_mut().zip(self.ts.iter()).for_each(|(d, &t)| *d = (*d - t) * inv_m);
        gemm(T::one(), &self.xhat, Op::N, &self.enc.z, Op::T, T::zero(), &mut self.g_dec);
        gemm(T::one(), &self.dec, Op::T, &self.xhat, Op::N, T::zero(), &mut self.delta);
        self.delta
            .iter_mut()
            .zip(self.enc.z.iter())
            .for_each(|(d, &z)| *d = if z > T::zero() { *d } else { T::zero() });
        if !self.dead.is_empty() {
            let a = c::<T>(AUXK_WEIGHT) * inv_m;
            self.e_hat.iter_mut().zip(self.resid.iter()).for_each(|(r, &e)| *r = a * (*r - e));
            gemm(T::one(), &self.e_hat, Op::N, &self.z_aux, Op::T, T::one(), &mut self.g_dec);
            // Dᵀ·R into the pre-activations' buffer (no longer needed), masked, added to Δ
            gemm(T::one(), &self.dec, Op::T, &self.e_hat, Op::N, T::zero(), &mut self.enc.pre);
            for ((d, &g), &z) in self.delta.iter_mut().zip(self.enc.pre.iter()).zip(self.z_aux.iter()) {
                if z > T::zero() {
                    *d += g;
                }
            }
        }
        // through the normalisation: (I − D_jD_jᵀ)·g_j/‖W_dec[:, j]‖
        let mut g = l.view_mut(grad, W_DEC);
        for (j, mut gcol) in g.column_iter_mut().enumerate() {
            let (d, gd) = (self.dec.column(j), self.g_dec.column(j));
            gcol.copy_from(&gd);
            gcol.axpy(-d.dot(&gd), &d, T::one());
            gcol *= self.inv_norm[j];
        }
        gemm(T::one(), &self.delta, Op::N, &self.enc.xc, Op::T, T::zero(), &mut l.view_mut(grad, W_ENC));
        row_sums(&self.delta, self.dsum.as_mut_slice());
        grad[l.range(B_ENC)].copy_from_slice(self.dsum.as_slice());
        row_sums(&self.xhat, &mut grad[l.range(B_PRE)]);
        let w_enc = l.view(&self.theta, W_ENC);
        gemm(-T::one(), &w_enc, Op::T, &self.dsum, Op::N, T::one(), &mut l.view_mut(grad, B_PRE));
    }
}

#[cfg(test)]
mod tests;
