//! Every shareable setting of the page, and the one table that describes them.
//!
//! [`FIELDS`] plays the part of TensorFlow Playground's `State.PROPS`. Each entry gives the
//! link key, whether a change is live or needs a new network, the allowed range, and how to
//! read and write the value. The link format ([`super::hash`]), the range checks for loaded
//! files ([`Params::check`]) and [`Params::change_from`] all go through this table, so adding
//! a setting means adding one entry here.

use std::collections::BTreeSet;

use crate::data::Dataset;
use crate::model::knob::defaults;
use crate::model::registry::{self, MODELS};
use crate::model::{Hyper, OptimizerKind, Output, Penalty};
use crate::train::{LaneConfig, Setup};

/// Names of the controls and panels a link may hide (`hide=lr,pca`); the page marks each
/// with `data-hide="<name>"`. Other names are ignored with a notice.
pub const HIDEABLE: &[&str] = &[
    "model",
    "data",
    "rho",
    "beta",
    "lambda",
    "lr",
    "hidden",
    "patch",
    "batch",
    "optimizer",
    "penalty",
    "l1",
    "output",
    "noise",
    "seed",
    "speed",
    "stop",
    "presets",
    "filters",
    "diagram",
    "inference",
    "unit",
    "recon",
    "rho-bars",
    "firing",
    "loss",
    "image",
    "pca",
    "explain",
    "export",
    "save",
];

/// How many models the page trains and shows side by side (the trainer takes up to
/// [`crate::train::MAX_LANES`]; the page has panels for two).
pub const SIDE_BY_SIDE: usize = 2;

/// How the page is laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// The usual page.
    #[default]
    Normal,
    /// Large text and figures, for a projector.
    Present,
}

/// Every setting a link can carry. The value ranges are in [`FIELDS`]. A `Params` made by
/// [`super::from_hash`] is always in range; one assembled by hand may not be (see
/// [`Params::check`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Hidden units h (rebuild).
    pub hidden: usize,
    /// Patch side p; inputs n = p² (rebuild).
    pub patch: usize,
    /// Patches per step (rebuild).
    pub batch: usize,
    /// Seed of the initial weights and the patch stream (rebuild).
    pub seed: u64,
    /// The training pictures (rebuild). [`Dataset::Own`] needs pictures the link cannot carry.
    pub data: Dataset,
    /// Whiten photographs before cutting patches (rebuild; see [`Dataset::whitens`]).
    pub whiten: bool,
    /// Output activation (rebuild: it changes what the network computes).
    pub output: Output,
    /// Update rule (live: the weights are kept and Adam's moments start afresh).
    pub optimizer: OptimizerKind,
    /// Sparsity penalty.
    pub penalty: Penalty,
    /// Sparsity target ρ of the KL penalty.
    pub rho: f64,
    /// Weight β of the KL penalty.
    pub beta: f64,
    /// Weight of the L1 activation penalty.
    pub l1: f64,
    /// Weight decay λ.
    pub lambda: f64,
    /// Learning rate.
    pub lr: f64,
    /// Standard deviation of the input noise (denoising); 0 = none.
    pub noise: f64,
    /// Pause after this many steps; 0 = never.
    pub stop_after: u64,
    /// Milliseconds between steps; 0 = as many steps as the frame budget allows. Values up
    /// to 2000 (one step every 2 s) give slow motion.
    pub step_ms: f64,
    /// Controls and panels hidden by the link (names from [`HIDEABLE`]).
    pub hide: BTreeSet<String>,
    /// Normal or presentation layout.
    pub layout: Layout,
    /// The models training side by side, by registry key (1 to [`SIDE_BY_SIDE`]; rebuild).
    pub models: Vec<&'static str>,
    /// Every registered model's own knob values: `knobs[i][j]` is knob j of `MODELS[i]`
    /// (live). Models not in use keep theirs, so switching back finds them as they were.
    pub knobs: Vec<Vec<f64>>,
}

impl Default for Params {
    /// UFLDL's classic experiment: 8×8 patches, 25 hidden units, ρ = 0.01, β = 3, λ = 1e-4,
    /// trained with Adam at 1e-2 on batches of 256.
    fn default() -> Self {
        let (s, h) = (Setup::default(), Hyper::default());
        Params {
            hidden: s.hidden,
            patch: s.patch,
            batch: s.batch,
            seed: s.seed,
            data: Dataset::Natural,
            whiten: true,
            output: s.output,
            optimizer: s.optimizer,
            penalty: h.penalty,
            rho: h.rho,
            beta: h.beta,
            l1: h.l1,
            lambda: h.lambda,
            lr: h.lr,
            noise: h.noise,
            stop_after: 0,
            step_ms: 0.0,
            hide: BTreeSet::new(),
            layout: Layout::Normal,
            models: vec![registry::default_spec().key],
            knobs: MODELS.iter().map(|m| defaults(m.knobs)).collect(),
        }
    }
}

/// What a change of settings asks of the page. The variants are ordered: a change is as
/// big as its biggest part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Nothing differs.
    None,
    /// Takes effect on the next step; the network is kept.
    Live,
    /// The shape or the data stream differs: a new network must be built.
    Rebuild,
}

/// The kind of value a field holds, its range, and how to get and set it.
#[derive(Clone, Copy)]
pub enum Value {
    /// A whole number in `min..=max`.
    Int { min: u64, max: u64, get: fn(&Params) -> u64, set: fn(&mut Params, u64) },
    /// A finite number in `min..=max`.
    Float { min: f64, max: f64, get: fn(&Params) -> f64, set: fn(&mut Params, f64) },
    /// One of `words` (lower case); `get`/`set` use the index into `words`.
    Word { words: &'static [&'static str], get: fn(&Params) -> usize, set: fn(&mut Params, usize) },
    /// A set of names from `allowed`.
    Names {
        allowed: &'static [&'static str],
        get: fn(&Params) -> &BTreeSet<String>,
        set: fn(&mut Params, BTreeSet<String>),
    },
}

/// One shareable setting.
#[derive(Clone, Copy)]
pub struct Field {
    /// Its key in the link.
    pub key: &'static str,
    /// What changing it asks of the page ([`Change::Live`] or [`Change::Rebuild`]).
    pub change: Change,
    /// Its kind, range and accessors.
    pub value: Value,
}

const DATASETS: [Dataset; 6] = Dataset::ALL;
const OUTPUTS: [Output; 2] = [Output::Sigmoid, Output::Linear];
const OPTIMIZERS: [OptimizerKind; 2] = [OptimizerKind::Adam, OptimizerKind::Sgd];
const PENALTIES: [Penalty; 2] = [Penalty::Kl, Penalty::L1];
const LAYOUTS: [Layout; 2] = [Layout::Normal, Layout::Present];
const SWITCH: [bool; 2] = [true, false];

/// Index of `v` in `all` (every enum above lists all its variants).
fn index<T: PartialEq>(all: &[T], v: &T) -> usize {
    all.iter().position(|x| x == v).unwrap_or(0)
}

/// A table entry for a whole-number field.
macro_rules! int {
    ($key:literal, $change:ident, $min:expr, $max:expr, $f:ident: $t:ty) => {
        Field {
            key: $key,
            change: Change::$change,
            value: Value::Int { min: $min, max: $max, get: |p| p.$f as u64, set: |p, v| p.$f = v as $t },
        }
    };
}

/// A table entry for a real-valued field.
macro_rules! float {
    ($key:literal, $change:ident, $min:expr, $max:expr, $f:ident) => {
        Field {
            key: $key,
            change: Change::$change,
            value: Value::Float { min: $min, max: $max, get: |p| p.$f, set: |p, v| p.$f = v },
        }
    };
}

/// A table entry for an enum field, with its words in the order of `$all`.
macro_rules! word {
    ($key:literal, $change:ident, [$($w:literal),*], $all:ident, $f:ident) => {
        Field {
            key: $key,
            change: Change::$change,
            value: Value::Word { words: &[$($w),*], get: |p| index(&$all, &p.$f), set: |p, i| p.$f = $all[i] },
        }
    };
}

/// Every shareable setting, in link order. All maxima fit a 32-bit `usize` (wasm32).
pub const FIELDS: &[Field] = &[
    int!("hidden", Rebuild, 4, 400, hidden: usize),
    int!("patch", Rebuild, 4, 16, patch: usize),
    int!("batch", Rebuild, 16, 2048, batch: usize),
    int!("seed", Rebuild, 0, 4_294_967_295, seed: u64),
    word!("data", Rebuild, ["natural", "bars", "strokes", "noise", "own", "photos"], DATASETS, data),
    word!("whiten", Rebuild, ["on", "off"], SWITCH, whiten),
    word!("output", Rebuild, ["sigmoid", "linear"], OUTPUTS, output),
    word!("opt", Live, ["adam", "sgd"], OPTIMIZERS, optimizer),
    word!("penalty", Live, ["kl", "l1"], PENALTIES, penalty),
    float!("rho", Live, 0.001, 0.5, rho),
    float!("beta", Live, 0.0, 10.0, beta),
    float!("l1", Live, 0.0, 10.0, l1),
    float!("lambda", Live, 0.0, 0.1, lambda),
    float!("lr", Live, 1e-5, 1.0, lr),
    float!("noise", Live, 0.0, 1.0, noise),
    int!("stop", Live, 0, 1_000_000_000, stop_after: u64),
    float!("step_ms", Live, 0.0, 2000.0, step_ms),
    Field {
        key: "hide",
        change: Change::Live,
        value: Value::Names { allowed: HIDEABLE, get: |p| &p.hide, set: |p, v| p.hide = v },
    },
    word!("layout", Live, ["normal", "present"], LAYOUTS, layout),
];

/// Equal, counting NaN as equal to itself (so a NaN field is not a change on every frame).
fn same_float(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

impl Field {
    /// True when `a` and `b` hold the same value for this field.
    pub fn same(&self, a: &Params, b: &Params) -> bool {
        match self.value {
            Value::Int { get, .. } => get(a) == get(b),
            Value::Float { get, .. } => same_float(get(a), get(b)),
            Value::Word { get, .. } => get(a) == get(b),
            Value::Names { get, .. } => get(a) == get(b),
        }
    }

    /// Sets this field of `to` to its value in `from`.
    pub fn copy(&self, from: &Params, to: &mut Params) {
        match self.value {
            Value::Int { get, set, .. } => set(to, get(from)),
            Value::Float { get, set, .. } => set(to, get(from)),
            Value::Word { get, set, .. } => set(to, get(from)),
            Value::Names { get, set, .. } => set(to, get(from).clone()),
        }
    }

    /// Why this field's value in `p` is out of range, as a clause ("rho = 5 is above the
    /// largest allowed value 0.5"), or `None` when it is fine.
    pub fn out_of_range(&self, p: &Params) -> Option<String> {
        let key = self.key;
        match self.value {
            Value::Int { min, max, get, .. } => {
                let v = get(p);
                if v < min {
                    Some(format!("{key} = {v} is below the smallest allowed value {min}"))
                } else if v > max {
                    Some(format!("{key} = {v} is above the largest allowed value {max}"))
                } else {
                    None
                }
            }
            Value::Float { min, max, get, .. } => {
                let v = get(p);
                if !v.is_finite() {
                    Some(format!("{key} = {v} is not a finite number"))
                } else if v < min {
                    Some(format!("{key} = {v} is below the smallest allowed value {min}"))
                } else if v > max {
                    Some(format!("{key} = {v} is above the largest allowed value {max}"))
                } else {
                    None
                }
            }
            Value::Word { .. } => None,
            Value::Names { allowed, get, .. } => get(p)
                .iter()
                .find(|n| !allowed.contains(&n.as_str()))
                .map(|n| format!("{key} names '{n}', which is not a control or panel of the page")),
        }
    }
}

impl Params {
    /// What fixes the network's shape and the data stream.
    pub fn setup(&self) -> Setup {
        Setup {
            patch: self.patch,
            hidden: self.hidden,
            batch: self.batch,
            seed: self.seed,
            output: self.output,
            optimizer: self.optimizer,
        }
    }

    /// The hyperparameters that may change between steps (validate before training).
    pub fn hyper(&self) -> Hyper {
        Hyper {
            rho: self.rho,
            beta: self.beta,
            l1: self.l1,
            penalty: self.penalty,
            lambda: self.lambda,
            lr: self.lr,
            noise: self.noise,
        }
    }

    /// What going from `old` to `self` asks of the page: [`Change::Rebuild`] when a
    /// [`Change::Rebuild`] field of [`FIELDS`] (shape, data, seed, output) or the models
    /// differ, [`Change::Live`] when only other settings or knobs differ, [`Change::None`]
    /// when nothing does.
    pub fn change_from(&self, old: &Params) -> Change {
        let fields = FIELDS.iter().filter(|f| !f.same(self, old)).map(|f| f.change).max().unwrap_or(Change::None);
        let models = if self.models != old.models { Change::Rebuild } else { Change::None };
        let knobs = if self.knobs != old.knobs { Change::Live } else { Change::None };
        fields.max(models).max(knobs)
    }

    /// The lanes these settings train: each model with its knob values.
    pub fn lanes(&self) -> Vec<LaneConfig> {
        self.models
            .iter()
            .filter_map(|key| {
                let i = MODELS.iter().position(|m| m.key == *key)?;
                Some(LaneConfig { spec: &MODELS[i], knobs: self.knobs[i].clone() })
            })
            .collect()
    }

    /// The knob values of the model `key` (its defaults if unknown).
    pub fn knobs_of(&self, key: &str) -> &[f64] {
        MODELS.iter().position(|m| m.key == key).map_or(&[], |i| &self.knobs[i])
    }

    /// These settings with the network's shape and data stream (every [`Change::Rebuild`]
    /// field) taken from `shape`.
    pub fn with_shape_of(&self, shape: &Params) -> Params {
        let mut out = self.clone();
        for f in FIELDS.iter().filter(|f| f.change == Change::Rebuild) {
            f.copy(shape, &mut out);
        }
        out.models = shape.models.clone();
        out
    }

    /// `Err` with a clause naming the first setting out of its range (no clamping: for files,
    /// where a bad value means a damaged or foreign file).
    pub fn check(&self) -> Result<(), String> {
        FIELDS.iter().find_map(|f| f.out_of_range(self)).map_or(Ok(()), Err)?;
        if self.models.is_empty() || self.models.len() > SIDE_BY_SIDE {
            return Err(format!("models names {} models; 1 to {SIDE_BY_SIDE} train side by side", self.models.len()));
        }
        for (spec, values) in MODELS.iter().zip(&self.knobs) {
            for (k, &v) in spec.knobs.iter().zip(values) {
                if k.clamp(v) != Some(v) {
                    return Err(format!("{}.{} = {v} is outside {}–{}", spec.key, k.key, k.min, k.max));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;
