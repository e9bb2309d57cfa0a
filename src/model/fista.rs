//! Sparse inference by FISTA (Beck & Teboulle 2009): for each patch x, the code a that
//! minimises
//!
//!   F(a) = ½‖x − Da‖² + λ‖a‖₁
//!
//! for a dictionary D (n×h, one atom per column). The smooth part has gradient Dᵀ(Da − x),
//! Lipschitz with L = the largest eigenvalue of G = DᵀD; the L1 part has the soft threshold
//! S_τ(v) = sign(v)·max(|v| − τ, 0) as its proximal step. One iteration, from a₀ = y₁ = 0,
//! t₁ = 1:
//!
//!   a_k     = S_{λ/L}(y_k − (G·y_k − Dᵀx)/L)       ISTA step from the extrapolated point
//!   t_{k+1} = (1 + √(1 + 4t_k²))/2
//!   y_{k+1} = a_k + ((t_k − 1)/t_{k+1})·(a_k − a_{k−1})   momentum
//!
//! The whole batch is solved at once: X (n×m) gives DᵀX (h×m) once, and every iteration is one
//! h×h by h×m product, G·Y, so the cost per iteration does not depend on n. L comes from a few
//! power iterations on G warm-started from the previous call's vector: the dictionary moves
//! little between training steps, so the vector stays near the top eigenvector.

use nalgebra::{DMatrix, DMatrixView};

use super::cost::to_f64;
use super::family::fit;
use super::gemm::{gemm, Op};
use super::{c, Real};

/// Power iterations when the vector has never been used (or collapsed): enough to reach
/// the top eigenvalue of a random 64×25 dictionary to ~1e-3 from a flat start.
pub const POWER_COLD: usize = 60;
/// Power iterations per refresh once warm (the dictionary changed by one small step).
pub const POWER_WARM: usize = 4;
/// Power iteration approaches L from below; a step of 1/(1.01·L̂) stays ≤ 1/L even when the
/// estimate is 1 % low, for a 1 % slower descent.
pub const L_MARGIN: f64 = 1.01;

/// G = DᵀD and its largest eigenvalue L, recomputed only when the dictionary changed (it is
/// compared with the copy seen last, so a change from outside — the optimiser, a rollback,
/// the gradient check — is noticed without a flag anyone must remember to set). One cache
/// per dictionary means every batch size solves with the very same L: the readouts' codes
/// equal the training path's.
#[derive(Clone, Debug)]
pub struct Gram<T: Real> {
    /// G = DᵀD (h×h).
    gram: DMatrix<T>,
    /// Unit vector for the power iteration (h×1), kept between refreshes.
    power: DMatrix<T>,
    /// G·power (h×1).
    next: DMatrix<T>,
    /// False until the power vector holds a useful estimate.
    warm: bool,
    /// L with the margin; 0 for an all-zero dictionary.
    lipschitz: T,
    /// The dictionary G and L belong to (empty: none yet).
    seen: Vec<T>,
}

impl<T: Real> Gram<T> {
    /// An empty cache for `h` atoms.
    pub fn new(h: usize) -> Self {
        Gram {
            gram: DMatrix::zeros(h, h),
            power: DMatrix::zeros(h, 1),
            next: DMatrix::zeros(h, 1),
            warm: false,
            lipschitz: T::zero(),
            seen: Vec::new(),
        }
    }

    /// The step constant L (the power estimate times [`L_MARGIN`]) of the latest refresh.
    pub fn lipschitz(&self) -> T {
        self.lipschitz
    }

    /// Brings G and L up to date with `dict` (n×h); a no-op when it has not changed.
    pub fn refresh(&mut self, dict: &DMatrixView<T>) {
        if dict.len() == self.seen.len() && dict.iter().eq(self.seen.iter()) {
            return;
        }
        self.seen.clear();
        self.seen.extend(dict.iter().copied());
        let h = dict.ncols();
        fit(&mut self.gram, h, h);
        fit(&mut self.next, h, 1);
        if self.power.nrows() != h {
            self.power = DMatrix::zeros(h, 1);
            self.warm = false;
        }
        gemm(T::one(), dict, Op::T, dict, Op::N, T::zero(), &mut self.gram);
        if !self.warm {
            // a flat start overlaps every eigenvector of a random dictionary
            self.power.fill(T::one() / c::<T>((h as f64).sqrt()));
        }
        let rounds = if self.warm { POWER_WARM } else { POWER_COLD };
        let mut est = T::zero();
        for _ in 0..rounds {
            gemm(T::one(), &self.gram, Op::N, &self.power, Op::N, T::zero(), &mut self.next);
            est = self.next.norm();
            if !est.is_finite() || est <= T::zero() {
                // D = 0 (or not finite): no direction to keep; start flat next time
                self.warm = false;
                self.lipschitz = T::zero();
                return;
            }
            self.power.copy_from(&self.next);
            self.power /= est;
        }
        self.warm = true;
        self.lipschitz = est * c::<T>(L_MARGIN);
    }
}

/// Buffers for batch FISTA (allocated once per batch size).
#[derive(Clone, Debug)]
pub struct Fista<T: Real> {
    /// DᵀX (h×m).
    dtx: DMatrix<T>,
    /// The extrapolated point Y (h×m).
    y: DMatrix<T>,
    /// The previous iterate a_{k−1} (h×m).
    prev: DMatrix<T>,
    /// G·Y − DᵀX (h×m).
    grad: DMatrix<T>,
}

impl<T: Real> Default for Fista<T> {
    fn default() -> Self {
        let z = || DMatrix::zeros(0, 0);
        Fista { dtx: z(), y: z(), prev: z(), grad: z() }
    }
}

impl<T: Real> Fista<T> {
    /// Empty buffers; they grow to the batch on the first solve.
    pub fn new() -> Self {
        Self::default()
    }

    /// Codes (h×m) of the patches `x` (n×m) under `dict` (n×h) by `iters` FISTA iterations
    /// from 0, into `codes` (resized if needed); `gram` is refreshed for `dict` first.
    pub fn solve(
        &mut self,
        gram: &mut Gram<T>,
        dict: DMatrixView<T>,
        x: &DMatrix<T>,
        lambda: T,
        iters: usize,
        codes: &mut DMatrix<T>,
    ) {
        self.solve_with(gram, dict, x, lambda, iters, codes, |_| {});
    }

    /// [`Fista::solve`], calling `each` with the iterate a_k after every iteration (the
    /// training path passes a no-op, which compiles away; [`trajectory`] records them).
    #[allow(clippy::too_many_arguments)]
    pub fn solve_with(
        &mut self,
        gram: &mut Gram<T>,
        dict: DMatrixView<T>,
        x: &DMatrix<T>,
        lambda: T,
        iters: usize,
        codes: &mut DMatrix<T>,
        mut each: impl FnMut(&DMatrix<T>),
    ) {
        let (h, m) = (dict.ncols(), x.ncols());
        for buf in [&mut self.dtx, &mut self.y, &mut self.prev, &mut self.grad] {
            fit(buf, h, m);
        }
        fit(codes, h, m);
        gram.refresh(&dict);
        codes.fill(T::zero());
        if gram.lipschitz <= T::zero() {
            // an all-zero dictionary explains nothing, and λ‖a‖₁ is least at a = 0
            return;
        }
        gemm(T::one(), &dict, Op::T, x, Op::N, T::zero(), &mut self.dtx);
        let inv_l = T::one() / gram.lipschitz;
        let tau = lambda.max(T::zero()) * inv_l;
        self.y.fill(T::zero());
        self.prev.fill(T::zero());
        let mut t = T::one();
        for _ in 0..iters {
            // grad = G·Y − DᵀX
            self.grad.copy_from(&self.dtx);
            gemm(T::one(), &gram.gram, Op::N, &self.y, Op::N, -T::one(), &mut self.grad);
            for ((a, &y), &g) in codes.iter_mut().zip(self.y.iter()).zip(self.grad.iter()) {
                *a = soft_threshold(y - g * inv_l, tau);
            }
            let t_next = (T::one() + (T::one() + c::<T>(4.0) * t * t).sqrt()) / c::<T>(2.0);
            let beta = (t - T::one()) / t_next;
            for ((y, &a), p) in self.y.iter_mut().zip(codes.iter()).zip(self.prev.iter_mut()) {
                *y = a + beta * (a - *p);
                *p = a;
            }
            t = t_next;
            each(codes);
        }
    }
}

/// S_τ(v) = sign(v)·max(|v| − τ, 0), the proximal step of τ‖·‖₁: exact zeros below τ.
#[inline(always)]
pub fn soft_threshold<T: Real>(v: T, tau: T) -> T {
    if v > tau {
        v - tau
    } else if v < -tau {
        v + tau
    } else {
        T::zero()
    }
}

/// Σ over patches of ½‖x − Da‖² + λ‖a‖₁, the objective FISTA minimises (allocates; for
/// tests and readouts).
pub fn objective<T: Real>(dict: DMatrixView<T>, x: &DMatrix<T>, codes: &DMatrix<T>, lambda: f64) -> f64 {
    let mut r = x.clone();
    gemm(-T::one(), &dict, Op::N, codes, Op::N, T::one(), &mut r);
    let l1: f64 = codes.iter().map(|&a| to_f64(a.abs())).sum();
    0.5 * to_f64(r.norm_squared()) + lambda * l1
}

/// The code of ONE standardised patch `x` (n values) after each of `iters` FISTA
/// iterations, from a cold start (for the page's "inference is an optimisation" strip;
/// allocates, so call it per display update, not per step).
/// `gram` is the dictionary's cache (a model's own, so the path ends at the code training
/// sees; `&mut Gram::new(h)` otherwise).
pub fn trajectory<T: Real>(gram: &mut Gram<T>, dict: DMatrixView<T>, x: &[T], lambda: T, iters: usize) -> Vec<Vec<T>> {
    let x = DMatrix::from_column_slice(x.len(), 1, x);
    let mut codes = DMatrix::zeros(dict.ncols(), 1);
    let mut path = Vec::with_capacity(iters);
    Fista::new().solve_with(gram, dict, &x, lambda, iters, &mut codes, |a| path.push(a.as_slice().to_vec()));
    path
}

#[cfg(test)]
mod tests;
