//! Tests of the contractive autoencoder (a file of their own to keep the model's under 300 lines).

use super::*;
use crate::model::activation::sigmoid;
use crate::model::contraction::SATURATION_MARGIN;
use crate::model::hyper::ValidHyper;
use rand::SeedableRng;

fn hyper(lambda: f64) -> ValidHyper {
    Hyper { lambda, ..Hyper::default() }.validate().unwrap()
}

/// The 2-1-2 net h = σ(x0 − x1 + 0.5), x̂ = σ(2h − 1) (both outputs).
fn tiny() -> Contractive<f64> {
    let mut m = Contractive::<f64>::init(2, 1, &mut Pcg32::seed_from_u64(0));
    m.theta.copy_from_slice(&[1.0, -1.0, 0.5, 2.0, 2.0, -1.0, -1.0]);
    m
}

#[test]
fn gradient_check_below_1e_8() {
    for (case, gap) in gradcheck() {
        println!("{case}: {gap:e}");
        assert!(gap < 1e-8, "{case}: relative difference {gap:e}");
    }
}

#[test]
fn layout_is_untied_ufldl() {
    let m = Contractive::<f64>::init(64, 25, &mut Pcg32::seed_from_u64(3));
    let names: Vec<_> = m.layout().blocks().iter().map(|b| (b.name, b.rows, b.cols)).collect();
    assert_eq!(names, [("w1", 25, 64), ("b1", 25, 1), ("w2", 64, 25), ("b2", 64, 1)]);
    let r = (6.0f64 / 90.0).sqrt();
    assert!(m.theta[m.layout.range(W1)].iter().all(|w| w.abs() < r));
    assert!(m.theta[m.layout.range(B1)].iter().chain(&m.theta[m.layout.range(B2)]).all(|&b| b == 0.0));
    assert_eq!(m.filters().shape(), (25, 64));
    assert_eq!(m.filters().row(3), m.w1().row(3), "filters are W1's rows");
}

#[test]
fn cost_of_a_hand_computed_net() {
    // x = (0.3, 0.8): z = 0.3 − 0.8 + 0.5 = 0, h = 0.5, s = h(1 − h) = 0.25, q = ‖W1‖² = 2;
    // x̂ = σ(2·0.5 − 1) = 0.5 for both outputs.
    let mut m = tiny();
    let x = DMatrix::from_column_slice(2, 1, &[0.3, 0.8]);
    let (hy, knobs) = (hyper(0.1), [0.5, 1e-2]);
    let cost = m.evaluate(&x, &x, &Ctx { hyper: &hy, knobs: &knobs }, &mut Pcg32::seed_from_u64(0));
    // recon = ½((0.5 − 0.3)² + (0.5 − 0.8)²) = ½(0.04 + 0.09) = 0.065
    assert!((cost.recon - 0.065).abs() < 1e-15, "{cost:?}");
    // decay = (0.1/2)(‖W1‖² + ‖W2‖²) = 0.05·(2 + 8) = 0.5
    assert!((cost.decay - 0.5).abs() < 1e-15, "{cost:?}");
    // contraction = λ_J·s²·q = 0.5·0.0625·2 = 0.0625
    assert!((cost.penalties[0] - 0.0625).abs() < 1e-15, "{cost:?}");
    assert!((cost.total() - 0.6275).abs() < 1e-14);
    assert_eq!(m.last_codes()[0], 0.5);
    assert_eq!(m.last_recon().as_slice(), &[0.5, 0.5]);
    // ‖J‖_F = √(s²q) = √0.125
    assert!((m.jacobian_norm(&x) - 0.125f64.sqrt()).abs() < 1e-15);
}

/// ‖∂h/∂x‖²_F by central differences of the encoder, averaged over the patches.
fn numeric_jacobian_sq(m: &mut Contractive<f64>, x: &DMatrix<f64>, ctx: &Ctx) -> (f64, f64) {
    let (n, h, eps) = (m.inputs(), m.hidden(), 1e-6);
    let (mut sum_sq, mut sum_norm) = (0.0, 0.0);
    for i in 0..x.ncols() {
        let mut frob = 0.0;
        for k in 0..n {
            let (mut plus, mut minus) = (x.column(i).clone_owned(), x.column(i).clone_owned());
            plus[k] += eps;
            minus[k] -= eps;
            let (mut hp, mut hm) = (DMatrix::zeros(h, 1), DMatrix::zeros(h, 1));
            m.encode(&DMatrix::from_column_slice(n, 1, plus.as_slice()), ctx, &mut hp);
            m.encode(&DMatrix::from_column_slice(n, 1, minus.as_slice()), ctx, &mut hm);
            frob += (hp - hm).map(|d| (d / (2.0 * eps)).powi(2)).sum();
        }
        sum_sq += frob;
        sum_norm += frob.sqrt();
    }
    (sum_sq / x.ncols() as f64, sum_norm / x.ncols() as f64)
}

#[test]
fn contraction_is_the_mean_squared_jacobian() {
    let mut rng = Pcg32::seed_from_u64(8);
    let mut m = Contractive::<f64>::init(9, 5, &mut rng);
    m.theta.iter_mut().for_each(|v| *v = rng.random_range(-2.0..2.0));
    let x = test_patches(9, 6, 2);
    let (hy, knobs) = (hyper(0.0), [3.0, 1e-2]);
    let ctx = Ctx { hyper: &hy, knobs: &knobs };
    let (mean_sq, mean_norm) = numeric_jacobian_sq(&mut m, &x, &ctx);
    let cost = m.evaluate(&x, &x, &ctx, &mut rng);
    assert!((cost.penalties[0] / 3.0 - mean_sq).abs() < 1e-8 * mean_sq, "{} vs {mean_sq}", cost.penalties[0] / 3.0);
    assert!((m.jacobian_norm(&x) - mean_norm).abs() < 1e-8 * mean_norm);
    assert_eq!(cost.decay, 0.0);
}

#[test]
fn jacobian_norm_of_hand_made_nets() {
    let x = test_patches(2, 4, 1);
    // W1 = 0: the code does not depend on the input at all
    let mut flat = tiny();
    flat.theta[..2].fill(0.0);
    assert_eq!(flat.jacobian_norm(&x), 0.0);
    // W1 = 0 for the input weights but a huge bias: still 0. Scaling the weights by 10 near
    // z = 0 (x0 = x1, bias 0) multiplies ‖J‖ by 10.
    let same = DMatrix::from_column_slice(2, 2, &[0.4, 0.4, 0.7, 0.7]);
    let mut m = tiny();
    m.theta[2] = 0.0;
    let j1 = m.jacobian_norm(&same);
    m.theta[..2].iter_mut().for_each(|w| *w *= 10.0);
    let j10 = m.jacobian_norm(&same);
    assert!((j1 - 0.25 * 2f64.sqrt()).abs() < 1e-15, "s = ¼ at z = 0, ‖W1‖ = √2: {j1}");
    assert!((j10 - 10.0 * j1).abs() < 1e-13);
}

#[test]
fn saturated_fraction_of_hand_made_nets() {
    // three units on two patches: unit 0 always on (bias 10), unit 1 at 0.5 (all zero),
    // unit 2 = σ(20·(x0 − 0.5)): off for x0 = 0.1 (σ(−8)), on for 0.9, 0.5 for 0.5
    let mut m = Contractive::<f64>::init(2, 3, &mut Pcg32::seed_from_u64(0));
    m.theta.fill(0.0);
    let l = m.layout.clone();
    let mut w1 = l.view_mut(&mut m.theta, W1);
    w1[(2, 0)] = 20.0;
    let b1 = &mut m.theta[l.range(B1)];
    b1[0] = 10.0;
    b1[2] = -10.0;
    let x = DMatrix::from_column_slice(2, 3, &[0.1, 0.3, 0.9, 0.3, 0.5, 0.3]);
    // saturated: unit 0 on all three patches, unit 2 on the first two → 5 of 9
    assert!((m.saturated_fraction(&x) - 5.0 / 9.0).abs() < 1e-15);
    assert!(sigmoid(20.0 * 0.4 - 10.0f64) < 0.5 && sigmoid(-10.0f64) < SATURATION_MARGIN);
    m.theta.fill(0.0);
    assert_eq!(m.saturated_fraction(&x), 0.0, "every unit at 0.5");
}

#[test]
fn every_gradient_entry_is_written_and_codes_match_encode() {
    let mut rng = Pcg32::seed_from_u64(4);
    let mut m = Contractive::<f64>::init(16, 6, &mut rng);
    let x = test_patches(16, 5, 9);
    let (hy, knobs) = (hyper(1e-4), [0.3, 1e-2]);
    let ctx = Ctx { hyper: &hy, knobs: &knobs };
    let mut grad = vec![f64::NAN; m.theta().len()];
    let cost = m.cost_and_grad(&x, &x, &ctx, &mut rng, &mut grad);
    assert!(cost.is_finite() && grad.iter().all(|g| g.is_finite()));
    let (mut codes, mut recon) = (DMatrix::zeros(6, 5), DMatrix::zeros(16, 5));
    m.encode(&x, &ctx, &mut codes);
    m.decode(&codes, &mut recon);
    assert_eq!(&codes, m.last_codes());
    assert_eq!(&recon, m.last_recon());
    assert_eq!(m.code_kind(), CodeKind::Unit);
    assert_eq!(m.penalty_names(), ["contraction"]);
    // a smaller batch refits the buffers
    let small = test_patches(16, 2, 1);
    m.evaluate(&small, &small, &ctx, &mut rng);
    assert_eq!(m.last_codes().shape(), (6, 2));
}

#[test]
fn spec_builds_the_f32_model() {
    let shape = Shape { inputs: 64, hidden: 25, output: crate::model::hyper::Output::Sigmoid };
    let m = (SPEC.build)(&shape, &crate::model::knob::defaults(KNOBS), &mut Pcg32::seed_from_u64(1));
    assert_eq!((m.key(), m.inputs(), m.hidden(), m.theta().len()), ("contractive", 64, 25, 2 * 64 * 25 + 25 + 64));
    assert_eq!((KNOBS[LAMBDA_J].key, KNOBS[LR].key), ("lambda_j", "lr"));
}
