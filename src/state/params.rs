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
use crate::model::KnobKind;
use crate::model::{Hyper, OptimizerKind, Output, Penalty};
use crate::train::{LaneConfig, Setup};
use crate::words::Word;

/// Names of the controls and panels a link may hide (`hide=lr,pca`); the page marks each
/// with `data-hide="<name>"`. Other names are ignored with a notice.
pub const HIDEABLE: &[&str] = &[
    "model",
    "data",
    "whiten",
    "camera",
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
    "classify",
    "latent",
    "conv",
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
    /// What the second model does differently (live).
    pub beside: Beside,
}

/// How the second lane differs from the first beyond its model: its own input noise, and,
/// when both lanes train the same model ("TopK with and without AuxK"), its own knob values.
/// Link keys `beside.noise` and `beside.KNOB`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Beside {
    /// The second lane's input noise σ; `None`: the page's `noise`, as for the first.
    pub noise: Option<f64>,
    /// The second lane's knob values when it trains the same model as the first, in the
    /// model's table order; `None`: the same values as the first's.
    pub knobs: Option<Vec<f64>>,
}

/// `beside.noise`: read, clamped and explained like `noise`, in the same range.
pub const BESIDE_NOISE: Field = Field {
    key: "beside.noise",
    change: Change::Live,
    value: Value::Float {
        min: 0.0,
        max: 1.0,
        get: |p| p.beside.noise.unwrap_or(p.noise),
        set: |p, v| p.beside.noise = Some(v),
    },
    ui: ui(Own, "beside-noise", "its input noise σ", "Input noise of the second model; empty = as the first's."),
};

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
            data: Dataset::Photos,
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
            beside: Beside::default(),
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
    /// One of `words` (lower case; `labels` for menus); `get`/`set` use the index into `words`.
    Word {
        words: &'static [&'static str],
        labels: &'static [&'static str],
        get: fn(&Params) -> usize,
        set: fn(&mut Params, usize),
    },
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
    /// How the form and the native trainer show it.
    pub ui: Ui,
}

/// Where a setting's control sits in the page (the form builds [`Place::Live`],
/// [`Place::Shape`] and [`Place::Speed`] fields from the table; the others have controls of
/// their own: sliders, the data menu, or none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// "Live: act on the next step".
    Live,
    /// "Shape: changing these restarts training".
    Shape,
    /// "Speed".
    Speed,
    /// A control written by hand (the ρ and β sliders, the data menu, the speed slider).
    Own,
    /// Not in the form (it is part of the link only).
    Link,
}

/// Which models read a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every model (shape, data, weight decay, noise, pacing).
    All,
    /// The sparse autoencoder only (its sparsity, output and update rule); other models
    /// have knobs of their own. The page hides these while no sparse autoencoder trains.
    Sae,
}

/// How a setting is shown: its control's id (also its `hide=` name and its option on the
/// native trainer's command line, `--optimizer`), its label, a sentence of help, and where
/// it sits.
#[derive(Clone, Copy, Debug)]
pub struct Ui {
    /// The control's id, its name in `hide=`, and its command-line option.
    pub name: &'static str,
    /// Its label in the form.
    pub label: &'static str,
    /// One sentence on what it does (the control's tooltip and the CLI's help).
    pub help: &'static str,
    /// Where its control is.
    pub place: Place,
    /// Which models read it.
    pub scope: Scope,
    /// An option of the native trainer (`sae-train train --NAME`).
    pub cli: bool,
    /// The number field's `step` ("any" for real numbers).
    pub step: &'static str,
}

/// The [`Ui`] of a setting: place, name, label, help.
const fn ui(place: Place, name: &'static str, label: &'static str, help: &'static str) -> Ui {
    let cli = matches!(place, Place::Live | Place::Shape);
    Ui { name, label, help, place, scope: Scope::All, cli, step: "any" }
}

impl Ui {
    /// Read by the sparse autoencoder only.
    const fn sae(self) -> Ui {
        Ui { scope: Scope::Sae, ..self }
    }

    /// With the number field's `step`.
    const fn step(self, step: &'static str) -> Ui {
        Ui { step, ..self }
    }

    /// An option of the native trainer even though the form has its own control for it.
    const fn cli(self) -> Ui {
        Ui { cli: true, ..self }
    }
}

impl Word for Layout {
    const ALL: &'static [Self] = &[Layout::Normal, Layout::Present];
    const WORDS: &'static [&'static str] = &["normal", "present"];
    const LABELS: &'static [&'static str] = &["normal", "presentation"];
}

/// A table entry for a whole-number field.
macro_rules! int {
    ($key:literal, $change:ident, $min:expr, $max:expr, $f:ident: $t:ty, $ui:expr) => {
        Field {
            key: $key,
            change: Change::$change,
            value: Value::Int { min: $min, max: $max, get: |p| p.$f as u64, set: |p, v| p.$f = v as $t },
            ui: $ui,
        }
    };
}

/// A table entry for a real-valued field.
macro_rules! float {
    ($key:literal, $change:ident, $min:expr, $max:expr, $f:ident, $ui:expr) => {
        Field {
            key: $key,
            change: Change::$change,
            value: Value::Float { min: $min, max: $max, get: |p| p.$f, set: |p, v| p.$f = v },
            ui: $ui,
        }
    };
}

/// A table entry for an enum field: its words and labels are the enum's [`Word`] impl.
macro_rules! word {
    ($key:literal, $change:ident, $t:ty, $f:ident, $ui:expr) => {
        Field {
            key: $key,
            change: Change::$change,
            value: Value::Word {
                words: <$t as Word>::WORDS,
                labels: <$t as Word>::LABELS,
                get: |p| p.$f.index(),
                set: |p, i| p.$f = <$t as Word>::ALL[i],
            },
            ui: $ui,
        }
    };
}

use Place::{Link, Live, Own, Shape, Speed};

/// Every shareable setting, in link order. All maxima fit a 32-bit `usize` (wasm32).
#[rustfmt::skip]
pub const FIELDS: &[Field] = &[
    int!("hidden", Rebuild, 2, 400, hidden: usize,
        ui(Shape, "hidden", "hidden units", "Hidden units h: one filter each.").step("1")),
    int!("patch", Rebuild, 4, 16, patch: usize,
        ui(Shape, "patch", "patch size", "Patch side p in pixels (inputs n = p²).").step("1")),
    int!("batch", Rebuild, 16, 2048, batch: usize,
        ui(Shape, "batch", "batch size", "Patches per minibatch step.").step("16")),
    int!("seed", Rebuild, 0, 4_294_967_295, seed: u64,
        ui(Shape, "seed", "random seed", "Seed of the initial weights and the patch stream.").step("1")),
    word!("data", Rebuild, Dataset, data,
        ui(Own, "data", "data", "The pictures the patches are cut from.")),
    word!("whiten", Rebuild, bool, whiten,
        ui(Own, "whiten", "whiten", "Flatten the 1/f spectrum of photographs (Olshausen & Field).")),
    word!("output", Rebuild, Output, output,
        ui(Shape, "output", "output activation", "The decoder's output activation.").sae()),
    word!("opt", Live, OptimizerKind, optimizer,
        ui(Live, "optimizer", "optimiser", "Update rule of the minibatch steps.").sae()),
    word!("penalty", Live, Penalty, penalty,
        ui(Live, "penalty", "sparsity penalty", "Which sparsity penalty is added to the cost.").sae()),
    float!("rho", Live, 0.001, 0.5, rho,
        ui(Own, "rho", "ρ", "Sparsity target ρ (KL penalty).").sae().cli()),
    float!("beta", Live, 0.0, 10.0, beta,
        ui(Own, "beta", "β", "Weight β of the KL penalty.").sae().cli()),
    float!("l1", Live, 0.0, 10.0, l1,
        ui(Live, "l1", "L1 weight", "Weight of the L1 activation penalty.").sae()),
    float!("lambda", Live, 0.0, 0.1, lambda,
        ui(Live, "lambda", "λ (weight decay)", "Weight decay λ (the sparse, contractive and variational autoencoders).")),
    float!("lr", Live, 1e-5, 1.0, lr,
        ui(Live, "lr", "learning rate", "Learning rate (the other models have an lr knob of their own).").sae()),
    float!("noise", Live, 0.0, 1.0, noise,
        ui(Live, "noise", "input noise σ (denoising)", "Standard deviation of Gaussian input noise; 0 = none.").step("0.05")),
    int!("stop", Live, 0, 1_000_000_000, stop_after: u64,
        ui(Speed, "stop", "stop after (steps, 0 = never)", "Pause after this many steps.").step("100")),
    float!("step_ms", Live, 0.0, 2000.0, step_ms,
        ui(Own, "speed", "speed", "Milliseconds between steps; 0 = as fast as the frame allows.")),
    Field {
        key: "hide",
        change: Change::Live,
        value: Value::Names { allowed: HIDEABLE, get: |p| &p.hide, set: |p, v| p.hide = v },
        ui: ui(Link, "hide", "hidden controls", "Controls and panels the link hides."),
    },
    word!("layout", Live, Layout, layout,
        ui(Link, "layout", "layout", "Normal or presentation layout.")),
];

/// The fields whose control sits in `place`, in table order.
pub fn fields_in(place: Place) -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(move |f| f.ui.place == place)
}

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
        let knobs = if self.knobs != old.knobs || self.beside != old.beside { Change::Live } else { Change::None };
        fields.max(models).max(knobs)
    }

    /// The lanes these settings train: each model with its knob values (the second with
    /// what [`Params::beside`] gives it).
    pub fn lanes(&self) -> Vec<LaneConfig> {
        self.models
            .iter()
            .enumerate()
            .filter_map(|(lane, key)| {
                let i = MODELS.iter().position(|m| m.key == *key)?;
                let mut config = LaneConfig { spec: &MODELS[i], knobs: self.knobs[i].clone(), noise: None };
                if lane == 1 {
                    config.noise = self.beside.noise;
                    if let (true, Some(knobs)) = (self.twin(), &self.beside.knobs) {
                        config.knobs.clone_from(knobs);
                    }
                }
                Some(config)
            })
            .collect()
    }

    /// Each lane's name for its panel: the model's name, with what sets it apart from the
    /// other lane when that is not the model ("TopK autoencoder, AuxK off"; "…, input noise
    /// σ = 0.3").
    pub fn lane_names(&self) -> Vec<String> {
        let lanes = self.lanes();
        let noise = |l: &LaneConfig| l.noise.unwrap_or(self.noise);
        lanes
            .iter()
            .enumerate()
            .map(|(i, lane)| {
                let mut name = lane.spec.name.to_string();
                let Some(other) = lanes.get(1 - i.min(1)).filter(|_| lanes.len() == 2) else { return name };
                if other.spec.key == lane.spec.key {
                    for ((k, v), w) in lane.spec.knobs.iter().zip(&lane.knobs).zip(&other.knobs) {
                        if v != w {
                            let value = match k.kind {
                                KnobKind::Switch if *v == 0.0 => "off".to_string(),
                                KnobKind::Switch => "on".to_string(),
                                _ => format!("= {v}"),
                            };
                            name += &format!(", {} {value}", k.label);
                        }
                    }
                }
                if noise(lane) != noise(other) {
                    name += &match noise(lane) {
                        0.0 => ", clean input".to_string(),
                        sigma => format!(", input noise σ = {sigma}"),
                    };
                }
                name
            })
            .collect()
    }

    /// Both lanes train the same model (then the second may have knobs of its own).
    pub fn twin(&self) -> bool {
        self.models.len() == 2 && self.models[0] == self.models[1]
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
        if self.beside.noise.is_some() {
            BESIDE_NOISE.out_of_range(self).map_or(Ok(()), Err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;
