//! The app: owns the trainer, the settings, the views and the controls. Event handlers
//! (see [`super::events`]) only change settings, which act on the next step; all training and
//! drawing happens in [`App::frame`], called once per animation frame.

use std::cell::RefCell;
use std::rc::Rc;

use nalgebra::DMatrix;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement};

use super::dom::{self, find};
use super::panels::Panels;
use super::settings::{same_experiment, SettingsForm};
use super::upload::Picture;
use super::view::{diagram::DiagramView, download, filters::FilterView, lanes::LanesView, loss, loss::LossView};
use super::{events, markup, persist};
use crate::data::{prepare, Dataset, Image, PatchSampler};
use crate::history::{LossHistory, LossPoint};
use crate::readouts::code_kind::display_levels;
use crate::readouts::{history_csv, VerdictLevel};
use crate::state::{from_hash, saved, to_hash, Change, Layout, Params};
use crate::train::{Trainer, MAX_LANES};

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
/// Seed of the built-in held-out image: same dataset, never trained on.
const HELD_OUT_IMAGE_SEED: u64 = 7;
/// How often the latest model is written to the browser's storage while training.
const AUTOSAVE_MS: f64 = 5000.0;

/// The controls the app reads and writes besides the settings form.
pub(crate) struct Ui {
    pub play: HtmlButtonElement,
    pub status: HtmlElement,
    pub message: HtmlElement,
    pub load: HtmlInputElement,
    pub root: Element,
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
    /// The pictures the trainer and the held-out set come from, and what they were made for.
    data: Pictures,
    /// The user's uploaded pictures in grey (not whitened), for "your pictures".
    own: Vec<Image>,
    /// Counts uploads, so new pictures are never mistaken for the ones in use.
    own_generation: u32,
    /// Pictures just uploaded, waiting for "train on them now" (kept apart so that "keep
    /// the current model" also keeps the current pictures).
    staged: Option<Vec<Image>>,
    params: Params,
    /// A shape change waiting for the user's "restart" (it discards the current model).
    pending: Option<Params>,
    /// The URL hash lags the settings (written at most every READOUT_MS: browsers rate-limit
    /// replaceState, and a dragged slider fires dozens of changes a second).
    hash_dirty: bool,
    /// "Continue where you left off?" is on screen: until it is answered the kept model must
    /// not be overwritten by autosave.
    offer_open: bool,
    pub(crate) form: SettingsForm,
    last_step_at: f64,
    last_autosave: f64,
    /// One cost history per lane (the chart shows the lane the readouts follow).
    histories: Vec<LossHistory>,
    running: bool,
    display: PatchSampler,
    shown: DMatrix<f32>,
    /// The shown patch's code (h×1) and reconstruction (n×1), reused every frame.
    shown_code: DMatrix<f32>,
    shown_recon: DMatrix<f32>,
    /// The shown code as node opacities in [0, 1] (see `readouts::code_kind`).
    shown_levels: Vec<f32>,
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
    lanes: LanesView,
    diagram: DiagramView,
    loss: LossView,
    pub(crate) panels: Panels,
}

/// Training and held-out pictures for one choice of dataset and whitening. Shared, not
/// copied, by a reset (and by the two roles, for the user's own pictures).
#[derive(Clone)]
struct Pictures {
    /// What they were made for (see [`pictures_key`]).
    key: PicturesKey,
    train: Rc<[Image]>,
    held_out: Rc<[Image]>,
}

/// Dataset, whitening and, for the user's pictures, which upload: regenerating a 512² image
/// and whitening it takes a moment, so pictures with the same key are reused.
type PicturesKey = (Dataset, bool, u32);

fn pictures_key(p: &Params, own_generation: u32) -> PicturesKey {
    (p.data, p.whiten, if p.data == Dataset::Own { own_generation } else { 0 })
}

/// The pictures for `p`: a built-in set from its seeds, or the user's (then the held-out
/// patches come from the same pictures, as there is no second set).
fn pictures_for(p: &Params, own: &[Image], generation: u32) -> Result<Pictures, String> {
    let key = pictures_key(p, generation);
    match (p.data.builtin(IMAGE_SEED, p.whiten), p.data.held_out(HELD_OUT_IMAGE_SEED, p.whiten)) {
        (Some(train), Some(held_out)) => Ok(Pictures { key, train: train.into(), held_out: held_out.into() }),
        _ if own.is_empty() => Err("no pictures of your own are loaded (use “Use your own pictures…”)".into()),
        _ => {
            let train: Rc<[Image]> = prepare(own, p.whiten).into();
            Ok(Pictures { key, held_out: train.clone(), train })
        }
    }
}

/// Builds the app's DOM inside `root`, creates the trainer and wires the events.
pub fn mount(root: &Element) -> Result<Rc<RefCell<App>>, JsValue> {
    root.set_inner_html(&markup::html());
    let ui = Ui {
        play: find(root, "#play")?,
        status: find(root, "#status")?,
        message: find(root, "#message")?,
        load: find(root, "#load")?,
        root: root.clone(),
    };
    // a link's settings win; bad values in it are clamped or ignored, and the page says so
    let hash = persist::read_hash();
    let (mut params, notices) = if hash.is_empty() { (Params::default(), Vec::new()) } else { from_hash(&hash) };
    // the link as written, to recognise a reload of the page's own experiment
    let link = (!hash.is_empty()).then(|| params.clone());
    let asked_own = params.data == Dataset::Own;
    if asked_own {
        params.data = Dataset::Natural;
    }
    let data = pictures_for(&params, &[], 0).map_err(js)?;
    let trainer = new_trainer(&params, &data.train)?;
    // the diagram's patches come from their own stream, so showing them does not change
    // which patches training sees (a seed must reproduce a run exactly)
    let display = display_sampler(&data.train, &params)?;
    let (n, hidden) = (params.patch * params.patch, params.hidden);
    let mut app = App {
        form: SettingsForm::new(root)?,
        pending: None,
        hash_dirty: true,
        offer_open: false,
        last_step_at: f64::NEG_INFINITY,
        last_autosave: dom::now_ms(),
        panels: Panels::new(root, &trainer, &data.held_out)?,
        filters: FilterView::new(find::<HtmlCanvasElement>(root, "#filters")?)?,
        lanes: LanesView::new(root)?,
        diagram: DiagramView::new(find::<HtmlCanvasElement>(root, "#diagram")?)?,
        loss: LossView::new(find::<HtmlCanvasElement>(root, "#loss")?)?,
        trainer,
        data,
        own: Vec::new(),
        own_generation: 0,
        staged: None,
        params,
        histories: (0..MAX_LANES).map(|_| LossHistory::new(HISTORY_POINTS)).collect(),
        running: false,
        display,
        shown: DMatrix::zeros(n, 1),
        shown_code: DMatrix::zeros(hidden, 1),
        shown_recon: DMatrix::zeros(n, 1),
        shown_levels: Vec::with_capacity(hidden),
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
    app.show_params();
    app.flush_hash();
    if !notices.is_empty() {
        let own = if asked_own { format!(" {OWN_NOT_IN_LINK}") } else { String::new() };
        app.say("notice", &format!("Some settings in the link were changed: {}{own}", notices.join(" ")));
    } else if !app.offer_last_model(link.as_ref()) && asked_own {
        // a reload keeps the page's own link, so "same experiment" counts as no link; the
        // kept model (which says how to treat its pictures) comes first
        app.say("notice", OWN_NOT_IN_LINK);
    }
    let app = Rc::new(RefCell::new(app));
    events::wire(&app, root)?;
    app.borrow_mut().frame(dom::now_ms())?;
    Ok(app)
}

/// Why a link or file naming "your pictures" trains on the natural images instead.
const OWN_NOT_IN_LINK: &str = "data = own asks for uploaded pictures, which a link cannot carry: training on \
     the natural images instead (upload pictures again with “Use your own pictures…”).";

fn js(msg: String) -> JsValue {
    JsValue::from_str(&msg)
}

fn new_trainer(params: &Params, images: &[Image]) -> Result<Trainer, JsValue> {
    let valid = params.hyper().validate().map_err(|e| js(e.to_string()))?;
    Trainer::with_lanes(params.setup(), valid, &params.lanes(), images.to_vec()).map_err(js)
}

fn display_sampler(images: &[Image], params: &Params) -> Result<PatchSampler, JsValue> {
    PatchSampler::new(images.to_vec(), params.patch, params.seed ^ 0x0D15_B1A7).map_err(js)
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
        if self.running && self.params.stop_after > 0 && self.trainer.steps() >= self.params.stop_after {
            self.set_running(false);
            // an open question (restart? keep the model?) keeps its buttons: the pause says itself
            if self.pending.is_none() && self.staged.is_none() && !self.offer_open {
                self.say("notice", &format!("Stopped after {} steps, as set in \"stop after\".", self.trainer.steps()));
            }
        }
        // slow motion: one step every step_ms; otherwise as many as the frame budget holds
        let max_steps = if self.params.step_ms > 0.0 {
            u32::from(now - self.last_step_at >= self.params.step_ms)
        } else {
            MAX_STEPS_PER_FRAME
        };
        let max_steps = match self.params.stop_after {
            0 => max_steps,
            stop => max_steps.min(stop.saturating_sub(self.trainer.steps()).min(u32::MAX as u64) as u32),
        };
        if self.running && max_steps > 0 {
            self.last_step_at = now;
            self.train_slice(max_steps, readout_due);
        }
        if readout_due {
            self.flush_hash();
        }
        if self.running && now - self.last_autosave >= AUTOSAVE_MS {
            self.autosave();
            self.last_autosave = now;
        }
        if now - self.shown_since >= PATCH_SHOWN_MS {
            self.pick_display_patch();
            self.shown_since = now;
        }
        self.draw(now, readout_due)
    }

    /// Runs up to `max_steps` steps within the frame budget and records the costs.
    fn train_slice(&mut self, max_steps: u32, readout_due: bool) {
        let slice = self.trainer.run_budgeted(&mut dom::now_ms, TRAIN_BUDGET_MS, max_steps);
        if let Some(d) = slice.diverged {
            self.set_running(false);
            self.say("error", &d.to_string());
        } else if slice.steps > 0 {
            self.panels.observe(&self.trainer);
            // the held-out cost (of the lane the readouts follow) is sampled when the chart is
            // about to be redrawn
            let held_out = if readout_due { self.panels.held_out_cost(&self.trainer) } else { f32::NAN };
            let lanes = self.trainer.lanes();
            for (i, (m, history)) in slice.mean.iter().zip(&mut self.histories).take(lanes).enumerate() {
                history.push(LossPoint {
                    step: self.trainer.steps(),
                    recon: m.recon as f32,
                    sparsity: m.penalty_sum() as f32,
                    decay: m.decay as f32,
                    total: m.total() as f32,
                    span: slice.steps,
                    held_out: if i == self.panels.lane() { held_out } else { f32::NAN },
                });
            }
        }
    }

    /// Points every readout panel, the diagram and the cost chart at lane `lane`.
    pub(crate) fn follow_lane(&mut self, lane: usize) {
        self.panels.follow(&self.trainer, lane);
        self.last_readout = f64::NEG_INFINITY;
        self.last_slow_readout = f64::NEG_INFINITY;
    }

    /// Runs exactly one step now (the Step button and →), then pauses.
    pub fn step_once(&mut self) {
        self.set_running(false);
        self.train_slice(1, true);
        self.last_readout = f64::NEG_INFINITY;
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
        let p = self.params.patch;
        self.filters.draw(&self.trainer.model().filters(), p)?;
        self.lanes.draw(&mut self.trainer, self.shown.as_slice(), readout_due)?;
        let (model, ctx) = self.trainer.model_ctx_mut(self.panels.lane());
        model.encode(&self.shown, &ctx, &mut self.shown_code);
        model.decode(&self.shown_code, &mut self.shown_recon);
        display_levels(model.code_kind(), self.shown_code.as_slice(), &mut self.shown_levels);
        let (hidden, recon) = (self.shown_levels.as_slice(), self.shown_recon.as_slice());
        self.diagram.draw(self.shown.as_slice(), hidden, recon, p)?;
        if readout_due {
            let lane = self.panels.lane();
            let penalty = self.trainer.model_at(lane).penalty_names().join(" + ");
            self.loss.draw(self.histories[lane].points(), &penalty)?;
            let verdict = self.panels.draw(
                &self.trainer,
                self.params.data,
                self.params.rho as f32,
                self.shown.as_slice(),
                recon,
            )?;
            if self.edges_at.is_none() && verdict.level == VerdictLevel::Formed {
                self.edges_at = Some((self.trainer.steps(), self.trained_ms / 1000.0));
            }
            self.update_status(now, verdict.edge_units, verdict.units);
            self.last_readout = now;
        }
        if now - self.last_slow_readout >= SLOW_READOUT_MS {
            self.panels.draw_slow(&mut self.trainer)?;
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
        let cost = self.history().last().map(|p| format!(" · cost {:.3}", p.total)).unwrap_or_default();
        let rate = if self.running { format!(" · {:.0} steps/s", self.rate.per_second) } else { " · paused".into() };
        let formed = self.edges_at.map(|(s, t)| format!(" (formed at step {s}, {t:.1} s)")).unwrap_or_default();
        // an "epoch" = as many patches as there are distinct patch positions in the pictures
        let p = self.params.patch;
        let positions = self.data.train.iter().map(|i| ((i.width + 1 - p) * (i.height + 1 - p)) as f64).sum::<f64>();
        let epochs = steps as f64 * self.params.batch as f64 / positions;
        let elapsed = self.trained_ms / 1000.0;
        self.ui.status.set_text_content(Some(&format!(
            "step {steps}{rate}{cost} · {epochs:.2} epochs · {elapsed:.0} s · edge detectors {edge_units}/{units}{formed}"
        )));
    }

    /// Starts or pauses training.
    pub fn set_running(&mut self, running: bool) {
        self.running = running;
        self.ui.play.set_text_content(Some(if running { "Pause" } else { "Play" }));
        self.ui.play.set_attribute("aria-pressed", if running { "true" } else { "false" }).ok();
        self.ui.play.set_attribute("aria-label", if running { "Pause training" } else { "Start training" }).ok();
        // a new start makes an old error (e.g. divergence) stale; notices and questions stay
        if running && self.ui.message.class_name().contains("error") {
            self.say("", "");
        }
        self.last_readout = f64::NEG_INFINITY; // refresh the status line now
    }

    /// Starts training on page load, unless the page is asking whether to continue a kept
    /// model (a fresh run would compete with the answer).
    pub fn autostart(&mut self) {
        if !self.offer_open {
            self.set_running(true);
        }
    }

    /// Whether training is running.
    pub fn running(&self) -> bool {
        self.running
    }

    /// New random weights from the same seed and settings; history cleared.
    pub fn reset(&mut self) {
        self.rebuild(self.params.clone());
    }

    /// A new trainer for `next` (a new shape restarts training); the current model is kept
    /// if that fails, and the page says why.
    fn rebuild(&mut self, next: Params) {
        match self.build(&next).and_then(|(t, data)| self.install(next, t, data)) {
            Ok(()) => self.say("", ""),
            Err(e) => self.say("error", &format!("Restart failed: {}. The current model is kept.", dom::describe(&e))),
        }
    }

    /// A trainer for `next` and the pictures it trains on (reused when they are the same).
    fn build(&self, next: &Params) -> Result<(Trainer, Pictures), JsValue> {
        let data = if self.data.key == pictures_key(next, self.own_generation) {
            self.data.clone()
        } else {
            pictures_for(next, &self.own, self.own_generation).map_err(js)?
        };
        Ok((new_trainer(next, &data.train)?, data))
    }

    /// Makes `trainer` (built for `next`) the current run. Everything that can fail happens
    /// before anything is replaced, so on error the current model and settings stay whole.
    fn install(&mut self, next: Params, trainer: Trainer, data: Pictures) -> Result<(), JsValue> {
        let display = display_sampler(&data.train, &next)?;
        self.panels.restart(&trainer, &data.held_out, data.key != self.data.key)?;
        self.data = data;
        let n = next.patch * next.patch;
        if n != self.shown.nrows() {
            self.shown = DMatrix::zeros(n, 1);
            self.candidates = DMatrix::zeros(n, DISPLAY_CANDIDATES);
        }
        self.shown_code = DMatrix::zeros(next.hidden, 1);
        self.shown_recon = DMatrix::zeros(n, 1);
        self.trainer = trainer;
        self.display = display;
        self.params = next;
        self.pending = None;
        self.staged = None;
        self.offer_open = false;
        self.histories.iter_mut().for_each(LossHistory::clear);
        self.rate = Rate::default();
        self.trained_ms = 0.0;
        self.edges_at = None;
        self.shown_since = f64::NEG_INFINITY;
        self.last_readout = f64::NEG_INFINITY;
        self.last_slow_readout = f64::NEG_INFINITY;
        self.show_params();
        Ok(())
    }

    /// Applies settings now: live ones act on the next step, a new shape restarts training.
    pub fn apply(&mut self, next: Params) {
        match next.change_from(&self.params) {
            Change::None => {}
            Change::Rebuild => self.rebuild(next),
            Change::Live => match next.hyper().validate() {
                Ok(valid) => {
                    self.trainer.set_hyper(valid);
                    self.trainer.set_optimizer(next.optimizer);
                    for (i, lane) in next.lanes().iter().enumerate() {
                        self.trainer.set_knobs(i, &lane.knobs);
                    }
                    self.params = next;
                    if self.pending.take().is_some() {
                        self.staged = None;
                        self.say("", ""); // a restart question no longer matches the settings
                    }
                    self.last_readout = f64::NEG_INFINITY;
                    self.show_params();
                }
                Err(e) => self.say("error", &format!("{e}. The current settings are kept.")),
            },
        }
    }

    /// Settings from the form: live ones apply at once; a new shape asks first, because it
    /// discards the trained model.
    pub(crate) fn on_form_change(&mut self) {
        let (next, notices) = self.form.read(&self.params);
        if next.change_from(&self.params) == Change::Rebuild {
            self.apply(next.with_shape_of(&self.params));
            // keep showing the shape the user typed (clamped) while the question is open
            self.form.write(&next);
            self.pending = Some(next);
            let clamped = if notices.is_empty() { String::new() } else { format!(" {}", notices.join(" ")) };
            self.say_with_actions(
                "notice",
                &format!(
                    "These settings change the network's shape or data stream: training restarts from new \
                     random weights and the current model is discarded.{clamped}"
                ),
                &[("confirm-restart", "Restart now"), ("cancel-restart", "Keep the current model")],
            );
        } else {
            self.apply(next);
            if !notices.is_empty() {
                self.say("notice", &notices.join(" "));
            }
        }
        // only the readouts: writing values back would fight the hand on a slider
        self.form.write_readouts(&self.params);
    }

    /// The answer to "restart with the new shape?": the shape asked for, on top of whatever
    /// live settings are in force now.
    pub(crate) fn resolve_pending(&mut self, restart: bool) {
        let staged = self.staged.take();
        match self.pending.take() {
            Some(shape) if restart => {
                if let Some(pictures) = staged {
                    self.own = pictures;
                    self.own_generation += 1;
                    self.form.set_own_pictures(self.own.len());
                }
                self.rebuild(self.params.with_shape_of(&shape))
            }
            _ => {
                self.form.write(&self.params);
                self.say("", "");
            }
        }
    }

    /// Shows the settings everywhere they appear: controls, hidden panels, layout, the link.
    fn show_params(&mut self) {
        self.form.write(&self.params);
        self.lanes.show(&self.params.models, self.panels.lane());
        if let Ok(nodes) = self.ui.root.query_selector_all("[data-hide]") {
            for i in 0..nodes.length() {
                let Some(el) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
                let name = el.get_attribute("data-hide").unwrap_or_default();
                if self.params.hide.contains(&name) {
                    el.set_attribute("data-hidden-by-link", "").ok();
                } else {
                    el.remove_attribute("data-hidden-by-link").ok();
                }
            }
        }
        if let Some(body) = dom::document().body() {
            body.class_list().toggle_with_force("present", self.params.layout == Layout::Present).ok();
        }
        self.hash_dirty = true;
    }

    /// Writes the URL hash now if the settings changed since it was last written (also
    /// before "Copy link" reads the address).
    pub(crate) fn flush_hash(&mut self) {
        if self.hash_dirty {
            persist::write_hash(&to_hash(&self.params));
            self.hash_dirty = false;
        }
    }

    /// Writes the latest model to the browser's storage ("continue where you left off"),
    /// unless the offer of the previously kept one is still unanswered.
    pub(crate) fn autosave(&self) {
        if self.trainer.steps() > 0 && !self.offer_open {
            persist::save_last_model(&saved::save(&self.params, self.trainer.steps(), self.trainer.model()));
        }
    }

    /// Offers the model this browser kept, when the page opened without a link or with a
    /// link to that same experiment (a reload keeps the page's own link). True if offered.
    fn offer_last_model(&mut self, link: Option<&Params>) -> bool {
        let Some(text) = persist::load_last_model() else { return false };
        let Ok((kept, steps, _)) = saved::load(&text) else { return false };
        if link.is_some_and(|p| !same_experiment(p, &kept)) {
            return false;
        }
        self.offer_open = true;
        self.say_with_actions(
            "notice",
            &format!("This browser kept your last model (step {steps}). Continue where you left off?"),
            &[("continue-last", "Continue"), ("start-fresh", "Start fresh")],
        );
        true
    }

    /// "Start fresh": the kept model is forgotten and autosave resumes.
    pub(crate) fn decline_last_model(&mut self) {
        persist::forget_last_model();
        self.offer_open = false;
        self.say("", "");
    }

    /// Loads a saved model (file text or the browser's copy); on any problem the current
    /// model and settings stay as they are and the page says what was wrong. How the page is
    /// shown (hidden panels, layout) stays as the link set it.
    pub(crate) fn load_model(&mut self, source: &str, text: &str) {
        let mut note = "";
        let loaded = saved::load(text).map_err(|e| e.to_string()).and_then(|(params, steps, sae)| {
            let mut params = Params { hide: self.params.hide.clone(), layout: self.params.layout, ..params };
            if params.data == Dataset::Own && self.own.is_empty() {
                params.data = Dataset::Natural;
                note = " It was trained on its owner's pictures, which the file does not hold: it continues on the \
                        natural images.";
            } else if params.data == Dataset::Own {
                note = " It continues on the pictures you uploaded.";
            }
            let (mut trainer, data) = self.build(&params).map_err(|e| dom::describe(&e))?;
            trainer.restore(sae, steps)?;
            self.install(params, trainer, data).map_err(|e| dom::describe(&e))?;
            Ok(steps)
        });
        match loaded {
            Ok(steps) => {
                self.set_running(false);
                self.say("notice", &format!("Loaded {source} at step {steps}. Press play to continue training.{note}"));
            }
            Err(e) => self
                .say("error", &format!("Could not load {source}: {e} The current model and settings are unchanged.")),
        }
    }

    /// Pictures the user picked or dropped: kept for "your pictures", and training on them is
    /// offered (a restart discards the current model, so it asks first). Files that are not
    /// usable pictures are named with the reason; if none is usable, nothing changes.
    pub(crate) fn use_pictures(&mut self, results: Vec<Result<Picture, String>>) {
        let (mut names, mut images, mut refused) = (Vec::new(), Vec::new(), Vec::new());
        for r in results {
            match r {
                Ok(p) => {
                    names.push(format!("{} ({}×{})", p.name, p.image.width, p.image.height));
                    images.push(p.image);
                }
                Err(e) => refused.push(e),
            }
        }
        let refused = refused.join(" ");
        if images.is_empty() {
            // the message replaces any open question: close it as if answered "keep"
            self.pending = None;
            self.staged = None;
            self.offer_open = false;
            self.form.write(&self.params);
            let why = if refused.is_empty() { "no file was chosen.".to_string() } else { refused };
            self.say("error", &format!("No picture could be used: {why} The current data and model are unchanged."));
            return;
        }
        let count = images.len();
        self.staged = Some(images);
        // this question replaces any open one: a shape typed before is kept in it, and an
        // unanswered "continue where you left off?" is dropped (autosave resumes)
        let base = self.pending.take().unwrap_or_else(|| self.params.clone());
        self.pending = Some(Params { data: Dataset::Own, ..base });
        self.offer_open = false;
        let skipped = if refused.is_empty() { String::new() } else { format!(" Not used: {refused}") };
        self.say_with_actions(
            "notice",
            &format!(
                "Ready to train on your {count} picture{s}: {list}. Training restarts from new random weights and \
                 the current model is discarded.{skipped}",
                s = if count == 1 { "" } else { "s" },
                list = names.join(", ")
            ),
            &[("confirm-restart", "Train on them now"), ("cancel-restart", "Keep the current model")],
        );
    }

    /// Downloads the model (settings, weights, step count) as JSON.
    pub(crate) fn save_model(&self) {
        let json = saved::save(&self.params, self.trainer.steps(), self.trainer.model());
        if let Err(e) = download::download_text("sae-lab-model.json", "application/json", &json) {
            self.say("error", &format!("Saving failed: {}. Nothing was changed.", dom::describe(&e)));
        }
    }

    /// The file input for loading models.
    pub(crate) fn load_input(&self) -> &HtmlInputElement {
        &self.ui.load
    }

    /// A message with buttons; the buttons' ids are handled in [`events`].
    fn say_with_actions(&self, kind: &str, text: &str, actions: &[(&str, &str)]) {
        self.say(kind, text);
        for (id, label) in actions {
            if let Ok(b) = dom::document().create_element("button") {
                b.set_id(id);
                b.set_attribute("type", "button").ok();
                b.set_text_content(Some(label));
                self.ui.message.append_child(&b).ok();
            }
        }
    }

    /// Shows a notice unless a question (with buttons) is waiting for an answer.
    pub(crate) fn say_unless_asking(&self, text: &str) {
        if self.pending.is_none() && !self.offer_open {
            self.say("notice", text);
        }
    }

    /// Shows a message above the controls (`kind` = "error" or "notice"; empty text hides it).
    pub(crate) fn say(&self, kind: &str, text: &str) {
        self.ui.message.set_class_name(&format!("message {kind}"));
        self.ui.message.set_text_content(Some(text));
    }

    /// Selects the unit shown in the detail panel.
    pub(crate) fn select_unit(&mut self, unit: usize) {
        if unit < self.params.hidden && unit != self.panels.selected {
            self.panels.selected = unit;
            self.last_readout = f64::NEG_INFINITY;
        }
    }

    /// Redraws the whole-image panel on the next frame (after paint, an object or noise).
    pub(crate) fn test_image_changed(&mut self) {
        self.last_slow_readout = f64::NEG_INFINITY;
    }

    /// The filter grid view (for hover hit-testing).
    pub(crate) fn filter_view(&self) -> &FilterView {
        &self.filters
    }

    /// Downloads the filter grid (PNG), the cost curves (SVG) or the metric history (CSV).
    pub(crate) fn export(&self, what: &str) {
        let result = match what {
            "png" => download::download_canvas_png(self.filters.canvas(), "sae-lab-filters.png"),
            "svg" => loss::loss_svg(
                self.history().points(),
                &self.trainer.model_at(self.panels.lane()).penalty_names().join(" + "),
                1000,
                400,
            )
            .map_err(js)
            .and_then(|svg| download::download_text("sae-lab-cost.svg", "image/svg+xml", &svg)),
            _ => download::download_text("sae-lab-history.csv", "text/csv", &history_csv(self.history().points())),
        };
        if let Err(e) = result {
            self.say("error", &format!("The export failed: {}. Nothing was changed.", dom::describe(&e)));
        }
    }

    /// The trainer (read-only), for readouts and tests.
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The cost history of the lane the readouts follow.
    pub fn history(&self) -> &LossHistory {
        &self.histories[self.panels.lane()]
    }

    /// Every setting in force.
    pub fn params(&self) -> &Params {
        &self.params
    }
}
