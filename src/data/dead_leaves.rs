//! Dead-leaves images: a synthetic stand-in for natural photographs.
//!
//! Opaque discs ("leaves") fall on the canvas and occlude each other. With radii drawn
//! from a density ∝ r⁻³ the result is approximately scale invariant, with a power spectrum
//! close to 1/f² and hard occlusion edges, which is what makes natural images teach a
//! sparse autoencoder localised, oriented edge filters.

use super::image::Image;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// Smallest leaf radius in pixels: smaller discs would be mostly aliasing.
const R_MIN: f64 = 2.0;
/// Largest leaf radius in pixels.
const R_MAX: f64 = 100.0;
/// Upper bound on disc draws, in case coverage is unlucky; ~10⁵ draws cover 512².
const MAX_DRAWS: usize = 5_000_000;

/// A `size` × `size` dead-leaves image with grey levels in `[0, 1]`, deterministic for `seed`.
///
/// Discs are drawn front to back: each pixel keeps the grey of the first disc that covers
/// it, so only uncovered pixels are ever written and generation stops as soon as the canvas
/// is full. Radii follow a density ∝ r⁻³ on `[2, 100]` pixels, centres are uniform over
/// the canvas grown by the largest radius (discs that cannot reach the canvas are redrawn),
/// which makes the picture statistically the same everywhere, borders included.
///
/// Panics if `size` is zero.
pub fn dead_leaves(size: usize, seed: u64) -> Image {
    assert!(size > 0, "dead_leaves needs a nonzero image size");
    let mut rng = Pcg32::seed_from_u64(seed);
    // Negative = not yet covered; valid greys are in [0, 1].
    let mut pixels = vec![-1.0f32; size * size];
    let mut uncovered = size * size;
    let s = size as f64;

    // Inverse CDF of p(r) ∝ r⁻³ on [R_MIN, R_MAX]: r = (a - u (a - b))^(-1/2), a = R_MIN⁻², b = R_MAX⁻².
    let a = R_MIN.powi(-2);
    let b = R_MAX.powi(-2);

    let mut last_grey = 0.5f32;
    for _ in 0..MAX_DRAWS {
        if uncovered == 0 {
            break;
        }
        let u: f64 = rng.random();
        let r = (a - u * (a - b)).powf(-0.5);
        let cx = rng.random_range(-R_MAX..s + R_MAX);
        let cy = rng.random_range(-R_MAX..s + R_MAX);
        let grey: f32 = rng.random();
        // Reject discs whose nearest point to the canvas square is farther than r.
        let nx = cx.clamp(0.0, s) - cx;
        let ny = cy.clamp(0.0, s) - cy;
        if nx * nx + ny * ny > r * r {
            continue;
        }
        last_grey = grey;
        uncovered -= paint_disc(&mut pixels, size, cx, cy, r, grey);
    }

    if uncovered > 0 {
        // Only reachable if the draw cap was hit: fill the gaps rather than leave sentinels.
        for p in pixels.iter_mut().filter(|p| **p < 0.0) {
            *p = last_grey;
        }
    }
    Image { width: size, height: size, pixels }
}

/// Writes `grey` into the still-uncovered pixels whose centres lie in the disc;
/// returns how many it newly covered. Scans only the disc's span in each row.
fn paint_disc(pixels: &mut [f32], size: usize, cx: f64, cy: f64, r: f64, grey: f32) -> usize {
    let last = size as f64 - 1.0;
    // Pixel (x, y) has its centre at (x + 0.5, y + 0.5).
    let y_lo = (cy - r - 0.5).ceil().max(0.0);
    let y_hi = (cy + r - 0.5).floor().min(last);
    if y_lo > y_hi {
        return 0;
    }
    let mut newly = 0;
    for y in y_lo as usize..=y_hi as usize {
        let dy = y as f64 + 0.5 - cy;
        let h2 = r * r - dy * dy;
        if h2 < 0.0 {
            continue;
        }
        let half = h2.sqrt();
        let x_lo = (cx - half - 0.5).ceil().max(0.0);
        let x_hi = (cx + half - 0.5).floor().min(last);
        if x_lo > x_hi {
            continue;
        }
        let row = &mut pixels[y * size..(y + 1) * size];
        for p in &mut row[x_lo as usize..=x_hi as usize] {
            if *p < 0.0 {
                *p = grey;
                newly += 1;
            }
        }
    }
    newly
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed() {
        assert_eq!(dead_leaves(128, 7), dead_leaves(128, 7));
    }

    #[test]
    fn different_seeds_differ() {
        let a = dead_leaves(128, 1);
        let b = dead_leaves(128, 2);
        let differing = a.pixels.iter().zip(&b.pixels).filter(|(x, y)| x != y).count();
        assert!(differing > a.pixels.len() / 2, "only {differing} pixels differ");
    }

    #[test]
    fn values_in_unit_interval_and_fully_painted() {
        let img = dead_leaves(256, 3);
        assert_eq!((img.width, img.height), (256, 256));
        assert!(img.pixels.iter().all(|&v| (0.0..=1.0).contains(&v)));
    }

    #[test]
    fn many_distinct_grey_levels() {
        let img = dead_leaves(512, 4);
        let mut v: Vec<u32> = img.pixels.iter().map(|p| p.to_bits()).collect();
        v.sort_unstable();
        v.dedup();
        assert!(v.len() > 50, "only {} distinct grey levels", v.len());
    }

    #[test]
    fn hard_edges_flat_regions() {
        let img = dead_leaves(512, 5);
        let n = img.width;
        let mut equal = 0usize;
        let mut total = 0usize;
        for y in 0..n {
            for x in 0..n - 1 {
                total += 1;
                if img.get(x, y) == img.get(x + 1, y) {
                    equal += 1;
                }
            }
        }
        let frac = equal as f64 / total as f64;
        assert!(frac > 0.8, "only {frac:.3} of neighbour pairs are equal");
    }

    #[test]
    fn paint_disc_skips_covered_pixels_and_counts() {
        let size = 10;
        let mut px = vec![-1.0f32; size * size];
        px[5 * size + 5] = 0.25; // already covered by a nearer disc
        let n = paint_disc(&mut px, size, 5.5, 5.5, 1.0, 0.75);
        // Centres within distance 1 of (5.5, 5.5): (5,5) and its 4 neighbours; (5,5) was taken.
        assert_eq!(n, 4);
        assert_eq!(px[5 * size + 5], 0.25);
        assert_eq!(px[4 * size + 5], 0.75);
        assert_eq!(px[5 * size + 6], 0.75);
        assert_eq!(px[4 * size + 4], -1.0);
    }

    #[test]
    fn paint_disc_clips_at_borders() {
        let size = 4;
        let mut px = vec![-1.0f32; size * size];
        let n = paint_disc(&mut px, size, -50.0, -50.0, 3.0, 0.5);
        assert_eq!(n, 0);
        let n = paint_disc(&mut px, size, 0.0, 0.0, 100.0, 0.5);
        assert_eq!(n, 16);
    }
}
