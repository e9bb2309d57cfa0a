//! What "active" means for each kind of code, so firing rates, L0, dead units and the
//! diagram's node opacity mean the same thing for every model of the family.
//!
//! - Sigmoid units ([`CodeKind::Unit`]) are never exactly 0: active means a > 0.1 (see
//!   [`ACTIVE_THRESHOLD`]), and the activation itself is the node's opacity.
//! - ReLU and TopK codes ([`CodeKind::NonNegative`]) and sparse coding's soft-thresholded
//!   codes ([`CodeKind::Signed`]) have exact zeros: active means ≠ 0. Their size has no upper
//!   bound, so a node's opacity is |a| over the largest |a| of that patch.
//! - A VAE's posterior means ([`CodeKind::Gaussian`]) are dense and never exactly 0, in units
//!   of the prior N(0, 1): active means |μ| > [`GAUSSIAN_ACTIVE`] (0.3), so a latent collapsed
//!   onto the prior (μ ≈ 0 on every patch, Burda et al.'s inactive unit) is dead, and a node's
//!   opacity is |μ| over [`GAUSSIAN_FULL`] prior standard deviations, the same scale on every
//!   patch (relative to the patch's largest, a collapsed code would light up a node).

use super::code_stats::{CodeTracker, ACTIVE_THRESHOLD, DEFAULT_DECAY};
use crate::model::CodeKind;

/// A Gaussian code is active where |μ| exceeds 0.3 prior standard deviations. A latent the
/// KL has collapsed onto the prior keeps μ within a few hundredths of 0 (at 3 000 steps of
/// the default run its spread is ≈ 0.04, a seventh of the threshold), so it is never active and
/// reads as dead; a used latent spreads μ over about ±1 (Burda et al.'s active units have
/// Var_x(μ) > 0.01, a spread above 0.1) and is active on about half of the patches.
pub const GAUSSIAN_ACTIVE: f32 = 0.3;
/// |μ| at which a Gaussian code's node is fully lit: two prior standard deviations.
pub const GAUSSIAN_FULL: f32 = 2.0;

/// Whether a code value counts as active: above [`ACTIVE_THRESHOLD`] for sigmoid units
/// (never exactly 0, and mostly small: see the threshold's docs), above 0 for ReLU codes,
/// non-zero for signed codes (exact zeros of the soft threshold). The page's trackers
/// ([`tracker_for`]) and the native trainer's `eval` both count by this rule.
pub fn is_active(kind: CodeKind, a: f32) -> bool {
    match kind {
        CodeKind::Unit => a > ACTIVE_THRESHOLD,
        CodeKind::NonNegative => a > 0.0,
        CodeKind::Signed => a != 0.0,
        CodeKind::Gaussian => a.abs() > GAUSSIAN_ACTIVE,
    }
}

/// The rule of [`is_active`] as a report writes it.
pub fn active_rule(kind: CodeKind) -> String {
    match kind {
        CodeKind::Unit => format!("a > {ACTIVE_THRESHOLD}"),
        CodeKind::NonNegative => "a > 0".into(),
        CodeKind::Signed => "a ≠ 0".into(),
        CodeKind::Gaussian => format!("|μ| > {GAUSSIAN_ACTIVE}"),
    }
}

/// A code tracker whose "active" ([`is_active`]) and means fit `kind`.
pub fn tracker_for(kind: CodeKind, hidden: usize) -> CodeTracker {
    match kind {
        CodeKind::Unit => CodeTracker::with_settings(hidden, DEFAULT_DECAY, ACTIVE_THRESHOLD),
        CodeKind::NonNegative => CodeTracker::with_settings(hidden, DEFAULT_DECAY, 0.0),
        CodeKind::Signed => CodeTracker::with_settings(hidden, DEFAULT_DECAY, 0.0).with_magnitudes(),
        CodeKind::Gaussian => CodeTracker::with_settings(hidden, DEFAULT_DECAY, GAUSSIAN_ACTIVE).with_magnitudes(),
    }
}

/// Node opacities in [0, 1] for one patch's code, into `out`.
pub fn display_levels(kind: CodeKind, code: &[f32], out: &mut Vec<f32>) {
    out.clear();
    match kind {
        CodeKind::Unit => out.extend(code.iter().map(|a| a.clamp(0.0, 1.0))),
        CodeKind::NonNegative | CodeKind::Signed => {
            let top = code.iter().fold(0.0f32, |m, a| m.max(a.abs()));
            let scale = if top > 0.0 { 1.0 / top } else { 0.0 };
            out.extend(code.iter().map(|a| (a.abs() * scale).min(1.0)));
        }
        CodeKind::Gaussian => out.extend(code.iter().map(|a| (a.abs() / GAUSSIAN_FULL).min(1.0))),
    }
}

/// How the page names a unit's mean code.
pub fn mean_code_name(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::Unit => "mean activation ρ̂",
        CodeKind::NonNegative => "mean code",
        CodeKind::Signed => "mean |code|",
        CodeKind::Gaussian => "mean |μ|",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    #[test]
    fn active_means_nonzero_for_relu_and_signed_codes() {
        // one unit, four patches: codes 0, 0.05, −0.3, 2
        let x = DMatrix::from_element(2, 4, 0.5f32);
        let a = DMatrix::from_row_slice(1, 4, &[0.0, 0.05, -0.3, 2.0]);
        let stats = |kind| {
            let mut t = tracker_for(kind, 1);
            t.observe(&x, &a, &x);
            t.stats()
        };
        assert_eq!(stats(CodeKind::Unit).firing, vec![0.25], "only 2 is above 0.1");
        // the trackers count exactly what is_active says, for every kind
        for kind in [CodeKind::Unit, CodeKind::NonNegative, CodeKind::Signed, CodeKind::Gaussian] {
            let by_rule = a.iter().filter(|&&v| is_active(kind, v)).count() as f32 / 4.0;
            assert_eq!(stats(kind).firing, vec![by_rule], "{kind:?}");
        }
        assert_eq!(stats(CodeKind::NonNegative).firing, vec![0.5], "0.05 and 2 are > 0");
        let signed = stats(CodeKind::Signed);
        assert_eq!(signed.firing, vec![0.75], "every nonzero code, negative ones too");
        assert!((signed.rho_hat[0] - (0.05 + 0.3 + 2.0) / 4.0).abs() < 1e-6, "mean |a|");
        let gaussian = stats(CodeKind::Gaussian);
        assert_eq!(gaussian.firing, vec![0.25], "|μ| > 0.3: 2, not 0.05 or −0.3");
        assert!((gaussian.rho_hat[0] - signed.rho_hat[0]).abs() < 1e-6, "mean |μ|");
    }

    #[test]
    fn opacities_are_relative_to_the_largest_code_for_unbounded_codes() {
        let mut out = Vec::new();
        display_levels(CodeKind::Signed, &[0.0, -2.0, 1.0], &mut out);
        assert_eq!(out, vec![0.0, 1.0, 0.5]);
        display_levels(CodeKind::Unit, &[0.2, 1.3], &mut out);
        assert_eq!(out, vec![0.2, 1.0]);
        display_levels(CodeKind::Gaussian, &[0.05, -1.0, 3.0], &mut out);
        assert_eq!(out, vec![0.025, 0.5, 1.0], "in prior units, not relative to the patch");
        display_levels(CodeKind::NonNegative, &[0.0, 0.0], &mut out);
        assert_eq!(out, vec![0.0, 0.0], "an all-zero code is dark, not NaN");
    }
}
