//! How often units fire: a histogram of log10(firing frequency) over the hidden units, next
//! to three readouts (dead units, L0 = active units per patch, variance explained).
//!
//! A healthy sparse code has most units near log10 ρ, few dead ones far left, and a small
//! L0 with most of the variance still explained. Bars, grid and axes go through one reused
//! [`Rgba`] and one put; only the text goes through the canvas.

use std::fmt::Write;

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::context_2d;
use super::hidpi::Hidpi;
use super::paint::{self, ACCENT_PX, AXIS_PX, BG_PX, GRID_PX, MUTED, RED, TEXT};
use super::text_twin::TextTwin;
use crate::raster::{draw_bars, integer_ticks, write_fixed, write_percent, PlotBox, Rgba};

/// Fraction of the width given to the histogram; the readouts take the rest.
const PLOT_SHARE: usize = 54;
/// Margins of the histogram inside its share: count labels left, caption above, ticks and
/// axis label below.
const MARGINS: (usize, usize, usize, usize) = (40, 28, 8, 40);
/// Left end of the x axis when `min_log10` is unusable.
const DEFAULT_MIN: f32 = -4.0;
/// Narrowest layout before the drawing shrinks instead (the readouts need their room).
const MIN_W: f64 = 440.0;

/// Draws the firing histogram and readouts on one canvas (about 560 × 180).
pub struct FiringView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// The whole canvas as pixels, reused.
    buf: Rgba,
    /// Reused text for numbers and readouts.
    text: String,
    hidpi: Hidpi,
    /// The three readouts as page text.
    twin: TextTwin,
}

impl FiringView {
    /// Takes the canvas; its `width`/`height` attributes set the layout.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        let twin = TextTwin::of(&canvas);
        Ok(FiringView { canvas, ctx, buf: Rgba::default(), text: String::new(), hidpi: Hidpi::new(MIN_W), twin })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Draws `histogram` (unit counts in equal bins of log10 firing frequency from
    /// `min_log10` up to 0; a non-negative or non-finite `min_log10` is read as −4) and the
    /// readouts "dead units: `dead` / `units`", "L0: `l0` active units per patch" and
    /// "variance explained: `fve` as %". Non-finite readouts show as "–"; an empty
    /// histogram draws empty axes. The three readouts also go to the canvas's text twin.
    pub fn draw(
        &mut self,
        histogram: &[usize],
        min_log10: f32,
        dead: usize,
        l0: f32,
        fve: f32,
        units: usize,
    ) -> Result<(), JsValue> {
        let fit = self.hidpi.fit(&self.canvas);
        let (w, h) = fit.size();
        let split = w * PLOT_SHARE / 100;
        let (ml, mt, mr, mb) = MARGINS;
        let plot = PlotBox::inset(split, h, ml, mt, mr, mb);
        let lo = if min_log10 < 0.0 && min_log10.is_finite() { min_log10 } else { DEFAULT_MIN };
        let x_of = |v: f32| plot.col_of((v - lo) / -lo);
        let peak = histogram.iter().copied().max().unwrap_or(0);

        // Pixels: grid line at the peak count, bars, axes, integer ticks.
        let buf = &mut self.buf;
        buf.resize(w, h);
        buf.fill(BG_PX);
        buf.fill_rect(plot.left, plot.top, plot.width, 1, GRID_PX);
        let frac = |j: usize| if peak > 0 { histogram[j] as f32 / peak as f32 } else { 0.0 };
        draw_bars(buf, plot, histogram.len(), 0, frac, |_| ACCENT_PX);
        buf.fill_rect(plot.left.saturating_sub(1), plot.top, 1, plot.height + 1, AXIS_PX);
        buf.fill_rect(plot.left.saturating_sub(1), plot.bottom(), plot.width + 1, 1, AXIS_PX);
        for k in integer_ticks(lo, 0.0) {
            buf.fill_rect(x_of(k as f32), plot.bottom(), 1, 5, AXIS_PX);
        }
        self.hidpi.show(&self.ctx, buf, &fit)?;

        // Axis text.
        let ctx = &self.ctx;
        let text = &mut self.text;
        paint::text_style(ctx, paint::FONT, MUTED, "right");
        let label_x = (plot.left as f64 - 6.0).max(0.0);
        if peak > 0 {
            text.clear();
            let _ = write!(text, "{peak}");
            ctx.fill_text(text, label_x, plot.top as f64 + 0.5)?;
        }
        ctx.fill_text("0", label_x, plot.bottom() as f64 - 0.5)?;
        paint::text_style(ctx, paint::FONT, MUTED, "center");
        let tick_y = (plot.bottom() + 14) as f64;
        for k in integer_ticks(lo, 0.0) {
            text.clear();
            let _ = write!(text, "{k}");
            ctx.fill_text(text, x_of(k as f32) as f64 + 0.5, tick_y)?;
        }
        let mid = (plot.left + plot.width / 2) as f64;
        paint::text_style(ctx, paint::FONT, TEXT, "center");
        ctx.fill_text("log10 firing frequency", mid, (plot.bottom() + 31) as f64)?;
        paint::text_style(ctx, paint::FONT_CAPTION, TEXT, "left");
        ctx.fill_text("units per bin", 12.0, 13.0)?;

        // Readouts, vertically centred in the right-hand part.
        let x = (split + 16) as f64;
        let room = (w.saturating_sub(split + 16 + 8) as f64).max(1.0);
        let (y0, dy) = (h as f64 / 2.0 - 30.0, 30.0);
        text.clear();
        let _ = write!(text, "dead units: {dead} / {units}");
        paint::text_style(ctx, paint::FONT_BIG, if dead > 0 { RED } else { TEXT }, "left");
        ctx.fill_text_with_max_width(text, x, y0, room)?;
        text.clear();
        text.push_str("L0: ");
        write_fixed(text, l0 as f64, 1);
        text.push_str(" active units per patch");
        paint::text_style(ctx, paint::FONT_BIG, TEXT, "left");
        ctx.fill_text_with_max_width(text, x, y0 + dy, room)?;
        text.clear();
        text.push_str("variance explained: ");
        write_percent(text, fve as f64);
        ctx.fill_text_with_max_width(text, x, y0 + 2.0 * dy, room)?;
        // the twin: the same three readouts as one sentence
        text.clear();
        let _ = write!(text, "Dead units: {dead} of {units}. L0: ");
        write_fixed(text, l0 as f64, 1);
        text.push_str(" active units per patch. Variance explained: ");
        write_percent(text, fve as f64);
        text.push('.');
        self.twin.set(text);
        Ok(())
    }
}
