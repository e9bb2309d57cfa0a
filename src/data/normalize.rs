//! UFLDL's patch normalisation: squash patches into the sigmoid's output range.
//!
//! The decoder ends in a sigmoid, so targets must lie strictly inside (0, 1). UFLDL removes
//! each patch's mean (brightness is not structure), clips at ±3 standard deviations (rare
//! outliers would otherwise compress everything else) and maps linearly to [0.1, 0.9].

use nalgebra::DMatrix;

/// Normalises every column (one patch each) in place: subtract the column's mean, clip to
/// ±3·`sigma`, then map x ↦ (x / (3σ) + 1)·0.4 + 0.1, so values land in [0.1, 0.9] and a
/// flat patch becomes exactly 0.5.
///
/// `sigma` should be a dataset-wide constant (see [`patch_sigma`]) so that every batch is
/// scaled the same way. Panics unless `sigma` is positive, finite and not subnormal.
pub fn normalize_patches(batch: &mut DMatrix<f32>, sigma: f32) {
    // is_normal also rules out subnormals, whose reciprocal would overflow to infinity.
    assert!(sigma > 0.0 && sigma.is_normal(), "normalize_patches needs a positive, finite, normal sigma, got {sigma}");
    let n = batch.nrows();
    if n == 0 {
        return;
    }
    let inv = 1.0 / (3.0 * sigma);
    // DMatrix is column-major, so each chunk of n values is one patch.
    for col in batch.as_mut_slice().chunks_exact_mut(n) {
        let mean = column_mean(col);
        for v in col.iter_mut() {
            let t = ((*v - mean) * inv).clamp(-1.0, 1.0);
            // Written as 0.5 + 0.4·t (same map) so t = 0 gives exactly 0.5; the final clamp
            // absorbs a one-ulp overshoot at t = ±1 so the documented range holds exactly.
            *v = (0.5 + 0.4 * t).clamp(0.1, 0.9);
        }
    }
}

/// Standard deviation of all values of `batch` after removing each column's own mean,
/// i.e. the σ UFLDL computes over the whole patch dataset. `batch` is not modified.
///
/// Returns 1.0 when that deviation is zero (all patches flat) or the batch is empty, so
/// callers can always divide by the result.
pub fn patch_sigma(batch: &DMatrix<f32>) -> f32 {
    sigma_from_sums(centred_sum_squares(batch), batch.len())
}

/// Sum over columns of Σ(v − column mean)², in f64. Exposed to the crate so a sampler can
/// accumulate σ over several batches without holding them all in memory.
pub(crate) fn centred_sum_squares(batch: &DMatrix<f32>) -> f64 {
    let n = batch.nrows();
    if n == 0 {
        return 0.0;
    }
    let mut ss = 0.0f64;
    for col in batch.as_slice().chunks_exact(n) {
        let mean = column_mean(col) as f64;
        ss += col
            .iter()
            .map(|&v| {
                let d = v as f64 - mean;
                d * d
            })
            .sum::<f64>();
    }
    ss
}

/// σ from a centred sum of squares over `count` values, falling back to 1.0 when it is
/// zero or undefined so callers can always divide by it.
pub(crate) fn sigma_from_sums(sum_squares: f64, count: usize) -> f32 {
    if count == 0 {
        return 1.0;
    }
    let sigma = (sum_squares / count as f64).sqrt() as f32;
    if sigma > 0.0 && sigma.is_normal() {
        sigma
    } else {
        1.0
    }
}

/// Mean of a column, accumulated in f64 so a constant column's mean is exactly its value.
fn column_mean(col: &[f32]) -> f32 {
    (col.iter().map(|&v| v as f64).sum::<f64>() / col.len() as f64) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_range() {
        let mut b = DMatrix::from_fn(16, 20, |i, j| ((i * 7 + j * 13) % 11) as f32 - 5.0);
        let sigma = patch_sigma(&b);
        normalize_patches(&mut b, sigma);
        assert!(b.iter().all(|&v| (0.1..=0.9).contains(&v)));
        // With values spread over ±5 and σ ≈ 3, some interior values must exist.
        assert!(b.iter().any(|&v| v > 0.11 && v < 0.89));
    }

    #[test]
    fn constant_column_maps_to_half() {
        let mut b = DMatrix::from_element(9, 3, 0.3f32);
        b.column_mut(1).fill(-7.25);
        normalize_patches(&mut b, 0.123);
        assert!(b.iter().all(|&v| v == 0.5));
    }

    #[test]
    fn clipping_at_three_sigma() {
        let sigma = 1.0;
        // Column with mean 0: values 0, ±1.5σ, ±3σ, ±6σ.
        let vals = [0.0f32, 1.5, -1.5, 3.0, -3.0, 6.0, -6.0];
        let mut b = DMatrix::from_column_slice(7, 1, &vals);
        normalize_patches(&mut b, sigma);
        let expect = [0.5f32, 0.7, 0.3, 0.9, 0.1, 0.9, 0.1];
        for (got, want) in b.iter().zip(expect) {
            assert!((got - want).abs() < 1e-6, "got {got}, want {want}");
        }
        // Beyond 3σ the value is exactly the clip level: 6σ and 3σ coincide.
        assert_eq!(b[3], b[5]);
        assert_eq!(b[4], b[6]);
    }

    #[test]
    fn mean_is_removed_per_column() {
        // Same shape, different offsets: results must match.
        let mut b = DMatrix::from_fn(4, 2, |i, j| i as f32 + 100.0 * j as f32);
        normalize_patches(&mut b, 1.0);
        for i in 0..4 {
            assert!((b[(i, 0)] - b[(i, 1)]).abs() < 1e-6);
        }
    }

    #[test]
    fn sigma_ignores_column_means_and_does_not_modify() {
        // Columns [-1, 1] + offset: after mean removal every value is ±1, σ = 1.
        let b = DMatrix::from_fn(2, 3, |i, j| (2.0 * i as f32 - 1.0) + 10.0 * j as f32);
        let before = b.clone();
        assert!((patch_sigma(&b) - 1.0).abs() < 1e-6);
        assert_eq!(b, before);
    }

    #[test]
    fn sigma_of_flat_patches_is_safe() {
        let b = DMatrix::from_fn(5, 4, |_, j| j as f32);
        assert_eq!(patch_sigma(&b), 1.0);
        assert_eq!(patch_sigma(&DMatrix::<f32>::zeros(0, 0)), 1.0);
    }

    #[test]
    #[should_panic(expected = "positive")]
    fn zero_sigma_panics() {
        normalize_patches(&mut DMatrix::from_element(2, 2, 1.0), 0.0);
    }
}
