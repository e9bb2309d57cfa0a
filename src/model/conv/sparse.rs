//! The decoder and the backward pass by the kept values alone, for sparse maps. Under
//! winner-take-all one value of P per map stays, so the dense products Wᵀ·A, A·C(D)ᵀ, W·C(D)
//! and Δ·C(X)ᵀ would mostly multiply zeros: visiting the kept values costs 3·k² per value
//! instead of 4·h·k² per position, and leaves the encoder's W·C(X) as the one dense product.
//! Same sums as the dense path (in another order).

use nalgebra::DMatrix;

use super::windows::Windows;
use crate::model::Real;

/// (column, position across, position down, image) of column `c` of the maps.
fn place(win: Windows, c: usize) -> (usize, usize, usize) {
    let npos = win.positions();
    let s = c % npos;
    (s % win.qw(), s / win.qw(), c / npos)
}

/// Adds A_j(pos)·kernel j at every kept value (`kept`: indices into `a`) into `frame` (padded frames × m).
/// `wt` is k²×h (kernel j contiguous in column j).
pub fn decode<T: Real>(win: Windows, wt: &DMatrix<T>, a: &DMatrix<T>, kept: &[usize], frame: &mut DMatrix<T>) {
    let (h, k, fp) = (a.nrows(), win.k, win.pixels());
    let (wt, out, a) = (wt.as_slice(), frame.as_mut_slice(), a.as_slice());
    for &i in kept {
        let (c, j, aj) = (i / h, i % h, a[i]);
        let (u, v, img) = place(win, c);
        let kern = &wt[j * k * k..(j + 1) * k * k];
        for (b, krow) in kern.chunks_exact(k).enumerate() {
            let at = img * fp + (v + b) * win.w + u;
            out[at..at + k].iter_mut().zip(krow).for_each(|(o, &w)| *o += aj * w);
        }
    }
}

/// ∂J/∂W (into `gwt`, k²×h, overwritten) and ∂J/∂b (into `gb`, overwritten) from the kept
/// values of `a`, the input windows `cols` and D in its padded frame `d`; `k1` = l1/m:
/// for each kept A_j(pos), g = W_j·D_win + k1, ∂W_j += A_j(pos)·D_win + g·X_win, ∂b_j += g.
#[allow(clippy::too_many_arguments)]
pub fn backward<T: Real>(
    win: Windows,
    wt: &DMatrix<T>,
    a: &DMatrix<T>,
    kept: &[usize],
    cols: &DMatrix<T>,
    d: &DMatrix<T>,
    k1: T,
    gwt: &mut DMatrix<T>,
    gb: &mut [T],
) {
    let (h, k, k2, fp) = (a.nrows(), win.k, win.k * win.k, win.pixels());
    gwt.fill(T::zero());
    gb.fill(T::zero());
    let (wt, d, cols, gwt, a) = (wt.as_slice(), d.as_slice(), cols.as_slice(), gwt.as_mut_slice(), a.as_slice());
    for &i in kept {
        let (c, j, aj) = (i / h, i % h, a[i]);
        let (u, v, img) = place(win, c);
        let xwin = &cols[c * k2..(c + 1) * k2];
        {
            let (kern, gcol) = (&wt[j * k2..(j + 1) * k2], &mut gwt[j * k2..(j + 1) * k2]);
            let mut dot = T::zero();
            for b in 0..k {
                let at = img * fp + (v + b) * win.w + u;
                let drow = &d[at..at + k];
                for ((g, &w), &dv) in gcol[b * k..(b + 1) * k].iter_mut().zip(&kern[b * k..(b + 1) * k]).zip(drow) {
                    dot += w * dv;
                    *g += aj * dv;
                }
            }
            let gj = dot + k1;
            gcol.iter_mut().zip(xwin).for_each(|(g, &x)| *g += gj * x);
            gb[j] += gj;
        }
    }
}
