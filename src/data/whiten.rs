//! Olshausen & Field whitening: flatten an image's ~1/f amplitude spectrum.
//!
//! Natural images put most of their power at low spatial frequencies, so an autoencoder
//! trained on raw patches spends its capacity on smooth gradients. Multiplying the
//! spectrum by |f| equalises the power across frequencies; the exp(-(|f|/f0)⁴) roll-off
//! keeps the highest frequencies (noise, aliasing, the grid's corners) from being boosted.

use super::fft::Planner;
use super::image::Image;
use rustfft::num_complex::Complex;

/// Whitened copy of `img`, scaled to mean 0 and standard deviation 1.
///
/// Filter: R(f) = |f| · exp(-(|f| / f0)⁴) with f in cycles per image and f0 = 0.4·N
/// (Olshausen & Field 1996). For a non-square image, N = min(width, height) and each axis's
/// frequency is expressed in cycles per N pixels, so the filter stays isotropic in space.
/// A constant image has nothing to whiten and becomes all zeros.
pub fn whiten(img: &Image) -> Image {
    let (w, h) = (img.width, img.height);
    let mean = img.mean();
    let mut planner = Planner::new();
    let mut spec = forward_transposed(&img.pixels, w, h, mean, &mut planner);

    let m = w.min(h) as f32;
    let f0 = 0.4 * m;
    for kx in 0..w {
        let fx = signed_freq(kx, w) * m / w as f32;
        let col = &mut spec[kx * h..(kx + 1) * h];
        for (ky, c) in col.iter_mut().enumerate() {
            let fy = signed_freq(ky, h) * m / h as f32;
            let f = (fx * fx + fy * fy).sqrt();
            let g = f * (-(f / f0).powi(4)).exp();
            *c *= g;
        }
    }

    // Inverse: columns first (the data is already column-contiguous), then rows.
    planner.plan_fft_inverse(h).process(&mut spec);
    let mut rows = transpose(&spec, w, h);
    planner.plan_fft_inverse(w).process(&mut rows);

    // rustfft's inverse is unnormalised; the unit-variance scaling below would absorb the
    // factor anyway, but dividing keeps intermediate values at a sane magnitude.
    let scale = 1.0 / (w * h) as f32;
    let out = Image { width: w, height: h, pixels: rows.iter().map(|c| c.re * scale).collect() };
    out.standardized()
}

/// Frequency of FFT bin `k` out of `n`, in cycles per `n` samples, signed (negative above n/2).
fn signed_freq(k: usize, n: usize) -> f32 {
    if k <= n / 2 {
        k as f32
    } else {
        k as f32 - n as f32
    }
}

/// 2-D FFT of `pixels - mean`, returned column-contiguous: bin (kx, ky) at `kx * h + ky`.
/// Leaving it transposed saves a transpose, as the filter does not care about layout.
fn forward_transposed(pixels: &[f32], w: usize, h: usize, mean: f32, planner: &mut Planner) -> Vec<Complex<f32>> {
    let mut rows: Vec<Complex<f32>> = pixels.iter().map(|&v| Complex::new(v - mean, 0.0)).collect();
    // rustfft transforms every consecutive chunk of the fft's length: here, every row.
    planner.plan_fft_forward(w).process(&mut rows);
    let mut cols = transpose(&rows, h, w);
    planner.plan_fft_forward(h).process(&mut cols);
    cols
}

/// Transposes a row-major `rows` × `cols` buffer into a row-major `cols` × `rows` one.
fn transpose(src: &[Complex<f32>], rows: usize, cols: usize) -> Vec<Complex<f32>> {
    let mut dst = vec![Complex::new(0.0, 0.0); src.len()];
    for r in 0..rows {
        for c in 0..cols {
            dst[c * rows + r] = src[r * cols + c];
        }
    }
    dst
}

#[cfg(test)]
mod tests {
    use super::super::dead_leaves::dead_leaves;
    use super::*;

    /// Mean power per FFT bin over radial frequencies |f| in [lo, hi) cycles/image (square images).
    fn band_power(img: &Image, lo: f32, hi: f32) -> f64 {
        let (w, h) = (img.width, img.height);
        let mut planner = Planner::new();
        let spec = forward_transposed(&img.pixels, w, h, img.mean(), &mut planner);
        let (mut sum, mut count) = (0.0f64, 0usize);
        for kx in 0..w {
            for ky in 0..h {
                let (fx, fy) = (signed_freq(kx, w), signed_freq(ky, h));
                let f = (fx * fx + fy * fy).sqrt();
                if f >= lo && f < hi {
                    sum += spec[kx * h + ky].norm_sqr() as f64;
                    count += 1;
                }
            }
        }
        sum / count as f64
    }

    /// Correlation between pixels `lag` columns apart.
    fn autocorr(img: &Image, lag: usize) -> f64 {
        let m = img.mean() as f64;
        let var = (img.std() as f64).powi(2);
        let mut acc = 0.0f64;
        let mut n = 0usize;
        for y in 0..img.height {
            for x in 0..img.width - lag {
                acc += (img.get(x, y) as f64 - m) * (img.get(x + lag, y) as f64 - m);
                n += 1;
            }
        }
        acc / n as f64 / var
    }

    #[test]
    fn output_is_standardized() {
        let out = whiten(&dead_leaves(128, 1));
        assert!(out.mean().abs() < 1e-4, "mean {}", out.mean());
        assert!((out.std() - 1.0).abs() < 1e-4, "std {}", out.std());
        assert!(out.pixels.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn flattens_the_spectrum() {
        // Mean power per bin, |f| in [2, 6) vs [32, 64) cycles/image. Measured: raw ≈ 220
        // (the ~1/f² spectrum), whitened ≈ 1.4.
        let raw = dead_leaves(256, 2);
        let white = whiten(&raw);
        let before = band_power(&raw, 2.0, 6.0) / band_power(&raw, 32.0, 64.0);
        let after = band_power(&white, 2.0, 6.0) / band_power(&white, 32.0, 64.0);
        assert!(before > 10.0, "raw low/mid power ratio {before}");
        assert!(after < 3.0 && after > 1.0 / 3.0, "whitened low/mid power ratio {after}");
    }

    #[test]
    fn removes_correlation_beyond_the_rolloff() {
        // Measured (512², seeds 1-5): raw lag-1 ≈ 0.83-0.87, lag-4 ≈ 0.48-0.58; whitened
        // lag-1 ≈ 0.60, lag-2 ≈ 0.13, lag ≥ 3 within ±0.04. The residual short-range
        // correlation is the exp(-(f/f0)⁴) roll-off (white noise through the same filter
        // gives lag-1 ≈ 0.28) plus the leaves' spectrum steepening near the 2 px minimum radius.
        let raw = dead_leaves(256, 3);
        let white = whiten(&raw);
        assert!(autocorr(&raw, 1) > 0.8, "raw lag-1 {}", autocorr(&raw, 1));
        assert!(autocorr(&raw, 4) > 0.4, "raw lag-4 {}", autocorr(&raw, 4));
        assert!(autocorr(&white, 1) < 0.7, "white lag-1 {}", autocorr(&white, 1));
        for lag in [4, 8, 16] {
            let c = autocorr(&white, lag);
            assert!(c.abs() < 0.05, "white lag-{lag} {c}");
        }
    }

    #[test]
    fn non_square_works() {
        let raw = dead_leaves(96, 4);
        // Crop to 96 × 60 (60 is not a power of two).
        let pixels = raw.pixels[..96 * 60].to_vec();
        let img = Image::new(96, 60, pixels).unwrap();
        let out = whiten(&img);
        assert_eq!((out.width, out.height), (96, 60));
        assert!(out.mean().abs() < 1e-4);
        assert!((out.std() - 1.0).abs() < 1e-4);
        assert!(autocorr(&out, 4).abs() < 0.05);
    }

    #[test]
    fn constant_image_becomes_zero() {
        let img = Image::new(8, 8, vec![0.3; 64]).unwrap();
        let out = whiten(&img);
        assert!(out.pixels.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn signed_freq_wraps() {
        assert_eq!(signed_freq(0, 8), 0.0);
        assert_eq!(signed_freq(4, 8), 4.0);
        assert_eq!(signed_freq(5, 8), -3.0);
        assert_eq!(signed_freq(7, 8), -1.0);
        assert_eq!(signed_freq(2, 5), 2.0);
        assert_eq!(signed_freq(3, 5), -2.0);
    }
}
