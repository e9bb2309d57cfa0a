//! Does a filter look like a localized, oriented edge detector? Measured from the weights
//! alone, so the page can say "edges formed" without knowing what the data was.
//!
//! - **Localization**: the share of a filter's energy Σw² inside its best w×w window
//!   (w = ⌈3p/8⌉, 3 for 8×8 patches). Random weights spread energy evenly (≈ w²/p², 0.14 for
//!   3×3 of 8×8; the best window of noise reaches ~0.25); an edge detector concentrates it.
//! - **Orientedness**: the coherence of the filter's gradient structure tensor,
//!   √((Jxx−Jyy)² + 4Jxy²)/(Jxx+Jyy): 1 when every gradient points the same way (a straight
//!   edge or grating), near 0 for isotropic noise or a round blob.

use nalgebra::DMatrix;

/// A unit counts as an edge detector above both thresholds (calibrated on trained and
/// random filters; see the tests).
pub const LOCALIZATION_MIN: f32 = 0.40;
/// See [`LOCALIZATION_MIN`].
pub const ORIENTEDNESS_MIN: f32 = 0.45;

/// Localization and orientedness of one filter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FilterShape {
    /// Energy share in the best window, in (0, 1].
    pub localization: f32,
    /// Structure-tensor coherence, in [0, 1].
    pub orientedness: f32,
}

impl FilterShape {
    /// True when the filter is both localized and oriented.
    pub fn is_edge(&self) -> bool {
        self.localization >= LOCALIZATION_MIN && self.orientedness >= ORIENTEDNESS_MIN
    }
}

/// Side of the localization window for p×p patches.
pub fn window(p: usize) -> usize {
    (3 * p).div_ceil(8).clamp(1, p)
}

/// Measures one p×p filter (row-major, pixel (x, y) at y·p + x).
pub fn filter_shape(f: &[f32], p: usize) -> FilterShape {
    assert_eq!(f.len(), p * p, "filter must have p² weights");
    let mean = f.iter().sum::<f32>() / f.len() as f32;
    let energy: f32 = f.iter().map(|v| (v - mean) * (v - mean)).sum();
    if energy <= f32::EPSILON {
        return FilterShape { localization: 0.0, orientedness: 0.0 };
    }
    let w = window(p);
    let mut best = 0.0f32;
    for y0 in 0..=p - w {
        for x0 in 0..=p - w {
            let e: f32 = (y0..y0 + w)
                .flat_map(|y| (x0..x0 + w).map(move |x| (x, y)))
                .map(|(x, y)| (f[y * p + x] - mean).powi(2))
                .sum();
            best = best.max(e);
        }
    }
    let (mut jxx, mut jyy, mut jxy) = (0.0f32, 0.0f32, 0.0f32);
    for y in 0..p - 1 {
        for x in 0..p - 1 {
            // forward differences averaged over the 2×2 cell, so gx and gy share a centre
            let (a, b, c, d) = (f[y * p + x], f[y * p + x + 1], f[(y + 1) * p + x], f[(y + 1) * p + x + 1]);
            let gx = 0.5 * ((b - a) + (d - c));
            let gy = 0.5 * ((c - a) + (d - b));
            jxx += gx * gx;
            jyy += gy * gy;
            jxy += gx * gy;
        }
    }
    let trace = jxx + jyy;
    let orientedness = if trace > 0.0 { ((jxx - jyy).powi(2) + 4.0 * jxy * jxy).sqrt() / trace } else { 0.0 };
    FilterShape { localization: best / energy, orientedness }
}

/// Shapes of every hidden unit's filter (rows of W1, h×p²).
pub fn filter_shapes(w1: &DMatrix<f32>, p: usize) -> Vec<FilterShape> {
    let mut row = vec![0.0; w1.ncols()];
    (0..w1.nrows())
        .map(|j| {
            row.iter_mut().zip(w1.row(j).iter()).for_each(|(r, &v)| *r = v);
            filter_shape(&row, p)
        })
        .collect()
}

/// Share of units whose filters are localized, oriented edge detectors.
pub fn edge_share(w1: &DMatrix<f32>, p: usize) -> f32 {
    let shapes = filter_shapes(w1, p);
    shapes.iter().filter(|s| s.is_edge()).count() as f32 / shapes.len().max(1) as f32
}

/// Mean localization over all units.
pub fn mean_localization(w1: &DMatrix<f32>, p: usize) -> f32 {
    let shapes = filter_shapes(w1, p);
    shapes.iter().map(|s| s.localization).sum::<f32>() / shapes.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg32;

    /// A Gabor-like edge: a step across a line at angle θ, windowed by a small Gaussian.
    fn edge(p: usize, theta: f32, cx: f32, cy: f32, sigma: f32) -> Vec<f32> {
        let (s, c) = theta.sin_cos();
        (0..p * p)
            .map(|i| {
                let (x, y) = ((i % p) as f32 - cx, (i / p) as f32 - cy);
                let u = x * c + y * s;
                (-(x * x + y * y) / (2.0 * sigma * sigma)).exp() * u.tanh()
            })
            .collect()
    }

    #[test]
    fn edges_score_high_at_every_orientation() {
        for k in 0..8 {
            let th = k as f32 * std::f32::consts::PI / 8.0;
            let s = filter_shape(&edge(8, th, 3.5, 4.0, 1.3), 8);
            assert!(s.is_edge(), "θ = {th}: {s:?}");
        }
    }

    #[test]
    fn random_weights_and_blobs_are_not_edges() {
        let mut rng = Pcg32::seed_from_u64(3);
        let mut edges = 0;
        for _ in 0..200 {
            let f: Vec<f32> = (0..64).map(|_| rng.random_range(-1.0..1.0)).collect();
            let s = filter_shape(&f, 8);
            assert!(s.localization < LOCALIZATION_MIN, "{s:?}");
            edges += s.is_edge() as usize;
        }
        assert_eq!(edges, 0);
        // a centred round blob is localized but has no orientation
        let blob: Vec<f32> = (0..64)
            .map(|i| {
                let (x, y) = ((i % 8) as f32 - 3.5, (i / 8) as f32 - 3.5);
                (-(x * x + y * y) / 2.0).exp()
            })
            .collect();
        let s = filter_shape(&blob, 8);
        assert!(s.localization > LOCALIZATION_MIN && s.orientedness < 0.1, "{s:?}");
        // a global grating (PCA-like) is oriented but not localized
        let grating: Vec<f32> = (0..64).map(|i| ((i % 8) as f32 * 0.8).sin()).collect();
        let s = filter_shape(&grating, 8);
        assert!(s.orientedness > 0.9 && s.localization < LOCALIZATION_MIN, "{s:?}");
    }

    #[test]
    fn flat_filter_is_nothing() {
        let s = filter_shape(&[0.3; 64], 8);
        assert_eq!(s, FilterShape { localization: 0.0, orientedness: 0.0 });
        assert_eq!(window(8), 3);
        assert_eq!(window(16), 6);
        assert_eq!(window(4), 2);
    }
}
