//! [`Model`] for [`TopK`]: the trait's plumbing around the forward and backward passes, and
//! the dead-unit bookkeeping of [`Model::after_update`].

use crate::model::family::own_theta;
use nalgebra::DMatrix;
use rand_pcg::Pcg32;

use super::{TopK, B_PRE, SPEC, W_DEC, W_ENC};
use crate::model::family::{fit, CodeKind, Cost, Ctx, Layout, Model};
use crate::model::relu_l1::decode_linear;
use crate::model::Real;

impl<T: Real + 'static> Model<T> for TopK<T> {
    own_theta!();

    fn penalty_names(&self) -> &'static [&'static str] {
        &["auxk"]
    }

    /// Also records which units fired, for [`Model::after_update`].
    fn cost_and_grad(
        &mut self,
        input: &DMatrix<T>,
        target: &DMatrix<T>,
        ctx: &Ctx,
        _: &mut Pcg32,
        grad: &mut [T],
    ) -> Cost {
        let cost = self.forward(input, target, ctx, true);
        let h = self.fired.len();
        self.fired.fill(false);
        for col in self.enc.z.as_slice().chunks_exact(h) {
            self.fired.iter_mut().zip(col).for_each(|(f, &z)| *f |= z > T::zero());
        }
        self.pending = input.ncols() as u64;
        self.backward(grad);
        cost
    }

    fn evaluate(&mut self, input: &DMatrix<T>, target: &DMatrix<T>, ctx: &Ctx, _: &mut Pcg32) -> Cost {
        let fresh = !self.hold_residual;
        self.forward(input, target, ctx, fresh)
    }

    /// Renormalises the decoder's columns and counts the last batch into the dead-unit
    /// record (once per training batch: a second call without a new batch counts nothing).
    fn after_update(&mut self, _: &Ctx) {
        let l = &self.layout;
        for mut col in l.view_mut(&mut self.theta, W_DEC).column_iter_mut() {
            let len = col.norm();
            if len > T::zero() {
                col /= len;
            }
        }
        for (s, &f) in self.since_fired.iter_mut().zip(&self.fired) {
            *s = if f { 0 } else { s.saturating_add(self.pending) };
        }
        self.pending = 0;
    }

    fn encode(&mut self, x: &DMatrix<T>, ctx: &Ctx, codes: &mut DMatrix<T>) {
        let k = self.k(ctx);
        self.read.run(x, &self.layout, &self.theta, &mut self.order, k);
        fit(codes, self.hidden(), x.ncols());
        codes.copy_from(&self.read.z);
    }

    fn decode(&mut self, codes: &DMatrix<T>, x_hat: &mut DMatrix<T>) {
        self.refresh_decoder();
        let b = &self.theta[self.layout.range(B_PRE)];
        decode_linear(&self.dec.as_view(), b, codes, &mut self.read_y, x_hat);
    }

    fn last_codes(&self) -> &DMatrix<T> {
        &self.enc.z
    }

    fn last_recon(&self) -> &DMatrix<T> {
        &self.recon
    }

    fn code_kind(&self) -> CodeKind {
        CodeKind::NonNegative
    }

    /// The decoder's unit columns, transposed (h×n): the patch each unit adds. The
    /// encoder's rows are [`TopK::encoder_rows`].
    fn filters_into(&self, out: &mut DMatrix<T>) {
        let w = self.layout.view(&self.theta, W_DEC);
        fit(out, w.ncols(), w.nrows());
        w.transpose_to(out);
        for mut row in out.row_iter_mut() {
            let len = row.norm();
            if len > T::zero() {
                row /= len;
            }
        }
    }

    fn inputs(&self) -> usize {
        self.layout.blocks()[B_PRE].rows
    }

    fn hidden(&self) -> usize {
        self.layout.blocks()[W_ENC].rows
    }

    fn boxed_clone(&self) -> Box<dyn Model<T>> {
        Box::new(self.clone())
    }

    fn diagnostics(&self, _x: &DMatrix<T>) -> Vec<(&'static str, f64)> {
        vec![("dead units", self.dead_units() as f64)]
    }
}
