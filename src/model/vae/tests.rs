use rand::SeedableRng;

use super::*;
use crate::model::gradcheck::test_patches;
use crate::model::hyper::Hyper;

#[test]
fn gradient_matches_central_differences() {
    for (name, gap) in gradcheck() {
        println!("vae gradcheck {name}: {gap:.3e}");
        assert!(gap < 1e-8, "{name}: relative difference {gap:e}");
    }
}

#[test]
fn normals_are_standard_and_seeded() {
    let mut a = vec![0.0f64; 20_001];
    fill_normals(&mut a, &mut Pcg32::seed_from_u64(4));
    let n = a.len() as f64;
    let mean = a.iter().sum::<f64>() / n;
    let var = a.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    assert!(mean.abs() < 0.02 && (var - 1.0).abs() < 0.03, "mean {mean}, variance {var}");
    let mut b = vec![0.0f64; 20_001];
    fill_normals(&mut b, &mut Pcg32::seed_from_u64(4));
    assert_eq!(a, b, "the same seed gives the same ε");
}

/// 2 inputs, 1 latent, one patch, against the formulas with the ε the model drew:
/// x = 7.5·(0.9 − 0.5, 0.3 − 0.5) = (3, −1.5); μ = 0.5·3 + 0.2·(−1.5) + 0.1 = 1.3;
/// log σ² = 0.1·3 − 0.2·(−1.5) − 0.5 = 0.1; z = μ + e^0.05·ε; x̂ = (0.6, 0.8)·z + (0.1, 0).
#[test]
fn hand_computed_cost() {
    let mut model = Vae::<f64>::new(2, 1, &mut Pcg32::seed_from_u64(0));
    model.theta_mut().copy_from_slice(&[0.5, 0.2, 0.1, 0.1, -0.2, -0.5, 0.6, 0.8, 0.1, 0.0]);
    let x = DMatrix::from_column_slice(2, 1, &[0.9, 0.3]);
    let hyper = Hyper { lambda: 0.01, ..Hyper::default() }.validate().unwrap();
    let cost = model.evaluate(&x, &x, &Ctx { hyper: &hyper, knobs: &[2.0] }, &mut Pcg32::seed_from_u64(9));
    let mut eps = [0.0f64; 1];
    fill_normals(&mut eps, &mut Pcg32::seed_from_u64(9));
    let z = 1.3 + 0.05f64.exp() * eps[0];
    let (e0, e1) = (0.6 * z + 0.1 - 3.0, 0.8 * z + 1.5);
    assert!((cost.recon - 0.5 * (e0 * e0 + e1 * e1)).abs() < 1e-12, "{cost:?}");
    let kl = 0.5 * (1.3f64.powi(2) + 0.1f64.exp() - 0.1 - 1.0);
    assert!((cost.penalties[0] - 2.0 * kl).abs() < 1e-12, "{cost:?}");
    let sq = 0.25 + 0.04 + 0.01 + 0.04 + 0.36 + 0.64;
    assert!((cost.decay - 0.005 * sq).abs() < 1e-12, "{cost:?}");
    assert!((model.last_codes()[0] - 1.3).abs() < 1e-12, "the code is μ, not z");
    assert!((model.last_recon()[1] - (0.5 + (0.8 * z) / 7.5)).abs() < 1e-12, "decoded from z, sampler range");
}

/// At the prior (μ = 0, σ = 1 for every patch: W = 0, biases 0) the KL is 0 and no latent
/// is active; encode gives μ, and decode of μ is the decoder's bias.
#[test]
fn the_prior_costs_nothing_and_nothing_is_active() {
    let mut model = Vae::<f64>::new(16, 4, &mut Pcg32::seed_from_u64(1));
    model.theta_mut().iter_mut().for_each(|v| *v = 0.0);
    let x = test_patches(16, 30, 2);
    let hyper = Hyper::default().validate().unwrap();
    let cost = model.evaluate(&x, &x, &Ctx { hyper: &hyper, knobs: &[1.0] }, &mut Pcg32::seed_from_u64(0));
    assert_eq!(cost.penalties[0], 0.0);
    assert_eq!(model.diagnostics(&x), vec![("active latents", 0.0), ("KL per latent (nats)", 0.0)]);
    let mut codes = DMatrix::from_element(4, 30, 1.0);
    model.encode(&x, &Ctx { hyper: &hyper, knobs: &[1.0] }, &mut codes);
    assert!(codes.iter().all(|&v| v == 0.0));
}

/// Latent 0 follows pixel 0 (μ varies with the patch), latent 1 is constant: one active.
#[test]
fn active_latents_follow_burda() {
    let mu = DMatrix::from_row_slice(2, 4, &[-0.3, 0.3, -0.3, 0.3, 0.05, 0.05, 0.05, 0.05]);
    let lv = DMatrix::zeros(2, 4);
    let (active, kl) = active_and_kl(&mu, &lv);
    assert_eq!(active, 1, "variance 0.09 > 0.01, and 0");
    assert!((kl - (4.0 * 0.5 * 0.09 + 4.0 * 0.5 * 0.0025) / 8.0).abs() < 1e-12);
}

#[test]
fn registry_builds_the_default_model() {
    use crate::model::registry::{spec, Shape};
    let s = spec("vae").expect("registered");
    let shape = Shape { inputs: 64, hidden: 25, output: crate::model::Output::Linear };
    let model = (s.build)(&shape, &crate::model::knob::defaults(s.knobs), &mut Pcg32::seed_from_u64(1));
    assert_eq!((model.key(), model.inputs(), model.hidden()), ("vae", 64, 25));
    assert_eq!(model.penalty_names(), &["kl"]);
    assert_eq!(model.code_kind(), CodeKind::Gaussian);
    assert_eq!(model.filters().shape(), (25, 64));
}
