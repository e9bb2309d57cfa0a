//! The sparsity penalties, each with its value and its gradient.
//!
//! **KL**: β·Σ_j KL(ρ‖ρ̂_j), with KL(ρ‖ρ̂) = ρ·log(ρ/ρ̂) + (1−ρ)·log((1−ρ)/(1−ρ̂)), the
//! divergence between a Bernoulli(ρ) and a Bernoulli(ρ̂) unit. It is 0 when ρ̂_j = ρ and grows
//! without bound as ρ̂_j → 0 or 1. ρ̂_j = (1/m)Σ_i a_ji, so
//! ∂/∂a_ji = (β/m)·(−ρ/ρ̂_j + (1−ρ)/(1−ρ̂_j)): the same for every patch i.
//!
//! **L1**: w·(1/m)Σ_ij |a_ji|. Sigmoid activations are positive, so |a| = a and
//! ∂/∂a_ji = w/m: a constant push of every activation towards zero.

use super::{c, Real};

/// KL(ρ‖ρ̂) for one unit. ρ̂ is clamped away from 0 and 1 so that a saturated unit in f32
/// gives a large finite penalty instead of ∞.
pub fn kl<T: Real>(rho: T, rho_hat: T) -> T {
    let r = clamp_unit(rho_hat);
    rho * (rho / r).ln() + (T::one() - rho) * ((T::one() - rho) / (T::one() - r)).ln()
}

/// dKL(ρ‖ρ̂)/dρ̂ = −ρ/ρ̂ + (1−ρ)/(1−ρ̂), with the same clamp as [`kl`].
pub fn kl_grad<T: Real>(rho: T, rho_hat: T) -> T {
    let r = clamp_unit(rho_hat);
    -rho / r + (T::one() - rho) / (T::one() - r)
}

fn clamp_unit<T: Real>(p: T) -> T {
    let eps = c::<T>(1e-7);
    p.max(eps).min(T::one() - eps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kl_values_by_hand() {
        assert_eq!(kl(0.2f64, 0.2), 0.0);
        // ρ = 0.01, ρ̂ = 0.5: 0.01·ln(0.02) + 0.99·ln(1.98)
        let want = 0.01 * (0.02f64).ln() + 0.99 * (1.98f64).ln();
        assert!((kl(0.01f64, 0.5) - want).abs() < 1e-15);
        assert!(kl(0.01f64, 0.3) > kl(0.01f64, 0.1), "grows away from ρ");
        assert!(kl(0.01f32, 0.0).is_finite() && kl(0.01f32, 1.0).is_finite());
    }

    #[test]
    fn kl_grad_is_the_derivative() {
        for &(rho, r) in &[(0.01f64, 0.5), (0.3, 0.1), (0.05, 0.9)] {
            let h = 1e-6;
            let numeric = (kl(rho, r + h) - kl(rho, r - h)) / (2.0 * h);
            assert!((numeric - kl_grad(rho, r)).abs() < 1e-6 * numeric.abs().max(1.0));
        }
        assert_eq!(kl_grad(0.2f64, 0.2), 0.0);
    }
}
