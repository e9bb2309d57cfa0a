//! Every model of the family, one line each. A model's file provides its [`ModelSpec`]; the
//! page's model menu, the link's `models=` keys, the saved file, the CLI's `--model` and the
//! registry gradient-check test all read this list.

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

/// The family, in menu order. The first is the default.
pub const MODELS: &[ModelSpec] = &[
    super::sparse_ae::SPEC,
    super::sparse_coding::SPEC,
    super::relu_l1::SPEC,
    super::topk::SPEC,
    super::contractive::SPEC,
];

/// The registry entry for `key`.
pub fn spec(key: &str) -> Option<&'static ModelSpec> {
    MODELS.iter().find(|m| m.key == key)
}

/// The default model (the sparse autoencoder).
pub fn default_spec() -> &'static ModelSpec {
    &MODELS[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_knob_defaults_are_in_range() {
        for (i, m) in MODELS.iter().enumerate() {
            assert!(MODELS[..i].iter().all(|o| o.key != m.key), "duplicate key {}", m.key);
            for k in m.knobs {
                assert!(k.min <= k.default && k.default <= k.max, "{}.{} default out of range", m.key, k.key);
                assert!(!k.key.contains(['.', '&', '=']), "{}.{}: key must be link-safe", m.key, k.key);
            }
        }
        assert_eq!(default_spec().key, "sae");
    }
}
