//! One module per canvas. Each view takes its canvas once, keeps the 2-D context and any
//! pixel buffer it reuses, and exposes `draw(...)` from plain data.
//!
//! - [`filters`]: the grid of learned filters (one `put_image_data` per frame), and
//!   [`pca_tiles`]: principal components in the same grid; both are a [`tile_grid`].
//! - [`diagram`]: input patch → hidden activations → reconstruction.
//! - [`loss`]: cost curves on a log axis, drawn with plotters (also exported as SVG).
//! - [`rho_bars`]: ρ̂ per hidden unit against ρ; [`firing`]: firing histogram and readouts.
//! - [`recon_patch`]: one patch, its reconstruction and the error; [`image_view`]: the same
//!   for a whole image; [`feature_maps`]: a convolutional model's maps over it.
//! - [`unit_detail`]: one unit's filter, statistics and most exciting patches.
//! - [`inference`]: sparse coding's code over its FISTA iterations.
//! - [`lanes`]: the models side by side (names, lessons, the second lane's filters).
//! - [`download`]: save text or a canvas as a file; [`paint`]: shared colours and text style.
//! - [`hidpi`]: every canvas drawn at its displayed size × devicePixelRatio; [`text_twin`]:
//!   the figures a canvas draws, also as page text.

pub mod diagram;
pub mod download;
pub mod feature_maps;
pub mod filters;
pub mod firing;
mod hidpi;
pub mod image_view;
pub mod inference;
pub mod lanes;
pub mod latent_scatter;
pub mod loss;
mod loss_fitted;
mod loss_parts;
pub mod paint;
pub mod pca_tiles;
pub mod recon_patch;
pub mod rho_bars;
mod text_twin;
pub mod tile_grid;
pub mod unit_detail;

use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::raster::Rgba;

/// The page's background colour (#111318); views paint it so they blend with the page.
pub(crate) const BACKGROUND: &str = "#111318";

/// The canvas's 2-D context, or an error naming the canvas when the browser refuses one.
pub(crate) fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    let fail = || JsValue::from_str(&format!("canvas #{} has no 2D drawing context", canvas.id()));
    canvas.get_context("2d")?.ok_or_else(fail)?.dyn_into::<CanvasRenderingContext2d>().map_err(|_| fail())
}

/// Copies `buf` onto the canvas with its top-left corner at (x, y): one `ImageData` and one
/// `put_image_data`, however many pixels (the point of building images in Rust).
/// An empty buffer draws nothing (the browser rejects a zero-sized `ImageData`).
pub(crate) fn put_rgba(ctx: &CanvasRenderingContext2d, buf: &Rgba, x: f64, y: f64) -> Result<(), JsValue> {
    if buf.width == 0 || buf.height == 0 {
        return Ok(());
    }
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&buf.data), buf.width as u32, buf.height as u32)?;
    ctx.put_image_data(&image, x, y)
}

/// The canvas's displayed width in device pixels (its own width while it is hidden or not
/// laid out), for views that compose their picture at the size it is shown.
pub(crate) fn device_width(canvas: &HtmlCanvasElement) -> usize {
    let css_width = match canvas.client_width() {
        w if w > 0 => w as usize,
        _ => canvas.width() as usize,
    };
    let dpr = crate::web::dom::window().device_pixel_ratio();
    let dpr = if dpr.is_finite() && dpr > 0.0 { dpr.clamp(0.5, 4.0) } else { 1.0 };
    (css_width as f64 * dpr) as usize
}

/// Puts `buf` on `canvas` at `buf`'s size, changing the canvas's pixel size only when that
/// differs (setting it clears the canvas and costs a re-layout).
pub(crate) fn put_sized(canvas: &HtmlCanvasElement, ctx: &CanvasRenderingContext2d, buf: &Rgba) -> Result<(), JsValue> {
    let (w, h) = (buf.width as u32, buf.height as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    put_rgba(ctx, buf, 0.0, 0.0)
}
