//! Update rules. The learning rate is passed in on every step, so a slider acts on the
//! next step without a reset.

use super::hyper::OptimizerKind;
use super::{c, Real};

/// Adam's moment decay rates. β2 = 0.99 rather than the usual 0.999: at UFLDL's
/// initialisation the sparsity gradient is huge for the first steps, and a long memory of it
/// keeps later steps tiny for thousands of steps (the net sits at the mean patch).
pub const ADAM_BETA1: f64 = 0.9;
/// See [`ADAM_BETA1`].
pub const ADAM_BETA2: f64 = 0.99;
const ADAM_EPS: f64 = 1e-8;

/// An optimiser and its state (Adam's moments, one value per entry of θ).
#[derive(Clone, Debug)]
pub enum Optimizer<T: Real> {
    /// θ ← θ − lr·g.
    Sgd,
    /// Adam with bias-corrected moments.
    Adam {
        /// First moments, laid out as θ.
        m: Vec<T>,
        /// Second moments.
        v: Vec<T>,
        /// Number of updates made (for bias correction).
        t: u64,
    },
}

impl<T: Real> Optimizer<T> {
    /// A fresh optimiser for a θ of `len` parameters.
    pub fn new(kind: OptimizerKind, len: usize) -> Self {
        match kind {
            OptimizerKind::Sgd => Optimizer::Sgd,
            OptimizerKind::Adam => Optimizer::Adam { m: vec![T::zero(); len], v: vec![T::zero(); len], t: 0 },
        }
    }

    /// Which rule this is.
    pub fn kind(&self) -> OptimizerKind {
        match self {
            Optimizer::Sgd => OptimizerKind::Sgd,
            Optimizer::Adam { .. } => OptimizerKind::Adam,
        }
    }

    /// Applies one update to θ from gradient `g` (same layout) with learning rate `lr`.
    pub fn step(&mut self, theta: &mut [T], g: &[T], lr: f64) {
        debug_assert_eq!(theta.len(), g.len());
        let lr_t = c::<T>(lr);
        match self {
            Optimizer::Sgd => {
                for (p, &g) in theta.iter_mut().zip(g) {
                    *p -= lr_t * g;
                }
            }
            Optimizer::Adam { m, v, t } => {
                *t += 1;
                let (b1, b2) = (c::<T>(ADAM_BETA1), c::<T>(ADAM_BETA2));
                // bias correction folded into the step size
                let corr1 = 1.0 - ADAM_BETA1.powi(*t as i32);
                let corr2 = 1.0 - ADAM_BETA2.powi(*t as i32);
                let step = c::<T>(lr * corr2.sqrt() / corr1);
                let eps = c::<T>(ADAM_EPS * corr2.sqrt());
                for (((p, &g), m), v) in theta.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                    *m = b1 * *m + (T::one() - b1) * g;
                    *v = b2 * *v + (T::one() - b2) * g * g;
                    *p -= step * *m / (v.sqrt() + eps);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_rules_move_against_the_gradient() {
        for kind in [OptimizerKind::Sgd, OptimizerKind::Adam] {
            let mut theta = vec![1.0f64, -1.0];
            let mut opt = Optimizer::new(kind, 2);
            opt.step(&mut theta, &[2.0, -4.0], 0.1);
            assert!(theta[0] < 1.0 && theta[1] > -1.0, "{kind:?}: {theta:?}");
            assert_eq!(opt.kind(), kind);
        }
        // Adam's first step is lr·sign(g) (bias-corrected moments of one gradient)
        let mut theta = vec![0.0f64];
        Optimizer::new(OptimizerKind::Adam, 1).step(&mut theta, &[3.0], 0.01);
        assert!((theta[0] + 0.01).abs() < 1e-9);
    }
}
