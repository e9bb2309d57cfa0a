//! The ReLU + L1 autoencoder learns localized, oriented edges on whitened natural patches at
//! its defaults (l1 = 1.5 with the ½ in the reconstruction, Adam 3e-3, 25 units), with about
//! three active units per patch, while the random start and the same training at l1 = 0 have
//! none.

use std::time::Instant;

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;
use sae_lab::data::{Dataset, PatchSampler};
use sae_lab::model::edges::edge_share;
use sae_lab::model::family::{Ctx, Model};
use sae_lab::model::knob::defaults;
use sae_lab::model::optim::Optimizer;
use sae_lab::model::relu_l1::{ReluL1, KNOB_L1, KNOB_LR, SPEC};
use sae_lab::model::Hyper;

/// The prototype's batch (the page's default is 256, which gives the same curve; see the report).
const BATCH: usize = 128;
const CHECKPOINTS: [usize; 5] = [0, 500, 1000, 1500, 3000];

/// Trains 64-25 with `knobs` for `steps`; (step, decoder edges, encoder edges) at each
/// checkpoint and the mean number of active units per patch over the last batch.
fn train(knobs: &[f64], steps: usize, seed: u64) -> (Vec<(usize, f32, f32)>, f64) {
    let hyper = Hyper::default().validate().unwrap();
    let ctx = Ctx { hyper: &hyper, knobs };
    let mut rng = Pcg32::seed_from_u64(seed);
    let mut model = ReluL1::<f32>::new(64, 25, &mut rng);
    let mut sampler = PatchSampler::new(Dataset::Natural.builtin(1, true).unwrap(), 8, seed).unwrap();
    let mut x = DMatrix::<f32>::zeros(64, BATCH);
    let mut grad = vec![0.0f32; model.theta().len()];
    let mut opt = Optimizer::new(SPEC.optimizer, grad.len());
    let mut curve = Vec::new();
    for s in 0..=steps {
        if CHECKPOINTS.contains(&s) {
            curve.push((s, edge_share(&model.filters(), 8), edge_share(&model.encoder_rows(), 8)));
        }
        if s < steps {
            sampler.fill(&mut x);
            model.cost_and_grad(&x, &x, &ctx, &mut rng, &mut grad);
            opt.step(model.theta_mut(), &grad, knobs[KNOB_LR]);
            model.after_update(&ctx);
        }
    }
    let active = model.last_codes().iter().filter(|&&v| v > 0.0).count() as f64 / BATCH as f64;
    (curve, active)
}

#[test]
fn relu_l1_learns_edges_and_unpenalised_control_does_not() {
    let t0 = Instant::now();
    let knobs = defaults(SPEC.knobs);
    let (trained, active) = train(&knobs, 3000, 1);
    let mut free = knobs.clone();
    free[KNOB_L1] = 0.0;
    let (control, control_active) = train(&free, 3000, 1);
    println!(
        "relu-l1 l1={} (step, decoder edges, encoder edges): {trained:?}, active/patch {active:.2}",
        knobs[KNOB_L1]
    );
    println!(
        "relu-l1 l1=0 control: {control:?}, active/patch {control_active:.2}  ({:.1} s)",
        t0.elapsed().as_secs_f64()
    );
    let at = |c: &[(usize, f32, f32)], s: usize| *c.iter().find(|p| p.0 == s).unwrap();
    assert!(at(&trained, 0).1 < 0.1 && at(&trained, 0).2 < 0.1, "random start is not edges: {trained:?}");
    let (_, dec, enc) = at(&trained, 1500);
    assert!(dec >= 0.5 && enc >= 0.5, "edges by 1500 steps: {trained:?}");
    assert!(at(&trained, 3000).1 >= 0.5, "edges stay: {trained:?}");
    assert!((1.5..=4.5).contains(&active), "about three active units per patch: {active}");
    assert!(control.iter().all(|&(_, d, e)| d < 0.1 && e < 0.1), "no penalty, no edges: {control:?}");
    assert!(control_active > 15.0, "without the penalty the code is dense: {control_active}");
}
