//! C ← α·op(A)·op(B) + β·C into a preallocated matrix, with op = identity or transpose.
//!
//! Transposes are free: a column-major r×c matrix read with swapped strides *is* its
//! transpose, and matrixmultiply takes any strides at full speed (with its wasm SIMD kernel
//! under simd128). nalgebra's own `gemm` also calls matrixmultiply, but only when every
//! dimension exceeds 5; below that its fallback mis-indexes strided views (nalgebra 0.35), and
//! the 64-5-64 gradient-check net is exactly that case.

use nalgebra::{Dyn, Matrix, RawStorage, RawStorageMut};

use super::Real;

/// Whether a factor is used as stored or transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Use the matrix as it is.
    N,
    /// Use its transpose.
    T,
}

/// A dynamically sized matrix or view (a `DMatrix`, or a block of a model's θ).
type Mat<T, S> = Matrix<T, Dyn, Dyn, S>;

/// Shape and strides of op(M), from M's own strides.
fn layout<T, S: RawStorage<T, Dyn, Dyn>>(m: &Mat<T, S>, op: Op) -> (usize, usize, isize, isize) {
    let (r, c) = m.shape();
    let (rs, cs) = m.strides();
    let (rs, cs) = (rs as isize, cs as isize);
    match op {
        Op::N => (r, c, rs, cs),
        Op::T => (c, r, cs, rs),
    }
}

/// C ← α·op(A)·op(B) + β·C. Panics if the shapes do not agree (a programming error).
pub fn gemm<T, SA, SB, SC>(alpha: T, a: &Mat<T, SA>, op_a: Op, b: &Mat<T, SB>, op_b: Op, beta: T, c: &mut Mat<T, SC>)
where
    T: Real,
    SA: RawStorage<T, Dyn, Dyn>,
    SB: RawStorage<T, Dyn, Dyn>,
    SC: RawStorageMut<T, Dyn, Dyn>,
{
    let (m, k, rsa, csa) = layout(a, op_a);
    let (k2, n, rsb, csb) = layout(b, op_b);
    assert!(k == k2 && c.shape() == (m, n), "gemm: {m}×{k} · {k2}×{n} into {:?}", c.shape());
    let (rsc, csc) = c.strides();
    let (rsc, csc) = (rsc as isize, csc as isize);
    // SAFETY: the pointers come from live matrices whose shapes were just checked against
    // the dimensions and strides passed; C does not alias A or B (&mut borrow).
    unsafe { T::raw_gemm(m, k, n, alpha, a.as_ptr(), rsa, csa, b.as_ptr(), rsb, csb, beta, c.as_mut_ptr(), rsc, csc) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    #[test]
    fn all_transpose_combinations_match_nalgebra() {
        let a = DMatrix::from_fn(4, 3, |i, j| (i * 3 + j) as f64 * 0.5 - 1.0);
        let b = DMatrix::from_fn(4, 2, |i, j| (i as f64) - 2.0 * j as f64);
        let bt = b.transpose();
        let at = a.transpose();
        let mut c = DMatrix::from_element(3, 2, 1.0);
        gemm(2.0, &a, Op::T, &b, Op::N, 0.5, &mut c);
        let want = (&at * &b) * 2.0 + DMatrix::from_element(3, 2, 0.5);
        assert!((c - want).abs().max() < 1e-12);
        let mut c = DMatrix::zeros(3, 2);
        gemm(1.0, &at, Op::N, &bt, Op::T, 0.0, &mut c);
        assert!((c - &at * &b).abs().max() < 1e-12);
        let mut c = DMatrix::zeros(3, 2);
        gemm(1.0, &a, Op::T, &bt, Op::T, 0.0, &mut c);
        assert!((c - &at * &b).abs().max() < 1e-12);
        let mut c = DMatrix::<f32>::zeros(2, 2);
        gemm(1.0f32, &DMatrix::identity(2, 2), Op::N, &DMatrix::from_element(2, 2, 3.0f32), Op::N, 0.0, &mut c);
        assert_eq!(c, DMatrix::from_element(2, 2, 3.0f32));
    }
}
