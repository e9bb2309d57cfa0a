//! The app: owns the trainer, the settings, the views and the controls. Event handlers only
//! change settings (they act on the next step); all training and drawing happens in
//! [`App::frame`], called once per animation frame.

use std::cell::RefCell;
use std::rc::Rc;

use nalgebra::DMatrix;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement};

use super::dom::{self, find, listen};
use super::markup;
use super::view::{diagram::DiagramView, filters::FilterView, loss::LossView};
use crate::data::{natural_images, Image, PatchSampler};
use crate::history::{LossHistory, LossPoint};
use crate::model::{edges, Hyper};
use crate::sliders::{rho_to_slider, slider_to_rho};
use crate::train::{Setup, Trainer};

/// Milliseconds of training per animation frame: with drawing (~2 ms) a frame stays well
/// under 20 ms, so the page keeps animating smoothly.
pub const TRAIN_BUDGET_MS: f64 = 10.0;
/// Upper bound on steps per frame, whatever the clock says.
const MAX_STEPS_PER_FRAME: u32 = 2000;
/// How long each patch stays in the network diagram.
const PATCH_SHOWN_MS: f64 = 1200.0;
/// Fresh patches considered for each shown patch.
const DISPLAY_CANDIDATES: usize = 8;
/// Loss chart redraw interval (plotters redraws axes and labels every time).
const LOSS_REDRAW_MS: f64 = 250.0;
/// Points kept by the loss history.
const HISTORY_POINTS: usize = 1500;
/// Share of edge-detector units at which "edges formed" is recorded.
const EDGES_FORMED_SHARE: f32 = 0.3;
/// Seed of the built-in image (fixed: the training seed varies weights and patch order).
const IMAGE_SEED: u64 = 1;

/// The controls the app reads and writes.
struct Ui {
    play: HtmlButtonElement,
    reset: HtmlButtonElement,
    rho: HtmlInputElement,
    rho_out: HtmlElement,
    beta: HtmlInputElement,
    beta_out: HtmlElement,
    status: HtmlElement,
    message: HtmlElement,
}

/// One canvas view each.
struct Views {
    filters: FilterView,
    diagram: DiagramView,
    loss: LossView,
}

/// Steps-per-second readout over a sliding one-second window.
#[derive(Default)]
struct Rate {
    since: f64,
    steps_then: u64,
    per_second: f64,
}

/// Application state.
pub struct App {
    trainer: Trainer,
    images: Vec<Image>,
    setup: Setup,
    hyper: Hyper,
    history: LossHistory,
    running: bool,
    display: PatchSampler,
    shown: DMatrix<f32>,
    candidates: DMatrix<f32>,
    shown_since: f64,
    last_loss_draw: f64,
    rate: Rate,
    /// Milliseconds of training so far (excludes pauses), for "edges after N s".
    trained_ms: f64,
    last_frame: f64,
    /// Steps and training seconds when the edge test first passed in this run.
    edges_at: Option<(u64, f64)>,
    ui: Ui,
    views: Views,
}

/// Builds the app's DOM inside `root`, creates the trainer and wires the events.
pub fn mount(root: &Element) -> Result<Rc<RefCell<App>>, JsValue> {
    root.set_inner_html(&markup::html());
    let ui = Ui {
        play: find(root, "#play")?,
        reset: find(root, "#reset")?,
        rho: find(root, "#rho")?,
        rho_out: find(root, "#rho-out")?,
        beta: find(root, "#beta")?,
        beta_out: find(root, "#beta-out")?,
        status: find(root, "#status")?,
        message: find(root, "#message")?,
    };
    let views = Views {
        filters: FilterView::new(find::<HtmlCanvasElement>(root, "#filters")?)?,
        diagram: DiagramView::new(find::<HtmlCanvasElement>(root, "#diagram")?)?,
        loss: LossView::new(find::<HtmlCanvasElement>(root, "#loss")?)?,
    };
    let setup = Setup::default();
    let hyper = Hyper::default();
    let images = natural_images(IMAGE_SEED);
    let trainer = new_trainer(setup, hyper, &images)?;
    // the diagram's patches come from their own stream, so showing them does not change
    // which patches training sees (a seed must reproduce a run exactly)
    let display = PatchSampler::new(images.clone(), setup.patch, setup.seed ^ 0xD15B_1A7).map_err(js)?;
    let n = setup.patch * setup.patch;
    let app = App {
        trainer,
        images,
        setup,
        hyper,
        history: LossHistory::new(HISTORY_POINTS),
        running: false,
        display,
        shown: DMatrix::zeros(n, 1),
        candidates: DMatrix::zeros(n, DISPLAY_CANDIDATES),
        shown_since: f64::NEG_INFINITY,
        last_loss_draw: f64::NEG_INFINITY,
        rate: Rate::default(),
        trained_ms: 0.0,
        last_frame: f64::NAN,
        edges_at: None,
        ui,
        views,
    };
    app.sync_controls();
    let app = Rc::new(RefCell::new(app));
    wire(&app)?;
    app.borrow_mut().frame(dom::now_ms())?;
    Ok(app)
}

fn js(msg: String) -> JsValue {
    JsValue::from_str(&msg)
}

fn new_trainer(setup: Setup, hyper: Hyper, images: &[Image]) -> Result<Trainer, JsValue> {
    let valid = hyper.validate().map_err(|e| js(e.to_string()))?;
    Trainer::new(setup, valid, images.to_vec()).map_err(js)
}

/// Event handlers: each borrows the app only for the moment it records a change.
fn wire(app: &Rc<RefCell<App>>) -> Result<(), JsValue> {
    let ui = &app.borrow().ui;
    let a = app.clone();
    listen(&ui.play, "click", move |_| {
        let mut app = a.borrow_mut();
        let run = !app.running;
        app.set_running(run);
    })?;
    let a = app.clone();
    listen(&ui.reset, "click", move |_| a.borrow_mut().reset())?;
    let a = app.clone();
    listen(&ui.rho, "input", move |_| a.borrow_mut().on_slider())?;
    let a = app.clone();
    listen(&ui.beta, "input", move |_| a.borrow_mut().on_slider())?;
    Ok(())
}

impl App {
    /// One animation frame: a time-budgeted slice of training, then the views.
    pub fn frame(&mut self, now: f64) -> Result<(), JsValue> {
        if self.running && (now - self.last_frame).is_finite() {
            // cap: a background tab resumes after seconds without training
            self.trained_ms += (now - self.last_frame).clamp(0.0, 100.0);
        }
        self.last_frame = now;
        if self.running {
            let slice = self.trainer.run_budgeted(&mut dom::now_ms, TRAIN_BUDGET_MS, MAX_STEPS_PER_FRAME);
            if let Some(d) = slice.diverged {
                self.set_running(false);
                self.say("error", &d.to_string());
            } else if slice.steps > 0 {
                let m = slice.mean;
                self.history.push(LossPoint {
                    step: self.trainer.steps(),
                    recon: m.recon as f32,
                    sparsity: m.sparsity as f32,
                    decay: m.decay as f32,
                    total: m.total() as f32,
                    span: slice.steps,
                });
            }
        }
        if now - self.shown_since >= PATCH_SHOWN_MS {
            self.pick_display_patch();
            self.shown_since = now;
        }
        self.draw(now)
    }

    /// Shows the most contrasty of a few fresh patches: flat patches (common in the
    /// dead-leaves image) excite no unit and teach nothing.
    fn pick_display_patch(&mut self) {
        self.display.fill(&mut self.candidates);
        let best = (0..self.candidates.ncols())
            .map(|j| {
                let col = self.candidates.column(j);
                let mean = col.mean();
                (j, col.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>())
            })
            .fold((0, f32::MIN), |a, b| if b.1 > a.1 { b } else { a })
            .0;
        self.shown.copy_from(&self.candidates.column(best));
    }

    fn draw(&mut self, now: f64) -> Result<(), JsValue> {
        let p = self.setup.patch;
        let sae = self.trainer.sae();
        self.views.filters.draw(&sae.w1, p)?;
        let (hidden, recon) = sae.encode_decode(self.shown.as_slice());
        self.views.diagram.draw(self.shown.as_slice(), &hidden, &recon, p)?;
        if now - self.last_loss_draw >= LOSS_REDRAW_MS {
            self.views.loss.draw(self.history.points())?;
            self.last_loss_draw = now;
            self.update_status(now);
        }
        Ok(())
    }

    fn update_status(&mut self, now: f64) {
        let steps = self.trainer.steps();
        let dt = now - self.rate.since;
        if dt >= 1000.0 || !self.running {
            self.rate.per_second = if self.running && dt.is_finite() && dt > 0.0 {
                (steps - self.rate.steps_then.min(steps)) as f64 * 1000.0 / dt
            } else {
                0.0
            };
            self.rate.since = now;
            self.rate.steps_then = steps;
        }
        let cost = self.history.last().map(|p| format!(" · cost {:.3}", p.total)).unwrap_or_default();
        let rate = if self.running { format!(" · {:.0} steps/s", self.rate.per_second) } else { " · paused".into() };
        let p = self.setup.patch;
        let shapes = edges::filter_shapes(&self.trainer.sae().w1, p);
        let edge_units = shapes.iter().filter(|s| s.is_edge()).count();
        if self.edges_at.is_none() && edge_units as f32 >= EDGES_FORMED_SHARE * shapes.len() as f32 {
            self.edges_at = Some((steps, self.trained_ms / 1000.0));
        }
        let formed = self.edges_at.map(|(s, t)| format!(" (formed at step {s}, {t:.1} s)")).unwrap_or_default();
        self.ui.status.set_text_content(Some(&format!(
            "step {steps}{rate}{cost} · edge detectors {edge_units}/{}{formed}",
            shapes.len()
        )));
    }

    /// Starts or pauses training.
    pub fn set_running(&mut self, running: bool) {
        self.running = running;
        self.ui.play.set_text_content(Some(if running { "Pause" } else { "Play" }));
        self.ui.play.set_attribute("aria-pressed", if running { "true" } else { "false" }).ok();
        self.ui.play.set_attribute("aria-label", if running { "Pause training" } else { "Start training" }).ok();
        if running {
            self.say("", "");
        }
        self.last_loss_draw = f64::NEG_INFINITY; // refresh the status line now
    }

    /// Whether training is running.
    pub fn running(&self) -> bool {
        self.running
    }

    /// New random weights from the same seed and settings; history cleared.
    pub fn reset(&mut self) {
        match new_trainer(self.setup, self.hyper, &self.images) {
            Ok(t) => {
                self.trainer = t;
                self.history.clear();
                self.rate = Rate::default();
                self.trained_ms = 0.0;
                self.edges_at = None;
                self.last_loss_draw = f64::NEG_INFINITY;
                self.say("", "");
            }
            Err(e) => self.say("error", &format!("Reset failed: {}. The current model is kept.", dom::describe(&e))),
        }
    }

    /// Reads ρ and β from their sliders; the change applies from the next step.
    fn on_slider(&mut self) {
        let rho = slider_to_rho(self.ui.rho.value_as_number());
        let beta = self.ui.beta.value_as_number();
        let next = Hyper { rho, beta, ..self.hyper };
        match next.validate() {
            Ok(valid) => {
                self.hyper = next;
                self.trainer.set_hyper(valid);
            }
            Err(e) => self.say("error", &format!("{e}; kept ρ = {}, β = {}.", self.hyper.rho, self.hyper.beta)),
        }
        // only the readouts: writing the value back would fight the hand on the slider
        self.sync_readouts();
    }

    /// Puts the settings into the sliders and their readouts.
    fn sync_controls(&self) {
        self.ui.rho.set_value_as_number(rho_to_slider(self.hyper.rho));
        self.ui.beta.set_value_as_number(self.hyper.beta);
        self.sync_readouts();
    }

    /// Shows the settings next to the sliders and in their accessible names.
    fn sync_readouts(&self) {
        let (rho, beta) = (self.hyper.rho, self.hyper.beta);
        let rho_text = format!("{rho}");
        let beta_text = format!("{beta:.1}");
        self.ui.rho_out.set_text_content(Some(&rho_text));
        self.ui.beta_out.set_text_content(Some(&beta_text));
        self.ui.rho.set_attribute("aria-valuetext", &format!("sparsity target ρ = {rho_text}")).ok();
        self.ui.beta.set_attribute("aria-valuetext", &format!("penalty weight β = {beta_text}")).ok();
    }

    /// Shows a message above the controls (`kind` = "error" or "notice"; empty text hides it).
    fn say(&self, kind: &str, text: &str) {
        self.ui.message.set_class_name(&format!("message {kind}"));
        self.ui.message.set_text_content(Some(text));
    }

    /// The trainer (read-only), for readouts and tests.
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The loss history.
    pub fn history(&self) -> &LossHistory {
        &self.history
    }

    /// The hyperparameters the controls show.
    pub fn hyper(&self) -> &Hyper {
        &self.hyper
    }
}
