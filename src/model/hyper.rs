//! Hyperparameters, validated into a separate type the trainer accepts (linfa's ParamGuard
//! idea): a slider or a link can only hand training a value that makes sense.

use std::fmt;

/// Which sparsity penalty is added to the cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Penalty {
    /// β·Σ_j KL(ρ‖ρ̂_j): pushes each unit's mean activation ρ̂_j towards the target ρ.
    Kl,
    /// weight·(1/m)Σ|a|: pushes every activation towards zero.
    L1,
}

/// The output layer's activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// σ(z) as in UFLDL; inputs must lie in (0, 1), which the patch normalisation ensures.
    Sigmoid,
    /// Identity ("linear decoder"): any input range.
    Linear,
}

/// Which update rule follows each gradient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptimizerKind {
    /// Adam with β1 = 0.9, β2 = 0.99 (0.999 stalls this problem for thousands of steps).
    Adam,
    /// Plain gradient descent θ ← θ − lr·g.
    Sgd,
}

/// Hyperparameters that may change between any two steps without a reset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    /// Sparsity target ρ (KL penalty): the desired mean activation of each hidden unit.
    pub rho: f64,
    /// Weight β of the KL sparsity penalty.
    pub beta: f64,
    /// Weight of the L1 activation penalty.
    pub l1: f64,
    /// Which sparsity penalty is used.
    pub penalty: Penalty,
    /// Weight decay λ.
    pub lambda: f64,
    /// Learning rate.
    pub lr: f64,
    /// Standard deviation of Gaussian noise added to each input (a denoising autoencoder:
    /// the net must rebuild the clean patch from a corrupted one); 0 = plain autoencoder.
    pub noise: f64,
}

impl Hyper {
    /// UFLDL's experiment (ρ = 0.01, β = 3, λ = 1e-4) with Adam's learning rate 1e-2.
    pub const DEFAULT: Hyper =
        Hyper { rho: 0.01, beta: 3.0, l1: 0.1, penalty: Penalty::Kl, lambda: 1e-4, lr: 1e-2, noise: 0.0 };
}

impl Default for Hyper {
    /// [`Hyper::DEFAULT`].
    fn default() -> Self {
        Hyper::DEFAULT
    }
}

/// A hyperparameter that is out of its meaningful range.
#[derive(Clone, Debug, PartialEq)]
pub enum HyperError {
    /// ρ must lie strictly between 0 and 1 (KL(ρ‖ρ̂) is undefined otherwise).
    Rho(f64),
    /// A weight (β, L1, λ) must be finite and ≥ 0.
    Negative(&'static str, f64),
    /// The learning rate must be finite and > 0.
    LearningRate(f64),
}

impl fmt::Display for HyperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HyperError::Rho(v) => write!(f, "sparsity target ρ = {v} must lie strictly between 0 and 1"),
            HyperError::Negative(name, v) => write!(f, "{name} = {v} must be a finite number ≥ 0"),
            HyperError::LearningRate(v) => write!(f, "learning rate = {v} must be a finite number > 0"),
        }
    }
}

impl std::error::Error for HyperError {}

/// Hyperparameters that passed [`Hyper::validate`] (the default values are valid).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ValidHyper(Hyper);

impl ValidHyper {
    /// The defaults, which are valid (a test checks it).
    pub const DEFAULT: ValidHyper = ValidHyper(Hyper::DEFAULT);

    /// The validated values.
    pub fn get(&self) -> &Hyper {
        &self.0
    }
}

impl Hyper {
    /// Checks every range; the error names the first bad value.
    pub fn validate(self) -> Result<ValidHyper, HyperError> {
        if !(self.rho > 0.0 && self.rho < 1.0) {
            return Err(HyperError::Rho(self.rho));
        }
        for (name, v) in [("β", self.beta), ("L1 weight", self.l1), ("λ", self.lambda), ("input noise", self.noise)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(HyperError::Negative(name, v));
            }
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(HyperError::LearningRate(self.lr));
        }
        Ok(ValidHyper(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_ufldl_and_valid() {
        let h = Hyper::default().validate().unwrap();
        assert_eq!(h, ValidHyper::DEFAULT);
        assert_eq!((h.get().rho, h.get().beta, h.get().lambda), (0.01, 3.0, 1e-4));
    }

    #[test]
    fn bad_values_are_rejected_with_a_sentence() {
        let bad = |f: fn(&mut Hyper)| {
            let mut h = Hyper::default();
            f(&mut h);
            h.validate().unwrap_err()
        };
        assert_eq!(bad(|h| h.rho = 0.0), HyperError::Rho(0.0));
        assert_eq!(bad(|h| h.rho = 1.0), HyperError::Rho(1.0));
        assert!(matches!(bad(|h| h.rho = f64::NAN), HyperError::Rho(_)));
        assert_eq!(bad(|h| h.beta = -1.0), HyperError::Negative("β", -1.0));
        assert!(matches!(bad(|h| h.lambda = f64::INFINITY), HyperError::Negative("λ", _)));
        assert_eq!(bad(|h| h.lr = 0.0), HyperError::LearningRate(0.0));
        assert!(bad(|h| h.lr = -1.0).to_string().contains("learning rate"));
    }
}
