//! What the readout panels show about a lane's code, gathered where training runs: the code
//! statistics (ρ̂, firing, dead units, L0, variance explained) and each unit's top patches
//! from every slice's last batch, the cost on held-out patches, and each lane's diagnostics.
//!
//! Training batches never leave the session (at 400 units × 16×16 × 2048 one is 2 MB);
//! [`Readouts`] is what the panels draw, small enough to send to the page a few times a
//! second.

use crate::readouts::code_kind::tracker_for;
use crate::readouts::{CodeStats, CodeTracker, HeldOut, TopPatches};
use crate::train::Trainer;

/// Patches the top-patches panel keeps per unit.
const TOP_K: usize = 8;
/// Patches of the last batch the diagnostics are measured on (the contractive ones run the
/// encoder again: on a whole batch of 2048 at 400 units that would cost a step's worth).
const DIAGNOSTIC_PATCHES: usize = 256;

/// What the readout panels draw, for the followed lane and the selected unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Readouts {
    /// The followed lane's code statistics over recent batches (empty before any batch).
    pub stats: CodeStats,
    /// The unit the top patches are of.
    pub unit: usize,
    /// Its most exciting recent patches: (activation, patch), strongest first.
    pub top: Vec<(f32, Vec<f32>)>,
    /// Every lane's diagnostics on its last batch: (name, value).
    pub diagnostics: Vec<Vec<(String, f64)>>,
}

/// The trackers of one lane, and the held-out set: see the module docs.
#[derive(Clone)]
pub struct Watch {
    lane: usize,
    unit: usize,
    tracker: CodeTracker,
    top: TopPatches,
    held_out: HeldOut,
}

impl Watch {
    /// Watches lane 0 of `trainer`; `held_out` is the fixed set its held-out cost uses.
    pub fn new(trainer: &Trainer, held_out: HeldOut) -> Self {
        let (h, n) = (trainer.setup().hidden, trainer.setup().patch.pow(2));
        let mut watch =
            Watch { lane: 0, unit: 0, tracker: CodeTracker::new(h), top: TopPatches::new(h, n, TOP_K), held_out };
        watch.follow(trainer, 0);
        watch
    }

    /// Reads out lane `lane` (clamped to the trainer's lanes) from now on: the trackers
    /// start afresh, since they described another model.
    pub fn follow(&mut self, trainer: &Trainer, lane: usize) {
        self.lane = lane.min(trainer.lanes() - 1);
        let (h, n) = (trainer.setup().hidden, trainer.setup().patch.pow(2));
        self.tracker = tracker_for(trainer.model_at(self.lane).code_kind(), h);
        self.top = TopPatches::new(h, n, TOP_K);
    }

    /// The lane read out.
    pub fn lane(&self) -> usize {
        self.lane
    }

    /// Sends the top patches of `unit` from now on (clamped to the hidden units).
    pub fn select(&mut self, trainer: &Trainer, unit: usize) {
        self.unit = unit.min(trainer.setup().hidden - 1);
    }

    /// Folds the trainer's latest batch into the statistics (after every slice).
    pub fn observe(&mut self, trainer: &Trainer) {
        let (x, a1, a2) = trainer.last_batch_at(self.lane);
        self.tracker.observe(x, a1, a2);
        self.top.observe(x, a1);
    }

    /// Total cost of the followed lane on the held-out patches.
    pub fn held_out_cost(&mut self, trainer: &Trainer) -> f32 {
        self.held_out.evaluate(trainer.model_at(self.lane), &trainer.ctx(self.lane)).total() as f32
    }

    /// The held-out patches (PCA is computed on them).
    pub fn held_out(&self) -> &HeldOut {
        &self.held_out
    }

    /// Fills `out` with what the panels draw now.
    pub fn fill(&self, trainer: &Trainer, out: &mut Readouts) {
        self.tracker.stats_into(&mut out.stats);
        out.unit = self.unit;
        out.top.clear();
        out.top.extend(self.top.top(self.unit).map(|(a, patch)| (a, patch.to_vec())));
        out.diagnostics.clear();
        let x = trainer.last_batch().0;
        let x = x.columns(0, x.ncols().min(DIAGNOSTIC_PATCHES)).into_owned();
        out.diagnostics.extend((0..trainer.lanes()).map(|i| {
            let diag = trainer.model_at(i).diagnostics(&x);
            diag.into_iter().map(|(name, v)| (name.to_string(), v)).collect()
        }));
    }
}
