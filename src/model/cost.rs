//! The UFLDL cost and its analytic gradient over a whole mini-batch.
//!
//! J = (1/2m)Σ_i‖x̂_i − x_i‖²           reconstruction
//!   + (λ/2)(‖W1‖² + ‖W2‖²)             weight decay
//!   + sparsity penalty                  see [`super::sparsity`]
//!
//! Backpropagation, with X n×m, A1 h×m, X̂ n×m and f the output activation:
//!   D2 = (X̂ − X)/m ⊙ f′(Z2)                       (f′ = X̂(1−X̂) for σ, 1 for linear)
//!   ∂J/∂W2 = D2·A1ᵀ + λW2,   ∂J/∂b2 = D2·1
//!   D1 = (W2ᵀ·D2 + s·1ᵀ/m) ⊙ A1(1−A1)           s_j = ∂penalty/∂ρ̂_j (per unit)
//!   ∂J/∂W1 = D1·Xᵀ + λW1,    ∂J/∂b1 = D1·1
//! Every product is one GEMM into a preallocated matrix; transposes cost nothing (see
//! [`super::gemm`]).

use nalgebra::{DMatrix, DVector};

use super::gemm::{gemm, Op};
use super::hyper::{Output, Penalty, ValidHyper};
use super::sae::{SaeRef, B1, B2, W1, W2};
use super::sparsity::{kl, kl_grad};
use super::workspace::Workspace;
use super::{c, Real};

/// The cost's terms, reported separately for the curves (always in f64).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CostParts {
    /// (1/2m)Σ‖x̂ − x‖².
    pub recon: f64,
    /// (λ/2)(‖W1‖² + ‖W2‖²).
    pub decay: f64,
    /// β·ΣKL(ρ‖ρ̂_j), or the L1 term.
    pub sparsity: f64,
}

impl CostParts {
    /// J, the sum of the terms.
    pub fn total(&self) -> f64 {
        self.recon + self.decay + self.sparsity
    }

    /// True when every term is a finite number.
    pub fn is_finite(&self) -> bool {
        self.total().is_finite()
    }
}

/// Forward pass plus the cost terms for an autoencoder (the target is the input itself).
/// `sae` is a [`super::Sae`] (`&sae`) or a [`SaeRef`] to one layer of a larger θ.
pub fn evaluate<'a, T: Real>(
    sae: impl Into<SaeRef<'a, T>>,
    x: &DMatrix<T>,
    hyper: &ValidHyper,
    ws: &mut Workspace<T>,
) -> CostParts {
    evaluate_pair(sae, x, x, hyper, ws)
}

/// Forward pass of `input` plus the cost terms against `target` (a denoising autoencoder
/// sees a corrupted input and is scored on the clean patch). Leaves activations, ρ̂ and the
/// per-unit sparsity gradient in `ws`, ready for [`backward`].
pub fn evaluate_pair<'a, T: Real>(
    sae: impl Into<SaeRef<'a, T>>,
    input: &DMatrix<T>,
    target: &DMatrix<T>,
    hyper: &ValidHyper,
    ws: &mut Workspace<T>,
) -> CostParts {
    let sae = sae.into();
    let m = c::<T>(target.ncols() as f64);
    sae.forward(input, ws);

    let recon = sum_sq_diff(ws.a2.as_slice(), target.as_slice()) / (m + m);
    let decay = weight_decay(sae, hyper);

    let sparsity = sparsity_terms(&ws.a1, hyper, &mut ws.rho_hat, &mut ws.sparse_grad);
    CostParts { recon: to_f64(recon), decay: to_f64(decay), sparsity: to_f64(sparsity) }
}

/// The sparsity penalty of codes `a1` (h×m) under `hyper`'s penalty: ρ̂ (the row means) into
/// `rho_hat`, ∂penalty/∂ρ̂_j into `sparse_grad`, and the penalty's value.
pub fn sparsity_terms<T: Real>(
    a1: &DMatrix<T>,
    hyper: &ValidHyper,
    rho_hat: &mut DVector<T>,
    sparse_grad: &mut DVector<T>,
) -> T {
    let m = c::<T>(a1.ncols() as f64);
    // ρ̂ = row means of A1, summed column by column (contiguous, so it vectorises; a row
    // walk of the column-major matrix would stride through memory)
    row_sums(a1, rho_hat.as_mut_slice());
    *rho_hat /= m;
    sparsity_penalty(rho_hat, hyper, sparse_grad)
}

/// The sparsity penalty's value for mean activations `rho_hat` under `hyper`'s penalty, with
/// ∂penalty/∂ρ̂_j into `sparse_grad` ([`sparsity_terms`] once ρ̂ is known; a cost split over
/// column blocks computes ρ̂ from every block's row sums first).
pub fn sparsity_penalty<T: Real>(rho_hat: &DVector<T>, hyper: &ValidHyper, sparse_grad: &mut DVector<T>) -> T {
    let h = hyper.get();
    match h.penalty {
        Penalty::Kl => {
            let (rho, beta) = (c::<T>(h.rho), c::<T>(h.beta));
            let mut total = T::zero();
            for (s, &r) in sparse_grad.iter_mut().zip(rho_hat.iter()) {
                total += kl(rho, r);
                *s = beta * kl_grad(rho, r);
            }
            beta * total
        }
        Penalty::L1 => {
            let w = c::<T>(h.l1);
            sparse_grad.fill(w);
            // Σ_ij a_ij / m = Σ_j ρ̂_j
            w * rho_hat.sum()
        }
    }
}

/// D ← (D + s/m) ⊙ A(1 − A) for sigmoid codes `a` (h×m) and per-unit sparsity gradient `s`:
/// the error at a sigmoid hidden layer, from the error `d` backpropagated into it.
pub fn hidden_delta<T: Real>(d: &mut DMatrix<T>, a: &DMatrix<T>, s: &DVector<T>, inv_m: T) {
    let hidden = d.nrows();
    // slices throughout: nalgebra's element iterators carry stride bookkeeping per element,
    // which kept these loops scalar
    let s = s.as_slice();
    for (dcol, acol) in d.as_mut_slice().chunks_exact_mut(hidden).zip(a.as_slice().chunks_exact(hidden)) {
        for ((d, &a), &s) in dcol.iter_mut().zip(acol).zip(s) {
            *d = (*d + s * inv_m) * a * (T::one() - a);
        }
    }
}

/// Cost terms and their gradient for one batch (n×m, one patch per column) into `g`, a
/// flat vector with θ's layout ([`super::Sae::layout`]).
pub fn cost_and_grad<'a, T: Real>(
    sae: impl Into<SaeRef<'a, T>>,
    x: &DMatrix<T>,
    hyper: &ValidHyper,
    ws: &mut Workspace<T>,
    g: &mut [T],
) -> CostParts {
    cost_and_grad_pair(sae, x, x, hyper, ws, g)
}

/// [`cost_and_grad`] for a denoising autoencoder: `input` goes in, `target` is scored.
pub fn cost_and_grad_pair<'a, T: Real>(
    sae: impl Into<SaeRef<'a, T>>,
    input: &DMatrix<T>,
    target: &DMatrix<T>,
    hyper: &ValidHyper,
    ws: &mut Workspace<T>,
    g: &mut [T],
) -> CostParts {
    let sae = sae.into();
    let parts = evaluate_pair(sae, input, target, hyper, ws);
    let inv_m = T::one() / c::<T>(target.ncols() as f64);
    backward_block(sae, input, target, inv_m, Some(c::<T>(hyper.get().lambda)), ws, g);
    parts
}

/// (λ/2)(‖W1‖² + ‖W2‖²), the weight decay term.
pub fn weight_decay<'a, T: Real>(sae: impl Into<SaeRef<'a, T>>, hyper: &ValidHyper) -> T {
    let sae = sae.into();
    c::<T>(hyper.get().lambda / 2.0) * (sq_norm(sae.block(W1)) + sq_norm(sae.block(W2)))
}

/// Backpropagation (see the module docs for the formulas; X there is the target in D2 and the
/// input in ∂J/∂W1) of one block of patches (`input` and `target`, one patch per column) after
/// its forward pass into `ws` ([`SaeRef::forward`]), into `g` (θ's layout), with ws.sparse_grad
/// holding s and `inv_m` = 1/m. For the whole batch, s and m are this batch's own and `decay`
/// is `Some(λ)` ([`cost_and_grad`]). For one column block of a larger batch, s comes from ρ̂
/// over every block ([`sparsity_penalty`]), m is the whole batch's size, and `decay` is `None`:
/// `g` is then this block's share of the gradient without the λW terms, which the caller adds
/// once to the sum of the blocks' shares.
pub fn backward_block<'a, T: Real>(
    sae: impl Into<SaeRef<'a, T>>,
    input: &DMatrix<T>,
    target: &DMatrix<T>,
    inv_m: T,
    decay: Option<T>,
    ws: &mut Workspace<T>,
    g: &mut [T],
) {
    let sae = sae.into();
    let layout = sae.layout();
    // ∂J/∂W ← D·Aᵀ + λW: W copied into the gradient and kept with weight λ by the GEMM
    // (β = 0 ignores what the gradient held)
    let with_decay = |g: &mut [T], block: usize| match decay {
        Some(lambda) => {
            g[layout.range(block)].copy_from_slice(sae.block(block));
            lambda
        }
        None => T::zero(),
    };

    // D2 = (X̂ − X)/m ⊙ f′(Z2), fused in one pass (the branch outside the loop, and over
    // slices rather than nalgebra's strided iterators, so each loop is a straight line the
    // compiler vectorises)
    let pairs = ws.d2.as_mut_slice().iter_mut().zip(ws.a2.as_slice()).zip(target.as_slice());
    match sae.output {
        Output::Sigmoid => pairs.for_each(|((d, &o), &i)| *d = (o - i) * inv_m * o * (T::one() - o)),
        Output::Linear => pairs.for_each(|((d, &o), &i)| *d = (o - i) * inv_m),
    }
    let beta = with_decay(g, W2);
    gemm(T::one(), &ws.d2, Op::N, &ws.a1, Op::T, beta, &mut layout.view_mut(g, W2));
    row_sums(&ws.d2, &mut g[layout.range(B2)]);

    // D1 = (W2ᵀ·D2 + s/m) ⊙ A1(1 − A1)
    gemm(T::one(), &sae.w2(), Op::T, &ws.d2, Op::N, T::zero(), &mut ws.d1);
    hidden_delta(&mut ws.d1, &ws.a1, &ws.sparse_grad, inv_m);
    let beta = with_decay(g, W1);
    gemm(T::one(), &ws.d1, Op::N, input, Op::T, beta, &mut layout.view_mut(g, W1));
    row_sums(&ws.d1, &mut g[layout.range(B1)]);
}

/// out_i = Σ_j m_ij, summed column by column (contiguous, so it vectorises).
pub fn row_sums<T: Real>(m: &DMatrix<T>, out: &mut [T]) {
    out.fill(T::zero());
    let rows = m.nrows();
    for col in m.as_slice().chunks_exact(rows) {
        for (o, &v) in out.iter_mut().zip(col) {
            *o += v;
        }
    }
}

/// Independent partial sums in a sum of squares: a single running sum is one long chain
/// of dependent additions, which the compiler may not reorder (floating point), so it can
/// neither vectorise nor pipeline it.
const LANES: usize = 8;

/// Σ v², in independent partial sums (see [`LANES`]).
pub fn sq_norm<T: Real>(v: &[T]) -> T {
    lane_sum(v, v, |x, _| x * x)
}

/// Σ (a − b)² over two slices of the same length.
pub fn sum_sq_diff<T: Real>(a: &[T], b: &[T]) -> T {
    lane_sum(a, b, |x, y| (x - y) * (x - y))
}

/// Σ f(a_k, b_k), accumulated in [`LANES`] independent sums.
fn lane_sum<T: Real>(a: &[T], b: &[T], f: impl Fn(T, T) -> T) -> T {
    debug_assert_eq!(a.len(), b.len());
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail = ca.remainder().iter().zip(cb.remainder()).fold(T::zero(), |s, (&x, &y)| s + f(x, y));
    let mut acc = [T::zero(); LANES];
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            acc[k] += f(x[k], y[k]);
        }
    }
    acc.iter().fold(tail, |s, &v| s + v)
}

/// A model number as f64 (NaN if it has no f64 value).
pub fn to_f64<T: Real>(v: T) -> f64 {
    nalgebra::try_convert::<T, f64>(v).unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_sums_match_a_plain_sum_for_any_length() {
        for len in [0, 1, 7, 8, 9, 19, 64] {
            let a: Vec<f64> = (0..len).map(|i| (i as f64 * 0.37).sin()).collect();
            let b: Vec<f64> = (0..len).map(|i| (i as f64 * 0.11).cos()).collect();
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
            assert!((sum_sq_diff(&a, &b) - plain).abs() < 1e-12, "length {len}");
            assert!((sq_norm(&a) - a.iter().map(|x| x * x).sum::<f64>()).abs() < 1e-12, "length {len}");
        }
    }
}
