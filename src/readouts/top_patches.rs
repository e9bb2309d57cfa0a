//! For each hidden unit, the recent patches that excite it most: what a unit "looks for",
//! read from the data rather than from its weights.
//!
//! A plain running maximum would freeze on patches from early training, when the unit
//! meant something else. So every [`TopPatches::observe`] first multiplies the stored
//! scores by a decay (0.98 by default: a score halves in about 35 observations, i.e. ten
//! seconds at a few calls per second), and a fresh patch displaces an old one once its
//! activation beats the old one's faded score.

use nalgebra::DMatrix;

/// Default per-observe decay of the stored scores.
pub const DEFAULT_DECAY: f32 = 0.98;

/// Per unit, the k most exciting recent patches, in buffers allocated once.
#[derive(Clone, Debug)]
pub struct TopPatches {
    hidden: usize,
    n: usize,
    k: usize,
    decay: f32,
    /// Ranking scores (activation × decay^age), per unit k slots, highest first.
    score: Vec<f32>,
    /// The activation each stored patch had when it was seen.
    act: Vec<f32>,
    /// The patches, per unit k slots of n values.
    patches: Vec<f32>,
    /// Filled slots per unit.
    len: Vec<usize>,
}

impl TopPatches {
    /// Keeps `k` patches of `n` pixels for each of `hidden` units, with the [`DEFAULT_DECAY`].
    pub fn new(hidden: usize, n: usize, k: usize) -> Self {
        Self::with_decay(hidden, n, k, DEFAULT_DECAY)
    }

    /// Like [`TopPatches::new`] with scores multiplied by `decay` (clamped to [0, 1]) on
    /// every observe; 1 keeps the all-time best.
    pub fn with_decay(hidden: usize, n: usize, k: usize, decay: f32) -> Self {
        let decay = if decay.is_nan() { DEFAULT_DECAY } else { decay.clamp(0.0, 1.0) };
        TopPatches {
            hidden,
            n,
            k,
            decay,
            score: vec![0.0; hidden * k],
            act: vec![0.0; hidden * k],
            patches: vec![0.0; hidden * k * n],
            len: vec![0; hidden],
        }
    }

    /// Offers every patch of a batch (`x` n×m, `a1` h×m) to every unit. Does not allocate.
    /// Panics if the shapes disagree with the construction (a programming error).
    pub fn observe(&mut self, x: &DMatrix<f32>, a1: &DMatrix<f32>) {
        let (h, n, k) = (self.hidden, self.n, self.k);
        assert!(
            x.nrows() == n && a1.nrows() == h && a1.ncols() == x.ncols(),
            "observe: x {:?}, a1 {:?} for {h} units of {n}-pixel patches",
            x.shape(),
            a1.shape()
        );
        self.score.iter_mut().for_each(|s| *s *= self.decay);
        if k == 0 || h == 0 || n == 0 {
            return;
        }
        for (patch, acts) in x.as_slice().chunks_exact(n).zip(a1.as_slice().chunks_exact(h)) {
            for (j, &a) in acts.iter().enumerate() {
                let len = self.len[j];
                let scores = &self.score[j * k..j * k + len];
                // cheap rejection first: most patches beat no stored one
                if len == k && a <= scores[k - 1] {
                    continue;
                }
                let pos = scores.iter().position(|&s| a > s).unwrap_or(len);
                self.insert(j, pos, a, patch);
            }
        }
    }

    /// Puts (a, patch) at slot `pos` of unit `j`, shifting lower entries down (the last
    /// falls off when full).
    fn insert(&mut self, j: usize, pos: usize, a: f32, patch: &[f32]) {
        let (k, n) = (self.k, self.n);
        let len = (self.len[j] + 1).min(k);
        let base = j * k;
        // shift slots pos..len−1 down by one; slot len−1 (if it was full) is overwritten
        for slot in (pos + 1..len).rev() {
            self.score[base + slot] = self.score[base + slot - 1];
            self.act[base + slot] = self.act[base + slot - 1];
        }
        let from = (base + pos) * n;
        let to = (base + len - 1) * n;
        self.patches.copy_within(from..to, from + n);
        self.score[base + pos] = a;
        self.act[base + pos] = a;
        self.patches[from..from + n].copy_from_slice(patch);
        self.len[j] = len;
    }

    /// Unit `unit`'s stored patches as (activation when seen, patch of n pixels), ranked by
    /// the decayed score, highest first: among patches seen at the same time that is
    /// highest activation first; a slightly weaker but much newer patch may rank above an
    /// old one. Panics if `unit` is out of range.
    pub fn top(&self, unit: usize) -> impl Iterator<Item = (f32, &[f32])> + '_ {
        assert!(unit < self.hidden, "unit {unit} of {}", self.hidden);
        let base = unit * self.k;
        (0..self.len[unit]).map(move |s| (self.act[base + s], &self.patches[(base + s) * self.n..][..self.n]))
    }

    /// Patches kept per unit.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Forgets every stored patch (e.g. after a reset of the weights).
    pub fn clear(&mut self) {
        self.len.fill(0);
        self.score.fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// m patches of 2 pixels, each filled with its own index; 2 units.
    fn batch(acts0: &[f32], acts1: &[f32], offset: f32) -> (DMatrix<f32>, DMatrix<f32>) {
        let m = acts0.len();
        let x = DMatrix::from_fn(2, m, |_, j| offset + j as f32);
        let a1 = DMatrix::from_fn(2, m, |i, j| if i == 0 { acts0[j] } else { acts1[j] });
        (x, a1)
    }

    fn ids(t: &TopPatches, unit: usize) -> Vec<(f32, f32)> {
        t.top(unit).map(|(a, p)| (a, p[0])).collect()
    }

    #[test]
    fn keeps_the_highest_sorted() {
        let mut t = TopPatches::with_decay(2, 2, 3, 1.0);
        let (x, a1) = batch(&[0.2, 0.9, 0.1, 0.5, 0.7], &[0.3, 0.1, 0.2, 0.4, 0.05], 0.0);
        t.observe(&x, &a1);
        assert_eq!(ids(&t, 0), vec![(0.9, 1.0), (0.7, 4.0), (0.5, 3.0)]);
        assert_eq!(ids(&t, 1), vec![(0.4, 3.0), (0.3, 0.0), (0.2, 2.0)]);
        // a second batch: only patches beating the third place get in
        let (x, a1) = batch(&[0.6, 0.95], &[0.0, 0.0], 10.0);
        t.observe(&x, &a1);
        assert_eq!(ids(&t, 0), vec![(0.95, 11.0), (0.9, 1.0), (0.7, 4.0)]);
        assert_eq!(ids(&t, 1), vec![(0.4, 3.0), (0.3, 0.0), (0.2, 2.0)]);
        // whole patches move with their scores
        assert!(t.top(0).all(|(_, p)| p[0] == p[1]));
    }

    #[test]
    fn partly_filled_and_cleared() {
        let mut t = TopPatches::new(2, 2, 6);
        let (x, a1) = batch(&[0.1, 0.3], &[0.5, 0.4], 0.0);
        t.observe(&x, &a1);
        assert_eq!(ids(&t, 0), vec![(0.3, 1.0), (0.1, 0.0)]);
        t.clear();
        assert_eq!(t.top(1).count(), 0);
        assert_eq!(t.k(), 6);
    }

    #[test]
    fn old_winners_fade() {
        let mut t = TopPatches::with_decay(2, 2, 1, 0.5);
        let (x, a1) = batch(&[0.9], &[0.9], 0.0);
        t.observe(&x, &a1);
        // after one more observe the stored score is 0.45: 0.5 now wins, 0.4 does not
        let (x, a1) = batch(&[0.5], &[0.4], 7.0);
        t.observe(&x, &a1);
        assert_eq!(ids(&t, 0), vec![(0.5, 7.0)]);
        assert_eq!(ids(&t, 1), vec![(0.9, 0.0)], "the activation reported is the one seen");
    }
}
