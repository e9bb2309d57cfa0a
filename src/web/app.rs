//! The app: owns the session (training), the settings, the views and the controls. Event
//! handlers (see [`super::events`]) call the app's commands ([`App::apply`],
//! [`App::step_once`], loads and uploads). Training itself runs only in [`App::frame`], once
//! per animation frame, through [`Session::tick`]: a Step asks the session for a step and the
//! next frame takes it. A rebuild still makes new pictures inside the handler (the worker
//! issue moves that behind the session too).

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
use super::view::loss::{self, ChartData, LaneCurves, LossView};
use super::view::{diagram::DiagramView, download, filters::FilterView, lanes::LanesView};
use super::{events, markup, persist};
use crate::data::{prepare, Dataset, Image, PatchSampler};
use crate::history::LossHistory;
use crate::readouts::code_kind::display_levels;
use crate::readouts::{history_csv, CsvLane, VerdictLevel};
use crate::session::{Event, Session};
use crate::state::{from_hash, saved, to_hash, Change, Layout, Params};
use crate::train::Trainer;

/// Milliseconds of training per animation frame: with drawing (~2 ms) a frame stays well
/// under 20 ms, so the page keeps animating smoothly.
pub const TRAIN_BUDGET_MS: f64 = 10.0;
/// Milliseconds of training in a frame that also redraws the readouts.
const READOUT_FRAME_BUDGET_MS: f64 = 3.0;
/// Redraw interval of the loss chart and readouts (plotters redraws axes and labels each time).
const READOUT_MS: f64 = 250.0;
/// Redraw interval of the whole-image reconstruction.
const SLOW_READOUT_MS: f64 = 1000.0;
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

/// Application state.
pub struct App {
    /// Training: the trainer, its histories, pacing and the shown patch.
    session: Session,
    /// The pictures the trainer and the held-out set come from, and what they were made for.
    data: Pictures,
    /// The user's uploaded pictures in grey (not whitened), for "your pictures".
    own: Vec<Image>,
    /// Counts uploads, so new pictures are never mistaken for the ones in use.
    own_generation: u32,
    params: Params,
    /// The question on screen, if any: one at a time, a new one replaces the old.
    question: Option<Question>,
    /// The URL hash lags the settings (written at most every READOUT_MS: browsers rate-limit
    /// replaceState, and a dragged slider fires dozens of changes a second).
    hash_dirty: bool,
    pub(crate) form: SettingsForm,
    last_autosave: f64,
    /// The cost chart shows every step and term on one log axis instead of the fitted view.
    loss_full: bool,
    /// A copy of the session's shown patch (n×1), taken when it changes.
    shown: DMatrix<f32>,
    /// The shown patch's code (h×1) and reconstruction (n×1), reused every frame.
    shown_code: DMatrix<f32>,
    shown_recon: DMatrix<f32>,
    /// The shown code as node opacities in [0, 1] (see `readouts::code_kind`).
    shown_levels: Vec<f32>,
    last_readout: f64,
    /// The readout panels are drawn on this frame (the one after the cost chart).
    panels_next: bool,
    last_slow_readout: f64,
    pub(crate) ui: Ui,
    filters: FilterView,
    /// The first lane's filters, reused every frame.
    filter_rows: DMatrix<f32>,
    lanes: LanesView,
    diagram: DiagramView,
    loss: LossView,
    pub(crate) panels: Panels,
}

/// What the page is asking. Anything that would discard the trained model asks first, with
/// the same two buttons ("confirm-restart", "cancel-restart"); the offer of a kept model has
/// its own.
enum Question {
    /// A new shape or data stream typed in the form; the answer keeps the live settings in
    /// force by then.
    Shape(Params),
    /// A preset or a "Try this": that whole experiment, from new random weights (its one-liner
    /// describes a fresh run).
    Experiment(Params),
    /// Pictures just uploaded, with the shape asked for (kept apart, so that "keep the current
    /// model" also keeps the current pictures).
    Pictures(Params, Vec<Image>),
    /// "Continue where you left off?": until it is answered, autosave must not overwrite the
    /// kept model.
    Offer,
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
        question: None,
        hash_dirty: true,
        last_autosave: dom::now_ms(),
        panels: Panels::new(root, &trainer, &data.held_out)?,
        filters: FilterView::new(find::<HtmlCanvasElement>(root, "#filters")?)?,
        filter_rows: DMatrix::zeros(0, 0),
        lanes: LanesView::new(root)?,
        diagram: DiagramView::new(find::<HtmlCanvasElement>(root, "#diagram")?)?,
        loss: LossView::new(find::<HtmlCanvasElement>(root, "#loss")?)?,
        session: new_session(trainer, display, &params),
        data,
        own: Vec::new(),
        own_generation: 0,
        params,
        loss_full: false,
        shown: DMatrix::zeros(n, 1),
        shown_code: DMatrix::zeros(hidden, 1),
        shown_recon: DMatrix::zeros(n, 1),
        shown_levels: Vec::with_capacity(hidden),
        last_readout: f64::NEG_INFINITY,
        panels_next: false,
        last_slow_readout: f64::NEG_INFINITY,
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

/// A paused session of `trainer` paced as `params` say.
fn new_session(trainer: Trainer, display: PatchSampler, params: &Params) -> Session {
    let mut session = Session::new(trainer, display);
    session.set_pacing(params.stop_after, params.step_ms);
    session
}

/// Every lane's curves for the cost chart: its model's name, penalty names and history.
fn chart_lanes(session: &Session) -> Vec<LaneCurves<'_>> {
    let trainer = session.trainer();
    (0..trainer.lanes())
        .map(|i| LaneCurves {
            name: trainer.lane_config(i).spec.name,
            penalty_names: trainer.model_at(i).penalty_names(),
            points: session.history(i).points(),
        })
        .collect()
}

fn display_sampler(images: &[Image], params: &Params) -> Result<PatchSampler, JsValue> {
    PatchSampler::new(images.to_vec(), params.patch, params.seed ^ 0x0D15_B1A7).map_err(js)
}

impl App {
    /// One animation frame: a time-budgeted slice of training, then the views.
    pub fn frame(&mut self, now: f64) -> Result<(), JsValue> {
        let readout_due = now - self.last_readout >= READOUT_MS;
        let panels = &mut self.panels;
        let followed = panels.lane();
        // frames that redraw the readouts (4 a second) or the whole image (once a second) spend
        // several ms drawing, more with two models: they train for less, so they stay in budget
        let slow_due = now - self.last_slow_readout >= SLOW_READOUT_MS;
        let drawing = readout_due || self.panels_next || slow_due;
        let budget = if drawing { READOUT_FRAME_BUDGET_MS } else { TRAIN_BUDGET_MS };
        let tick = self.session.tick(now, &mut dom::now_ms, budget, followed, &mut |trainer| {
            panels.observe(trainer);
            // the held-out cost is sampled when the chart is about to be redrawn
            if readout_due {
                panels.held_out_cost(trainer)
            } else {
                f32::NAN
            }
        });
        match tick.event {
            Some(Event::Stopped(steps)) => {
                self.show_running();
                // an open question (restart? keep the model?) keeps its buttons: the pause says itself
                if self.question.is_none() {
                    self.say("notice", &format!("Stopped after {steps} steps, as set in \"stop after\"."));
                }
            }
            Some(Event::Diverged(d)) => {
                self.show_running();
                self.say("error", &d.to_string());
            }
            None => {}
        }
        if tick.steps > 0 && !self.session.running() {
            // a Step: every readout shows its result now
            self.last_readout = f64::NEG_INFINITY;
        }
        if tick.new_patch {
            self.shown.clone_from(self.session.shown());
        }
        if readout_due {
            self.flush_hash();
        }
        if self.session.running() && now - self.last_autosave >= AUTOSAVE_MS {
            self.autosave();
            self.last_autosave = now;
        }
        let readout_due = readout_due || self.last_readout == f64::NEG_INFINITY;
        self.draw(now, readout_due)
    }

    /// Points every readout panel, the diagram and the cost chart at lane `lane`.
    pub(crate) fn follow_lane(&mut self, lane: usize) {
        self.panels.follow(self.session.trainer(), lane);
        self.last_readout = f64::NEG_INFINITY;
        self.last_slow_readout = f64::NEG_INFINITY;
    }

    /// One training step (the Step button and →): pauses, and the next frame trains it.
    pub fn step_once(&mut self) {
        self.session.request_steps(1);
        self.show_running();
    }

    /// Draws every frame's views; with `chart_due` the cost chart, and on the frame after it
    /// the readout panels and the status line (one frame could not hold both with two models:
    /// about 6 and 9 ms); the whole image on a frame with neither (or late, on a chart frame).
    fn draw(&mut self, now: f64, chart_due: bool) -> Result<(), JsValue> {
        let p = self.params.patch;
        let panels_due = std::mem::replace(&mut self.panels_next, chart_due);
        self.session.trainer().model().filters_into(&mut self.filter_rows);
        self.filters.draw(&self.filter_rows, p)?;
        self.lanes.draw(self.session.trainer_mut(), self.shown.as_slice(), panels_due)?;
        let (model, ctx) = self.session.trainer_mut().model_ctx_mut(self.panels.lane());
        model.encode(&self.shown, &ctx, &mut self.shown_code);
        model.decode(&self.shown_code, &mut self.shown_recon);
        display_levels(model.code_kind(), self.shown_code.as_slice(), &mut self.shown_levels);
        let (hidden, recon) = (self.shown_levels.as_slice(), self.shown_recon.as_slice());
        self.diagram.draw(self.shown.as_slice(), hidden, recon, p)?;
        if chart_due {
            let lanes = chart_lanes(&self.session);
            self.loss.draw(&ChartData { lanes: &lanes, followed: self.panels.lane(), full: self.loss_full })?;
            self.last_readout = now;
        }
        if panels_due {
            let verdict = self.panels.draw(
                self.session.trainer(),
                self.params.data,
                self.params.rho as f32,
                self.shown.as_slice(),
                recon,
            )?;
            let formed = verdict.level == VerdictLevel::Formed;
            if formed {
                self.session.note_formed();
            }
            self.update_status(now, verdict.edge_units, verdict.units, formed);
        } else if now - self.last_slow_readout >= SLOW_READOUT_MS * if chart_due { 2.0 } else { 1.0 } {
            // not on a chart frame, unless frames are so slow that it would starve
            self.panels.draw_slow(self.session.trainer_mut())?;
            self.last_slow_readout = now;
        }
        Ok(())
    }

    /// The status line; "formed at" only while the edges are there (they can fade again).
    fn update_status(&mut self, now: f64, edge_units: usize, units: usize, formed_now: bool) {
        let steps = self.session.trainer().steps();
        let per_second = self.session.steps_per_second(now);
        let cost = self.history().last().map(|p| format!(" · cost {:.3}", p.total)).unwrap_or_default();
        let rate = if self.session.running() { format!(" · {per_second:.0} steps/s") } else { " · paused".into() };
        let formed = match self.session.edges_at() {
            Some((s, t)) if formed_now => format!(" (formed at step {s}, {t:.1} s)"),
            Some((s, _)) => format!(" (had formed at step {s})"),
            None => String::new(),
        };
        // an "epoch" = as many patches as there are distinct patch positions in the pictures
        let p = self.params.patch;
        let positions = self.data.train.iter().map(|i| ((i.width + 1 - p) * (i.height + 1 - p)) as f64).sum::<f64>();
        let epochs = steps as f64 * self.params.batch as f64 / positions;
        let elapsed = self.session.trained_seconds();
        self.ui.status.set_text_content(Some(&format!(
            "step {steps}{rate}{cost} · {epochs:.2} epochs · {elapsed:.0} s · edge detectors {edge_units}/{units}{formed}"
        )));
    }

    /// Starts or pauses training.
    pub fn set_running(&mut self, running: bool) {
        if running {
            self.session.play();
        } else {
            self.session.pause();
        }
        // a new start makes an old error (e.g. divergence) stale; notices and questions stay
        if running && self.ui.message.class_name().contains("error") {
            self.say("", "");
        }
        self.show_running();
    }

    /// The Play button and the status line say whether training runs.
    fn show_running(&mut self) {
        let running = self.session.running();
        self.ui.play.set_text_content(Some(if running { "Pause" } else { "Play" }));
        self.ui.play.set_attribute("aria-pressed", if running { "true" } else { "false" }).ok();
        self.ui.play.set_attribute("aria-label", if running { "Pause training" } else { "Start training" }).ok();
        self.last_readout = f64::NEG_INFINITY; // refresh the status line now
    }

    /// Starts training on page load, unless the page is asking whether to continue a kept
    /// model (a fresh run would compete with the answer).
    pub fn autostart(&mut self) {
        if !self.offer_open() {
            self.set_running(true);
        }
    }

    /// Whether training is running.
    pub fn running(&self) -> bool {
        self.session.running()
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
        self.shown = DMatrix::zeros(n, 1);
        self.shown_code = DMatrix::zeros(next.hidden, 1);
        self.shown_recon = DMatrix::zeros(n, 1);
        // a new run keeps playing or stays paused as the old one did
        let running = self.session.running();
        self.session = new_session(trainer, display, &next);
        if running {
            self.session.play();
        }
        self.params = next;
        self.question = None;
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
                    let trainer = self.session.trainer_mut();
                    trainer.set_hyper(valid);
                    trainer.set_optimizer(next.optimizer);
                    for (i, lane) in next.lanes().iter().enumerate() {
                        trainer.set_knobs(i, &lane.knobs);
                        trainer.set_noise(i, lane.noise);
                    }
                    self.session.set_pacing(next.stop_after, next.step_ms);
                    self.params = next;
                    if self.question.as_ref().is_some_and(|q| !matches!(q, Question::Offer)) {
                        self.question = None;
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
            self.question = Some(Question::Shape(next));
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

    /// The answer to "restart?": a shape asked for comes on top of whatever live settings
    /// are in force now, and the new run plays or stays paused as the old one did (a pause
    /// is the user's); a preset is its whole experiment, and it starts training.
    pub(crate) fn resolve_pending(&mut self, restart: bool) {
        match self.question.take() {
            Some(Question::Shape(shape)) if restart => self.rebuild(self.params.with_shape_of(&shape)),
            Some(Question::Pictures(shape, pictures)) if restart => {
                self.own = pictures;
                self.own_generation += 1;
                self.form.set_own_pictures(self.own.len());
                self.rebuild(self.params.with_shape_of(&shape))
            }
            Some(Question::Experiment(next)) if restart => {
                self.rebuild(next);
                self.set_running(true);
            }
            Some(Question::Offer) => self.question = Some(Question::Offer),
            _ => {
                self.form.write(&self.params);
                self.say("", "");
            }
        }
    }

    /// A preset or a "Try this" (`name`): its whole experiment from new random weights, since
    /// that is what its one-liner describes. A model that has trained is discarded only after
    /// asking, with the same question as a new shape.
    pub(crate) fn propose_experiment(&mut self, next: Params, name: &str) {
        let steps = self.session.trainer().steps();
        if steps == 0 {
            self.rebuild(next);
            self.set_running(true);
            return;
        }
        self.form.write(&next);
        self.question = Some(Question::Experiment(next));
        self.say_with_actions(
            "notice",
            &format!(
                "“{name}” trains a new model from new random weights, so that what it shows holds: the current \
                 model (step {steps}) is discarded."
            ),
            &[("confirm-restart", "Restart now"), ("cancel-restart", "Keep the current model")],
        );
    }

    /// "Continue where you left off?" is on screen.
    fn offer_open(&self) -> bool {
        matches!(self.question, Some(Question::Offer))
    }

    /// Shows the settings everywhere they appear: controls, hidden panels, layout, the link.
    fn show_params(&mut self) {
        self.form.write(&self.params);
        self.lanes.show(&self.params.models, &self.params.lane_names(), self.panels.lane());
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
        let trainer = self.session.trainer();
        if trainer.steps() > 0 && !self.offer_open() {
            persist::save_last_model(&saved::save(&self.params, trainer.steps(), trainer.model()));
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
        self.question = Some(Question::Offer);
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
        if self.offer_open() {
            self.question = None;
        }
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
            self.question = None;
            self.form.write(&self.params);
            let why = if refused.is_empty() { "no file was chosen.".to_string() } else { refused };
            self.say("error", &format!("No picture could be used: {why} The current data and model are unchanged."));
            return;
        }
        let count = images.len();
        // this question replaces any open one: a shape typed before is kept in it, and an
        // unanswered "continue where you left off?" is dropped (autosave resumes)
        let base = match self.question.take() {
            Some(Question::Shape(shape) | Question::Pictures(shape, _)) => shape,
            _ => self.params.clone(),
        };
        self.question = Some(Question::Pictures(Params { data: Dataset::Own, ..base }, images));
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
        let trainer = self.session.trainer();
        let json = saved::save(&self.params, trainer.steps(), trainer.model());
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
        if self.question.is_none() {
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
            "svg" => {
                // the chart as on screen: same data, view and size
                let lanes = chart_lanes(&self.session);
                let data = ChartData { lanes: &lanes, followed: self.panels.lane(), full: self.loss_full };
                let canvas = self.loss.canvas();
                loss::loss_svg(&data, canvas.width(), canvas.height())
                    .map_err(js)
                    .and_then(|svg| download::download_text("sae-lab-cost.svg", "image/svg+xml", &svg))
            }
            _ => {
                let trainer = self.session.trainer();
                let lanes: Vec<CsvLane> = (0..trainer.lanes())
                    .map(|i| CsvLane {
                        key: trainer.lane_config(i).spec.key,
                        penalty_names: trainer.model_at(i).penalty_names(),
                        points: self.session.history(i).points(),
                    })
                    .collect();
                download::download_text("sae-lab-history.csv", "text/csv", &history_csv(&lanes))
            }
        };
        if let Err(e) = result {
            self.say("error", &format!("The export failed: {}. Nothing was changed.", dom::describe(&e)));
        }
    }

    /// The trainer (read-only), for readouts and tests.
    pub fn trainer(&self) -> &Trainer {
        self.session.trainer()
    }

    /// Switches the cost chart between the fitted view and the full log view (redrawn now).
    pub fn set_loss_full(&mut self, full: bool) {
        self.loss_full = full;
        self.last_readout = f64::NEG_INFINITY;
    }

    /// Whether the cost chart shows the full log view.
    pub fn loss_full(&self) -> bool {
        self.loss_full
    }

    /// The cost history of lane `lane` (empty beyond the lanes in use).
    pub fn history_of(&self, lane: usize) -> &LossHistory {
        self.session.history(lane)
    }

    /// The cost history of the lane the readouts follow.
    pub fn history(&self) -> &LossHistory {
        self.session.history(self.panels.lane())
    }

    /// Every setting in force.
    pub fn params(&self) -> &Params {
        &self.params
    }
}
