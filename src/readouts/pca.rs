//! Principal components of a batch of patches: the baseline the sparse filters are compared
//! with.
//!
//! Why PCA finds global gratings while the sparse autoencoder finds local edges: PCA keeps
//! the orthogonal directions of maximal variance. Natural images are (nearly) stationary,
//! so their patch covariance depends only on pixel offsets, and the eigenvectors of such a
//! covariance are Fourier modes: gratings spread over the whole patch, ordered by the 1/f²
//! power spectrum (low frequencies first). Variance says nothing about *how* the signal is
//! made. A sparse code instead looks for directions along which the data are rarely but
//! strongly active (heavy-tailed, nearly independent causes), and the rare causes in natural
//! images are occluding boundaries: localized, oriented edges, like V1 simple cells.

use nalgebra::{DMatrix, SymmetricEigen};

/// The `k` leading principal components of the patches in `x` (n×m, one patch per column).
///
/// Returns the components as the rows of a k×n matrix (unit norm, mutually orthogonal,
/// largest variance first, each signed so its largest-magnitude entry is positive, which
/// makes the result deterministic) and their variances (eigenvalues of the covariance,
/// descending). `k` is clamped to n. The columns are centred on the mean patch and the
/// covariance X·Xᵀ/m is formed and diagonalised in f64 (patch values sit in a narrow band,
/// and small eigenvalues would drown in f32 rounding). Allocates; meant for on-demand use.
pub fn principal_components(x: &DMatrix<f32>, k: usize) -> (DMatrix<f32>, Vec<f32>) {
    let (n, m) = x.shape();
    let k = k.min(n);
    if n == 0 || m == 0 {
        return (DMatrix::zeros(k, n), vec![0.0; k]);
    }
    let mut xc = x.map(|v| v as f64);
    let mean = xc.column_mean();
    for mut col in xc.column_iter_mut() {
        col -= &mean;
    }
    let cov = (&xc * xc.transpose()) / m as f64;
    let eig = SymmetricEigen::new(cov);

    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));

    let mut comps = DMatrix::zeros(k, n);
    let mut vars = Vec::with_capacity(k);
    for (r, &i) in order.iter().take(k).enumerate() {
        let v = eig.eigenvectors.column(i);
        // an eigenvector's sign is arbitrary; fix it so the picture does not flip between calls
        let peak = v.iter().copied().fold(0.0f64, |best, e| if e.abs() > best.abs() { e } else { best });
        let sign = if peak < 0.0 { -1.0 } else { 1.0 };
        for (c, &e) in v.iter().enumerate() {
            comps[(r, c)] = (sign * e) as f32;
        }
        // rounding can leave a zero eigenvalue slightly negative
        vars.push(eig.eigenvalues[i].max(0.0) as f32);
    }
    (comps, vars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{natural_images, PatchSampler};
    use crate::model::edges::filter_shape;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg32;

    /// 5-D data: 3·g1·u + 1·g2·w + 0.1·noise + a constant offset, g ~ U(−1, 1) (variance 1/3).
    fn synthetic(m: usize) -> (DMatrix<f32>, Vec<f32>, Vec<f32>) {
        let u = [0.1f32, 0.8, -0.4, 0.2, 0.3858];
        let nu = u.iter().map(|v| v * v).sum::<f32>().sqrt();
        let u: Vec<f32> = u.iter().map(|v| v / nu).collect();
        // w ⟂ u: Gram–Schmidt on a second direction
        let w0 = [0.0f32, 0.0, 0.3, -0.9, 0.6];
        let d: f32 = w0.iter().zip(&u).map(|(a, b)| a * b).sum();
        let w: Vec<f32> = w0.iter().zip(&u).map(|(a, b)| a - d * b).collect();
        let nw = w.iter().map(|v| v * v).sum::<f32>().sqrt();
        let w: Vec<f32> = w.iter().map(|v| v / nw).collect();
        let mut rng = Pcg32::seed_from_u64(5);
        let mut x = DMatrix::zeros(5, m);
        for j in 0..m {
            let g1: f32 = rng.random_range(-1.0..1.0);
            let g2: f32 = rng.random_range(-1.0..1.0);
            for i in 0..5 {
                let noise: f32 = rng.random_range(-1.0..1.0);
                x[(i, j)] = 5.0 + 3.0 * g1 * u[i] + g2 * w[i] + 0.1 * noise;
            }
        }
        (x, u, w)
    }

    #[test]
    fn finds_the_dominant_direction_with_a_fixed_sign() {
        let (x, u, w) = synthetic(20_000);
        let (c, var) = principal_components(&x, 3);
        assert_eq!(c.shape(), (3, 5));
        // u's largest entry (0.8) is positive, so the sign rule returns +u, not −u
        for i in 0..5 {
            assert!((c[(0, i)] - u[i]).abs() < 0.01, "{} vs {:?}", c.row(0), u);
        }
        let dot_w: f32 = (0..5).map(|i| c[(1, i)] * w[i]).sum();
        assert!(dot_w.abs() > 0.999, "second component ≈ ±w: {dot_w}");
        // variances 9/3 + noise, 1/3 + noise, noise only (0.01/3)
        assert!((var[0] - 3.0).abs() < 0.1, "{var:?}");
        assert!((var[1] - 1.0 / 3.0).abs() < 0.02, "{var:?}");
        assert!(var[2] < 0.005, "{var:?}");
        // centring matters: without it the offset (5, …, 5) would dominate
        let ones = (0..5).map(|i| c[(0, i)]).sum::<f32>() / 5f32.sqrt();
        assert!(ones.abs() < 0.9);
    }

    #[test]
    fn components_are_orthonormal_and_sorted() {
        let (x, _, _) = synthetic(2_000);
        let (c, var) = principal_components(&x, 10);
        assert_eq!(c.shape(), (5, 5), "k is clamped to n");
        let gram = &c * c.transpose();
        assert!((gram - DMatrix::identity(5, 5)).abs().max() < 1e-5);
        assert!(var.windows(2).all(|v| v[0] >= v[1]), "{var:?}");
        for r in 0..5 {
            let peak = c.row(r).iter().copied().fold(0.0f32, |b, e| if e.abs() > b.abs() { e } else { b });
            assert!(peak > 0.0, "row {r} signed by its peak");
        }
        // the variances add up to the total variance (trace of the covariance)
        let xd = x.map(|v| v as f64);
        let mean = xd.column_mean();
        let total: f64 = xd.column_iter().map(|c| (c - &mean).norm_squared()).sum::<f64>() / 2_000.0;
        assert!((var.iter().sum::<f32>() as f64 - total).abs() < 1e-3 * total);
    }

    #[test]
    fn empty_input_gives_zeros() {
        let (c, v) = principal_components(&DMatrix::zeros(4, 0), 2);
        assert_eq!(c, DMatrix::zeros(2, 4));
        assert_eq!(v, vec![0.0; 2]);
    }

    #[test]
    fn natural_patch_components_are_global() {
        // the doc's claim: PCA of natural patches gives spread-out gratings, not the
        // localized edges a sparse code finds (random noise scores ~0.25, edges ≥ 0.40).
        // A few of the leading components are Gabor-shaped at the largest scale (the reference
        // fit in tests/edges_gabor.rs agrees: 3 of 16), but never enough for "edges formed".
        let mut s = PatchSampler::new(natural_images(1), 8, 3).unwrap();
        let mut x = DMatrix::zeros(64, 4096);
        s.fill(&mut x);
        let (c, _) = principal_components(&x, 16);
        let shapes: Vec<_> = c.row_iter().map(|r| filter_shape(&r.iter().copied().collect::<Vec<_>>(), 8)).collect();
        let mean_loc = shapes.iter().map(|s| s.localization).sum::<f32>() / 16.0;
        assert!(mean_loc < 0.33, "mean localization {mean_loc}");
        let edges = shapes.iter().filter(|s| s.is_edge()).count();
        assert!((edges as f32) < crate::readouts::verdict::FORMED_SHARE * 16.0, "{edges} of 16: {shapes:?}");
    }
}
