//! The stacked autoencoder's claims, each checked natively: its gradient in every phase,
//! phase 1 is the sparse autoencoder bit for bit, a frozen layer stays bit for bit, the phase
//! travels with θ (mirror, file, rollback), the readouts agree with each other, and a layer-2
//! unit's picture is the weighted sum its docs say.

use rand::SeedableRng;

use super::*;
use crate::data::natural_images;
use crate::model::gradcheck::test_patches;
use crate::model::knob::defaults;
use crate::model::registry;
use crate::train::{LaneConfig, Setup, Trainer};

#[test]
fn gradient_matches_central_differences_in_every_phase() {
    let cases = gradcheck();
    assert_eq!(cases.len(), 5);
    for (name, gap) in cases {
        println!("stacked gradcheck {name}: {gap:.3e}");
        assert!(gap < 1e-8, "{name}: relative difference {gap:e}");
    }
}

fn knobs(phase: f64) -> Vec<f64> {
    let mut k = defaults(SPEC.knobs);
    k[KNOB_PHASE] = phase;
    k
}

fn trainer(key: &str, phase: f64) -> Trainer {
    let spec = registry::spec(key).unwrap();
    let lane =
        LaneConfig { spec, knobs: if key == SPEC.key { knobs(phase) } else { defaults(spec.knobs) }, noise: None };
    let setup = Setup { batch: 64, seed: 5, ..Setup::default() };
    Trainer::with_lanes(setup, Hyper::default().validate().unwrap(), &[lane], natural_images(1)).unwrap()
}

/// At its defaults (ρ, β, lr the page's) phase 1 trains exactly the sparse autoencoder: same
/// initial weights from the seed, same steps, same costs.
#[test]
fn phase_one_is_the_sparse_autoencoder_bit_for_bit() {
    let (mut sae, mut stacked) = (trainer("sae", 1.0), trainer("stacked", 1.0));
    for _ in 0..40 {
        assert_eq!(sae.step().unwrap(), stacked.step().unwrap());
    }
    let n = sae.model().theta().len();
    assert!(sae.model().theta() == &stacked.model().theta()[..n], "θ bit for bit");
    assert_eq!(sae.model().filters(), stacked.model().filters());
    assert_eq!(sae.last_batch().1, stacked.last_batch().1, "codes are layer 1's");
    assert_eq!(sae.last_batch().2, stacked.last_batch().2, "and so is the reconstruction");
}

/// Phase 2 moves layer 2 only; phase 3 moves both; the phase entry of θ follows the knob and
/// no update ever moves it.
#[test]
fn frozen_layers_stay_frozen_and_the_phase_follows_the_knob() {
    let mut t = trainer("stacked", 1.0);
    for _ in 0..20 {
        t.step().unwrap();
    }
    let n1 = sae::layout(64, 25).len();
    let before = t.model().theta().to_vec();
    t.set_knobs(0, &knobs(2.0));
    for _ in 0..20 {
        t.step().unwrap();
    }
    let after2 = t.model().theta().to_vec();
    assert!(after2[..n1] == before[..n1], "layer 1 frozen in phase 2, bit for bit (Adam's momentum too)");
    assert!(after2[n1..after2.len() - 1] != before[n1..before.len() - 1], "layer 2 trains");
    assert_eq!((before[before.len() - 1], after2[after2.len() - 1]), (1.0, 2.0));
    t.set_knobs(0, &knobs(3.0));
    for _ in 0..20 {
        t.step().unwrap();
    }
    let after3 = t.model().theta().to_vec();
    assert!(after3[..n1] != after2[..n1], "the fine-tune moves layer 1");
    assert!(after3[n1..after3.len() - 1] != after2[n1..after2.len() - 1], "and layer 2");
    assert_eq!(after3[after3.len() - 1], 3.0);
    // a model that only mirrors θ (the page's copy of the worker's) reads the phase from it
    let mut mirror = trainer("stacked", 1.0);
    mirror.mirror(60, std::slice::from_ref(&after3)).unwrap();
    assert_eq!(mirror.model().filters(), t.model().filters());
    assert_eq!(mirror.model().diagnostics(t.last_batch().0)[0], ("phase", 3.0));
}

/// Every readout tells the same story in every phase: decode(encode(x)) is the reconstruction
/// the cost measured, the codes are the codes, and they are h×m and n×m.
#[test]
fn readouts_agree_with_the_cost_in_every_phase() {
    let hyper = Hyper { lambda: 1e-3, ..Hyper::default() }.validate().unwrap();
    let x = test_patches(16, 12, 3);
    for phase in [1.0, 2.0, 3.0] {
        let mut m = seeded_f64(16, 6, 1.0, 9);
        let k = knobs(phase);
        let ctx = Ctx { hyper: &hyper, knobs: &k };
        let cost = m.evaluate(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0));
        assert!(cost.is_finite() && cost.recon > 0.0);
        assert_eq!(m.phase().number(), phase, "the cost call takes the knob's phase");
        let (mut codes, mut back) = (DMatrix::zeros(0, 0), DMatrix::zeros(0, 0));
        m.encode(&x, &ctx, &mut codes);
        m.decode(&codes, &mut back);
        assert_eq!(codes.shape(), (6, 12));
        assert!((&codes - m.last_codes()).abs().max() < 1e-14, "phase {phase}");
        assert!((&back - m.last_recon()).abs().max() < 1e-14, "phase {phase}");
        let (active1, active2) = (cost.penalties[0] != 0.0, cost.penalties[1] != 0.0);
        assert_eq!((active1, active2), (phase != 2.0, phase != 1.0), "phase {phase}: which sparsity terms count");
        // phase 2's reconstruction cost is of layer 1's codes (h values), the others' of the patch
        let pixels = m.last_recon().sum();
        assert!(pixels.is_finite());
    }
}

/// A layer-2 unit's picture is Σ V1ₖⱼ·W1ⱼ over its TOP_INPUTS largest positive weights.
#[test]
fn a_layer_two_picture_is_the_weighted_sum_of_its_strongest_inputs() {
    let mut m = seeded_f64(16, 12, 2.0, 4);
    let (w1, v1) = (m.layer1().w1().into_owned(), m.layer2().w1().into_owned());
    let f = m.filters();
    for k in [0, 5, 11] {
        let row: Vec<f64> = v1.row(k).iter().copied().collect();
        let mut idx: Vec<usize> = (0..12).filter(|&j| row[j] > 0.0).collect();
        idx.sort_by(|&a, &b| row[b].total_cmp(&row[a]));
        idx.truncate(TOP_INPUTS);
        let want = idx.iter().fold(nalgebra::RowDVector::zeros(16), |acc, &j| acc + w1.row(j) * row[j]);
        assert!((f.row(k) - want).abs().max() < 1e-12, "unit {k}");
    }
    assert_eq!(top_inputs(&[0.5, -2.0, 3.0, 0.1, 0.0], 2), vec![(2, 3.0), (0, 0.5)]);
    assert_eq!(top_inputs(&[-1.0f64, -2.0], 3), vec![], "no positive input, an empty picture");
    // in phase 1 the filters are layer 1's rows
    let at = m.layout().range(PHASE).start;
    m.theta_mut()[at] = 1.0;
    assert_eq!(m.filters(), w1);
}

/// The saved file keeps both layers and the phase; a fresh build takes the phase from its knob.
#[test]
fn the_file_keeps_both_layers_and_the_phase() {
    use crate::state::{load, save, Params};
    let mut t = trainer("stacked", 1.0);
    t.step().unwrap();
    t.set_knobs(0, &knobs(2.0));
    t.step().unwrap();
    let i = registry::MODELS.iter().position(|m| m.key == SPEC.key).unwrap();
    let mut params = Params { models: vec![SPEC.key], batch: 64, seed: 5, ..Params::default() };
    params.knobs[i] = knobs(2.0);
    let (p2, steps, back) = load(&save(&params, t.steps(), t.model())).unwrap();
    assert_eq!((p2.knobs[i][KNOB_PHASE], steps), (2.0, 2));
    assert!(back.theta() == t.model().theta(), "θ bit for bit");
    assert_eq!(back.filters(), t.model().filters(), "read as phase 2");
    let built = (SPEC.build)(
        &registry::Shape { inputs: 64, hidden: 25, output: Output::Sigmoid },
        &knobs(3.0),
        &mut Pcg32::seed_from_u64(1),
    );
    assert_eq!(built.diagnostics(t.last_batch().0)[0], ("phase", 3.0));
    let names: Vec<_> = back.layout().blocks().iter().map(|b| b.name).collect();
    assert_eq!(names, ["w1", "b1", "w2", "b2", "v1", "c1", "v2", "c2", "phase"]);
}

#[test]
fn mixing_counts_inputs_and_shares() {
    // unit 0: weights 3, 1 (half of 4 is reached by the first); unit 1: 1, 1, 1, 1 (two needed)
    let v = DMatrix::from_row_slice(2, 4, &[3.0f64, 1.0, -5.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
    let (half, top) = mixing(&v.as_view());
    assert!((half - 1.5).abs() < 1e-12 && (top - (0.75 + 0.25) / 2.0).abs() < 1e-12, "{half} {top}");
}

/// "Start layer 2" is a live change of one knob (the model is kept), and a link carries it.
#[test]
fn starting_layer_two_is_a_live_change_a_link_carries() {
    use crate::state::params::Change;
    use crate::state::{from_hash, to_hash, Params};
    let i = registry::MODELS.iter().position(|m| m.key == SPEC.key).unwrap();
    let before = Params { models: vec![SPEC.key], hidden: 100, patch: 12, ..Params::default() };
    let mut after = before.clone();
    after.knobs[i][KNOB_PHASE] = 2.0;
    assert_eq!(after.change_from(&before), Change::Live);
    let link = to_hash(&after);
    assert!(link.contains("stacked.phase=2"), "{link}");
    assert_eq!(from_hash(&link).0.knobs[i][KNOB_PHASE], 2.0);
}
