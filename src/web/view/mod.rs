//! One module per canvas. Each view takes its canvas once, keeps the 2-D context and any
//! pixel buffer it reuses, and exposes `draw(...)` from plain data.
//!
//! - [`filters`]: the grid of learned filters (one `put_image_data` per frame), and
//!   [`pca_tiles`]: principal components in the same grid; both are a [`tile_grid`].
//! - [`diagram`]: input patch → hidden activations → reconstruction.
//! - [`loss`]: cost curves on a log axis, drawn with plotters (also exported as SVG).
//! - [`rho_bars`]: ρ̂ per hidden unit against ρ; [`firing`]: firing histogram and readouts.
//! - [`recon_patch`]: one patch, its reconstruction and the error; [`image_view`]: the same
//!   for a whole image.
//! - [`unit_detail`]: one unit's filter, statistics and most exciting patches.
//! - [`inference`]: sparse coding's code over its FISTA iterations.
//! - [`lanes`]: the models side by side (names, lessons, the second lane's filters).
//! - [`download`]: save text or a canvas as a file; [`paint`]: shared colours and text style.
//! - [`hidpi`]: every canvas drawn at its displayed size × devicePixelRatio; [`text_twin`]:
//!   the figures a canvas draws, also as page text.

pub mod diagram;
pub mod download;
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
