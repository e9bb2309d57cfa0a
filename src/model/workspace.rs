//! Buffers for one batch size, allocated once: the training step itself never allocates.

use nalgebra::{DMatrix, DVector};

use super::Real;

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
