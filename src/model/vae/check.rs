//! The variational autoencoder's gradient check (the registry's `gradcheck`). ε is held
//! fixed: [`relative_gap`] reseeds the generator identically for the analytic gradient and
//! every central difference, so each evaluation draws the same noise.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::Vae;
use crate::model::family::{Ctx, Model};
use crate::model::gradcheck::{relative_gap, test_patches};
use crate::model::hyper::Hyper;

/// The gradient check in f64: a 16-input, 4-latent net with random θ (log-variances far
/// from 0, biases included) on 10 patches: the ELBO (β = 1), β = 3 with weight decay on a
/// denoising pair, and β = 0 (a plain autoencoder with noisy codes).
pub(super) fn gradcheck() -> Vec<(&'static str, f64)> {
    // Only the native tests run it: in the page its f64 model would be dead weight in the
    // .wasm (the registry's fn pointer keeps it linked).
    if cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    let cases: [(&'static str, f64, f64, bool); 3] = [
        ("β = 1 (the ELBO)", 1.0, 0.0, false),
        ("β = 3, λ = 1e-3, denoising", 3.0, 1e-3, true),
        ("β = 0", 0.0, 0.0, false),
    ];
    cases
        .iter()
        .map(|&(name, beta, lambda, denoise)| {
            let hyper = Hyper { lambda, ..Hyper::default() }.validate().expect("valid hyperparameters");
            let target = test_patches(16, 10, 31);
            let input = if denoise { test_patches(16, 10, 32) } else { target.clone() };
            let mut rng = Pcg32::seed_from_u64(13);
            let mut model = Vae::<f64>::new(16, 4, &mut rng);
            model.theta_mut().iter_mut().for_each(|v| *v = rng.random_range(-0.2..0.2));
            let knobs = [beta, 1e-3];
            relative_gap(&mut model, &input, &target, &Ctx { hyper: &hyper, knobs: &knobs }, name)
        })
        .collect()
}
