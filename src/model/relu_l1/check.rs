//! The ReLU + L1 autoencoder's gradient check (the registry's `gradcheck`).

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::ReluL1;
use crate::model::family::{Ctx, Model};
use crate::model::gradcheck::{relative_gap, test_patches};
use crate::model::hyper::Hyper;

/// Smallest |pre-activation| of `model` on `x`: the ReLU's kink is where central
/// differences break, so the check wants every value well away from 0.
fn kink_margin(model: &mut ReluL1<f64>, x: &DMatrix<f64>) -> f64 {
    model.forward(x, x, 0.0);
    model.pre.iter().fold(f64::INFINITY, |a, v| a.min(v.abs()))
}

/// The gradient check in f64: a 64-5-64 net with random (untied) θ and non-zero biases on 10
/// patches, redrawn until no pre-activation lies within 1e-3 of the kink; plain, denoising,
/// and at l1 = 0.
pub(super) fn gradcheck() -> Vec<(&'static str, f64)> {
    // Only the native tests run it (tests/family.rs): in the page its f64 model would be dead
    // weight in the .wasm (the registry's fn pointer keeps it linked).
    if cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    let hyper = Hyper::default().validate().expect("default hyperparameters are valid");
    let cases: [(&'static str, f64, bool); 3] =
        [("l1 = 0.5", 0.5, false), ("l1 = 0.5, denoising pair", 0.5, true), ("l1 = 0", 0.0, false)];
    cases
        .iter()
        .map(|&(name, l1, denoise)| {
            let target = test_patches(64, 10, 11);
            let input = if denoise { test_patches(64, 10, 12) } else { target.clone() };
            let mut rng = Pcg32::seed_from_u64(5);
            let mut model = loop {
                let mut m = ReluL1::<f64>::new(64, 5, &mut rng);
                m.theta_mut().iter_mut().for_each(|v| *v = rng.random_range(-0.3..0.3));
                if kink_margin(&mut m, &input) > 1e-3 {
                    break m;
                }
            };
            let knobs = [l1, 3e-3];
            relative_gap(&mut model, &input, &target, &Ctx { hyper: &hyper, knobs: &knobs }, name)
        })
        .collect()
}
