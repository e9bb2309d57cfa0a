//! A canvas drawn at the size it is shown. Its backing store follows its displayed CSS box ×
//! `devicePixelRatio`, so lines and text stay crisp on a projector as on a retina laptop,
//! instead of a fixed-size bitmap stretched (and blurred) by CSS.
//!
//! Views lay out in *layout pixels*: CSS pixels divided by the page's text scale (the canvas's
//! CSS font size over 16 px). Their text constants ("12px sans-serif") are in layout pixels,
//! so canvas text grows with the page's text (the presentation layout enlarges it) and keeps
//! its share of the drawing. Pixel images composed in Rust ([`Rgba`]) at layout size are
//! scaled onto the canvas nearest-neighbour, so their pixels stay sharp squares.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{context_2d, put_rgba};
use crate::raster::Rgba;
use crate::web::dom;

/// The CSS font size at which a view's text constants are meant (the page's normal size).
const BASE_FONT_PX: f64 = 16.0;

/// What a view lays out in, for one draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Fit {
    /// Layout size (layout pixels).
    pub w: f64,
    /// See `w`.
    pub h: f64,
    /// Canvas (device) pixels per layout pixel.
    pub k: f64,
    /// CSS pixels per layout pixel (to map a pointer's CSS offset into the layout).
    pub css: f64,
}

impl Fit {
    /// The layout size in whole pixels, for an [`Rgba`] buffer.
    pub fn size(&self) -> (usize, usize) {
        (self.w.floor().max(1.0) as usize, self.h.floor().max(1.0) as usize)
    }
}

/// Keeps one canvas's backing store at its displayed size and shows layout-size pixel
/// buffers on it.
pub(crate) struct Hidpi {
    /// Narrowest layout (layout pixels): a narrower box (a phone) shrinks the drawing rather
    /// than crowding its text.
    min_w: f64,
    /// The client box the text scale was last read for, and that scale (reading computed
    /// style is a style recalculation: only when the box changes, e.g. a new layout).
    last: Option<((i32, i32), f64)>,
    /// An off-page canvas the pixel buffer is put on, then drawn scaled from (`putImageData`
    /// ignores the context's transform and cannot scale).
    stage: Option<(HtmlCanvasElement, CanvasRenderingContext2d)>,
}

impl Hidpi {
    /// For a view whose layout needs at least `min_w` layout pixels of width.
    pub fn new(min_w: f64) -> Self {
        Hidpi { min_w, last: None, stage: None }
    }

    /// Sizes `canvas`'s backing store to its CSS box × devicePixelRatio (only when that
    /// changed: resizing clears the canvas and its context state) and returns the layout for
    /// this draw. A canvas that is not laid out (hidden, or mounted without the page's style)
    /// keeps its size and is laid out 1:1.
    pub fn fit(&mut self, canvas: &HtmlCanvasElement) -> Fit {
        let (cw, ch) = (canvas.client_width(), canvas.client_height());
        if cw <= 0 || ch <= 0 {
            let (w, h) = (canvas.width() as f64, canvas.height() as f64);
            return Fit { w, h, k: 1.0, css: 1.0 };
        }
        let text = match self.last {
            Some((size, s)) if size == (cw, ch) => s,
            _ => {
                let s = text_scale(canvas);
                self.last = Some(((cw, ch), s));
                s
            }
        };
        let dpr = dom::window().device_pixel_ratio();
        let dpr = if dpr.is_finite() && dpr > 0.0 { dpr.clamp(0.5, 4.0) } else { 1.0 };
        let (bw, bh) = ((cw as f64 * dpr).round() as u32, (ch as f64 * dpr).round() as u32);
        if canvas.width() != bw || canvas.height() != bh {
            canvas.set_width(bw);
            canvas.set_height(bh);
        }
        // CSS px per layout px: the text scale, less when the box is narrower than min_w
        let css = text.min(cw as f64 / self.min_w).max(0.1);
        Fit { w: cw as f64 / css, h: ch as f64 / css, k: dpr * css, css }
    }

    /// Shows `buf` (composed at the layout size of `fit`) over the whole canvas, scaled
    /// nearest-neighbour, and leaves `ctx` scaled by `fit.k` so the text that follows is
    /// given in layout pixels.
    pub fn show(&mut self, ctx: &CanvasRenderingContext2d, buf: &Rgba, fit: &Fit) -> Result<(), JsValue> {
        ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)?;
        if fit.k == 1.0 {
            put_rgba(ctx, buf, 0.0, 0.0)?; // 1:1: no stage needed
        } else {
            let (w, h) = (buf.width as f64 * fit.k, buf.height as f64 * fit.k);
            self.blit(ctx, buf, 0.0, 0.0, w, h)?;
        }
        ctx.set_transform(fit.k, 0.0, 0.0, fit.k, 0.0, 0.0)
    }

    /// Draws `buf` into the box (x, y, w, h), nearest-neighbour, under the context's current
    /// transform (small images in a vector drawing, like the diagram's patches).
    pub fn blit(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        buf: &Rgba,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
    ) -> Result<(), JsValue> {
        if buf.width == 0 || buf.height == 0 {
            return Ok(());
        }
        let (stage, stage_ctx) = self.stage()?;
        if stage.width() != buf.width as u32 || stage.height() != buf.height as u32 {
            stage.set_width(buf.width as u32);
            stage.set_height(buf.height as u32);
        }
        put_rgba(stage_ctx, buf, 0.0, 0.0)?;
        ctx.set_image_smoothing_enabled(false);
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(stage, x, y, w, h)
    }

    fn stage(&mut self) -> Result<&(HtmlCanvasElement, CanvasRenderingContext2d), JsValue> {
        if self.stage.is_none() {
            let canvas: HtmlCanvasElement = dom::document().create_element("canvas")?.dyn_into()?;
            let ctx = context_2d(&canvas)?;
            self.stage = Some((canvas, ctx));
        }
        Ok(self.stage.as_ref().expect("just made"))
    }
}

/// The canvas's CSS font size over the page's normal 16 px (1 when it cannot be read).
fn text_scale(canvas: &HtmlCanvasElement) -> f64 {
    let px = dom::window()
        .get_computed_style(canvas)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("font-size").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok());
    match px {
        Some(px) if px.is_finite() && px > 0.0 => (px / BASE_FONT_PX).clamp(0.5, 4.0),
        _ => 1.0,
    }
}
