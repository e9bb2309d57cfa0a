//! One patch, its reconstruction and their difference, enlarged side by side: the error
//! image shows |x̂ − x| in red on black, full red at 0.4 ([`PATCH_ERROR_FULL`]), so the same
//! brightness means the same error from frame to frame.

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::context_2d;
use super::hidpi::Hidpi;
use super::paint::{self, BG_PX, FRAME_PX, TEXT};
use crate::raster::{heat_of, patch_to_grey, Rgba, Triptych, PATCH_ERROR_FULL};

/// Height of the caption band above the images.
const CAPTION_H: usize = 20;
/// Gap between the images.
const GAP: usize = 16;
const CAPTIONS: [&str; 3] = ["input", "reconstruction", "error"];
/// Narrowest layout before the drawing shrinks instead (three captions side by side).
const MIN_W: f64 = 320.0;

/// Draws input | reconstruction | error for one patch on one canvas (about 420 × 170).
pub struct ReconPatchView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// The whole canvas as pixels, reused.
    buf: Rgba,
    hidpi: Hidpi,
}

impl ReconPatchView {
    /// Takes the canvas; its `width`/`height` attributes set the layout.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        Ok(ReconPatchView { canvas, ctx, buf: Rgba::default(), hidpi: Hidpi::new(MIN_W) })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Draws `input` and `recon` (patch² values in [0, 1], row-major) as grey images and
    /// |recon − input| as a heat map. Missing values (short slices) and NaN are black.
    pub fn draw(&mut self, input: &[f32], recon: &[f32], patch: usize) -> Result<(), JsValue> {
        let fit = self.hidpi.fit(&self.canvas);
        let (w, h) = fit.size();
        // Patch size 0: lay out 1 × 1 frames, so the captions still stand apart.
        let t = Triptych::new(w, h, patch.max(1), patch.max(1), CAPTION_H, GAP);
        let p = patch;
        let at = |v: &[f32], x: usize, y: usize| v.get(y * p + x).copied().unwrap_or(f32::NAN);

        let buf = &mut self.buf;
        buf.resize(w, h);
        buf.fill(BG_PX);
        if p > 0 {
            buf.blit_with(t.xs[0], t.y, p, p, t.scale, |x, y| patch_to_grey(at(input, x, y)));
            buf.blit_with(t.xs[1], t.y, p, p, t.scale, |x, y| patch_to_grey(at(recon, x, y)));
            buf.blit_rgba_with(t.xs[2], t.y, p, p, t.scale, |x, y| {
                heat_of(at(recon, x, y) - at(input, x, y), PATCH_ERROR_FULL)
            });
        }
        for x in t.xs {
            buf.frame(x, t.y, t.img_w, t.img_h, FRAME_PX);
        }
        self.hidpi.show(&self.ctx, buf, &fit)?;

        paint::text_style(&self.ctx, paint::FONT_CAPTION, TEXT, "center");
        let y = (t.caption_y + CAPTION_H / 2 - 2) as f64;
        for (x, caption) in t.xs.iter().zip(CAPTIONS) {
            self.ctx.fill_text(caption, (x + t.img_w / 2) as f64, y)?;
        }
        Ok(())
    }
}
