//! What the contractive autoencoder learns on whitened natural patches, measured: not edges.
//!
//! 64-25-64 nets trained by the page's `Trainer` (one lane, tests/common), Adam lr 1e-2,
//! λ = 1e-4, batches of 256 fresh patches, 5000 steps, for λ_J ∈ {0 (plain autoencoder), 0.1,
//! 0.3, 1, 10} and for denoising autoencoders (λ_J = 0, the page's Gaussian input noise
//! σ = 0.1 and 0.2 in the sampler's units, target clean). Every readout is taken on 2000
//! held-out clean patches. What held over seeds 1–3 with the hand-written loop this test had
//! (its own patch stream and noise), and is asserted here, with margin:
//!
//! - ‖∂h/∂x‖_F falls by more than 30 % at each step up in λ_J (4.2 → 0.9 → 0.45 → 0.1–0.15 → 0.001);
//! - so does the variance explained (0.85 → 0.58 → 0.35 → 0.05–0.11 → 0): from λ_J = 1 on the
//!   net gives up reconstructing, and at 10 it outputs the mean patch with W1 near 0 (filters flat);
//! - units saturate from λ_J ≈ 0.3 on (16–24 % of activations below 0.05 or above 0.95; 40–65 %
//!   at 1, 72–100 % at 10), never at λ_J ≤ 0.1: the cheap way to a small Jacobian;
//! - no edges form up to λ_J = 0.1 (edge share ≤ 0.08, mean localization < 0.4): smooth
//!   low-frequency blobs and broad gratings, against the plain autoencoder's noise-like filters;
//!   from 0.3 on, the filters become broad ramps across the patch, and the Gabor-fit verdict
//!   (model/edges.rs) counts 20–32 % of them, at 70–79 % variance explained;
//! - a denoising autoencoder also contracts (σ = 0.1: ‖J‖_F 3.46, σ = 0.2: 2.69, against 4.17),
//!   less directly: at about the same variance explained (0.58 vs 0.61) the CAE's Jacobian is
//!   three times smaller (0.88 vs 2.69), as Rifai et al. (2011) argue.
//!
//! Re-measured on the Trainer's stream (seed 1), inside those ranges: ‖J‖_F 4.17 → 0.87 →
//! 0.43 → 0.13 → 0.000, variance explained 0.85 → 0.58 → 0.35 → 0.08 → 0, saturated 24 % at
//! λ_J = 0.3, 61 % at 1, 96 % at 10; edge share 0, 0.08, 0.32, 0.32, 0.20; DAE σ = 0.1: ‖J‖_F 3.45, σ = 0.2: 2.68
//! at variance explained 0.62.

mod common;

use common::{setup, trainer};
use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;
use sae_lab::data::{Dataset, PatchSampler};
use sae_lab::model::contractive::Contractive;
use sae_lab::model::edges;
use sae_lab::model::family::Model;
use sae_lab::model::Hyper;

const STEPS: usize = 5000;
const BATCH: usize = 256;
const SEED: u64 = 1;

/// The readouts of one trained net.
#[derive(Debug)]
struct Outcome {
    edge_share: f32,
    localization: f32,
    jacobian: f64,
    saturated: f64,
    explained: f64,
    /// Mean ‖W1_j‖ (UFLDL's init gives ≈ 1.2 for 64-25 nets).
    row_norm: f64,
}

/// 1 − Σ‖x̂ − x‖² / Σ‖x − x̄‖², x̄ the mean patch of the batch.
fn variance_explained(x: &DMatrix<f32>, x_hat: &DMatrix<f32>) -> f64 {
    let mean = x.column_mean();
    let (mut sse, mut sst) = (0.0f64, 0.0f64);
    for (j, col) in x.column_iter().enumerate() {
        for (i, &v) in col.iter().enumerate() {
            sse += f64::from(x_hat[(i, j)] - v).powi(2);
            sst += f64::from(v - mean[i]).powi(2);
        }
    }
    1.0 - sse / sst
}

/// Trains for `steps` at `lambda_j` through the Trainer, with its Gaussian input noise
/// `noise` (0 = none; the target stays clean), and reads the net out on `held_out`.
fn train(held_out: &DMatrix<f32>, lambda_j: f64, noise: f64, steps: usize) -> Outcome {
    let hyper = Hyper { noise, ..Hyper::default() };
    let mut t = trainer("contractive", &[("lambda_j", lambda_j)], setup(25, BATCH, SEED), hyper);
    for _ in 0..steps {
        t.step().unwrap_or_else(|d| panic!("{d}"));
    }
    let (model, ctx) = t.model_ctx_mut(0);
    model.evaluate(held_out, held_out, &ctx, &mut Pcg32::seed_from_u64(0));
    let explained = variance_explained(held_out, model.last_recon());
    let filters = model.filters();
    // ‖∂h/∂x‖ and saturation are the contractive net's own readouts, which the Trainer's
    // `dyn Model` does not offer: the same net, rebuilt from the trained θ
    let mut net = Contractive::<f32>::init(64, 25, &mut Pcg32::seed_from_u64(0));
    net.theta_mut().copy_from_slice(model.theta());
    Outcome {
        edge_share: edges::edge_share(&filters, 8),
        localization: edges::mean_localization(&filters, 8),
        jacobian: net.jacobian_norm(held_out),
        saturated: net.saturated_fraction(held_out),
        explained,
        row_norm: filters.row_iter().map(|r| f64::from(r.norm())).sum::<f64>() / filters.nrows() as f64,
    }
}

#[test]
fn contraction_shrinks_the_jacobian_but_forms_no_edges() {
    let t0 = std::time::Instant::now();
    let images = Dataset::Natural.builtin(1, true).unwrap();
    let mut held_out = DMatrix::<f32>::zeros(64, 2000);
    PatchSampler::new(images, 8, SEED + 1000).unwrap().fill(&mut held_out);
    let init = train(&held_out, 0.0, 0.0, 0);
    let lambdas = [0.0, 0.1, 0.3, 1.0, 10.0];
    let cae: Vec<Outcome> = lambdas.iter().map(|&l| train(&held_out, l, 0.0, STEPS)).collect();
    let dae: Vec<Outcome> = [0.1, 0.2].iter().map(|&s| train(&held_out, 0.0, s, STEPS)).collect();

    let show = |what: String, o: &Outcome| {
        println!(
            "{what:<22} edges {:.2}  localization {:.3}  ‖J‖_F {:.3}  saturated {:.3}  variance explained {:.3}  ‖W1_j‖ {:.3}",
            o.edge_share, o.localization, o.jacobian, o.saturated, o.explained, o.row_norm
        )
    };
    show("random init (0 steps)".into(), &init);
    lambdas.iter().zip(&cae).for_each(|(l, o)| show(format!("CAE λ_J = {l}"), o));
    [0.1, 0.2].iter().zip(&dae).for_each(|(s, o)| show(format!("DAE σ = {s}"), o));
    println!("{} runs of {STEPS} steps × {BATCH} patches in {:.1} s", lambdas.len() + 2, t0.elapsed().as_secs_f64());

    // controls and every λ_J: no edge detectors (the sparse autoencoder's test asks ≥ 0.3)
    assert_eq!(init.edge_share, 0.0, "{init:?}");
    for (l, o) in lambdas.iter().zip(&cae) {
        // up to 0.1 no edges; from 0.3 on the Gabor-fit verdict counts 20–32 % of the units:
        // broad smooth ramps across the patch that a bounded Gabor explains at 70–79 % (a
        // photograph's edge filters: ~95 %). The old window rule called them not local.
        let most = if *l >= 0.3 { 0.4 } else { 0.15 };
        assert!(o.edge_share < most, "λ_J = {l}: {o:?}");
        assert!(*l > 0.3 || o.localization < edges::LOCALIZATION_MIN, "λ_J = {l}: {o:?}");
    }
    // ‖J‖_F and the variance explained both fall at every step up in λ_J
    for (w, l) in cae.windows(2).zip(lambdas.windows(2)) {
        assert!(w[1].jacobian < 0.7 * w[0].jacobian, "λ_J {} → {}: {:?} → {:?}", l[0], l[1], w[0], w[1]);
        assert!(w[1].explained < w[0].explained, "λ_J {} → {}: {:?} → {:?}", l[0], l[1], w[0], w[1]);
    }
    let (plain, strong) = (&cae[0], &cae[4]);
    assert!(plain.explained > 0.8 && plain.saturated < 0.01, "{plain:?}");
    // λ_J = 10: the mean patch, from filters near 0 (UFLDL's init has ‖W1_j‖ ≈ 1.2)
    assert!(strong.explained.abs() < 0.02 && strong.row_norm < 0.05 && strong.jacobian < 0.01, "{strong:?}");
    // saturation: none up to 0.1, then growing with λ_J
    assert!(cae[1].saturated < 0.01, "{:?}", cae[1]);
    assert!(cae[2].saturated > 0.1 && cae[3].saturated > cae[2].saturated + 0.1, "{:?} {:?}", cae[2], cae[3]);
    assert!(strong.saturated > 0.5 && strong.saturated > cae[3].saturated, "{strong:?}");
    // the denoising autoencoder contracts too, more with more noise, but the CAE far more
    // at about the same reconstruction
    assert!(dae[0].jacobian < 0.9 * plain.jacobian && dae[1].jacobian < 0.9 * dae[0].jacobian, "{dae:?}");
    assert!(dae.iter().all(|o| o.edge_share < 0.3 && o.saturated < 0.01), "{dae:?}");
    let cae_01 = &cae[1];
    assert!(cae_01.explained > dae[1].explained - 0.1 && cae_01.jacobian < 0.5 * dae[1].jacobian, "{cae_01:?} {dae:?}");
}
