//! The TopK autoencoder learns localized, oriented edges on whitened natural patches at its
//! defaults (k = 4 of 25, Adam 3e-3), while the random start and the same training with
//! k = h (no sparsity: a plain ReLU autoencoder) have none; and AuxK revives dead units.

use std::time::Instant;

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;
use sae_lab::data::{Dataset, PatchSampler};
use sae_lab::model::edges::edge_share;
use sae_lab::model::family::{Ctx, Model};
use sae_lab::model::knob::defaults;
use sae_lab::model::optim::Optimizer;
use sae_lab::model::topk::{TopK, KNOB_AUXK, KNOB_K, KNOB_LR, SPEC};
use sae_lab::model::Hyper;

/// The prototype's batch (the page's default is 256, which gives the same curve; see the report).
const BATCH: usize = 128;
const CHECKPOINTS: [usize; 5] = [0, 500, 1000, 1500, 3000];

/// Trains a 64-`h` net with `knobs` for `steps`, after `tweak` of the fresh model; returns
/// the model and (step, decoder edge share, encoder edge share) at each checkpoint ≤ steps.
fn train(
    h: usize,
    knobs: &[f64],
    steps: usize,
    seed: u64,
    tweak: impl FnOnce(&mut TopK<f32>),
) -> (TopK<f32>, Vec<(usize, f32, f32)>) {
    let hyper = Hyper::default().validate().unwrap();
    let ctx = Ctx { hyper: &hyper, knobs };
    let mut rng = Pcg32::seed_from_u64(seed);
    let mut model = TopK::<f32>::new(64, h, &mut rng);
    tweak(&mut model);
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
    (model, curve)
}

#[test]
fn topk_learns_edges_and_dense_control_does_not() {
    let t0 = Instant::now();
    let knobs = defaults(SPEC.knobs);
    let (_, trained) = train(25, &knobs, 3000, 1, |_| ());
    let mut dense = knobs.clone();
    dense[KNOB_K] = 25.0;
    let (_, control) = train(25, &dense, 3000, 1, |_| ());
    println!("topk k=4 (step, decoder edges, encoder edges): {trained:?}");
    println!("topk k=h control: {control:?}  ({:.1} s)", t0.elapsed().as_secs_f64());
    let at = |c: &[(usize, f32, f32)], s: usize| *c.iter().find(|p| p.0 == s).unwrap();
    assert!(at(&trained, 0).1 < 0.1 && at(&trained, 0).2 < 0.1, "random start is not edges: {trained:?}");
    let (_, dec, enc) = at(&trained, 1500);
    assert!(dec >= 0.5 && enc >= 0.5, "edges by 1500 steps: {trained:?}");
    assert!(at(&trained, 3000).1 >= 0.5, "edges stay: {trained:?}");
    assert!(control.iter().all(|&(_, d, e)| d < 0.1 && e < 0.1), "no sparsity, no edges: {control:?}");
}

/// Units die without AuxK and AuxK revives them: (a) many units, k = 1 (h = 100): most units
/// never win the selection; (b) a bad start, b_enc = −0.3 for half of 25 units. AuxK cannot
/// help units whose pre-activations are negative on every patch (c, b_enc = −1): the dead
/// units' codes pass through the same ReLU, so no gradient reaches them (as in the paper).
#[test]
fn auxk_revives_dead_units() {
    let t0 = Instant::now();
    let dead = |h: usize, k: f64, aux: f64, bias: f32| {
        let mut knobs = defaults(SPEC.knobs);
        (knobs[KNOB_K], knobs[KNOB_AUXK]) = (k, aux);
        let (model, _) = train(h, &knobs, 1000, 1, |m| {
            let l = m.layout().clone();
            let r = l.range(l.index("b_enc").unwrap());
            m.theta_mut()[r.start..r.start + h / 2].iter_mut().for_each(|b| *b = bias);
        });
        model.dead_units()
    };
    let many = (dead(100, 1.0, 0.0, 0.0), dead(100, 1.0, 1.0, 0.0));
    let bad = (dead(25, 4.0, 0.0, -0.3), dead(25, 4.0, 1.0, -0.3));
    let hopeless = (dead(25, 4.0, 0.0, -1.0), dead(25, 4.0, 1.0, -1.0));
    println!("dead units after 1000 steps (without AuxK, with AuxK): h=100 k=1 {many:?}, b_enc=-0.3 {bad:?}, b_enc=-1 {hopeless:?}  ({:.1} s)", t0.elapsed().as_secs_f64());
    assert!(many.0 >= 30 && many.1 <= 3, "h = 100, k = 1: {many:?}");
    assert!(bad.0 >= 4 && bad.1 <= 1, "b_enc = −0.3 for half: {bad:?}");
    assert!(hopeless.1 >= 10, "negative everywhere stays dead: {hopeless:?}");
}
