//! The encoder's pass: standardised patches, pre-activations and the top-k selection.

use nalgebra::DMatrix;

use super::{B_ENC, B_PRE, W_ENC};
use crate::model::family::{fit, standardize, Layout};
use crate::model::gemm::{gemm, Op};
use crate::model::relu_l1::add_bias;
use crate::model::Real;

/// ReLU of the `k` largest of `pre[cand]` into `out` (zero elsewhere); `cand` is permuted.
pub(super) fn top_relu<T: Real>(pre: &[T], cand: &mut [usize], k: usize, out: &mut [T]) {
    out.fill(T::zero());
    let k = k.min(cand.len());
    if k == 0 {
        return;
    }
    if k < cand.len() {
        // descending, so the first k are the largest (NaN sorts as equal: no panic)
        cand.select_nth_unstable_by(k - 1, |&a, &b| pre[b].partial_cmp(&pre[a]).unwrap_or(std::cmp::Ordering::Equal));
    }
    for &j in &cand[..k] {
        out[j] = pre[j].max(T::zero());
    }
}

/// One encoder pass over a batch: standardised patches X, X − b_pre, pre-activations, codes.
#[derive(Clone, Debug)]
pub(super) struct Pass<T: Real> {
    pub(super) xs: DMatrix<T>,
    pub(super) xc: DMatrix<T>,
    pub(super) pre: DMatrix<T>,
    pub(super) z: DMatrix<T>,
}

impl<T: Real> Default for Pass<T> {
    fn default() -> Self {
        let e = || DMatrix::zeros(0, 0);
        Pass { xs: e(), xc: e(), pre: e(), z: e() }
    }
}

impl<T: Real> Pass<T> {
    /// Standardises `x`, then pre-activations and top-`k` codes with θ's encoder.
    pub(super) fn run(&mut self, x: &DMatrix<T>, l: &Layout, th: &[T], order: &mut Vec<usize>, k: usize) {
        let (h, n, m) = (l.blocks()[B_ENC].rows, x.nrows(), x.ncols());
        for (b, rows) in [(&mut self.xs, n), (&mut self.xc, n), (&mut self.pre, h), (&mut self.z, h)] {
            fit(b, rows, m);
        }
        standardize(x, &mut self.xs);
        self.xc.copy_from(&self.xs);
        let b_pre = &th[l.range(B_PRE)];
        for col in self.xc.as_mut_slice().chunks_exact_mut(n) {
            col.iter_mut().zip(b_pre).for_each(|(v, &b)| *v -= b);
        }
        self.pre.fill(T::zero());
        add_bias(&mut self.pre, &th[l.range(B_ENC)]);
        gemm(T::one(), &l.view(th, W_ENC), Op::N, &self.xc, Op::N, T::one(), &mut self.pre);
        for (p, z) in self.pre.as_slice().chunks_exact(h).zip(self.z.as_mut_slice().chunks_exact_mut(h)) {
            order.clear();
            order.extend(0..h);
            top_relu(p, order, k, z);
        }
    }
}
