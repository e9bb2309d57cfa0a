//! The page's shareable state: its settings, the link that carries them, ready-made
//! experiments, and the saved-model file. Pure: no browser types, tested natively.
//!
//! - [`params`]: [`Params`], every setting, and [`FIELDS`], the one table that describes
//!   each (link key, live or rebuild, range), as in TensorFlow Playground's `state.ts`.
//! - [`hash`]: [`to_hash`] / [`from_hash`], the `#hidden=25&patch=8&…` link. Reading never
//!   fails: out-of-range values are clamped and bad or unknown entries are skipped, each with
//!   a notice. [`hash::set_knob`] reads one `model.knob=value` entry the same way but
//!   refuses what a link would clamp (the native trainer's `--set`).
//! - [`mod@presets`]: named experiments, each with one line on what it shows.
//! - [`saved`]: [`save`] / [`load`], the JSON model file (settings, steps, weights). Loading
//!   checks everything and says in a sentence what was wrong.

pub mod hash;
pub mod params;
pub mod presets;
pub mod saved;

pub use hash::{from_hash, to_hash};
pub use params::{Change, Field, Layout, Params, Value, FIELDS, HIDEABLE};
pub use presets::{presets, Preset};
pub use saved::{load, save, LoadError, SavedModel};
