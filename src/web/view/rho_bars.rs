//! Mean activation ρ̂_j of every hidden unit as a bar on a log axis, against the target ρ.
//!
//! The KL penalty pulls each ρ̂_j towards ρ; this view shows which units obey, which died
//! (ρ̂ ≪ ρ) and which are always on (ρ̂ ≫ ρ). Bars, grid, axes, the dashed target line and
//! legend swatches are composed in one reused [`Rgba`] and put with one call; only the text
//! goes through the canvas.

use std::fmt::Write;

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::context_2d;
use super::hidpi::Hidpi;
use super::paint::{self, ACCENT_PX, AMBER_PX, AXIS_PX, BG_PX, DEAD_PX, GRID_PX, MUTED, TEXT, TEXT_PX};
use super::text_twin::TextTwin;
use crate::raster::{draw_bars, legend_lefts, log_frac, write_sig, PlotBox, Rgba};

/// The log axis runs from 10^LO_EXP to 10^HI_EXP: ρ = 0.01 sits in the middle.
const LO_EXP: f32 = -4.0;
/// See [`LO_EXP`].
const HI_EXP: f32 = 0.0;
/// Labelled decades.
const TICKS: [(f32, &str); 5] = [(1e-4, "1e-4"), (1e-3, "1e-3"), (1e-2, "0.01"), (0.1, "0.1"), (1.0, "1")];
/// Legend entries, in the order of the status codes 0, 1, 2.
const LEGEND: [&str; 3] = ["ok", "dead", "always on"];
/// Bar colours for status 0 (ok), 1 (dead), 2 (always on).
const COLOURS: [[u8; 4]; 3] = [ACCENT_PX, DEAD_PX, AMBER_PX];
/// Margins around the plot: tick labels left, legend above, target label right.
const MARGINS: (usize, usize, usize, usize) = (44, 28, 64, 24);
/// Legend geometry: swatch side, swatch-to-text pad, estimated px per character, spacing.
const SWATCH: usize = 10;
const PAD: usize = 5;
const CHAR_W: usize = 7;
const SPACING: usize = 14;
/// Vertical middle of the title/legend row.
const LEGEND_Y: usize = 13;
/// Narrowest layout before the drawing shrinks instead (title and legend share a row).
const MIN_W: f64 = 440.0;

/// Draws the per-unit ρ̂ bars on one canvas (about 560 × 180).
pub struct RhoBarsView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// The whole canvas as pixels, reused.
    buf: Rgba,
    /// Reused text: the target label and the x-axis caption.
    target_label: String,
    x_label: String,
    hidpi: Hidpi,
    /// A summary of the bars as page text.
    twin: TextTwin,
}

impl RhoBarsView {
    /// Takes the canvas; its `width`/`height` attributes set the layout.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        let twin = TextTwin::of(&canvas);
        Ok(RhoBarsView {
            canvas,
            ctx,
            buf: Rgba::default(),
            target_label: String::new(),
            x_label: String::new(),
            hidpi: Hidpi::new(MIN_W),
            twin,
        })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Draws one bar per unit, height ρ̂_j on a log axis from 1e-4 to 1 (clamped; zero, NaN
    /// and values below 1e-4 show as a short stub), coloured by `status[j]`: 0 ok (blue),
    /// 1 dead (grey-red), 2 always on (amber); a missing or unknown status counts as ok.
    /// The target `rho` is a dashed line across all bars (left out when not positive).
    /// The text twin gets a summary: median, range and the count of each status.
    pub fn draw(&mut self, rho_hat: &[f32], rho: f32, status: &[u8]) -> Result<(), JsValue> {
        self.twin.set(&summary(rho_hat, rho, status));
        let fit = self.hidpi.fit(&self.canvas);
        let (w, h) = fit.size();
        let (ml, mt, mr, mb) = MARGINS;
        let plot = PlotBox::inset(w, h, ml, mt, mr, mb);
        let n = rho_hat.len();
        let legend = legend_lefts(LEGEND, w.saturating_sub(12), SWATCH, PAD, CHAR_W, SPACING);
        let target = (rho > 0.0 && rho.is_finite()).then(|| plot.row_of(log_frac(rho, LO_EXP, HI_EXP)));

        // Pixels: grid, axes, bars, target line, legend swatches.
        let buf = &mut self.buf;
        buf.resize(w, h);
        buf.fill(BG_PX);
        for (v, _) in TICKS {
            buf.fill_rect(plot.left, plot.row_of(log_frac(v, LO_EXP, HI_EXP)), plot.width, 1, GRID_PX);
        }
        let colour = |j: usize| COLOURS[usize::from(status.get(j).copied().unwrap_or(0)).min(2)];
        draw_bars(buf, plot, n, 2, |j| log_frac(rho_hat[j], LO_EXP, HI_EXP), colour);
        buf.fill_rect(plot.left.saturating_sub(1), plot.top, 1, plot.height + 1, AXIS_PX);
        buf.fill_rect(plot.left.saturating_sub(1), plot.bottom(), plot.width + 1, 1, AXIS_PX);
        if let Some(row) = target {
            buf.dashed_hline(plot.left, plot.right() + 4, row, 6, 4, TEXT_PX);
        }
        for (&x, c) in legend.iter().zip(COLOURS) {
            buf.fill_rect(x, LEGEND_Y - SWATCH / 2, SWATCH, SWATCH, c);
        }
        self.hidpi.show(&self.ctx, buf, &fit)?;

        // Text.
        let ctx = &self.ctx;
        paint::text_style(ctx, paint::FONT, MUTED, "right");
        for (v, label) in TICKS {
            let y = plot.row_of(log_frac(v, LO_EXP, HI_EXP)) as f64 + 0.5;
            ctx.fill_text(label, (plot.left as f64 - 6.0).max(0.0), y)?;
        }
        paint::text_style(ctx, paint::FONT, TEXT, "left");
        for (&x, label) in legend.iter().zip(LEGEND) {
            ctx.fill_text(label, (x + SWATCH + PAD) as f64, LEGEND_Y as f64)?;
        }
        paint::text_style(ctx, paint::FONT_CAPTION, TEXT, "left");
        ctx.fill_text_with_max_width("mean activation ρ̂ of each hidden unit", 12.0, LEGEND_Y as f64, 270.0)?;
        if let Some(row) = target {
            self.target_label.clear();
            self.target_label.push_str("ρ = ");
            write_sig(&mut self.target_label, rho as f64, 2);
            paint::text_style(ctx, paint::FONT, TEXT, "left");
            let room = (w.saturating_sub(plot.right() + 8) as f64).max(1.0);
            ctx.fill_text_with_max_width(&self.target_label, (plot.right() + 8) as f64, row as f64 + 0.5, room)?;
        }
        self.x_label.clear();
        match n {
            0 => self.x_label.push_str("no hidden units"),
            1 => self.x_label.push_str("1 hidden unit"),
            _ => {
                let _ = write!(self.x_label, "hidden units 0 … {}", n - 1);
            }
        }
        paint::text_style(ctx, paint::FONT, MUTED, "center");
        let mid = (plot.left + plot.width / 2) as f64;
        ctx.fill_text(&self.x_label, mid, (plot.bottom() + mb / 2 + 1).min(h) as f64)
    }
}

/// The bars in words: how many units, the median and range of their values, the target
/// (when there is one, else the bars are activity rates) and how many are ok, dead, always on.
fn summary(values: &[f32], rho: f32, status: &[u8]) -> String {
    let n = values.len();
    let mut sorted: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f32::total_cmp);
    let what = if rho > 0.0 && rho.is_finite() { "Mean activation ρ̂" } else { "Share of patches active" };
    let mut out = format!("{what} of {n} unit{}: ", if n == 1 { "" } else { "s" });
    match (sorted.first(), sorted.last()) {
        (Some(&lo), Some(&hi)) => {
            out.push_str("median ");
            write_sig(&mut out, sorted[sorted.len() / 2] as f64, 2);
            out.push_str(", from ");
            write_sig(&mut out, lo as f64, 2);
            out.push_str(" to ");
            write_sig(&mut out, hi as f64, 2);
        }
        _ => out.push_str("none measured yet"),
    }
    if rho > 0.0 && rho.is_finite() {
        out.push_str("; target ρ = ");
        write_sig(&mut out, rho as f64, 2);
    }
    let count = |code: u8| (0..n).filter(|&j| status.get(j).copied().unwrap_or(0).min(2) == code).count();
    let _ = write!(out, ". {} ok, {} dead, {} always on.", count(0), count(1), count(2));
    out
}
