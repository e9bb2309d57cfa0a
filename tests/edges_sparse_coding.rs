//! Sparse coding (Olshausen & Field 1996) on whitened natural images learns localized,
//! oriented edge atoms; with no L1 penalty (dense codes) or untrained, it does not.
//!
//! Streaming setup as on the page, trained by the page's `Trainer` (one lane, tests/common):
//! fresh 8×8 patches every step, 25 atoms, batch 256 (the page's shared default), the
//! model's default knobs (λ = 2, 10 FISTA iterations, SGD with lr 0.1, atoms renormalised
//! after each step). Measured on the Trainer's patch stream (not the hand-written loop's this
//! test had), seeds 1–7: edge share 0.44–0.76 at 100 steps, 0.80–0.96 at 200, 0.92–1.00 at
//! 400 and 0.96–1.00 at 800 (seed 1: 0.72, 0.92, then 1.00 at 400, 800 and 1500); about 2.9
//! of 25 atoms active per patch; λ = 0 keeps all 25 on and gives no edges (seed 1).

mod common;

use common::{run, setup, trainer, Point};
use sae_lab::model::edges::mean_localization;
use sae_lab::model::sparse_coding::{KNOBS, LAMBDA};
use sae_lab::model::Hyper;

const BATCH: usize = 256;
const STEPS: usize = 1500;
/// Where the edge share is recorded (0: the random atoms).
const CHECKPOINTS: [usize; 6] = [0, 100, 200, 400, 800, STEPS];

/// What one run ends with.
struct Run {
    /// Edge share at each of [`CHECKPOINTS`].
    curve: Vec<Point>,
    /// Mean localization of the final atoms.
    localization: f32,
    /// Mean number of nonzero codes per patch over the last 50 steps.
    l0: f64,
}

fn train(lambda: f64, seed: u64) -> Run {
    let mut t = trainer("sparse-coding", &[("lambda", lambda)], setup(25, BATCH, seed), Hyper::default());
    let mut active = 0usize;
    let curve = run(&mut t, STEPS, &CHECKPOINTS, |t| {
        if t.steps() as usize > STEPS - 50 {
            active += t.last_batch_at(0).1.iter().filter(|&&a| a != 0.0).count();
        }
    });
    let localization = mean_localization(&t.model().filters(), common::PATCH);
    Run { curve, localization, l0: active as f64 / (50 * BATCH) as f64 }
}

#[test]
fn sparse_coding_learns_edges_and_the_controls_do_not() {
    let t0 = std::time::Instant::now();
    let sparse = train(KNOBS[LAMBDA].default, 1);
    let dense = train(0.0, 1);
    let shares = |r: &Run| r.curve.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>();
    println!(
        "λ = 2: edges {:?}, localization {:.3}, L0 {:.2}; λ = 0: edges {:?}, L0 {:.2} ({:.1} s)",
        shares(&sparse),
        sparse.localization,
        sparse.l0,
        shares(&dense),
        dense.l0,
        t0.elapsed().as_secs_f64()
    );
    // random initial atoms (the 0-step entry) are not edges
    assert!(sparse.curve[0].1 <= 0.1, "random atoms: {:?}", shares(&sparse));
    // trained: nearly every atom an edge, few atoms per patch (λ = 2 ≈ 3 of 25)
    let at = |steps| common::at(&sparse.curve, steps).1;
    assert!(at(400) >= 0.8, "edge share after 400 steps: {:?}", shares(&sparse));
    assert!(at(800) >= 0.9 && at(STEPS) >= 0.9, "edges should stay: {:?}", shares(&sparse));
    assert!(sparse.localization > 0.5, "mean localization {}", sparse.localization);
    assert!((1.5..5.0).contains(&sparse.l0), "mean L0 {}", sparse.l0);
    // no penalty: every atom used by every patch, and no edges
    assert!(dense.l0 > 24.0, "λ = 0 codes should be dense, L0 {}", dense.l0);
    assert!(dense.curve.iter().all(|&(_, s, _)| s <= 0.1), "λ = 0 made edges: {:?}", shares(&dense));
}
