//! A convolutional model's feature maps over the test picture, each beside its kernel,
//! composed in Rust ([`draw_feature_maps`]) at the canvas's displayed width and pushed with
//! one `put_image_data`.

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{context_2d, device_width, put_sized};
use crate::raster::{draw_feature_maps, Rgba};
use crate::readouts::FeatureMaps;

/// Draws [`FeatureMaps`] on one canvas.
pub struct FeatureMapView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// Reused pixel buffer.
    buf: Rgba,
}

impl FeatureMapView {
    /// Takes the canvas the maps are drawn on.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        Ok(FeatureMapView { canvas, ctx, buf: Rgba::default() })
    }

    /// Draws every map of `maps` beside its kernel.
    pub fn draw(&mut self, maps: &FeatureMaps) -> Result<(), JsValue> {
        let size = (maps.width, maps.height);
        draw_feature_maps(&maps.kernels, &maps.response, &maps.kept, size, device_width(&self.canvas), &mut self.buf);
        put_sized(&self.canvas, &self.ctx, &self.buf)
    }
}
