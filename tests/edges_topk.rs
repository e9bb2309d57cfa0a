//! The TopK autoencoder learns localized, oriented edges on whitened natural patches at its
//! defaults (k = 4 of 25, Adam 3e-3), while the random start and the same training with
//! k = h (no sparsity: a plain ReLU autoencoder) have none; and AuxK revives dead units.
//!
//! Trained by the page's `Trainer` (one lane, tests/common), seed 1, batch 128. On its
//! patch stream (not the hand-written loop's this test had) the decoder/encoder edge shares
//! at k = 4 are 0.24/0.28 at 500 steps, 0.60/0.68 at 1000 and 0.84/0.88 at 1500 and 3000;
//! at k = 25 all are 0. Dead units after 1000 steps (without AuxK, with it): h = 100, k = 1:
//! 61, 1; b_enc = −0.3 for half: 6, 0; b_enc = −1 for half: 12, 12.

mod common;

use std::time::Instant;

use common::{at, run, setup, train, trainer};
use sae_lab::model::topk::DEAD_AFTER;
use sae_lab::model::Hyper;

/// The prototype's batch (the page's default is 256, which gives the same curve; see the report).
const BATCH: usize = 128;
const CHECKPOINTS: [usize; 5] = [0, 500, 1000, 1500, 3000];

#[test]
fn topk_learns_edges_and_dense_control_does_not() {
    let t0 = Instant::now();
    let (trained, _) = train("topk", &[], setup(25, BATCH, 1), 3000, &CHECKPOINTS);
    let (control, _) = train("topk", &[("k", 25.0)], setup(25, BATCH, 1), 3000, &CHECKPOINTS);
    println!("topk k=4 (step, decoder edges, encoder edges): {trained:?}");
    println!("topk k=h control: {control:?}  ({:.1} s)", t0.elapsed().as_secs_f64());
    assert!(at(&trained, 0).1 < 0.1 && at(&trained, 0).2 < 0.1, "random start is not edges: {trained:?}");
    let (_, dec, enc) = at(&trained, 1500);
    assert!(dec >= 0.5 && enc >= 0.5, "edges by 1500 steps: {trained:?}");
    assert!(at(&trained, 3000).1 >= 0.5, "edges stay: {trained:?}");
    assert!(control.iter().all(|&(_, d, e)| d < 0.1 && e < 0.1), "no sparsity, no edges: {control:?}");
}

/// Units that have not fired for [`DEAD_AFTER`] patches after 1000 steps of a 64-`h` net at
/// `k`, with AuxK on or off, the first h/2 units' `b_enc` set to `bias` at the start.
///
/// This is `TopK::dead_units`, which the Trainer's `dyn Model` does not expose: the same
/// record, kept from the codes of every training batch (`last_batch_at`), which are what the
/// model's own record counts (a unit fired in a batch when its code is > 0 for some patch).
fn dead(h: usize, k: f64, auxk: f64, bias: f32) -> usize {
    let mut t = trainer("topk", &[("k", k), ("auxk", auxk)], setup(h, BATCH, 1), Hyper::default());
    let l = t.model().layout().clone();
    let r = l.range(l.index("b_enc").unwrap());
    t.model_mut().theta_mut()[r.start..r.start + h / 2].iter_mut().for_each(|b| *b = bias);
    let mut since_fired = vec![0u64; h];
    run(&mut t, 1000, &[], |t| {
        let codes = t.last_batch_at(0).1;
        for (j, s) in since_fired.iter_mut().enumerate() {
            *s = if codes.row(j).iter().any(|&z| z > 0.0) { 0 } else { *s + codes.ncols() as u64 };
        }
    });
    since_fired.iter().filter(|&&s| s >= DEAD_AFTER).count()
}

/// Units die without AuxK and AuxK revives them: (a) many units, k = 1 (h = 100): most units
/// never win the selection; (b) a bad start, b_enc = −0.3 for half of 25 units. AuxK cannot
/// help units whose pre-activations are negative on every patch (c, b_enc = −1): the dead
/// units' codes pass through the same ReLU, so no gradient reaches them (as in the paper).
#[test]
fn auxk_revives_dead_units() {
    let t0 = Instant::now();
    let many = (dead(100, 1.0, 0.0, 0.0), dead(100, 1.0, 1.0, 0.0));
    let bad = (dead(25, 4.0, 0.0, -0.3), dead(25, 4.0, 1.0, -0.3));
    let hopeless = (dead(25, 4.0, 0.0, -1.0), dead(25, 4.0, 1.0, -1.0));
    println!("dead units after 1000 steps (without AuxK, with AuxK): h=100 k=1 {many:?}, b_enc=-0.3 {bad:?}, b_enc=-1 {hopeless:?}  ({:.1} s)", t0.elapsed().as_secs_f64());
    assert!(many.0 >= 30 && many.1 <= 3, "h = 100, k = 1: {many:?}");
    assert!(bad.0 >= 4 && bad.1 <= 1, "b_enc = −0.3 for half: {bad:?}");
    assert!(hopeless.1 >= 10, "negative everywhere stays dead: {hopeless:?}");
}
