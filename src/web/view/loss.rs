//! The cost curves, drawn with plotters on one canvas: every lane's total and reconstruction
//! in the lane's colour, the held-out cost and the followed lane's own penalty terms.
//!
//! Two views (see [`crate::raster::fitted_range`] for why): by default the cost axis is fitted
//! to the run after its first steps and the step axis is logarithmic, so the plateau and the
//! drop fill the chart; the penalty and decay terms, a hundred times smaller, get a small log
//! panel of their own under it; with two models each lane's cost has its own axis (left and
//! right, in its colour), as each model measures its cost in its own scale. The full view puts
//! every term of every step on one log axis, over a linear step axis.
//!
//! Plotters keeps no series, so every call redraws the whole chart (axes and labels are the
//! costly part): the caller throttles it. Odd data (empty, one point, flat, NaN) draws empty
//! axes or clipped curves, never a panic. One generic drawing serves [`LossView`] (canvas) and
//! [`loss_svg`] (plotters' SVG backend), so the exported chart is the one on screen.

use plotters::backend::SVGBackend;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::context_2d;
use super::hidpi::Hidpi;
use super::loss_fitted::draw_fitted;
use super::loss_parts::{
    cost_curves, draw_line, err, legend, penalty_curves, AXIS, BG, FONT, LEGEND_H, TEXT, Y_LABELS,
};
pub use super::loss_parts::{ChartData, LaneCurves};
use crate::raster::{format_cost, format_step, log_range, step_range};

/// Smallest canvas the chart is drawn on, in pixels.
const MIN_W: u32 = 200;
/// See [`MIN_W`].
const MIN_H: u32 = 120;
/// plotters' SVG backend writes `font-size` as the style's size / 1.24 (the canvas backend
/// uses the size as is); SVG text is drawn this much larger so the export matches the screen.
const SVG_TEXT_SCALE: f64 = 1.24;

/// Narrowest layout before the chart shrinks instead (axes, legend and labels need room).
const MIN_LAYOUT_W: f64 = 560.0;

/// Draws the loss history on one canvas, at its displayed size ([`Hidpi`]): plotters draws
/// in layout pixels on a context scaled to the device pixels.
pub struct LossView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    hidpi: Hidpi,
}

impl LossView {
    /// Takes the canvas; its `width`/`height` attributes (e.g. 1000 × 340) are the chart size
    /// until the page lays it out.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?; // fail now, with a clear message, rather than on the first draw
        Ok(LossView { canvas, ctx, hidpi: Hidpi::new(MIN_LAYOUT_W) })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Redraws the chart from `data`; see [`draw_chart`].
    pub fn draw(&mut self, data: &ChartData) -> Result<(), JsValue> {
        let fit = self.hidpi.fit(&self.canvas);
        // the backend draws through this same context: its transform maps layout to device px
        self.ctx.set_transform(fit.k, 0.0, 0.0, fit.k, 0.0, 0.0)?;
        let backend = CanvasBackend::with_canvas_object(self.canvas.clone())
            .ok_or_else(|| JsValue::from_str("loss chart: the canvas has no 2D drawing context"))?;
        let (w, h) = fit.size();
        let root = backend.into_drawing_area().shrink((0, 0), (w as i32, h as i32));
        draw_scaled(root, data, 1.0).map_err(|e| JsValue::from_str(&e))
    }
}

/// The loss chart as a standalone SVG document of `width × height` pixels, drawn by the same
/// code as the canvas (for a "download SVG" button).
pub fn loss_svg(data: &ChartData, width: u32, height: u32) -> Result<String, String> {
    let mut svg = String::new();
    {
        // The backend writes into `svg` when the drawing area is presented and dropped.
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_scaled(root, data, SVG_TEXT_SCALE)?;
    }
    Ok(svg)
}

/// Draws the whole chart from `data` on any plotters backend and presents it. Until a lane
/// has two points: empty axes with a "waiting for steps…" note. Values outside the fitted
/// range are drawn clipped at its edge; non-positive ones are left out of a log axis. An area
/// smaller than 200 × 120 is only filled with the background.
pub fn draw_chart<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, data: &ChartData) -> Result<(), String> {
    draw_scaled(root, data, 1.0)
}

/// [`draw_chart`] with every font size multiplied by `text_scale` (see [`SVG_TEXT_SCALE`]).
fn draw_scaled<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    data: &ChartData,
    text_scale: f64,
) -> Result<(), String> {
    root.fill(&BG).map_err(err)?;
    let (w, h) = root.dim_in_pixel();
    if w < MIN_W || h < MIN_H {
        return root.present().map_err(err); // no room for axes; plotters' margin arithmetic would underflow
    }
    let followed = data.followed.min(data.lanes.len().saturating_sub(1));
    let data = ChartData { followed, ..*data };
    let drawn = if data.full || data.lanes.first().is_none_or(|l| l.points.len() < 2) {
        draw_full(&root, &data, text_scale)?
    } else {
        draw_fitted(&root, &data, text_scale)?
    };
    if !drawn {
        let style = (FONT, 14.0 * text_scale).into_font().color(&TEXT).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text("waiting for steps…", &style, (w as i32 / 2, h as i32 / 2)).map_err(err)?;
    }
    root.present().map_err(err)
}

/// The full view: every curve of `data` on one log cost axis over a linear step axis (the
/// whole run). False when there is nothing to draw yet (the axes are drawn anyway).
fn draw_full<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    text_scale: f64,
) -> Result<bool, String> {
    let font = |px: f64| (FONT, px * text_scale).into_font().color(&TEXT);
    let mut curves = cost_curves(data);
    curves.extend(penalty_curves(data));
    let values = curves.iter().flat_map(|c| data.lanes[c.lane].points.iter().map(|p| c.term.value(p)));
    let y_range = log_range(values);
    let all = data.lanes.iter().flat_map(|l| l.points.iter().map(|p| p.step));
    let (x0, x1) = match (all.clone().min(), all.max()) {
        (Some(a), Some(b)) => step_range(a, b),
        _ => (0, 1),
    };
    let (lo, hi) = y_range.unwrap_or((0.1, 10.0));
    // A hair wider than the decades, so rounding in plotters' tick maths keeps both ends.
    let (lo, hi) = (lo * (1.0 - 1e-9), hi * (1.0 + 1e-9));
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .margin_top(LEGEND_H)
        .margin_right(28) // room for the last step label, centred on the right edge
        .x_label_area_size(40)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(x0 as f64..x1 as f64, (lo..hi).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("cost (log scale)")
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| format_step(*v))
        .y_label_formatter(&|v| format_cost(*v))
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .axis_style(AXIS)
        .bold_line_style(WHITE.mix(0.08))
        .light_line_style(WHITE.mix(0.03))
        .max_light_lines(3)
        .draw()
        .map_err(err)?;
    if y_range.is_none() || data.lanes.iter().all(|l| l.points.len() < 2) {
        return Ok(false);
    }
    let mut shown = Vec::new();
    // penalties first, so the costs end on top
    for c in curves.iter().rev() {
        let line: Vec<(f64, f64)> = data.lanes[c.lane]
            .points
            .iter()
            .map(|p| (p.step as f64, c.term.value(p) as f64))
            .filter(|&(_, v)| v > 0.0 && v.is_finite())
            .map(|(s, v)| (s, v.clamp(lo, hi))) // below MAX_DECADES would leave the plot
            .collect();
        if line.is_empty() {
            continue; // e.g. weight decay with λ = 0: no curve, no legend entry
        }
        draw_line(&mut chart, c.stroke, line, c.colour)?;
        shown.push(*c);
    }
    shown.reverse();
    legend(root, data, &shown, LEGEND_H as i32 / 2, text_scale)?;
    Ok(true)
}
