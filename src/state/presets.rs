//! Ready-made experiments: each changes one idea from UFLDL's classic setting and says in
//! one line what to look for. They set only the experiment. The page keeps the user's hide
//! list, layout, speed and stop point when one is picked.

use super::params::{Beside, Params};
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

// The claims below were measured on the page's Trainer on the built-in pictures (seed 1), at
// the step counts they name. `what_each_preset_shows_is_true` checks every one of them.
const PRESETS: &[Preset] = &[
    Preset {
        id: "ufldl",
        name: "UFLDL classic",
        what_it_shows: "The textbook run (25 units, ρ = 0.01, β = 3) on the photographs: the filters become small \
                        oriented edges, like V1 simple cells (about 90 % after 3,000 steps, all of them by 10,000).",
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
        what_it_shows: "A fixed price on every activation instead of a target rate: activity falls to about 6 %, \
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
        id: "sparse-coding",
        name: "Sparse coding (Olshausen & Field 1996)",
        what_it_shows: "No encoder: each patch's code is found by optimisation (FISTA, 10 iterations), a dictionary \
                        of unit atoms learns by SGD. Nearly all of its 25 atoms are edges within a few hundred \
                        steps, about 3 of them in use per patch; the inference panel shows each code converge.",
        params: || Params { models: vec!["sparse-coding"], ..Params::default() },
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
                        sparse one: measured here, λ_J = 0.1 gives no edges, only blobs; from λ_J ≈ 1 the units saturate \
                        and the filters turn into broad ramps.",
        params: || Params { models: vec!["contractive", "sae"], ..Params::default() },
    },
    Preset {
        id: "topk-auxk",
        name: "TopK with and without AuxK (dead units)",
        what_it_shows: "100 units, each patch kept to its single strongest unit (k = 1), twice. Without AuxK \
                        (right) about half the units stop firing for good within 500 steps; with it (left) dead \
                        units must reconstruct what the live ones miss, so they all come back, and more of them \
                        become edges.",
        params: || {
            let mut p = Params { hidden: 100, models: vec!["topk", "topk"], ..Params::default() };
            let i = crate::model::registry::MODELS.iter().position(|m| m.key == "topk").expect("registered");
            p.knobs[i][crate::model::topk::KNOB_K] = 1.0;
            let mut without = p.knobs[i].clone();
            without[crate::model::topk::KNOB_AUXK] = 0.0;
            p.beside.knobs = Some(without);
            p
        },
    },
    Preset {
        id: "denoising-vs-contractive",
        name: "Denoising vs contractive",
        what_it_shows: "Two ways to a code that ignores small changes of its input: train on noisy patches (left, \
                        a plain denoising autoencoder, σ = 0.3) or penalise ‖∂h/∂x‖ on clean ones (right). Noise \
                        halves the code's Jacobian norm of a plain autoencoder (about 2.2 against 4.2), the \
                        contractive penalty cuts it to under 1; without a sparsity penalty neither forms edges (a few \
                        filters of each pass the edge test, far from the sparse models' share).",
        params: || Params {
            noise: 0.3,
            beta: 0.0,
            models: vec!["sae", "contractive"],
            beside: Beside { noise: Some(0.0), knobs: None },
            ..Params::default()
        },
    },
    Preset {
        id: "vae-digits",
        name: "VAE: the latent plane of digits",
        what_it_shows: "A variational autoencoder with 2 latents on the handwritten digits: the latent-space panel \
                        draws the decoder's picture over a grid of the plane and where the 797 test digits land. They \
                        group by digit (class centres about twice as far apart as a class's spread); the decoder is \
                        linear, so the pictures blend smoothly across the plane.",
        params: || Params { data: Dataset::Digits, whiten: false, hidden: 2, models: vec!["vae"], ..Params::default() },
    },
    Preset {
        id: "digits-features",
        name: "Features for a classifier (digits)",
        what_it_shows: "A sparse autoencoder with 100 units on the handwritten digits; press \"Classify the 797 test \
                        digits\": a linear classifier reads 93 % of them from the raw pixels, and after 3,000 steps \
                        about 87 % from the codes. Learned from the same 1,000 digits, the codes add nothing the \
                        pixels lack.",
        params: || Params { data: Dataset::Digits, whiten: false, hidden: 100, ..Params::default() },
    },
    Preset {
        id: "stacked",
        name: "Stacked: what layer 2 sees",
        what_it_shows: "Two sparse autoencoders stacked, 100 units each, on 12×12 patches of the photographs. Layer 1 \
                        trains first: by 6,000 steps about 80 of its filters are edges. Then set the stacked model's \
                        phase to 2 (the models' own knobs): layer 1 freezes and layer 2 learns to rebuild its codes, \
                        each tile now a layer-2 unit drawn as the sum of its strongest layer-1 filters. 3,000 steps \
                        later each mixes about 12 edges of all orientations, rarely one edge: not the contours and \
                        corners Lee et al. (2007) found.",
        params: || Params {
            models: vec!["stacked"],
            hidden: 100,
            patch: 12,
            data: Dataset::Photos,
            ..Params::default()
        },
    },
    Preset {
        id: "conv",
        name: "Convolutional: one set of kernels for the whole image",
        what_it_shows: "On the dead leaves, 25 kernels of 5×5, each slid over every position of the patch (a feature map), decoded by \
                        the same kernels; each map keeps only its largest value (winner-take-all). More than half \
                        of the kernels are edges within 1,000 steps, and the whole-image view rebuilds the \
                        picture in one pass, without patch seams.",
        // measured on dead leaves: on the photographs 7 of 25 are edges at 1,000 steps
        params: || Params { models: vec!["conv"], data: Dataset::Natural, ..Params::default() },
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

    /// What one lane shows at one checkpoint.
    #[derive(Debug)]
    struct Readout {
        /// Share and number of edge-like filters, and their mean localization.
        edges: f32,
        edge_count: usize,
        localization: f32,
        /// Mean code of each unit over the latest batch (ρ̂ for sigmoid units).
        rho_hat: Vec<f32>,
        /// Units with ρ̂ above 0.002, and the mean of ρ̂.
        alive: usize,
        activity: f32,
        /// Most nonzero codes in any patch of the latest batch, and the mean.
        max_l0: usize,
        mean_l0: f32,
        /// Share of codes below 0.05 or above 0.95 (saturated sigmoid units).
        saturated: f32,
        /// Single-bar detectors, and how many different bars they cover.
        bars: usize,
        bars_covered: usize,
        /// Lane 0's reconstruction error, mean over the 100 steps before the checkpoint.
        recon: f64,
        /// The model's own diagnostics on the latest batch (dead units, ‖∂h/∂x‖_F, …).
        diag: Vec<(&'static str, f64)>,
    }

    impl Readout {
        /// The diagnostic called `name` (NaN if the model has none).
        fn diag(&self, name: &str) -> f64 {
            self.diag.iter().find(|d| d.0 == name).map_or(f64::NAN, |d| d.1)
        }
    }

    /// Trains `p` as the page does (its setup and lanes on its built-in pictures, image seed 1)
    /// and reads every lane out at each of `checkpoints`: `[checkpoint][lane]`.
    fn train(p: &Params, checkpoints: &[u64]) -> Vec<Vec<Readout>> {
        use crate::model::edges::{edge_share, filter_shapes, mean_localization};
        use crate::readouts::{bar_match, BAR_MATCH_MIN};
        let hyper = p.hyper().validate().unwrap();
        let images = p.data.builtin(1, p.whiten).unwrap();
        let mut t = crate::train::Trainer::with_lanes(p.setup(), hyper, &p.lanes(), images).unwrap();
        let (mut out, mut recon) = (Vec::new(), 0.0);
        for step in 1..=*checkpoints.last().unwrap() {
            let cost = t.step().unwrap_or_else(|d| panic!("{d}"));
            let next = checkpoints.iter().find(|&&c| c >= step).unwrap();
            if step + 100 > *next {
                recon += cost.recon / 100.0;
            }
            if !checkpoints.contains(&step) {
                continue;
            }
            let lanes = (0..t.lanes())
                .map(|i| {
                    let f = t.model_at(i).filters();
                    let codes = t.last_batch_at(i).1;
                    let rho_hat: Vec<f32> = codes.column_mean().iter().copied().collect();
                    let l0: Vec<usize> = codes.column_iter().map(|c| c.iter().filter(|&&v| v != 0.0).count()).collect();
                    let matches = bar_match(&f, p.patch);
                    let mut good: Vec<usize> = matches.iter().filter(|m| m.1 > BAR_MATCH_MIN).map(|m| m.0).collect();
                    let bars = good.len();
                    good.sort_unstable();
                    good.dedup();
                    Readout {
                        edges: edge_share(&f, p.patch),
                        edge_count: filter_shapes(&f, p.patch).iter().filter(|s| s.is_edge()).count(),
                        localization: mean_localization(&f, p.patch),
                        alive: rho_hat.iter().filter(|&&r| r > 0.002).count(),
                        activity: rho_hat.iter().sum::<f32>() / rho_hat.len() as f32,
                        rho_hat,
                        max_l0: l0.iter().copied().max().unwrap_or(0),
                        mean_l0: l0.iter().sum::<usize>() as f32 / l0.len() as f32,
                        saturated: codes.iter().filter(|&&a| !(0.05..=0.95).contains(&a)).count() as f32
                            / codes.len() as f32,
                        bars,
                        bars_covered: good.len(),
                        recon,
                        diag: t.model_at(i).diagnostics(t.last_batch_at(i).0),
                    }
                })
                .collect();
            out.push(lanes);
            recon = 0.0;
        }
        out
    }

    /// A trainer for `p` on the digits after `steps` steps, and the digits it normalises.
    fn digits_trainer(p: &Params, steps: u64) -> (crate::train::Trainer, crate::readouts::features::DigitPatches) {
        let images = p.data.builtin(1, p.whiten).unwrap();
        let mut t =
            crate::train::Trainer::with_lanes(p.setup(), p.hyper().validate().unwrap(), &p.lanes(), images).unwrap();
        while t.steps() < steps {
            t.step().unwrap_or_else(|d| panic!("{d}"));
        }
        let d = crate::readouts::features::DigitPatches::new(t.sampler().sigma());
        (t, d)
    }

    /// One line per lane and checkpoint, for `--nocapture`.
    fn show(id: &str, checkpoints: &[u64], r: &[Vec<Readout>]) {
        for (c, lanes) in checkpoints.iter().zip(r) {
            for (i, l) in lanes.iter().enumerate() {
                let recon = if i == 0 { format!(", recon {:.4}", l.recon) } else { String::new() };
                println!(
                    "{id:20} lane {i} step {c:5}: edges {:.2} ({}), localization {:.3}, {} alive, activity {:.3}, \
                     L0 {:.2} (max {}), saturated {:.3}, bars {} covering {}{recon} {:?}",
                    l.edges,
                    l.edge_count,
                    l.localization,
                    l.alive,
                    l.activity,
                    l.mean_l0,
                    l.max_l0,
                    l.saturated,
                    l.bars,
                    l.bars_covered,
                    l.diag,
                );
            }
        }
    }

    /// Every one-liner's claim, measured on the page's Trainer at the step counts the claim
    /// names (fewer where it names none). About 25 s in a debug build.
    #[test]
    fn what_each_preset_shows_is_true() {
        let t0 = std::time::Instant::now();
        // UFLDL's classic run is the yardstick of several claims ("better", "longer", "slower")
        let classic_at = [1500, 3000, 10000];
        let classic = train(&Params::default(), &classic_at);
        show("ufldl", &classic_at, &classic);
        let (c1500, c3000, c10000) = (&classic[0][0], &classic[1][0], &classic[2][0]);
        for pr in presets() {
            let p = (pr.params)();
            let id = pr.id;
            // each arm trains what its claim needs and checks every part of the claim
            match id {
                "ufldl" => {
                    // measured by the Gabor-fit verdict on the photographs (0.92 and 1.00; on dead
                    // leaves, the default before, 0.72 and 0.96)
                    assert!((0.8..=1.0).contains(&c3000.edges), "{id}: about 90 % edges after 3,000: {c3000:?}");
                    assert!(c10000.edges >= 0.95, "{id}: all of them by 10,000: {c10000:?}");
                    assert!(c10000.localization > c1500.localization, "{id}: edges are small (local)");
                }
                "no-sparsity" => {
                    let at = [1500];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let l = &r[0][0];
                    assert!(
                        l.rho_hat.iter().all(|r| (0.3..=0.7).contains(r)),
                        "{id}: every unit fires about half the time: {l:?}"
                    );
                    assert!((0.45..=0.55).contains(&l.activity), "{id}: {l:?}");
                    assert!(
                        l.recon < 0.5 * c1500.recon,
                        "{id}: reconstruction is better: {} vs {}",
                        l.recon,
                        c1500.recon
                    );
                    assert!(l.edges < 0.1 && l.localization < c1500.localization, "{id}: spread-out, no edges: {l:?}");
                }
                "too-dense" => {
                    let at = [1500];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let l = &r[0][0];
                    assert!((0.27..=0.33).contains(&l.activity), "{id}: units fire 30 % of the time: {l:?}");
                    assert!(
                        l.edges < 0.1 && l.localization < c1500.localization,
                        "{id}: blurry mixtures, not local edges: {l:?}"
                    );
                }
                "overcomplete" => {
                    let at = [3000, 10000];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let (l3, l10) = (&r[0][0], &r[1][0]);
                    assert!(l3.edge_count > c3000.edge_count, "{id}: more edges than with 25 units: {l3:?}");
                    assert!(l10.edge_count > 40, "{id}: over 40 edges after 10,000 steps: {l10:?}");
                    assert!(
                        l3.edges < c3000.edges && l10.edges < c10000.edges,
                        "{id}: a smaller share forms by each step count: {l3:?} {l10:?}"
                    );
                }
                "denoising" => {
                    let at = [3000];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let l = &r[0][0];
                    assert!(l.edges >= 0.15, "{id}: edges still form: {l:?}");
                    assert!(l.edges < c3000.edges && l.edges >= 0.5 * c3000.edges, "{id}: a little more slowly: {l:?}");
                }
                "l1" => {
                    let at = [1500];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let l = &r[0][0];
                    // 0.059 on the photographs (0.03 on dead leaves)
                    assert!((0.04..=0.08).contains(&l.activity), "{id}: activity about 6 %: {l:?}");
                    assert!(l.alive <= 5, "{id}: by switching most units off: {l:?}");
                    assert!(l.edges < 0.1, "{id}: no edges: {l:?}");
                }
                "bars" => {
                    let at = [3000];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let l = &r[0][0];
                    assert!((12..=20).contains(&l.bars), "{id}: about 16 of 25 single-bar detectors: {l:?}");
                    assert!(l.bars_covered >= 14, "{id}: covering nearly all 16 bars: {l:?}");
                }
                "noise" => {
                    let at = [3000];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let l = &r[0][0];
                    assert!(l.edges < 0.1 && c3000.edges >= 0.3, "{id}: no edges where photographs give them: {l:?}");
                }
                "sae-vs-sparse-coding" => {
                    let at = [400];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let (sae, sc) = (&r[0][0], &r[0][1]);
                    assert!(sc.edges >= 0.8, "{id}: nearly all atoms are edges within a few hundred steps: {sc:?}");
                    assert!(sae.edges < 0.1, "{id}: long before the autoencoder's: {sae:?}");
                }
                "sparse-coding" => {
                    let at = [400];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let sc = &r[0][0];
                    assert!(sc.edges >= 0.8, "{id}: nearly all atoms are edges within a few hundred steps: {sc:?}");
                    assert!((2.0..=4.5).contains(&sc.mean_l0), "{id}: about 3 in use per patch: {sc:?}");
                }
                "topk-vs-relu-l1" => {
                    let at = [1000];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let (topk, relu) = (&r[0][0], &r[0][1]);
                    assert!(
                        topk.edges >= 0.5 && relu.edges >= 0.5,
                        "{id}: both give edges in about 1,000 steps: {r:?}"
                    );
                    assert!(topk.max_l0 == 4 && topk.mean_l0 > 3.9, "{id}: TopK sets L0 (k = 4): {topk:?}");
                    assert!(relu.max_l0 > 4, "{id}: L1 only prices activity, L0 varies: {relu:?}");
                }
                "contractive" => {
                    let at = [1500];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let cae = &r[0][0];
                    assert!(
                        cae.edges < 0.3 && cae.saturated < 0.05,
                        "{id}: no edges, no saturation at λ_J = 0.1: {cae:?}"
                    );
                    // the same lane with λ_J = 1: the units saturate; the broad ramps it learns pass
                    // the Gabor-fit verdict in part (0.44 here), so edges are not claimed either way
                    let m = crate::model::registry::MODELS.iter().position(|m| m.key == "contractive").unwrap();
                    let mut strong = Params { models: vec!["contractive"], ..p.clone() };
                    strong.knobs[m][crate::model::contractive::LAMBDA_J] = 1.0;
                    let r = train(&strong, &at);
                    show("contractive λ_J=1", &at, &r);
                    let l = &r[0][0];
                    assert!(l.saturated > 0.3, "{id}: from λ_J ≈ 1 the units saturate: {l:?}");
                }
                "topk-auxk" => {
                    let at = [500, 1000];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let dead = |c: usize, lane: usize| r[c][lane].diag("dead units");
                    assert!((35.0..=65.0).contains(&dead(0, 1)), "{id}: about half die within 500 steps: {r:?}");
                    assert!(dead(1, 1) >= 35.0, "{id}: for good: {r:?}");
                    assert!(dead(1, 0) <= 2.0, "{id}: with AuxK they all come back: {r:?}");
                    assert!(r[1][0].edge_count > r[1][1].edge_count, "{id}: and more become edges: {r:?}");
                }
                "denoising-vs-contractive" => {
                    let at = [3000];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let plain = train(&Params { noise: 0.0, models: vec!["sae"], ..p.clone() }, &at);
                    show("plain autoencoder", &at, &plain);
                    let j = |l: &Readout| l.diag("mean ‖∂h/∂x‖_F");
                    let (dae, cae, ae) = (&r[0][0], &r[0][1], &plain[0][0]);
                    assert!((1.7..=2.7).contains(&j(dae)) && (3.4..=5.0).contains(&j(ae)), "{id}: about 2.2 vs 4.2");
                    assert!(j(dae) < 0.6 * j(ae), "{id}: noise halves it: {} vs {}", j(dae), j(ae));
                    assert!(j(cae) < 1.0, "{id}: the contractive penalty cuts it to under 1: {cae:?}");
                    // on the photographs 3 and 7 of 25 pass (dead leaves: 0 and 4)
                    assert!(dae.edges < 0.2 && cae.edges < 0.35, "{id}: neither forms edges, a few pass: {r:?}");
                }
                "vae-digits" => {
                    use crate::readouts::latent::{class_separation, latent_points};
                    let (mut t, d) = digits_trainer(&p, 3000);
                    let (model, ctx) = t.model_ctx_mut(0);
                    let points = latent_points(model, &ctx, &d.test);
                    let (gap, spread) = class_separation(&points, &d.test_labels);
                    println!("{id}: class centres' median gap {gap:.2}, mean spread {spread:.2}");
                    assert!(
                        gap > 1.5 * spread && gap < 3.0 * spread,
                        "{id}: about twice as far apart: {gap} vs {spread}"
                    );
                }
                "digits-features" => {
                    let (mut t, d) = digits_trainer(&p, 3000);
                    let name = t.lane_config(0).spec.name;
                    let (model, ctx) = t.model_ctx_mut(0);
                    let table = d.table(name, model, &ctx);
                    println!("{id}: {table:?}");
                    let (raw, codes) = (table[0].test, table[2].test);
                    assert!((0.92..0.94).contains(&raw), "{id}: 93 % from the raw pixels: {raw}");
                    assert!((0.85..0.89).contains(&codes) && codes < raw, "{id}: about 87 % from the codes: {codes}");
                }
                "stacked" => {
                    // the one-liner's two steps: layer 1 for 6,000 steps, then phase 2 for 3,000
                    use crate::model::edges::filter_shapes;
                    use crate::model::stacked::KNOB_PHASE;
                    let images = p.data.builtin(1, p.whiten).unwrap();
                    let hyper = p.hyper().validate().unwrap();
                    let mut t = crate::train::Trainer::with_lanes(p.setup(), hyper, &p.lanes(), images).unwrap();
                    let edges = |t: &crate::train::Trainer| {
                        filter_shapes(&t.model().filters(), p.patch).iter().filter(|s| s.is_edge()).count()
                    };
                    for _ in 0..6000 {
                        t.step().unwrap();
                    }
                    let layer1 = edges(&t);
                    let mut knobs = p.lanes()[0].knobs.clone();
                    knobs[KNOB_PHASE] = 2.0;
                    t.set_knobs(0, &knobs);
                    let first = t.step().unwrap().recon;
                    let mut last = 0.0;
                    for s in 1..3000 {
                        let c = t.step().unwrap();
                        if s >= 2900 {
                            last += c.recon / 99.0;
                        }
                    }
                    let diag = t.model().diagnostics(t.last_batch().0);
                    let half = diag.iter().find(|d| d.0.contains("carrying half")).unwrap().1;
                    let pictures = edges(&t);
                    println!("{id}: layer-1 edges {layer1}, code recon {first:.4} → {last:.4}, {diag:?}, pictures {pictures}");
                    assert!((70..=95).contains(&layer1), "{id}: about 80 of 100 layer-1 filters are edges: {layer1}");
                    assert!(last < 0.2 * first, "{id}: layer 2 learns to rebuild the codes: {first} → {last}");
                    assert!((8.0..=16.0).contains(&half), "{id}: each layer-2 unit mixes about 12 edges: {diag:?}");
                    assert!(pictures <= 15, "{id}: rarely one edge: {pictures} of 100 pictures are edges");
                }
                "conv" => {
                    let at = [1000];
                    let r = train(&p, &at);
                    show(id, &at, &r);
                    let conv = &r[0][0];
                    assert!(conv.edges > 0.5, "{id}: more than half are edges within 1,000 steps: {conv:?}");
                    assert!(conv.diag("values kept per map and patch") <= 1.0, "{id}: one value per map: {conv:?}");
                    // the seams are measured by tests/conv_image.rs
                }
                other => panic!("{other}: no check of this preset's one-liner; add one"),
            }
        }
        println!("every claim checked in {:.1} s", t0.elapsed().as_secs_f64());
    }
}
