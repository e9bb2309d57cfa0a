//! How much a sigmoid code moves with its input: the two numbers Rifai et al. (2011, Table 1)
//! put beside test error, for any model whose code is H = σ(W1·X + b1) (the contractive and
//! the sparse autoencoder), so the page can show them for both side by side.

use nalgebra::{DMatrix, DMatrixView, DVector};

use super::cost::to_f64;
use super::{c, Real};

/// A unit counts as saturated below this activation or above 1 minus it.
pub const SATURATION_MARGIN: f64 = 0.05;

/// q_j = ‖row j‖² of a column-major matrix, into `q` (summed column by column: contiguous).
pub fn row_sq_norms<T: Real>(w: &DMatrixView<'_, T>, q: &mut DVector<T>) {
    q.fill(T::zero());
    for col in w.column_iter() {
        q.iter_mut().zip(col.iter()).for_each(|(o, &v)| *o += v * v);
    }
}

/// Mean over the patches (columns of `h`) of ‖∂h/∂x‖_F = sqrt(Σ_j (h_j(1 − h_j))²·‖W1_j‖²).
pub fn jacobian_norm<T: Real>(h: &DMatrix<T>, w1: &DMatrixView<'_, T>) -> f64 {
    let mut q = DVector::zeros(w1.nrows());
    row_sq_norms(w1, &mut q);
    let total: f64 = h
        .column_iter()
        .map(|col| {
            col.iter()
                .zip(&q)
                .map(|(&a, &qj)| {
                    let s = a * (T::one() - a);
                    to_f64(s * s * qj)
                })
                .sum::<f64>()
                .sqrt()
        })
        .sum();
    total / h.ncols().max(1) as f64
}

/// Share of (unit, patch) activations in `h` that are saturated (below [`SATURATION_MARGIN`]
/// or above 1 minus it): the mean over patches of the fraction of saturated units, Rifai et
/// al.'s "SAT". The 0.05/0.95 cut-offs are stated here, not checked against their text.
pub fn saturated_share<T: Real>(h: &DMatrix<T>) -> f64 {
    let (lo, hi) = (c::<T>(SATURATION_MARGIN), c::<T>(1.0 - SATURATION_MARGIN));
    h.iter().filter(|&&a| a < lo || a > hi).count() as f64 / h.len().max(1) as f64
}

/// The two as the lane's diagnostics.
pub fn diagnostics<T: Real>(h: &DMatrix<T>, w1: &DMatrixView<'_, T>) -> Vec<(&'static str, f64)> {
    vec![("mean ‖∂h/∂x‖_F", jacobian_norm(h, w1)), ("saturated share", saturated_share(h))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_computed_jacobian_and_saturation() {
        // one patch, two units: s = 0.25 (h = 0.5) and 0.09 (h = 0.9); ‖W1_0‖² = 4, ‖W1_1‖² = 1
        let h = DMatrix::from_column_slice(2, 1, &[0.5f64, 0.9]);
        let w1 = DMatrix::from_row_slice(2, 2, &[2.0f64, 0.0, 0.0, 1.0]);
        let want = (0.25f64 * 0.25 * 4.0 + 0.09 * 0.09).sqrt();
        assert!((jacobian_norm(&h, &w1.as_view()) - want).abs() < 1e-12);
        let sat = DMatrix::from_column_slice(4, 1, &[0.01f64, 0.5, 0.97, 0.9]);
        assert_eq!(saturated_share(&sat), 0.5);
    }
}
