//! Bounded loss history for the curves.
//!
//! A long run must not grow memory without end, yet the chart should still show the whole
//! run. When the buffer is full, about a quarter of the points are merged with a neighbour
//! (averaged): those that cover the least width on a log step axis, which are the newest.
//! So the history keeps a similar number of points per decade of steps — the first hundred
//! steps as finely as the last hundred thousand — which is what the chart's log step axis
//! needs to show the plateau and the drop of the first few thousand steps an hour later.
//! Memory stays below `capacity` points forever.

use crate::model::family::MAX_PENALTIES;

/// One point of the loss curves: costs averaged over `span` consecutive steps ending at `step`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossPoint {
    /// Step count at the end of the span this point covers.
    pub step: u64,
    /// Reconstruction term (1/2m)Σ‖x̂−x‖².
    pub recon: f32,
    /// The model's penalty terms, in the order of its `penalty_names()` (the sparse
    /// autoencoder's one term is β·ΣKL or the L1 term); unused slots are 0.
    pub penalties: [f32; MAX_PENALTIES],
    /// Weight decay (λ/2)(‖W1‖²+‖W2‖²).
    pub decay: f32,
    /// Total cost.
    pub total: f32,
    /// How many steps were averaged into this point.
    pub span: u32,
    /// Total cost on held-out patches, measured at this point; NaN where not measured.
    pub held_out: f32,
}

impl LossPoint {
    /// Σ of the penalty terms.
    pub fn penalty_sum(&self) -> f32 {
        self.penalties.iter().sum()
    }

    /// The first step this point's average covers.
    pub fn first_step(&self) -> u64 {
        (self.step + 1).saturating_sub(self.span.max(1) as u64)
    }

    /// Merges two adjacent points into one, weighting each by its span.
    fn merge(a: &LossPoint, b: &LossPoint) -> LossPoint {
        let (wa, wb) = (a.span as f32, b.span as f32);
        let w = wa + wb;
        let mix = |x: f32, y: f32| (x * wa + y * wb) / w;
        LossPoint {
            step: a.step.max(b.step),
            recon: mix(a.recon, b.recon),
            penalties: std::array::from_fn(|i| mix(a.penalties[i], b.penalties[i])),
            decay: mix(a.decay, b.decay),
            total: mix(a.total, b.total),
            span: a.span + b.span,
            // held-out is sampled, not averaged over steps: keep the newer measurement
            held_out: if b.held_out.is_finite() { b.held_out } else { a.held_out },
        }
    }
}

/// Bounded, decimating series of [`LossPoint`]s.
#[derive(Clone, Debug)]
pub struct LossHistory {
    points: Vec<LossPoint>,
    capacity: usize,
    /// Reused by [`LossHistory::compact`], so compacting never allocates.
    widths: Vec<f64>,
}

/// How wide `a` and its next point `b` are together on a log step axis, in natural log units.
fn merged_width(a: &LossPoint, b: &LossPoint) -> f64 {
    (b.step.max(1) as f64).ln() - (a.first_step().max(1) as f64).ln()
}

impl LossHistory {
    /// Keeps at most `capacity` points (at least 4).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(4);
        LossHistory { points: Vec::with_capacity(capacity), capacity, widths: Vec::with_capacity(capacity) }
    }

    /// Appends a point; when full, first merges the narrowest points (see the module docs).
    pub fn push(&mut self, p: LossPoint) {
        if !(p.total.is_finite() && p.recon.is_finite() && p.penalty_sum().is_finite()) {
            return; // a diverged step is reported elsewhere; it must not wreck the log axis
        }
        if self.points.len() == self.capacity {
            self.compact();
        }
        self.points.push(p);
    }

    /// Merges each pair of neighbours no wider together (on a log step axis) than the median
    /// pair, oldest first and each point at most once: about a quarter of the points go.
    fn compact(&mut self) {
        let n = self.points.len();
        self.widths.clear();
        self.widths.extend(self.points.windows(2).map(|w| merged_width(&w[0], &w[1])));
        if self.widths.is_empty() {
            return;
        }
        let mid = self.widths.len() / 2;
        let median = *self.widths.select_nth_unstable_by(mid, f64::total_cmp).1;
        let (mut w, mut r) = (0, 0);
        while r < n {
            if r + 1 < n && merged_width(&self.points[r], &self.points[r + 1]) <= median {
                self.points[w] = LossPoint::merge(&self.points[r], &self.points[r + 1]);
                r += 2;
            } else {
                self.points[w] = self.points[r];
                r += 1;
            }
            w += 1;
        }
        self.points.truncate(w);
    }

    /// The points, oldest first.
    pub fn points(&self) -> &[LossPoint] {
        &self.points
    }

    /// The most recent point, if any.
    pub fn last(&self) -> Option<&LossPoint> {
        self.points.last()
    }

    /// Forgets everything (on reset).
    pub fn clear(&mut self) {
        self.points.clear();
    }

    /// Number of points held.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True when no point is held.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(step: u64, v: f32) -> LossPoint {
        LossPoint { step, recon: v, penalties: [v, 0.0, 0.0], decay: v, total: v, span: 1, held_out: f32::NAN }
    }

    #[test]
    fn stays_bounded_and_keeps_the_whole_run() {
        let mut h = LossHistory::new(64);
        for s in 1..=100_000u64 {
            h.push(pt(s, s as f32));
        }
        assert!(h.len() <= 64);
        assert!(h.len() >= 32);
        let span: u32 = h.points().iter().map(|p| p.span).sum();
        assert_eq!(span, 100_000, "every step is still represented");
        assert_eq!(h.last().unwrap().step, 100_000);
        assert!(h.points().windows(2).all(|w| w[0].step < w[1].step), "steps stay ordered");
    }

    #[test]
    fn merging_averages_by_span_and_spares_the_oldest_steps() {
        let mut h = LossHistory::new(4);
        for (s, v) in [(1, 1.0), (2, 3.0), (3, 5.0), (4, 7.0), (5, 9.0)] {
            h.push(pt(s, v));
        }
        // steps 1–2 are the widest pair on a log axis, 2–3 the median: 3 and 5 merge
        let steps: Vec<u64> = h.points().iter().map(|p| p.step).collect();
        assert_eq!(steps, [1, 3, 4, 5]);
        let merged = h.points()[1];
        assert_eq!((merged.total, merged.span, merged.first_step()), (4.0, 2, 2));
        let three = LossPoint { span: 3, ..pt(10, 1.0) };
        assert_eq!(LossPoint::merge(&three, &pt(11, 5.0)).total, 2.0, "weighted by span: (3·1 + 5) / 4");
    }

    #[test]
    fn each_decade_of_steps_keeps_its_share_of_points() {
        let mut h = LossHistory::new(300);
        for s in 1..=200_000u64 {
            h.push(pt(s, 1.0));
        }
        let in_decade = |lo: u64, hi: u64| h.points().iter().filter(|p| p.step > lo && p.step <= hi).count();
        let (early, late) = (in_decade(100, 1_000), in_decade(10_000, 100_000));
        assert!(early >= 20, "steps 100–1 000 keep {early} points");
        assert!(late >= 20 && late <= 3 * early, "steps 10 000–100 000 keep {late} points, vs {early}");
    }

    #[test]
    fn merging_keeps_the_newest_held_out_measurement() {
        let measured = LossPoint { held_out: 0.7, ..pt(1, 1.0) };
        let m = LossPoint::merge(&measured, &pt(2, 1.0));
        assert_eq!(m.held_out, 0.7, "a measurement survives a merge with an unmeasured point");
        let newer = LossPoint { held_out: 0.5, ..pt(2, 1.0) };
        assert_eq!(LossPoint::merge(&measured, &newer).held_out, 0.5);
    }

    #[test]
    fn non_finite_points_are_dropped() {
        let mut h = LossHistory::new(8);
        h.push(pt(1, f32::NAN));
        h.push(pt(2, f32::INFINITY));
        assert!(h.is_empty());
    }
}
