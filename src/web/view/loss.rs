//! The cost curves: total, reconstruction, sparsity and weight decay against step, on a log
//! axis, drawn with plotters on one canvas.
//!
//! Plotters keeps no series, so every call redraws the whole chart (axes and labels are the
//! costly part): the caller throttles it to a few times per second. Odd data (empty, one
//! point, flat, zeros, NaN) draws empty axes or clamped curves, never a panic.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

use super::context_2d;
use crate::history::LossPoint;
use crate::raster::{format_cost, log_range, step_range};

/// The page background (#111318).
const BG: RGBColor = RGBColor(17, 19, 24);
const TEXT: RGBColor = RGBColor(201, 206, 216);
const AXIS: RGBColor = RGBColor(120, 126, 138);
const FONT: &str = "sans-serif";
/// Smallest canvas the chart is drawn on, in pixels.
const MIN_W: u32 = 200;
/// See [`MIN_W`].
const MIN_H: u32 = 120;
/// Height of the legend row above the plot area.
const LEGEND_H: u32 = 28;

/// One plotted series: legend name, colour, line width, and which cost it reads.
type Series = (&'static str, RGBColor, u32, fn(&LossPoint) -> f32);

/// Drawn back to front, so the total ends on top.
const SERIES: [Series; 4] = [
    ("weight decay", RGBColor(150, 155, 165), 1, |p| p.decay),
    ("sparsity", RGBColor(255, 170, 70), 2, |p| p.sparsity),
    ("reconstruction", RGBColor(90, 200, 250), 2, |p| p.recon),
    ("total", RGBColor(240, 242, 247), 2, |p| p.total),
];

/// Turns a plotters error into the `JsValue` the views return.
fn js(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&format!("loss chart: {e}"))
}

/// Draws the loss history on one canvas.
pub struct LossView {
    canvas: HtmlCanvasElement,
}

impl LossView {
    /// Takes the canvas; its `width`/`height` attributes (e.g. 1000 × 260) are the chart size.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        context_2d(&canvas)?; // fail now, with a clear message, rather than on the first draw
        Ok(LossView { canvas })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Redraws the chart from `points` (oldest first). Fewer than two points, or no
    /// positive cost, give empty axes with a "waiting for steps…" note. Non-positive and
    /// non-finite values are left out of their curve (a log axis cannot show them).
    pub fn draw(&mut self, points: &[LossPoint]) -> Result<(), JsValue> {
        if self.canvas.width() < MIN_W || self.canvas.height() < MIN_H {
            return Ok(()); // no room for axes; plotters' margin arithmetic would underflow
        }
        let backend = CanvasBackend::with_canvas_object(self.canvas.clone())
            .ok_or_else(|| JsValue::from_str("loss chart: the canvas has no 2D drawing context"))?;
        let root = backend.into_drawing_area();
        root.fill(&BG).map_err(js)?;

        let y_range = log_range(points.iter().flat_map(|p| SERIES.map(|s| (s.3)(p))));
        let (x0, x1) = match (points.first(), points.last()) {
            (Some(a), Some(b)) => step_range(a.step, b.step),
            _ => (0, 1),
        };
        let (lo, hi) = y_range.unwrap_or((0.1, 10.0));
        // A hair wider than the decades, so rounding in plotters' tick maths keeps both ends.
        let (lo, hi) = (lo * (1.0 - 1e-9), hi * (1.0 + 1e-9));

        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_top(LEGEND_H)
            .margin_right(28) // room for the last step label, centred on the right edge
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, (lo..hi).log_scale())
            .map_err(js)?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("cost (log)")
            .x_labels(8)
            .y_labels(6)
            .y_label_formatter(&|v| format_cost(*v))
            .label_style((FONT, 12).into_font().color(&TEXT))
            .axis_desc_style((FONT, 13).into_font().color(&TEXT))
            .axis_style(AXIS)
            .bold_line_style(WHITE.mix(0.08))
            .light_line_style(WHITE.mix(0.03))
            .max_light_lines(3)
            .draw()
            .map_err(js)?;

        if points.len() < 2 || y_range.is_none() {
            return waiting(&root);
        }

        let positive = |v: f32| v > 0.0 && v.is_finite();
        let mut shown = [false; SERIES.len()];
        for (i, &(_, color, width, cost)) in SERIES.iter().enumerate() {
            shown[i] = points.iter().any(|p| positive(cost(p)));
            if !shown[i] {
                continue; // e.g. weight decay with λ = 0: no curve, no legend entry
            }
            // Clamp to the bottom of the axis: values below MAX_DECADES would leave the plot.
            let line = points.iter().filter(|p| positive(cost(p))).map(|p| (p.step, (cost(p) as f64).clamp(lo, hi)));
            chart.draw_series(LineSeries::new(line, color.stroke_width(width))).map_err(js)?;
        }
        legend(&root, &shown)?;
        root.present().map_err(js)
    }
}

/// The legend as one right-aligned row above the plot, so it never hides a curve (plotters'
/// own legend box sits inside the plot area). Listed in reading order: total first.
fn legend(root: &DrawingArea<CanvasBackend, Shift>, shown: &[bool]) -> Result<(), JsValue> {
    let (w, _) = root.dim_in_pixel();
    let style = (FONT, 12).into_font().color(&TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    let y = LEGEND_H as i32 / 2;
    let mut right = w as i32 - 12;
    // Walk from the right edge leftwards, i.e. over SERIES in drawing order.
    for (&(name, color, _, _), _) in SERIES.iter().zip(shown).filter(|(_, &s)| s) {
        let (text_w, _) = root.estimate_text_size(name, &style).map_err(js)?;
        let text_x = right - text_w as i32;
        root.draw_text(name, &style, (text_x, y)).map_err(js)?;
        root.draw(&PathElement::new([(text_x - 24, y), (text_x - 6, y)], color.stroke_width(2))).map_err(js)?;
        right = text_x - 24 - 18;
    }
    Ok(())
}

/// The note shown over empty axes before there is anything to plot.
fn waiting(root: &DrawingArea<CanvasBackend, Shift>) -> Result<(), JsValue> {
    let (w, h) = root.dim_in_pixel();
    let style = (FONT, 14).into_font().color(&TEXT).pos(Pos::new(HPos::Center, VPos::Center));
    root.draw_text("waiting for steps…", &style, (w as i32 / 2, h as i32 / 2)).map_err(js)?;
    root.present().map_err(js)
}
