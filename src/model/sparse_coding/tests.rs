//! Tests of the sparse coding model: the frozen-code gradient check, a hand-computed cost,
//! the envelope theorem, renormalisation and the readouts.

use super::super::gradcheck::{relative_gap, test_patches};
use super::super::hyper::ValidHyper;
use super::super::knob::defaults;
use super::*;
use rand::SeedableRng;

fn ctx_with<'a>(hyper: &'a ValidHyper, knobs: &'a [f64]) -> Ctx<'a> {
    Ctx { hyper, knobs }
}

#[test]
fn gradient_check_with_frozen_codes() {
    for (name, rel) in gradcheck() {
        println!("{name}: {rel:e}");
        assert!(rel < 1e-8, "{name}: relative difference {rel:e}");
    }
}

#[test]
fn hand_computed_cost_of_one_atom() {
    // D = (0.6, 0.8); patch 1 = (0.7, 0.3) → standardised x = (1.5, −1.5), dᵀx = −0.3,
    // so with L = 1 the code is S_λ(dᵀx) = −0.2 for λ = 0.1. Residual x − da =
    // (1.62, −1.34), ½‖·‖² = 2.21. Patch 2 = (0.5, 0.5) → x = 0, a = 0, residual 0.
    // Over m = 2: recon = 1.105, l1 = 0.1·0.2/2 = 0.01, ∂/∂D = −(1/2)·r·a = (0.162, −0.134).
    let mut model = SparseCoding::<f64>::init(2, 1, &mut Pcg32::seed_from_u64(0));
    model.theta_mut().copy_from_slice(&[0.6, 0.8]);
    let x = DMatrix::from_column_slice(2, 2, &[0.7, 0.3, 0.5, 0.5]);
    let hyper = ValidHyper::default();
    let ctx = ctx_with(&hyper, &[0.1, 100.0, 0.1]);
    let mut grad = [f64::NAN; 2];
    let cost = model.cost_and_grad(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0), &mut grad);
    assert!((model.last_codes()[0] + 0.2).abs() < 1e-12, "{}", model.last_codes());
    assert_eq!(model.last_codes()[1], 0.0);
    assert!((cost.recon - 1.105).abs() < 1e-10 && (cost.penalties[0] - 0.01).abs() < 1e-12, "{cost:?}");
    assert_eq!(cost.decay, 0.0);
    assert!((grad[0] - 0.162).abs() < 1e-10 && (grad[1] + 0.134).abs() < 1e-10, "{grad:?}");
    // reconstruction da = (−0.12, −0.16) standardised, back in the sampler's range
    assert!((model.last_recon()[0] - (0.5 - 0.12 / 7.5)).abs() < 1e-12);
}

#[test]
fn envelope_theorem_converged_codes_give_the_full_gradient() {
    // with codes re-inferred to convergence at every perturbed D, the cost min_A J(D, A)
    // has the fixed-code gradient (h < n: strictly convex, one smooth solution)
    let mut model = SparseCoding::<f64>::init(9, 4, &mut Pcg32::seed_from_u64(3));
    let x = test_patches(9, 4, 5);
    let hyper = ValidHyper::default();
    let knobs = [0.5, 3000.0, 0.1];
    let (_, rel) = relative_gap(&mut model, &x, &x, &ctx_with(&hyper, &knobs), "converged");
    assert!(rel < 1e-6, "relative difference {rel:e}");
}

#[test]
fn updates_renormalise_and_readouts_agree() {
    let mut model = SparseCoding::<f32>::init(16, 6, &mut Pcg32::seed_from_u64(1));
    let x = test_patches(16, 5, 2).map(|v| v as f32);
    let hyper = ValidHyper::default();
    let knobs = defaults(KNOBS);
    let ctx = ctx_with(&hyper, &knobs);
    let mut grad = vec![f32::NAN; model.theta().len()];
    model.cost_and_grad(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0), &mut grad);
    assert!(grad.iter().all(|g| g.is_finite()));
    for (p, g) in model.theta_mut().iter_mut().zip(&grad) {
        *p -= 0.5 * g;
    }
    model.after_update(&ctx);
    for col in model.theta().chunks_exact(16) {
        assert!((sq_norm(col) - 1.0).abs() < 1e-5, "atom norm² {}", sq_norm(col));
    }
    assert_eq!(model.filters(), model.dict().transpose());
    // encode + decode reproduces the training path's codes and reconstructions
    model.evaluate(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0));
    let (mut codes, mut x_hat) = (DMatrix::zeros(6, 5), DMatrix::zeros(16, 5));
    model.encode(&x, &ctx, &mut codes);
    model.decode(&codes, &mut x_hat);
    assert!((&codes - model.last_codes()).abs().max() < 1e-6);
    assert!((&x_hat - model.last_recon()).abs().max() < 1e-6);
    assert!(codes.iter().any(|&a| a != 0.0) && codes.iter().any(|&a| a == 0.0), "sparse, not empty");
    // the one-patch trajectory ends at the batch code of that patch
    let path = model.trajectory(x.column(0).as_slice(), &ctx);
    assert_eq!(path.len(), 10);
    assert!(path[9].iter().zip(codes.column(0).iter()).all(|(a, b)| (a - b).abs() < 1e-6));
}

#[test]
fn frozen_codes_stay_until_thawed() {
    let mut model = SparseCoding::<f64>::init(9, 4, &mut Pcg32::seed_from_u64(4));
    let (x, other) = (test_patches(9, 3, 1), test_patches(9, 3, 2));
    let hyper = ValidHyper::default();
    let ctx = ctx_with(&hyper, &[0.5, 10.0, 0.1]);
    model.freeze_codes(&x, &ctx);
    let frozen = model.last_codes().clone();
    model.evaluate(&other, &other, &ctx, &mut Pcg32::seed_from_u64(0));
    assert_eq!(model.last_codes(), &frozen);
    model.thaw();
    model.evaluate(&other, &other, &ctx, &mut Pcg32::seed_from_u64(0));
    assert_ne!(model.last_codes(), &frozen);
}
