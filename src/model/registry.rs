//! Every model of the family, one line each. A model's file provides its [`ModelSpec`]; the
//! page's model menu, the link's `models=` keys, the saved file, the CLI's `--model` and the
//! registry gradient-check test all read this list.

pub use super::spec::{Build, ModelSpec, Shape};

/// The family, in menu order. The first is the default.
pub const MODELS: &[ModelSpec] = &[
    super::sparse_ae::SPEC,
    super::sparse_coding::SPEC,
    super::relu_l1::SPEC,
    super::topk::SPEC,
    super::contractive::SPEC,
    super::vae::SPEC,
    super::stacked::SPEC,
    super::conv::SPEC,
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
