//! The cost curves: total, reconstruction, sparsity and weight decay against step, on a log
//! axis, drawn with plotters on one canvas.
//!
//! Plotters keeps no series, so every call redraws the whole chart (axes and labels are the
//! costly part): the caller throttles it to a few times per second. Odd data (empty, one
//! point, flat, zeros, NaN) draws empty axes or clamped curves, never a panic.
//!
//! The drawing is one generic [`draw_chart`] over any plotters backend: [`LossView`] runs it
//! on the canvas and [`loss_svg`] on plotters' SVG backend, so the exported chart is the
//! one on screen. Text needs no font feature: on wasm32 plotters measures text through the
//! DOM for both backends, and the SVG backend writes `<text>` elements.

use plotters::backend::SVGBackend;
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
/// plotters' SVG backend writes `font-size` as the style's size / 1.24 (the canvas backend
/// uses the size as is); SVG text is drawn this much larger so the export matches the screen.
const SVG_TEXT_SCALE: f64 = 1.24;

/// The penalty series' placeholder name, replaced by the model's own term names.
const PENALTY: &str = "sparsity";

/// One plotted series: legend name, colour, line width, and which cost it reads.
type Series = (&'static str, RGBColor, u32, fn(&LossPoint) -> f32);

/// Drawn back to front, so the total ends on top.
const SERIES: [Series; 5] = [
    ("weight decay", RGBColor(150, 155, 165), 1, |p| p.decay),
    (PENALTY, RGBColor(255, 170, 70), 2, |p| p.sparsity),
    ("reconstruction", RGBColor(90, 200, 250), 2, |p| p.recon),
    ("total", RGBColor(240, 242, 247), 2, |p| p.total),
    ("held-out total", RGBColor(160, 120, 255), 2, |p| p.held_out),
];

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

    /// Redraws the chart from `points` (oldest first), naming the penalty curve `penalty`
    /// (the model's own term: "sparsity", "l1", "contraction"…); see [`draw_chart`].
    pub fn draw(&mut self, points: &[LossPoint], penalty: &str) -> Result<(), JsValue> {
        let backend = CanvasBackend::with_canvas_object(self.canvas.clone())
            .ok_or_else(|| JsValue::from_str("loss chart: the canvas has no 2D drawing context"))?;
        draw_scaled(backend.into_drawing_area(), points, penalty, 1.0).map_err(|e| JsValue::from_str(&e))
    }
}

/// The loss chart as a standalone SVG document of `width × height` pixels, drawn by the same
/// code as the canvas (for a "download SVG" button).
pub fn loss_svg(points: &[LossPoint], penalty: &str, width: u32, height: u32) -> Result<String, String> {
    let mut svg = String::new();
    {
        // The backend writes into `svg` when the drawing area is presented and dropped.
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_scaled(root, points, penalty, SVG_TEXT_SCALE)?;
    }
    Ok(svg)
}

/// Draws the whole chart from `points` (oldest first) on any plotters backend and presents
/// it. Fewer than two points, or no positive cost, give empty axes with a "waiting for
/// steps…" note. Non-positive and non-finite values are left out of their curve (a log axis
/// cannot show them). An area smaller than 200 × 120 is only filled with the background.
pub fn draw_chart<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, points: &[LossPoint]) -> Result<(), String> {
    draw_scaled(root, points, "sparsity", 1.0)
}

/// [`draw_chart`] with every font size multiplied by `text_scale` (see [`SVG_TEXT_SCALE`]).
fn draw_scaled<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    points: &[LossPoint],
    penalty: &str,
    text_scale: f64,
) -> Result<(), String> {
    let font = |px: f64| (FONT, px * text_scale).into_font().color(&TEXT);
    root.fill(&BG).map_err(err)?;
    let (w, h) = root.dim_in_pixel();
    if w < MIN_W || h < MIN_H {
        return root.present().map_err(err); // no room for axes; plotters' margin arithmetic would underflow
    }

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
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("cost (log)")
        .x_labels(8)
        .y_labels(6)
        .y_label_formatter(&|v| format_cost(*v))
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .axis_style(AXIS)
        .bold_line_style(WHITE.mix(0.08))
        .light_line_style(WHITE.mix(0.03))
        .max_light_lines(3)
        .draw()
        .map_err(err)?;

    if points.len() < 2 || y_range.is_none() {
        let style = font(14.0).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text("waiting for steps…", &style, (w as i32 / 2, h as i32 / 2)).map_err(err)?;
        return root.present().map_err(err);
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
        chart.draw_series(LineSeries::new(line, color.stroke_width(width))).map_err(err)?;
    }
    legend(&root, &shown, penalty, text_scale)?;
    root.present().map_err(err)
}

/// The legend as one right-aligned row above the plot, so it never hides a curve (plotters'
/// own legend box sits inside the plot area). Listed in reading order: total first. Widths
/// are measured at the unscaled size, the size the text is finally shown at on either
/// backend (see [`SVG_TEXT_SCALE`]), so the spacing is the same on screen and in the SVG.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    shown: &[bool],
    penalty: &str,
    text_scale: f64,
) -> Result<(), String> {
    let (w, _) = root.dim_in_pixel();
    let anchor = Pos::new(HPos::Left, VPos::Center);
    let measure = (FONT, 12.0).into_font().color(&TEXT).pos(anchor);
    let style = (FONT, 12.0 * text_scale).into_font().color(&TEXT).pos(anchor);
    let y = LEGEND_H as i32 / 2;
    let mut right = w as i32 - 12;
    // Walk from the right edge leftwards, i.e. over SERIES in drawing order.
    for (&(name, color, _, _), _) in SERIES.iter().zip(shown).filter(|(_, &s)| s) {
        // the penalty curve is the sum of the followed model's own terms, named by them
        let name = if name == PENALTY { penalty } else { name };
        let (text_w, _) = root.estimate_text_size(name, &measure).map_err(err)?;
        let text_x = right - text_w as i32;
        root.draw_text(name, &style, (text_x, y)).map_err(err)?;
        root.draw(&PathElement::new([(text_x - 24, y), (text_x - 6, y)], color.stroke_width(2))).map_err(err)?;
        right = text_x - 24 - 18;
    }
    Ok(())
}

/// A plotters error as the message the chart returns.
fn err(e: impl std::fmt::Display) -> String {
    format!("loss chart: {e}")
}
