//! White noise: a control dataset with no structure at all.
//!
//! Independent Gaussian pixels have a flat spectrum and no edges, so nothing a sparse code
//! can learn beats any other basis: the filters should stay unstructured. If edges appeared
//! here, the edge indicator (or the training) would be fooling us.

use super::image::Image;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// A `size` × `size` image of independent standard normal pixels, deterministic for `seed`.
/// Panics if `size` is zero.
pub fn white_noise(size: usize, seed: u64) -> Image {
    assert!(size > 0, "white_noise needs a nonzero image size");
    Image { width: size, height: size, pixels: standard_normals(size * size, seed) }
}

/// `n` independent standard normal values, deterministic for `seed`.
pub fn standard_normals(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = Pcg32::seed_from_u64(seed);
    let mut pixels = Vec::with_capacity(n + 1);
    // Box–Muller: two uniforms give two independent normals
    while pixels.len() < n {
        let u1: f64 = 1.0 - rng.random::<f64>(); // in (0, 1], so ln is finite
        let u2: f64 = rng.random();
        let r = (-2.0 * u1.ln()).sqrt();
        let t = std::f64::consts::TAU * u2;
        pixels.push((r * t.cos()) as f32);
        pixels.push((r * t.sin()) as f32);
    }
    pixels.truncate(n);
    pixels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_normal_and_uncorrelated_neighbours() {
        let img = white_noise(256, 4);
        assert!(img.mean().abs() < 0.02, "mean {}", img.mean());
        assert!((img.std() - 1.0).abs() < 0.02, "std {}", img.std());
        let n = img.pixels.len() - 1;
        let corr: f64 = img.pixels.windows(2).map(|w| (w[0] * w[1]) as f64).sum::<f64>() / n as f64;
        assert!(corr.abs() < 0.02, "neighbour correlation {corr}");
        assert_eq!(white_noise(33, 1), white_noise(33, 1));
    }
}
