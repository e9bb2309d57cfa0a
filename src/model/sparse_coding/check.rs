//! The sparse coding gradient check: the dictionary gradient with the codes frozen (see
//! [`SparseCoding`]), in f64 on small dictionaries.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::super::family::Ctx;
use super::super::gradcheck::{relative_gap, test_patches};
use super::super::hyper::ValidHyper;
use super::SparseCoding;

/// The gradient check in f64 with the codes frozen at the starting dictionary (see
/// [`SparseCoding`]): the dictionary gradient of (1/2m)‖X − DA‖² + (λ/m)‖A‖₁ with A fixed.
pub fn gradcheck() -> Vec<(&'static str, f64)> {
    // Only the native tests run it (tests/family.rs): in the page its f64 model would be dead
    // weight in the .wasm (the registry's fn pointer keeps it linked).
    if cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    let hyper = ValidHyper::default();
    // (case, n, h, m, λ, denoising, atoms off unit length)
    let cases = [
        ("dict 64×5, 10 patches, λ = 2", 64, 5, 10, 2.0, false, false),
        ("dict 9×12 overcomplete, λ = 0.5", 9, 12, 6, 0.5, false, false),
        ("dict 16×6 denoising, atoms not unit", 16, 6, 7, 1.0, true, true),
        ("dict 9×4, λ = 0 (dense codes)", 9, 4, 5, 0.0, false, false),
    ];
    cases
        .iter()
        .enumerate()
        .map(|(i, &(name, n, h, m, lambda, denoise, scaled))| {
            let mut rng = Pcg32::seed_from_u64(100 + i as u64);
            let mut model = SparseCoding::<f64>::init(n, h, &mut rng);
            if scaled {
                // the formula holds for any D, not only between renormalisations
                for col in model.theta.chunks_exact_mut(n) {
                    let s = rng.random_range(0.5..2.0);
                    col.iter_mut().for_each(|v| *v *= s);
                }
            }
            let target = test_patches(n, m, 7 + i as u64);
            let knobs = [lambda, 10.0, 0.1];
            let ctx = Ctx { hyper: &hyper, knobs: &knobs };
            if denoise {
                let noisy = target.map(|v| (v + rng.random_range(-0.05..0.05)).clamp(0.1, 0.9));
                model.freeze_codes(&noisy, &ctx);
                relative_gap(&mut model, &noisy, &target, &ctx, name)
            } else {
                model.freeze_codes(&target, &ctx);
                relative_gap(&mut model, &target, &target, &ctx, name)
            }
        })
        .collect()
}
