//! Training on the built-in natural images, end to end, natively.

use sae_lab::data::natural_images;
use sae_lab::model::{edges, Hyper, ValidHyper};
use sae_lab::train::{LaneConfig, Setup, Trainer};

fn trainer(hyper: Hyper, seed: u64) -> Trainer {
    let setup = Setup { seed, ..Setup::default() };
    Trainer::new(setup, hyper.validate().unwrap(), natural_images(1)).unwrap()
}

fn train(t: &mut Trainer, steps: u32) -> f64 {
    // mean cost of the last (up to) 100 steps
    let window = steps.min(100);
    let mut tail = 0.0;
    for i in 0..steps {
        let c = t.step().expect("default training stays finite");
        if i + window >= steps {
            tail += c.total() / window as f64;
        }
    }
    tail
}

#[test]
fn defaults_learn_localized_oriented_edges_and_lower_the_cost() {
    let mut t = trainer(Hyper::default(), 1);
    let w0 = t.model().filters();
    let start = t.evaluate_fresh().total();
    let end = train(&mut t, 3000);
    let w = &t.model().filters();
    let (loc0, loc) = (edges::mean_localization(&w0, 8), edges::mean_localization(w, 8));
    let (share0, share) = (edges::edge_share(&w0, 8), edges::edge_share(w, 8));
    println!("cost {start:.3} → {end:.3}; localization {loc0:.3} → {loc:.3}; edge share {share0} → {share}");
    assert!(end < 0.9 * start, "cost fell from {start} to {end}");
    assert!(loc > loc0 + 0.1, "filters localized: {loc0} → {loc}");
    assert_eq!(share0, 0.0, "random initial weights are not edge detectors");
    assert!(share >= 0.3, "at least 30% of units are edge detectors after 3000 steps, got {share}");
    // the sparsity target is met on average
    let mean_rho_hat = t.last_batch().1.mean();
    assert!((mean_rho_hat - 0.01).abs() < 0.005, "mean ρ̂ = {mean_rho_hat}");
}

#[test]
fn without_sparsity_no_edges_form() {
    let mut t = trainer(Hyper { beta: 0.0, ..Hyper::default() }, 1);
    train(&mut t, 2000);
    let share = edges::edge_share(&t.model().filters(), 8);
    assert!(share < 0.1, "β = 0 gives dense, non-local filters; edge share {share}");
}

#[test]
fn same_seed_same_run_different_seed_different_run() {
    let (mut a, mut b, mut c) =
        (trainer(Hyper::default(), 5), trainer(Hyper::default(), 5), trainer(Hyper::default(), 6));
    train(&mut a, 50);
    train(&mut b, 50);
    train(&mut c, 50);
    assert_eq!(a.model().theta(), b.model().theta());
    assert_ne!(a.model().theta(), c.model().theta());
    assert_eq!(a.steps(), 50);
}

#[test]
fn hyperparameters_change_between_steps_without_a_reset() {
    let mut t = trainer(Hyper::default(), 2);
    train(&mut t, 20);
    let before = t.model().theta().to_vec();
    let dense = Hyper { rho: 0.3, beta: 5.0, lr: 0.005, ..Hyper::default() }.validate().unwrap();
    t.set_hyper(dense);
    assert_eq!(t.hyper(), &dense);
    assert_eq!(t.model().theta(), before, "changing ρ/β/lr keeps the weights");
    assert_eq!(t.steps(), 20);
    // with ρ = 0.3 the units' mean activation rises towards it
    train(&mut t, 300);
    let mean = t.last_batch().1.mean();
    assert!(mean > 0.1, "ρ̂ moved towards the new ρ = 0.3: {mean}");
}

#[test]
fn budgeted_slices_respect_budget_and_step_cap() {
    let mut t = trainer(Hyper::default(), 3);
    // a fake clock that advances 1 ms per reading
    let mut clock = 0.0;
    let mut now = || {
        clock += 1.0;
        clock
    };
    let s = t.run_budgeted(&mut now, 5.0, 1000);
    assert_eq!(s.steps, 5, "one reading at the start, one per step; stops once 5 ms have passed");
    assert!(s.mean[0].total() > 0.0 && s.diverged.is_none());
    let s = t.run_budgeted(&mut now, 1e9, 7);
    assert_eq!(s.steps, 7, "never more than max_steps");
    let s = t.run_budgeted(&mut now, 0.0, 100);
    assert_eq!(s.steps, 1, "always at least one step");
    assert_eq!(t.steps(), 13);
}

/// θ as bits, so NaN compares equal to itself and a restore is checked bit for bit.
fn bits(theta: &[f32]) -> Vec<u32> {
    theta.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn divergence_restores_the_last_finite_weights() {
    let sae = sae_lab::model::sparse_ae::SPEC.name;
    let mut t = trainer(Hyper { lr: 1.0, ..Hyper::default() }, 4);
    let mut now = || 0.0;
    let init = t.model().theta().to_vec();
    let s = t.run_budgeted(&mut now, 1.0, 10);
    assert!(s.diverged.is_none() && s.steps == 10, "lr 1 trains 10 steps: {s:?}");
    let good = t.model().theta().to_vec();
    assert!(good.iter().all(|v| v.is_finite()) && good != init, "the first slice trained");
    let steps = t.steps();
    // poison one weight: the next step's cost is NaN
    t.model_mut().theta_mut()[0] = f32::NAN;
    let poisoned = t.model().theta().to_vec();
    let s = t.run_budgeted(&mut now, 1.0, 10);
    let d = s.diverged.expect("a NaN weight is reported as divergence");
    assert_eq!(s.steps, 0);
    assert_eq!((d.step, d.lr, d.model), (steps, 1.0, sae), "{d:?}");
    let msg = d.to_string();
    assert!(msg.contains("lower the learning rate") && msg.contains(&sae.to_lowercase()), "{msg}");
    // the slice restored what it started from (the poisoned state is the slice's start)
    assert_eq!(t.steps(), steps);
    assert_eq!(bits(t.model().theta()), bits(&poisoned), "θ is the slice's start, bit for bit");
    // with the weight mended, training goes on from exactly the trained weights
    t.model_mut().theta_mut()[0] = good[0];
    assert_eq!(bits(t.model().theta()), bits(&good));
    let s = t.run_budgeted(&mut now, 1.0, 3);
    assert!(s.diverged.is_none() && t.steps() == steps + 3, "{s:?}");

    // a huge learning rate with SGD blows up to ∞/NaN: weights come back finite
    let setup = Setup { optimizer: sae_lab::model::OptimizerKind::Sgd, ..Setup::default() };
    let huge: ValidHyper = Hyper { lr: 1e30, ..Hyper::default() }.validate().unwrap();
    let mut t = Trainer::new(setup, huge, natural_images(1)).unwrap();
    let init = t.model().theta().to_vec();
    let s = t.run_budgeted(&mut now, 1.0, 50);
    let d = s.diverged.expect("lr 1e30 diverges");
    assert_eq!(d.model, sae, "{d:?}");
    assert_eq!(bits(t.model().theta()), bits(&init), "the weights from before the slice are back, bit for bit");
    assert_eq!(t.steps(), 0);
}

/// When the second of two models diverges, the report names that model and both lanes go
/// back to the start of the slice. The rollback then calls each model's `after_update`, as
/// after every update, which renormalises TopK's decoder columns (a few ulps from the
/// snapshot), so each lane is compared bit for bit with its snapshot passed through
/// `after_update`.
#[test]
fn divergence_in_a_second_lane_names_it_and_restores_both() {
    let topk = sae_lab::model::registry::spec("topk").unwrap();
    let mut huge = LaneConfig::default_for(topk);
    let lr = topk.knobs.iter().position(|k| k.key == "lr").unwrap();
    huge.knobs[lr] = 1e30;
    let lanes = [LaneConfig::default_for(sae_lab::model::registry::default_spec()), huge];
    let hyper = Hyper::default().validate().unwrap();
    let mut t = Trainer::with_lanes(Setup::default(), hyper, &lanes, natural_images(1)).unwrap();
    let before: Vec<Vec<u32>> = (0..2).map(|i| bits(t.model_at(i).theta())).collect();
    let mut now = || 0.0;
    let s = t.run_budgeted(&mut now, 1.0, 20);
    let d = s.diverged.expect("TopK at lr 1e30 diverges");
    assert_eq!((d.model, d.lr), (topk.name, 1e30), "{d:?}");
    assert!(d.to_string().contains(&topk.name.to_lowercase()), "{d}");
    for (i, b) in before.iter().enumerate() {
        assert_eq!(&bits(t.model_at(i).theta()), b, "lane {i} ({}) is back", t.lane_config(i).spec.key);
    }
    assert_eq!(t.steps(), 0);
}

#[test]
fn restore_continues_from_saved_weights_exactly() {
    let mut a = trainer(Hyper::default(), 8);
    train(&mut a, 30);
    let mut b = trainer(Hyper::default(), 8);
    b.restore(a.model().boxed_clone(), a.steps()).unwrap();
    assert_eq!(b.model().theta(), a.model().theta());
    assert_eq!(b.steps(), 30);
    let wrong =
        Trainer::new(Setup { hidden: 10, ..Setup::default() }, Hyper::default().validate().unwrap(), natural_images(1))
            .unwrap();
    let err = b.restore(wrong.model().boxed_clone(), 5).unwrap_err();
    assert!(err.contains("64→10"), "{err}");
    assert_eq!(b.model().theta(), a.model().theta(), "a failed restore keeps the model");
}
