//! The model family through its one seam: every registered model passes its gradient check,
//! trains on the shared stream, saves and loads, and lanes side by side see the same batches.

use sae_lab::data::natural_images;
use sae_lab::model::{Hyper, MODELS};
use sae_lab::state::{load, save, Params};
use sae_lab::train::{LaneConfig, Setup, Trainer};

/// The registry test: one line per model and case, all below UFLDL's bar (and the issue's
/// 1e-8) in f64.
#[test]
fn every_model_passes_its_gradient_check_in_f64() {
    for spec in MODELS {
        let cases = (spec.gradcheck)();
        assert!(!cases.is_empty(), "{} checks nothing", spec.key);
        for (case, diff) in cases {
            println!("{:>14}  {case:<28} {diff:.2e}", spec.key);
            assert!(diff < 1e-8, "{}: {case}: relative difference {diff:e}", spec.key);
        }
    }
}

fn trainer(lanes: &[LaneConfig], seed: u64) -> Trainer {
    let setup = Setup { seed, batch: 64, ..Setup::default() };
    Trainer::with_lanes(setup, Hyper::default().validate().unwrap(), lanes, natural_images(1)).unwrap()
}

#[test]
fn every_model_trains_finitely_and_round_trips_through_a_file() {
    for spec in MODELS {
        let lane = LaneConfig::default_for(spec);
        let mut t = trainer(std::slice::from_ref(&lane), 3);
        for _ in 0..20 {
            let c = t.step().unwrap_or_else(|d| panic!("{}: {d}", spec.key));
            assert!(c.is_finite() && c.recon >= 0.0, "{}: {c:?}", spec.key);
        }
        let m = t.model();
        assert_eq!(m.key(), spec.key);
        assert_eq!(m.filters().shape(), (25, 64), "{}: one filter of p² pixels per unit", spec.key);
        // the page draws from one buffer kept across frames: filled in place once it fits
        let mut rows = nalgebra::DMatrix::from_element(3, 2, f32::NAN);
        m.filters_into(&mut rows);
        assert_eq!(rows, m.filters(), "{}", spec.key);
        let kept = rows.as_ptr();
        m.filters_into(&mut rows);
        assert_eq!(rows.as_ptr(), kept, "{}: a buffer of the right shape is reused", spec.key);
        let (x, codes, recon) = t.last_batch();
        assert_eq!((codes.shape(), recon.shape()), ((25, x.ncols()), x.shape()), "{}", spec.key);
        let params = Params { models: vec![spec.key], batch: 64, seed: 3, ..Params::default() };
        let (p2, steps, back) = load(&save(&params, t.steps(), m)).unwrap();
        assert_eq!((p2.models, steps, back.key()), (vec![spec.key], 20, spec.key));
        assert_eq!(back.theta(), m.theta(), "{}: bit for bit", spec.key);
    }
}

#[test]
fn lanes_train_on_the_same_batches_and_lane_zero_is_a_single_run() {
    let sae = LaneConfig::default_for(&MODELS[0]);
    let other = LaneConfig::default_for(MODELS.last().unwrap());
    let mut single = trainer(std::slice::from_ref(&sae), 9);
    let mut pair = trainer(&[sae.clone(), other], 9);
    for _ in 0..30 {
        single.step().unwrap();
        pair.step().unwrap();
    }
    assert_eq!(pair.lanes(), 2);
    assert_eq!(single.model().theta(), pair.model_at(0).theta(), "a second lane changes nothing in the first");
    assert_eq!(single.last_batch().0, pair.last_batch_at(1).0, "both lanes saw the same patches");
    let too_many = vec![sae; 5];
    let setup = Setup::default();
    let e = Trainer::with_lanes(setup, Hyper::default().validate().unwrap(), &too_many, natural_images(1)).err();
    assert!(e.unwrap().contains("between 1 and 4"));
}
