//! The variational autoencoder does not learn edges on whitened natural patches: its
//! Gaussian prior is not sparse, so, like probabilistic PCA, its decoder columns lie inside
//! the top principal subspace of the patches and look like gratings; with 2 latents they
//! are the top two principal components.
//!
//! Trained by the page's `Trainer` (one lane, tests/common) at the page's defaults: batch
//! 256, 8×8 patches, the model's default knobs (β = 1, Adam 1e-3), measured on 10 000
//! held-out patches of the same pictures. Measured (2026-12-01), at 1 000 / 3 000 steps:
//!
//! | run | edges | decoder energy in the top-h PCA subspace | active latents |
//! |---|---|---|---|
//! | dead leaves, seed 1 | 0.04 / 0.08 | 99.79 % / 99.87 % | 25 / 21 (20 eigenvalues > 1) |
//! | dead leaves, seed 2 | 0.00 / 0.04 | 99.79 % / 99.88 % | 25 / 21 (21 eigenvalues > 1) |
//! | dead leaves, β = 2 | 0.24 / 0.16 | 99.88 % / 99.89 % | 24 / 10 (10 eigenvalues > 2) |
//! | photographs, seed 1 | 0.04 / 0.12 | 99.92 % / 99.93 % | 24 / 19 (18 eigenvalues > 1) |
//! | dead leaves, 2 latents | 1.00 / 1.00 | 97.9 % / 98.7 % | 2 / 2 |
//!
//! The active latents are probabilistic PCA's: the principal directions whose variance
//! (standardised units) exceeds β times the decoder's variance 1. With 2 latents, cos² of
//! the decoder columns with PC2 and PC1 is 0.984 and 0.988; those two components are
//! themselves Gabor-shaped at the largest scale, so the edge test counts them (as it counts
//! PCA's own leading components: README, "How the edge verdict decides").

mod common;

use common::{setup, PATCH};
use nalgebra::DMatrix;
use sae_lab::data::Dataset;
use sae_lab::model::edges::edge_share;
use sae_lab::model::Hyper;
use sae_lab::readouts::{principal_components, HeldOut};
use sae_lab::train::Trainer;

const BATCH: usize = 256;

/// Share of the energy of the decoder's columns (rows of `filters`, h×n) inside the span of
/// the rows of `comps` (k×n, orthonormal): Σ‖Uᵀw‖² / Σ‖w‖².
fn subspace_share(filters: &DMatrix<f32>, comps: &DMatrix<f32>) -> f64 {
    let f = filters.map(f64::from);
    let u = comps.map(f64::from);
    let inside = (&f * u.transpose()).norm_squared();
    inside / f.norm_squared()
}

/// What one run measured at one step.
#[derive(Debug)]
struct Point {
    step: usize,
    /// Share of decoder columns the edge verdict counts as edges.
    edges: f32,
    /// Share of the decoder's energy inside the top-h principal subspace of the patches.
    pca: f64,
    /// Active latents (the model's diagnostics: Burda et al.'s Var_x(μ_u) > 0.01).
    active: f64,
}

/// One run: its checkpoints, the patches' covariance eigenvalues in the model's
/// standardised units (7.5² × the sampler's), the top principal components and the final
/// decoder (rows = latents).
struct Run {
    curve: Vec<Point>,
    eig: Vec<f64>,
    comps: DMatrix<f32>,
    filters: DMatrix<f32>,
}

impl Run {
    fn at(&self, step: usize) -> &Point {
        self.curve.iter().find(|p| p.step == step).unwrap_or_else(|| panic!("no checkpoint {step}"))
    }

    /// How many principal directions have variance above β·s² (s² = 1): the latents
    /// probabilistic PCA keeps.
    fn above(&self, beta: f64) -> f64 {
        self.eig.iter().filter(|&&v| v > beta).count() as f64
    }
}

/// Trains `hidden` latents on `data` with β = `beta` for `steps` at the page's defaults,
/// measuring on 10 000 held-out patches of the same pictures at `checkpoints`.
fn run(data: Dataset, hidden: usize, beta: f64, steps: usize, checkpoints: &[usize], seed: u64) -> Run {
    let images = data.builtin(1, true).unwrap();
    let lane = common::lane("vae", &[("beta", beta)]);
    let hyper = Hyper::default().validate().unwrap();
    let mut t = Trainer::with_lanes(setup(hidden, BATCH, seed), hyper, &[lane], images).unwrap();
    let held = HeldOut::from_sampler(t.sampler(), 10_000, 77).unwrap();
    let (comps, vars) = principal_components(held.patches(), PATCH * PATCH);
    let eig = vars.iter().map(|&v| f64::from(v) * 7.5 * 7.5).collect();
    let top = comps.rows(0, hidden).into_owned();
    let mut curve = Vec::new();
    for s in 0..=steps {
        if checkpoints.contains(&s) {
            let m = t.model();
            let filters = m.filters();
            let diag = m.diagnostics(held.patches());
            assert_eq!(diag[0].0, "active latents");
            curve.push(Point {
                step: s,
                edges: edge_share(&filters, PATCH),
                pca: subspace_share(&filters, &top),
                active: diag[0].1,
            });
        }
        if s < steps {
            t.step().unwrap_or_else(|d| panic!("diverged: {d}"));
        }
    }
    Run { curve, eig, comps, filters: t.model().filters() }
}

/// Squared cosine of decoder column `j` with principal component `k`.
fn cos2(r: &Run, j: usize, k: usize) -> f64 {
    let (f, u) = (r.filters.row(j).map(f64::from), r.comps.row(k).map(f64::from));
    f.dot(&u).powi(2) / f.norm_squared()
}

/// The default VAE (25 latents, β = 1) on dead leaves, seeds 1 and 2, and β = 2, and on the
/// photographs: no edges (no more than PCA's own leading components pass the test), ≥ 99 %
/// of the decoder's energy inside the top-25 principal subspace, and as many active latents
/// as there are principal directions with variance above β (probabilistic PCA's rule at the
/// decoder variance s² = 1).
#[test]
fn vae_learns_pca_like_gratings_not_edges() {
    let t0 = std::time::Instant::now();
    let checkpoints = [0, 1000, 3000];
    let mut runs = Vec::new();
    for seed in [1, 2] {
        runs.push((
            format!("natural, seed {seed}, β = 1"),
            1.0,
            run(Dataset::Natural, 25, 1.0, 3000, &checkpoints, seed),
        ));
    }
    runs.push(("natural, seed 1, β = 2".into(), 2.0, run(Dataset::Natural, 25, 2.0, 3000, &checkpoints, 1)));
    runs.push(("photos, seed 1, β = 1".into(), 1.0, run(Dataset::Photos, 25, 1.0, 3000, &checkpoints, 1)));
    for (name, beta, r) in &runs {
        let eig: Vec<String> = r.eig.iter().take(26).map(|v| format!("{v:.2}")).collect();
        println!("{name}: eigenvalues {} ({} above β)", eig.join(" "), r.above(*beta));
        println!("{name}: {:?}", r.curve);
        assert!(r.at(0).pca < 0.6, "{name}: the random start is not in the PCA subspace: {:?}", r.at(0));
        for step in [1000, 3000] {
            let p = r.at(step);
            assert!(p.pca > 0.99, "{name}: decoder inside the top-25 PCA subspace: {p:?}");
            assert!(p.edges < 0.3, "{name}: no edges (the verdict's 'formed' is 0.3): {p:?}");
        }
        let p = r.at(3000);
        assert!((p.active - r.above(*beta)).abs() <= 2.0, "{name}: pPCA's count of active latents: {p:?}");
    }
    assert!(runs[2].2.at(3000).active < runs[0].2.at(3000).active - 5.0, "β = 2 collapses more latents");

    // two latents: the top two principal components
    let r = run(Dataset::Natural, 2, 1.0, 3000, &checkpoints, 1);
    let cos: Vec<[f64; 2]> = (0..2).map(|j| [cos2(&r, j, 0), cos2(&r, j, 1)]).collect();
    println!("natural, 2 latents: {:?}; cos² with PC1, PC2 per latent {cos:?}", r.curve);
    let p = r.at(3000);
    assert!(p.pca > 0.97 && p.active == 2.0, "{p:?}");
    let best: Vec<usize> = cos.iter().map(|c| if c[0] > c[1] { 0 } else { 1 }).collect();
    assert!(best[0] != best[1], "one latent per component: {cos:?}");
    assert!(cos.iter().all(|c| c[0].max(c[1]) > 0.95), "each latent is one principal component: {cos:?}");
    println!("{:.1} s", t0.elapsed().as_secs_f64());
}
