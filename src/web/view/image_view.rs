//! A whole image, the same image rebuilt patch by patch through the autoencoder, and the
//! reconstruction error map. Bright error marks what the learned code explains poorly:
//! what an anomaly detector built on this autoencoder would flag.
//!
//! The error map's full red is the 99th percentile of the errors ([`error_scale`]), so a
//! few extreme pixels do not leave the rest black.

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::context_2d;
use super::hidpi::{Fit, Hidpi};
use super::paint::{self, AMBER_PX, BG_PX, FRAME_PX, MUTED, TEXT};
use crate::raster::{error_scale, heat_of, patch_to_grey, Rgba, Triptych};

/// Height of the two-line caption band above the images.
const CAPTION_H: usize = 36;
/// Gap between the images.
const GAP: usize = 24;
/// First caption line of each image.
const CAPTIONS: [&str; 3] = ["image", "rebuilt patch by patch", "reconstruction error"];
/// Second (muted) line, explaining the error map.
const ERROR_NOTE: &str = "(bright = poorly explained: what anomaly detection flags)";

/// What the three images are: a caption over each, and a note under the error map's.
pub type Captions = ([&'static str; 3], &'static str);
/// Narrowest layout before the drawing shrinks instead (three captions side by side).
const MIN_W: f64 = 480.0;

/// Draws original | reconstruction | error map on one canvas (about 1000 × 330).
pub struct ImageView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// The whole canvas as pixels, reused.
    buf: Rgba,
    /// Reused by the percentile behind the error map's scale.
    scratch: Vec<f32>,
    /// The last layout and its fit, to map the pointer back to picture pixels.
    layout: Option<(Triptych, Fit)>,
    hidpi: Hidpi,
    captions: Captions,
}

impl ImageView {
    /// Takes the canvas; its `width`/`height` attributes set the layout.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        Self::with_captions(canvas, (CAPTIONS, ERROR_NOTE))
    }

    /// The same view for three other images (the last an error map).
    pub fn with_captions(canvas: HtmlCanvasElement, captions: Captions) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        let (buf, hidpi) = (Rgba::default(), Hidpi::new(MIN_W));
        Ok(ImageView { canvas, ctx, buf, scratch: Vec::new(), layout: None, hidpi, captions })
    }

    /// The picture pixel (fractional) under the pointer at CSS offset (`css_x`, `css_y`),
    /// on any of the three images; `None` elsewhere or before the first drawing.
    pub fn picture_at(&self, css_x: f64, css_y: f64) -> Option<(f32, f32)> {
        let (t, fit) = self.layout.as_ref()?;
        t.source_at(css_x / fit.css, css_y / fit.css).map(|(x, y)| (x as f32, y as f32))
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Draws `original` and `recon` (row-major `w × h`, values in [0, 1]) as grey images and
    /// `error` (same shape; its sign is ignored) as a heat map scaled to its 99th percentile,
    /// each enlarged by the largest integer factor that fits (or shrunk, for images too big
    /// even at 1:1). Missing values and NaN are black; `w` or `h` of 0 draws the captions
    /// over empty frames. `brush` (picture pixels, radius) outlines the keyboard brush.
    pub fn draw(
        &mut self,
        original: &[f32],
        recon: &[f32],
        error: &[f32],
        (w, h): (usize, usize),
        brush: Option<((f32, f32), f32)>,
    ) -> Result<(), JsValue> {
        let fit = self.hidpi.fit(&self.canvas);
        let (cw, ch) = fit.size();
        // Nothing to show yet: lay out square frames, so the captions still stand apart.
        let (lw, lh) = if w == 0 || h == 0 { (1, 1) } else { (w, h) };
        let t = Triptych::new(cw, ch, lw, lh, CAPTION_H, GAP);
        let full = error_scale(error, &mut self.scratch);
        let at = |v: &[f32], x: usize, y: usize| v.get(t.source_index(x, y, w)).copied().unwrap_or(f32::NAN);

        let buf = &mut self.buf;
        buf.resize(cw, ch);
        buf.fill(BG_PX);
        if w > 0 && h > 0 {
            let (sw, sh, s) = (t.src_w, t.src_h, t.scale);
            buf.blit_with(t.xs[0], t.y, sw, sh, s, |x, y| patch_to_grey(at(original, x, y)));
            buf.blit_with(t.xs[1], t.y, sw, sh, s, |x, y| patch_to_grey(at(recon, x, y)));
            buf.blit_rgba_with(t.xs[2], t.y, sw, sh, s, |x, y| heat_of(at(error, x, y), full));
        }
        for x in t.xs {
            buf.frame(x, t.y, t.img_w, t.img_h, FRAME_PX);
        }
        if let Some((x, y, side)) = brush.and_then(|((x, y), r)| t.brush_square(x, y, r)) {
            // amber inside a dark ring: visible on bright and dark parts of the picture alike
            buf.frame(x, y, side, side, AMBER_PX);
            buf.frame(x.saturating_sub(1), y.saturating_sub(1), side + 2, side + 2, BG_PX);
        }
        self.hidpi.show(&self.ctx, buf, &fit)?;
        self.layout = (w > 0 && h > 0).then_some((t, fit));

        // Captions centred over their images; the note may overhang the error map's width
        // (the canvas edge, not the image, is its limit).
        let ctx = &self.ctx;
        let y1 = (t.caption_y + 9) as f64;
        paint::text_style(ctx, paint::FONT_CAPTION, TEXT, "center");
        for (x, caption) in t.xs.iter().zip(self.captions.0) {
            ctx.fill_text(caption, (x + t.img_w / 2) as f64, y1)?;
        }
        let centre = (t.xs[2] + t.img_w / 2) as f64;
        let room = 2.0 * (cw as f64 - centre - 8.0).min(centre - t.xs[1] as f64);
        paint::text_style(ctx, paint::FONT, MUTED, "center");
        ctx.fill_text_with_max_width(self.captions.1, centre, y1 + 17.0, room.max(1.0))
    }
}
