//! The whole-image view: an image cut into a grid of patches, every patch reconstructed,
//! and a map of where the network fails.
//!
//! Everything is shown in *patch units*: each patch is normalised exactly as in training
//! ([`normalize_patches`] with the trainer's σ), which removes the patch's own mean. The
//! original and the reconstruction are therefore mosaics of [0.1, 0.9] tiles with every tile
//! centred on 0.5; nothing is added back, because the network never sees brightness and
//! adding it back would hide what it actually reconstructs. The error is per patch, since
//! that is the score anomaly detection thresholds: a patch unlike the training data is
//! reconstructed badly as a whole.

use nalgebra::DMatrix;

use crate::data::{normalize_patches, Image};
use crate::model::{Ctx, Model};

/// An image region, its reconstruction and its error map, each `width`×`height` row-major.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageRecon {
    /// Width of the maps (a multiple of the patch size; 0 if no patch fits).
    pub width: usize,
    /// Height of the maps (a multiple of the patch size).
    pub height: usize,
    /// The normalised patches as the network sees them (noise included), tiled.
    pub original: Vec<f32>,
    /// The normalised patches before noise, tiled (equal to `original` without noise).
    pub clean: Vec<f32>,
    /// The network's reconstruction of each patch, tiled.
    pub recon: Vec<f32>,
    /// Per patch, the mean squared error (1/n)‖x̂ − x‖², written to all of its pixels.
    pub error: Vec<f32>,
}

/// How much noise gets through: the mean squared change the noise makes to the input, and
/// the one it makes to the reconstruction (`noisy` rebuilt against `clean` rebuilt, the same
/// picture without noise). A denoiser passes on a small fraction. Measuring the output
/// against the clean *input* instead would mostly measure the reconstruction error itself:
/// even a flat grey output would seem to "remove" most of the noise.
pub fn noise_passed(noisy: &ImageRecon, clean: &ImageRecon) -> (f32, f32) {
    let msd = |a: &[f32], b: &[f32]| {
        let n = a.len().min(b.len()).max(1) as f32;
        a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>() / n
    };
    (msd(&noisy.original, &noisy.clean), msd(&noisy.recon, &clean.recon))
}

impl ImageRecon {
    /// Number of patches across and down.
    pub fn grid(&self, patch: usize) -> (usize, usize) {
        if patch == 0 {
            return (0, 0);
        }
        (self.width / patch, self.height / patch)
    }
}

/// Reconstructs the top-left region of `img` patch by patch with `model`.
///
/// The region is `crop`×`crop` pixels, clamped to the image in each direction and rounded
/// down to whole `patch`×`patch` tiles; it is cut into non-overlapping patches, normalised
/// with `sigma` as in training, encoded and decoded as one batch. An empty result (width 0)
/// means no whole patch fits. Allocates (a batch, its codes and output); call it on demand,
/// about once per second. Panics if `model` does not take `patch`² inputs or `sigma` is not
/// a positive normal number (both programming errors: pass the trainer's own).
pub fn reconstruct_image(
    model: &mut dyn Model<f32>,
    ctx: &Ctx,
    img: &Image,
    patch: usize,
    sigma: f32,
    crop: usize,
) -> ImageRecon {
    reconstruct_noisy(model, ctx, img, patch, sigma, crop, &[], 0.0)
}

/// [`reconstruct_image`] with `scale · noise[y · width + x]` added to pixel (x, y) of each
/// patch after normalisation, as the denoising autoencoder is trained; missing entries (and
/// scale 0) add nothing.
#[allow(clippy::too_many_arguments)]
pub fn reconstruct_noisy(
    model: &mut dyn Model<f32>,
    ctx: &Ctx,
    img: &Image,
    patch: usize,
    sigma: f32,
    crop: usize,
    noise: &[f32],
    scale: f32,
) -> ImageRecon {
    let p = patch;
    if p == 0 {
        return ImageRecon::default();
    }
    let n = p * p;
    assert_eq!(model.inputs(), n, "reconstruct_image: the model takes {} inputs, not {p}×{p}", model.inputs());
    let (gx, gy) = (crop.min(img.width) / p, crop.min(img.height) / p);
    let (width, height) = (gx * p, gy * p);
    let m = gx * gy;
    if m == 0 {
        return ImageRecon::default();
    }

    let mut x = cut_tiles(img, p, gx, gy);
    normalize_patches(&mut x, sigma);
    let clean = x.clone();
    if !noise.is_empty() && scale != 0.0 {
        for (b, col) in x.as_mut_slice().chunks_exact_mut(n).enumerate() {
            let (x0, y0) = ((b % gx) * p, (b / gx) * p);
            for (i, v) in col.iter_mut().enumerate() {
                *v += scale * noise.get((y0 + i / p) * img.width + x0 + i % p).copied().unwrap_or(0.0);
            }
        }
    }
    let mut codes = DMatrix::zeros(model.hidden(), m);
    let mut x_hat = DMatrix::zeros(n, m);
    model.encode(&x, ctx, &mut codes);
    model.decode(&codes, &mut x_hat);

    // each tile's mean squared error, on all of its pixels
    let mut mse = x.clone();
    for (mut e, r) in mse.column_iter_mut().zip(x_hat.column_iter()) {
        let v = e.iter().zip(r.iter()).map(|(&a, &r)| (r - a) * (r - a)).sum::<f32>() / n as f32;
        e.fill(v);
    }
    ImageRecon {
        width,
        height,
        original: untile(&x, p, gx),
        clean: untile(&clean, p, gx),
        recon: untile(&x_hat, p, gx),
        error: untile(&mse, p, gx),
    }
}

/// The `gx`×`gy` non-overlapping p×p tiles at the top left of `img`, one per column: column
/// b = by·gx + bx holds the tile at (bx, by), its pixel (x, y) at row y·p + x.
pub(crate) fn cut_tiles(img: &Image, p: usize, gx: usize, gy: usize) -> DMatrix<f32> {
    let mut x = DMatrix::zeros(p * p, gx * gy);
    for (b, col) in x.as_mut_slice().chunks_exact_mut(p * p).enumerate() {
        let (x0, y0) = ((b % gx) * p, (b / gx) * p);
        for (y, dst) in col.chunks_exact_mut(p).enumerate() {
            let start = (y0 + y) * img.width + x0;
            dst.copy_from_slice(&img.pixels[start..start + p]);
        }
    }
    x
}

/// The inverse of [`cut_tiles`]: the tiles (one per column, `gx` across) as one row-major picture.
pub(crate) fn untile(tiles: &DMatrix<f32>, p: usize, gx: usize) -> Vec<f32> {
    let width = gx * p;
    let mut out = vec![0.0; tiles.len()];
    for (b, tile) in tiles.as_slice().chunks_exact(p * p).enumerate() {
        let (x0, y0) = ((b % gx) * p, (b / gx) * p);
        for (y, row) in tile.chunks_exact(p).enumerate() {
            let at = (y0 + y) * width + x0;
            out[at..at + p].copy_from_slice(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sparse_ae::SparseAe;
    use crate::model::{Hyper, Output, Sae, ValidHyper};
    use crate::train::{Setup, Trainer};
    use rand::SeedableRng;
    use rand_pcg::Pcg32;

    const HYPER: ValidHyper = ValidHyper::DEFAULT;
    const CTX: Ctx = Ctx { hyper: &HYPER, knobs: &[] };

    /// The trainer's lane-0 model on `img`, as the page calls it.
    fn rebuild(t: &mut Trainer, img: &Image, noise: &[f32], scale: f32) -> ImageRecon {
        let sigma = t.sampler().sigma();
        let (model, ctx) = t.model_ctx_mut(0);
        reconstruct_noisy(model, &ctx, img, 8, sigma, 64, noise, scale)
    }

    /// A smooth texture of three plane waves.
    fn waves(w: usize, h: usize) -> Image {
        let px = (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as f32, (i / w) as f32);
                (0.3 * x + 0.1 * y).sin() + 0.7 * (0.05 * x - 0.25 * y).sin() + 0.5 * (0.17 * x + 0.21 * y).sin()
            })
            .collect();
        Image::new(w, h, px).unwrap()
    }

    fn random_net(p: usize, h: usize) -> SparseAe<f32> {
        SparseAe::new(Sae::init(p * p, h, Output::Sigmoid, &mut Pcg32::seed_from_u64(2)))
    }

    #[test]
    fn shapes_and_crop_rounding() {
        let mut sae = random_net(4, 5);
        let img = waves(22, 13);
        let r = reconstruct_image(&mut sae, &CTX, &img, 4, 1.0, 100);
        assert_eq!((r.width, r.height), (20, 12), "clamped to the image, whole tiles only");
        assert_eq!(r.grid(4), (5, 3));
        for v in [&r.original, &r.recon, &r.error] {
            assert_eq!(v.len(), 20 * 12);
        }
        let r = reconstruct_image(&mut sae, &CTX, &img, 4, 1.0, 10);
        assert_eq!((r.width, r.height), (8, 8));
        assert_eq!(reconstruct_image(&mut sae, &CTX, &img, 4, 1.0, 3), ImageRecon::default());
        assert!(r.original.iter().all(|&v| (0.1..=0.9).contains(&v)));
    }

    #[test]
    fn tiles_are_normalised_patches_and_error_is_their_mse() {
        let (p, sigma) = (4, 0.7);
        let mut sae = random_net(p, 6);
        let img = waves(16, 12);
        let r = reconstruct_image(&mut sae, &CTX, &img, p, sigma, 16);
        for (bx, by) in [(0, 0), (3, 1), (2, 2)] {
            // the tile at (bx, by), cut and normalised independently
            let mut patch = DMatrix::from_fn(p * p, 1, |i, _| img.get(bx * p + i % p, by * p + i / p));
            normalize_patches(&mut patch, sigma);
            let (_, recon) = sae.net().encode_decode(patch.as_slice());
            let at = |i: usize| (by * p + i / p) * r.width + bx * p + i % p;
            let mut mse = 0.0;
            for i in 0..p * p {
                assert!((r.original[at(i)] - patch[i]).abs() < 1e-6);
                assert!((r.recon[at(i)] - recon[i]).abs() < 1e-5);
                mse += (r.recon[at(i)] - r.original[at(i)]).powi(2) / (p * p) as f32;
            }
            for i in 0..p * p {
                assert!((r.error[at(i)] - mse).abs() < 1e-6, "tile ({bx}, {by})");
            }
        }
    }

    #[test]
    fn an_outlier_patch_has_the_largest_error() {
        // train on a smooth texture, then paint a bright 4×4 block into one tile: after
        // normalisation that tile is a hard 0.1/0.9 square the network has never seen, so it
        // must stand out in the error map (measured: 0.155 against at most 0.033 elsewhere)
        let setup = Setup { patch: 8, hidden: 25, ..Setup::default() };
        let mut t = Trainer::new(setup, Hyper::default().validate().unwrap(), vec![waves(128, 128)]).unwrap();
        for _ in 0..400 {
            t.step().unwrap();
        }
        let mut img = waves(64, 64);
        let (bx, by) = (5, 2);
        for y in 2..6 {
            for x in 2..6 {
                img.pixels[(by * 8 + y) * 64 + bx * 8 + x] = 10.0;
            }
        }
        let r = rebuild(&mut t, &img, &[], 0.0);
        let tiles: Vec<f32> = (0..64).map(|b| r.error[(b / 8) * 8 * 64 + (b % 8) * 8]).collect();
        let worst = (0..64).max_by(|&a, &b| tiles[a].total_cmp(&tiles[b])).unwrap();
        assert_eq!(worst, by * 8 + bx, "errors {tiles:?}");
        let mut rest: Vec<f32> = tiles.iter().enumerate().filter(|&(b, _)| b != worst).map(|(_, &e)| e).collect();
        rest.sort_by(f32::total_cmp);
        assert!(tiles[worst] > 3.0 * rest[rest.len() - 1], "outlier {} vs next {}", tiles[worst], rest[62]);
    }

    #[test]
    fn a_denoising_autoencoder_rebuilds_closer_to_the_clean_image_than_its_noisy_input() {
        // the denoising setting: trained on noise 0.3, tested on noise 0.3 it should remove noise
        let setup = Setup { patch: 8, hidden: 25, ..Setup::default() };
        let hyper = Hyper { noise: 0.3, ..Hyper::default() };
        let mut t = Trainer::new(setup, hyper.validate().unwrap(), vec![waves(128, 128)]).unwrap();
        for _ in 0..600 {
            t.step().unwrap();
        }
        let img = waves(64, 64);
        let noise: Vec<f32> = {
            let mut rng = Pcg32::seed_from_u64(9);
            (0..64 * 64).map(|_| 0.3 * (rand::Rng::random::<f32>(&mut rng) * 2.0 - 1.0) * 3f32.sqrt()).collect()
        };
        let r = rebuild(&mut t, &img, &noise, 1.0);
        let plain = rebuild(&mut t, &img, &[], 0.0);
        let (noise_in, noise_out) = noise_passed(&r, &plain);
        println!("noise: input {noise_in:.4}, reconstruction {noise_out:.4} (mean squared change)");
        assert!((noise_in - 0.09).abs() < 0.01, "uniform noise of sd 0.3: {noise_in}");
        assert!(noise_out < 0.5 * noise_in, "the reconstruction passes on little noise: {noise_out} vs {noise_in}");
        assert!(noise_out > 0.0, "but not none: the output does depend on the input");
        assert_eq!(plain.original, plain.clean);
        assert_eq!(noise_passed(&plain, &plain), (0.0, 0.0));
    }
}
