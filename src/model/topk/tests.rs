use rand::SeedableRng;

use super::*;
use crate::model::family::CodeKind;
use crate::model::gradcheck::test_patches;
use crate::model::hyper::Hyper;

fn ctx_with(hyper: &crate::model::ValidHyper, knobs: &[f64], f: impl FnOnce(&Ctx)) {
    f(&Ctx { hyper, knobs });
}

#[test]
fn gradient_matches_central_differences() {
    for (name, gap) in gradcheck() {
        println!("topk gradcheck {name}: {gap:.3e}");
        assert!(gap < 1e-8, "{name}: relative difference {gap:e}");
    }
}

/// 2 inputs, 2 units, k = 1, one patch, by hand: x = 7.5·((0.9, 0.3) − 0.5) = (3, −1.5),
/// b_pre = (1, 0) → x − b_pre = (2, −1.5); encoder rows (0.5, 0) and (0, −1), b_enc = (0, 0.2)
/// → pre = (1, 1.7), unit 1 kept: z = (0, 1.7). Decoder columns (1, 0) and (0, 2), used as
/// (1, 0) and (0, 1) → x̂ = (1, 1.7); recon = ½(2² + 3.2²) = 7.12. With unit 0 dead, AuxK
/// reconstructs e = (2, −3.2) from z_aux = (1, 0): ê = (1, 0), auxk = (1/32)·½(1 + 3.2²).
#[test]
fn hand_computed_cost() {
    let mut model = TopK::<f64>::new(2, 2, &mut Pcg32::seed_from_u64(0));
    model.theta_mut().copy_from_slice(&[0.5, 0.0, 0.0, -1.0, 0.0, 0.2, 1.0, 0.0, 0.0, 2.0, 1.0, 0.0]);
    let x = DMatrix::from_column_slice(2, 1, &[0.9, 0.3]);
    let hyper = Hyper::default().validate().unwrap();
    let mut rng = Pcg32::seed_from_u64(0);
    ctx_with(&hyper, &[1.0, 1.0], |ctx| {
        let cost = model.evaluate(&x, &x, ctx, &mut rng);
        assert!((cost.recon - 7.12).abs() < 1e-12 && cost.penalties[0] == 0.0, "no unit dead yet: {cost:?}");
        assert_eq!(model.last_codes().as_slice(), &[0.0, 1.7]);
        assert!((model.last_recon()[1] - (0.5 + 1.7 / 7.5)).abs() < 1e-12);
        model.since_fired[0] = DEAD_AFTER;
        let cost = model.evaluate(&x, &x, ctx, &mut rng);
        assert!((cost.penalties[0] - 0.5 * (1.0 + 3.2 * 3.2) / 32.0).abs() < 1e-12, "{cost:?}");
    });
    ctx_with(&hyper, &[1.0, 0.0], |ctx| {
        assert_eq!(model.evaluate(&x, &x, ctx, &mut rng).penalties[0], 0.0, "AuxK switched off");
    });
}

#[test]
fn init_is_unit_decoder_and_scaled_transposed_encoder() {
    let model = TopK::<f64>::new(64, 25, &mut Pcg32::seed_from_u64(2));
    let f = model.filters();
    assert!((model.encoder_rows() - &f * ENCODER_INIT_SCALE).abs().max() < 1e-15);
    assert!(f.row_iter().all(|r| (r.norm() - 1.0).abs() < 1e-12));
    assert_eq!(model.dead_units(), 0);
}

/// At most k codes per patch are non-zero, and `encode` agrees with the batch's codes
/// without disturbing them.
#[test]
fn at_most_k_units_fire_and_encode_agrees() {
    let hyper = Hyper::default().validate().unwrap();
    let x = test_patches(64, 30, 5);
    let mut model = TopK::<f64>::new(64, 25, &mut Pcg32::seed_from_u64(4));
    let mut grad = vec![0.0; model.theta().len()];
    ctx_with(&hyper, &[4.0, 1.0], |ctx| {
        model.cost_and_grad(&x, &x, ctx, &mut Pcg32::seed_from_u64(0), &mut grad);
        let codes = model.last_codes().clone();
        assert!(codes.column_iter().all(|c| c.iter().filter(|&&v| v != 0.0).count() <= 4));
        assert!(codes.iter().any(|&v| v > 0.0));
        let mut again = DMatrix::zeros(0, 0);
        model.encode(&x.columns(0, 7).into_owned(), ctx, &mut again);
        assert_eq!(again, codes.columns(0, 7));
        assert_eq!(model.last_codes(), &codes, "a readout leaves the batch's codes alone");
    });
}

/// A unit that never fires is dead after DEAD_AFTER patches of training steps, counted once
/// per step; renormalisation keeps decoder columns at unit norm.
#[test]
fn dead_units_are_tracked_per_training_step() {
    let hyper = Hyper::default().validate().unwrap();
    let x = test_patches(64, 100, 6);
    let mut model = TopK::<f64>::new(64, 25, &mut Pcg32::seed_from_u64(4));
    let l = model.layout().clone();
    // unit 3 can never win: a hugely negative bias
    model.theta_mut()[l.range(B_ENC).start + 3] = -1e6;
    let mut grad = vec![0.0; model.theta().len()];
    ctx_with(&hyper, &[4.0, 1.0], |ctx| {
        for step in 1..=(DEAD_AFTER / 100) {
            assert_eq!(model.dead_units(), 0, "step {step}");
            model.cost_and_grad(&x, &x, ctx, &mut Pcg32::seed_from_u64(0), &mut grad);
            model.theta_mut()[l.range(W_DEC)].iter_mut().for_each(|v| *v *= 1.5);
            model.after_update(ctx);
            model.after_update(ctx); // a second call counts no patches
        }
        assert_eq!(model.dead_units(), 1);
        assert!(model.since_fired[3] == DEAD_AFTER);
        let dec = l.view(model.theta(), W_DEC);
        assert!(dec.column_iter().all(|c| (c.norm() - 1.0).abs() < 1e-12));
    });
}

#[test]
fn registry_builds_the_default_model() {
    use crate::model::registry::{spec, Shape};
    let s = spec("topk").expect("registered");
    let shape = Shape { inputs: 64, hidden: 25, output: crate::model::Output::Linear };
    let model = (s.build)(&shape, &crate::model::knob::defaults(s.knobs), &mut Pcg32::seed_from_u64(1));
    assert_eq!((model.key(), model.inputs(), model.hidden()), ("topk", 64, 25));
    assert_eq!(model.penalty_names(), &["auxk"]);
    assert_eq!(model.code_kind(), CodeKind::NonNegative);
}
