use rand::SeedableRng;

use super::*;
use crate::model::gradcheck::test_patches;
use crate::model::hyper::Hyper;

#[test]
fn gradient_matches_central_differences() {
    for (name, gap) in gradcheck() {
        println!("relu-l1 gradcheck {name}: {gap:.3e}");
        assert!(gap < 1e-8, "{name}: relative difference {gap:e}");
    }
}

/// 2 inputs, 1 unit, one patch, by hand: x = 7.5·(0.9 − 0.5, 0.3 − 0.5) = (3, −1.5);
/// W_enc = (0.5, 0.2), b_enc = 0.1 → z = 1.5 − 0.3 + 0.1 = 1.3; W_dec = (0.6, 0.8)ᵀ
/// (norm 1), b_dec = (0.1, 0) → x̂ = (0.88, 1.04); recon = ½(2.12² + 2.54²) = 5.4722;
/// l1 = 2 → penalty 2·1.3·1 = 2.6.
#[test]
fn hand_computed_cost() {
    let mut model = ReluL1::<f64>::new(2, 1, &mut Pcg32::seed_from_u64(0));
    model.theta_mut().copy_from_slice(&[0.5, 0.2, 0.1, 0.6, 0.8, 0.1, 0.0]);
    let x = DMatrix::from_column_slice(2, 1, &[0.9, 0.3]);
    let hyper = Hyper::default().validate().unwrap();
    let cost = model.evaluate(&x, &x, &Ctx { hyper: &hyper, knobs: &[2.0] }, &mut Pcg32::seed_from_u64(0));
    assert!((cost.recon - 0.5 * (2.12f64.powi(2) + 2.54f64.powi(2))).abs() < 1e-12, "{cost:?}");
    assert!((cost.penalties[0] - 2.6).abs() < 1e-12, "{cost:?}");
    assert!((model.last_codes()[0] - 1.3).abs() < 1e-12);
    // the output is back in the sampler's range: 0.5 + x̂/7.5
    assert!((model.last_recon()[1] - (0.5 + 1.04 / 7.5)).abs() < 1e-12);
}

#[test]
fn init_ties_encoder_to_decoder_at_norm_0_1() {
    let model = ReluL1::<f64>::new(64, 25, &mut Pcg32::seed_from_u64(2));
    let f = model.filters();
    assert_eq!(f, model.encoder_rows(), "W_enc = W_decᵀ");
    for row in f.row_iter() {
        assert!((row.norm() - INIT_DECODER_NORM).abs() < 1e-12);
    }
}

/// The norm-weighted penalty cannot be dodged: scaling W_enc, b_enc by c and W_dec by 1/c
/// leaves both terms as they are.
#[test]
fn penalty_is_invariant_to_code_rescaling() {
    let hyper = Hyper::default().validate().unwrap();
    let ctx = Ctx { hyper: &hyper, knobs: &[3.0] };
    let x = test_patches(64, 20, 4);
    let mut model = ReluL1::<f64>::new(64, 8, &mut Pcg32::seed_from_u64(3));
    let before = model.evaluate(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0));
    let l = model.layout().clone();
    let th = model.theta_mut();
    th[l.range(W_ENC).start..l.range(B_ENC).end].iter_mut().for_each(|v| *v *= 4.0);
    th[l.range(W_DEC)].iter_mut().for_each(|v| *v /= 4.0);
    let after = model.evaluate(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0));
    assert!((before.total() - after.total()).abs() < 1e-10 * before.total(), "{before:?} vs {after:?}");
}

#[test]
fn registry_builds_the_default_model() {
    use crate::model::registry::{spec, Shape};
    let s = spec("relu-l1").expect("registered");
    let shape = Shape { inputs: 64, hidden: 25, output: crate::model::Output::Linear };
    let model = (s.build)(&shape, &crate::model::knob::defaults(s.knobs), &mut Pcg32::seed_from_u64(1));
    assert_eq!((model.key(), model.inputs(), model.hidden()), ("relu-l1", 64, 25));
    assert_eq!(model.penalty_names(), &["l1"]);
    assert_eq!(model.code_kind(), CodeKind::NonNegative);
}
