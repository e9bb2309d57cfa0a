//! "Has each unit found a bar?" for the bars dataset, where the edge indicator does not
//! apply: a Földiák bar runs across the whole patch, so it is oriented but never localized.

use nalgebra::DMatrix;

use super::verdict::{EdgeVerdict, VerdictLevel};

/// Squared cosine with one bar from which a filter counts as a single-bar detector (a random
/// filter scores about 1/p, a clean bar detector above 0.8).
pub const BAR_MATCH_MIN: f32 = 0.6;

/// For each filter (a row of `w1`, p×p), the bar it matches best and how well: bars 0..p are
/// the rows of the patch, p..2p its columns; the score is the squared cosine between the
/// mean-removed filter and the mean-removed bar, 1 for exactly one bar.
pub fn bar_match(w1: &DMatrix<f32>, p: usize) -> Vec<(usize, f32)> {
    let bars: Vec<Vec<f32>> = (0..2 * p)
        .map(|b| {
            let on = |i: usize| if b < p { i / p == b } else { i % p == b - p };
            centred(&(0..p * p).map(|i| if on(i) { 1.0 } else { 0.0 }).collect::<Vec<_>>())
        })
        .collect();
    (0..w1.nrows())
        .map(|j| {
            let f = centred(&w1.row(j).iter().copied().collect::<Vec<_>>());
            let ff: f32 = f.iter().map(|v| v * v).sum();
            (0..2 * p)
                .map(|b| {
                    let dot: f32 = f.iter().zip(&bars[b]).map(|(a, c)| a * c).sum();
                    let bb: f32 = bars[b].iter().map(|v| v * v).sum();
                    (b, dot * dot / (ff * bb))
                })
                .fold((0, 0.0), |a, x| if x.1 > a.1 { x } else { a })
        })
        .collect()
}

fn centred(v: &[f32]) -> Vec<f32> {
    let m = v.iter().sum::<f32>() / v.len().max(1) as f32;
    v.iter().map(|x| x - m).collect()
}

/// The banner for the bars dataset: how many units are single-bar detectors and how many of
/// the 2p bars they cover. Formed once three quarters of the bars have a unit.
pub fn bar_verdict(w1: &DMatrix<f32>, p: usize) -> EdgeVerdict {
    let matches = bar_match(w1, p);
    let mut covered: Vec<usize> = matches.iter().filter(|m| m.1 > BAR_MATCH_MIN).map(|m| m.0).collect();
    let detectors = covered.len();
    covered.sort_unstable();
    covered.dedup();
    let (units, bars) = (w1.nrows(), 2 * p);
    let level = if 4 * covered.len() >= 3 * bars {
        VerdictLevel::Formed
    } else if detectors > 0 {
        VerdictLevel::Emerging
    } else {
        VerdictLevel::None
    };
    let text = match level {
        VerdictLevel::None => "No bar detectors yet: filters are still noisy mixtures.".to_string(),
        _ => format!(
            "Bars {}: {detectors} of {units} units each pick out a single bar, covering {} of the {bars} bars.",
            if level == VerdictLevel::Formed { "found" } else { "emerging" },
            covered.len()
        ),
    };
    EdgeVerdict { share: detectors as f32 / units.max(1) as f32, edge_units: detectors, units, level, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_bars_score_one_and_the_verdict_counts_them() {
        let p = 4;
        // units 0..8 are the 8 bars exactly, unit 8 a checkerboard
        let w1 = DMatrix::from_fn(9, p * p, |j, i| match j {
            0..4 => f32::from(u8::from(i / p == j)),
            4..8 => f32::from(u8::from(i % p == j - 4)),
            _ => {
                if (i / p + i % p) % 2 == 0 {
                    1.0
                } else {
                    -1.0
                }
            }
        });
        let m = bar_match(&w1, p);
        for (j, &(bar, score)) in m.iter().take(8).enumerate() {
            assert_eq!(bar, j);
            assert!((score - 1.0).abs() < 1e-5, "unit {j}: {score}");
        }
        assert!(m[8].1 < BAR_MATCH_MIN);
        let v = bar_verdict(&w1, p);
        assert_eq!((v.edge_units, v.units, v.level), (8, 9, VerdictLevel::Formed));
        assert!(v.text.contains("8 of 9 units") && v.text.contains("8 of the 8 bars"), "{}", v.text);
        let none =
            bar_verdict(&DMatrix::from_fn(2, p * p, |_, i| if (i / p + i % p) % 2 == 0 { 1.0 } else { -1.0 }), p);
        assert_eq!(none.level, VerdictLevel::None);
    }
}
