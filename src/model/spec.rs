//! What a model declares about itself: its [`ModelSpec`] (key, name, knobs, optimiser, how to
//! build it, its gradient check). Each model's file defines one; [`super::registry`] lists them.

use rand_pcg::Pcg32;

use super::family::Model;
use super::hyper::{OptimizerKind, Output};
use super::knob::Knob;

/// What fixes a model's shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    /// Inputs n = p².
    pub inputs: usize,
    /// Units h.
    pub hidden: usize,
    /// The sparse autoencoder's output activation (the other models ignore it).
    pub output: Output,
}

/// Builds a fresh f32 model of a shape, with its knob values, from a seeded generator.
pub type Build = fn(&Shape, &[f64], &mut Pcg32) -> Box<dyn Model<f32>>;

/// A model's entry in the registry.
#[derive(Clone, Copy)]
pub struct ModelSpec {
    /// Its key in links, saved files and the CLI ("sparse-coding").
    pub key: &'static str,
    /// Its name in the page ("Sparse coding").
    pub name: &'static str,
    /// One line on what it is, for the menu's tooltip and the CLI's help.
    pub about: &'static str,
    /// Its cost, as a formula in one line of plain text (shown beside its filters).
    pub cost: &'static str,
    /// What it learns from whitened natural patches here, as measured by its edge test: the
    /// page shows it beside the filters.
    pub lesson: &'static str,
    /// Its own knobs (the link writes them as `key.knob=value`).
    pub knobs: &'static [Knob],
    /// The update rule it trains with by default (sparse coding's dictionary wants SGD).
    pub optimizer: OptimizerKind,
    /// A fresh model with seeded initial weights; `knobs` in the order of [`ModelSpec::knobs`].
    pub build: Build,
    /// The gradient check in f64 on small nets: (case, relative difference) for each case.
    pub gradcheck: fn() -> Vec<(&'static str, f64)>,
}

impl std::fmt::Debug for ModelSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSpec").field("key", &self.key).finish_non_exhaustive()
    }
}
