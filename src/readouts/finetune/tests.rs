//! The fine-tune's gradient against central differences, its start against the softmax it
//! starts from, and its independence of how the work is sliced.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::*;
use crate::model::gradcheck::{numerical_gradient, relative_difference};

/// A random 16 → 5 → 5 encoder, 25 digits of 3 classes (cut in three slices, the last a
/// partial one), the classifier fitted to its codes for a few iterations (not at W = 0, whose zero
/// gradient into the encoders would check nothing).
fn small() -> (Encoder, Softmax, DMatrix<f32>, Vec<u8>) {
    let (n, h, m) = (16, 5, 25);
    let mut rng = Pcg32::seed_from_u64(7);
    let theta: Vec<f64> = (0..h * n + h + h * h + h).map(|_| rng.random_range(-1.0..1.0)).collect();
    let encoder = Encoder { inputs: n, hidden: h, theta };
    let x = DMatrix::from_fn(n, m, |_, _| rng.random_range(0.1f32..0.9));
    let labels: Vec<u8> = (0..m).map(|j| (j % 3) as u8).collect();
    let codes = codes(&encoder, &x);
    let mut before = Softmax::new(&codes, &labels, 3);
    before.step(3);
    (encoder, before, x, labels)
}

/// `tune` cut into slices of 10 digits.
fn sliced(mut tune: FineTune) -> FineTune {
    tune.slice_len = 10;
    tune
}

/// Layer 2's codes of `x` (f32, as the model gives them to the softmax).
fn codes(e: &Encoder, x: &DMatrix<f32>) -> DMatrix<f32> {
    let (n, h) = (e.inputs, e.hidden);
    let layout = Layout::new(&[("w1", h, n), ("b1", h, 1), ("v1", h, h), ("c1", h, 1)]);
    let (x, mut a1, mut a2) = (x.map(f64::from), DMatrix::zeros(0, 0), DMatrix::zeros(0, 0));
    layer(&layout, &e.theta, (W1, B1), &x.columns(0, x.ncols()), &mut a1);
    layer(&layout, &e.theta, (V1, C1), &a1.columns(0, a1.ncols()), &mut a2);
    a2.map(|v| v as f32)
}

#[test]
fn the_gradient_through_all_three_layers_matches_central_differences() {
    let (encoder, before, x, labels) = small();
    let mut tune = sliced(FineTune::new(&encoder, &before, &x, &labels));
    let mut theta = tune.theta.clone();
    tune.cost_at(&theta);
    let analytic = tune.grad.clone();
    let numeric = numerical_gradient(&mut theta, 1e-5, |t| tune.cost_at(t));
    for (i, block) in tune.layout.blocks().iter().enumerate() {
        let r = tune.layout.range(i);
        let gap = relative_difference(&analytic[r.clone()], &numeric[r.clone()]);
        assert!(gap < 1e-8, "{}: relative difference {gap:e}", block.name);
        assert!(analytic[r].iter().any(|g| g.abs() > 1e-6), "{}'s gradient is not 0", block.name);
    }
}

#[test]
fn it_starts_as_the_fitted_softmax_and_its_cost_falls() {
    let (encoder, before, x, labels) = small();
    let mut tune = sliced(FineTune::new(&encoder, &before, &x, &labels));
    assert_eq!(tune.predict(&x), before.predict(&codes(&encoder, &x)), "the same classes before any step");
    let first = tune.step(tune.slices());
    let last = tune.clone().fit().step(0);
    assert!(last < 0.9 * first, "{first} → {last}");
}

#[test]
fn the_frames_do_not_change_the_result() {
    let (encoder, before, x, labels) = small();
    let tune = sliced(FineTune::new(&encoder, &before, &x, &labels));
    let mut by_twos = tune.clone();
    while !by_twos.done() {
        by_twos.step(2);
    }
    assert_eq!(by_twos.theta, tune.fit().theta);
    assert_eq!(by_twos.iterations(), ITERATIONS);
}
