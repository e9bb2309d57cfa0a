//! The cost chart's default view, fitted to the run: which points set its axes, a y range
//! that a stray spike cannot stretch, and the tick labels of its log step axis. Pure, so the
//! guards against odd data (empty, NaN, flat, one point) are tested natively.
//!
//! Why fit at all: the first steps cost 20–50 (every sigmoid unit starts near ρ̂ = 0.5, far
//! from ρ, so the KL term is huge) and fall below 1 within ~100 steps. A range that holds them
//! leaves the part where learning shows — the plateau while the net outputs the mean patch and
//! the drop as edges form, a change of a few hundredths — as a flat line.
//!
//! Why a log step axis: the drop happens in the first few thousand steps; a minute later the
//! run is a hundred thousand steps long, and on a linear axis the plateau and the drop would
//! be squeezed into the left 2 %. On a log axis each decade of steps gets the same width.

/// Steps before this are the initial transient, left out of the fitted view.
pub const WARMUP_STEPS: u64 = 200;
/// Share of the shown width at either end that the inner quantiles leave out.
const TAIL: f64 = 0.02;
/// How far beyond the inner quantiles' spread (in spreads) a value may lie and still be in
/// range; farther values are spikes, drawn clipped at the edge.
const FENCE: f64 = 1.5;
/// Room above and below the data, as a share of its range.
const MARGIN: f64 = 0.08;
/// The narrowest range, relative to the values' size (a flat or one-point series).
const MIN_RELATIVE_SPAN: f64 = 0.02;
/// The narrowest range in absolute terms (a flat series at zero).
const MIN_SPAN: f64 = 1e-6;

/// The first step the fitted view shows, for a history whose points run from `first` to
/// `last`: after the warm-up, but never after the middle of the run, so a young run still
/// shows its latest half.
pub fn fit_start(first: u64, last: u64) -> u64 {
    first.max(WARMUP_STEPS.min(last / 2))
}

/// A linear y range for the curves in `series` from step `start` on: robust bounds with a
/// margin, or `None` when no such point has a finite value. Each curve is its points, oldest
/// first, as `(first step, step, value)`: a history point averages the steps from its first
/// to `step`, and one whose steps reach back before `start` is left out (a merged point that
/// holds part of the transient would stand far above the rest).
///
/// Each point weighs as much as the width it takes on the log step axis, and each curve
/// weighs the same in total, so a plateau that the history has merged into a few points
/// counts as much as it shows. The bounds are the data's extremes unless a value lies more
/// than [`FENCE`] spreads beyond the 2 %–98 % weighted quantiles: such a spike is clipped, not
/// allowed to flatten the rest. A flat or single-point series gets a small range around it.
pub fn fitted_range<S, I>(series: S, start: u64) -> Option<(f64, f64)>
where
    S: IntoIterator<Item = I>,
    I: IntoIterator<Item = (u64, u64, f32)>,
{
    let mut values: Vec<(f64, f64)> = Vec::new(); // (value, weight)
    for curve in series {
        let begin = values.len();
        let mut prev = (start.max(1) as f64).ln();
        for (first, step, v) in curve {
            if first < start || !v.is_finite() {
                continue;
            }
            let x = (step.max(1) as f64).ln();
            values.push((v as f64, (x - prev).max(0.0)));
            prev = prev.max(x);
        }
        let curve = &mut values[begin..];
        let total: f64 = curve.iter().map(|p| p.1).sum();
        for p in curve.iter_mut() {
            // all at one step (e.g. a single point): each point counts the same
            p.1 = if total > 0.0 { p.1 / total } else { 1.0 };
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (min, max) = (values[0].0, values[values.len() - 1].0);
    let (q_lo, q_hi) = (weighted_quantile(&values, TAIL), weighted_quantile(&values, 1.0 - TAIL));
    let spread = q_hi - q_lo;
    let (mut lo, mut hi) = (min.max(q_lo - FENCE * spread), max.min(q_hi + FENCE * spread));
    let floor = (lo.abs().max(hi.abs()) * MIN_RELATIVE_SPAN).max(MIN_SPAN);
    if hi - lo < floor {
        let mid = (lo + hi) / 2.0;
        (lo, hi) = (mid - floor / 2.0, mid + floor / 2.0);
    }
    let pad = (hi - lo) * MARGIN;
    Some((lo - pad, hi + pad))
}

/// The smallest value of `sorted` (value, weight) pairs whose cumulative weight reaches the
/// share `q` of the total.
fn weighted_quantile(sorted: &[(f64, f64)], q: f64) -> f64 {
    let target = q * sorted.iter().map(|p| p.1).sum::<f64>();
    let mut acc = 0.0;
    for &(v, w) in sorted {
        acc += w;
        if acc >= target {
            return v;
        }
    }
    sorted.last().map_or(0.0, |p| p.0)
}

/// Tick positions for a log step axis from `lo` to `hi`: 1, 2 and 5 times the powers of ten
/// in range, every digit if that gives fewer than three, and the ends themselves as a last
/// resort (a range inside one digit's step), so the axis always has at least two labels.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if lo <= 0.0 {
        return Vec::new();
    }
    let in_range = |digits: &[f64]| {
        let mut out = Vec::new();
        let mut decade = 10f64.powi(lo.log10().floor() as i32);
        while decade <= hi {
            for &d in digits {
                let v = d * decade;
                // a hair of slack, so rounding in powi never drops an end that is a tick
                if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) {
                    out.push(v);
                }
            }
            decade *= 10.0;
        }
        out
    };
    let ticks = in_range(&[1.0, 2.0, 5.0]);
    if ticks.len() >= 3 {
        return ticks;
    }
    let ticks = in_range(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    if ticks.len() >= 2 {
        return ticks;
    }
    vec![lo, hi]
}

/// A step count as a short tick label: "200", "5k", "1.5k", "20k", "1M".
pub fn format_step(v: f64) -> String {
    if !v.is_finite() || v < 0.0 {
        return String::new();
    }
    let (scaled, unit) = match v {
        v if v >= 1e6 => (v / 1e6, "M"),
        v if v >= 1e3 => (v / 1e3, "k"),
        v => (v, ""),
    };
    let s = format!("{scaled:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s);
    format!("{s}{unit}")
}

/// A tick label on a linear cost axis spanning `span`: enough decimals to tell neighbouring
/// ticks apart (about 5–10 ticks per span), and no more.
pub fn format_linear(v: f64, span: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let decimals = if span > 0.0 && span.is_finite() { (1 - span.log10().floor() as i32).clamp(0, 8) } else { 2 };
    let s = format!("{v:.*}", decimals as usize);
    // "-0.00" reads as a sign error on an axis of costs
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run like the page's sae at defaults: a transient from 22 down, a plateau near 0.535
    /// to step 1 100, a drop to 0.485 by step 3 000, then noise around 0.485 to step `last`,
    /// in points of 40 steps. The oldest `merged` points are averaged 16 to 1, as a history
    /// that keeps fewer points than a long run has steps does: the first of them holds the
    /// transient.
    fn page_like(last: u64, merged: usize) -> Vec<(u64, u64, f32)> {
        let cost = |s: u64| -> f32 {
            let s = s as f32;
            let noise = (s * 0.37).sin() * 0.008;
            if s < 100.0 {
                22.0 / (1.0 + s / 5.0) + 0.53
            } else if s < 1100.0 {
                0.535 + noise
            } else if s < 3000.0 {
                0.535 - 0.05 * (s - 1100.0) / 1900.0 + noise
            } else {
                0.485 + noise
            }
        };
        let all: Vec<(u64, u64, f32)> = (0..last / 40).map(|i| (i * 40 + 1, i * 40 + 40, cost(i * 40 + 40))).collect();
        let merged = merged.min(all.len());
        let mut out: Vec<(u64, u64, f32)> = all[..merged]
            .chunks(16)
            .map(|c| (c[0].0, c[c.len() - 1].1, c.iter().map(|p| p.2).sum::<f32>() / c.len() as f32))
            .collect();
        out.extend(&all[merged..]);
        out
    }

    /// Points that each stand for one step.
    fn single(points: &[(u64, f32)]) -> impl Iterator<Item = (u64, u64, f32)> + '_ {
        points.iter().map(|&(s, v)| (s, s, v))
    }

    #[test]
    fn the_plateau_and_the_drop_fill_the_range_early_and_late() {
        for (last, merged) in [(5_000, 0), (20_000, 0), (120_000, 32), (120_000, 0)] {
            let pts = page_like(last, merged);
            let start = fit_start(pts[0].0, last);
            let (lo, hi) = fitted_range([pts.iter().copied()], start).unwrap();
            assert!(hi > 0.537 && hi < 0.6, "at step {last} the plateau is inside, below the top: {hi}");
            assert!(lo < 0.48 && lo > 0.42, "at step {last} the late noise is inside, above the bottom: {lo}");
        }
    }

    #[test]
    fn the_warm_up_is_left_out_but_a_young_run_shows_its_latest_half() {
        assert_eq!(fit_start(9, 100_000), WARMUP_STEPS);
        assert_eq!(fit_start(9, 100), 50);
        assert_eq!(fit_start(500, 1_000), 500, "a history that starts later starts there");
        let pts = [(10, 20.0), (60, 2.0), (80, 1.5), (100, 1.2)];
        let (lo, hi) = fitted_range([single(&pts)], fit_start(10, 100)).unwrap();
        assert!(hi < 3.0 && lo > 1.0, "({lo}, {hi}) holds 2 … 1.2 and not 20");
        // a merged point that reaches back into the transient does not count, wherever it ends
        let merged = [(1, 400, 3.0), (401, 800, 0.5), (801, 1200, 0.45)];
        let (_, hi) = fitted_range([merged], 200).unwrap();
        assert!(hi < 0.6, "{hi}");
    }

    #[test]
    fn a_narrow_spike_is_clipped_but_a_wide_change_is_not() {
        let mut pts: Vec<(u64, f32)> = (300..3000).map(|s| (s, 0.5 + (s % 7) as f32 * 0.001)).collect();
        pts[1500].1 = 5.0;
        let (_, hi) = fitted_range([single(&pts)], 200).unwrap();
        assert!(hi < 0.52, "one point out of 2 700 does not stretch the axis: {hi}");
        // the same value held over the first third of the width is data, not a spike
        let wide: Vec<(u64, f32)> = pts.iter().map(|&(s, v)| (s, if s < 600 { 0.9 } else { v })).collect();
        let (_, hi) = fitted_range([single(&wide)], 200).unwrap();
        assert!(hi > 0.9, "{hi}");
    }

    #[test]
    fn every_curve_counts_and_bad_values_do_not() {
        let total = [(300, 0.5f32), (400, 0.49), (500, f32::NAN), (600, 0.48)];
        let held_out = [(350, 0.40f32), (550, f32::INFINITY)];
        let (lo, hi) = fitted_range([single(&total), single(&held_out)], 200).unwrap();
        assert!(lo < 0.40 && hi > 0.5 && hi < 0.6, "({lo}, {hi})");
    }

    #[test]
    fn empty_flat_and_single_point_data() {
        assert_eq!(fitted_range([single(&[(300, f32::NAN)])], 200), None);
        assert_eq!(fitted_range(Vec::<Vec<(u64, u64, f32)>>::new(), 0), None);
        assert_eq!(fitted_range([single(&[(100, 0.5)])], 200), None, "before the start only");
        for pts in [vec![(300, 0.5), (400, 0.5)], vec![(300, 0.5)]] {
            let (lo, hi) = fitted_range([single(&pts)], 200).unwrap();
            assert!(lo < 0.5 && 0.5 < hi && hi - lo < 0.05, "a small range around 0.5: ({lo}, {hi})");
        }
        let (lo, hi) = fitted_range([single(&[(300, 0.0)])], 0).unwrap();
        assert!(lo < 0.0 && hi > 0.0 && hi - lo < 1e-5, "({lo}, {hi})");
    }

    #[test]
    fn the_range_has_a_margin() {
        let (lo, hi) = fitted_range([single(&[(300, 1.0), (400, 2.0)])], 0).unwrap();
        assert!((lo - 0.92).abs() < 1e-9 && (hi - 2.08).abs() < 1e-9, "({lo}, {hi})");
    }

    #[test]
    fn log_ticks_always_label_the_axis() {
        assert_eq!(log_ticks(200.0, 120_000.0), [200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5]);
        assert_eq!(log_ticks(200.0, 600.0), [200.0, 300.0, 400.0, 500.0, 600.0]);
        assert_eq!(log_ticks(25.0, 28.0), [25.0, 28.0]);
        assert_eq!(log_ticks(1000.0, 1000.0), [1000.0, 1000.0]);
        assert!(log_ticks(0.0, 10.0).is_empty() && log_ticks(1.0, f64::NAN).is_empty());
    }

    #[test]
    fn step_and_cost_labels_are_short() {
        assert_eq!(format_step(200.0), "200");
        assert_eq!(format_step(5000.0), "5k");
        assert_eq!(format_step(1500.0), "1.5k");
        assert_eq!(format_step(2e6), "2M");
        assert_eq!(format_step(f64::NAN), "");
        assert_eq!(format_linear(0.475, 0.1), "0.47");
        assert_eq!(format_linear(0.4721, 0.03), "0.472");
        assert_eq!(format_linear(12.4, 10.0), "12");
        assert_eq!(format_linear(-0.0001, 0.1), "0.00");
        assert_eq!(format_linear(f64::INFINITY, 1.0), "");
    }
}
