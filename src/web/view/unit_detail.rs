//! One hidden unit up close: its filter (the same per-tile contrast as the grid), its mean
//! activation against the target, its weight norm, and the patches that excite it most,
//! each with its activation. Images go through one reused [`Rgba`] and one put.

use std::fmt::Write;

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::context_2d;
use super::hidpi::Hidpi;
use super::paint::{self, BG_PX, FRAME_PX, MUTED, TEXT};
use super::text_twin::TextTwin;
use crate::raster::{draw_tile, patch_to_grey, write_fixed, write_sig, Rgba, UnitDetailLayout, MAX_TOP};

/// Narrowest layout before the drawing shrinks instead (eight thumbnails and their values).
const MIN_W: f64 = 440.0;

/// Draws the selected unit's panel on one canvas (about 560 × 200).
pub struct UnitDetailView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// The whole canvas as pixels, reused.
    buf: Rgba,
    /// Reused text for the labels.
    text: String,
    hidpi: Hidpi,
    /// The unit's figures as page text.
    twin: TextTwin,
}

impl UnitDetailView {
    /// Takes the canvas; its `width`/`height` attributes set the layout.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        let twin = TextTwin::of(&canvas);
        Ok(UnitDetailView { canvas, ctx, buf: Rgba::default(), text: String::new(), hidpi: Hidpi::new(MIN_W), twin })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Draws unit `unit`: `filter` (its patch² incoming weights, row-major; grey = its mean, its
    /// largest |w| black or white), the lines "unit 7", "ρ̂ = … (target ρ = …)" ("mean code = …"
    /// when `rho` is NaN: a model without a target rate) and
    /// "‖w‖ = …", and up to 8 of `top` (activation, patch² values in [0, 1]), most exciting
    /// first as given, each with its activation underneath; "no patches seen yet" when `top`
    /// is empty. Short slices are padded (weights with 0, patch pixels with black). The
    /// figures also go to the canvas's text twin.
    #[allow(clippy::too_many_arguments)] // plain data in, as every view takes it
    pub fn draw(
        &mut self,
        unit: usize,
        filter: &[f32],
        patch: usize,
        rho_hat: f32,
        rho: f32,
        weight_norm: f32,
        top: &[(f32, &[f32])],
    ) -> Result<(), JsValue> {
        let fit = self.hidpi.fit(&self.canvas);
        let (w, h) = fit.size();
        let l = UnitDetailLayout::new(w, h, patch);
        let p = patch;
        let shown = &top[..top.len().min(MAX_TOP)];

        let buf = &mut self.buf;
        buf.resize(w, h);
        buf.fill(BG_PX);
        if p > 0 {
            draw_tile(buf, l.filter_x, l.filter_y, p, l.filter_scale, |i| filter.get(i).copied().unwrap_or(0.0));
            let side = p * l.filter_scale;
            buf.frame(l.filter_x, l.filter_y, side, side, FRAME_PX);
            let thumb = p * l.thumb_scale;
            for (i, (_, px)) in shown.iter().enumerate() {
                let x0 = l.thumb_x(i);
                let grey = |x: usize, y: usize| patch_to_grey(px.get(y * p + x).copied().unwrap_or(f32::NAN));
                buf.blit_with(x0, l.row_y, p, p, l.thumb_scale, grey);
                buf.frame(x0, l.row_y, thumb, thumb, FRAME_PX);
            }
        }
        self.hidpi.show(&self.ctx, buf, &fit)?;

        let ctx = &self.ctx;
        let text = &mut self.text;
        let x = l.text_x as f64;
        let room = (w.saturating_sub(l.text_x + 8) as f64).max(1.0);
        text.clear();
        let _ = write!(text, "unit {unit}");
        paint::text_style(ctx, paint::FONT_BIG, TEXT, "left");
        ctx.fill_text_with_max_width(text, x, l.lines[0] as f64, room)?;
        let mut twin = format!("Unit {unit}: ");
        text.clear();
        // models without a target rate (NaN) show their mean code alone
        text.push_str(if rho.is_nan() { "mean code = " } else { "ρ̂ = " });
        write_sig(text, rho_hat as f64, 2);
        if !rho.is_nan() {
            text.push_str(" (target ρ = ");
            write_sig(text, rho as f64, 2);
            text.push(')');
        }
        paint::text_style(ctx, paint::FONT_CAPTION, TEXT, "left");
        ctx.fill_text_with_max_width(text, x, l.lines[1] as f64, room)?;
        twin.push_str(text);
        text.clear();
        text.push_str("‖w‖ = ");
        write_fixed(text, weight_norm as f64, 2);
        ctx.fill_text_with_max_width(text, x, l.lines[2] as f64, room)?;
        let _ = write!(twin, ", {text}. ");
        if shown.is_empty() {
            twin.push_str("No patches seen yet.");
        } else {
            twin.push_str("Activations of the patches that excite it most: ");
            for (i, &(a, _)) in shown.iter().enumerate() {
                if i > 0 {
                    twin.push_str(", ");
                }
                write_fixed(&mut twin, a as f64, 2);
            }
            twin.push('.');
        }
        self.twin.set(&twin);

        paint::text_style(ctx, paint::FONT, MUTED, "left");
        if shown.is_empty() {
            return ctx.fill_text_with_max_width("no patches seen yet", x, l.caption_y as f64, room);
        }
        ctx.fill_text_with_max_width("patches that excite it most (activation below)", x, l.caption_y as f64, room)?;
        paint::text_style(ctx, paint::FONT, TEXT, "center");
        let half = (p * l.thumb_scale) as f64 / 2.0;
        for (i, &(a, _)) in shown.iter().enumerate() {
            text.clear();
            write_fixed(text, a as f64, 2);
            ctx.fill_text(text, l.thumb_x(i) as f64 + half, l.value_y as f64)?;
        }
        Ok(())
    }
}
