//! Handwriting-like strokes: smooth pen traces of varying curvature on a blank page.
//!
//! Each stroke is a pen moving at constant speed whose heading turns by a slowly drifting
//! curvature, drawn with a round nib and anti-aliased edges. At patch scale this gives
//! short line and curve segments of one width class, like pieces of handwritten digits: a
//! sparse code learns stroke fragments (bars at every angle, ends and bends).

use super::image::Image;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// Fraction of the page the strokes cover, roughly.
const INK_COVERAGE: f64 = 0.12;
/// Stroke length range in pixels.
const LENGTH: (f64, f64) = (15.0, 60.0);
/// Nib radius range in pixels.
const NIB: (f64, f64) = (0.9, 1.6);
/// Largest turning rate (radians per pixel) a stroke reaches.
const MAX_CURVATURE: f64 = 0.12;
/// Distance between nib stamps along a stroke, in pixels.
const STAMP_STEP: f64 = 0.4;

/// A `size` × `size` page of strokes, ink 1 on paper 0, deterministic for `seed`.
/// Panics if `size` is zero.
pub fn strokes(size: usize, seed: u64) -> Image {
    assert!(size > 0, "strokes needs a nonzero image size");
    let mut rng = Pcg32::seed_from_u64(seed);
    let mut pixels = vec![0.0f32; size * size];
    let s = size as f64;
    // ink per stroke ≈ length × nib diameter
    let mean_ink = 0.5 * (LENGTH.0 + LENGTH.1) * (NIB.0 + NIB.1);
    let count = ((INK_COVERAGE * s * s / mean_ink).ceil() as usize).max(1);
    for _ in 0..count {
        let (mut x, mut y) = (rng.random_range(0.0..s), rng.random_range(0.0..s));
        let mut heading = rng.random_range(0.0..std::f64::consts::TAU);
        let mut curvature = rng.random_range(-MAX_CURVATURE..MAX_CURVATURE);
        let length = rng.random_range(LENGTH.0..LENGTH.1);
        let nib = rng.random_range(NIB.0..NIB.1);
        let mut travelled = 0.0;
        while travelled < length {
            stamp(&mut pixels, size, x, y, nib);
            // the curvature drifts, so strokes bend one way and then the other, like a loop or an S
            curvature = (curvature + rng.random_range(-0.01..0.01)).clamp(-MAX_CURVATURE, MAX_CURVATURE);
            heading += curvature * STAMP_STEP;
            x += heading.cos() * STAMP_STEP;
            y += heading.sin() * STAMP_STEP;
            travelled += STAMP_STEP;
        }
    }
    Image { width: size, height: size, pixels }
}

/// Inks a round nib of radius `r` centred at (`cx`, `cy`), with a one-pixel soft edge;
/// overlapping ink keeps the darker (larger) value.
fn stamp(pixels: &mut [f32], size: usize, cx: f64, cy: f64, r: f64) {
    let lo = |c: f64| (c - r - 1.0).floor().max(0.0) as usize;
    let hi = |c: f64| ((c + r + 1.0).ceil().max(0.0) as usize).min(size);
    for y in lo(cy)..hi(cy) {
        for x in lo(cx)..hi(cx) {
            let d = ((x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2)).sqrt();
            let ink = (r + 0.5 - d).clamp(0.0, 1.0) as f32;
            let p = &mut pixels[y * size + x];
            *p = p.max(ink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ink_covers_about_the_intended_share_of_the_page() {
        let img = strokes(256, 2);
        assert!(img.pixels.iter().all(|v| (0.0..=1.0).contains(v)));
        let ink = img.pixels.iter().sum::<f32>() / img.pixels.len() as f32;
        assert!((0.05..0.2).contains(&ink), "ink {ink}");
        assert_eq!(strokes(64, 9), strokes(64, 9));
        assert_ne!(strokes(64, 9), strokes(64, 10));
    }

    #[test]
    fn strokes_are_thin_lines_not_blobs() {
        // along a row, ink comes in short runs (a crossing is about one nib wide)
        let img = strokes(256, 3);
        let mut runs = Vec::new();
        let mut run = 0;
        for &v in &img.pixels {
            if v > 0.5 {
                run += 1;
            } else if run > 0 {
                runs.push(run);
                run = 0;
            }
        }
        runs.sort_unstable();
        let median = runs[runs.len() / 2];
        assert!((1..=4).contains(&median), "median run {median}");
    }
}
