//! The sparse autoencoder [`sae`] as a member of the family: the UFLDL network ([`Sae`]) with
//! its KL or L1 penalty ([`super::cost`]) behind the [`Model`] trait. Its knobs (ρ, β, the L1
//! weight, the penalty, the output) are the page's original settings, so every old link and
//! saved file means what it meant.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;

use super::cost::{cost_and_grad_pair, evaluate_pair, CostParts};
use super::family::{fit, CodeKind, Cost, Ctx, Layout, Model};
use super::gradcheck::{relative_gap, test_patches};
use super::hyper::{Hyper, OptimizerKind, Output, Penalty};
use super::spec::{ModelSpec, Shape};
use super::workspace::Workspace;
use super::{contraction, Real, Sae};

/// The registry entry.
pub const SPEC: ModelSpec = ModelSpec {
    key: "sae",
    name: "Sparse autoencoder",
    about: "UFLDL's sigmoid autoencoder with a KL (or L1) penalty on each unit's mean activation",
    cost: "J = (1/2m)Σ‖x̂ − x‖² + (λ/2)(‖W1‖² + ‖W2‖²) + β Σⱼ KL(ρ‖ρ̂ⱼ), with a = σ(W1x + b1), x̂ = σ(W2a + b2) (or the L1 weight · mean |a| instead of the KL term).",
    lesson: "Measured here: edges form in about 2 000 steps (Adam, batch 256); with β = 0 (no sparsity) they never do.",
    knobs: &[],
    optimizer: OptimizerKind::Adam,
    build: |shape, _, rng| Box::new(SparseAe::new(Sae::init(shape.inputs, shape.hidden, shape.output, rng))),
    gradcheck,
};

/// The network and its buffers: one workspace for the training batch, one for readouts.
#[derive(Clone, Debug)]
pub struct SparseAe<T: Real> {
    net: Sae<T>,
    ws: Workspace<T>,
    readout: Workspace<T>,
}

impl<T: Real> SparseAe<T> {
    /// Wraps a network (buffers are sized on first use).
    pub fn new(net: Sae<T>) -> Self {
        let (n, h) = (net.inputs(), net.hidden());
        SparseAe { ws: Workspace::new(n, h, 0), readout: Workspace::new(n, h, 0), net }
    }

    /// The network.
    pub fn net(&self) -> &Sae<T> {
        &self.net
    }

    fn sized(&mut self, m: usize) {
        if self.ws.batch() != m {
            self.ws = Workspace::new(self.net.inputs(), self.net.hidden(), m);
        }
    }
}

/// The old three-term cost as the family's cost: the sparsity term is the one penalty.
pub fn family_cost(p: CostParts) -> Cost {
    Cost { recon: p.recon, penalties: [p.sparsity, 0.0, 0.0], decay: p.decay }
}

impl<T: Real + 'static> Model<T> for SparseAe<T> {
    fn key(&self) -> &'static str {
        SPEC.key
    }

    fn layout(&self) -> &Layout {
        self.net.layout()
    }

    fn theta(&self) -> &[T] {
        self.net.theta()
    }

    fn theta_mut(&mut self) -> &mut [T] {
        self.net.theta_mut()
    }

    fn penalty_names(&self) -> &'static [&'static str] {
        &["sparsity"]
    }

    fn cost_and_grad(
        &mut self,
        input: &DMatrix<T>,
        target: &DMatrix<T>,
        ctx: &Ctx,
        _: &mut Pcg32,
        grad: &mut [T],
    ) -> Cost {
        self.sized(input.ncols());
        family_cost(cost_and_grad_pair(&self.net, input, target, ctx.hyper, &mut self.ws, grad))
    }

    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, _: &mut Pcg32) -> Cost {
        self.sized(input.ncols());
        family_cost(evaluate_pair(&self.net, input, target, ctx.hyper, &mut self.ws))
    }

    fn encode(&mut self, x: &DMatrix<T>, _: &Ctx, codes: &mut DMatrix<T>) {
        let m = x.ncols();
        if self.readout.batch() != m {
            self.readout = Workspace::new(self.net.inputs(), self.net.hidden(), m);
        }
        self.net.forward(x, &mut self.readout);
        codes.copy_from(&self.readout.a1);
    }

    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
        use super::gemm::{gemm, Op};
        fit(x_hat, self.net.inputs(), codes.ncols());
        gemm(T::one(), &self.net.w2(), Op::N, codes, Op::N, T::zero(), x_hat);
        let b2 = self.net.block(super::sae::B2);
        let n = b2.len();
        for col in x_hat.as_mut_slice().chunks_exact_mut(n) {
            for (v, &b) in col.iter_mut().zip(b2) {
                *v = match self.net.output {
                    Output::Sigmoid => T::sigmoid(*v + b),
                    Output::Linear => *v + b,
                };
            }
        }
    }

    fn last_codes(&self) -> &DMatrix<T> {
        &self.ws.a1
    }

    fn last_recon(&self) -> &DMatrix<T> {
        &self.ws.a2
    }

    fn code_kind(&self) -> CodeKind {
        CodeKind::Unit
    }

    fn filters_into(&self, out: &mut DMatrix<T>) {
        let w = self.net.w1();
        fit(out, w.nrows(), w.ncols());
        out.copy_from(&w);
    }

    /// How much the code moves with the input, as for the contractive autoencoder (its
    /// hidden layer is the same sigmoid), so the two can be compared side by side.
    fn diagnostics(&self, x: &DMatrix<T>) -> Vec<(&'static str, f64)> {
        let mut ws = Workspace::new(self.net.inputs(), self.net.hidden(), x.ncols());
        self.net.forward(x, &mut ws);
        contraction::diagnostics(&ws.a1, &self.net.w1())
    }

    fn inputs(&self) -> usize {
        self.net.inputs()
    }

    fn hidden(&self) -> usize {
        self.net.hidden()
    }

    fn boxed_clone(&self) -> Box<dyn Model<T>> {
        Box::new(self.clone())
    }
}

/// The sparse autoencoder's gradient check on a 64-5-64 net over 10 patches: each penalty,
/// each output, and the denoising pair.
fn gradcheck() -> Vec<(&'static str, f64)> {
    // Only the native tests run it (tests/family.rs): in the page its f64 model would be dead
    // weight in the .wasm (the registry's fn pointer keeps it linked).
    if cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    let cases: [(&'static str, Penalty, Output, bool); 4] = [
        ("kl, sigmoid output", Penalty::Kl, Output::Sigmoid, false),
        ("l1, sigmoid output", Penalty::L1, Output::Sigmoid, false),
        ("kl, linear output", Penalty::Kl, Output::Linear, false),
        ("kl, denoising pair", Penalty::Kl, Output::Sigmoid, true),
    ];
    cases
        .iter()
        .map(|&(name, penalty, output, denoise)| {
            let hyper = Hyper { penalty, rho: 0.1, beta: 3.0, l1: 0.2, lambda: 1e-3, ..Hyper::default() }
                .validate()
                .expect("the check's hyperparameters are valid");
            let ctx = Ctx { hyper: &hyper, knobs: &[] };
            let mut rng = Pcg32::seed_from_u64(3);
            let shape = Shape { inputs: 64, hidden: 5, output };
            let mut model = SparseAe::new(Sae::<f64>::init(shape.inputs, shape.hidden, shape.output, &mut rng));
            let target = test_patches(64, 10, 11);
            let input = if denoise { test_patches(64, 10, 12) } else { target.clone() };
            relative_gap(&mut model, &input, &target, &ctx, name)
        })
        .collect()
}
