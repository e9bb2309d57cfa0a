//! Ready-made experiments: each changes one idea from UFLDL's classic setting and says in
//! one line what to look for. They set only the experiment. The page keeps the user's hide
//! list, layout, speed and stop point when one is picked.

use super::params::Params;
use crate::data::Dataset;
use crate::model::Penalty;

/// One ready-made experiment.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// Stable identifier (the menu's option value; may appear in links and tests).
    pub id: &'static str,
    /// Menu label.
    pub name: &'static str,
    /// One line: what the experiment shows.
    pub what_it_shows: &'static str,
    /// Its settings.
    pub params: fn() -> Params,
}

/// Every preset, UFLDL's classic first.
pub fn presets() -> &'static [Preset] {
    PRESETS
}

// The claims below were measured after 3,000 and 10,000 steps on the built-in image (seed 1).
// `what_each_preset_shows_is_true` checks the 3,000-step ones; tests/datasets.rs the bars.
const PRESETS: &[Preset] = &[
    Preset {
        id: "ufldl",
        name: "UFLDL classic",
        what_it_shows: "The textbook run (25 units, ρ = 0.01, β = 3): the filters become small oriented edges, \
                        like V1 simple cells (about half after 3,000 steps, two thirds after 10,000).",
        params: Params::default,
    },
    Preset {
        id: "no-sparsity",
        name: "No sparsity (β = 0)",
        what_it_shows: "Without the sparsity penalty every unit fires half the time: reconstruction is better, \
                        but the filters stay spread-out mixtures and no edges form.",
        params: || Params { beta: 0.0, ..Params::default() },
    },
    Preset {
        id: "too-dense",
        name: "Dense target (ρ = 0.3)",
        what_it_shows: "A target of 30 % activity is hardly sparse: the units do fire 30 % of the time, \
                        and the filters stay blurry mixtures instead of local edges.",
        params: || Params { rho: 0.3, ..Params::default() },
    },
    Preset {
        id: "overcomplete",
        name: "Overcomplete (100 units)",
        what_it_shows: "More hidden units (100) than pixels (64): sparsity still makes edges, more of them \
                        (over 40 after 10,000 steps), but they take longer to form than with 25 units.",
        params: || Params { hidden: 100, ..Params::default() },
    },
    Preset {
        id: "denoising",
        name: "Denoising (noise 0.3)",
        what_it_shows: "Each input is corrupted with noise (σ = 0.3) and the net must rebuild the clean patch: \
                        with the sparsity penalty kept, edges still form, only a little more slowly.",
        params: || Params { noise: 0.3, ..Params::default() },
    },
    Preset {
        id: "l1",
        name: "L1 penalty (no target rate)",
        what_it_shows: "A fixed price on every activation instead of a target rate: activity falls to about 3 %, \
                        but by switching most units off, not by making each fire rarely, so no edges form.",
        params: || Params { penalty: Penalty::L1, l1: L1_WEIGHT, ..Params::default() },
    },
    Preset {
        id: "bars",
        name: "Bars (Földiák)",
        what_it_shows: "Images made of random horizontal and vertical bars, with ρ = 0.1 (a bar is present 1 time \
                        in 8): the units become single-bar detectors, about 16 of 25 after 3,000 steps, \
                        covering nearly all 16 bars.",
        params: || Params { data: Dataset::Bars, rho: 0.1, ..Params::default() },
    },
    Preset {
        id: "noise",
        name: "White noise (control)",
        what_it_shows: "The same training on pure noise: there is no structure to find, so the filters stay \
                        unstructured and no edges form. If they did, the edge indicator would be fooling us.",
        params: || Params { data: Dataset::Noise, ..Params::default() },
    },
    Preset {
        id: "sae-vs-sparse-coding",
        name: "Sparse autoencoder vs sparse coding",
        what_it_shows: "Olshausen & Field's sparse coding beside the autoencoder on the same patches: its codes are \
                        found by optimisation (FISTA), and nearly all its atoms are edges within a few hundred steps, \
                        long before the autoencoder's.",
        params: || Params { models: vec!["sae", "sparse-coding"], ..Params::default() },
    },
    Preset {
        id: "topk-vs-relu-l1",
        name: "TopK (k = 4) vs ReLU + L1",
        what_it_shows: "Two ways modern interpretability work makes codes sparse: keep exactly k = 4 units, or price \
                        every activation (L1). Both give edges in about a thousand steps; TopK sets L0 directly.",
        params: || Params { models: vec!["topk", "relu-l1"], ..Params::default() },
    },
    Preset {
        id: "contractive",
        name: "Contractive vs sparse autoencoder",
        what_it_shows: "Penalising how much the code moves with the input (‖∂h/∂x‖²) makes a robust code, not a \
                        sparse one: measured here, no setting gives edges; from λ_J ≈ 1 the units saturate.",
        params: || Params { models: vec!["contractive", "sae"], ..Params::default() },
    },
];

/// The L1 preset's weight. L1 on sigmoid activations gave no edges at any weight tried:
/// edge share ≤ 0.08 after 3,000 steps. The weights tried were 0.0003–3 with λ = 1e-4, and
/// also with λ = 0, a linear output, 100 units, SGD, batch 1024, input noise, and 10,000
/// steps. Up to about 0.006, units stay dense (mean activity 0.15–0.5). Around 0.01, most
/// units switch off. From 0.012 up, every unit is off. 0.01 shows the contrast with a target
/// rate most clearly: 2 of 25 units stay active, with mean activity 0.03.
const L1_WEIGHT: f64 = 0.01;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{from_hash, to_hash};

    #[test]
    fn ids_are_unique_and_every_preset_is_in_range() {
        let mut ids: Vec<_> = presets().iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), presets().len());
        for pr in presets() {
            let p = (pr.params)();
            assert_eq!(from_hash(&to_hash(&p)), (p.clone(), vec![]), "{}", pr.id);
            assert!(p.hyper().validate().is_ok(), "{}", pr.id);
            assert!(!pr.name.is_empty() && !pr.what_it_shows.contains('\n'), "{}", pr.id);
        }
        for id in ["ufldl", "no-sparsity", "too-dense", "overcomplete", "denoising", "l1", "bars", "noise"] {
            assert!(presets().iter().any(|p| p.id == id), "{id}");
        }
        assert_eq!((presets()[0].params)(), Params::default());
    }

    /// After 3,000 steps of `p` on its built-in image: (share of edge-like filters, units
    /// with mean activity above 0.002, mean activity).
    fn train(p: &Params) -> (f32, usize, f32) {
        let hyper = p.hyper().validate().unwrap();
        let images = p.data.builtin(1, p.whiten).unwrap();
        let mut t = crate::train::Trainer::new(p.setup(), hyper, images).unwrap();
        for _ in 0..3000 {
            t.step().unwrap();
        }
        let rho_hat = t.last_batch().1.column_mean();
        let alive = rho_hat.iter().filter(|&&r| r > 0.002).count();
        (crate::model::edges::edge_share(&t.model().filters(), p.patch), alive, rho_hat.mean())
    }

    /// The one-liners' claims, measured (about 15 s natively).
    #[test]
    #[ignore = "trains every preset for 3,000 steps; run with --ignored --nocapture"]
    fn what_each_preset_shows_is_true() {
        for pr in presets() {
            let (edges, alive, act) = train(&(pr.params)());
            println!("{:13} edge share {edges:.2}, {alive:3} units alive, mean activity {act:.3}", pr.id);
            let ok = match pr.id {
                "ufldl" => edges >= 0.3,
                "no-sparsity" | "too-dense" => edges < 0.1 && act > 0.25,
                "overcomplete" | "denoising" => edges >= 0.15,
                "l1" => edges < 0.1 && alive <= 5 && act < 0.05,
                "noise" => edges < 0.1,
                _ => true,
            };
            assert!(ok, "{}: the one-liner's claim does not hold", pr.id);
        }
    }
}
