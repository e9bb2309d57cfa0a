//! The variational autoencoder (Kingma & Welling 2014, "Auto-encoding variational Bayes"),
//! with the KL weight β of Higgins et al. 2017 (β-VAE), on standardised patches x (see
//! [`super::family::standardize`]). For latent u of h (the page's hidden size) and patch i:
//!
//! μ = W_μ·x + b_μ,   v = log σ² = W_v·x + b_v,   z = μ + σ ⊙ ε, ε ~ N(0, I)   (reparameterised)
//! x̂ = W_dec·z + b_dec                                                         (linear decoder)
//! J = (1/2m)Σ_i‖x̂_i − t_i‖²                                    "recon": −E_q log p(t|z) + const
//!   + β·(1/m)Σ_i Σ_u ½(μ_ui² + σ_ui² − log σ_ui² − 1)          "kl": KL(q(z|x) ‖ N(0, I))
//!   + (λ/2)(‖W_μ‖² + ‖W_v‖² + ‖W_dec‖²)                         weight decay (the page's λ)
//!
//! ε is drawn from the lane's seeded generator on every call, so a run is reproducible, and
//! the gradient check holds it fixed by handing every evaluation the same seed.
//!
//! **The decoder's variance is 1, fixed.** The ½·mean squared error every model of the family
//! uses is the Gaussian negative log-likelihood −log N(t; x̂, s²I) = ‖t − x̂‖²/(2s²) + const at
//! s² = 1, in the units of the standardised patches, whose pixels have variance ≈ 1: the
//! decoder claims as much pixel noise as the data has pixel variance, so J at β = 1 is the
//! negative ELBO exactly. That variance sets the balance with the KL. A linear Gaussian VAE
//! is probabilistic PCA (Tipping & Bishop 1999; Lucas et al. 2019, "Don't blame the ELBO"):
//! a latent pays for itself only along a principal direction whose variance λ_k exceeds β·s²;
//! there its decoder column grows to norm √(λ_k − β·s²), everywhere else the latent collapses
//! onto the prior (μ ≈ 0, σ ≈ 1: posterior collapse). A smaller s² would keep more latents
//! and make the KL negligible (a plain PCA-like autoencoder); a larger one collapses more.
//! With s² = 1 the threshold sits at the mean pixel variance of the data, and β moves it.
//!
//! Gradient, with D = (X̂ − T)/m, G = W_decᵀ·D, σ = exp(v/2) and k = β/m:
//!   ∂J/∂W_dec = D·Zᵀ + λW_dec,            ∂J/∂b_dec = D·1
//!   Δ_μ = G + k·μ                          (∂z/∂μ = 1)
//!   Δ_v = G ⊙ ½σε + ½k·(σ² − 1)            (∂z/∂v = ½σε)
//!   ∂J/∂W_μ = Δ_μ·Xᵀ + λW_μ,  ∂J/∂b_μ = Δ_μ·1,   ∂J/∂W_v = Δ_v·Xᵀ + λW_v,  ∂J/∂b_v = Δ_v·1

use crate::model::family::own_theta;
use nalgebra::DMatrix;
use rand::Rng;
use rand_pcg::Pcg32;

use super::cost::{row_sums, sq_norm, sum_sq_diff, to_f64};
use super::family::{fit, standardize, unstandardize, CodeKind, Cost, Ctx, Layout, Model};
use super::gemm::{gemm, Op};
use super::hyper::OptimizerKind;
use super::knob::{Knob, KnobKind};
use super::relu_l1::{add_bias, decode_linear, random_columns};
use super::spec::ModelSpec;
use super::{c, Real};

mod check;
use check::gradcheck;

/// Index of the `beta` knob in [`SPEC`]'s table.
pub const KNOB_BETA: usize = 0;
/// Index of the `lr` knob.
pub const KNOB_LR: usize = 1;

/// Blocks of θ: the mean's encoder and bias, the log-variance's, the decoder and its bias.
const W_MU: usize = 0;
const B_MU: usize = 1;
const W_LV: usize = 2;
const B_LV: usize = 3;
const W_DEC: usize = 4;
const B_DEC: usize = 5;

/// Norm of each decoder column at initialisation (the mean's encoder starts as its
/// transpose, the log-variance's at 0: every posterior starts as the prior's σ = 1).
pub const INIT_DECODER_NORM: f64 = 0.1;

/// Burda et al. 2016's threshold: latent u is active when Var_x(μ_u) > 0.01.
pub const ACTIVE_VARIANCE: f64 = 0.01;

/// The registry entry.
pub const SPEC: ModelSpec = ModelSpec {
    key: "vae",
    name: "Variational autoencoder",
    about: "Gaussian encoder (μ, log σ²), a sample z = μ + σε, a linear decoder; β·KL to the prior N(0, I)",
    cost: "J = (1/2m)Σ‖x̂ − x‖² + β (1/m)Σ Σᵤ ½(μᵤ² + σᵤ² − log σᵤ² − 1) + (λ/2)‖W‖², with z = μ + σ ⊙ ε, ε ~ N(0, I), x̂ = W_dec z + b_dec.",
    lesson: "Measured here (3 000 steps, seeds 1–2): no edges (4–8 % of decoder columns pass the edge test, about as many as PCA's own components); 99.9 % of the decoder's energy lies in the top-25 principal subspace: global gratings. Its prior is not sparse, so it does what probabilistic PCA does: 21 of 25 latents stay active, one per principal direction with variance above β (β = 2: 10), the rest collapse onto the prior. With 2 latents they are the top two principal components.",
    knobs: &[
        Knob {
            key: "beta",
            label: "β (KL weight)",
            help: "Weight of KL(q(z|x) ‖ N(0, I)); 1 is the ELBO, larger values collapse more latents onto the prior (β-VAE)",
            min: 0.0,
            max: 10.0,
            default: 1.0,
            kind: KnobKind::Float { log: false },
        },
        Knob::learning_rate(1e-5, 0.1, 1e-3, "Adam's step size"),
    ],
    optimizer: OptimizerKind::Adam,
    build: |shape, _, rng| Box::new(Vae::<f32>::new(shape.inputs, shape.hidden, rng)),
    gradcheck,
};

/// The variational autoencoder: θ and the buffers of one batch size.
#[derive(Clone, Debug)]
pub struct Vae<T: Real> {
    layout: Layout,
    theta: Vec<T>,
    /// Standardised input and target (n×m).
    xs: DMatrix<T>,
    ts: DMatrix<T>,
    /// μ, log σ², ε and z (h×m).
    mu: DMatrix<T>,
    lv: DMatrix<T>,
    eps: DMatrix<T>,
    z: DMatrix<T>,
    /// Standardised reconstruction (n×m), reused for D in the backward pass.
    xhat: DMatrix<T>,
    /// Reconstruction in the sampler's range (n×m).
    recon: DMatrix<T>,
    /// Δ_μ and Δ_v (h×m).
    d_mu: DMatrix<T>,
    d_lv: DMatrix<T>,
    /// Readout buffers ([`Model::encode`], [`Model::decode`]), apart from the batch's.
    read_x: DMatrix<T>,
    read_lv: DMatrix<T>,
    read_y: DMatrix<T>,
}

/// Fills `out` with independent standard normals from `rng` (Marsaglia's polar method: one
/// logarithm and one square root per two values, no trigonometry).
pub fn fill_normals<T: Real>(out: &mut [T], rng: &mut Pcg32) {
    for pair in out.chunks_mut(2) {
        let (u, v, s) = loop {
            let u: f64 = rng.random_range(-1.0..1.0);
            let v: f64 = rng.random_range(-1.0..1.0);
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                break (u, v, s);
            }
        };
        let f = (-2.0 * s.ln() / s).sqrt();
        pair[0] = c(u * f);
        if let Some(second) = pair.get_mut(1) {
            *second = c(v * f);
        }
    }
}

/// ½(μ² + e^v − v − 1): KL(N(μ, e^v) ‖ N(0, 1)) of one latent.
fn kl_term<T: Real>(mu: T, lv: T) -> T {
    c::<T>(0.5) * (mu * mu + lv.exp() - lv - T::one())
}

impl<T: Real> Vae<T> {
    /// A fresh n → h → n net: decoder columns random directions of norm
    /// [`INIT_DECODER_NORM`], W_μ = W_decᵀ, W_v = 0, biases 0.
    pub fn new(n: usize, h: usize, rng: &mut Pcg32) -> Self {
        let layout = Layout::new(&[
            ("w_mu", h, n),
            ("b_mu", h, 1),
            ("w_logvar", h, n),
            ("b_logvar", h, 1),
            ("w_dec", n, h),
            ("b_dec", n, 1),
        ]);
        let mut theta = vec![T::zero(); layout.len()];
        let dec = random_columns::<T>(n, h, INIT_DECODER_NORM, rng);
        layout.view_mut(&mut theta, W_DEC).copy_from(&dec);
        layout.view_mut(&mut theta, W_MU).copy_from(&dec.transpose());
        let e = || DMatrix::zeros(0, 0);
        Vae {
            layout,
            theta,
            xs: e(),
            ts: e(),
            mu: e(),
            lv: e(),
            eps: e(),
            z: e(),
            xhat: e(),
            recon: e(),
            d_mu: e(),
            d_lv: e(),
            read_x: e(),
            read_lv: e(),
            read_y: e(),
        }
    }

    /// μ and log σ² of standardised patches `xs` into `mu` and `lv` (sized by the caller).
    fn posterior(&self, xs: &DMatrix<T>, mu: &mut DMatrix<T>, lv: &mut DMatrix<T>) {
        let (l, th) = (&self.layout, &self.theta);
        for (out, w, b) in [(mu, W_MU, B_MU), (lv, W_LV, B_LV)] {
            out.fill(T::zero());
            add_bias(out, &th[l.range(b)]);
            gemm(T::one(), &l.view(th, w), Op::N, xs, Op::N, T::one(), out);
        }
    }

    /// μ and log σ² of sampler-range patches `x`, in new matrices (for the diagnostics).
    pub fn posterior_of(&self, x: &DMatrix<T>) -> (DMatrix<T>, DMatrix<T>) {
        let (h, m) = (self.hidden(), x.ncols());
        let mut xs = DMatrix::zeros(x.nrows(), m);
        standardize(x, &mut xs);
        let (mut mu, mut lv) = (DMatrix::zeros(h, m), DMatrix::zeros(h, m));
        self.posterior(&xs, &mut mu, &mut lv);
        (mu, lv)
    }

    /// The decoder W_dec (n×h): column u is what latent u adds to the reconstruction.
    pub fn decoder(&self) -> DMatrix<T> {
        self.layout.view(&self.theta, W_DEC).into_owned()
    }

    /// Forward pass with a fresh ε from `rng`, and the cost; leaves Z, X̂ (standardised), μ,
    /// log σ² and ε for [`Self::backward`].
    fn forward(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, rng: &mut Pcg32) -> Cost {
        let (n, h, m) = (self.inputs(), self.hidden(), input.ncols());
        for (buf, rows) in [(&mut self.xs, n), (&mut self.ts, n), (&mut self.xhat, n), (&mut self.recon, n)] {
            fit(buf, rows, m);
        }
        for buf in [&mut self.mu, &mut self.lv, &mut self.eps, &mut self.z, &mut self.d_mu, &mut self.d_lv] {
            fit(buf, h, m);
        }
        standardize(input, &mut self.xs);
        standardize(target, &mut self.ts);
        let (mut mu, mut lv) = (std::mem::take(&mut self.mu), std::mem::take(&mut self.lv));
        self.posterior(&self.xs, &mut mu, &mut lv);
        (self.mu, self.lv) = (mu, lv);
        fill_normals(self.eps.as_mut_slice(), rng);
        let half = c::<T>(0.5);
        let parts = self.z.iter_mut().zip(self.mu.iter()).zip(self.lv.iter()).zip(self.eps.iter());
        parts.for_each(|(((z, &mu), &lv), &e)| *z = mu + (half * lv).exp() * e);
        let (l, th) = (&self.layout, &self.theta);
        self.xhat.fill(T::zero());
        add_bias(&mut self.xhat, &th[l.range(B_DEC)]);
        gemm(T::one(), &l.view(th, W_DEC), Op::N, &self.z, Op::N, T::one(), &mut self.xhat);
        unstandardize(&self.xhat, &mut self.recon);

        let mm = c::<T>(m as f64);
        let recon = sum_sq_diff(self.xhat.as_slice(), self.ts.as_slice()) / (mm + mm);
        let kl_sum = self.mu.iter().zip(self.lv.iter()).fold(T::zero(), |a, (&mu, &lv)| a + kl_term(mu, lv));
        let beta = c::<T>(ctx.knob(KNOB_BETA, SPEC.knobs[KNOB_BETA].default));
        let weights = [W_MU, W_LV, W_DEC].iter().fold(T::zero(), |a, &b| a + sq_norm(&th[l.range(b)]));
        let decay = c::<T>(ctx.hyper.get().lambda / 2.0) * weights;
        Cost { recon: to_f64(recon), penalties: [to_f64(beta * kl_sum / mm), 0.0, 0.0], decay: to_f64(decay) }
    }

    /// The gradient (module docs) into `grad`, after [`Self::forward`].
    fn backward(&mut self, ctx: &Ctx, grad: &mut [T]) {
        let (l, th) = (&self.layout, &self.theta);
        let inv_m = T::one() / c::<T>(self.xs.ncols() as f64);
        let lambda = c::<T>(ctx.hyper.get().lambda);
        let k = c::<T>(ctx.knob(KNOB_BETA, SPEC.knobs[KNOB_BETA].default)) * inv_m;
        let half = c::<T>(0.5);
        // D = (X̂ − T)/m, in X̂'s buffer
        self.xhat.iter_mut().zip(self.ts.iter()).for_each(|(d, &t)| *d = (*d - t) * inv_m);
        let w_dec = l.view(th, W_DEC);
        grad[l.range(W_DEC)].copy_from_slice(&th[l.range(W_DEC)]);
        gemm(T::one(), &self.xhat, Op::N, &self.z, Op::T, lambda, &mut l.view_mut(grad, W_DEC));
        row_sums(&self.xhat, &mut grad[l.range(B_DEC)]);
        // G = W_decᵀ·D into Δ_μ's buffer, then Δ_v from it and Δ_μ in place
        gemm(T::one(), &w_dec, Op::T, &self.xhat, Op::N, T::zero(), &mut self.d_mu);
        let cells = self.d_mu.iter_mut().zip(self.d_lv.iter_mut()).zip(self.mu.iter()).zip(self.lv.iter());
        for ((((g, dv), &mu), &lv), &e) in cells.zip(self.eps.iter()) {
            let s = (half * lv).exp();
            *dv = *g * half * s * e + half * k * (s * s - T::one());
            *g += k * mu;
        }
        for (delta, w, b) in [(&self.d_mu, W_MU, B_MU), (&self.d_lv, W_LV, B_LV)] {
            grad[l.range(w)].copy_from_slice(&th[l.range(w)]);
            gemm(T::one(), delta, Op::N, &self.xs, Op::T, lambda, &mut l.view_mut(grad, w));
            row_sums(delta, &mut grad[l.range(b)]);
        }
    }
}

impl<T: Real + 'static> Model<T> for Vae<T> {
    own_theta!();

    fn penalty_names(&self) -> &'static [&'static str] {
        &["kl"]
    }

    fn cost_and_grad(
        &mut self,
        input: &DMatrix<T>,
        target: &DMatrix<T>,
        ctx: &Ctx,
        rng: &mut Pcg32,
        grad: &mut [T],
    ) -> Cost {
        let cost = self.forward(input, target, ctx, rng);
        self.backward(ctx, grad);
        cost
    }

    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, rng: &mut Pcg32) -> Cost {
        self.forward(input, target, ctx, rng)
    }

    /// The posterior means μ (no sampling): what the diagram and the readouts show.
    fn encode(&mut self, x: &DMatrix<T>, _: &Ctx, codes: &mut DMatrix<T>) {
        fit(&mut self.read_x, x.nrows(), x.ncols());
        standardize(x, &mut self.read_x);
        fit(&mut self.read_lv, codes.nrows(), codes.ncols());
        let mut lv = std::mem::take(&mut self.read_lv);
        self.posterior(&self.read_x, codes, &mut lv);
        self.read_lv = lv;
    }

    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
        let (l, th) = (&self.layout, &self.theta);
        decode_linear(&l.view(th, W_DEC), &th[l.range(B_DEC)], codes, &mut self.read_y, x_hat);
    }

    /// The posterior means μ of the latest batch (not the samples z).
    fn last_codes(&self) -> &DMatrix<T> {
        &self.mu
    }

    /// The reconstruction the cost measured: decoded from the sample z, so it is noisier
    /// than `decode(encode(x))`, which decodes μ.
    fn last_recon(&self) -> &DMatrix<T> {
        &self.recon
    }

    fn code_kind(&self) -> CodeKind {
        CodeKind::Gaussian
    }

    /// The decoder's columns, transposed (h×n): the patch each latent adds to the
    /// reconstruction per unit of z.
    fn filters_into(&self, out: &mut DMatrix<T>) {
        let w = self.layout.view(&self.theta, W_DEC);
        fit(out, w.ncols(), w.nrows());
        w.transpose_to(out);
    }

    fn inputs(&self) -> usize {
        self.layout.blocks()[B_DEC].rows
    }

    fn hidden(&self) -> usize {
        self.layout.blocks()[B_MU].rows
    }

    fn boxed_clone(&self) -> Box<dyn Model<T>> {
        Box::new(self.clone())
    }

    /// Active latents (Burda et al. 2016: Var over the patches of μ_u above
    /// [`ACTIVE_VARIANCE`]) and the mean KL(q‖N(0, 1)) per latent in nats, on `x`.
    fn diagnostics(&self, x: &DMatrix<T>) -> Vec<(&'static str, f64)> {
        let (mu, lv) = self.posterior_of(x);
        let (active, kl) = active_and_kl(&mu, &lv);
        vec![("active latents", active as f64), ("KL per latent (nats)", kl)]
    }
}

/// (latents with Var_x(μ_u) > [`ACTIVE_VARIANCE`], mean KL per latent and patch) of the
/// posteriors `mu`, `lv` (h×m).
pub fn active_and_kl<T: Real>(mu: &DMatrix<T>, lv: &DMatrix<T>) -> (usize, f64) {
    let (h, m) = mu.shape();
    if h == 0 || m == 0 {
        return (0, 0.0);
    }
    let active = mu
        .row_iter()
        .filter(|row| {
            let mean = row.iter().map(|&v| to_f64(v)).sum::<f64>() / m as f64;
            row.iter().map(|&v| (to_f64(v) - mean).powi(2)).sum::<f64>() / m as f64 > ACTIVE_VARIANCE
        })
        .count();
    let kl = mu.iter().zip(lv.iter()).map(|(&mu, &lv)| to_f64(kl_term(mu, lv))).sum::<f64>();
    (active, kl / (h * m) as f64)
}

#[cfg(test)]
mod tests;
