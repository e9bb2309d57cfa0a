//! The sparse autoencoder's maths: no browser types, generic over f32 (training) and f64
//! (gradient check).
//!
//! - [`hyper`]: hyperparameters and their validation.
//! - [`sae`]: the network n → h → n and its forward pass.
//! - [`activation`]: the sigmoid.
//! - [`sparsity`]: the KL(ρ‖ρ̂) and L1 sparsity penalties.
//! - [`cost`]: the UFLDL cost, its terms and their analytic gradient (backpropagation).
//! - [`gemm`]: in-place matrix products with free transposes.
//! - [`workspace`]: buffers allocated once per batch size; gradients.
//! - [`optim`]: Adam and SGD.
//! - [`gradcheck`]: numerical gradients for the tests.
//! - [`edges`]: does a filter look like a localized, oriented edge detector?
//!
//! The family seam:
//! - [`family`]: the [`Model`] trait over a flat θ with named blocks, its [`Cost`] and
//!   [`CodeKind`].
//! - [`knob`]: a model's own knob, declared once in its file.
//! - [`spec`]: what a model declares about itself ([`ModelSpec`]).
//! - [`registry`]: every model, one line each.
//! - [`sparse_ae`]: the sparse autoencoder as a [`Model`].
//! - [`sparse_coding`] (with [`fista`], its inference): Olshausen & Field's dictionary.
//! - [`relu_l1`]: ReLU encoder, linear decoder, L1 on codes × decoder norms.
//! - [`topk`]: Gao et al.'s TopK autoencoder with AuxK against dead units.
//! - [`contractive`]: Rifai et al.'s contractive autoencoder.
//! - [`vae`]: Kingma & Welling's variational autoencoder, with β (β-VAE).
//! - [`stacked`]: two sparse autoencoders stacked, trained greedily layer by layer, then fine-tuned.
//! - [`conv`]: the convolutional autoencoder: shared k×k kernels, sparse maps, tied decoder.

pub mod activation;
pub mod contraction;
pub mod contractive;
pub mod conv;
pub mod cost;
pub mod edges;
pub mod family;
pub mod fista;
pub mod gabor;
pub mod gemm;
pub mod gradcheck;
pub mod hyper;
pub mod knob;
pub mod optim;
pub mod registry;
pub mod relu_l1;
pub mod sae;
pub mod sparse_ae;
pub mod sparse_coding;
pub mod sparsity;
pub mod spec;
pub mod stacked;
pub mod topk;
pub mod vae;
pub mod workspace;

pub use cost::{cost_and_grad, cost_and_grad_pair, evaluate, evaluate_pair, CostParts};
pub use family::{CodeKind, Cost, Ctx, Layout, Model};
pub use hyper::{Hyper, HyperError, OptimizerKind, Output, Penalty, ValidHyper};
pub use knob::{Knob, KnobKind};
pub use optim::Optimizer;
pub use registry::{ModelSpec, Shape, MODELS};
pub use sae::Sae;
pub use workspace::Workspace;

/// The number type the model is generic over: f32 in the page, f64 in the gradient check.
pub trait Real: nalgebra::RealField + Copy {
    /// The sigmoid used in training, vectorisable: [`activation::sigmoid_fast`] for f32,
    /// [`activation::sigmoid_fast64`], within a few ulp of the exact one, for f64 (the
    /// gradient check wants 1e-9, not 1e-7).
    fn sigmoid(z: Self) -> Self;

    /// matrixmultiply's GEMM for this type; use [`gemm::gemm`] instead.
    ///
    /// # Safety
    /// Pointers, dimensions and strides must describe live, non-aliasing matrices.
    #[allow(clippy::too_many_arguments)]
    #[doc(hidden)]
    unsafe fn raw_gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );
}

macro_rules! impl_real {
    ($t:ty, $f:path, $sigmoid:path) => {
        impl Real for $t {
            #[inline(always)]
            fn sigmoid(z: Self) -> Self {
                $sigmoid(z)
            }

            unsafe fn raw_gemm(
                m: usize,
                k: usize,
                n: usize,
                alpha: Self,
                a: *const Self,
                rsa: isize,
                csa: isize,
                b: *const Self,
                rsb: isize,
                csb: isize,
                beta: Self,
                c: *mut Self,
                rsc: isize,
                csc: isize,
            ) {
                unsafe { $f(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc) }
            }
        }
    };
}
impl_real!(f32, matrixmultiply::sgemm, activation::sigmoid_fast);
impl_real!(f64, matrixmultiply::dgemm, activation::sigmoid_fast64);

/// Converts an f64 constant to the model's number type.
#[inline]
pub(crate) fn c<T: Real>(v: f64) -> T {
    T::from_f64(v).expect("every Real type represents f64 constants")
}
