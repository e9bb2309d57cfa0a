//! Where pictures land in a two-latent VAE: each picture's posterior mean μ as a dot on the
//! latent plane (±3 prior σ, grid lines at every σ), coloured by its digit when the pictures
//! are the digits, with the digits' colours as the legend; the ConvNetJS autoencoder demo's
//! view. Dots and grid are composed in one [`Rgba`]; only the labels go through the canvas.

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::context_2d;
use super::hidpi::Hidpi;
use super::paint::{self, ACCENT_PX, AXIS_PX, BG_PX, GRID_PX, MUTED, TEXT};
use crate::raster::Rgba;

/// The plane shown: ±RANGE prior standard deviations on both axes.
const RANGE: f32 = 3.0;
/// One colour per digit 0–9 (Tableau's ten, readable on the dark page).
const CLASS: [[u8; 3]; 10] = [
    [78, 121, 167],
    [242, 142, 43],
    [225, 87, 89],
    [118, 183, 178],
    [89, 161, 79],
    [237, 201, 72],
    [176, 122, 161],
    [255, 157, 167],
    [156, 117, 95],
    [186, 176, 172],
];
/// Space for the legend on the right and the axis labels below, in layout pixels.
const LEGEND_W: usize = 44;
const LABEL_H: usize = 18;
/// Dot side in layout pixels.
const DOT: usize = 3;
/// Narrowest layout before the drawing shrinks instead.
const MIN_W: f64 = 240.0;

/// The scatter on one canvas (about 320 × 320).
pub struct LatentScatterView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    buf: Rgba,
    hidpi: Hidpi,
}

impl LatentScatterView {
    /// Takes the canvas.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        Ok(LatentScatterView { canvas, ctx, buf: Rgba::default(), hidpi: Hidpi::new(MIN_W) })
    }

    /// Draws `points` (z₁, z₂), each coloured by its class in `classes` if given (else all in
    /// the accent colour).
    pub fn draw(&mut self, points: &[(f32, f32)], classes: Option<&[u8]>) -> Result<(), JsValue> {
        let fit = self.hidpi.fit(&self.canvas);
        let (w, h) = fit.size();
        let legend = if classes.is_some() { LEGEND_W } else { 0 };
        let side = w.saturating_sub(legend + 8).min(h.saturating_sub(LABEL_H + 8)).max(1);
        let (x0, y0) = (4usize, 4usize);
        let to_px = |v: f32| ((v + RANGE) / (2.0 * RANGE) * side as f32).round();
        let buf = &mut self.buf;
        buf.resize(w, h);
        buf.fill(BG_PX);
        for s in -2..=2 {
            let at = to_px(s as f32) as usize;
            let colour = if s == 0 { AXIS_PX } else { GRID_PX };
            buf.fill_rect(x0 + at.min(side - 1), y0, 1, side, colour);
            buf.fill_rect(x0, y0 + at.min(side - 1), side, 1, colour);
        }
        buf.frame(x0, y0, side, side, AXIS_PX);
        for (i, &(a, b)) in points.iter().enumerate() {
            let (px, py) = (to_px(a), to_px(-b)); // z₂ up
            if !(px >= 0.0 && py >= 0.0 && (px as usize) < side && (py as usize) < side) {
                continue; // outside ±3σ, or NaN
            }
            let colour = match classes.and_then(|c| c.get(i)) {
                Some(&c) => {
                    let [r, g, b] = CLASS[c as usize % CLASS.len()];
                    [r, g, b, 255]
                }
                None => ACCENT_PX,
            };
            let (x, y) = ((px as usize).saturating_sub(DOT / 2), (py as usize).saturating_sub(DOT / 2));
            buf.fill_rect(x0 + x, y0 + y, DOT.min(side - x), DOT.min(side - y), colour);
        }
        self.hidpi.show(&self.ctx, buf, &fit)?;

        let ctx = &self.ctx;
        paint::text_style(ctx, paint::FONT, MUTED, "center");
        let below = (y0 + side + LABEL_H - 4) as f64;
        ctx.fill_text("μ₁ (−3σ … 3σ)", (x0 + side / 2) as f64, below)?;
        if classes.is_some() {
            paint::text_style(ctx, paint::FONT_CAPTION, TEXT, "left");
            ctx.fill_text("digit", (x0 + side + 8) as f64, (y0 + 10) as f64)?;
            for (d, [r, g, b]) in CLASS.iter().enumerate() {
                ctx.set_fill_style_str(&format!("rgb({r},{g},{b})"));
                ctx.fill_text(&d.to_string(), (x0 + side + 14) as f64, (y0 + 30 + 18 * d) as f64)?;
            }
        }
        Ok(())
    }
}
