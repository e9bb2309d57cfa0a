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
}

impl InferenceView {
    /// Takes the canvas the strip is drawn on.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        Ok(InferenceView { canvas, ctx, buf: Rgba::default() })
    }

    /// Draws `trajectory` (one code per iteration) as large as the canvas allows, centred.
    pub fn draw(&mut self, trajectory: &[Vec<f32>]) -> Result<(), JsValue> {
        let (w, h) = (self.canvas.width() as usize, self.canvas.height() as usize);
        let iters = trajectory.len().max(1);
        let units = trajectory.first().map_or(1, Vec::len).max(1);
        let cell = ((w / iters).min(h / units)).saturating_sub(1).clamp(1, 24);
        draw_trajectory(trajectory, cell, &mut self.buf);
        self.ctx.set_fill_style_str(BACKGROUND);
        self.ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
        let x = (w.saturating_sub(self.buf.width) / 2) as f64;
        let y = (h.saturating_sub(self.buf.height) / 2) as f64;
        put_rgba(&self.ctx, &self.buf, x, y)
    }
}
