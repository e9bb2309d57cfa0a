//! The ReLU + L1 autoencoder of current interpretability work (Anthropic's "Towards
//! monosemanticity" and its April 2024 update), on standardised patches x (see
//! [`super::family::standardize`]):
//!
//! z = ReLU(W_enc·x + b_enc),   x̂ = W_dec·z + b_dec,
//! J = (1/2m)Σ_i‖x̂_i − t_i‖²  +  l1·(1/m)Σ_i Σ_j z_ij·‖W_dec[:, j]‖      ("recon" + "l1")
//!
//! with the ½ in the reconstruction term, as in the sparse autoencoder's cost. The default
//! l1 = 1.5 is calibrated with it: ≈ 3 of 25 units active per patch and edges within ~500
//! steps on whitened patches (the same as l1 = 3 without the ½, which halves every weight's
//! effect); l1 ≤ 0.5 leaves ~8 units active and few edges, l1 ≥ 5 kills units. Weighting each code by its decoder column's norm makes the
//! penalty invariant to rescaling z by c and the column by 1/c, so the net cannot dodge it by
//! shrinking codes and growing the decoder (which a plain Σ|z| allows). No weight decay.
//!
//! Gradient, with D = (X̂ − T)/m, d_j = ‖W_dec[:, j]‖ and s_j = Σ_i z_ij:
//!   ∂J/∂W_dec = D·Zᵀ + (l1/m)·s_j·W_dec[:, j]/d_j,     ∂J/∂b_dec = D·1
//!   Δ = (W_decᵀ·D + (l1/m)·d·1ᵀ) ⊙ [Z > 0]
//!   ∂J/∂W_enc = Δ·Xᵀ,                                  ∂J/∂b_enc = Δ·1

use crate::model::family::own_theta;
use nalgebra::{DMatrix, DMatrixView};
use rand::Rng;
use rand_pcg::Pcg32;

use super::cost::{row_sums, sum_sq_diff, to_f64};
use super::family::{fit, standardize, unstandardize, CodeKind, Cost, Ctx, Layout, Model};
use super::gemm::{gemm, Op};
use super::hyper::OptimizerKind;
use super::knob::{Knob, KnobKind};
use super::spec::ModelSpec;
use super::{c, Real};

mod check;
use check::gradcheck;

/// Index of the `l1` knob in [`SPEC`]'s table.
pub const KNOB_L1: usize = 0;
/// Index of the `lr` knob.
pub const KNOB_LR: usize = 1;

/// Blocks of θ: encoder h×n, its bias, decoder n×h, its bias.
const W_ENC: usize = 0;
const B_ENC: usize = 1;
const W_DEC: usize = 2;
const B_DEC: usize = 3;

/// Norm of each decoder column at initialisation: small, so the first codes are small and
/// the L1 term does not kill every unit before the reconstruction gradient has spoken.
pub const INIT_DECODER_NORM: f64 = 0.1;

/// The registry entry.
pub const SPEC: ModelSpec = ModelSpec {
    key: "relu-l1",
    name: "ReLU + L1 autoencoder",
    about: "ReLU codes, linear decoder, L1 penalty on each code times its decoder column's norm",
    cost: "J = (1/2m)Σ‖x̂ − x‖² + l1 · (1/m)Σ Σⱼ |zⱼ|·‖W_dec[:, j]‖, with z = ReLU(W_enc x + b_enc), x̂ = W_dec z + b_dec.",
    lesson: "Measured here: edges by about 1 000 steps at l1 = 1.5 (≈ 3 units active per patch); with l1 = 0 the code is dense and no edges form.",
    knobs: &[
        Knob {
            key: "l1",
            label: "L1 weight",
            help: "Weight of Σ|z_j|·‖decoder column j‖; about 1.5 gives three active units and edges, 0.5 or less stays dense",
            min: 0.0,
            max: 20.0,
            default: 1.5,
            kind: KnobKind::Float { log: false },
        },
        Knob::learning_rate(1e-5, 0.1, 3e-3, "Adam's step size"),
    ],
    optimizer: OptimizerKind::Adam,
    build: |shape, _, rng| Box::new(ReluL1::<f32>::new(shape.inputs, shape.hidden, rng)),
    gradcheck,
};

/// `h` random directions in ℝⁿ (normalised Gaussian vectors) of norm `norm`, as an n×h matrix.
pub(crate) fn random_columns<T: Real>(n: usize, h: usize, norm: f64, rng: &mut Pcg32) -> DMatrix<T> {
    let g = crate::data::standard_normals(n * h, rng.random());
    let mut m = DMatrix::from_iterator(n, h, g.iter().map(|&v| c::<T>(v as f64)));
    for mut col in m.column_iter_mut() {
        let len = col.norm();
        col *= c::<T>(norm) / len;
    }
    m
}

/// A linear decoder's readout: x̂ = unstandardize(W·codes + b), with `y` as scratch, both
/// resized to the batch (ReLU + L1, TopK and the VAE decode this way).
pub(crate) fn decode_linear<T: Real>(
    w: &DMatrixView<'_, T>,
    b: &[T],
    codes: &DMatrix<T>,
    y: &mut DMatrix<T>,
    x_hat: &mut DMatrix<T>,
) {
    fit(y, w.nrows(), codes.ncols());
    fit(x_hat, w.nrows(), codes.ncols());
    y.fill(T::zero());
    add_bias(y, b);
    gemm(T::one(), w, Op::N, codes, Op::N, T::one(), y);
    unstandardize(y, x_hat);
}

/// Every column of `m` plus the vector `b` (a bias broadcast over the batch).
pub(crate) fn add_bias<T: Real>(m: &mut DMatrix<T>, b: &[T]) {
    for col in m.as_mut_slice().chunks_exact_mut(b.len()) {
        col.iter_mut().zip(b).for_each(|(v, &b)| *v += b);
    }
}

/// The ReLU + L1 autoencoder: θ and the buffers of one batch size.
#[derive(Clone, Debug)]
pub struct ReluL1<T: Real> {
    layout: Layout,
    theta: Vec<T>,
    /// Standardised input and target (n×m).
    xs: DMatrix<T>,
    ts: DMatrix<T>,
    /// Pre-activations (h×m), reused for Δ in the backward pass.
    pre: DMatrix<T>,
    /// Codes (h×m).
    z: DMatrix<T>,
    /// Standardised reconstruction (n×m), reused for D in the backward pass.
    xhat: DMatrix<T>,
    /// Reconstruction in the sampler's range (n×m).
    recon: DMatrix<T>,
    /// Decoder column norms d_j and code sums s_j (h).
    norms: Vec<T>,
    sums: Vec<T>,
    /// Readout buffers ([`Model::encode`], [`Model::decode`]), apart from the batch's.
    read_x: DMatrix<T>,
    read_y: DMatrix<T>,
}

impl<T: Real> ReluL1<T> {
    /// A fresh n → h → n net: decoder columns random directions of norm
    /// [`INIT_DECODER_NORM`], encoder tied to them (W_enc = W_decᵀ), biases 0.
    pub fn new(n: usize, h: usize, rng: &mut Pcg32) -> Self {
        let layout = Layout::new(&[("w_enc", h, n), ("b_enc", h, 1), ("w_dec", n, h), ("b_dec", n, 1)]);
        let mut theta = vec![T::zero(); layout.len()];
        let dec = random_columns::<T>(n, h, INIT_DECODER_NORM, rng);
        layout.view_mut(&mut theta, W_DEC).copy_from(&dec);
        layout.view_mut(&mut theta, W_ENC).copy_from(&dec.transpose());
        let e = || DMatrix::zeros(0, 0);
        ReluL1 {
            layout,
            theta,
            xs: e(),
            ts: e(),
            pre: e(),
            z: e(),
            xhat: e(),
            recon: e(),
            norms: vec![T::zero(); h],
            sums: vec![T::zero(); h],
            read_x: e(),
            read_y: e(),
        }
    }

    /// The encoder's rows (h×n): what each unit responds to, as opposed to what it draws
    /// ([`Model::filters`] shows the decoder).
    pub fn encoder_rows(&self) -> DMatrix<T> {
        self.layout.view(&self.theta, W_ENC).into_owned()
    }

    /// Forward pass and cost; leaves Z, X̂ (standardised), d and s for [`Self::backward`].
    fn forward(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, l1: T) -> Cost {
        let (n, h, m) = (self.inputs(), self.hidden(), input.ncols());
        for (buf, rows) in [(&mut self.xs, n), (&mut self.ts, n), (&mut self.xhat, n), (&mut self.recon, n)] {
            fit(buf, rows, m);
        }
        fit(&mut self.pre, h, m);
        fit(&mut self.z, h, m);
        standardize(input, &mut self.xs);
        standardize(target, &mut self.ts);
        let (l, th) = (&self.layout, &self.theta);
        self.pre.fill(T::zero());
        add_bias(&mut self.pre, &th[l.range(B_ENC)]);
        gemm(T::one(), &l.view(th, W_ENC), Op::N, &self.xs, Op::N, T::one(), &mut self.pre);
        self.z.iter_mut().zip(self.pre.iter()).for_each(|(z, &p)| *z = p.max(T::zero()));
        self.xhat.fill(T::zero());
        add_bias(&mut self.xhat, &th[l.range(B_DEC)]);
        gemm(T::one(), &l.view(th, W_DEC), Op::N, &self.z, Op::N, T::one(), &mut self.xhat);
        unstandardize(&self.xhat, &mut self.recon);

        let two_m = c::<T>(2.0 * m as f64);
        let recon = sum_sq_diff(self.xhat.as_slice(), self.ts.as_slice()) / two_m;
        for (d, col) in self.norms.iter_mut().zip(l.view(th, W_DEC).column_iter()) {
            *d = col.norm();
        }
        row_sums(&self.z, &mut self.sums);
        let weighted = self.norms.iter().zip(&self.sums).fold(T::zero(), |a, (&d, &s)| a + d * s);
        let penalty = l1 * weighted / c::<T>(m as f64);
        Cost { recon: to_f64(recon), penalties: [to_f64(penalty), 0.0, 0.0], decay: 0.0 }
    }

    /// The gradient (module docs) into `grad`, after [`Self::forward`].
    fn backward(&mut self, l1: T, grad: &mut [T]) {
        let (l, th) = (&self.layout, &self.theta);
        let inv_m = T::one() / c::<T>(self.xs.ncols() as f64);
        let k = l1 * inv_m;
        // D = (X̂ − T)/m, in X̂'s buffer
        self.xhat.iter_mut().zip(self.ts.iter()).for_each(|(d, &t)| *d = (*d - t) * inv_m);
        let w_dec = l.view(th, W_DEC);
        {
            let mut g = l.view_mut(grad, W_DEC);
            gemm(T::one(), &self.xhat, Op::N, &self.z, Op::T, T::zero(), &mut g);
            for (j, mut gcol) in g.column_iter_mut().enumerate() {
                // ∂‖w‖/∂w = w/‖w‖; at w = 0 take the subgradient 0
                if self.norms[j] > T::zero() {
                    gcol.axpy(k * self.sums[j] / self.norms[j], &w_dec.column(j), T::one());
                }
            }
        }
        row_sums(&self.xhat, &mut grad[l.range(B_DEC)]);
        // Δ = (W_decᵀ·D + k·d) ⊙ [Z > 0], in the pre-activations' buffer
        gemm(T::one(), &w_dec, Op::T, &self.xhat, Op::N, T::zero(), &mut self.pre);
        let h = self.norms.len();
        for (dcol, zcol) in self.pre.as_mut_slice().chunks_exact_mut(h).zip(self.z.as_slice().chunks_exact(h)) {
            for ((d, &z), &n) in dcol.iter_mut().zip(zcol).zip(&self.norms) {
                *d = if z > T::zero() { *d + k * n } else { T::zero() };
            }
        }
        gemm(T::one(), &self.pre, Op::N, &self.xs, Op::T, T::zero(), &mut l.view_mut(grad, W_ENC));
        row_sums(&self.pre, &mut grad[l.range(B_ENC)]);
    }
}

impl<T: Real + 'static> Model<T> for ReluL1<T> {
    own_theta!();

    fn penalty_names(&self) -> &'static [&'static str] {
        &["l1"]
    }

    fn cost_and_grad(
        &mut self,
        input: &DMatrix<T>,
        target: &DMatrix<T>,
        ctx: &Ctx,
        _: &mut Pcg32,
        grad: &mut [T],
    ) -> Cost {
        let l1 = c::<T>(ctx.knob(KNOB_L1, SPEC.knobs[KNOB_L1].default));
        let cost = self.forward(input, target, l1);
        self.backward(l1, grad);
        cost
    }

    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, _: &mut Pcg32) -> Cost {
        self.forward(input, target, c::<T>(ctx.knob(KNOB_L1, SPEC.knobs[KNOB_L1].default)))
    }

    fn encode(&mut self, x: &DMatrix<T>, _: &Ctx, codes: &mut DMatrix<T>) {
        fit(&mut self.read_x, x.nrows(), x.ncols());
        standardize(x, &mut self.read_x);
        let (l, th) = (&self.layout, &self.theta);
        codes.fill(T::zero());
        add_bias(codes, &th[l.range(B_ENC)]);
        gemm(T::one(), &l.view(th, W_ENC), Op::N, &self.read_x, Op::N, T::one(), codes);
        codes.iter_mut().for_each(|v| *v = v.max(T::zero()));
    }

    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
        let (l, th) = (&self.layout, &self.theta);
        decode_linear(&l.view(th, W_DEC), &th[l.range(B_DEC)], codes, &mut self.read_y, x_hat);
    }

    fn last_codes(&self) -> &DMatrix<T> {
        &self.z
    }

    fn last_recon(&self) -> &DMatrix<T> {
        &self.recon
    }

    fn code_kind(&self) -> CodeKind {
        CodeKind::NonNegative
    }

    /// The decoder's columns, transposed (h×n): the patch each unit adds to the
    /// reconstruction. The encoder's rows are [`ReluL1::encoder_rows`].
    fn filters_into(&self, out: &mut DMatrix<T>) {
        let w = self.layout.view(&self.theta, W_DEC);
        fit(out, w.ncols(), w.nrows());
        w.transpose_to(out);
    }

    fn inputs(&self) -> usize {
        self.layout.blocks()[B_DEC].rows
    }

    fn hidden(&self) -> usize {
        self.layout.blocks()[B_ENC].rows
    }

    fn boxed_clone(&self) -> Box<dyn Model<T>> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests;
