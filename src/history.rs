//! Bounded loss history for the curves.
//!
//! A long run must not grow memory without end, yet the chart should still show the whole
//! run. When the buffer is full, neighbouring old points are merged pairwise (averaged), so
//! resolution halves for the past while recent steps keep arriving at full rate. Memory stays
//! below `capacity` points forever.

/// One point of the loss curves: costs averaged over `span` consecutive steps ending at `step`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossPoint {
    /// Step count at the end of the span this point covers.
    pub step: u64,
    /// Reconstruction term (1/2m)Σ‖x̂−x‖².
    pub recon: f32,
    /// Sparsity penalty (β·ΣKL or the L1 term).
    pub sparsity: f32,
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
    /// Merges two adjacent points into one, weighting each by its span.
    fn merge(a: &LossPoint, b: &LossPoint) -> LossPoint {
        let (wa, wb) = (a.span as f32, b.span as f32);
        let w = wa + wb;
        let mix = |x: f32, y: f32| (x * wa + y * wb) / w;
        LossPoint {
            step: a.step.max(b.step),
            recon: mix(a.recon, b.recon),
            sparsity: mix(a.sparsity, b.sparsity),
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
}

impl LossHistory {
    /// Keeps at most `capacity` points (at least 4).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(4);
        LossHistory { points: Vec::with_capacity(capacity), capacity }
    }

    /// Appends a point; when full, merges the older half pairwise to make room.
    pub fn push(&mut self, p: LossPoint) {
        if !(p.total.is_finite() && p.recon.is_finite() && p.sparsity.is_finite()) {
            return; // a diverged step is reported elsewhere; it must not wreck the log axis
        }
        if self.points.len() == self.capacity {
            self.compact();
        }
        self.points.push(p);
    }

    /// Merges the older half of the points pairwise, in place (no allocation).
    fn compact(&mut self) {
        let half = self.points.len() / 2;
        let mut w = 0;
        let mut r = 0;
        while r + 1 < half {
            self.points[w] = LossPoint::merge(&self.points[r], &self.points[r + 1]);
            w += 1;
            r += 2;
        }
        // move the untouched newer part down
        for i in r..self.points.len() {
            self.points[w] = self.points[i];
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
        LossPoint { step, recon: v, sparsity: v, decay: v, total: v, span: 1, held_out: f32::NAN }
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
    fn merging_averages_by_span() {
        let mut h = LossHistory::new(4);
        for (s, v) in [(1, 1.0), (2, 3.0), (3, 5.0), (4, 7.0), (5, 9.0)] {
            h.push(pt(s, v));
        }
        // first two merged: mean of 1 and 3
        assert_eq!(h.points()[0].total, 2.0);
        assert_eq!(h.points()[0].span, 2);
        assert_eq!(h.points()[0].step, 2);
        assert_eq!(h.len(), 4);
    }

    #[test]
    fn merging_keeps_the_newest_held_out_measurement() {
        let mut h = LossHistory::new(4);
        for s in 1..=5u64 {
            h.push(LossPoint { held_out: if s == 1 { 0.7 } else { f32::NAN }, ..pt(s, 1.0) });
        }
        assert_eq!(h.points()[0].held_out, 0.7, "a measurement survives a merge with an unmeasured point");
        assert!(h.points()[1].held_out.is_nan());
    }

    #[test]
    fn non_finite_points_are_dropped() {
        let mut h = LossHistory::new(8);
        h.push(pt(1, f32::NAN));
        h.push(pt(2, f32::INFINITY));
        assert!(h.is_empty());
    }
}
