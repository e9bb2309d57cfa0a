//! Where training patches come from: built-in images, whitening, sampling, normalisation.
//!
//! The pipeline follows the UFLDL sparse autoencoder exercise:
//! 1. an image ([`dead_leaves`] stands in for the exercise's natural photographs, which
//!    cannot be shipped; it shares their 1/f² spectrum and occlusion edges),
//! 2. Olshausen & Field [`whiten`]ing,
//! 3. random p×p patches from a [`PatchSampler`],
//! 4. [`normalize_patches`] into the decoder's sigmoid range [0.1, 0.9].
//!
//! Beside the natural images, [`Dataset`] offers teaching sets made from a seed ([`bars`],
//! [`strokes`], [`white_noise`]) and the user's own pictures ([`image_from_rgba`]).
//!
//! Everything here is pure and deterministic for a seed, so it runs identically natively
//! and in wasm32.

mod bars;
mod dataset;
mod dct;
mod dead_leaves;
mod digits;
mod fft;
mod image;
mod noise;
mod normalize;
mod own;
mod patches;
mod photos;
mod strokes;
mod whiten;

pub use bars::bars;
pub use dataset::{prepare, Dataset};
pub use dead_leaves::dead_leaves;
pub use digits::{all_digits, digit_split, Digits, DIGIT_SIDE, TRAIN as DIGITS_TRAIN};
pub use image::Image;
pub use noise::{standard_normals, white_noise};
pub use normalize::{normalize_patches, patch_sigma};
pub use own::{fit, image_from_rgba, MAX_SIDE, MIN_SIDE};
pub use patches::{check_images, draw_patches, PatchSampler};
pub use photos::{photographs, Credit, CREDITS};
pub use strokes::strokes;
pub use whiten::whiten;

/// Side length of the built-in images.
pub const NATURAL_IMAGE_SIZE: usize = 512;

/// The built-in training set: one whitened 512×512 dead-leaves image (mean 0, std 1).
pub fn natural_images(seed: u64) -> Vec<Image> {
    vec![whiten(&dead_leaves(NATURAL_IMAGE_SIZE, seed))]
}

/// The same image as [`natural_images`] without whitening, scaled to mean 0 and std 1
/// so that toggling whitening changes only the spectrum, not the contrast.
pub fn natural_images_unwhitened(seed: u64) -> Vec<Image> {
    vec![dead_leaves(NATURAL_IMAGE_SIZE, seed).standardized()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_images_are_standardized_and_differ_by_whitening() {
        let w = natural_images(1);
        let u = natural_images_unwhitened(1);
        assert_eq!(w.len(), 1);
        assert_eq!(u.len(), 1);
        for img in w.iter().chain(&u) {
            assert_eq!((img.width, img.height), (512, 512));
            assert!(img.mean().abs() < 1e-4);
            assert!((img.std() - 1.0).abs() < 1e-4);
        }
        assert_ne!(w[0], u[0]);
        assert_eq!(w, natural_images(1));
    }

    /// Release timing: `cargo test --release --lib data::tests::timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn timing() {
        let t = std::time::Instant::now();
        let leaves = dead_leaves(NATURAL_IMAGE_SIZE, 1);
        let t_leaves = t.elapsed();
        let t = std::time::Instant::now();
        let white = whiten(&leaves);
        let t_white = t.elapsed();
        let t = std::time::Instant::now();
        let imgs = natural_images(1);
        let t_all = t.elapsed();
        let t = std::time::Instant::now();
        let sampler = PatchSampler::new(imgs, 8, 1).unwrap();
        let t_sampler = t.elapsed();
        println!(
            "dead_leaves {t_leaves:?}, whiten {t_white:?}, natural_images {t_all:?}, \
             PatchSampler::new(p=8) {t_sampler:?}, sigma {}, check {}",
            sampler.sigma(),
            white.pixels[0]
        );
    }
}
