//! What the stacked autoencoder's layer 2 learns from layer 1's edges, measured.
//!
//! Layer 1 (12×12 patches, 100 units, the sparse autoencoder at ρ = 0.01, β = 3) trains on the
//! built-in whitened photographs (and, as a second test, on dead leaves) until most of its
//! units are edges; then phase 2 trains layer 2 (100 units, ρ₂ = 0.05, β₂ = 1, λ₂ = 0) on its
//! codes, then phase 3 fine-tunes both. Each layer-2 unit is read through its strongest inputs
//! (its [`TOP_INPUTS`] largest positive weights), the layer-1 filters that pass the Gabor-fit
//! edge test, with orientation and centre from that fit:
//! - how many inputs carry half of its positive weight (1: one edge re-coded);
//! - how alike their orientations are: R = |Σ w·e^{2iθ}| / Σ w (1: all parallel, 0: all
//!   orientations), against R of random sets of as many layer-1 edges (chance);
//! - how its two strongest edge inputs lie: collinear (same orientation, offset along the
//!   edge: a contour), parallel (offset across), at an angle (≥ 30° apart, centres within half
//!   a patch: a corner or junction), or the same edge twice; against all pairs of layer-1 edges.
//!
//! Measured (seed 1, 6 000 + 3 000 + 1 000 steps, batch 256; `--nocapture` prints it), on the
//! photographs / dead leaves:
//! - layer 1: 83 / 61 of 100 units are edges;
//! - layer 2 learns its task: its error on layer 1's codes falls from 0.052 to 0.0019 / 0.031
//!   to 0.0023 in 3 000 steps;
//! - but it does not make contours or corners: half of a unit's positive weight comes from
//!   12.2 / 11.2 layer-1 units; their orientation coherence is 0.64 / 0.42 against 0.71 / 0.46
//!   for random sets of layer-1 edges (so they mix orientations a little *more* than chance);
//!   its two strongest edges are collinear for 6 % / 7 % of units (chance 9 % / 11 %), at an
//!   angle within half a patch for 26 % / 49 % (chance 28 % / 45 %), parallel 39 % / 8 %
//!   (chance 38 % / 10 %); its picture (Σ V1ₖⱼ·W1ⱼ over its 8 strongest inputs) passes the
//!   edge test for 4 / 6 of 100 units: cross-hatched mixtures of several edges over the patch;
//! - the fine-tune lowers the patch's reconstruction error through both layers from 0.757 to
//!   0.487 / 0.926 to 0.598 in 1 000 steps (layer 1 alone: 0.710 / 0.857), while layer 1's
//!   edges fall to 48 / 51 and layer-2 units stay mixtures (13.6 / 13.0 inputs for half the
//!   weight). On the photographs their strongest pairs are then at an angle more often than
//!   chance (48 % against 31 %), but not with seed 2 (38 % against 35 %), so no claim is made.
//!
//! Seed 2 gives the same picture (layer 1 81 / 59 edges; 12.1 / 11.2 inputs for half; pictures
//! that are edges 2 / 1; collinear 12 % / 17 % against 15 % / 10 %; fine-tune 0.764 → 0.470 /
//! 0.926 → 0.620). "As chance" is asserted as within three binomial standard errors.
//!
//! So not Lee et al.'s result: layer 2 learns a distributed recoding of the edges, each unit a
//! mixture of about a dozen of them, as a sparse autoencoder learns from any input whose
//! components are nearly independent. Untested here: whether more layer-1 units or larger patches
//! (Lee et al. had 400 first-layer bases) would change that.
//! The same λ that layer 1 uses (1e-4) drives layer 2's weights to 0 (`lambda2` knob), and
//! layer 2's biases start at its target rates (`Stacked::with_layer2_rates`): without either, it
//! learns nothing.

mod common;

use std::time::Instant;

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;
use sae_lab::data::Dataset;
use sae_lab::model::gabor::{self, GaborFit};
use sae_lab::model::knob::defaults;
use sae_lab::model::stacked::{top_inputs, KNOB_PHASE, SPEC, TOP_INPUTS};
use sae_lab::model::Hyper;
use sae_lab::train::{Setup, Trainer};

const P: usize = 12;
const H: usize = 100;
const LAYER1_STEPS: usize = 6000;
const LAYER2_STEPS: usize = 3000;
const FINE_TUNE_STEPS: usize = 1000;

fn knobs(phase: f64) -> Vec<f64> {
    let mut k = defaults(SPEC.knobs);
    k[KNOB_PHASE] = phase;
    k
}

/// Layer 1's filters that pass the edge test, with their Gabor fits (None for the others).
fn layer1_edges(t: &Trainer) -> Vec<Option<GaborFit>> {
    let m = t.model();
    let w1 = m.layout().view(m.theta(), 0).into_owned();
    (0..w1.nrows())
        .map(|k| {
            let g = gabor::fit(&w1.row(k).iter().copied().collect::<Vec<f32>>(), P);
            (g.explained >= sae_lab::model::edges::EXPLAINED_MIN && g.orientedness >= 0.45).then_some(g)
        })
        .collect()
}

/// Orientation difference in degrees, 0–90.
fn angle(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(std::f32::consts::PI);
    d.min(std::f32::consts::PI - d).to_degrees()
}

/// How two edges lie (module docs), as a class index: 0 the same edge, 1 collinear, 2 parallel,
/// 3 at an angle, 4 at an angle but far apart, 5 other (20°–30° apart).
fn classify(a: &GaborFit, b: &GaborFit) -> usize {
    let (ga, gb) = (a.gabor, b.gabor);
    let dt = angle(ga.theta, gb.theta);
    let (dx, dy) = (gb.x0 - ga.x0, gb.y0 - ga.y0);
    let d = (dx * dx + dy * dy).sqrt();
    let th = ga.theta; // the carrier's direction, across the edge
    let across = (dx * th.cos() + dy * th.sin()).abs();
    let along = (-dx * th.sin() + dy * th.cos()).abs();
    match (dt, d) {
        (dt, d) if dt < 20.0 && d < 1.5 => 0,
        (dt, _) if dt < 20.0 && along > across => 1,
        (dt, _) if dt < 20.0 => 2,
        (dt, d) if dt >= 30.0 && d <= P as f32 / 2.0 => 3,
        (dt, _) if dt >= 30.0 => 4,
        _ => 5,
    }
}

fn shares(classes: &[usize]) -> [f32; 6] {
    let mut out = [0.0; 6];
    for &c in classes {
        out[c] += 1.0 / classes.len().max(1) as f32;
    }
    out
}

/// R = |Σ w·e^{2iθ}| / Σ w of weighted orientations.
fn coherence(items: &[(f32, f32)]) -> f32 {
    let (c, s, w) = items
        .iter()
        .fold((0.0, 0.0, 0.0), |(c, s, t), &(w, th)| (c + w * (2.0 * th).cos(), s + w * (2.0 * th).sin(), t + w));
    (c * c + s * s).sqrt() / w
}

/// What layer 2 combines, read from V1 and layer 1's fits.
#[derive(Debug)]
struct Combination {
    /// Mean over units of how many inputs carry half the positive weight.
    inputs_for_half: f64,
    /// Mean orientation coherence of each unit's strongest edge inputs, and by chance.
    coherence: f32,
    coherence_chance: f32,
    /// Shares of the classes of each unit's two strongest edge inputs, and of all layer-1 pairs.
    pairs: [f32; 6],
    pairs_chance: [f32; 6],
    /// Units with two edge inputs (the number of pairs).
    units: usize,
}

impl Combination {
    /// True when the share of pair class `c` is within three binomial standard errors of
    /// its share among random pairs of layer-1 edges (about ±0.09 at 10 %, ±0.15 at 45 %,
    /// for 100 units): what chance alone allows.
    fn near_chance(&self, c: usize) -> bool {
        let p = self.pairs_chance[c];
        (self.pairs[c] - p).abs() <= 3.0 * (p * (1.0 - p) / self.units.max(1) as f32).sqrt()
    }
}

fn combination(t: &Trainer, l1: &[Option<GaborFit>]) -> Combination {
    let m = t.model();
    let v1: DMatrix<f32> = m.layout().view(m.theta(), m.layout().index("v1").unwrap()).into_owned();
    let edges: Vec<GaborFit> = l1.iter().flatten().copied().collect();
    let mut rng = Pcg32::seed_from_u64(7);
    let (mut pairs, mut coh, mut coh_chance) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..v1.nrows() {
        let row: Vec<f32> = v1.row(k).iter().copied().collect();
        let top: Vec<(f32, GaborFit)> =
            top_inputs(&row, TOP_INPUTS).into_iter().filter_map(|(j, w)| l1[j].map(|g| (w, g))).collect();
        if top.len() >= 2 {
            pairs.push(classify(&top[0].1, &top[1].1));
            coh.push(coherence(&top.iter().map(|(w, g)| (*w, g.gabor.theta)).collect::<Vec<_>>()));
            // chance: as many random layer-1 edges with the same weights
            let random: Vec<(f32, f32)> =
                top.iter().map(|(w, _)| (*w, edges[rng.random_range(0..edges.len())].gabor.theta)).collect();
            coh_chance.push(coherence(&random));
        }
    }
    let mut all = Vec::new();
    for i in 0..edges.len() {
        for j in i + 1..edges.len() {
            all.push(classify(&edges[i], &edges[j]));
        }
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;
    let (half, _) = sae_lab::model::stacked::mixing(&v1.as_view());
    Combination {
        inputs_for_half: half,
        coherence: mean(&coh),
        coherence_chance: mean(&coh_chance),
        pairs: shares(&pairs),
        pairs_chance: shares(&all),
        units: pairs.len(),
    }
}

/// The reconstruction error of the patch through both layers (phase 3's), on 10 fresh
/// batches; training goes on in phase `phase`.
fn stack_recon(t: &mut Trainer, phase: f64) -> f64 {
    t.set_knobs(0, &knobs(3.0));
    let r = (0..10).map(|_| t.evaluate_fresh().recon).sum::<f64>() / 10.0;
    t.set_knobs(0, &knobs(phase));
    r
}

struct Run {
    layer1_edges: usize,
    layer1_recon: f64,
    code_recon_start: f64,
    code_recon: f64,
    combination: Combination,
    pictures_edges: usize,
    stack_before: f64,
    stack_after: f64,
}

fn run(data: Dataset, seed: u64) -> Run {
    let t0 = Instant::now();
    let setup = Setup { patch: P, hidden: H, batch: 256, seed, ..Setup::default() };
    let images = data.builtin(1, true).unwrap();
    let lane = common::lane("stacked", &[]);
    let mut t = Trainer::with_lanes(setup, Hyper::default().validate().unwrap(), &[lane], images).unwrap();
    let mut recon = 0.0;
    for s in 0..LAYER1_STEPS {
        let c = t.step().unwrap();
        if s >= LAYER1_STEPS - 100 {
            recon += c.recon / 100.0;
        }
    }
    let l1 = layer1_edges(&t);
    t.set_knobs(0, &knobs(2.0));
    let (mut first, mut last) = (0.0, 0.0);
    for s in 0..LAYER2_STEPS {
        let c = t.step().unwrap();
        if s < 10 {
            first += c.recon / 10.0;
        }
        if s >= LAYER2_STEPS - 100 {
            last += c.recon / 100.0;
        }
    }
    let mix = combination(&t, &l1);
    let pictures = t.model().filters();
    if let Ok(dir) = std::env::var("STACKED_DUMP") {
        let m = t.model();
        let w1 = m.layout().view(m.theta(), 0).into_owned();
        for (name, f) in [("layer1", &w1), ("layer2", &pictures)] {
            let text: Vec<String> =
                f.row_iter().map(|r| r.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ")).collect();
            std::fs::write(format!("{dir}/{data:?}_{name}.txt"), text.join("\n")).unwrap();
        }
    }
    let pictures_edges = sae_lab::model::edges::filter_shapes(&pictures, P).iter().filter(|s| s.is_edge()).count();
    let stack_before = stack_recon(&mut t, 3.0);
    for _ in 0..FINE_TUNE_STEPS {
        t.step().unwrap();
    }
    let stack_after = stack_recon(&mut t, 3.0);
    // layer 1's filters moved in the fine-tune: refit them
    let tuned = combination(&t, &layer1_edges(&t));
    println!("after the fine-tune: {} layer-1 edges, {tuned:?}", layer1_edges(&t).iter().flatten().count());
    let r = Run {
        layer1_edges: l1.iter().flatten().count(),
        layer1_recon: recon,
        code_recon_start: first,
        code_recon: last,
        combination: mix,
        pictures_edges,
        stack_before,
        stack_after,
    };
    println!(
        "{data:?} seed {seed}: layer 1 {} edges of {H}, recon {:.3}; layer 2 code recon {:.4} → {:.4}; {:?}; \
         pictures that are single edges {}; stack recon before fine-tune {:.3}, after {FINE_TUNE_STEPS} steps {:.3} \
         ({:.1} s)",
        r.layer1_edges,
        r.layer1_recon,
        r.code_recon_start,
        r.code_recon,
        r.combination,
        r.pictures_edges,
        r.stack_before,
        r.stack_after,
        t0.elapsed().as_secs_f64()
    );
    r
}

/// What both runs show (the numbers in the module docs).
fn check(r: &Run, what: &str) {
    let c = &r.combination;
    assert!(r.layer1_edges >= 50, "{what}: layer 1 learns edges first: {}", r.layer1_edges);
    assert!(r.code_recon < 0.15 * r.code_recon_start, "{what}: layer 2 learns to rebuild the codes");
    assert!(c.inputs_for_half >= 6.0, "{what}: a layer-2 unit is no single edge re-coded: {c:?}");
    assert!(c.coherence < c.coherence_chance + 0.05, "{what}: it mixes orientations as chance does: {c:?}");
    let (collinear, corner) = (1, 3);
    assert!(c.near_chance(collinear), "{what}: contours as often as chance makes them: {c:?}");
    assert!(c.near_chance(corner), "{what}: corners as often as chance makes them: {c:?}");
    assert!(r.pictures_edges <= 15, "{what}: its pictures are rarely one edge: {}", r.pictures_edges);
    assert!(r.stack_after < 0.8 * r.stack_before, "{what}: the fine-tune lowers the stack's error");
}

#[test]
fn layer_two_mixes_edges_on_photographs() {
    let r = run(Dataset::Photos, 1);
    check(&r, "photographs");
}

#[test]
fn layer_two_mixes_edges_on_dead_leaves() {
    let r = run(Dataset::Natural, 1);
    check(&r, "dead leaves");
}
