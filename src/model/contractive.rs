//! The contractive autoencoder (Rifai et al. 2011, "Contractive auto-encoders: explicit
//! invariance during feature extraction"): UFLDL's sigmoid autoencoder plus a penalty on how
//! strongly the code moves when the input moves, the squared Frobenius norm of the encoder's
//! Jacobian J = ∂h/∂x.
//!
//! H = σ(W1·X + b1) (h×m), X̂ = σ(W2·H + b2) (n×m), on the sampler's [0.1, 0.9] patches as they
//! come (no standardisation, like the sparse autoencoder: a sigmoid output cannot leave (0, 1)).
//! With S = H ⊙ (1 − H) (σ′ at each unit and patch) and q_j = ‖W1_j‖² (row j of W1):
//!
//! J = (1/2m)Σ_i‖x̂_i − x_i‖²                      reconstruction
//!   + (λ/2)(‖W1‖² + ‖W2‖²)                         weight decay (the page's λ)
//!   + λ_J·(1/m)Σ_i‖∂h_i/∂x_i‖²_F                   contraction
//!
//! For a sigmoid layer ∂h_j/∂x_k = s_j·W1_jk, so ‖∂h/∂x‖²_F = Σ_j s_j²·q_j and the contraction
//! is λ_J/m·Σ_j u_j·q_j with u_j = Σ_i s_ij². Its gradient (as ∂s/∂z = s(1 − 2h)):
//!   through h:    ∂C/∂z_ij = (2λ_J/m)·q_j·s_ij²·(1 − 2h_ij)
//!   through q_j:  ∂C/∂W1_jk += (2λ_J/m)·u_j·W1_jk
//! Backpropagation then reads, with T the target (the clean patch when denoising):
//!   D2 = (X̂ − T)/m ⊙ X̂(1 − X̂),   ∂/∂W2 = D2·Hᵀ + λW2,   ∂/∂b2 = D2·1
//!   D1 = (W2ᵀ·D2) ⊙ S + ∂C/∂Z,     ∂/∂W1 = D1·Xᵀ + (λ + 2λ_J·u_j/m)·W1_j,   ∂/∂b1 = D1·1

use crate::model::family::own_theta;
use nalgebra::{DMatrix, DMatrixView, DVector};
use rand::Rng;
use rand_pcg::Pcg32;

use super::contraction::{self, row_sq_norms};
use super::cost::{row_sums, sq_norm, sum_sq_diff, to_f64};
use super::family::{fit, CodeKind, Cost, Ctx, Layout, Model};
use super::gemm::{gemm, Op};
use super::gradcheck::{relative_gap, test_patches};
use super::hyper::{Hyper, OptimizerKind};
use super::knob::{Knob, KnobKind};
use super::spec::{ModelSpec, Shape};
use super::{c, Real};

/// Index of λ_J in [`KNOBS`].
pub const LAMBDA_J: usize = 0;
/// Index of the learning rate in [`KNOBS`].
pub const LR: usize = 1;
/// Default λ_J, measured in `tests/edges_contractive.rs` (64-25 nets, 5000 Adam steps): at 0.1
/// ‖∂h/∂x‖_F is a fifth of the plain autoencoder's (0.87 vs 4.17) while 58 % of the variance
/// is still explained and no unit saturates; from 0.3 units saturate, from 1 the net gives up
/// reconstructing and at 10 it outputs the mean patch.
pub const DEFAULT_LAMBDA_J: f64 = 0.1;

/// The model's own knobs.
pub const KNOBS: &[Knob] = &[
    Knob {
        key: "lambda_j",
        label: "λ_J (contraction)",
        help: "Weight of the penalty λ_J·‖∂h/∂x‖²_F: how little the code may move when the patch moves.",
        min: 0.0,
        max: 20.0,
        default: DEFAULT_LAMBDA_J,
        kind: KnobKind::Float { log: true },
    },
    Knob::learning_rate(1e-5, 1.0, 1e-2, "Adam's step size (1e-2 as for the sparse autoencoder)."),
];

/// The registry entry.
pub const SPEC: ModelSpec = ModelSpec {
    key: "contractive",
    name: "Contractive autoencoder",
    about: "Sigmoid autoencoder whose code is penalised for moving with the input (λ_J·‖∂h/∂x‖²).",
    cost: "J = (1/2m)Σ‖x̂ − x‖² + (λ/2)(‖W1‖² + ‖W2‖²) + λ_J (1/m)Σ‖∂h/∂x‖²_F, with ‖∂h/∂x‖²_F = Σⱼ (hⱼ(1 − hⱼ))²‖W1ⱼ‖².",
    lesson: "Measured here (5 000 steps): at λ_J ≤ 0.1 no edges, only smooth blobs and gratings; from 0.3 broad ramps, a fifth to a third of which pass the edge test; from λ_J ≈ 1 the units saturate and the net outputs the mean patch. It shrinks ‖∂h/∂x‖ far more than a denoising autoencoder at the same reconstruction.",
    knobs: KNOBS,
    optimizer: OptimizerKind::Adam,
    build,
    gradcheck,
};

/// Block indices of θ.
const W1: usize = 0;
const B1: usize = 1;
const W2: usize = 2;
const B2: usize = 3;

/// The network, its flat θ and the buffers of one batch size.
#[derive(Clone, Debug)]
pub struct Contractive<T: Real> {
    layout: Layout,
    theta: Vec<T>,
    /// H, h×m (the codes of the latest batch).
    a1: DMatrix<T>,
    /// X̂, n×m (in the sampler's range already: sigmoid output).
    a2: DMatrix<T>,
    /// D1, h×m.
    d1: DMatrix<T>,
    /// D2, n×m.
    d2: DMatrix<T>,
    /// q_j = ‖W1_j‖².
    q: DVector<T>,
    /// u_j = Σ_i s_ij².
    u: DVector<T>,
}

impl<T: Real> Contractive<T> {
    /// UFLDL initialisation: W ~ U(±√(6/(n+h+1))), biases 0.
    pub fn init(inputs: usize, hidden: usize, rng: &mut impl Rng) -> Self {
        let layout =
            Layout::new(&[("w1", hidden, inputs), ("b1", hidden, 1), ("w2", inputs, hidden), ("b2", inputs, 1)]);
        let r = (6.0 / (inputs + hidden + 1) as f64).sqrt();
        let mut theta = vec![T::zero(); layout.len()];
        for i in [W1, W2] {
            theta[layout.range(i)].iter_mut().for_each(|w| *w = c(rng.random_range(-r..r)));
        }
        let z = |r, c| DMatrix::zeros(r, c);
        let (q, u) = (DVector::zeros(hidden), DVector::zeros(hidden));
        Contractive { layout, theta, a1: z(hidden, 0), a2: z(inputs, 0), d1: z(hidden, 0), d2: z(inputs, 0), q, u }
    }

    fn w1(&self) -> DMatrixView<'_, T> {
        self.layout.view(&self.theta, W1)
    }

    /// Mean over the patches (columns of `x`) of ‖∂h/∂x‖_F, the encoder's Jacobian at each
    /// patch, in the sampler's pixel units (Rifai et al.'s "JF" column of Table 1). Allocates.
    pub fn jacobian_norm(&self, x: &DMatrix<T>) -> f64 {
        contraction::jacobian_norm(&self.hidden_of(x), &self.w1())
    }

    /// Share of (unit, patch) activations that are saturated (see
    /// [`contraction::saturated_share`]). Allocates.
    pub fn saturated_fraction(&self, x: &DMatrix<T>) -> f64 {
        contraction::saturated_share(&self.hidden_of(x))
    }

    /// H of a batch, in a fresh matrix (for the readouts).
    fn hidden_of(&self, x: &DMatrix<T>) -> DMatrix<T> {
        let mut h = DMatrix::zeros(self.hidden(), x.ncols());
        encode_into(&self.layout, &self.theta, x, &mut h);
        h
    }

    /// Forward pass of `input` and the cost against `target`; leaves H, X̂, q and u.
    fn forward(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx) -> Cost {
        let (n, hid, m) = (self.inputs(), self.hidden(), input.ncols());
        for (buf, rows) in [(&mut self.a1, hid), (&mut self.d1, hid), (&mut self.a2, n), (&mut self.d2, n)] {
            fit(buf, rows, m);
        }
        encode_into(&self.layout, &self.theta, input, &mut self.a1);
        decode_into(&self.layout, &self.theta, &self.a1, &mut self.a2);
        let mm = c::<T>(m as f64);
        let recon = sum_sq_diff(self.a2.as_slice(), target.as_slice()) / (mm + mm);
        let (w1, w2) = (&self.theta[self.layout.range(W1)], &self.theta[self.layout.range(W2)]);
        let decay = c::<T>(ctx.hyper.get().lambda / 2.0) * (sq_norm(w1) + sq_norm(w2));
        row_sq_norms(&self.layout.view(&self.theta, W1), &mut self.q);
        self.u.fill(T::zero());
        // slices, not nalgebra's element iterators: their per-element stride bookkeeping keeps
        // a loop scalar (the same in backward)
        for col in self.a1.as_slice().chunks_exact(hid) {
            for (u, &a) in self.u.as_mut_slice().iter_mut().zip(col) {
                *u += sq(a * (T::one() - a));
            }
        }
        let lambda_j = c::<T>(ctx.knob(LAMBDA_J, DEFAULT_LAMBDA_J));
        let contraction = lambda_j / mm * self.u.dot(&self.q);
        Cost { recon: to_f64(recon), penalties: [to_f64(contraction), 0.0, 0.0], decay: to_f64(decay) }
    }

    /// Backpropagation after [`Contractive::forward`] (formulas in the module docs).
    fn backward(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, grad: &mut [T]) {
        let (l, th) = (&self.layout, &self.theta[..]);
        let hid = self.a1.nrows();
        let inv_m = T::one() / c::<T>(input.ncols() as f64);
        let lambda = c::<T>(ctx.hyper.get().lambda);
        let two_lj_m = c::<T>(2.0 * ctx.knob(LAMBDA_J, DEFAULT_LAMBDA_J)) * inv_m;

        let pairs = self.d2.as_mut_slice().iter_mut().zip(self.a2.as_slice()).zip(target.as_slice());
        pairs.for_each(|((d, &o), &t)| *d = (o - t) * inv_m * o * (T::one() - o));
        grad[l.range(W2)].copy_from_slice(&th[l.range(W2)]);
        gemm(T::one(), &self.d2, Op::N, &self.a1, Op::T, lambda, &mut l.view_mut(grad, W2));
        row_sums(&self.d2, &mut grad[l.range(B2)]);

        gemm(T::one(), &l.view(th, W2), Op::T, &self.d2, Op::N, T::zero(), &mut self.d1);
        for (dcol, acol) in self.d1.as_mut_slice().chunks_exact_mut(hid).zip(self.a1.as_slice().chunks_exact(hid)) {
            for ((d, &a), &qj) in dcol.iter_mut().zip(acol).zip(self.q.as_slice()) {
                let s = a * (T::one() - a);
                *d = *d * s + two_lj_m * qj * s * s * (T::one() - a - a);
            }
        }
        // (λ + 2λ_J·u_j/m)·W1_j first, then D1·Xᵀ on top of it
        for (gcol, wcol) in grad[l.range(W1)].chunks_exact_mut(hid).zip(th[l.range(W1)].chunks_exact(hid)) {
            for ((g, &w), &u) in gcol.iter_mut().zip(wcol).zip(self.u.as_slice()) {
                *g = (lambda + two_lj_m * u) * w;
            }
        }
        gemm(T::one(), &self.d1, Op::N, input, Op::T, T::one(), &mut l.view_mut(grad, W1));
        row_sums(&self.d1, &mut grad[l.range(B1)]);
    }
}

impl<T: Real> Model<T> for Contractive<T> {
    own_theta!();
    fn penalty_names(&self) -> &'static [&'static str] {
        &["contraction"]
    }
    fn cost_and_grad(&mut self, x: &DMatrix<T>, t: &DMatrix<T>, ctx: &Ctx, _: &mut Pcg32, g: &mut [T]) -> Cost {
        let cost = self.forward(x, t, ctx);
        self.backward(x, t, ctx, g);
        cost
    }
    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, _: &mut Pcg32) -> Cost {
        self.forward(input, target, ctx)
    }
    fn encode(&mut self, x: &DMatrix<T>, _: &Ctx, codes: &mut DMatrix<T>) {
        encode_into(&self.layout, &self.theta, x, codes);
    }
    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
        decode_into(&self.layout, &self.theta, codes, x_hat);
    }
    fn last_codes(&self) -> &DMatrix<T> {
        &self.a1
    }
    fn last_recon(&self) -> &DMatrix<T> {
        &self.a2
    }
    fn code_kind(&self) -> CodeKind {
        CodeKind::Unit
    }
    fn filters_into(&self, out: &mut DMatrix<T>) {
        let w = self.w1();
        fit(out, w.nrows(), w.ncols());
        out.copy_from(&w);
    }
    fn inputs(&self) -> usize {
        self.layout.blocks()[W1].cols
    }
    fn hidden(&self) -> usize {
        self.layout.blocks()[W1].rows
    }
    fn boxed_clone(&self) -> Box<dyn Model<T>> {
        Box::new(self.clone())
    }

    fn diagnostics(&self, x: &DMatrix<T>) -> Vec<(&'static str, f64)> {
        contraction::diagnostics(&self.hidden_of(x), &self.w1())
    }
}

/// H = σ(W1·X + b1) into `h`.
fn encode_into<T: Real>(l: &Layout, th: &[T], x: &DMatrix<T>, h: &mut DMatrix<T>) {
    gemm(T::one(), &l.view(th, W1), Op::N, x, Op::N, T::zero(), h);
    add_bias_sigmoid(h, &th[l.range(B1)]);
}

/// X̂ = σ(W2·H + b2) into `x_hat`.
fn decode_into<T: Real>(l: &Layout, th: &[T], h: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
    gemm(T::one(), &l.view(th, W2), Op::N, h, Op::N, T::zero(), x_hat);
    add_bias_sigmoid(x_hat, &th[l.range(B2)]);
}

/// z ← σ(z + b) for every column.
fn add_bias_sigmoid<T: Real>(z: &mut DMatrix<T>, b: &[T]) {
    let rows = z.nrows();
    for col in z.as_mut_slice().chunks_exact_mut(rows) {
        col.iter_mut().zip(b).for_each(|(v, &bi)| *v = T::sigmoid(*v + bi));
    }
}

/// v².
fn sq<T: Real>(v: T) -> T {
    v * v
}

/// The registry's constructor (f32, UFLDL init).
fn build(shape: &Shape, _knobs: &[f64], rng: &mut Pcg32) -> Box<dyn Model<f32>> {
    Box::new(Contractive::<f32>::init(shape.inputs, shape.hidden, rng))
}

/// Gradient checks in f64 on a 16-4-16 net with λ = 1e-3, λ_J = 2 and random biases (so
/// (1 − 2h) is far from 0 and the contraction's terms are all exercised).
pub fn gradcheck() -> Vec<(&'static str, f64)> {
    // Only the native tests run it (tests/family.rs): in the page its f64 model would be dead
    // weight in the .wasm (the registry's fn pointer keeps it linked).
    if cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    use rand::SeedableRng;
    let hyper = Hyper { lambda: 1e-3, ..Hyper::default() }.validate().expect("valid hyperparameters");
    let mut rng = Pcg32::seed_from_u64(11);
    let mut model = Contractive::<f64>::init(16, 4, &mut rng);
    model.theta.iter_mut().for_each(|v| *v = rng.random_range(-1.0..1.0));
    let x = test_patches(16, 9, 5);
    let noisy = x.map(|v| v + rng.random_range(-0.2..0.2));
    let knobs = [2.0, 1e-2];
    let off = [0.0, 1e-2];
    let (ctx, plain) = (Ctx { hyper: &hyper, knobs: &knobs }, Ctx { hyper: &hyper, knobs: &off });
    vec![
        relative_gap(&mut model, &x, &x, &ctx, "contractive autoencoder"),
        relative_gap(&mut model, &noisy, &x, &ctx, "contractive, denoising pair"),
        relative_gap(&mut model, &x, &x, &plain, "λ_J = 0 (plain autoencoder)"),
    ]
}

#[cfg(test)]
#[path = "contractive_tests.rs"]
mod tests;
