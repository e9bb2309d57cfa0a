//! Sparse coding's inference for the shown patch: its code after each FISTA iteration as one
//! strip of cells ([`crate::raster::draw_trajectory`]), pushed with one `put_image_data`.

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{context_2d, put_rgba, BACKGROUND};
use crate::raster::{draw_trajectory, Rgba};

/// Draws a code trajectory on one canvas.
pub struct InferenceView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    buf: Rgba,
    /// The canvas's size as the page made it; the strip grows it only when it must.
    base: (u32, u32),
}

impl InferenceView {
    /// Takes the canvas the strip is drawn on.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        let base = (canvas.width(), canvas.height());
        Ok(InferenceView { canvas, ctx, buf: Rgba::default(), base })
    }

    /// Draws `trajectory` (one code per iteration) as large as the canvas allows, centred.
    /// With many iterations or atoms (200 iterations, 400 atoms) even 1-pixel cells do not
    /// fit: the canvas then grows to the strip (the page scales it down to its column), so no
    /// iteration or atom is cut off.
    pub fn draw(&mut self, trajectory: &[Vec<f32>]) -> Result<(), JsValue> {
        let (bw, bh) = (self.base.0 as usize, self.base.1 as usize);
        let iters = trajectory.len().max(1);
        let units = trajectory.first().map_or(1, Vec::len).max(1);
        let cell = ((bw / iters).min(bh / units)).saturating_sub(1).clamp(1, 24);
        draw_trajectory(trajectory, cell, &mut self.buf);
        let (w, h) = (bw.max(self.buf.width), bh.max(self.buf.height));
        if (self.canvas.width() as usize, self.canvas.height() as usize) != (w, h) {
            self.canvas.set_width(w as u32);
            self.canvas.set_height(h as u32);
        }
        self.ctx.set_fill_style_str(BACKGROUND);
        self.ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
        let x = (w.saturating_sub(self.buf.width) / 2) as f64;
        let y = (h.saturating_sub(self.buf.height) / 2) as f64;
        put_rgba(&self.ctx, &self.buf, x, y)
    }
}
