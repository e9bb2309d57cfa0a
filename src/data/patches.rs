//! Random training patches cut from a set of images.

use super::image::Image;
use super::normalize::{centred_sum_squares, normalize_patches, sigma_from_sums};
use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;
use std::sync::Arc;

/// Number of random patches used to estimate the dataset-wide σ in [`PatchSampler::new`].
const CALIBRATION_PATCHES: usize = 10_000;
/// Calibration runs in chunks of this many patches to bound memory for large patch sizes.
const CALIBRATION_CHUNK: usize = 1_000;
/// Mixed into the seed so the calibration stream is unrelated to the training stream.
const CALIBRATION_SALT: u64 = 0x5EED_CA1B_0A7E_D00D;

/// Draws random p×p patches from a set of images, normalised UFLDL-style.
///
/// σ for the normalisation is estimated once, at construction, so every batch is scaled
/// identically, as with UFLDL's fixed dataset. The sampler is deterministic for its seed.
#[derive(Clone, Debug)]
pub struct PatchSampler {
    /// Shared, not copied, by a clone (a Pause can undo a long step: the session keeps a copy
    /// of itself from before it, see [`crate::session::Session::pause_at`]).
    images: Arc<[Image]>,
    patch: usize,
    rng: Pcg32,
    sigma: f32,
}

impl PatchSampler {
    /// A sampler of `patch` × `patch` patches from `images`, seeded with `seed`.
    ///
    /// Fails if `images` is empty, `patch` is zero, or an image is smaller than the patch.
    /// σ is estimated from 10 000 random patches drawn with a generator of its own, so the
    /// calibration does not shift the stream of training patches.
    pub fn new(images: Vec<Image>, patch: usize, seed: u64) -> Result<Self, String> {
        check_images(&images, patch)?;

        let mut cal_rng = Pcg32::seed_from_u64(seed ^ CALIBRATION_SALT);
        let n = patch * patch;
        let mut chunk = DMatrix::<f32>::zeros(n, CALIBRATION_CHUNK);
        let mut ss = 0.0f64;
        let mut count = 0usize;
        let mut left = CALIBRATION_PATCHES;
        while left > 0 {
            let m = left.min(CALIBRATION_CHUNK);
            if m < chunk.ncols() {
                chunk = DMatrix::<f32>::zeros(n, m);
            }
            draw_patches(&images, patch, &mut cal_rng, &mut chunk);
            // Summing centred squares across chunks gives exactly patch_sigma of all of them.
            ss += centred_sum_squares(&chunk);
            count += chunk.len();
            left -= m;
        }
        let sigma = sigma_from_sums(ss, count);

        Ok(PatchSampler { images: images.into(), patch, rng: Pcg32::seed_from_u64(seed), sigma })
    }

    /// Samples from `images` from now on, keeping σ (a stream of camera frames keeps the
    /// scale its first pictures set, so costs stay comparable). Fails, changing nothing, if
    /// an image cannot give a patch.
    pub fn set_images(&mut self, images: Vec<Image>) -> Result<(), String> {
        check_images(&images, self.patch)?;
        self.images = images.into();
        Ok(())
    }

    /// Fills every column of `batch` with a fresh random patch, normalised to [0.1, 0.9].
    ///
    /// Patch pixel (x, y) goes to row `y * p + x`. Does not allocate.
    /// Panics if `batch` does not have p² rows.
    pub fn fill(&mut self, batch: &mut DMatrix<f32>) {
        self.fill_raw(batch);
        normalize_patches(batch, self.sigma);
    }

    /// Like [`fill`](Self::fill) but without normalisation: the raw image values.
    fn fill_raw(&mut self, batch: &mut DMatrix<f32>) {
        let n = self.patch * self.patch;
        assert_eq!(
            batch.nrows(),
            n,
            "a batch of {p}×{p} patches needs {n} rows, but the matrix has {}",
            batch.nrows(),
            p = self.patch
        );
        draw_patches(&self.images, self.patch, &mut self.rng, batch);
    }

    /// Side length p of the square patches.
    pub fn patch_size(&self) -> usize {
        self.patch
    }

    /// The fixed σ used to normalise every batch.
    pub fn sigma(&self) -> f32 {
        self.sigma
    }

    /// The `i`-th source image. Panics if `i` is out of range.
    pub fn image(&self, i: usize) -> &Image {
        &self.images[i]
    }

    /// All source images (at least one).
    pub fn images(&self) -> &[Image] {
        &self.images
    }
}

/// Fills each column of `batch` (which must have p² rows) with a random patch:
/// a uniformly chosen image, and a top-left corner uniform over the positions that fit.
pub fn draw_patches(images: &[Image], p: usize, rng: &mut Pcg32, batch: &mut DMatrix<f32>) {
    let n = p * p;
    if n == 0 || batch.ncols() == 0 {
        return;
    }
    // Column-major storage: each chunk of n values is one column.
    for col in batch.as_mut_slice().chunks_exact_mut(n) {
        let img = &images[rng.random_range(0..images.len())];
        let x0 = rng.random_range(0..=img.width - p);
        let y0 = rng.random_range(0..=img.height - p);
        extract_patch(img, x0, y0, p, col);
    }
}

/// `Err`, in a sentence, unless `images` can give `patch`×`patch` patches: at least one
/// image, a patch of at least a pixel, every image whole and at least that large.
pub fn check_images(images: &[Image], patch: usize) -> Result<(), String> {
    if images.is_empty() {
        return Err("Patches need at least one image, but none were given.".into());
    }
    if patch == 0 {
        return Err("The patch size must be at least 1 pixel, but it was 0.".into());
    }
    for (i, img) in images.iter().enumerate() {
        // Image's fields are public, so re-check the invariant indexing relies on.
        if img.pixels.len() != img.width * img.height {
            return Err(format!(
                "Image {i} claims {}×{} pixels but holds {} values.",
                img.width,
                img.height,
                img.pixels.len()
            ));
        }
        if img.width < patch || img.height < patch {
            return Err(format!(
                "Image {i} is {}×{} pixels, too small for {patch}×{patch} patches.",
                img.width, img.height
            ));
        }
    }
    Ok(())
}

/// Copies the p×p patch with top-left corner (x0, y0) into `out`, pixel (x, y) at `y * p + x`.
fn extract_patch(img: &Image, x0: usize, y0: usize, p: usize, out: &mut [f32]) {
    debug_assert!(x0 + p <= img.width && y0 + p <= img.height && out.len() == p * p);
    for (y, dst) in out.chunks_exact_mut(p).enumerate() {
        let start = (y0 + y) * img.width + x0;
        dst.copy_from_slice(&img.pixels[start..start + p]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pixel value x + 100·y: every pixel identifies its position.
    fn ramp(w: usize, h: usize) -> Image {
        let pixels = (0..h).flat_map(|y| (0..w).map(move |x| (x + 100 * y) as f32)).collect();
        Image::new(w, h, pixels).unwrap()
    }

    fn noise(w: usize, h: usize, seed: u64) -> Image {
        let mut rng = Pcg32::seed_from_u64(seed);
        let pixels = (0..w * h).map(|_| rng.random::<f32>()).collect();
        Image::new(w, h, pixels).unwrap()
    }

    #[test]
    fn extract_patch_pixel_ordering() {
        let img = ramp(20, 15);
        let mut out = vec![0.0; 9];
        extract_patch(&img, 4, 7, 3, &mut out);
        for y in 0..3 {
            for x in 0..3 {
                assert_eq!(out[y * 3 + x], ((4 + x) + 100 * (7 + y)) as f32);
            }
        }
    }

    #[test]
    fn fill_raw_columns_are_real_patches() {
        let p = 4;
        let mut s = PatchSampler::new(vec![ramp(12, 9)], p, 1).unwrap();
        let mut b = DMatrix::<f32>::zeros(p * p, 50);
        s.fill_raw(&mut b);
        for j in 0..b.ncols() {
            let c = b.column(j);
            let (x0, y0) = (c[0] as usize % 100, c[0] as usize / 100);
            assert!(x0 + p <= 12 && y0 + p <= 9, "corner ({x0}, {y0}) does not fit");
            for y in 0..p {
                for x in 0..p {
                    assert_eq!(c[y * p + x], ((x0 + x) + 100 * (y0 + y)) as f32);
                }
            }
        }
    }

    #[test]
    fn corners_cover_every_position() {
        // 6×5 image, 3×3 patches: 4 × 3 = 12 possible corners, all should appear.
        let mut s = PatchSampler::new(vec![ramp(6, 5)], 3, 2).unwrap();
        let mut b = DMatrix::<f32>::zeros(9, 2000);
        s.fill_raw(&mut b);
        let mut seen = [[false; 4]; 3];
        for j in 0..b.ncols() {
            let v = b[(0, j)] as usize;
            seen[v / 100][v % 100] = true;
        }
        assert!(seen.iter().flatten().all(|&s| s));
    }

    #[test]
    fn shape_and_range() {
        let mut s = PatchSampler::new(vec![noise(40, 30, 1), noise(25, 50, 2)], 8, 3).unwrap();
        assert_eq!(s.patch_size(), 8);
        assert_eq!(s.images().len(), 2);
        assert_eq!(s.image(1).height, 50);
        let mut b = DMatrix::<f32>::zeros(64, 100);
        s.fill(&mut b);
        assert_eq!(b.shape(), (64, 100));
        assert!(b.iter().all(|&v| (0.1..=0.9).contains(&v)));
        // Not everything clipped or flat.
        assert!(b.iter().filter(|&&v| v > 0.2 && v < 0.8).count() > 1000);
    }

    #[test]
    fn sigma_matches_uniform_noise() {
        // Uniform [0, 1) noise has σ = 1/√12 ≈ 0.2887; per-patch mean removal of 64 values
        // shrinks it by √(63/64).
        let s = PatchSampler::new(vec![noise(64, 64, 9)], 8, 4).unwrap();
        let want = (1.0f32 / 12.0).sqrt() * (63.0f32 / 64.0).sqrt();
        assert!((s.sigma() - want).abs() < 0.005, "sigma {}", s.sigma());
    }

    #[test]
    fn uses_every_image() {
        // Two constant-offset images: raw values reveal which image a patch came from.
        let a = Image::new(4, 4, vec![0.0; 16]).unwrap();
        let b = Image::new(4, 4, vec![1.0; 16]).unwrap();
        let mut s = PatchSampler::new(vec![a, b], 2, 5).unwrap();
        let mut m = DMatrix::<f32>::zeros(4, 200);
        s.fill_raw(&mut m);
        let ones = m.row(0).iter().filter(|&&v| v == 1.0).count();
        assert!(ones > 60 && ones < 140, "{ones} of 200 from image 1");
    }

    #[test]
    fn same_seed_same_batches_different_seed_differs() {
        let imgs = vec![noise(32, 32, 7)];
        let mut a = PatchSampler::new(imgs.clone(), 5, 11).unwrap();
        let mut b = PatchSampler::new(imgs.clone(), 5, 11).unwrap();
        let mut c = PatchSampler::new(imgs, 5, 12).unwrap();
        assert_eq!(a.sigma(), b.sigma());
        let (mut ba, mut bb, mut bc) =
            (DMatrix::<f32>::zeros(25, 10), DMatrix::<f32>::zeros(25, 10), DMatrix::<f32>::zeros(25, 10));
        for _ in 0..3 {
            a.fill(&mut ba);
            b.fill(&mut bb);
            c.fill(&mut bc);
            assert_eq!(ba, bb);
            assert_ne!(ba, bc);
        }
    }

    #[test]
    fn consecutive_batches_differ() {
        let mut s = PatchSampler::new(vec![noise(32, 32, 8)], 5, 1).unwrap();
        let mut b1 = DMatrix::<f32>::zeros(25, 10);
        let mut b2 = DMatrix::<f32>::zeros(25, 10);
        s.fill(&mut b1);
        s.fill(&mut b2);
        assert_ne!(b1, b2);
    }

    #[test]
    fn new_rejects_bad_input() {
        let e = PatchSampler::new(vec![], 8, 0).unwrap_err();
        assert!(e.contains("at least one image"), "{e}");
        let e = PatchSampler::new(vec![noise(10, 10, 0)], 0, 0).unwrap_err();
        assert!(e.contains("patch size"), "{e}");
        let e = PatchSampler::new(vec![noise(20, 20, 0), noise(20, 7, 0)], 8, 0).unwrap_err();
        assert!(e.contains("Image 1") && e.contains("too small"), "{e}");
        let e = PatchSampler::new(vec![noise(7, 20, 0)], 8, 0).unwrap_err();
        assert!(e.contains("too small"), "{e}");
        // Exactly the patch size is fine: one possible corner.
        assert!(PatchSampler::new(vec![noise(8, 8, 0)], 8, 0).is_ok());
    }

    #[test]
    fn flat_images_give_half() {
        let mut s = PatchSampler::new(vec![Image::new(5, 5, vec![0.7; 25]).unwrap()], 3, 0).unwrap();
        assert_eq!(s.sigma(), 1.0);
        let mut b = DMatrix::<f32>::zeros(9, 4);
        s.fill(&mut b);
        assert!(b.iter().all(|&v| v == 0.5));
    }

    #[test]
    #[should_panic(expected = "needs 64 rows")]
    fn fill_checks_rows() {
        let mut s = PatchSampler::new(vec![noise(16, 16, 0)], 8, 0).unwrap();
        s.fill(&mut DMatrix::<f32>::zeros(63, 4));
    }
}
