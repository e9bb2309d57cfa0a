//! Buffers for one batch size, allocated once: the training step itself never allocates.

use nalgebra::{DMatrix, DVector};

use super::{Real, Sae};

/// Activations and backpropagated errors for a batch of m patches.
#[derive(Clone, Debug)]
pub struct Workspace<T: Real> {
    /// Hidden activations, h×m.
    pub a1: DMatrix<T>,
    /// Reconstructions, n×m.
    pub a2: DMatrix<T>,
    /// Output error ∂J/∂z2, n×m.
    pub d2: DMatrix<T>,
    /// Hidden error ∂J/∂z1, h×m.
    pub d1: DMatrix<T>,
    /// Mean activation of each hidden unit over the batch, ρ̂ (h).
    pub rho_hat: DVector<T>,
    /// Per-unit sparsity gradient ∂(penalty)/∂ρ̂_j (h), shared by every patch.
    pub sparse_grad: DVector<T>,
}

impl<T: Real> Workspace<T> {
    /// Buffers for an n → h → n network and batches of m patches.
    pub fn new(inputs: usize, hidden: usize, batch: usize) -> Self {
        Workspace {
            a1: DMatrix::zeros(hidden, batch),
            a2: DMatrix::zeros(inputs, batch),
            d2: DMatrix::zeros(inputs, batch),
            d1: DMatrix::zeros(hidden, batch),
            rho_hat: DVector::zeros(hidden),
            sparse_grad: DVector::zeros(hidden),
        }
    }

    /// Batch size m these buffers hold.
    pub fn batch(&self) -> usize {
        self.a1.ncols()
    }
}

/// Gradient of the cost with respect to each parameter block of a [`Sae`].
#[derive(Clone, Debug)]
pub struct Grads<T: Real> {
    /// ∂J/∂W1, h×n.
    pub w1: DMatrix<T>,
    /// ∂J/∂b1, h.
    pub b1: DVector<T>,
    /// ∂J/∂W2, n×h.
    pub w2: DMatrix<T>,
    /// ∂J/∂b2, n.
    pub b2: DVector<T>,
}

impl<T: Real> Grads<T> {
    /// Zero gradients shaped like `sae`.
    pub fn like(sae: &Sae<T>) -> Self {
        Grads {
            w1: DMatrix::zeros(sae.w1.nrows(), sae.w1.ncols()),
            b1: DVector::zeros(sae.b1.len()),
            w2: DMatrix::zeros(sae.w2.nrows(), sae.w2.ncols()),
            b2: DVector::zeros(sae.b2.len()),
        }
    }

    /// The blocks in [`Sae::params`] order.
    pub fn blocks(&self) -> [&[T]; 4] {
        [self.w1.as_slice(), self.b1.as_slice(), self.w2.as_slice(), self.b2.as_slice()]
    }

    /// True when every component is finite.
    pub fn is_finite(&self) -> bool {
        self.blocks().iter().all(|b| b.iter().all(|v| v.is_finite()))
    }
}
