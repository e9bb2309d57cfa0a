//! The network diagram: input patch → hidden units → reconstruction, redrawn every frame.
//!
//! The canvas is drawn at its displayed size ([`Hidpi`]): the patches go through one reused
//! [`Rgba`] at their own pixel size and are scaled up nearest-neighbour; hidden units are one
//! `arc` + `fill` each, their colour from a short ramp and their `global_alpha` = activation;
//! all outlines share one path and one `stroke`.

use std::f64::consts::TAU;

use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::hidpi::Hidpi;
use super::{context_2d, BACKGROUND};
use crate::raster::{patch_to_grey, DiagramLayout, Rgba, DIAGRAM_MARGIN};

/// Active units, from weakly to fully active: amber warming to white-hot, so on a projector
/// a strongly active unit is the brightest thing in the diagram, not a dark amber disc; the
/// opacity is still the activation. Warm colours stand out against the blue-grey wiring.
const NODE_RAMP: [&str; 8] = ["#ff9a2e", "#ffac42", "#ffbd5c", "#ffcd78", "#ffdc98", "#ffe9b9", "#fff4da", "#ffffff"];
/// Narrowest layout before the drawing shrinks instead.
const MIN_W: f64 = 320.0;
/// The level from which a unit counts as active (the page's a > 0.1 for sigmoid units).
const ACTIVE: f32 = 0.1;
const OUTLINE: &str = "rgba(200, 210, 230, 0.35)";
const WEDGE: &str = "rgba(120, 160, 220, 0.08)";
const LABEL: &str = "#c9ced8";
const FONT: &str = "13px sans-serif";

/// Draws one patch's trip through the network on one canvas.
pub struct DiagramView {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// One patch at its own size; reused for the input and then the reconstruction.
    buf: Rgba,
    hidpi: Hidpi,
    /// "hidden (N units)", rebuilt only when N changes.
    hidden_label: String,
    label_units: Option<usize>,
}

impl DiagramView {
    /// Takes the canvas; it is laid out at its displayed size (its `width`/`height`
    /// attributes, e.g. 640 × 300, until the page lays it out).
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, JsValue> {
        let ctx = context_2d(&canvas)?;
        Ok(DiagramView {
            canvas,
            ctx,
            buf: Rgba::default(),
            hidpi: Hidpi::new(MIN_W),
            hidden_label: String::new(),
            label_units: None,
        })
    }

    /// The canvas drawn on.
    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Draws `input` (patch² values in [0, 1]) on the left, one disc per hidden unit whose
    /// opacity is its activation in [0, 1] (its colour warms to white with it), and
    /// `output`, the reconstruction, on the right. Short or empty slices draw what they
    /// have; out-of-range values are clamped.
    pub fn draw(&mut self, input: &[f32], hidden: &[f32], output: &[f32], patch: usize) -> Result<(), JsValue> {
        let fit = self.hidpi.fit(&self.canvas);
        let (w, h) = (fit.w, fit.h);
        self.ctx.set_transform(fit.k, 0.0, 0.0, fit.k, 0.0, 0.0)?;
        let units = hidden.len();
        let l = DiagramLayout::new(w, h, units, patch);
        let ctx = &self.ctx;
        ctx.set_global_alpha(1.0);
        ctx.set_fill_style_str(BACKGROUND);
        ctx.fill_rect(0.0, 0.0, w, h);

        // Fan-in and fan-out: two faint trapezoids stand for the n×h and h×n weights.
        if units > 0 {
            let (left, right, top, bottom) = l.node_box();
            let (y0, y1) = (l.img_y, l.img_y + l.img);
            ctx.set_fill_style_str(WEDGE);
            ctx.begin_path();
            for (from_x, to_x) in [(l.input_x + l.img + 4.0, left - 6.0), (l.output_x - 4.0, right + 6.0)] {
                ctx.move_to(from_x, y0);
                ctx.line_to(to_x, top);
                ctx.line_to(to_x, bottom);
                ctx.line_to(from_x, y1);
                ctx.close_path();
            }
            ctx.fill();
        }

        // The two patches, through the one reused buffer, scaled up nearest-neighbour.
        if patch > 0 {
            for (values, x) in [(input, l.input_x), (output, l.output_x)] {
                self.buf.resize(patch, patch);
                self.buf.fill([0, 0, 0, 255]);
                self.buf.blit_grey(0, 0, values, patch, patch, 1, patch_to_grey);
                self.hidpi.blit(ctx, &self.buf, x, l.img_y, l.img, l.img)?;
            }
        }

        // Activations: colour from the ramp, alpha = activation. Silent units (alpha ≈ 0)
        // are skipped; their outline below still shows them.
        for (j, &a) in hidden.iter().enumerate() {
            let a = if a.is_nan() { 0.0 } else { a.clamp(0.0, 1.0) as f64 };
            if a > 0.004 {
                let (x, y) = l.node(j);
                let step = ((a * NODE_RAMP.len() as f64) as usize).min(NODE_RAMP.len() - 1);
                ctx.set_fill_style_str(NODE_RAMP[step]);
                ctx.set_global_alpha(a);
                ctx.begin_path();
                ctx.arc(x, y, l.radius, 0.0, TAU)?;
                ctx.fill();
            }
        }
        ctx.set_global_alpha(1.0);

        // Every outline (nodes and image frames) in one path and one stroke.
        ctx.set_stroke_style_str(OUTLINE);
        ctx.set_line_width(1.0);
        ctx.begin_path();
        for j in 0..units {
            let (x, y) = l.node(j);
            ctx.move_to(x + l.radius, y);
            ctx.arc(x, y, l.radius, 0.0, TAU)?;
        }
        if patch > 0 {
            for x in [l.input_x, l.output_x] {
                ctx.rect(x - 0.5, l.img_y - 0.5, l.img + 1.0, l.img + 1.0);
            }
        }
        ctx.stroke();

        // Active units (level ≥ ACTIVE) get a full-strength ring in their ramp colour: a
        // sparse code's few active units are often only 0.1–0.3 active, too faint as fills
        // alone to be seen from the back of a room.
        ctx.set_line_width((l.radius * 0.16).max(2.0));
        for (j, &a) in hidden.iter().enumerate() {
            if a >= ACTIVE {
                let (x, y) = l.node(j);
                let step = ((a as f64 * NODE_RAMP.len() as f64) as usize).min(NODE_RAMP.len() - 1);
                ctx.set_stroke_style_str(NODE_RAMP[step]);
                ctx.begin_path();
                ctx.arc(x, y, l.radius, 0.0, TAU)?;
                ctx.stroke();
            }
        }

        self.draw_labels(&l, units)
    }

    /// "input", "hidden (N units)" and "reconstruction" above their columns.
    fn draw_labels(&mut self, l: &DiagramLayout, units: usize) -> Result<(), JsValue> {
        if self.label_units != Some(units) {
            self.hidden_label = format!("hidden ({units} unit{})", if units == 1 { "" } else { "s" });
            self.label_units = Some(units);
        }
        let ctx = &self.ctx;
        ctx.set_font(FONT);
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_fill_style_str(LABEL);
        let mid = (l.input_x + l.img + l.output_x) / 2.0;
        let mid_w = (l.output_x - l.input_x - l.img).max(1.0);
        let img_w = (l.img + 2.0 * DIAGRAM_MARGIN).max(1.0);
        ctx.fill_text_with_max_width("input", l.input_x + l.img / 2.0, l.label_y, img_w)?;
        ctx.fill_text_with_max_width(&self.hidden_label, mid, l.label_y, mid_w)?;
        ctx.fill_text_with_max_width("reconstruction", l.output_x + l.img / 2.0, l.label_y, img_w)
    }
}
