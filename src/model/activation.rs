//! The logistic sigmoid σ(z) = 1/(1+e^−z), whose derivative is σ(z)(1−σ(z)).

use super::Real;

/// σ(z), written so that large |z| neither overflows nor produces NaN.
#[inline]
pub fn sigmoid<T: Real>(z: T) -> T {
    if z >= T::zero() {
        T::one() / (T::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (T::one() + e)
    }
}

/// log(p/(1−p)): the bias that makes a unit's resting activation equal p.
pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_extremes() {
        assert_eq!(sigmoid(0.0f64), 0.5);
        assert!((sigmoid(2.0f64) - 0.880_797_077_977_882_4).abs() < 1e-15);
        assert!((sigmoid(-2.0f64) - 0.119_202_922_022_117_6).abs() < 1e-15);
        assert_eq!(sigmoid(1000.0f32), 1.0);
        assert_eq!(sigmoid(-1000.0f32), 0.0);
        assert!(sigmoid(f32::MAX).is_finite() && sigmoid(-f32::MAX).is_finite());
        assert!((sigmoid(logit(0.01)) - 0.01).abs() < 1e-12);
    }
}
