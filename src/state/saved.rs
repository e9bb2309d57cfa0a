//! The saved-model file: JSON with the settings, the step count and the weights.
//!
//! ```text
//! {
//!   "format": "sae-lab-model",
//!   "version": 1,
//!   "settings": "hidden=25&patch=8&batch=256&…&layout=normal",
//!   "steps": 3000,
//!   "layout": "w1 is hidden × inputs and w2 is inputs × hidden, inputs = patch²; …",
//!   "w1": [0.0123, -0.0456, …],
//!   "b1": […],
//!   "w2": […],
//!   "b2": […]
//! }
//! ```
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

use nalgebra::{DMatrix, DVector};
use serde_json::{Map, Value};

use super::hash::{parse, to_hash};
use super::params::Params;
use crate::model::Sae;

/// The `"format"` of every sae-lab model file.
pub const FORMAT: &str = "sae-lab-model";
/// The format version this code writes and the newest it reads.
pub const VERSION: u32 = 1;
/// The largest file [`load`] accepts, in bytes (16 MiB). The largest model the settings
/// allow (400 units on 16×16 patches) is about 3 MB.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

const LAYOUT_NOTE: &str = "w1 is hidden x inputs and w2 is inputs x hidden, inputs = patch^2; each matrix is \
                           listed column by column (w1[i + j*hidden] is unit i's weight on pixel j)";

/// The contents of a model file.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedModel {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version ([`VERSION`]).
    pub version: u32,
    /// The settings the model was trained with (stored as the link string).
    pub params: Params,
    /// Training steps done.
    pub steps: u64,
    /// W1, hidden × inputs, column-major.
    pub w1: Vec<f32>,
    /// b1, one per hidden unit.
    pub b1: Vec<f32>,
    /// W2, inputs × hidden, column-major.
    pub w2: Vec<f32>,
    /// b2, one per input.
    pub b2: Vec<f32>,
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
        /// "w1", "b1", "w2" or "b2".
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
    /// The file contents for a model trained `steps` steps with `params`.
    pub fn new(params: &Params, steps: u64, sae: &Sae<f32>) -> Self {
        let [w1, b1, w2, b2] = sae.params().map(<[f32]>::to_vec);
        SavedModel { format: FORMAT.into(), version: VERSION, params: params.clone(), steps, w1, b1, w2, b2 }
    }

    /// The file text: one entry per line, each weight list on one line.
    pub fn to_json(&self) -> String {
        let mut lines = vec![
            format!("\"format\": {}", json(&self.format)),
            format!("\"version\": {}", self.version),
            format!("\"settings\": {}", json(&to_hash(&self.params))),
            format!("\"steps\": {}", self.steps),
            format!("\"layout\": {}", json(&LAYOUT_NOTE)),
        ];
        for (name, v) in [("w1", &self.w1), ("b1", &self.b1), ("w2", &self.w2), ("b2", &self.b2)] {
            lines.push(format!("\"{name}\": {}", json(v)));
        }
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
        let settings = obj.get("settings").and_then(Value::as_str).ok_or(LoadError::Entry("settings", "text"))?;
        let (params, problems) = parse(settings);
        // unknown keys and hide names (from a newer page, say) change nothing: skip them
        if let Some(problem) = problems.iter().find(|p| p.instead.is_some()) {
            return Err(LoadError::Settings(problem.what.clone()));
        }
        let steps = obj.get("steps").and_then(Value::as_u64).ok_or(LoadError::Entry("steps", "a whole number"))?;
        let lists = [weights(&obj, "w1")?, weights(&obj, "b1")?, weights(&obj, "w2")?, weights(&obj, "b2")?];
        let (h, n) = (params.hidden, params.patch * params.patch);
        let wants = [
            ("w1", h * n, format!("{h} hidden units × {n} inputs")),
            ("b1", h, format!("{h} hidden units")),
            ("w2", n * h, format!("{n} inputs × {h} hidden units")),
            ("b2", n, format!("{n} inputs")),
        ];
        for (list, (name, want, why)) in lists.iter().zip(wants) {
            if list.len() != want {
                return Err(LoadError::Shape { name, got: list.len(), want, why });
            }
        }
        let mut numbers = Vec::with_capacity(4);
        for (list, name) in lists.into_iter().zip(["w1", "b1", "w2", "b2"]) {
            numbers.push(finite(list, name)?);
        }
        let [w1, b1, w2, b2]: [Vec<f32>; 4] = numbers.try_into().expect("four lists");
        Ok(SavedModel { format: FORMAT.into(), version, params, steps, w1, b1, w2, b2 })
    }

    /// The settings, step count and network this file describes.
    pub fn into_model(self) -> (Params, u64, Sae<f32>) {
        let (h, n) = (self.params.hidden, self.params.patch * self.params.patch);
        let sae = Sae {
            w1: DMatrix::from_vec(h, n, self.w1),
            b1: DVector::from_vec(self.b1),
            w2: DMatrix::from_vec(n, h, self.w2),
            b2: DVector::from_vec(self.b2),
            output: self.params.output,
        };
        (self.params, self.steps, sae)
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

/// The model file for `sae` trained `steps` steps with `params` (see the module docs).
pub fn save(params: &Params, steps: u64, sae: &Sae<f32>) -> String {
    SavedModel::new(params, steps, sae).to_json()
}

/// The settings, step count and network in a model file, or what was wrong with it.
pub fn load(text: &str) -> Result<(Params, u64, Sae<f32>), LoadError> {
    SavedModel::from_json(text).map(SavedModel::into_model)
}

#[cfg(test)]
mod tests;
