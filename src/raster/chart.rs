//! Axis ranges for the loss chart, kept pure so the guards against odd data (empty, one
//! point, flat, NaN, zeros on a log axis) are tested natively.

/// At most this many decades are shown below the largest value: a weight-decay term that
/// starts near 1e-9 must not squash the curves that matter into a thin band.
pub const MAX_DECADES: i32 = 6;

/// Y range of a log axis covering the positive finite `values`, snapped outward to whole
/// decades (so the axis always has at least two labelled powers of ten) after padding by
/// 20 %, and at most [`MAX_DECADES`] deep. `None` when no value is positive and finite.
pub fn log_range(values: impl IntoIterator<Item = f32>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in values {
        let v = v as f64;
        if v > 0.0 && v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if hi <= 0.0 || !hi.is_finite() {
        return None;
    }
    let top = (hi * 1.2).log10().ceil() as i32;
    let bottom = ((lo / 1.2).log10().floor() as i32).clamp(top - MAX_DECADES, top - 1);
    Some((10f64.powi(bottom), 10f64.powi(top)))
}

/// X range for steps first..last, never empty (a single step gets a width of one): an
/// empty integer range would make the chart divide by zero.
pub fn step_range(first: u64, last: u64) -> (u64, u64) {
    let (a, b) = (first.min(last), first.max(last));
    match (b > a, a.checked_add(1)) {
        (true, _) => (a, b),
        (false, Some(next)) => (a, next),
        (false, None) => (a - 1, a),
    }
}

/// A short tick label for a cost on a log axis: "1e-3" style for powers of ten, else a few
/// significant digits ("0.25", "3", "40"), trailing zeros trimmed.
pub fn format_cost(v: f64) -> String {
    if !(v > 0.0 && v.is_finite()) {
        return String::new();
    }
    let exp = v.log10().round();
    if (v / 10f64.powf(exp) - 1.0).abs() < 1e-6 && !(-2.0..=3.0).contains(&exp) {
        return format!("1e{}", exp as i32);
    }
    // Two significant digits: enough for the 2×, 3×, … ticks between powers of ten.
    let decimals = (1 - v.log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_range_snaps_to_decades_and_ignores_bad_values() {
        let r = log_range([0.3, 0.8, f32::NAN, 0.0, -1.0, f32::INFINITY]).unwrap();
        assert_eq!(r, (0.1, 1.0));
        // 0.9 · 1.2 > 1: the top goes one decade up, so the curve never touches the frame.
        assert_eq!(log_range([0.05, 0.9]).unwrap(), (0.01, 10.0));
    }

    #[test]
    fn log_range_handles_flat_single_and_empty_data() {
        let (lo, hi) = log_range([2.0, 2.0]).unwrap();
        assert!(lo < 2.0 && 2.0 < hi, "a flat series sits inside a non-empty range");
        assert_eq!(log_range([1.0]).unwrap(), (0.1, 10.0));
        assert_eq!(log_range([]), None);
        assert_eq!(log_range([0.0, f32::NAN, -3.0]), None);
    }

    #[test]
    fn log_range_is_at_most_max_decades_deep() {
        let (lo, hi) = log_range([1e-12, 5.0]).unwrap();
        assert_eq!(hi, 10.0);
        assert!((lo - 10f64.powi(1 - MAX_DECADES)).abs() < 1e-18, "lo = {lo}");
    }

    #[test]
    fn step_range_is_never_empty() {
        assert_eq!(step_range(5, 5), (5, 6));
        assert_eq!(step_range(3, 90), (3, 90));
        assert_eq!(step_range(90, 3), (3, 90));
        assert_eq!(step_range(u64::MAX, u64::MAX), (u64::MAX - 1, u64::MAX));
    }

    #[test]
    fn cost_labels_are_short() {
        assert_eq!(format_cost(1e-4), "1e-4");
        assert_eq!(format_cost(0.01), "0.01");
        assert_eq!(format_cost(0.25), "0.25");
        assert_eq!(format_cost(0.1 * 3.0), "0.3"); // 0.30000000000000004 from the tick maths
        assert_eq!(format_cost(3.0), "3");
        assert_eq!(format_cost(2e-5), "0.00002");
        assert_eq!(format_cost(40.0), "40");
        assert_eq!(format_cost(f64::NAN), "");
    }
}
