//! The logistic sigmoid σ(z) = 1/(1+e^−z), whose derivative is σ(z)(1−σ(z)).

use super::Real;

/// σ(z), written so that large |z| neither overflows nor produces NaN.
#[inline]
pub fn sigmoid<T: Real>(z: T) -> T {
    if z >= T::zero() {
        T::one() / (T::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (T::one() + e)
    }
}

/// e^x in f32 without a libm call, so that loops over it vectorise (wasm has no exp
/// instruction; the scalar `expf` was ~15–25 % of a training step). x·log2(e) = n + f with n
/// an integer and |f| ≤ 0.5; 2^f from its degree-6 Taylor polynomial (error < 2e-7), 2^n by
/// writing the exponent bits. Relative error < 5e-6 over the range, set by rounding x·log2(e)
/// in f32 at large |x|; in σ that is < 1e-6 absolute, far below the noise of training. Rounding uses the 1.5·2^23 trick, which is two
/// additions, rather than `round`, which is a library call on baseline x86-64.
///
/// The trick also leaves n in the low mantissa bits of t + 1.5·2^23, so 2^n's exponent is
/// integer arithmetic on those bits. `n as i32` would give the same n, but Rust's saturating
/// float→int cast has no SSE2 instruction, so the compiler did it one lane at a time with
/// compares and moves: that scalar tail was most of the sigmoid's time natively.
#[inline(always)]
pub fn fast_exp(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5·2^23
    let t = x.clamp(-87.0, 88.0) * std::f32::consts::LOG2_E;
    let shifted = t + ROUND;
    let n = shifted - ROUND;
    let f = t - n;
    let p = 1.0
        + f * (std::f32::consts::LN_2
            + f * (0.240_226_5
                + f * (0.055_504_11 + f * (0.009_618_129 + f * (0.001_333_355_8 + f * 0.000_154_035_3)))));
    // |n| ≤ 127, so the bit difference is exactly n (wrapping: n < 0 borrows); NaN: see the tests
    let n_int = shifted.to_bits().wrapping_sub(ROUND.to_bits());
    p * f32::from_bits(n_int.wrapping_add(127) << 23)
}

/// σ(z) = 1/(1 + e^−z) with [`fast_exp`]: finite for every number, ±∞ included (e^87 is
/// finite in f32); NaN gives NaN.
#[inline(always)]
pub fn sigmoid_fast(z: f32) -> f32 {
    1.0 / (1.0 + fast_exp(-z))
}

/// e^x in f64 without a libm call, so that loops over it vectorise (glibc's `exp` was ~19 % of
/// `sae-train --lbfgs`, which trains in f64). x = n·ln 2 + r with n = round(x·log2 e), r
/// computed in two parts (ln 2 split so n·ln2_hi is exact: Cody and Waite), |r| ≤ ln 2 / 2;
/// e^r from its degree-13 Taylor polynomial (remainder < 1e-17), 2^n from the exponent bits as
/// in [`fast_exp`]. Within a few ulp of the library's (a test checks < 1e-15 relative), so the
/// gradient checks' 1e-9 hold. Clamped to [−708, 709], where 2^n stays a normal number.
#[inline(always)]
pub fn fast_exp64(x: f64) -> f64 {
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5·2^52
    const LN2_HI: f64 = 6.931_471_803_691_238e-1; // ln 2's leading 32 bits
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10; // and the rest
    let x = x.clamp(-708.0, 709.0);
    let shifted = x * std::f64::consts::LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // Σ r^k / k!, k ≤ 13, by Horner
    let mut p = 1.0 / 6_227_020_800.0;
    for k in (1..13).rev() {
        p = p * r + 1.0 / FACTORIALS[k];
    }
    let p = p * r + 1.0;
    // |n| ≤ 1023: the bit difference is exactly n (wrapping: n < 0 borrows)
    let n_int = shifted.to_bits().wrapping_sub(ROUND.to_bits());
    p * f64::from_bits(n_int.wrapping_add(1023) << 52)
}

/// k! for k < 13, exactly (all below 2^53).
const FACTORIALS: [f64; 13] =
    [1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40_320.0, 362_880.0, 3_628_800.0, 39_916_800.0, 479_001_600.0];

/// σ(z) = 1/(1 + e^−z) with [`fast_exp64`]: finite for every number, ±∞ included; NaN gives NaN.
#[inline(always)]
pub fn sigmoid_fast64(z: f64) -> f64 {
    1.0 / (1.0 + fast_exp64(-z))
}

/// log(p/(1−p)): the bias that makes a unit's resting activation equal p.
pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_and_sigmoid_match_the_library_ones() {
        let mut worst = 0.0f64;
        let mut x = -87.0f32;
        while x < 88.0 {
            let rel = ((fast_exp(x) as f64 - (x as f64).exp()) / (x as f64).exp()).abs();
            worst = worst.max(rel);
            x += 0.0137;
        }
        assert!(worst < 5e-6, "worst relative error of fast_exp {worst:e}");
        for z in [f32::NEG_INFINITY, -200.0, -30.0, -5.0, -0.3, 0.0, 0.7, 4.0, 30.0, 200.0, f32::INFINITY] {
            let (fast, exact) = (sigmoid_fast(z), sigmoid(z as f64));
            assert!(((fast as f64) - exact).abs() < 1e-6, "σ({z}): {fast} vs {exact}");
            assert!(fast.is_finite() && (0.0..=1.0).contains(&fast));
        }
        // NaN goes through as NaN, without a panic: `clamp` keeps a NaN, the exponent bits
        // are then some number (wrapping arithmetic), and the polynomial of NaN is NaN
        assert!(fast_exp(f32::NAN).is_nan(), "e^NaN = {}", fast_exp(f32::NAN));
        assert!(sigmoid_fast(f32::NAN).is_nan(), "σ(NaN) = {}", sigmoid_fast(f32::NAN));
        assert!(sigmoid_fast(-f32::NAN).is_nan(), "σ(−NaN) = {}", sigmoid_fast(-f32::NAN));
    }

    #[test]
    fn the_f64_exp_and_sigmoid_are_the_librarys_to_a_few_ulp() {
        let mut worst: f64 = 0.0;
        for i in -140_000..=140_000 {
            let x = i as f64 * 0.005 + 1e-4 * (i as f64).sin();
            worst = worst.max(((fast_exp64(x) - x.exp()) / x.exp()).abs());
        }
        assert!(worst < 1e-15, "worst relative error of fast_exp64 {worst:e}");
        for z in [-40.0, -7.5, -1.0, -1e-3, 0.0, 1e-3, 2.0, 9.0, 40.0] {
            let (fast, exact) = (sigmoid_fast64(z), sigmoid(z));
            assert!(((fast - exact) / exact).abs() < 1e-15, "σ({z}) = {fast}, not {exact}");
        }
        assert_eq!(fast_exp64(0.0), 1.0);
        assert!(fast_exp64(f64::NAN).is_nan() && sigmoid_fast64(f64::NAN).is_nan());
        assert_eq!((sigmoid_fast64(f64::INFINITY), sigmoid_fast64(1e6)), (1.0, 1.0));
        assert!((0.0..1e-300).contains(&sigmoid_fast64(f64::NEG_INFINITY)));
    }

    #[test]
    fn exponent_bits_equal_the_cast() {
        // the bit trick must give exactly what `n as i32` gave, so training is unchanged
        let by_cast = |x: f32| {
            const ROUND: f32 = 12_582_912.0;
            let t = x.clamp(-87.0, 88.0) * std::f32::consts::LOG2_E;
            let n = (t + ROUND) - ROUND;
            let f = t - n;
            let p = 1.0
                + f * (std::f32::consts::LN_2
                    + f * (0.240_226_5
                        + f * (0.055_504_11 + f * (0.009_618_129 + f * (0.001_333_355_8 + f * 0.000_154_035_3)))));
            p * f32::from_bits(((n as i32 + 127) << 23) as u32)
        };
        let mut x = -100.0f32;
        while x < 100.0 {
            assert_eq!(fast_exp(x).to_bits(), by_cast(x).to_bits(), "x = {x}");
            x += 0.001_3;
        }
        for x in [f32::NEG_INFINITY, -f32::MAX, -87.0, 88.0, f32::MAX, f32::INFINITY] {
            assert_eq!(fast_exp(x).to_bits(), by_cast(x).to_bits(), "x = {x}");
        }
    }

    #[test]
    fn known_values_and_extremes() {
        assert_eq!(sigmoid(0.0f64), 0.5);
        assert!((sigmoid(2.0f64) - 0.880_797_077_977_882_4).abs() < 1e-15);
        assert!((sigmoid(-2.0f64) - 0.119_202_922_022_117_6).abs() < 1e-15);
        assert_eq!(sigmoid(1000.0f32), 1.0);
        assert_eq!(sigmoid(-1000.0f32), 0.0);
        assert!(sigmoid(f32::MAX).is_finite() && sigmoid(-f32::MAX).is_finite());
        assert!((sigmoid(logit(0.01)) - 0.01).abs() < 1e-12);
    }
}
