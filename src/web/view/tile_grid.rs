//! A grid of filter tiles from the rows of a matrix, composed in Rust and pushed with one
//! `put_image_data`: W1's rows in [`super::filters`], principal components in
//! [`super::pca_tiles`]. Sharing one view keeps their look and hover maths identical.

use nalgebra::DMatrix;
use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{context_2d, put_rgba};
use crate::raster::{draw_filter_grid, fit_grid, tile_at, Rgba};

/// Draws the rows of a matrix as a grid of `patch × patch` tiles on one canvas.
pub struct TileGridView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// Reused pixel buffer: after the first frame a redraw allocates nothing.
    buf: Rgba,
    /// Layout of the last draw, for [`TileGridView::unit_at`]: (tiles, patch, scale, gap).
    layout: Option<(usize, usize, usize, usize)>,
}

impl TileGridView {
    /// Takes the canvas the grid is drawn on.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        Ok(TileGridView { canvas, ctx, buf: Rgba::default(), layout: None })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Draws every row of `rows` (tiles × patch²) as a `patch × patch` tile, each with its
    /// own contrast (mid-grey = the tile's mean, see `draw_tile`). The enlargement is chosen so the grid fits the canvas's
    /// CSS width; the canvas's pixel size is changed only when the grid's size changes,
    /// because setting it clears the canvas and costs a re-layout. An empty matrix draws
    /// nothing.
    pub fn draw(&mut self, rows: &DMatrix<f32>, patch: usize) -> Result<(), JsValue> {
        let units = rows.nrows();
        if units == 0 || patch == 0 {
            return Ok(());
        }
        // The CSS box (0 while the canvas is hidden or not laid out: then its own width).
        let css_width = match self.canvas.client_width() {
            w if w > 0 => w as usize,
            _ => self.canvas.width() as usize,
        };
        let (scale, gap) = fit_grid(units, patch, css_width);
        draw_filter_grid(rows, patch, scale, gap, &mut self.buf);
        let (w, h) = (self.buf.width as u32, self.buf.height as u32);
        if self.canvas.width() != w || self.canvas.height() != h {
            self.canvas.set_width(w);
            self.canvas.set_height(h);
        }
        self.layout = Some((units, patch, scale, gap));
        put_rgba(&self.ctx, &self.buf, 0.0, 0.0)
    }

    /// The row (hidden unit, component) whose tile is under a point given in CSS pixels
    /// relative to the canvas's top-left corner (e.g. a mouse event's `offsetX/Y`), or
    /// `None` over a gap, outside the grid, or before the first draw. Accounts for CSS
    /// stretching the canvas.
    pub fn unit_at(&self, css_x: f64, css_y: f64) -> Option<usize> {
        let (units, patch, scale, gap) = self.layout?;
        let (cw, ch) = (self.canvas.client_width() as f64, self.canvas.client_height() as f64);
        let (pw, ph) = (self.canvas.width() as f64, self.canvas.height() as f64);
        // Displayed size → pixel size; an unlaid-out canvas is shown at its pixel size.
        let sx = if cw > 0.0 { pw / cw } else { 1.0 };
        let sy = if ch > 0.0 { ph / ch } else { 1.0 };
        let (px, py) = (css_x * sx, css_y * sy);
        if !(px >= 0.0 && py >= 0.0) {
            return None; // left/above the canvas, or NaN
        }
        tile_at(px as usize, py as usize, units, patch, scale, gap)
    }
}
