//! Update rules. The learning rate is passed in on every step, so a slider acts on the
//! next step without a reset.

use super::hyper::OptimizerKind;
use super::workspace::Grads;
use super::{c, Real, Sae};

/// Adam's moment decay rates. β2 = 0.99 rather than the usual 0.999: at UFLDL's
/// initialisation the sparsity gradient is huge for the first steps, and a long memory of it
/// keeps later steps tiny for thousands of steps (the net sits at the mean patch).
pub const ADAM_BETA1: f64 = 0.9;
/// See [`ADAM_BETA1`].
pub const ADAM_BETA2: f64 = 0.99;
const ADAM_EPS: f64 = 1e-8;

/// An optimiser and its state (Adam's moments, one buffer per parameter block).
#[derive(Clone, Debug)]
pub enum Optimizer<T: Real> {
    /// θ ← θ − lr·g.
    Sgd,
    /// Adam with bias-corrected moments.
    Adam {
        /// First moments, in [`Sae::params`] order.
        m: [Vec<T>; 4],
        /// Second moments.
        v: [Vec<T>; 4],
        /// Number of updates made (for bias correction).
        t: u64,
    },
}

impl<T: Real> Optimizer<T> {
    /// A fresh optimiser for a network shaped like `sae`.
    pub fn new(kind: OptimizerKind, sae: &Sae<T>) -> Self {
        match kind {
            OptimizerKind::Sgd => Optimizer::Sgd,
            OptimizerKind::Adam => {
                let zeros = || sae.params().map(|b| vec![T::zero(); b.len()]);
                Optimizer::Adam { m: zeros(), v: zeros(), t: 0 }
            }
        }
    }

    /// Which rule this is.
    pub fn kind(&self) -> OptimizerKind {
        match self {
            Optimizer::Sgd => OptimizerKind::Sgd,
            Optimizer::Adam { .. } => OptimizerKind::Adam,
        }
    }

    /// Applies one update to `sae` from gradient `g` with learning rate `lr`.
    pub fn step(&mut self, sae: &mut Sae<T>, g: &Grads<T>, lr: f64) {
        let lr_t = c::<T>(lr);
        match self {
            Optimizer::Sgd => {
                for (p, g) in sae.params_mut().into_iter().zip(g.blocks()) {
                    for (p, &g) in p.iter_mut().zip(g) {
                        *p -= lr_t * g;
                    }
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
                for (((p, g), m), v) in sae.params_mut().into_iter().zip(g.blocks()).zip(m.iter_mut()).zip(v.iter_mut())
                {
                    for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                        *m = b1 * *m + (T::one() - b1) * g;
                        *v = b2 * *v + (T::one() - b2) * g * g;
                        *p -= step * *m / (v.sqrt() + eps);
                    }
                }
            }
        }
    }
}
