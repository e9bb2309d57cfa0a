//! The analytic gradient (backpropagation) against central differences, in f64, for every
//! cost term and both output activations. UFLDL asks for a relative difference < 1e-9.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;
use sae_lab::model::gradcheck::{numerical_gradient, relative_difference};
use sae_lab::model::sae::{B1, B2};
use sae_lab::model::{
    cost_and_grad, cost_and_grad_pair, evaluate, evaluate_pair, Hyper, Output, Penalty, Sae, Workspace,
};

/// A 64-5-64 net with random biases too (zero biases would hide bias-gradient bugs) and 10
/// random patches in [0.1, 0.9].
fn setup(output: Output, seed: u64) -> (Sae<f64>, DMatrix<f64>) {
    let mut rng = Pcg32::seed_from_u64(seed);
    let mut sae = Sae::init(64, 5, output, &mut rng);
    for block in [B1, B2] {
        let range = sae.layout().range(block);
        sae.theta_mut()[range].iter_mut().for_each(|b| *b = rng.random_range(-0.5..0.5));
    }
    let x = DMatrix::from_fn(64, 10, |_, _| rng.random_range(0.1..0.9));
    (sae, x)
}

fn check(hyper: Hyper, output: Output) -> f64 {
    let hyper = hyper.validate().unwrap();
    let (mut sae, x) = setup(output, 42);
    let mut ws = Workspace::new(64, 5, 10);
    let mut g = vec![0.0; sae.param_count()];
    let parts = cost_and_grad(&sae, &x, &hyper, &mut ws, &mut g);
    assert!(parts.total() > 0.0);
    let analytic: Vec<f64> = g.clone();

    let mut theta = sae.to_flat();
    let numeric = numerical_gradient(&mut theta, 1e-4, |t| {
        sae.set_flat(t).unwrap();
        evaluate(&sae, &x, &hyper, &mut ws).total()
    });
    relative_difference(&analytic, &numeric)
}

fn terms() -> Vec<(&'static str, Hyper)> {
    let none = Hyper { beta: 0.0, lambda: 0.0, l1: 0.0, ..Hyper::default() };
    vec![
        ("reconstruction only", none),
        ("weight decay", Hyper { lambda: 0.01, ..none }),
        ("KL sparsity", Hyper { rho: 0.1, beta: 3.0, ..none }),
        ("L1 sparsity", Hyper { penalty: Penalty::L1, l1: 0.5, ..none }),
        ("all terms (UFLDL defaults)", Hyper::default()),
    ]
}

#[test]
fn analytic_gradient_matches_numerical_for_every_term_and_output() {
    for output in [Output::Sigmoid, Output::Linear] {
        for (name, hyper) in terms() {
            let d = check(hyper, output);
            println!("{output:?} / {name}: relative difference {d:.2e}");
            assert!(d < 1e-8, "{output:?} / {name}: relative difference {d:e} ≥ 1e-8");
        }
    }
}

#[test]
fn denoising_gradient_matches_numerical() {
    // corrupted input in, clean target scored: the input enters ∂J/∂W1, the target D2
    let hyper = Hyper::default().validate().unwrap();
    let (mut sae, x) = setup(Output::Sigmoid, 9);
    let mut rng = Pcg32::seed_from_u64(3);
    let noisy = x.map(|v| v + rng.random_range(-0.2..0.2));
    let mut ws = Workspace::new(64, 5, 10);
    let mut g = vec![0.0; sae.param_count()];
    cost_and_grad_pair(&sae, &noisy, &x, &hyper, &mut ws, &mut g);
    let analytic: Vec<f64> = g.clone();
    let mut theta = sae.to_flat();
    let numeric = numerical_gradient(&mut theta, 1e-4, |t| {
        sae.set_flat(t).unwrap();
        evaluate_pair(&sae, &noisy, &x, &hyper, &mut ws).total()
    });
    let d = relative_difference(&analytic, &numeric);
    assert!(d < 1e-8, "denoising: relative difference {d:e}");
}

#[test]
fn a_wrong_gradient_is_caught() {
    // Guard against a check that cannot fail: perturb one analytic component.
    let hyper = Hyper::default().validate().unwrap();
    let (mut sae, x) = setup(Output::Sigmoid, 1);
    let mut ws = Workspace::new(64, 5, 10);
    let mut g = vec![0.0; sae.param_count()];
    cost_and_grad(&sae, &x, &hyper, &mut ws, &mut g);
    let mut analytic: Vec<f64> = g.clone();
    analytic[3] += 1e-3;
    let mut theta = sae.to_flat();
    let numeric = numerical_gradient(&mut theta, 1e-4, |t| {
        sae.set_flat(t).unwrap();
        evaluate(&sae, &x, &hyper, &mut ws).total()
    });
    assert!(relative_difference(&analytic, &numeric) > 1e-6);
}
