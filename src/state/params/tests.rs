//! Tests of the settings table; the in-range settings strategy the sibling tests share.

use super::*;

#[test]
fn defaults_are_the_ufldl_experiment_and_in_range() {
    let p = Params::default();
    assert_eq!((p.hidden, p.patch, p.batch, p.seed), (25, 8, 256, 1));
    assert_eq!((p.rho, p.beta, p.l1, p.lambda, p.lr, p.noise), (0.01, 3.0, 0.1, 1e-4, 1e-2, 0.0));
    assert_eq!(
        (p.output, p.optimizer, p.penalty, p.layout),
        (Output::Sigmoid, OptimizerKind::Adam, Penalty::Kl, Layout::Normal)
    );
    assert_eq!((p.stop_after, p.step_ms, p.hide.len()), (0, 0.0, 0));
    assert_eq!(p.check(), Ok(()));
    assert_eq!(p.setup(), Setup::default());
    assert_eq!(p.hyper(), Hyper::default());
    assert!(p.hyper().validate().is_ok());
}

#[test]
fn every_field_is_live_or_rebuild_and_keys_are_unique() {
    let mut keys: Vec<_> = FIELDS.iter().map(|f| f.key).collect();
    assert!(FIELDS.iter().all(|f| f.change != Change::None));
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), FIELDS.len());
    assert_eq!(FIELDS.len(), 19, "one entry per field of Params");
}

#[test]
fn shape_changes_rebuild_and_the_rest_is_live() {
    let old = Params::default();
    assert_eq!(old.change_from(&old), Change::None);
    let rebuild: [fn(&mut Params); 7] = [
        |p| p.hidden = 36,
        |p| p.patch = 10,
        |p| p.batch = 512,
        |p| p.seed = 2,
        |p| p.data = Dataset::Bars,
        |p| p.whiten = false,
        |p| p.output = Output::Linear,
    ];
    let live: [fn(&mut Params); 12] = [
        |p| p.rho = 0.05,
        |p| p.beta = 0.0,
        |p| p.l1 = 1.0,
        |p| p.penalty = Penalty::L1,
        |p| p.lambda = 0.0,
        |p| p.lr = 0.1,
        |p| p.noise = 0.3,
        |p| p.optimizer = OptimizerKind::Sgd,
        |p| p.stop_after = 300,
        |p| p.step_ms = 500.0,
        |p| {
            p.hide.insert("pca".into());
        },
        |p| p.layout = Layout::Present,
    ];
    for (edits, want) in [(&rebuild[..], Change::Rebuild), (&live[..], Change::Live)] {
        for edit in edits {
            let mut p = old.clone();
            edit(&mut p);
            assert_eq!(p.change_from(&old), want, "{p:?}");
            assert_eq!(old.change_from(&p), want, "symmetric");
        }
    }
    // a shape change together with a live one is still a rebuild
    let p = Params { hidden: 36, rho: 0.05, ..old.clone() };
    assert_eq!(p.change_from(&old), Change::Rebuild);
    // NaN is not a change on every comparison
    let nan = Params { lr: f64::NAN, ..old };
    assert_eq!(nan.change_from(&nan.clone()), Change::None);
}

#[test]
fn check_names_the_first_bad_setting() {
    let bad = Params { rho: 5.0, hidden: 1, ..Params::default() };
    assert_eq!(bad.check(), Err("hidden = 1 is below the smallest allowed value 2".into()));
    let bad = Params { rho: 5.0, ..Params::default() };
    assert_eq!(bad.check(), Err("rho = 5 is above the largest allowed value 0.5".into()));
    let bad = Params { lr: f64::NAN, ..Params::default() };
    assert!(bad.check().unwrap_err().contains("not a finite number"));
    let mut bad = Params::default();
    bad.hide.insert("nonsense".into());
    assert!(bad.check().unwrap_err().contains("'nonsense'"));
}

#[test]
fn setup_and_hyper_carry_every_field() {
    let p = Params {
        hidden: 36,
        patch: 10,
        batch: 128,
        seed: 9,
        output: Output::Linear,
        optimizer: OptimizerKind::Sgd,
        penalty: Penalty::L1,
        rho: 0.05,
        beta: 1.5,
        l1: 0.3,
        lambda: 1e-3,
        lr: 0.1,
        noise: 0.2,
        ..Params::default()
    };
    let s = p.setup();
    assert_eq!(
        (s.hidden, s.patch, s.batch, s.seed, s.output, s.optimizer),
        (36, 10, 128, 9, Output::Linear, OptimizerKind::Sgd)
    );
    let h = p.hyper();
    assert_eq!(
        (h.rho, h.beta, h.l1, h.penalty, h.lambda, h.lr, h.noise),
        (0.05, 1.5, 0.3, Penalty::L1, 1e-3, 0.1, 0.2)
    );
}

/// Random in-range settings for the property tests of this module and its siblings.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn arb_params() -> impl proptest::strategy::Strategy<Value = Params> {
    use proptest::prelude::*;
    // a value anywhere in the range, with the ends themselves drawn often
    fn real(min: f64, max: f64) -> BoxedStrategy<f64> {
        prop_oneof![1 => Just(min), 1 => Just(max), 6 => min..=max].boxed()
    }
    let shape = (4usize..=400, 4usize..=16, 16usize..=2048, any::<u32>(), any::<bool>(), any::<bool>(), any::<bool>());
    let hyper = (real(0.001, 0.5), real(0.0, 10.0), real(0.0, 10.0), real(0.0, 0.1), real(1e-5, 1.0), real(0.0, 1.0));
    let show = (
        prop_oneof![Just(0u64), 0u64..=1_000_000_000],
        real(0.0, 2000.0),
        proptest::sample::subsequence(HIDEABLE.to_vec(), 0..=HIDEABLE.len()),
        any::<bool>(),
    );
    let data = (proptest::sample::select(Dataset::ALL.to_vec()), any::<bool>());
    (shape, hyper, show, data).prop_map(
        |((h, p, b, seed, lin, sgd, l1p), (rho, beta, l1, lambda, lr, noise), show, data)| Params {
            hidden: h,
            patch: p,
            batch: b,
            seed: seed as u64,
            data: data.0,
            whiten: data.1,
            output: if lin { Output::Linear } else { Output::Sigmoid },
            optimizer: if sgd { OptimizerKind::Sgd } else { OptimizerKind::Adam },
            penalty: if l1p { Penalty::L1 } else { Penalty::Kl },
            rho,
            beta,
            l1,
            lambda,
            lr,
            noise,
            stop_after: show.0,
            step_ms: show.1,
            hide: show.2.into_iter().map(String::from).collect(),
            layout: if show.3 { Layout::Present } else { Layout::Normal },
            ..Params::default()
        },
    )
}

#[test]
fn with_shape_of_takes_exactly_the_rebuild_fields() {
    let live = Params { rho: 0.2, lr: 0.5, ..Params::default() };
    let shape = Params { hidden: 36, data: Dataset::Bars, whiten: false, seed: 9, rho: 0.05, ..Params::default() };
    let mixed = live.with_shape_of(&shape);
    assert_eq!((mixed.hidden, mixed.data, mixed.whiten, mixed.seed), (36, Dataset::Bars, false, 9));
    assert_eq!((mixed.rho, mixed.lr), (0.2, 0.5));
    assert_eq!(mixed.change_from(&shape), Change::Live);
    assert_eq!(mixed.change_from(&live), Change::Rebuild);
}

#[test]
fn every_control_of_the_table_can_be_hidden_and_has_its_own_name() {
    use super::{Place, FIELDS, HIDEABLE};
    let mut names: Vec<&str> = FIELDS.iter().map(|f| f.ui.name).collect();
    for f in FIELDS.iter().filter(|f| f.ui.place != Place::Link) {
        assert!(HIDEABLE.contains(&f.ui.name), "hide={} is not accepted", f.ui.name);
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), FIELDS.len(), "two settings share a control name");
}
