//! Földiák's bars: the classic test that a sparse code finds the independent causes.
//!
//! Every row of the image is a horizontal bar with probability [`BAR_PROBABILITY`], every
//! column a vertical one, independently; a pixel is on where a bar covers it (OR, as in
//! Földiák 1990). Any p×p window of this image therefore shows exactly the textbook
//! stimulus: each of its p horizontal and p vertical bars present independently. A sparse
//! code should spend one unit per bar.

use super::image::Image;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// Chance that a given row (or column) is a bar: 1/8, so an 8×8 patch holds two bars on average.
pub const BAR_PROBABILITY: f64 = 0.125;

/// A `size` × `size` bars image, 1 on bars and 0 elsewhere, deterministic for `seed`.
/// Panics if `size` is zero.
pub fn bars(size: usize, seed: u64) -> Image {
    assert!(size > 0, "bars needs a nonzero image size");
    let mut rng = Pcg32::seed_from_u64(seed);
    let rows: Vec<bool> = (0..size).map(|_| rng.random_bool(BAR_PROBABILITY)).collect();
    let cols: Vec<bool> = (0..size).map(|_| rng.random_bool(BAR_PROBABILITY)).collect();
    let pixels = (0..size * size).map(|i| f32::from(u8::from(rows[i / size] || cols[i % size]))).collect();
    Image { width: size, height: size, pixels }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_and_column_is_all_on_or_a_cross_section() {
        let img = bars(64, 3);
        assert!(img.pixels.iter().all(|&v| v == 0.0 || v == 1.0));
        // a row that is not a bar is on exactly at the vertical bars
        let vertical: Vec<bool> = (0..64).map(|x| (0..64).all(|y| img.get(x, y) == 1.0)).collect();
        for y in 0..64 {
            let row: Vec<bool> = (0..64).map(|x| img.get(x, y) == 1.0).collect();
            assert!(row.iter().all(|&v| v) || row == vertical, "row {y}");
        }
    }

    #[test]
    fn bar_density_is_near_one_in_eight() {
        let img = bars(512, 1);
        let full_rows = (0..512).filter(|&y| (0..512).all(|x| img.get(x, y) == 1.0)).count();
        // binomial(512, 1/8): mean 64, sd 7.5 (full columns can only add to full rows when all are bars)
        assert!((40..=90).contains(&full_rows), "{full_rows} bar rows");
        assert_eq!(bars(100, 5), bars(100, 5));
        assert_ne!(bars(100, 5), bars(100, 6));
    }
}
