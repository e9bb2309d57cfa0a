//! The convolutional autoencoder (issue 14): h kernels of k×k shared over the whole patch,
//! sparse feature maps, and a decoder that is the encoder's transpose. On standardised
//! patches x (see [`super::family::standardize`]), with ⋆ the valid cross-correlation and ∗
//! the full stride-1 convolution (the transposed operator; [`maps`] does both by im2col):
//!
//! A_j = S(ReLU(W_j ⋆ x + b_j)),   x̂ = Σ_j A_j ∗ W_j + c,
//! J = (1/2m)Σ_i‖x̂_i − t_i‖² + l1·(1/m)Σ_i Σ_j Σ_pos A_ij(pos) + (λ/2)‖W‖²   ("recon", "l1", decay)
//!
//! where S is the spatial winner-take-all of Makhzani & Frey 2015 (the `winners` largest values
//! of each map stay, the rest are 0; `winners` = 0 keeps them all). The decoder's kernels are
//! the encoder's, tied: the decoder is exactly the encoder's adjoint, so the filter grid shows
//! the one set of kernels that both detects and draws, and there is no strided transposed
//! convolution (stride 1 everywhere), so no checkerboard artefacts (Odena et al. 2016).
//!
//! **Kernel side.** Every knob acts on the next step, and the kernel side would change θ's
//! size, so it is not a knob: k = p/2 + 1 ([`kernel_size`]: 5 for the default 8×8 patches,
//! 9 for 16×16). **"Same" maps** ([`SAME`]): the patch is padded with k − 1 zeros (the mean of
//! a standardised patch), so each map has one position per pixel and every pixel of the patch
//! is rebuilt from all k² kernel pixels; the padding itself is not reconstructed. "Valid" maps
//! (no padding, a full convolution back to p×p) reach the patch's corner pixels through the
//! kernels' corners alone, which then grow to rebuild them.
//!
//! Gradient, with D = (X̂ − T)/m, C(·) the im2col windows, M = [A > 0]:
//!   ∂J/∂W = A·C(D)ᵀ (decoder) + Δ·C(X)ᵀ (encoder) + λW,   Δ = (W·C(D) + l1/m) ⊙ M,
//!   ∂J/∂b = Δ·1,   ∂J/∂c = Σ D.
//! (The winners' selection is piecewise constant: it passes gradient only through the kept
//! values, as a ReLU does.)
//!
//! **Readouts.** The page asks every model for one code per unit and patch: here map j's
//! largest value over the patch (the winner's, under winner-take-all). Decoding such a code
//! places each map's value at the centre position, i.e. adds code_j times kernel j drawn
//! centred in the p×p tile, which is exactly the tile [`Model::filters_into`] shows.

use crate::model::family::own_theta;
use nalgebra::DMatrix;
use rand_pcg::Pcg32;

use super::cost::{sq_norm, sum_sq_diff, to_f64};
use super::family::{fit, standardize, unstandardize, CodeKind, Cost, Ctx, Layout, Model};
use super::gemm::{gemm, Op};
use super::hyper::OptimizerKind;
use super::knob::{Knob, KnobKind};
use super::relu_l1::random_columns;
use super::spec::ModelSpec;
use super::{c, Real};

mod check;
pub mod maps;
mod sparse;
mod windows;
use check::gradcheck;
pub use maps::{Grid, Maps, Select};

/// Index of the `l1` knob in [`SPEC`]'s table.
pub const KNOB_L1: usize = 0;
/// Index of the `winners` knob.
pub const KNOB_WINNERS: usize = 1;
/// Index of the `lr` knob.
pub const KNOB_LR: usize = 2;

/// Blocks of θ: the kernels (h×k², kernel j row-major in row j), their biases, the output bias.
const W: usize = 0;
const B: usize = 1;
const B_OUT: usize = 2;

/// "Same" padding (see [`Grid`]): measured against "valid", which left the kernels' corners
/// large (the patch's corner pixels are reached through them alone) and 8 of 25 kernels edges.
pub const SAME: bool = true;

/// Norm of each kernel at initialisation.
pub const INIT_KERNEL_NORM: f64 = 0.1;

/// The kernel side for p×p patches: p/2 + 1 (5 for 8×8), see the module docs.
pub fn kernel_size(p: usize) -> usize {
    p / 2 + 1
}

/// The registry entry.
pub const SPEC: ModelSpec = ModelSpec {
    key: "conv",
    name: "Convolutional autoencoder",
    about: "k×k kernels shared over the whole patch, sparse feature maps (winner-take-all, L1), decoded by the transposed kernels",
    cost: "J = (1/2m)Σ‖x̂ − x‖² + l1 · (1/m)Σ Σⱼ Σₚₒₛ Aⱼ + (λ/2)‖W‖², with Aⱼ = WTA(ReLU(Wⱼ ⋆ x + bⱼ)), x̂ = Σⱼ Aⱼ ∗ Wⱼ + c.",
    lesson: "Measured here: 17 of 25 kernels (0.68) are edges at step 500 and 15 (0.60) at 1 000 with one winner per map; white noise gives 2. Sharing each kernel over the whole patch is what makes it local: with every map value kept and no L1 (winners = 0) 0.76 are edges too, and the code is dense (29 of 64 values per map); L1 on all values (l1 = 0.05) leaves ≈ 2 per map and 1–2 edges.",
    knobs: &[
        Knob {
            key: "l1",
            label: "L1 weight",
            help: "Weight of the sum of all feature-map values; winner-take-all already makes the maps sparse, and 0.05 on all values leaves about 2 per map and hardly any edges",
            min: 0.0,
            max: 5.0,
            default: 0.0,
            kind: KnobKind::Float { log: false },
        },
        Knob {
            key: "winners",
            label: "winners per map",
            help: "Spatial winner-take-all: the values kept in each feature map per patch (0 keeps them all)",
            min: 0.0,
            max: 64.0,
            default: 1.0,
            kind: KnobKind::Int,
        },
        Knob::learning_rate(1e-5, 0.1, 3e-3, "Adam's step size"),
    ],
    optimizer: OptimizerKind::Adam,
    build: |shape, _, rng| {
        let p = patch_side(shape.inputs);
        Box::new(Conv::<f32>::new(p, kernel_size(p), shape.hidden, rng))
    },
    gradcheck,
};

/// p for n = p² inputs.
fn patch_side(n: usize) -> usize {
    let p = (n as f64).sqrt().round() as usize;
    assert_eq!(p * p, n, "the convolutional autoencoder takes square patches, not {n} pixels");
    p
}

/// The sparsity rule of the `winners` knob.
pub fn select(ctx: &Ctx) -> Select {
    match ctx.knob(KNOB_WINNERS, SPEC.knobs[KNOB_WINNERS].default).round() as usize {
        0 => Select::All,
        n => Select::Winners(n),
    }
}

/// Most values the buffers of one pass hold (windows, maps and their twins: (2k² + 2h) per
/// position of each patch). A batch is encoded and decoded in chunks of patches under it, so
/// memory stays bounded at every size the page offers: 400 kernels of 9×9 over 16×16 patches
/// in batches of 2 048 took 3.7 GB in one pass, more than a wasm32 page can have. The cost and
/// its gradient are sums over patches, so chunks change only the order of the sums; at the
/// defaults (1.6 M values) the batch is one chunk.
const CHUNK_VALUES: usize = 1 << 23;

/// The column ranges of an m-patch batch in chunks of `size` patches (the last one shorter).
fn chunks(m: usize, size: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..m).step_by(size).map(move |s| s..(s + size).min(m))
}

/// The convolutional autoencoder: θ and the buffers of one batch size (the training batch's
/// and the readouts', apart).
#[derive(Clone, Debug)]
pub struct Conv<T: Real> {
    layout: Layout,
    theta: Vec<T>,
    /// Patch side, kernel side, "same" padding.
    p: usize,
    k: usize,
    same: bool,
    /// Standardised input and target (n×m).
    xs: DMatrix<T>,
    ts: DMatrix<T>,
    /// One chunk of them, its codes and its reconstruction, and its gradient.
    xc: DMatrix<T>,
    tc: DMatrix<T>,
    cc: DMatrix<T>,
    rc: DMatrix<T>,
    gc: Vec<T>,
    /// Values one pass may hold ([`CHUNK_VALUES`]; smaller in tests).
    chunk_values: usize,
    /// The training batch's pass over the latest chunk (its `xhat` becomes D in the backward
    /// pass).
    train: Maps<T>,
    /// Codes (h×m: each map's largest value) and the reconstruction in the sampler's range.
    codes: DMatrix<T>,
    recon: DMatrix<T>,
    /// Readout buffers ([`Model::encode`], [`Model::decode`]).
    read: Maps<T>,
    read_c: DMatrix<T>,
    read_x: DMatrix<T>,
    read_y: DMatrix<T>,
    tiles: DMatrix<T>,
}

impl<T: Real> Conv<T> {
    /// `h` kernels of `k`×`k` for `p`×`p` patches: random directions of norm
    /// [`INIT_KERNEL_NORM`], biases 0. Panics unless 1 ≤ k ≤ p.
    pub fn new(p: usize, k: usize, h: usize, rng: &mut Pcg32) -> Self {
        assert!((1..=p).contains(&k), "kernel side {k} for {p}×{p} patches");
        let layout = Layout::new(&[("kernels", h, k * k), ("b_maps", h, 1), ("b_out", 1, 1)]);
        let mut theta = vec![T::zero(); layout.len()];
        let w = random_columns::<T>(k * k, h, INIT_KERNEL_NORM, rng);
        layout.view_mut(&mut theta, W).copy_from(&w.transpose());
        let e = || DMatrix::zeros(0, 0);
        Conv {
            layout,
            theta,
            p,
            k,
            same: SAME,
            xs: e(),
            ts: e(),
            xc: e(),
            tc: e(),
            cc: e(),
            rc: e(),
            gc: Vec::new(),
            chunk_values: CHUNK_VALUES,
            train: Maps::default(),
            codes: e(),
            recon: e(),
            read: Maps::default(),
            read_c: e(),
            read_x: e(),
            read_y: e(),
            tiles: e(),
        }
    }

    /// The patch's geometry.
    pub fn grid(&self) -> Grid {
        Grid { w: self.p, h: self.p, k: self.k, same: self.same }
    }

    /// The same model with "valid" maps instead (no padding; see [`Grid`]), for comparison.
    pub fn valid(mut self) -> Self {
        self.same = false;
        self
    }

    /// Kernel side k.
    pub fn kernel_side(&self) -> usize {
        self.k
    }

    /// The training batch's last pass (maps, windows, output).
    pub fn last_maps(&self) -> &Maps<T> {
        &self.train
    }

    /// Patches one pass holds (see [`CHUNK_VALUES`]).
    fn chunk_size(&self) -> usize {
        let per_patch = (2 * self.k * self.k + 2 * self.hidden()) * self.grid().positions();
        (self.chunk_values / per_patch.max(1)).max(1)
    }

    /// Cost (decay included) and, given `grad`, its gradient (module docs) over the batch,
    /// chunk by chunk.
    fn pass(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, mut grad: Option<&mut [T]>) -> Cost {
        let (n, m, h) = (input.nrows(), input.ncols(), self.hidden());
        for buf in [&mut self.xs, &mut self.ts, &mut self.recon] {
            fit(buf, n, m);
        }
        fit(&mut self.codes, h, m);
        standardize(input, &mut self.xs);
        standardize(target, &mut self.ts);
        let inv_m = T::one() / c::<T>(m as f64);
        if let Some(g) = grad.as_deref_mut() {
            g.fill(T::zero());
        }
        let (mut sq, mut maps) = (T::zero(), T::zero());
        for cols in chunks(m, self.chunk_size()) {
            self.load_chunk(cols.clone());
            let (s, a) = self.forward_chunk(ctx, cols);
            (sq, maps) = (sq + s, maps + a);
            if let Some(g) = grad.as_deref_mut() {
                self.backward_chunk(ctx, inv_m, g);
            }
        }
        let (l, th) = (&self.layout, &self.theta);
        let lambda = ctx.hyper.get().lambda;
        if let Some(g) = grad {
            let w = &th[l.range(W)];
            g[l.range(W)].iter_mut().zip(w).for_each(|(d, &w)| *d += c::<T>(lambda) * w);
        }
        let l1 = c::<T>(ctx.knob(KNOB_L1, SPEC.knobs[KNOB_L1].default));
        let decay = c::<T>(lambda / 2.0) * sq_norm(&th[l.range(W)]);
        Cost {
            recon: to_f64(sq * inv_m * c::<T>(0.5)),
            penalties: [to_f64(l1 * maps * inv_m), 0.0, 0.0],
            decay: to_f64(decay),
        }
    }

    /// The standardised batch's columns `cols` into the chunk buffers.
    fn load_chunk(&mut self, cols: std::ops::Range<usize>) {
        let (n, len) = (self.xs.nrows(), cols.len());
        for (src, dst) in [(&self.xs, &mut self.xc), (&self.ts, &mut self.tc)] {
            fit(dst, n, len);
            dst.copy_from(&src.columns(cols.start, len));
        }
    }

    /// Encodes and decodes the loaded chunk (batch columns `cols`), fills their codes and
    /// reconstructions, and gives its Σ‖x̂ − t‖² and Σ of map values.
    fn forward_chunk(&mut self, ctx: &Ctx, cols: std::ops::Range<usize>) -> (T, T) {
        let (l, th, g) = (&self.layout, &self.theta, self.grid());
        self.train.forward(g, &l.view(th, W), &th[l.range(B)], th[l.range(B_OUT)][0], &self.xc, select(ctx));
        fit(&mut self.rc, self.xc.nrows(), cols.len());
        unstandardize(&self.train.xhat, &mut self.rc);
        self.recon.columns_mut(cols.start, cols.len()).copy_from(&self.rc);
        self.train.maxima(g, &mut self.cc);
        self.codes.columns_mut(cols.start, cols.len()).copy_from(&self.cc);
        (sum_sq_diff(self.train.xhat.as_slice(), self.tc.as_slice()), self.train.sum())
    }

    /// Adds the loaded chunk's share of the gradient (decay aside) to `grad`, after
    /// [`Self::forward_chunk`]; `inv_m` = 1/(the whole batch's m).
    fn backward_chunk(&mut self, ctx: &Ctx, inv_m: T, grad: &mut [T]) {
        let (l, th, g) = (&self.layout, &self.theta, self.grid());
        let k1 = c::<T>(ctx.knob(KNOB_L1, SPEC.knobs[KNOB_L1].default)) * inv_m;
        let t = &mut self.train;
        // D = (X̂ − T)/m, in X̂'s buffer
        t.xhat.iter_mut().zip(self.tc.iter()).for_each(|(d, &v)| *d = (*d - v) * inv_m);
        let gc = &mut self.gc;
        gc.clear();
        gc.resize(th.len(), T::zero());
        gc[l.range(B_OUT)][0] = t.xhat.sum();
        let (gw_range, gb_range) = (l.range(W), l.range(B));
        let (head, tail) = gc.split_at_mut(gb_range.start);
        let w = l.view(th, W);
        let mut gw = nalgebra::DMatrixViewMut::from_slice(&mut head[gw_range], w.nrows(), w.ncols());
        t.backward(g, &w, k1, &mut gw, &mut tail[..gb_range.len()]);
        grad.iter_mut().zip(gc.iter()).for_each(|(d, &v)| *d += v);
    }
}

impl<T: Real + 'static> Model<T> for Conv<T> {
    own_theta!();

    fn penalty_names(&self) -> &'static [&'static str] {
        &["l1"]
    }

    fn cost_and_grad(
        &mut self,
        input: &DMatrix<T>,
        target: &DMatrix<T>,
        ctx: &Ctx,
        _: &mut Pcg32,
        grad: &mut [T],
    ) -> Cost {
        self.pass(input, target, ctx, Some(grad))
    }

    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, _: &mut Pcg32) -> Cost {
        self.pass(input, target, ctx, None)
    }

    fn encode(&mut self, x: &DMatrix<T>, ctx: &Ctx, codes: &mut DMatrix<T>) {
        fit(codes, self.hidden(), x.ncols());
        let (l, th, g) = (&self.layout, &self.theta, self.grid());
        let (w, b, b_out) = (l.view(th, W), &th[l.range(B)], th[l.range(B_OUT)][0]);
        for cols in chunks(x.ncols(), self.chunk_size()) {
            for buf in [&mut self.read_c, &mut self.read_x] {
                fit(buf, x.nrows(), cols.len());
            }
            self.read_c.copy_from(&x.columns(cols.start, cols.len()));
            standardize(&self.read_c, &mut self.read_x);
            self.read.forward(g, &w, b, b_out, &self.read_x, select(ctx));
            self.read.maxima(g, &mut self.cc);
            codes.columns_mut(cols.start, cols.len()).copy_from(&self.cc);
        }
    }

    /// x̂ = Σ_j code_j · (kernel j centred in the tile) + c (module docs).
    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
        let mut tiles = std::mem::replace(&mut self.tiles, DMatrix::zeros(0, 0));
        self.filters_into(&mut tiles);
        fit(&mut self.read_y, tiles.ncols(), codes.ncols());
        fit(x_hat, tiles.ncols(), codes.ncols());
        self.read_y.fill(self.theta[self.layout.range(B_OUT)][0]);
        gemm(T::one(), &tiles, Op::T, codes, Op::N, T::one(), &mut self.read_y);
        unstandardize(&self.read_y, x_hat);
        self.tiles = tiles;
    }

    fn last_codes(&self) -> &DMatrix<T> {
        &self.codes
    }

    fn last_recon(&self) -> &DMatrix<T> {
        &self.recon
    }

    fn code_kind(&self) -> CodeKind {
        CodeKind::NonNegative
    }

    /// Each kernel centred in a p×p tile of zeros (h×p²), so the grid shows it unscaled.
    fn filters_into(&self, out: &mut DMatrix<T>) {
        let (p, k) = (self.p, self.k);
        let w = self.layout.view(&self.theta, W);
        fit(out, w.nrows(), p * p);
        out.fill(T::zero());
        let o = (p - k) / 2;
        for j in 0..w.nrows() {
            for b in 0..k {
                for a in 0..k {
                    out[(j, (o + b) * p + o + a)] = w[(j, b * k + a)];
                }
            }
        }
    }

    fn inputs(&self) -> usize {
        self.p * self.p
    }

    fn hidden(&self) -> usize {
        self.layout.blocks()[B].rows
    }

    fn boxed_clone(&self) -> Box<dyn Model<T>> {
        Box::new(self.clone())
    }

    /// How many values each map keeps per patch, on average over the latest batch's last chunk.
    fn diagnostics(&self, _x: &DMatrix<T>) -> Vec<(&'static str, f64)> {
        let a = &self.train.a;
        let per = (a.nrows() * a.ncols() / self.grid().positions()).max(1) as f64;
        vec![("values kept per map and patch", a.iter().filter(|&&v| v > T::zero()).count() as f64 / per)]
    }
}

#[cfg(test)]
mod tests;
