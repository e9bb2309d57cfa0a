//! The convolutional autoencoder's passes over images of any size: im2col, its adjoint
//! col2im, the sparse feature maps and the tied decoder. The training batch (m patches of
//! p×p) and the whole-image view (one w×h crop) run the same code with another [`Grid`].
//!
//! **im2col.** Column i·P + v·q_w + u of the k²×(P·m) matrix C(x) holds the k×k window of
//! image i whose top-left corner is position (u, v) (P = q_w·q_h positions, q = side − k + 1),
//! row b·k + a its pixel (u + a, v + b). The valid cross-correlation of every image with every
//! kernel is then one product, pre = W·C(x) (W: h×k², kernel j row-major in row j), so the
//! step is three GEMMs of h×k²×(P·m) and the copies around them, not nested loops.
//! col2im is the adjoint of im2col: it adds each window back where it came from, so
//! col2im(Wᵀ·A) is Σ_j A_j ⋆ W_j, the full (stride-1, "transposed") convolution of each map
//! with its kernel: each position pastes its kernel, scaled by its value, at its place.

use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut};

use super::sparse;
pub use super::windows::Windows;

use crate::model::family::fit;
use crate::model::gemm::{gemm, Op};
use crate::model::Real;

/// The geometry of a k×k cross-correlation over `w`×`h` images: "same" (the image padded with
/// zeros, k − 1 in each direction, so there is one position per pixel and every pixel is
/// reconstructed from all k² kernel pixels) or "valid" (no padding, (w − k + 1)×(h − k + 1)
/// positions; the corner pixels are then reached by one kernel pixel each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Image width.
    pub w: usize,
    /// Image height.
    pub h: usize,
    /// Kernel side.
    pub k: usize,
    /// Padding: "same" when true, "valid" when false.
    pub same: bool,
}

impl Grid {
    /// Zeros added before the first row and column ((k − 1)/2 for "same", else 0).
    pub fn lo(&self) -> usize {
        if self.same {
            (self.k - 1) / 2
        } else {
            0
        }
    }

    /// The padded image's windows: a valid cross-correlation over it.
    pub fn windows(&self) -> Windows {
        let extra = if self.same { self.k - 1 } else { 0 };
        Windows { w: self.w + extra, h: self.h + extra, k: self.k }
    }

    /// Positions per image (one value per map at each).
    pub fn positions(&self) -> usize {
        self.windows().positions()
    }

    /// Pixels per image.
    pub fn pixels(&self) -> usize {
        self.w * self.h
    }

    /// `x` (pixels × m) into the padded frame `xp` (zeros around).
    pub fn pad<T: Real>(&self, x: &DMatrix<T>, xp: &mut DMatrix<T>) {
        let (win, lo) = (self.windows(), self.lo());
        fit(xp, win.pixels(), x.ncols());
        xp.fill(T::zero());
        for (src, dst) in x.as_slice().chunks_exact(self.pixels()).zip(xp.as_mut_slice().chunks_exact_mut(win.pixels()))
        {
            for (y, row) in src.chunks_exact(self.w).enumerate() {
                let at = (y + lo) * win.w + lo;
                dst[at..at + self.w].copy_from_slice(row);
            }
        }
    }

    /// The image part of the padded frame `xp` added to `x` (pixels × m).
    pub fn crop_add<T: Real>(&self, xp: &DMatrix<T>, x: &mut DMatrix<T>) {
        let (win, lo) = (self.windows(), self.lo());
        for (src, dst) in xp.as_slice().chunks_exact(win.pixels()).zip(x.as_mut_slice().chunks_exact_mut(self.pixels()))
        {
            for (y, row) in dst.chunks_exact_mut(self.w).enumerate() {
                let at = (y + lo) * win.w + lo;
                row.iter_mut().zip(&src[at..at + self.w]).for_each(|(d, &s)| *d += s);
            }
        }
    }
}

/// The sparse path runs when fewer than 1 in this many map values are kept.
const SPARSE_BELOW: usize = 8;

/// How the maps are made sparse, after the ReLU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Select {
    /// Every positive value stays (the L1 penalty alone makes the maps sparse).
    All,
    /// Spatial winner-take-all (Makhzani & Frey 2015): in each map of each image, only the
    /// `n` largest values stay.
    Winners(usize),
    /// The same rule for a picture larger than the training patches, without seams: a value
    /// stays where it is the largest of its map within the `side`×`side` positions centred on
    /// it (non-maximum suppression; `side` = the positions of one patch).
    LocalMax(usize),
}

/// C(x): the k×k windows of every image of `x` (pixels × m), one per column (module docs).
pub fn im2col<T: Real>(g: Windows, x: &DMatrix<T>, cols: &mut DMatrix<T>) {
    let (k, npos) = (g.k, g.positions());
    fit(cols, k * k, npos * x.ncols());
    let mut out = cols.as_mut_slice().chunks_exact_mut(k * k);
    for img in x.as_slice().chunks_exact(g.pixels()) {
        for v in 0..g.qh() {
            for u in 0..g.qw() {
                let col = out.next().expect("cols has one column per window");
                for (b, dst) in col.chunks_exact_mut(k).enumerate() {
                    let at = (v + b) * g.w + u;
                    dst.copy_from_slice(&img[at..at + k]);
                }
            }
        }
    }
}

/// The adjoint of [`im2col`]: adds every window of `cols` into `x` (pixels × m, not cleared).
pub fn col2im_add<T: Real>(g: Windows, cols: &DMatrix<T>, x: &mut DMatrix<T>) {
    let k = g.k;
    let mut windows = cols.as_slice().chunks_exact(k * k);
    for img in x.as_mut_slice().chunks_exact_mut(g.pixels()) {
        for v in 0..g.qh() {
            for u in 0..g.qw() {
                let col = windows.next().expect("cols has one column per window");
                for (b, src) in col.chunks_exact(k).enumerate() {
                    let at = (v + b) * g.w + u;
                    img[at..at + k].iter_mut().zip(src).for_each(|(d, &s)| *d += s);
                }
            }
        }
    }
}

/// The buffers of one pass (allocated once per batch shape): windows, pre-activations,
/// sparse maps, the decoder's windows and the standardised output.
#[derive(Clone, Debug)]
pub struct Maps<T: Real> {
    /// The input in its padded frame, then (backward pass) D in it.
    pub xp: DMatrix<T>,
    /// C(x), k²×(P·m).
    pub cols: DMatrix<T>,
    /// W·C(x) + b, h×(P·m); the backward pass reuses it for Δ.
    pub pre: DMatrix<T>,
    /// The sparse maps A, h×(P·m): ReLU(pre) where [`Select`] keeps it, else 0.
    pub a: DMatrix<T>,
    /// Wᵀ·A, k²×(P·m); the backward pass reuses it for C(D).
    pub ycols: DMatrix<T>,
    /// col2im(Wᵀ·A) in the padded frame.
    pub xhat_p: DMatrix<T>,
    /// x̂ = its image part + b_out, pixels × m (standardised units).
    pub xhat: DMatrix<T>,
    /// The kernels as k²×h (kernel j contiguous) and their gradient, for the sparse path.
    wt: DMatrix<T>,
    gwt: DMatrix<T>,
    /// True when few enough values are kept that the sparse path is faster ([`super::sparse`]).
    pub sparse: bool,
    /// Indices into A of the kept values (filled on the sparse path only).
    kept: Vec<usize>,
    /// Each map's running largest position, for one winner (its value is in `scratch`).
    best: Vec<usize>,
    /// One map's values of one image, for the winners' threshold; each map's running largest
    /// value, for one winner.
    scratch: Vec<T>,
}

impl<T: Real> Default for Maps<T> {
    fn default() -> Self {
        let e = || DMatrix::zeros(0, 0);
        Maps {
            xp: e(),
            cols: e(),
            pre: e(),
            a: e(),
            ycols: e(),
            xhat_p: e(),
            xhat: e(),
            wt: e(),
            gwt: e(),
            sparse: false,
            kept: Vec::new(),
            best: Vec::new(),
            scratch: Vec::new(),
        }
    }
}

impl<T: Real> Maps<T> {
    /// Encodes and decodes the standardised images `xs` (pixels × m) with kernels `w` (h×k²),
    /// map biases `b` and output bias `b_out`.
    pub fn forward(&mut self, g: Grid, w: &DMatrixView<'_, T>, b: &[T], b_out: T, xs: &DMatrix<T>, select: Select) {
        let (h, cols) = (w.nrows(), g.positions() * xs.ncols());
        g.pad(xs, &mut self.xp);
        im2col(g.windows(), &self.xp, &mut self.cols);
        fit(&mut self.pre, h, cols);
        for col in self.pre.as_mut_slice().chunks_exact_mut(h) {
            col.copy_from_slice(b);
        }
        gemm(T::one(), w, Op::N, &self.cols, Op::N, T::one(), &mut self.pre);
        fit(&mut self.a, h, cols);
        self.select(g.windows(), select);
        fit(&mut self.xhat_p, g.windows().pixels(), xs.ncols());
        self.xhat_p.fill(T::zero());
        if self.sparse {
            fit(&mut self.wt, g.k * g.k, h);
            w.transpose_to(&mut self.wt);
            sparse::decode(g.windows(), &self.wt, &self.a, &self.kept, &mut self.xhat_p);
        } else {
            fit(&mut self.ycols, g.k * g.k, cols);
            gemm(T::one(), w, Op::T, &self.a, Op::N, T::zero(), &mut self.ycols);
            col2im_add(g.windows(), &self.ycols, &mut self.xhat_p);
        }
        fit(&mut self.xhat, g.pixels(), xs.ncols());
        self.xhat.fill(b_out);
        g.crop_add(&self.xhat_p, &mut self.xhat);
    }

    /// ∂J/∂W into `gw` (h×k², overwritten) and ∂J/∂b into `gb`, after [`Self::forward`] and
    /// with D = (X̂ − T)/m in `xhat`; `k1` = l1/m. D goes into the padded frame with zeros
    /// around (padded pixels are not reconstructed), then (dense path)
    /// ∂W = A·C(D)ᵀ + Δ·C(X)ᵀ, Δ = (W·C(D) + k1) ⊙ [A > 0], ∂b = Δ·1.
    pub fn backward(&mut self, g: Grid, w: &DMatrixView<'_, T>, k1: T, gw: &mut DMatrixViewMut<'_, T>, gb: &mut [T]) {
        g.pad(&self.xhat, &mut self.xp);
        if self.sparse {
            fit(&mut self.gwt, g.k * g.k, w.nrows());
            sparse::backward(g.windows(), &self.wt, &self.a, &self.kept, &self.cols, &self.xp, k1, &mut self.gwt, gb);
            for (j, mut row) in gw.row_iter_mut().enumerate() {
                row.iter_mut().zip(self.gwt.column(j).iter()).for_each(|(d, &s)| *d = s);
            }
            return;
        }
        im2col(g.windows(), &self.xp, &mut self.ycols);
        gemm(T::one(), &self.a, Op::N, &self.ycols, Op::T, T::zero(), gw);
        gemm(T::one(), w, Op::N, &self.ycols, Op::N, T::zero(), &mut self.pre);
        let delta = self.pre.iter_mut().zip(self.a.iter());
        delta.for_each(|(d, &a)| *d = if a > T::zero() { *d + k1 } else { T::zero() });
        gemm(T::one(), &self.pre, Op::N, &self.cols, Op::T, T::one(), gw);
        crate::model::cost::row_sums(&self.pre, gb);
    }

    /// A = ReLU(pre) where `select` keeps it, 0 elsewhere; the kept values' indices into A
    /// go to `kept` when they are few (the sparse path), and `sparse` says which.
    pub(super) fn select(&mut self, g: Windows, select: Select) {
        let (h, npos) = (self.pre.nrows(), g.positions());
        let images = self.pre.len() / (h * npos).max(1);
        let (pre, a, kept) = (self.pre.as_slice(), self.a.as_mut_slice(), &mut self.kept);
        let relu = |v: T| v.max(T::zero());
        kept.clear();
        match select {
            Select::Winners(n) if n < npos => {
                a.fill(T::zero());
                let n = n.max(1);
                for img in 0..images {
                    let base = img * npos * h;
                    let maps = &pre[base..base + npos * h];
                    if n == 1 {
                        // one winner per map: the first largest, found in one pass over positions
                        // (values and positions apart, and selects instead of branches, so the
                        // loop over maps vectorises)
                        self.scratch.clear();
                        self.scratch.extend_from_slice(&maps[..h]);
                        self.best.clear();
                        self.best.resize(h, 0);
                        for (s, pos) in maps.chunks_exact(h).enumerate().skip(1) {
                            let lanes = self.scratch.iter_mut().zip(self.best.iter_mut()).zip(pos);
                            for ((bv, bs), &v) in lanes {
                                let better = v > *bv;
                                *bv = if better { v } else { *bv };
                                *bs = if better { s } else { *bs };
                            }
                        }
                        for (j, (&v, &s)) in self.scratch.iter().zip(&self.best).enumerate() {
                            if v > T::zero() {
                                a[base + s * h + j] = v;
                                kept.push(base + s * h + j);
                            }
                        }
                        continue;
                    }
                    for j in 0..h {
                        // the n-th largest value of map j: values at or above it stay
                        self.scratch.clear();
                        self.scratch.extend(maps.chunks_exact(h).map(|pos| pos[j]));
                        let (_, nth, _) = self.scratch.select_nth_unstable_by(npos - n, |x, y| {
                            x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal)
                        });
                        let thr = nth.max(T::zero());
                        for (s, pos) in maps.chunks_exact(h).enumerate() {
                            if pos[j] >= thr && pos[j] > T::zero() {
                                a[base + s * h + j] = pos[j];
                                kept.push(base + s * h + j);
                            }
                        }
                    }
                }
            }
            Select::LocalMax(side) => {
                // the largest value of each map within the window around each position,
                // separably (along the rows into `scratch`, then down the columns into A),
                // with the maps side by side so the inner loops run over h contiguous values
                // (selects, not `max`, so they vectorise)
                let (qw, qh) = (g.qw(), g.qh());
                let (lo, hi) = ((side.max(1) - 1) / 2, side.max(1) / 2);
                let reach = |c: usize, n: usize| c.saturating_sub(lo)..(c + hi + 1).min(n);
                let rows = &mut self.scratch;
                rows.clear();
                rows.resize(pre.len(), T::zero());
                let max_into = |out: &mut [T], src: &[T], at: std::ops::Range<usize>, stride: usize| {
                    out.copy_from_slice(&src[at.start * stride..][..h]);
                    for i in at.skip(1) {
                        out.iter_mut()
                            .zip(&src[i * stride..][..h])
                            .for_each(|(m, &v)| *m = if v > *m { v } else { *m });
                    }
                };
                for img in 0..images {
                    let base = img * npos * h;
                    let (pre, rows_img) = (&pre[base..base + npos * h], &mut rows[base..base + npos * h]);
                    for v in 0..qh {
                        for u in 0..qw {
                            let row = &pre[v * qw * h..];
                            max_into(&mut rows_img[(v * qw + u) * h..][..h], row, reach(u, qw), h);
                        }
                    }
                    let a_img = &mut a[base..base + npos * h];
                    for v in 0..qh {
                        for u in 0..qw {
                            max_into(&mut a_img[(v * qw + u) * h..][..h], &rows_img[u * h..], reach(v, qh), qw * h);
                        }
                    }
                }
                // a value stays where nothing in its window is larger
                a.iter_mut().zip(pre).for_each(|(m, &p)| *m = if p >= *m { relu(p) } else { T::zero() });
                collect_positive(a, kept);
            }
            // all values (or more winners than positions)
            _ => {
                a.iter_mut().zip(pre).for_each(|(a, &p)| *a = relu(p));
                collect_positive(a, kept);
            }
        }
        self.sparse = kept.len() * SPARSE_BELOW < a.len();
        if !self.sparse {
            kept.clear();
        }
    }

    /// Σ of all map values.
    pub fn sum(&self) -> T {
        if self.sparse {
            let a = self.a.as_slice();
            self.kept.iter().fold(T::zero(), |s, &i| s + a[i])
        } else {
            self.a.as_slice().iter().fold(T::zero(), |s, &v| s + v)
        }
    }

    /// Each map's largest value over each image: `codes` (h×m).
    pub fn maxima(&self, g: Grid, codes: &mut DMatrix<T>) {
        let (h, npos) = (self.a.nrows(), g.positions());
        let m = self.a.ncols() / npos.max(1);
        fit(codes, h, m);
        codes.fill(T::zero());
        let (a, out) = (self.a.as_slice(), codes.as_mut_slice());
        if self.sparse {
            for &i in &self.kept {
                let (img, j) = (i / (h * npos), i % h);
                out[img * h + j] = out[img * h + j].max(a[i]);
            }
            return;
        }
        for (code, img) in out.chunks_exact_mut(h).zip(a.chunks_exact(h * npos)) {
            for pos in img.chunks_exact(h) {
                code.iter_mut().zip(pos).for_each(|(c, &v)| *c = c.max(v));
            }
        }
    }
}

/// The indices of `a`'s positive values into `kept`, unless there are too many for the
/// sparse path (then `kept` is left with more than 1/[`SPARSE_BELOW`] of them, which says so).
fn collect_positive<T: Real>(a: &[T], kept: &mut Vec<usize>) {
    let count = a.iter().filter(|&&v| v > T::zero()).count();
    if count * SPARSE_BELOW < a.len() {
        kept.extend(a.iter().enumerate().filter(|(_, &v)| v > T::zero()).map(|(i, _)| i));
    } else {
        kept.resize(count, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_has_a_position_per_pixel_and_crop_undoes_pad() {
        let g = Grid { w: 6, h: 5, k: 5, same: true };
        assert_eq!((g.lo(), g.windows(), g.positions()), (2, Windows { w: 10, h: 9, k: 5 }, 30));
        let valid = Grid { same: false, ..g };
        assert_eq!((valid.lo(), valid.positions()), (0, 2), "2×1 positions");
        let x = DMatrix::from_fn(30, 2, |i, j| (i + 30 * j) as f64);
        let mut xp = DMatrix::zeros(0, 0);
        g.pad(&x, &mut xp);
        assert_eq!(xp.shape(), (90, 2));
        assert_eq!(xp.sum(), x.sum(), "zeros around");
        assert_eq!(xp[(3 * 10 + 2 + 4, 1)], x[(6 + 4, 1)], "pixel (4, 1) at (6, 3) of the frame");
        let mut back = DMatrix::zeros(30, 2);
        g.crop_add(&xp, &mut back);
        assert_eq!(back, x);
    }

    /// im2col and col2im are adjoint: ⟨C(x), Y⟩ = ⟨x, col2im(Y)⟩ for any x and Y.
    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        let g = Windows { w: 7, h: 5, k: 3 };
        let x = DMatrix::from_fn(35, 2, |i, j| ((i * 7 + j * 3) % 11) as f64 - 5.0);
        let mut cols = DMatrix::zeros(0, 0);
        im2col(g, &x, &mut cols);
        assert_eq!(cols.shape(), (9, 2 * 5 * 3));
        // window at position (u, v) = (4, 2) of image 1, pixel (a, b) = (2, 1): x(6, 3)
        assert_eq!(cols[(3 + 2, 15 + 2 * 5 + 4)], x[(3 * 7 + 6, 1)], "row b·k + a, column i·P + v·q_w + u");
        let y = DMatrix::from_fn(9, 30, |i, j| ((i + 2 * j) % 7) as f64 - 3.0);
        let mut back = DMatrix::zeros(35, 2);
        col2im_add(g, &y, &mut back);
        assert!((cols.dot(&y) - x.dot(&back)).abs() < 1e-9);
    }

    #[test]
    fn winners_keep_the_largest_of_each_map_and_local_max_is_translation_invariant() {
        let g = Windows { w: 4, h: 4, k: 2 };
        // one map, 9 positions, values 0..9 shuffled; two winners keep 8 and 7
        let mut maps = Maps::<f64> {
            pre: DMatrix::from_row_slice(1, 9, &[3.0, 8.0, 1.0, 0.0, 7.0, 2.0, 5.0, 4.0, 6.0]),
            a: DMatrix::zeros(1, 9),
            ..Maps::default()
        };
        maps.select(g, Select::Winners(2));
        assert_eq!(maps.a.as_slice(), &[0.0, 8.0, 0.0, 0.0, 7.0, 0.0, 0.0, 0.0, 0.0]);
        maps.select(g, Select::Winners(1));
        assert_eq!(maps.a.iter().filter(|&&v| v > 0.0).count(), 1);
        // 3×3 neighbourhoods: only 8 is the largest of its own; 1×1 keeps every positive value
        maps.select(g, Select::LocalMax(3));
        assert_eq!(maps.a.as_slice(), &[0.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        maps.select(g, Select::LocalMax(1));
        assert_eq!(maps.a, maps.pre);
    }
}
