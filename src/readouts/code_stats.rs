//! How sparse the hidden code is, and how good the reconstruction is, over recent batches.
//!
//! One batch of 256 patches is too small to judge a unit whose target rate is ρ = 0.01: it
//! should fire on about 2.6 patches, so missing it in one batch means little. A
//! [`CodeTracker`] therefore accumulates sums over many batches with an exponential decay
//! (each [`CodeTracker::observe`] first multiplies everything held by `decay`, 0.9 by
//! default), so the statistics follow training yet cover ~1/(1 − decay) = 10 batches.

use nalgebra::DMatrix;

/// A sigmoid unit counts as active ("firing") on a patch when its activation exceeds this
/// (the default of [`CodeTracker::new`]). Not 0.5: a default UFLDL run meets ρ = 0.01 mostly
/// with small activations (median ≈ 0.005, 99th percentile ≈ 0.13 at 3000 steps) and only
/// ~0.05 % of activations pass 0.5, so at 0.5 healthy units looked dead (15 of 25); at 0.1
/// none do, and the count of dead units means what it says.
pub const ACTIVE_THRESHOLD: f32 = 0.1;

/// Default per-batch decay of a [`CodeTracker`]'s sums: about the last 10 batches count.
pub const DEFAULT_DECAY: f64 = 0.9;

/// Statistics of the hidden code over a [`CodeTracker`]'s window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodeStats {
    /// Per unit: mean activation ρ̂_j.
    pub rho_hat: Vec<f32>,
    /// Per unit: fraction of patches on which a > the tracker's threshold
    /// ([`ACTIVE_THRESHOLD`] by default).
    pub firing: Vec<f32>,
    /// Units that fired on no patch of the last [`CodeTracker::dead_window`] batches: the
    /// one definition of "dead" every panel uses (the count, the bars' colour, the trainer's
    /// `eval`).
    pub dead: usize,
    /// Per unit: dead by that definition.
    pub is_dead: Vec<bool>,
    /// Mean number of active units per patch (Σ_j firing_j).
    pub l0: f32,
    /// Fraction of variance explained, 1 − Σ‖x̂ − x‖² / Σ‖x − x̄‖², with x̄ each batch's mean
    /// patch: 1 for a perfect reconstruction, 0 for one no better than the mean patch,
    /// negative when worse. 0 when nothing was observed or the patches had no variance.
    pub fve: f32,
}

/// Accumulates [`CodeStats`] over recent batches with exponential forgetting. The caller
/// owns it and feeds it [`crate::train::Trainer::last_batch`] a few times per second;
/// after construction nothing allocates except [`CodeTracker::stats`] (use
/// [`CodeTracker::stats_into`] to reuse a [`CodeStats`]).
#[derive(Clone, Debug)]
pub struct CodeTracker {
    decay: f64,
    threshold: f32,
    /// Count |a| instead of a (signed codes: a negative code is as active as a positive one).
    magnitudes: bool,
    /// Decayed Σ a per unit.
    act: Vec<f64>,
    /// Decayed count of patches with a > threshold, per unit.
    fire: Vec<f64>,
    /// Index (1-based, since reset) of the last batch in which each unit fired.
    last_fired: Vec<Option<u64>>,
    /// Decayed number of patches.
    patches: f64,
    /// Decayed Σ‖x̂ − x‖².
    sse: f64,
    /// Decayed Σ‖x − x̄‖².
    sst: f64,
    /// Batches observed since the last reset.
    batches: u64,
}

impl CodeTracker {
    /// A tracker for `hidden` units with the [`DEFAULT_DECAY`] and [`ACTIVE_THRESHOLD`].
    pub fn new(hidden: usize) -> Self {
        Self::with_settings(hidden, DEFAULT_DECAY, ACTIVE_THRESHOLD)
    }

    /// A tracker whose sums are multiplied by `decay` (clamped to [0, 1]) before each batch
    /// is added: 0 keeps only the latest batch, 1 never forgets (until [`CodeTracker::reset`]).
    pub fn with_decay(hidden: usize, decay: f64) -> Self {
        Self::with_settings(hidden, decay, ACTIVE_THRESHOLD)
    }

    /// A tracker with a given `decay` (see [`CodeTracker::with_decay`]) in which a unit
    /// fires on a patch when its activation exceeds `threshold`.
    pub fn with_settings(hidden: usize, decay: f64, threshold: f32) -> Self {
        let decay = if decay.is_nan() { DEFAULT_DECAY } else { decay.clamp(0.0, 1.0) };
        CodeTracker {
            decay,
            threshold,
            magnitudes: false,
            act: vec![0.0; hidden],
            fire: vec![0.0; hidden],
            last_fired: vec![None; hidden],
            patches: 0.0,
            sse: 0.0,
            sst: 0.0,
            batches: 0,
        }
    }

    /// This tracker, counting each code's magnitude |a| (for signed codes).
    pub fn with_magnitudes(mut self) -> Self {
        self.magnitudes = true;
        self
    }

    /// Number of hidden units tracked.
    pub fn hidden(&self) -> usize {
        self.act.len()
    }

    /// The activation above which a unit counts as firing.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Batches observed since the last reset.
    pub fn batches(&self) -> u64 {
        self.batches
    }

    /// How many recent batches a unit must stay silent in to count as dead: ⌈1/(1 − decay)⌉,
    /// the window the decay effectively averages over (10 at 0.9; unbounded at decay 1).
    pub fn dead_window(&self) -> u64 {
        if self.decay >= 1.0 {
            u64::MAX
        } else {
            // at least 1: with decay 0 only the latest batch counts
            (1.0 / (1.0 - self.decay)).ceil().max(1.0) as u64
        }
    }

    /// Adds one batch: patches `x` (n×m), hidden activations `a1` (h×m), reconstructions
    /// `a2` (n×m), as [`crate::train::Trainer::last_batch`] returns them. Panics if the
    /// shapes disagree (a programming error).
    pub fn observe(&mut self, x: &DMatrix<f32>, a1: &DMatrix<f32>, a2: &DMatrix<f32>) {
        let h = self.hidden();
        assert!(
            a1.nrows() == h && a1.ncols() == x.ncols() && a2.shape() == x.shape(),
            "observe: x {:?}, a1 {:?}, a2 {:?} for {h} units",
            x.shape(),
            a1.shape(),
            a2.shape()
        );
        // forget first, so the newest batch always has weight 1
        let d = self.decay;
        self.act.iter_mut().chain(self.fire.iter_mut()).for_each(|v| *v *= d);
        self.patches = self.patches * d + x.ncols() as f64;
        self.batches += 1;

        if h > 0 {
            for col in a1.as_slice().chunks_exact(h) {
                for (j, &a) in col.iter().enumerate() {
                    let a = if self.magnitudes { a.abs() } else { a };
                    self.act[j] += a as f64;
                    if a > self.threshold {
                        self.fire[j] += 1.0;
                        self.last_fired[j] = Some(self.batches);
                    }
                }
            }
        }

        let sse: f64 = a2.iter().zip(x.iter()).map(|(&o, &i)| (o as f64 - i as f64).powi(2)).sum();
        // x̄ per pixel: rows of x are pixels, so a two-pass mean/variance per row (in f64,
        // since patch values sit in a narrow band around 0.5 and f32 would cancel badly)
        let m = x.ncols().max(1) as f64;
        let sst: f64 = x
            .row_iter()
            .map(|row| {
                let mean = row.iter().map(|&v| v as f64).sum::<f64>() / m;
                row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>()
            })
            .sum();
        self.sse = self.sse * d + sse;
        self.sst = self.sst * d + sst;
    }

    /// Statistics over everything observed since the last reset (weighted by the decay).
    /// Allocates the result; see [`CodeTracker::stats_into`].
    pub fn stats(&self) -> CodeStats {
        let mut out = CodeStats::default();
        self.stats_into(&mut out);
        out
    }

    /// Like [`CodeTracker::stats`], into a caller-owned `out` (no allocation once its
    /// vectors have grown to the number of units). With nothing observed, all zeros.
    pub fn stats_into(&self, out: &mut CodeStats) {
        let h = self.hidden();
        out.rho_hat.clear();
        out.firing.clear();
        out.is_dead.clear();
        if self.batches == 0 || self.patches <= 0.0 {
            out.rho_hat.resize(h, 0.0);
            out.firing.resize(h, 0.0);
            out.is_dead.resize(h, false);
            out.dead = 0;
            out.l0 = 0.0;
            out.fve = 0.0;
            return;
        }
        let inv = 1.0 / self.patches;
        out.rho_hat.extend(self.act.iter().map(|&s| (s * inv) as f32));
        out.firing.extend(self.fire.iter().map(|&s| (s * inv) as f32));
        let window = self.dead_window();
        out.is_dead.extend(self.last_fired.iter().map(|l| l.is_none_or(|b| self.batches - b >= window)));
        out.dead = out.is_dead.iter().filter(|&&d| d).count();
        // mean active units per patch = Σ_j P(a_j > threshold)
        out.l0 = (self.fire.iter().sum::<f64>() * inv) as f32;
        out.fve = if self.sst > 0.0 { (1.0 - self.sse / self.sst) as f32 } else { 0.0 };
    }

    /// Forgets everything observed (e.g. when the network is rebuilt or reset).
    pub fn reset(&mut self) {
        self.act.fill(0.0);
        self.fire.fill(0.0);
        self.last_fired.fill(None);
        self.patches = 0.0;
        self.sse = 0.0;
        self.sst = 0.0;
        self.batches = 0;
    }
}

/// What a unit's bar says, for colouring it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitStatus {
    /// Alive and not far too active.
    Ok,
    /// Not active on any recent patch ([`CodeStats::is_dead`], the same rule as the dead
    /// count in "How sparse is the code?").
    Dead,
    /// Far more active than asked: see [`unit_status`].
    AlwaysOn,
}

/// Classifies a unit with mean `rate` (ρ̂, or how often it is active) against `target`:
/// - `Dead` when `dead` (never active lately: one definition for every panel);
/// - `AlwaysOn` when the rate > min(5·target, 1 − (1 − target)/5): five times too active,
///   or, once target ≥ 1/6 makes that unreachable, five times too rarely *off*.
///
/// There is deliberately no 0.5 floor: without sparsity (β = 0) every unit settles at
/// ρ̂ ≈ 0.49, which is exactly the state these colours should flag at ρ = 0.01.
pub fn unit_status(rate: f32, target: f32, dead: bool) -> UnitStatus {
    let on = (5.0 * target).min(1.0 - (1.0 - target) / 5.0);
    if dead {
        UnitStatus::Dead
    } else if rate > on {
        UnitStatus::AlwaysOn
    } else {
        UnitStatus::Ok
    }
}

/// Histogram of firing rates on a log scale, for a "how often does each unit fire" chart.
///
/// Returns `bins + 1` counts. Index 0 counts units that never fired (firing = 0, whose
/// log is −∞: they get their own bar instead of hiding in the lowest bin). Indices 1..=bins
/// split log10(firing) ∈ [min_log10, 0] evenly (e.g. −4 to 0); rates below 10^min_log10
/// but above 0 fall into bin 1, and a rate of 1 into the last. `bins` is at least 1;
/// `min_log10` should be negative (otherwise every firing unit lands in the last bin).
/// NaN rates are not counted.
pub fn firing_histogram(firing: &[f32], bins: usize, min_log10: f32) -> Vec<usize> {
    let bins = bins.max(1);
    let mut counts = vec![0; bins + 1];
    let width = -min_log10 / bins as f32;
    for &f in firing {
        if f.is_nan() {
            continue;
        }
        if f <= 0.0 {
            counts[0] += 1;
            continue;
        }
        let k = if width > 0.0 { ((f.log10() - min_log10) / width).floor().max(0.0) as usize } else { bins };
        counts[1 + k.min(bins - 1)] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-6
    }

    /// 2 pixels × 4 patches, 3 units × 4 patches.
    fn batch() -> (DMatrix<f32>, DMatrix<f32>) {
        let x = DMatrix::from_row_slice(2, 4, &[0.2, 0.4, 0.6, 0.8, 0.5, 0.5, 0.3, 0.7]);
        let a1 = DMatrix::from_row_slice(
            3,
            4,
            &[
                0.9, 0.1, 0.6, 0.2, // ρ̂ 0.45, fires on 2 of 4
                0.1, 0.2, 0.3, 0.4, // never fires: dead
                0.7, 0.8, 0.9, 0.5, // fires on 3 (0.5 is not above the threshold)
            ],
        );
        (x, a1)
    }

    #[test]
    fn hand_made_batch_gives_known_stats() {
        let (x, a1) = batch();
        let mut t = CodeTracker::with_settings(3, DEFAULT_DECAY, 0.5);
        t.observe(&x, &a1, &x);
        let s = t.stats();
        let want_rho = [0.45, 0.25, 0.725];
        let want_fire = [0.5, 0.0, 0.75];
        for j in 0..3 {
            assert!(close(s.rho_hat[j], want_rho[j]), "{:?}", s.rho_hat);
            assert!(close(s.firing[j], want_fire[j]), "{:?}", s.firing);
        }
        assert_eq!(s.dead, 1);
        assert!(close(s.l0, 1.25));
        assert!(close(s.fve, 1.0), "perfect reconstruction explains everything: {}", s.fve);
    }

    #[test]
    fn fve_is_zero_for_the_mean_patch_and_negative_when_worse() {
        let (x, a1) = batch();
        // mean patch: pixel 0 → 0.5, pixel 1 → 0.5
        let mean = DMatrix::from_element(2, 4, 0.5);
        let mut t = CodeTracker::new(3);
        t.observe(&x, &a1, &mean);
        assert!(t.stats().fve.abs() < 1e-6, "{}", t.stats().fve);
        // Σ‖x − x̄‖² = 0.2 + 0.08 = 0.28; a constant 0.9 gives Σ‖x̂ − x‖² = 0.84 + 0.72 = 1.56
        let bad = DMatrix::from_element(2, 4, 0.9);
        t.reset();
        t.observe(&x, &a1, &bad);
        assert!((t.stats().fve - (1.0 - 1.56 / 0.28)).abs() < 1e-5, "{}", t.stats().fve);
    }

    #[test]
    fn old_batches_fade_by_the_decay() {
        let (x, a1) = batch();
        let silent = DMatrix::from_element(3, 2, 0.1f32);
        let x2 = DMatrix::from_element(2, 2, 0.5f32);
        let mut t = CodeTracker::with_settings(3, 0.5, 0.5);
        t.observe(&x, &a1, &x);
        t.observe(&x2, &silent, &x2);
        let s = t.stats();
        // unit 0: (0.5·1.8 + 0.2) / (0.5·4 + 2)
        assert!(close(s.rho_hat[0], 1.1 / 4.0), "{}", s.rho_hat[0]);
        assert!(close(s.firing[2], 0.5 * 3.0 / 4.0), "{}", s.firing[2]);
        // window ⌈1/(1 − 0.5)⌉ = 2 batches: units 0 and 2 fired one batch ago
        assert_eq!(t.dead_window(), 2);
        assert_eq!(s.dead, 1);
        t.observe(&x2, &silent, &x2);
        let all = t.stats();
        assert_eq!((all.dead, all.is_dead), (3, vec![true; 3]), "two silent batches: everyone is dead");
        assert_eq!(t.batches(), 3);
        t.reset();
        assert_eq!(
            t.stats(),
            CodeStats { rho_hat: vec![0.0; 3], firing: vec![0.0; 3], is_dead: vec![false; 3], ..Default::default() }
        );
    }

    #[test]
    fn decay_one_never_forgets_and_stats_into_reuses() {
        let (x, a1) = batch();
        let mut t = CodeTracker::with_decay(3, 1.0);
        for _ in 0..5 {
            t.observe(&x, &a1, &x);
        }
        let mut out = CodeStats::default();
        t.stats_into(&mut out);
        assert!(close(out.rho_hat[0], 0.45));
        let ptr = out.rho_hat.as_ptr();
        t.stats_into(&mut out);
        assert_eq!(ptr, out.rho_hat.as_ptr(), "no reallocation");
        assert_eq!(t.dead_window(), u64::MAX);
        assert_eq!(CodeTracker::with_decay(1, 0.0).dead_window(), 1);
    }

    #[test]
    fn the_firing_threshold_is_configurable() {
        let (x, a1) = batch();
        let mut t = CodeTracker::with_settings(3, DEFAULT_DECAY, 0.25);
        assert_eq!(t.threshold(), 0.25);
        t.observe(&x, &a1, &x);
        let s = t.stats();
        assert_eq!(s.firing, vec![0.5, 0.5, 1.0]);
        assert_eq!(s.dead, 0);
        assert!(close(s.l0, 2.0));
    }

    #[test]
    fn unit_status_thresholds() {
        use UnitStatus::*;
        let rho = 0.01;
        assert_eq!(unit_status(0.001, rho, true), Dead);
        assert_eq!(unit_status(0.001, rho, false), Ok, "rare but alive is not dead");
        assert_eq!(unit_status(0.01, rho, false), Ok);
        assert_eq!(unit_status(0.049, rho, false), Ok);
        assert_eq!(unit_status(0.051, rho, false), AlwaysOn);
        assert_eq!(unit_status(0.49, rho, false), AlwaysOn, "the β = 0 state is flagged");
        // ρ = 0.3: 5ρ is unreachable, so the mirror rule 1 − 0.7/5 = 0.86 applies
        assert_eq!(unit_status(0.8, 0.3, false), Ok);
        assert_eq!(unit_status(0.9, 0.3, false), AlwaysOn);
    }

    #[test]
    fn histogram_bins() {
        // 4 bins over [−4, 0]: one decade each
        let firing = [0.0, 0.0, 1e-6, 2e-4, 0.002, 0.05, 0.5, 1.0, f32::NAN];
        let h = firing_histogram(&firing, 4, -4.0);
        assert_eq!(h, vec![2, 2, 1, 1, 2]);
        assert_eq!(h.iter().sum::<usize>(), 8, "NaN is skipped");
        assert_eq!(firing_histogram(&[], 3, -2.0), vec![0; 4]);
        assert_eq!(firing_histogram(&[0.1], 0, -2.0), vec![0, 1], "at least one bin");
    }

    #[test]
    #[should_panic(expected = "observe")]
    fn shape_mismatch_panics() {
        let (x, a1) = batch();
        CodeTracker::new(2).observe(&x, &a1, &x);
    }
}
