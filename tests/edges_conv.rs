//! The convolutional autoencoder learns localized, oriented edge kernels on whitened natural
//! patches at its defaults (one winner per map, 25 kernels of 5×5, "same" maps, Adam 3e-3),
//! and not on white noise. Unlike the fully connected models it needs no sparsity penalty for
//! that: with every value of its maps kept (no winner-take-all, l1 = 0) its kernels become
//! edges as well. Sharing one kernel over every position of the patch is what forces it to
//! be a local detector; what the winners change is the code (one value per map and patch,
//! against a third of the positions).
//!
//! Trained by the page's `Trainer` (one lane, tests/common), seed 1, batch 256, the edge test
//! of `model/edges.rs` on the kernels drawn centred in their 8×8 tiles (what the grid shows).
//! Measured (2026-12-01): defaults 0.68 of 25 kernels at 500 steps, 0.60 at 1 000 and 2 000
//! (0.97 values kept per map and patch); all values kept 0.76 at 1 000 (29 of 64 values per
//! map kept); white noise 0.08 (2 of 25) at 1 000.
//! Measured before choosing the defaults: "valid" maps (no padding, 4×4 positions) left the
//! kernels' corners large, since the patch's corner pixels are reached through them alone,
//! and only 0.32 were edges; two winners per map 0.24 at 500, 0.12 at 3 000; L1 on all values
//! (l1 = 0.05, ≈ 2 values kept per map) 0.04–0.08.

mod common;

use std::time::Instant;

use common::{point, run, setup, train, Point};
use sae_lab::data::Dataset;
use sae_lab::model::Hyper;
use sae_lab::train::Trainer;

const CHECKPOINTS: [usize; 4] = [0, 500, 1000, 2000];

/// The mean number of values each map keeps per patch over the last batch.
fn kept(t: &Trainer) -> f64 {
    t.model().diagnostics(t.last_batch().0)[0].1
}

#[test]
fn conv_kernels_become_edges_with_and_without_winner_take_all_and_not_on_noise() {
    let t0 = Instant::now();
    let (wta, t) = train("conv", &[], setup(25, 256, 1), 2000, &CHECKPOINTS);
    let wta_kept = kept(&t);
    let (dense, t) = train("conv", &[("winners", 0.0)], setup(25, 256, 1), 1000, &[1000]);
    let dense_kept = kept(&t);
    let images = Dataset::Noise.builtin(1, true).unwrap();
    let lanes = [common::lane("conv", &[])];
    let mut noise =
        Trainer::with_lanes(setup(25, 256, 1), Hyper::default().validate().unwrap(), &lanes, images).unwrap();
    let noise_curve: Vec<Point> = run(&mut noise, 1000, &[1000], |_| ());
    println!("conv defaults (step, edges): {wta:?}, values kept per map {wta_kept:.2}");
    println!("conv all values kept: {dense:?}, values kept per map {dense_kept:.1}");
    println!("conv on white noise: {noise_curve:?}, now {:?}  ({:.1} s)", point(&noise), t0.elapsed().as_secs_f64());
    let at = |c: &[Point], s: usize| c.iter().find(|p| p.0 == s).unwrap().1;
    assert!(at(&wta, 0) < 0.1, "random kernels are not edges: {wta:?}");
    assert!(at(&wta, 1000) >= 0.5 && at(&wta, 2000) >= 0.5, "edges by 1 000 steps, and they stay: {wta:?}");
    assert!(wta_kept <= 1.0, "one winner per map: {wta_kept}");
    assert!(at(&dense, 1000) >= 0.5, "the shared kernels become edges without sparsity too: {dense:?}");
    assert!(dense_kept > 10.0, "with all values kept the maps are dense: {dense_kept}");
    assert!(at(&noise_curve, 1000) <= 0.12, "at most 3 of 25 from white noise: {noise_curve:?}");
}
