//! The autoencoder n → h → n: a1 = σ(W1·x + b1), x̂ = f(W2·a1 + b2) with f = σ or identity.
//! A batch holds one patch per column, so a whole mini-batch is two matrix products.

use nalgebra::{DMatrix, DMatrixView, DVector};
use rand::Rng;

use super::family::Layout;
use super::gemm::{gemm, Op};
use super::hyper::Output;
use super::workspace::Workspace;
use super::{c, Real};

/// Block indices of θ, in [`Sae::layout`] order (the saved file's v1 order too).
pub const W1: usize = 0;
/// See [`W1`].
pub const B1: usize = 1;
/// See [`W1`].
pub const W2: usize = 2;
/// See [`W1`].
pub const B2: usize = 3;

/// Weights and biases of the network, as one flat θ = (W1, b1, W2, b2), each column-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Sae<T: Real> {
    layout: Layout,
    theta: Vec<T>,
    /// Output activation.
    pub output: Output,
}

/// θ's blocks for n inputs and h hidden units: W1 h×n (row j is unit j's filter), b1 h,
/// W2 n×h (column j is unit j's contribution to the reconstruction), b2 n.
pub fn layout(inputs: usize, hidden: usize) -> Layout {
    Layout::new(&[("w1", hidden, inputs), ("b1", hidden, 1), ("w2", inputs, hidden), ("b2", inputs, 1)])
}

impl<T: Real> Sae<T> {
    /// UFLDL initialisation: W ~ U(±r) with r = √(6/(n+h+1)), biases 0, so units start
    /// near σ(0) = 0.5 and the gradient is well scaled. W1 is drawn before W2, each in
    /// column-major order.
    pub fn init(inputs: usize, hidden: usize, output: Output, rng: &mut impl Rng) -> Self {
        let r = (6.0 / (inputs + hidden + 1) as f64).sqrt();
        let mut s = Sae::zeros(inputs, hidden, output);
        for block in [W1, W2] {
            let range = s.layout.range(block);
            for v in &mut s.theta[range] {
                *v = c::<T>(rng.random_range(-r..r));
            }
        }
        s
    }

    /// A network with every parameter 0.
    pub fn zeros(inputs: usize, hidden: usize, output: Output) -> Self {
        let layout = layout(inputs, hidden);
        Sae { theta: vec![T::zero(); layout.len()], layout, output }
    }

    /// A network from its four blocks (W1 h×n, b1, W2 n×h, b2).
    pub fn from_parts(w1: &DMatrix<T>, b1: &DVector<T>, w2: &DMatrix<T>, b2: &DVector<T>, output: Output) -> Self {
        let mut s = Sae::zeros(w1.ncols(), w1.nrows(), output);
        s.set_flat(&[w1.as_slice(), b1.as_slice(), w2.as_slice(), b2.as_slice()].concat())
            .expect("the four blocks have the shapes of an n→h→n network");
        s
    }

    /// The blocks of θ.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Encoder weights W1, h×n.
    pub fn w1(&self) -> DMatrixView<'_, T> {
        self.layout.view(&self.theta, W1)
    }

    /// Encoder biases b1.
    pub fn b1(&self) -> DMatrixView<'_, T> {
        self.layout.view(&self.theta, B1)
    }

    /// Decoder weights W2, n×h.
    pub fn w2(&self) -> DMatrixView<'_, T> {
        self.layout.view(&self.theta, W2)
    }

    /// Decoder biases b2.
    pub fn b2(&self) -> DMatrixView<'_, T> {
        self.layout.view(&self.theta, B2)
    }

    /// One block of θ as a slice.
    pub fn block(&self, i: usize) -> &[T] {
        &self.theta[self.layout.range(i)]
    }

    /// Number of inputs n (= outputs).
    pub fn inputs(&self) -> usize {
        self.layout.blocks()[W1].cols
    }

    /// Number of hidden units h.
    pub fn hidden(&self) -> usize {
        self.layout.blocks()[W1].rows
    }

    /// Total number of parameters 2nh + h + n.
    pub fn param_count(&self) -> usize {
        self.theta.len()
    }

    /// All parameters (W1, b1, W2, b2, column-major each).
    pub fn theta(&self) -> &[T] {
        &self.theta
    }

    /// All parameters, mutable.
    pub fn theta_mut(&mut self) -> &mut [T] {
        &mut self.theta
    }

    /// All parameters in one vector, blocks in [`layout`] order.
    pub fn to_flat(&self) -> Vec<T> {
        self.theta.clone()
    }

    /// Sets all parameters from a vector laid out as [`Sae::to_flat`] makes it.
    pub fn set_flat(&mut self, flat: &[T]) -> Result<(), String> {
        if flat.len() != self.param_count() {
            return Err(format!("expected {} parameters, got {}", self.param_count(), flat.len()));
        }
        self.theta.copy_from_slice(flat);
        Ok(())
    }

    /// Copies every parameter from a network of the same shape, without allocating.
    pub fn copy_params_from(&mut self, other: &Sae<T>) {
        self.theta.copy_from_slice(&other.theta);
    }

    /// True when every weight and bias is finite.
    pub fn is_finite(&self) -> bool {
        self.theta.iter().all(|v| v.is_finite())
    }

    /// Forward pass of a batch (n×m, one patch per column) into `ws.a1` (h×m) and `ws.a2`
    /// (n×m). `ws` must have been made for this batch size.
    pub fn forward(&self, x: &DMatrix<T>, ws: &mut Workspace<T>) {
        self.view().forward(x, ws);
    }

    /// The network as a borrowed [`SaeRef`] (what the cost functions take).
    pub fn view(&self) -> SaeRef<'_, T> {
        SaeRef { layout: &self.layout, theta: &self.theta, output: self.output }
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

/// An n → h → n network borrowed from a slice of θ laid out as [`layout`] says: a whole
/// [`Sae`] ([`Sae::view`]) or one layer of a larger model (the stacked autoencoder's two).
#[derive(Clone, Copy, Debug)]
pub struct SaeRef<'a, T: Real> {
    layout: &'a Layout,
    theta: &'a [T],
    /// Output activation.
    pub output: Output,
}

impl<'a, T: Real> From<&'a Sae<T>> for SaeRef<'a, T> {
    fn from(s: &'a Sae<T>) -> Self {
        s.view()
    }
}

impl<'a, T: Real> SaeRef<'a, T> {
    /// The network whose blocks `layout` (an [`layout`] of n and h) places in `theta`.
    pub fn new(layout: &'a Layout, theta: &'a [T], output: Output) -> Self {
        assert_eq!(theta.len(), layout.len(), "θ must hold exactly the layout's blocks");
        SaeRef { layout, theta, output }
    }

    /// The blocks of θ.
    pub fn layout(&self) -> &'a Layout {
        self.layout
    }

    /// Encoder weights W1, h×n.
    pub fn w1(&self) -> DMatrixView<'a, T> {
        self.layout.view(self.theta, W1)
    }

    /// Decoder weights W2, n×h.
    pub fn w2(&self) -> DMatrixView<'a, T> {
        self.layout.view(self.theta, W2)
    }

    /// One block of θ as a slice.
    pub fn block(&self, i: usize) -> &'a [T] {
        &self.theta[self.layout.range(i)]
    }

    /// Number of inputs n.
    pub fn inputs(&self) -> usize {
        self.layout.blocks()[W1].cols
    }

    /// Number of hidden units h.
    pub fn hidden(&self) -> usize {
        self.layout.blocks()[W1].rows
    }

    /// The code a = σ(W1·x + b1) of a batch (n×m) into `a1` (h×m, sized by the caller).
    pub fn encode(&self, x: &DMatrix<T>, a1: &mut DMatrix<T>) {
        gemm(T::one(), &self.w1(), Op::N, x, Op::N, T::zero(), a1);
        add_bias_then(a1, self.block(B1), T::sigmoid);
    }

    /// The reconstruction f(W2·a + b2) of codes `a1` (h×m) into `out` (n×m, sized by the caller).
    pub fn decode(&self, a1: &DMatrix<T>, out: &mut DMatrix<T>) {
        gemm(T::one(), &self.w2(), Op::N, a1, Op::N, T::zero(), out);
        match self.output {
            Output::Sigmoid => add_bias_then(out, self.block(B2), T::sigmoid),
            Output::Linear => add_bias_then(out, self.block(B2), |z| z),
        }
    }

    /// [`Sae::forward`]: [`SaeRef::encode`] into `ws.a1`, then [`SaeRef::decode`] into `ws.a2`.
    pub fn forward(&self, x: &DMatrix<T>, ws: &mut Workspace<T>) {
        debug_assert_eq!(x.shape(), ws.a2.shape(), "batch shape must match the workspace");
        self.encode(x, &mut ws.a1);
        self.decode(&ws.a1, &mut ws.a2);
    }
}

/// z ← f(z + b) for every column, in one pass (bias add fused with the activation).
fn add_bias_then<T: Real>(z: &mut DMatrix<T>, b: &[T], f: impl Fn(T) -> T) {
    let rows = z.nrows();
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
        assert!(s.w1().iter().chain(s.w2().iter()).all(|w| w.abs() < r));
        assert!(s.w1().iter().any(|w| w.abs() > 0.9 * r), "the whole range is used");
        assert!(s.b1().iter().chain(s.b2().iter()).all(|&b| b == 0.0));
        assert_eq!(s.param_count(), 2 * 64 * 25 + 25 + 64);
        let again: Sae<f64> = Sae::init(64, 25, Output::Sigmoid, &mut Pcg32::seed_from_u64(7));
        assert_eq!(s, again);
    }

    #[test]
    fn forward_matches_a_hand_computed_net() {
        // 2 inputs, 1 hidden unit: a1 = σ(1·x0 − 1·x1 + 0.5), x̂ = σ(2·a1 − 1) for both outputs
        let s = Sae::from_parts(
            &DMatrix::from_row_slice(1, 2, &[1.0, -1.0]),
            &DVector::from_vec(vec![0.5]),
            &DMatrix::from_row_slice(2, 1, &[2.0, 2.0]),
            &DVector::from_vec(vec![-1.0, -1.0]),
            Output::Sigmoid,
        );
        let (a1, a2) = s.encode_decode(&[0.3f64, 0.8]);
        let h = sigmoid(0.3 - 0.8 + 0.5f64);
        assert!((a1[0] - h).abs() < 1e-15);
        assert!((a2[0] - sigmoid(2.0 * h - 1.0)).abs() < 1e-15);
        let lin = Sae { output: Output::Linear, ..s };
        assert!((lin.encode_decode(&[0.3f64, 0.8]).1[1] - (2.0 * h - 1.0)).abs() < 1e-15);
    }
}
