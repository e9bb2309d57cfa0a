//! The convolutional autoencoder's gradient check (the registry's `gradcheck`): 6×6 patches,
//! 3×3 kernels (4×4 positions per map), in f64.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::{select, Conv, Select};
use crate::model::family::{Ctx, Model};
use crate::model::gradcheck::{relative_gap, test_patches};
use crate::model::hyper::Hyper;

/// The smallest distance of any pre-activation from a place where the cost has a kink: the
/// ReLU's 0 and, under winner-take-all, the boundary between the last value kept in a map and
/// the first one dropped. Central differences break there, so the check wants it well above ε.
fn kink_margin(model: &mut Conv<f64>, x: &DMatrix<f64>, ctx: &Ctx) -> f64 {
    model.evaluate(x, x, ctx, &mut Pcg32::seed_from_u64(0));
    let pre = &model.train.pre;
    let mut margin = pre.iter().fold(f64::INFINITY, |a, v| a.min(v.abs()));
    if let Select::Winners(n) = select(ctx) {
        let (h, npos) = (pre.nrows(), model.grid().positions());
        for img in pre.as_slice().chunks_exact(h * npos) {
            for j in 0..h {
                let mut vals: Vec<f64> = (0..npos).map(|s| img[s * h + j]).collect();
                vals.sort_by(|a, b| b.total_cmp(a));
                if n < npos {
                    margin = margin.min(vals[n - 1] - vals[n]);
                }
            }
        }
    }
    margin
}

/// The gradient check in f64: 3 kernels of 3×3 on four 6×6 patches with random θ (biases
/// included), redrawn until no pre-activation lies within 1e-3 of a kink; winner-take-all
/// with and without L1, two winners with weight decay on a denoising pair, and all values
/// with L1 alone.
pub(super) fn gradcheck() -> Vec<(&'static str, f64)> {
    // Only the native tests run it (tests/family.rs): in the page its f64 model would be dead
    // weight in the .wasm (the registry's fn pointer keeps it linked).
    if cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    let cases: [(&'static str, f64, f64, f64, bool); 4] = [
        ("1 winner, l1 = 0.5", 0.5, 1.0, 0.0, false),
        ("1 winner, l1 = 0", 0.0, 1.0, 0.0, false),
        ("2 winners, λ = 1e-3, denoising", 0.3, 2.0, 1e-3, true),
        ("all values, l1 = 0.5", 0.5, 0.0, 0.0, false),
    ];
    cases
        .iter()
        .map(|&(name, l1, winners, lambda, denoise)| {
            let hyper = Hyper { lambda, ..Hyper::default() }.validate().expect("valid hyperparameters");
            let knobs = [l1, winners, 3e-3];
            let ctx = Ctx { hyper: &hyper, knobs: &knobs };
            let target = test_patches(36, 4, 41);
            let input = if denoise { test_patches(36, 4, 42) } else { target.clone() };
            let mut rng = Pcg32::seed_from_u64(17);
            let mut model = loop {
                let mut m = Conv::<f64>::new(6, 3, 3, &mut rng);
                m.theta_mut().iter_mut().for_each(|v| *v = rng.random_range(-0.3..0.3));
                if kink_margin(&mut m, &input, &ctx) > 1e-3 {
                    break m;
                }
            };
            relative_gap(&mut model, &input, &target, &ctx, name)
        })
        .collect()
}
