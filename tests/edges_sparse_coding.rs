//! Sparse coding (Olshausen & Field 1996) on whitened natural images learns localized,
//! oriented edge atoms; with no L1 penalty (dense codes) or untrained, it does not.
//!
//! Streaming setup as on the page: fresh 8×8 patches every step, 25 atoms, batch 256 (the
//! page's shared default), the model's default knobs (λ = 2, 10 FISTA iterations, SGD with
//! lr 0.1, atoms renormalised after each step). Measured on seeds 1–7: edge share 0.52–0.80
//! at 100 steps, 0.84–0.96 at 200, 1.00 at 400 and 800 (seed 1: 1.00 at 1500 and 2000);
//! about 2.9 of 25 atoms active per patch; λ = 0 keeps all 25 on and gives 0–0.04 edges.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;
use sae_lab::data::{Dataset, PatchSampler};
use sae_lab::model::edges::{edge_share, mean_localization};
use sae_lab::model::family::{Ctx, Model};
use sae_lab::model::knob::defaults;
use sae_lab::model::optim::Optimizer;
use sae_lab::model::sparse_coding::{SparseCoding, KNOBS, LAMBDA, LR, SPEC};
use sae_lab::model::ValidHyper;

const BATCH: usize = 256;
const STEPS: usize = 1500;
/// Where the edge share is recorded.
const CHECKPOINTS: [usize; 5] = [100, 200, 400, 800, STEPS];

/// What one run ends with.
struct Run {
    /// Edge share after 0 steps and at each of [`CHECKPOINTS`].
    curve: Vec<(usize, f32)>,
    /// Mean localization of the final atoms.
    localization: f32,
    /// Mean number of nonzero codes per patch over the last 50 steps.
    l0: f64,
}

fn train(lambda: f64, seed: u64) -> Run {
    let images = Dataset::Natural.builtin(1, true).unwrap();
    let mut sampler = PatchSampler::new(images, 8, seed).unwrap();
    let mut model = SparseCoding::<f32>::init(64, 25, &mut Pcg32::seed_from_u64(seed));
    let hyper = ValidHyper::default();
    let mut knobs = defaults(KNOBS);
    knobs[LAMBDA] = lambda;
    let ctx = Ctx { hyper: &hyper, knobs: &knobs };
    let mut opt = Optimizer::new(SPEC.optimizer, model.theta().len());
    let (mut x, mut grad) = (DMatrix::<f32>::zeros(64, BATCH), vec![0.0f32; model.theta().len()]);
    let mut rng = Pcg32::seed_from_u64(0);
    let (mut curve, mut active) = (vec![(0, edge_share(&model.filters(), 8))], 0usize);
    for step in 1..=STEPS {
        sampler.fill(&mut x);
        let cost = model.cost_and_grad(&x, &x, &ctx, &mut rng, &mut grad);
        assert!(cost.is_finite(), "step {step}: {cost:?}");
        opt.step(model.theta_mut(), &grad, knobs[LR]);
        model.after_update(&ctx);
        if step > STEPS - 50 {
            active += model.last_codes().iter().filter(|&&a| a != 0.0).count();
        }
        if CHECKPOINTS.contains(&step) {
            curve.push((step, edge_share(&model.filters(), 8)));
        }
    }
    let filters = model.filters();
    Run { curve, localization: mean_localization(&filters, 8), l0: active as f64 / (50 * BATCH) as f64 }
}

#[test]
fn sparse_coding_learns_edges_and_the_controls_do_not() {
    let t0 = std::time::Instant::now();
    let sparse = train(KNOBS[LAMBDA].default, 1);
    let dense = train(0.0, 1);
    println!(
        "λ = 2: edges {:?}, localization {:.3}, L0 {:.2}; λ = 0: edges {:?}, L0 {:.2} ({:.1} s)",
        sparse.curve,
        sparse.localization,
        sparse.l0,
        dense.curve,
        dense.l0,
        t0.elapsed().as_secs_f64()
    );
    // random initial atoms (the 0-step entry) are not edges
    assert!(sparse.curve[0].1 <= 0.1, "random atoms: {:?}", sparse.curve);
    // trained: nearly every atom an edge, few atoms per patch (λ = 2 ≈ 3 of 25)
    let at = |steps| sparse.curve.iter().find(|&&(s, _)| s == steps).unwrap().1;
    assert!(at(400) >= 0.8, "edge share after 400 steps: {:?}", sparse.curve);
    assert!(at(800) >= 0.9 && at(STEPS) >= 0.9, "edges should stay: {:?}", sparse.curve);
    assert!(sparse.localization > 0.5, "mean localization {}", sparse.localization);
    assert!((1.5..5.0).contains(&sparse.l0), "mean L0 {}", sparse.l0);
    // no penalty: every atom used by every patch, and no edges
    assert!(dense.l0 > 24.0, "λ = 0 codes should be dense, L0 {}", dense.l0);
    assert!(dense.curve.iter().all(|&(_, s)| s <= 0.1), "λ = 0 made edges: {:?}", dense.curve);
}
