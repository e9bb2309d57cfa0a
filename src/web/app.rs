//! The app: owns the trainer, the settings, the views and the controls. Event handlers
//! (see [`super::events`]) only change settings, which act on the next step; all training and
//! drawing happens in [`App::frame`], called once per animation frame.

use std::cell::RefCell;
use std::rc::Rc;

use nalgebra::DMatrix;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement};

use super::dom::{self, find};
use super::panels::Panels;
use super::view::{diagram::DiagramView, download, filters::FilterView, loss, loss::LossView};
use super::{events, markup};
use crate::data::{natural_images, Image, PatchSampler};
use crate::history::{LossHistory, LossPoint};
use crate::model::Hyper;
use crate::readouts::{history_csv, VerdictLevel};
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
/// Redraw interval of the loss chart and readouts (plotters redraws axes and labels each time).
const READOUT_MS: f64 = 250.0;
/// Redraw interval of the whole-image reconstruction.
const SLOW_READOUT_MS: f64 = 1000.0;
/// Points kept by the loss history.
const HISTORY_POINTS: usize = 1500;
/// Seed of the built-in image (fixed: the training seed varies weights and patch order).
const IMAGE_SEED: u64 = 1;

/// The controls the app reads and writes.
pub(crate) struct Ui {
    pub play: HtmlButtonElement,
    pub rho: HtmlInputElement,
    pub rho_out: HtmlElement,
    pub beta: HtmlInputElement,
    pub beta_out: HtmlElement,
    pub status: HtmlElement,
    pub message: HtmlElement,
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
    last_readout: f64,
    last_slow_readout: f64,
    rate: Rate,
    /// Milliseconds of training so far (excludes pauses), for "edges after N s".
    trained_ms: f64,
    last_frame: f64,
    /// Steps and training seconds when the edge verdict first said "formed" in this run.
    edges_at: Option<(u64, f64)>,
    pub(crate) ui: Ui,
    filters: FilterView,
    diagram: DiagramView,
    loss: LossView,
    pub(crate) panels: Panels,
}

/// Builds the app's DOM inside `root`, creates the trainer and wires the events.
pub fn mount(root: &Element) -> Result<Rc<RefCell<App>>, JsValue> {
    root.set_inner_html(&markup::html());
    let ui = Ui {
        play: find(root, "#play")?,
        rho: find(root, "#rho")?,
        rho_out: find(root, "#rho-out")?,
        beta: find(root, "#beta")?,
        beta_out: find(root, "#beta-out")?,
        status: find(root, "#status")?,
        message: find(root, "#message")?,
    };
    let setup = Setup::default();
    let hyper = Hyper::default();
    let images = natural_images(IMAGE_SEED);
    let trainer = new_trainer(setup, hyper, &images)?;
    // the diagram's patches come from their own stream, so showing them does not change
    // which patches training sees (a seed must reproduce a run exactly)
    let display = display_sampler(&images, setup)?;
    let n = setup.patch * setup.patch;
    let app = App {
        panels: Panels::new(root, &trainer)?,
        filters: FilterView::new(find::<HtmlCanvasElement>(root, "#filters")?)?,
        diagram: DiagramView::new(find::<HtmlCanvasElement>(root, "#diagram")?)?,
        loss: LossView::new(find::<HtmlCanvasElement>(root, "#loss")?)?,
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
        last_readout: f64::NEG_INFINITY,
        last_slow_readout: f64::NEG_INFINITY,
        rate: Rate::default(),
        trained_ms: 0.0,
        last_frame: f64::NAN,
        edges_at: None,
        ui,
    };
    app.sync_controls();
    let app = Rc::new(RefCell::new(app));
    events::wire(&app, root)?;
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

fn display_sampler(images: &[Image], setup: Setup) -> Result<PatchSampler, JsValue> {
    PatchSampler::new(images.to_vec(), setup.patch, setup.seed ^ 0x0D15_B1A7).map_err(js)
}

impl App {
    /// One animation frame: a time-budgeted slice of training, then the views.
    pub fn frame(&mut self, now: f64) -> Result<(), JsValue> {
        if self.running && (now - self.last_frame).is_finite() {
            // cap: a background tab resumes after seconds without training
            self.trained_ms += (now - self.last_frame).clamp(0.0, 100.0);
        }
        self.last_frame = now;
        let readout_due = now - self.last_readout >= READOUT_MS;
        if self.running {
            let slice = self.trainer.run_budgeted(&mut dom::now_ms, TRAIN_BUDGET_MS, MAX_STEPS_PER_FRAME);
            if let Some(d) = slice.diverged {
                self.set_running(false);
                self.say("error", &d.to_string());
            } else if slice.steps > 0 {
                self.panels.observe(&self.trainer);
                let m = slice.mean;
                // the held-out cost is sampled when the chart is about to be redrawn
                let held_out = if readout_due { self.panels.held_out_cost(&self.trainer) } else { f32::NAN };
                self.history.push(LossPoint {
                    step: self.trainer.steps(),
                    recon: m.recon as f32,
                    sparsity: m.sparsity as f32,
                    decay: m.decay as f32,
                    total: m.total() as f32,
                    span: slice.steps,
                    held_out,
                });
            }
        }
        if now - self.shown_since >= PATCH_SHOWN_MS {
            self.pick_display_patch();
            self.shown_since = now;
        }
        self.draw(now, readout_due)
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

    fn draw(&mut self, now: f64, readout_due: bool) -> Result<(), JsValue> {
        let p = self.setup.patch;
        let sae = self.trainer.sae();
        self.filters.draw(&sae.w1, p)?;
        let (hidden, recon) = sae.encode_decode(self.shown.as_slice());
        self.diagram.draw(self.shown.as_slice(), &hidden, &recon, p)?;
        if readout_due {
            self.loss.draw(self.history.points())?;
            let verdict = self.panels.draw(&self.trainer, &self.hyper, self.shown.as_slice(), &recon)?;
            if self.edges_at.is_none() && verdict.level == VerdictLevel::Formed {
                self.edges_at = Some((self.trainer.steps(), self.trained_ms / 1000.0));
            }
            self.update_status(now, verdict.edge_units, verdict.units);
            self.last_readout = now;
        }
        if now - self.last_slow_readout >= SLOW_READOUT_MS {
            self.panels.draw_slow(&self.trainer)?;
            self.last_slow_readout = now;
        }
        Ok(())
    }

    fn update_status(&mut self, now: f64, edge_units: usize, units: usize) {
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
        let formed = self.edges_at.map(|(s, t)| format!(" (formed at step {s}, {t:.1} s)")).unwrap_or_default();
        self.ui
            .status
            .set_text_content(Some(&format!("step {steps}{rate}{cost} · edge detectors {edge_units}/{units}{formed}")));
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
        self.last_readout = f64::NEG_INFINITY; // refresh the status line now
    }

    /// Whether training is running.
    pub fn running(&self) -> bool {
        self.running
    }

    /// New random weights from the same seed and settings; history cleared.
    pub fn reset(&mut self) {
        self.rebuild(self.setup);
    }

    /// A new trainer for `setup` (a new shape restarts training); the current model is kept
    /// if that fails, and the page says why.
    pub fn rebuild(&mut self, setup: Setup) {
        let built =
            new_trainer(setup, self.hyper, &self.images).and_then(|t| Ok((display_sampler(&self.images, setup)?, t)));
        match built {
            Ok((display, trainer)) => {
                let n = setup.patch * setup.patch;
                if n != self.shown.nrows() {
                    self.shown = DMatrix::zeros(n, 1);
                    self.candidates = DMatrix::zeros(n, DISPLAY_CANDIDATES);
                }
                self.trainer = trainer;
                self.display = display;
                self.setup = setup;
                if let Err(e) = self.panels.restart(&self.trainer) {
                    self.say("error", &format!("The readouts could not restart: {}", dom::describe(&e)));
                    return;
                }
                self.history.clear();
                self.rate = Rate::default();
                self.trained_ms = 0.0;
                self.edges_at = None;
                self.shown_since = f64::NEG_INFINITY;
                self.last_readout = f64::NEG_INFINITY;
                self.last_slow_readout = f64::NEG_INFINITY;
                self.say("", "");
            }
            Err(e) => self.say("error", &format!("Restart failed: {}. The current model is kept.", dom::describe(&e))),
        }
    }

    /// Sets ρ, β and the rest of the live hyperparameters (validated; kept on error).
    pub fn set_hyper(&mut self, next: Hyper) {
        match next.validate() {
            Ok(valid) => {
                self.hyper = next;
                self.trainer.set_hyper(valid);
                self.last_readout = f64::NEG_INFINITY;
            }
            Err(e) => self.say("error", &format!("{e}; kept ρ = {}, β = {}.", self.hyper.rho, self.hyper.beta)),
        }
    }

    /// Reads ρ and β from their sliders; the change applies from the next step.
    pub(crate) fn on_slider(&mut self) {
        let rho = slider_to_rho(self.ui.rho.value_as_number());
        let beta = self.ui.beta.value_as_number();
        self.set_hyper(Hyper { rho, beta, ..self.hyper });
        // only the readouts: writing the value back would fight the hand on the slider
        self.sync_readouts();
    }

    /// Puts the settings into the sliders and their readouts.
    pub(crate) fn sync_controls(&self) {
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
    pub(crate) fn say(&self, kind: &str, text: &str) {
        self.ui.message.set_class_name(&format!("message {kind}"));
        self.ui.message.set_text_content(Some(text));
    }

    /// Selects the unit shown in the detail panel.
    pub(crate) fn select_unit(&mut self, unit: usize) {
        if unit < self.setup.hidden && unit != self.panels.selected {
            self.panels.selected = unit;
            self.last_readout = f64::NEG_INFINITY;
        }
    }

    /// The filter grid view (for hover hit-testing).
    pub(crate) fn filter_view(&self) -> &FilterView {
        &self.filters
    }

    /// Downloads the filter grid (PNG), the cost curves (SVG) or the metric history (CSV).
    pub(crate) fn export(&self, what: &str) {
        let result = match what {
            "png" => download::download_canvas_png(self.filters.canvas(), "sae-lab-filters.png"),
            "svg" => loss::loss_svg(self.history.points(), 1000, 400)
                .map_err(js)
                .and_then(|svg| download::download_text("sae-lab-cost.svg", "image/svg+xml", &svg)),
            _ => download::download_text("sae-lab-history.csv", "text/csv", &history_csv(self.history.points())),
        };
        if let Err(e) = result {
            self.say("error", &format!("The export failed: {}. Nothing was changed.", dom::describe(&e)));
        }
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

    /// The shape and seed in force.
    pub fn setup(&self) -> &Setup {
        &self.setup
    }
}
