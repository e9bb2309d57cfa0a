//! Colour maps for error images: how badly each pixel is reconstructed, as a red "heat" on
//! black, and a robust scale for it (a percentile, so one wild pixel does not darken the rest).

/// Absolute reconstruction error shown as full red in a single patch: patches live in
/// [0.1, 0.9], so 0.4 is as wrong as a pixel can usefully be.
pub const PATCH_ERROR_FULL: f32 = 0.4;

/// Heat colour of `t` (error as a fraction of the full-scale error): black at 0, pure red at
/// 1 and above, linear in between so twice the error is twice as bright. The sign is ignored
/// (|t|); NaN is black. Opaque.
pub fn heat(t: f32) -> [u8; 4] {
    let t = if t.is_nan() { 0.0 } else { t.abs().min(1.0) };
    [(t * 255.0).round() as u8, 0, 0, 255]
}

/// Heat colour of an error value `e` on a scale where `full` is full red. A non-positive or
/// non-finite `full` (no scale yet) shows everything black.
pub fn heat_of(e: f32, full: f32) -> [u8; 4] {
    if full > 0.0 && full.is_finite() {
        heat(e / full)
    } else {
        heat(0.0)
    }
}

/// The `q`-quantile (0 = smallest, 1 = largest; clamped) of the finite |values|, by
/// nearest rank, or `None` when no value is finite. `scratch` is reused across calls, so
/// after the first call on a given size nothing is allocated; its contents are overwritten.
pub fn abs_quantile(values: &[f32], q: f32, scratch: &mut Vec<f32>) -> Option<f32> {
    scratch.clear();
    scratch.extend(values.iter().filter(|v| v.is_finite()).map(|v| v.abs()));
    if scratch.is_empty() {
        return None;
    }
    let q = if q.is_nan() { 1.0 } else { q.clamp(0.0, 1.0) };
    let k = ((scratch.len() - 1) as f32 * q).round() as usize;
    // O(n) selection rather than a full sort: the error map can be 128² = 16k values.
    let (_, kth, _) = scratch.select_nth_unstable_by(k, f32::total_cmp);
    Some(*kth)
}

/// The full-red level for a whole-image error map: the 99th percentile of |error|, so the
/// worst 1 % of pixels saturate and the rest keep their contrast. Falls back to the largest
/// |error| when the percentile is zero (errors in under 1 % of pixels), and to 1 when every
/// error is zero or nothing is finite, so the result is always positive and finite.
pub fn error_scale(error: &[f32], scratch: &mut Vec<f32>) -> f32 {
    let p99 = abs_quantile(error, 0.99, scratch).unwrap_or(0.0);
    if p99 > 0.0 {
        return p99;
    }
    let max = scratch.iter().fold(0.0f32, |m, &v| m.max(v)); // scratch holds the finite |e|
    if max > 0.0 && max.is_finite() {
        max
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_runs_from_black_to_full_red() {
        assert_eq!(heat(0.0), [0, 0, 0, 255]);
        assert_eq!(heat(1.0), [255, 0, 0, 255]);
        assert_eq!(heat(0.5), [128, 0, 0, 255]);
        assert_eq!(heat(7.0), [255, 0, 0, 255], "clamped above");
        assert_eq!(heat(-0.5), [128, 0, 0, 255], "sign ignored");
        assert_eq!(heat(f32::NAN), [0, 0, 0, 255]);
        let reds: Vec<u8> = (0..=10).map(|i| heat(i as f32 / 10.0)[0]).collect();
        assert!(reds.windows(2).all(|w| w[0] < w[1]), "strictly brighter with error: {reds:?}");
    }

    #[test]
    fn patch_errors_saturate_at_point_four() {
        assert_eq!(heat_of(PATCH_ERROR_FULL, PATCH_ERROR_FULL), [255, 0, 0, 255]);
        assert_eq!(heat_of(-0.2, PATCH_ERROR_FULL), [128, 0, 0, 255]);
        assert_eq!(heat_of(0.1, PATCH_ERROR_FULL)[0], 64);
        assert_eq!(heat_of(0.3, 0.0), [0, 0, 0, 255], "no scale: black, not NaN");
        assert_eq!(heat_of(0.3, f32::NAN), [0, 0, 0, 255]);
    }

    #[test]
    fn quantile_by_nearest_rank_skips_non_finite() {
        let mut s = Vec::new();
        let v: Vec<f32> = (0..=100).rev().map(|i| i as f32).collect(); // 100, 99, …, 0
        assert_eq!(abs_quantile(&v, 0.99, &mut s), Some(99.0));
        assert_eq!(abs_quantile(&v, 0.0, &mut s), Some(0.0));
        assert_eq!(abs_quantile(&v, 1.0, &mut s), Some(100.0));
        assert_eq!(abs_quantile(&[-3.0, f32::NAN, 1.0, f32::INFINITY], 1.0, &mut s), Some(3.0));
        assert_eq!(abs_quantile(&[f32::NAN], 0.5, &mut s), None);
        assert_eq!(abs_quantile(&[], 0.5, &mut s), None);
    }

    #[test]
    fn error_scale_ignores_outliers_and_is_always_positive() {
        let mut s = Vec::new();
        // 1000 pixels of error 0.1 and 5 wild ones: the wild ones must not set the scale.
        let mut e = vec![0.1f32; 1000];
        e.extend([50.0; 5]);
        assert_eq!(error_scale(&e, &mut s), 0.1);
        // Errors in fewer than 1 % of pixels: the largest one sets the scale.
        let mut sparse = vec![0.0f32; 1000];
        sparse[3] = -0.25;
        assert_eq!(error_scale(&sparse, &mut s), 0.25);
        assert_eq!(error_scale(&[0.0; 64], &mut s), 1.0);
        assert_eq!(error_scale(&[], &mut s), 1.0);
        assert_eq!(error_scale(&[f32::NAN, f32::INFINITY], &mut s), 1.0);
    }

    #[test]
    fn scratch_is_reused() {
        let e: Vec<f32> = (0..4096).map(|i| (i % 17) as f32).collect();
        let mut s = Vec::new();
        error_scale(&e, &mut s);
        let (ptr, cap) = (s.as_ptr(), s.capacity());
        error_scale(&e, &mut s);
        assert_eq!((s.as_ptr(), s.capacity()), (ptr, cap));
    }
}
