//! What the edge tests share: one lane of a registered model trained by the page's own
//! [`Trainer`] (its patch stream, optimiser, `after_update` and divergence checks) on the
//! whitened built-in natural images, with the edge share of the filters read at checkpoints.
//!
//! The Trainer seeds lane 0's initial weights from `setup.seed`, as the hand-written loops
//! these tests had did, but its patch sampler from `setup.seed + 0x9E37_79B9`, so the patches
//! differ from those loops' (whose sampler took the seed itself): the numbers in each test's
//! doc comment were measured on the Trainer's stream.

// each test binary uses only part of this module
#![allow(dead_code)]

use sae_lab::data::Dataset;
use sae_lab::model::edges::edge_share;
use sae_lab::model::knob::defaults;
use sae_lab::model::registry;
use sae_lab::model::Hyper;
use sae_lab::train::{LaneConfig, Setup, Trainer};

/// Patch side of every edge test (8×8 patches, 64 inputs).
pub const PATCH: usize = 8;

/// Edge share at one checkpoint: (step, the filters [`Model::filters`](sae_lab::model::family::Model::filters) draws, the encoder's
/// rows). The encoder is the `w_enc` block where the model has one (ReLU + L1, TopK, whose
/// filters are decoder columns); for the others it is their filters again.
pub type Point = (usize, f32, f32);

/// 8×8 patches, `hidden` units, `batch` patches per step, `seed`; the rest as on the page.
pub fn setup(hidden: usize, batch: usize, seed: u64) -> Setup {
    Setup { patch: PATCH, hidden, batch, seed, ..Setup::default() }
}

/// The model `key` with its default knobs, the ones named in `overrides` (knob key, value)
/// replaced.
pub fn lane(key: &str, overrides: &[(&str, f64)]) -> LaneConfig {
    let spec = registry::spec(key).unwrap_or_else(|| panic!("no model {key}"));
    let mut knobs = defaults(spec.knobs);
    for &(name, v) in overrides {
        let i = spec.knobs.iter().position(|k| k.key == name).unwrap_or_else(|| panic!("{key} has no knob {name}"));
        knobs[i] = v;
    }
    LaneConfig { spec, knobs, noise: None }
}

/// A trainer of one lane, `key` with `overrides`, on the whitened built-in natural images.
pub fn trainer(key: &str, overrides: &[(&str, f64)], setup: Setup, hyper: Hyper) -> Trainer {
    let images = Dataset::Natural.builtin(1, true).unwrap();
    Trainer::with_lanes(setup, hyper.validate().unwrap(), &[lane(key, overrides)], images).unwrap()
}

/// Lane 0's edge shares now.
pub fn point(t: &Trainer) -> Point {
    let m = t.model();
    let filters = edge_share(&m.filters(), PATCH);
    let encoder =
        m.layout().index("w_enc").map_or(filters, |i| edge_share(&m.layout().view(m.theta(), i).into_owned(), PATCH));
    (t.steps() as usize, filters, encoder)
}

/// Runs `steps` steps of `t`, calling `each` after every one, and returns the [`Point`] at
/// every step of `checkpoints` (0 = before the first step). Panics if training diverges.
pub fn run(t: &mut Trainer, steps: usize, checkpoints: &[usize], mut each: impl FnMut(&Trainer)) -> Vec<Point> {
    let mut curve = Vec::new();
    for s in 0..=steps {
        if checkpoints.contains(&s) {
            curve.push(point(t));
        }
        if s < steps {
            t.step().unwrap_or_else(|d| panic!("{d}"));
            each(t);
        }
    }
    curve
}

/// [`trainer`] with the default hyperparameters, trained by [`run`]: (curve, trainer).
pub fn train(
    key: &str,
    overrides: &[(&str, f64)],
    setup: Setup,
    steps: usize,
    checkpoints: &[usize],
) -> (Vec<Point>, Trainer) {
    let mut t = trainer(key, overrides, setup, Hyper::default());
    let curve = run(&mut t, steps, checkpoints, |_| ());
    (curve, t)
}

/// The point at `step` of `curve`.
pub fn at(curve: &[Point], step: usize) -> Point {
    *curve.iter().find(|p| p.0 == step).unwrap_or_else(|| panic!("no checkpoint {step}: {curve:?}"))
}
