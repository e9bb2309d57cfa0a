//! The stacked autoencoder's gradient check (the registry's `gradcheck`): every phase, on a
//! 16-input stack of 5 + 5 units with random biases (zero biases hide bias-gradient bugs).
//!
//! In phase 1 layer 2 does not enter the cost, so its numerical gradient is 0 like the
//! analytic one and the whole θ is compared. In phase 2 the cost *does* depend on the frozen
//! layer 1 (its codes are layer 2's input), but frozen means its gradient is 0 by decision: the
//! check compares layer 2's entries and fails outright (difference 1) if any of layer 1's
//! analytic entries is not exactly 0.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::{seeded_f64, SPEC};
use crate::model::family::{Ctx, Model};
use crate::model::gradcheck::{numerical_gradient, relative_difference, test_patches};
use crate::model::hyper::Hyper;
use crate::model::knob::defaults;

/// (case, relative difference) for phases 1, 2 and 3, and phases 2 and 3 on a denoising pair.
pub(super) fn gradcheck() -> Vec<(&'static str, f64)> {
    // Only the native tests run it: in the page its f64 model would be dead weight in the
    // .wasm (the registry's fn pointer keeps it linked).
    if cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    let cases: [(&'static str, f64, bool); 5] = [
        ("phase 1 (layer 1)", 1.0, false),
        ("phase 2 (layer 2 on codes)", 2.0, false),
        ("phase 3 (fine-tune)", 3.0, false),
        ("phase 2, denoising pair", 2.0, true),
        ("phase 3, denoising pair", 3.0, true),
    ];
    cases
        .iter()
        .map(|&(name, phase, denoise)| {
            let hyper = Hyper { lambda: 1e-3, ..Hyper::default() }.validate().expect("valid hyperparameters");
            let mut model = seeded_f64(16, 5, phase, 21);
            let mut rng = Pcg32::seed_from_u64(22);
            let biases = model.layout().blocks().iter().enumerate().filter(|(_, b)| b.cols == 1 && b.name != "phase");
            let ranges: Vec<_> = biases.map(|(i, _)| model.layout().range(i)).collect();
            for r in ranges {
                model.theta_mut()[r].iter_mut().for_each(|b| *b = rng.random_range(-0.5..0.5));
            }
            let mut knobs = defaults(SPEC.knobs);
            knobs[super::KNOB_PHASE] = phase;
            // targets the check can see: ρ's far from the random net's activity
            knobs[super::KNOB_RHO] = 0.1;
            knobs[super::KNOB_RHO2] = 0.2;
            knobs[super::KNOB_BETA2] = 2.0;
            knobs[super::KNOB_LAMBDA2] = 3e-3;
            let target = test_patches(16, 10, 41);
            // without noise the input *is* the target (the trainer's case: one batch, one encoding)
            let noisy = denoise.then(|| test_patches(16, 10, 42));
            let input = noisy.as_ref().unwrap_or(&target);
            let ctx = Ctx { hyper: &hyper, knobs: &knobs };
            let mut analytic = vec![0.0; model.theta().len()];
            model.cost_and_grad(input, &target, &ctx, &mut Pcg32::seed_from_u64(0), &mut analytic);
            let mut theta = model.theta().to_vec();
            let numeric = numerical_gradient(&mut theta, 1e-5, |t| {
                model.theta_mut().copy_from_slice(t);
                model.evaluate(input, &target, &ctx, &mut Pcg32::seed_from_u64(0)).total()
            });
            let frozen = if phase == 2.0 { model.l1.len() } else { 0 };
            if analytic[..frozen].iter().any(|&g| g != 0.0) {
                return (name, 1.0);
            }
            (name, relative_difference(&analytic[frozen..], &numeric[frozen..]))
        })
        .collect()
}
