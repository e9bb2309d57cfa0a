//! The autoencoder n → h → n: a1 = σ(W1·x + b1), x̂ = f(W2·a1 + b2) with f = σ or identity.
//! A batch holds one patch per column, so a whole mini-batch is two matrix products.

use nalgebra::{DMatrix, DVector};
use rand::Rng;

use super::gemm::{gemm, Op};
use super::hyper::Output;
use super::workspace::Workspace;
use super::{c, Real};

/// Weights and biases of the network.
#[derive(Clone, Debug, PartialEq)]
pub struct Sae<T: Real> {
    /// Encoder weights, h×n: row j is hidden unit j's filter.
    pub w1: DMatrix<T>,
    /// Encoder biases, h.
    pub b1: DVector<T>,
    /// Decoder weights, n×h: column j is unit j's contribution to the reconstruction.
    pub w2: DMatrix<T>,
    /// Decoder biases, n.
    pub b2: DVector<T>,
    /// Output activation.
    pub output: Output,
}

impl<T: Real> Sae<T> {
    /// UFLDL initialisation: W ~ U(±r) with r = √(6/(n+h+1)), biases 0, so units start
    /// near σ(0) = 0.5 and the gradient is well scaled.
    pub fn init(inputs: usize, hidden: usize, output: Output, rng: &mut impl Rng) -> Self {
        let r = (6.0 / (inputs + hidden + 1) as f64).sqrt();
        let mut draw = |_, _| c::<T>(rng.random_range(-r..r));
        let w1 = DMatrix::from_fn(hidden, inputs, &mut draw);
        let w2 = DMatrix::from_fn(inputs, hidden, &mut draw);
        Sae { w1, b1: DVector::zeros(hidden), w2, b2: DVector::zeros(inputs), output }
    }

    /// Number of inputs n (= outputs).
    pub fn inputs(&self) -> usize {
        self.w1.ncols()
    }

    /// Number of hidden units h.
    pub fn hidden(&self) -> usize {
        self.w1.nrows()
    }

    /// Total number of parameters 2nh + h + n.
    pub fn param_count(&self) -> usize {
        2 * self.inputs() * self.hidden() + self.hidden() + self.inputs()
    }

    /// The four parameter blocks in a fixed order (W1, b1, W2, b2), for optimisers.
    pub fn params_mut(&mut self) -> [&mut [T]; 4] {
        [self.w1.as_mut_slice(), self.b1.as_mut_slice(), self.w2.as_mut_slice(), self.b2.as_mut_slice()]
    }

    /// The four parameter blocks, read-only, in the order of [`Sae::params_mut`].
    pub fn params(&self) -> [&[T]; 4] {
        [self.w1.as_slice(), self.b1.as_slice(), self.w2.as_slice(), self.b2.as_slice()]
    }

    /// All parameters in one vector, blocks in [`Sae::params`] order (column-major each).
    pub fn to_flat(&self) -> Vec<T> {
        self.params().concat()
    }

    /// Sets all parameters from a vector laid out as [`Sae::to_flat`] makes it.
    pub fn set_flat(&mut self, flat: &[T]) -> Result<(), String> {
        if flat.len() != self.param_count() {
            return Err(format!("expected {} parameters, got {}", self.param_count(), flat.len()));
        }
        let mut rest = flat;
        for block in self.params_mut() {
            let (head, tail) = rest.split_at(block.len());
            block.copy_from_slice(head);
            rest = tail;
        }
        Ok(())
    }

    /// Copies every parameter from a network of the same shape, without allocating.
    pub fn copy_params_from(&mut self, other: &Sae<T>) {
        for (dst, src) in self.params_mut().into_iter().zip(other.params()) {
            dst.copy_from_slice(src);
        }
    }

    /// True when every weight and bias is finite.
    pub fn is_finite(&self) -> bool {
        self.params().iter().all(|b| b.iter().all(|v| v.is_finite()))
    }

    /// Forward pass of a batch (n×m, one patch per column) into `ws.a1` (h×m) and `ws.a2`
    /// (n×m). `ws` must have been made for this batch size.
    pub fn forward(&self, x: &DMatrix<T>, ws: &mut Workspace<T>) {
        debug_assert_eq!(x.shape(), ws.a2.shape(), "batch shape must match the workspace");
        gemm(T::one(), &self.w1, Op::N, x, Op::N, T::zero(), &mut ws.a1);
        add_bias_then(&mut ws.a1, &self.b1, T::sigmoid);
        gemm(T::one(), &self.w2, Op::N, &ws.a1, Op::N, T::zero(), &mut ws.a2);
        match self.output {
            Output::Sigmoid => add_bias_then(&mut ws.a2, &self.b2, T::sigmoid),
            Output::Linear => add_bias_then(&mut ws.a2, &self.b2, |z| z),
        }
    }

    /// Hidden activations and reconstruction of one patch (for the diagram; allocates,
    /// so call it once per display update, not per training step).
    pub fn encode_decode(&self, patch: &[T]) -> (Vec<T>, Vec<T>) {
        let x = DMatrix::from_column_slice(patch.len(), 1, patch);
        let mut ws = Workspace::new(self.inputs(), self.hidden(), 1);
        self.forward(&x, &mut ws);
        (ws.a1.as_slice().to_vec(), ws.a2.as_slice().to_vec())
    }
}

/// z ← f(z + b) for every column, in one pass (bias add fused with the activation).
fn add_bias_then<T: Real>(z: &mut DMatrix<T>, b: &DVector<T>, f: impl Fn(T) -> T) {
    let rows = z.nrows();
    let b = b.as_slice();
    for col in z.as_mut_slice().chunks_exact_mut(rows) {
        for (v, &bi) in col.iter_mut().zip(b) {
            *v = f(*v + bi);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::activation::sigmoid;
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg32;

    #[test]
    fn init_follows_ufldl_and_is_seeded() {
        let mut rng = Pcg32::seed_from_u64(7);
        let s: Sae<f64> = Sae::init(64, 25, Output::Sigmoid, &mut rng);
        let r = (6.0f64 / 90.0).sqrt();
        assert!(s.w1.iter().chain(s.w2.iter()).all(|w| w.abs() < r));
        assert!(s.w1.iter().any(|w| w.abs() > 0.9 * r), "the whole range is used");
        assert!(s.b1.iter().chain(s.b2.iter()).all(|&b| b == 0.0));
        assert_eq!(s.param_count(), 2 * 64 * 25 + 25 + 64);
        let again: Sae<f64> = Sae::init(64, 25, Output::Sigmoid, &mut Pcg32::seed_from_u64(7));
        assert_eq!(s, again);
    }

    #[test]
    fn forward_matches_a_hand_computed_net() {
        // 2 inputs, 1 hidden unit: a1 = σ(1·x0 − 1·x1 + 0.5), x̂ = σ(2·a1 − 1) for both outputs
        let s = Sae {
            w1: DMatrix::from_row_slice(1, 2, &[1.0, -1.0]),
            b1: DVector::from_vec(vec![0.5]),
            w2: DMatrix::from_row_slice(2, 1, &[2.0, 2.0]),
            b2: DVector::from_vec(vec![-1.0, -1.0]),
            output: Output::Sigmoid,
        };
        let (a1, a2) = s.encode_decode(&[0.3f64, 0.8]);
        let h = sigmoid(0.3 - 0.8 + 0.5f64);
        assert!((a1[0] - h).abs() < 1e-15);
        assert!((a2[0] - sigmoid(2.0 * h - 1.0)).abs() < 1e-15);
        let lin = Sae { output: Output::Linear, ..s };
        assert!((lin.encode_decode(&[0.3f64, 0.8]).1[1] - (2.0 * h - 1.0)).abs() < 1e-15);
    }
}
