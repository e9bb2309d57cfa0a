//! The saved-model file: JSON with the settings, the step count and the weights.
//!
//! ```text
//! {
//!   "format": "sae-lab-model",
//!   "version": 2,
//!   "model": "sae",
//!   "settings": "hidden=25&patch=8&batch=256&…&layout=normal",
//!   "steps": 3000,
//!   "layout": "each block is listed column by column; …",
//!   "blocks": { "w1": [0.0123, -0.0456, …], "b1": […], "w2": […], "b2": […] },
//!   "filters": [[…p² numbers…], …]
//! }
//! ```
//!
//! `"model"` is a key of [`crate::model::MODELS`]; `"blocks"` holds that model's θ block by
//! block under the names of its [`crate::model::Layout`]. `"filters"` is written for other
//! tools and ignored on loading: one list of p² numbers per unit, row-major (pixel (x, y) at
//! y·p + x), what the page draws. Version 1 files (the sparse autoencoder's `w1`, `b1`,
//! `w2`, `b2` at the top level, no `"model"`) still load, as `sae`.
//!
//! The settings are stored as the page's link ([`super::to_hash`]): one readable line that
//! is parsed by the same code as a link. A loaded file is not clamped, though: a setting
//! out of range or malformed is an error, because it means a damaged or foreign file.
//! Unknown keys and `hide` names are skipped, since they change nothing here.
//!
//! The matrices are flat lists in column-major order, which is how nalgebra stores them:
//! `w1[i + j·h]` is W1 row i (hidden unit i), column j (input pixel j), with h = hidden
//! units; in `w2[i + j·n]`, i is the input pixel and j the hidden unit, with n = patch².
//! Each `f32` is written as the shortest decimal that reads back as the same bits.
//! serde_json reads it through f64 (its `float_roundtrip` feature is off); a one-off run over
//! all 2^32 bit patterns found that every finite f32 still comes back bit for bit, and the
//! property test here re-checks a random sample. A NaN would be written as `null`, and
//! loading rejects it. The `"layout"` entry is for human readers; loading ignores it, like
//! any other unknown key.
//!
//! [`load`] checks in a fixed order and stops at the first problem: size (before parsing),
//! JSON, format and version, settings, shapes, then finiteness.

use std::fmt;

use rand::SeedableRng;
use rand_pcg::Pcg32;
use serde_json::{Map, Value};

use super::hash::{parse, to_hash};
use super::params::Params;
use crate::model::registry::{self, ModelSpec, Shape};
use crate::model::Model;

/// The `"format"` of every sae-lab model file.
pub const FORMAT: &str = "sae-lab-model";
/// The format version this code writes and the newest it reads.
pub const VERSION: u32 = 2;
/// The largest file [`load`] accepts, in bytes (16 MiB). The largest model the settings
/// allow (400 units on 16×16 patches) is about 3 MB.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

const LAYOUT_NOTE: &str = "each block is a matrix listed column by column (entry [i + j*rows] is row i, column j); \
                           for the sparse autoencoder w1 is hidden x inputs (row i = unit i's filter) and w2 is \
                           inputs x hidden, inputs = patch^2; filters holds one row-major patch per unit";

/// The block names of a version-1 file (the sparse autoencoder's, in θ order).
const V1_BLOCKS: [&str; 4] = ["w1", "b1", "w2", "b2"];

/// The contents of a model file.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedModel {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version ([`VERSION`], or 1 for an old file).
    pub version: u32,
    /// The model's registry key.
    pub model: &'static str,
    /// The settings the model was trained with (stored as the link string).
    pub params: Params,
    /// Training steps done.
    pub steps: u64,
    /// θ block by block, in the model's layout order: (name, column-major values).
    pub blocks: Vec<(&'static str, Vec<f32>)>,
}

/// Why a file could not be loaded. Its `Display` is a sentence for the page.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// Bigger than [`MAX_BYTES`].
    TooLarge {
        /// The file's size.
        bytes: usize,
    },
    /// Not valid JSON (serde_json's description, with line and column).
    NotJson(String),
    /// A number beyond any floating-point range, such as 1e999 (where it is).
    NumberTooLarge(String),
    /// No `"format": "sae-lab-model"`.
    NotModel,
    /// A `"version"` newer than [`VERSION`].
    TooNew(u64),
    /// A `"version"` that is missing or not a positive whole number.
    BadVersion,
    /// A required entry is missing or has the wrong type (entry name, what it should be).
    Entry(&'static str, &'static str),
    /// The settings are out of range or malformed (what was wrong).
    Settings(String),
    /// A weight list has the wrong length (name, numbers found, numbers needed, why).
    Shape {
        /// The block's name ("w1", "dict", …).
        name: &'static str,
        /// Numbers in the file.
        got: usize,
        /// Numbers the settings need.
        want: usize,
        /// Where `want` comes from ("25 hidden units × 64 inputs").
        why: String,
    },
    /// A weight list holds NaN, infinity (`null`, or a value beyond f32's range).
    NonFinite(&'static str),
    /// `"model"` names a model this page does not have.
    UnknownModel(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::TooLarge { bytes } => write!(
                f,
                "The file is {}; the largest model sae-lab loads is {}.",
                megabytes(*bytes),
                megabytes(MAX_BYTES)
            ),
            LoadError::NotJson(e) => write!(f, "The file is not JSON ({e})."),
            LoadError::NumberTooLarge(e) => write!(f, "The file holds a number too large to use ({e})."),
            LoadError::NotModel => write!(f, "This is not an sae-lab model file (no \"format\": \"{FORMAT}\")."),
            LoadError::TooNew(v) => {
                write!(f, "Version {v} of the model format is newer than this page understands ({VERSION}).")
            }
            LoadError::BadVersion => write!(f, "The model file has no valid \"version\" (a whole number from 1)."),
            LoadError::Entry(name, what) => write!(f, "The model file's \"{name}\" is missing or is not {what}."),
            LoadError::Settings(e) => write!(f, "The model's settings are not valid: {e}."),
            LoadError::Shape { name, got, want, why } => {
                write!(f, "The weights do not fit the settings: {name} has {got} numbers but {why} need {want}.")
            }
            LoadError::UnknownModel(key) => {
                let known: Vec<&str> = crate::model::MODELS.iter().map(|m| m.key).collect();
                write!(
                    f,
                    "The file holds a model called \"{key}\", which this page does not have ({}).",
                    known.join(", ")
                )
            }
            LoadError::NonFinite(name) => {
                write!(f, "The model contains a non-finite number (NaN or infinity) in {name}.")
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// "17 MB", "16.5 MB" (1 MB = 2^20 bytes here, as file dialogs count).
fn megabytes(bytes: usize) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    let s = format!("{mb:.1}");
    format!("{} MB", s.strip_suffix(".0").unwrap_or(&s))
}

impl SavedModel {
    /// The file contents for `model` trained `steps` steps with `params`.
    pub fn new(params: &Params, steps: u64, model: &dyn Model<f32>) -> Self {
        let layout = model.layout();
        let blocks = layout
            .blocks()
            .iter()
            .enumerate()
            .map(|(i, b)| (b.name, model.theta()[layout.range(i)].to_vec()))
            .collect();
        let mut params = params.clone();
        // the file holds one model: its settings name that one alone, so loading it never
        // builds a second lane with untrained weights
        params.models = vec![registry::spec(model.key()).map_or(registry::default_spec().key, |s| s.key)];
        SavedModel { format: FORMAT.into(), version: VERSION, model: model.key(), params, steps, blocks }
    }

    /// The file text: one entry per line, each weight list on one line; `filters` are the
    /// model's (computed by the caller, who has the model: see [`save`]).
    pub fn to_json(&self, filters: &[Vec<f32>]) -> String {
        let mut lines = vec![
            format!("\"format\": {}", json(&self.format)),
            format!("\"version\": {}", self.version),
            format!("\"model\": {}", json(self.model)),
            format!("\"settings\": {}", json(&to_hash(&self.params))),
            format!("\"steps\": {}", self.steps),
            format!("\"layout\": {}", json(&LAYOUT_NOTE)),
        ];
        let blocks: Vec<String> =
            self.blocks.iter().map(|(name, v)| format!("    {}: {}", json(name), json(v))).collect();
        lines.push(format!("\"blocks\": {{\n{}\n  }}", blocks.join(",\n")));
        let rows: Vec<String> = filters.iter().map(|f| format!("    {}", json(f))).collect();
        lines.push(format!("\"filters\": [\n{}\n  ]", rows.join(",\n")));
        format!("{{\n  {}\n}}\n", lines.join(",\n  "))
    }

    /// Reads and checks a file (every check of [`load`] but building the network).
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        if text.len() > MAX_BYTES {
            return Err(LoadError::TooLarge { bytes: text.len() });
        }
        let root: Value = serde_json::from_str(text).map_err(|e| {
            let e = e.to_string();
            if e.starts_with("number out of range") {
                LoadError::NumberTooLarge(e)
            } else {
                LoadError::NotJson(e)
            }
        })?;
        let Value::Object(obj) = root else { return Err(LoadError::NotModel) };
        if obj.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(LoadError::NotModel);
        }
        let version = match obj.get("version").and_then(Value::as_u64) {
            Some(v) if v > u64::from(VERSION) => return Err(LoadError::TooNew(v)),
            Some(v) if v >= 1 => v as u32,
            _ => return Err(LoadError::BadVersion),
        };
        let spec: &'static ModelSpec = if version == 1 {
            registry::default_spec()
        } else {
            let key = obj.get("model").and_then(Value::as_str).ok_or(LoadError::Entry("model", "text"))?;
            registry::spec(key).ok_or_else(|| LoadError::UnknownModel(key.chars().take(40).collect()))?
        };
        let settings = obj.get("settings").and_then(Value::as_str).ok_or(LoadError::Entry("settings", "text"))?;
        let (mut params, problems) = parse(settings);
        // unknown keys and hide names (from a newer page, say) change nothing: skip them
        if let Some(problem) = problems.iter().find(|p| p.instead.is_some()) {
            return Err(LoadError::Settings(problem.what.clone()));
        }
        params.models = vec![spec.key];
        let steps = obj.get("steps").and_then(Value::as_u64).ok_or(LoadError::Entry("steps", "a whole number"))?;
        // v1 keeps the blocks at the top level; v2 under "blocks"
        let holder = if version == 1 {
            &obj
        } else {
            obj.get("blocks").and_then(Value::as_object).ok_or(LoadError::Entry("blocks", "an object of lists"))?
        };
        let empty = empty_model(spec, &params);
        let layout = empty.layout();
        let mut lists = Vec::with_capacity(layout.blocks().len());
        for b in layout.blocks() {
            lists.push((b.name, weights(holder, b.name)?));
        }
        for ((name, list), b) in lists.iter().zip(layout.blocks()) {
            if list.len() != b.len() {
                let why = block_shape(b.rows, b.cols, &params);
                return Err(LoadError::Shape { name, got: list.len(), want: b.len(), why });
            }
        }
        let mut blocks = Vec::with_capacity(lists.len());
        for (name, list) in lists {
            blocks.push((name, finite(list, name)?));
        }
        debug_assert!(version > 1 || blocks.iter().map(|b| b.0).eq(V1_BLOCKS));
        Ok(SavedModel { format: FORMAT.into(), version, model: spec.key, params, steps, blocks })
    }

    /// The settings, step count and model this file describes.
    pub fn into_model(self) -> Loaded {
        let spec = registry::spec(self.model).expect("from_json accepts only registered models");
        let mut model = empty_model(spec, &self.params);
        let theta: Vec<f32> = self.blocks.into_iter().flat_map(|(_, v)| v).collect();
        model.theta_mut().copy_from_slice(&theta);
        (self.params, self.steps, model)
    }
}

/// A model of `spec` shaped by `params` (its weights are overwritten by the caller).
fn empty_model(spec: &ModelSpec, params: &Params) -> Box<dyn Model<f32>> {
    let shape = Shape { inputs: params.patch * params.patch, hidden: params.hidden, output: params.output };
    (spec.build)(&shape, params.knobs_of(spec.key), &mut Pcg32::seed_from_u64(0))
}

/// Where a block's size comes from, for the shape error ("25 hidden units × 64 inputs").
fn block_shape(rows: usize, cols: usize, p: &Params) -> String {
    let (h, n) = (p.hidden, p.patch * p.patch);
    let name = |d: usize| {
        if d == h {
            format!("{h} hidden units")
        } else if d == n {
            format!("{n} inputs")
        } else {
            format!("{d}")
        }
    };
    if cols == 1 {
        name(rows)
    } else {
        format!("{} × {}", name(rows), name(cols))
    }
}

/// The JSON text of a value (serde_json writes each f32 as its shortest round-trip decimal,
/// and NaN or infinity as `null`).
fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).expect("strings and lists of numbers always serialise")
}

/// The list `name` of `obj`, as JSON values (numbers or nulls).
fn weights<'a>(obj: &'a Map<String, Value>, name: &'static str) -> Result<&'a [Value], LoadError> {
    let what = "a list of numbers";
    let list = obj.get(name).and_then(Value::as_array).ok_or(LoadError::Entry(name, what))?;
    if list.iter().any(|v| !(v.is_number() || v.is_null())) {
        return Err(LoadError::Entry(name, what));
    }
    Ok(list)
}

/// The list as f32, or an error if any entry is null (NaN) or beyond f32's range.
fn finite(list: &[Value], name: &'static str) -> Result<Vec<f32>, LoadError> {
    list.iter()
        .map(|v| v.as_f64().map(|x| x as f32).filter(|x| x.is_finite()).ok_or(LoadError::NonFinite(name)))
        .collect()
}

/// The model file for `model` trained `steps` steps with `params` (see the module docs).
pub fn save(params: &Params, steps: u64, model: &dyn Model<f32>) -> String {
    let f = model.filters();
    let filters: Vec<Vec<f32>> = (0..f.nrows()).map(|j| f.row(j).iter().copied().collect()).collect();
    SavedModel::new(params, steps, model).to_json(&filters)
}

/// What a model file holds: its settings, its step count and the model.
pub type Loaded = (Params, u64, Box<dyn Model<f32>>);

/// The settings, step count and model in a model file, or what was wrong with it.
pub fn load(text: &str) -> Result<Loaded, LoadError> {
    SavedModel::from_json(text).map(SavedModel::into_model)
}

#[cfg(test)]
mod tests;
