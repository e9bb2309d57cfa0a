//! A grid of filter tiles from the rows of a matrix, composed in Rust and pushed with one
//! `put_image_data`: W1's rows in [`super::filters`], principal components in
//! [`super::pca_tiles`]. Sharing one view keeps their look and hover maths identical.
//!
//! The grid is composed at the canvas's displayed width × devicePixelRatio (the largest
//! integer enlargement that fits), and CSS shows it `image-rendering: pixelated`, so tiles
//! stay sharp squares at any size. A grid units can be picked on (the learned filters) also
//! outlines the selected tile and says which it is in its ARIA slider attributes.

use std::cell::Cell;

use nalgebra::DMatrix;
use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{context_2d, device_width, put_sized};
use crate::raster::{draw_filter_grid, draw_picture_grid, fit_grid, grid_shape, tile_at, Rgba};

/// The selected tile's outline: the page's accent blue, clear on grey tiles and dark gaps.
const SELECTED: &str = "#7cc4ff";

/// Draws the rows of a matrix as a grid of `patch × patch` tiles on one canvas.
pub struct TileGridView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// Reused pixel buffer: after the first frame a redraw allocates nothing.
    buf: Rgba,
    /// Layout of the last draw, for [`TileGridView::unit_at`]: (tiles, patch, scale, gap).
    layout: Option<(usize, usize, usize, usize)>,
    /// The selected tile, on a grid units are picked on (`None`: no selection shown). A
    /// `Cell`, so the event handlers can set it through the app's shared view.
    selected: Cell<Option<usize>>,
    /// (tiles, selected) the ARIA attributes last described.
    announced: Option<(usize, usize)>,
}

impl TileGridView {
    /// Takes the canvas the grid is drawn on.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        Ok(TileGridView { canvas, ctx, buf: Rgba::default(), layout: None, selected: Cell::new(None), announced: None })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Shows `unit` as selected from the next draw on (outlined, and in the canvas's
    /// `aria-valuenow`/`aria-valuetext`).
    pub fn set_selected(&self, unit: usize) {
        self.selected.set(Some(unit));
    }

    /// The selected tile, if this grid shows one.
    pub fn selected(&self) -> Option<usize> {
        self.selected.get()
    }

    /// Columns of the last grid drawn (0 before the first draw), for moving the selection
    /// up and down.
    pub fn columns(&self) -> usize {
        self.layout.map_or(0, |(units, ..)| grid_shape(units).0)
    }

    /// Draws every row of `rows` (tiles × patch²) as a `patch × patch` tile, each with its
    /// own contrast (mid-grey = the tile's mean, see `draw_tile`). The enlargement is chosen
    /// so the grid fits the canvas's CSS width in device pixels; the canvas's pixel size is
    /// changed only when the grid's size changes, because setting it clears the canvas and
    /// costs a re-layout. An empty matrix draws nothing.
    pub fn draw(&mut self, rows: &DMatrix<f32>, patch: usize) -> Result<(), JsValue> {
        self.draw_by(rows, patch, draw_filter_grid)
    }

    /// Draws pictures (a decoder's outputs, in the sampler's range) on one grey scale instead
    /// of each tile's own contrast.
    pub fn draw_pictures(&mut self, rows: &DMatrix<f32>, patch: usize) -> Result<(), JsValue> {
        self.draw_by(rows, patch, draw_picture_grid)
    }

    fn draw_by(
        &mut self,
        rows: &DMatrix<f32>,
        patch: usize,
        grid: fn(&DMatrix<f32>, usize, usize, usize, &mut Rgba),
    ) -> Result<(), JsValue> {
        let units = rows.nrows();
        if units == 0 || patch == 0 {
            return Ok(());
        }
        let (scale, gap) = fit_grid(units, patch, device_width(&self.canvas));
        grid(rows, patch, scale, gap, &mut self.buf);
        self.layout = Some((units, patch, scale, gap));
        put_sized(&self.canvas, &self.ctx, &self.buf)?;
        match self.selected.get() {
            Some(unit) => self.show_selected(unit.min(units - 1), units, patch * scale, gap),
            None => Ok(()),
        }
    }

    /// Outlines tile `unit` (in the gap around it) and keeps the ARIA slider attributes in
    /// step with the selection and the number of tiles.
    fn show_selected(&mut self, unit: usize, units: usize, tile: usize, gap: usize) -> Result<(), JsValue> {
        let (cols, rows) = grid_shape(units);
        let step = (tile + gap) as f64;
        let (x, y) = (gap as f64 + (unit % cols) as f64 * step, gap as f64 + (unit / cols) as f64 * step);
        let line = (gap as f64).max(2.0);
        self.ctx.set_stroke_style_str(SELECTED);
        self.ctx.set_line_width(line);
        let out = line / 2.0;
        self.ctx.stroke_rect(x - out, y - out, tile as f64 + line, tile as f64 + line);
        if self.announced != Some((units, unit)) {
            self.announced = Some((units, unit));
            let c = &self.canvas;
            c.set_attribute("aria-valuemax", &(units - 1).to_string())?;
            c.set_attribute("aria-valuenow", &unit.to_string())?;
            let text = format!(
                "unit {unit} of {units}, row {} and column {} of a {rows} × {cols} grid",
                unit / cols + 1,
                unit % cols + 1
            );
            c.set_attribute("aria-valuetext", &text)?;
        }
        Ok(())
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
