//! The TopK autoencoder's gradient check (the registry's `gradcheck`).

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::{TopK, DEAD_AFTER};
use crate::model::family::{Ctx, Model};
use crate::model::gradcheck::{relative_gap, test_patches};
use crate::model::hyper::Hyper;

/// Smallest gap, over patches, between the k-th and (k+1)-th pre-activation among `cand`,
/// and between 0 and any pre-activation: where central differences would cross a kink.
fn margin(pre: &DMatrix<f64>, cand: &[usize], k: usize) -> f64 {
    let mut worst = pre.iter().fold(f64::INFINITY, |a, v| a.min(v.abs()));
    for col in pre.column_iter() {
        let mut v: Vec<f64> = cand.iter().map(|&j| col[j]).collect();
        v.sort_by(|a, b| b.total_cmp(a));
        if k < v.len() {
            worst = worst.min(v[k - 1] - v[k]);
        }
    }
    worst
}

/// The gradient check in f64 on a 16-input, 16-unit net with k = 3 over 10 patches, random θ
/// (decoder not unit, so the normalisation's gradient is checked too), redrawn until every
/// top-k boundary and ReLU kink is 1e-3 away: AuxK off, AuxK on with units 0–9 held dead
/// (k_aux = 8 of them), and a denoising pair.
pub(super) fn gradcheck() -> Vec<(&'static str, f64)> {
    // Only the native tests run it (tests/family.rs): in the page its f64 model would be dead
    // weight in the .wasm (the registry's fn pointer keeps it linked).
    if cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    let hyper = Hyper::default().validate().expect("default hyperparameters are valid");
    let cases: [(&'static str, bool, bool); 3] = [
        ("auxk off", false, false),
        ("auxk on, 10 of 16 dead", true, false),
        ("auxk off, denoising pair", false, true),
    ];
    cases
        .iter()
        .map(|&(name, auxk, denoise)| {
            let knobs = [3.0, if auxk { 1.0 } else { 0.0 }, 3e-3];
            let ctx = Ctx { hyper: &hyper, knobs: &knobs };
            let target = test_patches(16, 10, 21);
            let input = if denoise { test_patches(16, 10, 22) } else { target.clone() };
            let mut rng = Pcg32::seed_from_u64(7);
            let dead: Vec<usize> = (0..10).collect();
            let mut model = loop {
                let mut m = TopK::<f64>::new(16, 16, &mut rng);
                m.theta_mut().iter_mut().for_each(|v| *v = rng.random_range(-0.5..0.5));
                m.forward(&input, &target, &ctx, true);
                let all: Vec<usize> = (0..16).collect();
                if margin(&m.enc.pre, &all, 3).min(margin(&m.enc.pre, &dead, 8)) > 1e-3 {
                    break m;
                }
            };
            if auxk {
                dead.iter().for_each(|&j| model.since_fired[j] = DEAD_AFTER);
                model.hold_residual = true;
            }
            relative_gap(&mut model, &input, &target, &ctx, name)
        })
        .collect()
}
