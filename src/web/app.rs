//! The app: owns the session's host (training), the settings, the views and the controls.
//! Event handlers (see [`super::events`]) call the app's commands ([`App::apply`],
//! [`App::step_once`], loads and uploads), which become session [`Command`]s.
//!
//! Training runs in a Web Worker ([`WorkerLink`]): every command goes to the worker and to
//! the page's own host alike, so the page holds a mirror of the worker's session, and
//! [`App::frame`] brings it up to date from one snapshot per frame and draws. Where no worker
//! can start (or it fails), the page's own session trains instead, a slice per frame, through
//! [`crate::session::Session::tick`]. A rebuild still makes new pictures inside the handler.

use std::cell::RefCell;
use std::rc::Rc;

use nalgebra::DMatrix;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement};

use super::camera::{Camera, Feed, FRAMES_KEPT};
use super::classify::ClassifyPanel;
use super::dom::{self, find};
use super::latent::LatentPanel;
use super::panels::Panels;
use super::settings::{same_experiment, SettingsForm};
use super::upload::Picture;
use super::view::loss::{self, ChartData, LaneCurves, LossView};
use super::view::{diagram::DiagramView, download, filters::FilterView, lanes::LanesView};
use super::worker_link::{set_training_attr, WorkerLink, NO_LOADER};
use super::{markup, persist};
use crate::data::{Dataset, Image};
use crate::history::LossHistory;
use crate::readouts::code_kind::display_levels;
use crate::readouts::{history_csv, CsvLane, VerdictLevel};
use crate::session::{Command, Event, Host, OwnPictures, Session, Tick};
use crate::state::{from_hash, saved, to_hash, Change, Layout, Params};
use crate::train::Trainer;

/// Milliseconds of training per animation frame: with drawing (~2 ms) a frame stays well
/// under 20 ms, so the page keeps animating smoothly.
pub const TRAIN_BUDGET_MS: f64 = 10.0;
/// Milliseconds of training in a frame that also redraws the readouts.
const READOUT_FRAME_BUDGET_MS: f64 = 3.0;
/// Steps per second from which the page carries on training on its own thread when the
/// worker fails mid-run (a step of at most 33 ms keeps its frames answering).
const CARRY_ON_STEPS_PER_S: f64 = 30.0;
/// Redraw interval of the loss chart and readouts (plotters redraws axes and labels each time).
const READOUT_MS: f64 = 250.0;
/// Redraw interval of the whole-image reconstruction.
const SLOW_READOUT_MS: f64 = 1000.0;
/// How often the latest model is written to the browser's storage while training.
const AUTOSAVE_MS: f64 = 5000.0;

/// The controls the app reads and writes besides the settings form.
pub(crate) struct Ui {
    pub play: HtmlButtonElement,
    pub status: HtmlElement,
    pub message: HtmlElement,
    pub load: HtmlInputElement,
    pub camera_live: HtmlButtonElement,
    pub root: Element,
}

/// Application state.
pub struct App {
    /// Training: the session (trainer, histories, pacing, trackers, the shown patch) and the
    /// pictures; a mirror of the worker's while one trains.
    host: Host,
    /// The training worker; `None` when the page trains on its own thread.
    worker: Option<WorkerLink>,
    /// The webcam, while a question about it is open or training follows it.
    feed: Feed,
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
    /// The convolutional model's panel is drawn on this frame (the one after the slow
    /// readouts: one frame could not hold both, 15–25 ms of wasm each).
    conv_next: bool,
    pub(crate) ui: Ui,
    filters: FilterView,
    /// The first lane's filters, reused every frame.
    filter_rows: DMatrix<f32>,
    lanes: LanesView,
    diagram: DiagramView,
    loss: LossView,
    pub(crate) panels: Panels,
    /// The digits' classifier table.
    pub(crate) classify: ClassifyPanel,
    /// A VAE's latent space.
    latent: LatentPanel,
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
    /// Pictures just uploaded or taken, with the shape asked for (kept apart, so that "keep
    /// the current model" also keeps the current pictures); with `true`, training then follows
    /// the camera.
    Pictures(Params, Vec<Image>, bool),
    /// "Continue where you left off?": until it is answered, autosave must not overwrite the
    /// kept model.
    Offer,
}

/// Builds the app's DOM inside `root` and creates the session ([`super::mount`] then wires
/// the events).
pub fn build(root: &Element) -> Result<Rc<RefCell<App>>, JsValue> {
    root.set_inner_html(&markup::html());
    let ui = Ui {
        play: find(root, "#play")?,
        status: find(root, "#status")?,
        message: find(root, "#message")?,
        load: find(root, "#load")?,
        camera_live: find(root, "#camera-live")?,
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
    let host = Host::new(&params).map_err(js)?;
    // the worker builds the same session; until it can, or if it cannot, the page trains
    let worker = WorkerLink::start().map(|mut w| {
        w.send(&Command::build(&params, None, false));
        w
    });
    let (n, hidden) = (params.patch * params.patch, params.hidden);
    let mut app = App {
        form: SettingsForm::new(root)?,
        question: None,
        hash_dirty: true,
        last_autosave: dom::now_ms(),
        panels: Panels::new(root, host.session())?,
        classify: ClassifyPanel::new(root)?,
        latent: LatentPanel::new(root)?,
        filters: FilterView::new(find::<HtmlCanvasElement>(root, "#filters")?)?,
        filter_rows: DMatrix::zeros(0, 0),
        lanes: LanesView::new(root)?,
        diagram: DiagramView::new(find::<HtmlCanvasElement>(root, "#diagram")?)?,
        loss: LossView::new(find::<HtmlCanvasElement>(root, "#loss")?)?,
        host,
        worker: None,
        feed: Feed::default(),
        params,
        loss_full: false,
        shown: DMatrix::zeros(n, 1),
        shown_code: DMatrix::zeros(hidden, 1),
        shown_recon: DMatrix::zeros(n, 1),
        shown_levels: Vec::with_capacity(hidden),
        last_readout: f64::NEG_INFINITY,
        panels_next: false,
        last_slow_readout: f64::NEG_INFINITY,
        conv_next: false,
        ui,
    };
    app.use_worker(worker);
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
    Ok(Rc::new(RefCell::new(app)))
}

/// Why a link or file naming "your pictures" trains on the dead-leaves images instead.
const OWN_NOT_IN_LINK: &str = "data = own asks for uploaded pictures, which a link cannot carry: training on \
     the dead-leaves images instead (upload pictures again with “Use your own pictures…”).";

fn js(msg: String) -> JsValue {
    JsValue::from_str(&msg)
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

impl App {
    /// One animation frame: the worker's latest snapshot taken in (or, without a worker, a
    /// time-budgeted slice of training), then the views.
    pub fn frame(&mut self, now: f64) -> Result<(), JsValue> {
        let readout_due = now - self.last_readout >= READOUT_MS;
        let tick = match self.worker.as_mut() {
            Some(worker) => {
                let tick = match worker.take() {
                    Some(Ok((snap, stale))) => self.host.session_mut().absorb(snap, stale).map_err(js)?,
                    Some(Err(e)) => return Err(js(e)),
                    None => Tick::default(),
                };
                // the readouts come with the snapshot after a chart frame, for the panels frame
                worker.request(readout_due, now);
                if let Some(why) = worker.failed() {
                    self.worker_failed(&why);
                }
                tick
            }
            None => {
                // frames that redraw the readouts (4 a second) or the whole image (once a second)
                // spend several ms drawing, more with two models: they train for less, so they
                // stay in budget
                let slow_due = now - self.last_slow_readout >= SLOW_READOUT_MS;
                let drawing = readout_due || self.panels_next || slow_due || self.conv_next;
                let budget = if drawing { READOUT_FRAME_BUDGET_MS } else { TRAIN_BUDGET_MS };
                self.host.session_mut().tick(now, &mut dom::now_ms, budget)
            }
        };
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
        if tick.steps > 0 && !self.session().running() {
            // a Step: every readout shows its result now
            self.last_readout = f64::NEG_INFINITY;
        }
        if self.host.session_mut().show_patches(now) {
            self.shown.clone_from(self.host.session().shown());
        }
        if let Some(frame) = self.feed.frame_due(now) {
            self.camera_frame(frame);
        }
        if readout_due {
            self.flush_hash();
        }
        if self.session().running() && now - self.last_autosave >= AUTOSAVE_MS {
            self.autosave();
            self.last_autosave = now;
        }
        self.classify.frame(self.host.session_mut());
        let readout_due = readout_due || self.last_readout == f64::NEG_INFINITY;
        self.draw(now, readout_due)
    }

    /// Trains in `worker` from now on, or says why the page trains on its own thread.
    fn use_worker(&mut self, worker: Result<WorkerLink, String>) {
        match worker {
            Ok(w) => {
                self.worker = Some(w);
                set_training_attr("starting");
            }
            Err(why) => self.worker_failed(&why),
        }
    }

    /// The worker cannot go on: the page's mirror, which holds the latest weights, trains
    /// from here, on the page's own thread.
    /// The worker's failure mid-run: the page carries on training on its own thread from the
    /// latest weights if the worker was taking at least [`CARRY_ON_STEPS_PER_S`] steps a second
    /// (slices of a frame stay short), and pauses otherwise.
    fn worker_failed(&mut self, why: &str) {
        let link = self.worker.take();
        set_training_attr("page");
        if let Some(body) = dom::document().body() {
            body.set_attribute("data-worker-problem", why).ok();
        }
        let per_second = self.host.session_mut().steps_per_second(dom::now_ms());
        if link.as_ref().is_some_and(|l| l.answered()) && self.session().running() && per_second < CARRY_ON_STEPS_PER_S
        {
            // its steps were slow enough to stall this thread's frames: the page keeps the
            // latest model it was sent, paused, and the user chooses
            self.set_running(false);
            let steps = self.session().trainer().steps();
            self.say(
                "error",
                &format!(
                    "The training worker stopped ({why}). Training is paused at step {steps}, with its model and \
                     settings; Play trains on the page's own thread, which answers slowly at these sizes."
                ),
            );
            return;
        }
        // a test page (no loader) has nothing to report; a real failure is said once
        if link.is_some() || why != NO_LOADER {
            self.say_unless_asking(&format!(
                "Training runs on the page's own thread ({why}), so the page may answer more slowly at large sizes."
            ));
        }
    }

    /// The session (a mirror of the worker's while one trains).
    fn session(&self) -> &Session {
        self.host.session()
    }

    /// Applies `command` to the page's session and sends it to the worker. On an error
    /// nothing changed on either side.
    fn command(&mut self, command: Command) -> Result<(), String> {
        self.host.apply(command.clone())?;
        if let Some(worker) = &mut self.worker {
            worker.send(&command);
        }
        Ok(())
    }

    /// Points every readout panel, the diagram and the cost chart at lane `lane`.
    pub(crate) fn follow_lane(&mut self, lane: usize) {
        self.command(Command::Follow(lane)).ok();
        self.panels.follow(self.host.session());
        self.last_readout = f64::NEG_INFINITY;
        self.last_slow_readout = f64::NEG_INFINITY;
    }

    /// One training step (the Step button and →): pauses, and the next frame trains it.
    pub fn step_once(&mut self) {
        self.command(Command::Steps(1)).ok();
        self.show_running();
    }

    /// Draws every frame's views; with `chart_due` the cost chart, and on the frame after it
    /// the readout panels and the status line (one frame could not hold both with two models:
    /// about 6 and 9 ms); the whole image on a frame with neither (or late, on a chart frame).
    fn draw(&mut self, now: f64, chart_due: bool) -> Result<(), JsValue> {
        let p = self.params.patch;
        let panels_due = std::mem::replace(&mut self.panels_next, chart_due);
        if panels_due && self.worker.is_none() {
            // (a worker's session sends them with its snapshot)
            self.host.session_mut().refresh_readouts();
        }
        self.host.session().trainer().model().filters_into(&mut self.filter_rows);
        self.filters.draw(&self.filter_rows, p)?;
        let session = self.host.session_mut();
        // a few numbers, copied only when drawn
        let diagnostics = if panels_due { session.readouts().diagnostics.clone() } else { Vec::new() };
        self.lanes.draw(session.trainer_mut(), &diagnostics, self.shown.as_slice(), panels_due)?;
        let followed = session.followed();
        let (model, ctx) = session.trainer_mut().model_ctx_mut(followed);
        model.encode(&self.shown, &ctx, &mut self.shown_code);
        model.decode(&self.shown_code, &mut self.shown_recon);
        display_levels(model.code_kind(), self.shown_code.as_slice(), &mut self.shown_levels);
        let (hidden, recon) = (self.shown_levels.as_slice(), self.shown_recon.as_slice());
        self.diagram.draw(self.shown.as_slice(), hidden, recon, p)?;
        if chart_due {
            let lanes = chart_lanes(self.host.session());
            self.loss.draw(&ChartData { lanes: &lanes, followed, full: self.loss_full })?;
            self.last_readout = now;
        }
        if panels_due {
            let verdict = self.panels.draw(
                self.host.session(),
                self.params.data,
                self.params.rho as f32,
                self.shown.as_slice(),
                recon,
            )?;
            let formed = verdict.level == VerdictLevel::Formed;
            self.host.session_mut().note_verdict(formed);
            self.update_status(now, verdict.edge_units, verdict.units, formed);
        } else if std::mem::take(&mut self.conv_next) {
            self.panels.draw_conv(self.host.session())?;
        } else if now - self.last_slow_readout >= SLOW_READOUT_MS * if chart_due { 2.0 } else { 1.0 } {
            // not on a chart frame, unless frames are so slow that it would starve
            self.panels.draw_slow(self.host.session_mut())?;
            self.latent.draw(self.host.session_mut(), self.params.data)?;
            self.conv_next = true;
            self.last_slow_readout = now;
        }
        Ok(())
    }

    /// The status line; "formed at" only while the edges are there (they can fade again).
    fn update_status(&mut self, now: f64, edge_units: usize, units: usize, formed_now: bool) {
        let steps = self.session().trainer().steps();
        let per_second = self.host.session_mut().steps_per_second(now);
        let cost = self.history().last().map(|p| format!(" · cost {:.3}", p.total)).unwrap_or_default();
        let elapsed = self.session().trained_seconds();
        let rate = match self.session().running() {
            // steps of seconds (the convolutional autoencoder at the largest sizes) read as such
            true if per_second < 1.0 && steps > 0 && elapsed >= steps as f64 => {
                format!(" · {:.1} s per step", elapsed / steps as f64)
            }
            true => format!(" · {per_second:.0} steps/s"),
            false => " · paused".into(),
        };
        let formed = match self.session().edges_at() {
            Some((s, t)) if formed_now => format!(" (formed at step {s}, {t:.1} s)"),
            Some((s, _)) => format!(" (had formed at step {s})"),
            None => String::new(),
        };
        // an "epoch" = as many patches as there are distinct patch positions in the pictures
        let p = self.params.patch;
        let positions =
            self.host.pictures().train.iter().map(|i| ((i.width + 1 - p) * (i.height + 1 - p)) as f64).sum::<f64>();
        let epochs = steps as f64 * self.params.batch as f64 / positions;
        self.ui.status.set_text_content(Some(&format!(
            "step {steps}{rate}{cost} · {epochs:.2} epochs · {elapsed:.0} s · edge detectors {edge_units}/{units}{formed}"
        )));
    }

    /// Starts or pauses training.
    pub fn set_running(&mut self, running: bool) {
        self.command(if running { Command::Play } else { Command::Pause { at: dom::epoch_ms() } }).ok();
        // a new start makes an old error (e.g. divergence) stale; notices and questions stay
        if running && self.ui.message.class_name().contains("error") {
            self.say("", "");
        }
        self.show_running();
    }

    /// The Play button and the status line say whether training runs.
    fn show_running(&mut self) {
        let running = self.session().running();
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
        self.session().running()
    }

    /// New random weights from the same seed and settings; history cleared.
    pub fn reset(&mut self) {
        self.rebuild(self.params.clone());
    }

    /// A new run for `next` (a new shape restarts training), playing or paused as the old
    /// one was (a pause is the user's); the current model is kept if that fails, and the
    /// page says why.
    fn rebuild(&mut self, next: Params) {
        let play = self.session().running();
        match self.install(next, play, None, None) {
            Ok(()) => self.say("", ""),
            Err(e) => self.say("error", &format!("Restart failed: {e}. The current model is kept.")),
        }
    }

    /// Makes a new session for `next` the current run, playing if `play`: from new random
    /// weights, or from the model file `saved`, on the user's new pictures `own` if given.
    /// The host builds it whole before it replaces anything, so on error the current model
    /// and settings stay as they are.
    fn install(
        &mut self,
        next: Params,
        play: bool,
        own: Option<OwnPictures>,
        saved: Option<String>,
    ) -> Result<(), String> {
        let pictures_before = self.host.pictures().train.clone();
        self.command(Command::Build { link: to_hash(&next), own, play, saved })?;
        let new_data = !Rc::ptr_eq(&pictures_before, &self.host.pictures().train);
        self.panels.restart(self.host.session(), new_data);
        self.classify.clear();
        let n = next.patch * next.patch;
        self.shown = DMatrix::zeros(n, 1);
        self.shown_code = DMatrix::zeros(next.hidden, 1);
        self.shown_recon = DMatrix::zeros(n, 1);
        self.params = next;
        self.question = None;
        self.last_readout = f64::NEG_INFINITY;
        self.last_slow_readout = f64::NEG_INFINITY;
        self.show_params();
        self.show_running();
        Ok(())
    }

    /// Applies settings now: live ones act on the next step, a new shape restarts training.
    pub fn apply(&mut self, next: Params) {
        match next.change_from(&self.params) {
            Change::None => {}
            Change::Rebuild => self.rebuild(next),
            Change::Live => match self.command(Command::live(&next)) {
                Ok(()) => {
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
            self.ask_restart(
                "These settings change the network's shape or data stream: training restarts from new random \
                 weights and the current model is discarded.",
                &notices,
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
            Some(Question::Pictures(shape, pictures, camera)) if restart => {
                let own = OwnPictures::new(self.host.own().1 + 1, &pictures);
                let play = self.session().running();
                match self.install(self.params.with_shape_of(&shape), play, Some(own), None) {
                    Ok(()) => {
                        self.form.set_own_pictures(pictures.len());
                        self.say("", "");
                        if camera {
                            self.feed.go_live(dom::now_ms());
                        }
                    }
                    Err(e) => self.say("error", &format!("Restart failed: {e}. The current model is kept.")),
                }
                self.feed.stop_unless_live();
                self.show_camera();
            }
            Some(Question::Experiment(next)) if restart => self.start_experiment(next),
            Some(Question::Offer) => self.question = Some(Question::Offer),
            _ => {
                self.form.write(&self.params);
                self.say("", "");
                self.feed.stop_unless_live();
            }
        }
    }

    /// A new link pasted into this tab's address bar (only the hash changed, so the page did
    /// not reload): its live settings apply at once; another experiment is proposed with the
    /// same question as a preset, since it discards the trained model.
    pub(crate) fn on_link_change(&mut self) {
        let hash = persist::read_hash();
        if hash == to_hash(&self.params) {
            return; // the page's own address
        }
        let (mut next, mut notices) = from_hash(&hash);
        if next.data == Dataset::Own && self.host.own().0.is_empty() {
            next.data = Dataset::Natural;
            notices.push(OWN_NOT_IN_LINK.to_string());
        }
        let steps = self.session().trainer().steps();
        match next.change_from(&self.params) {
            Change::Rebuild if steps > 0 => {
                self.form.write(&next);
                self.question = Some(Question::Experiment(next));
                self.ask_restart(
                    &format!(
                        "The new link sets up another experiment: it trains from new random weights, and the \
                         current model (step {steps}) is discarded."
                    ),
                    &notices,
                );
                // until answered, the address shows the experiment that is running
                self.hash_dirty = true;
                return;
            }
            Change::Rebuild => self.start_experiment(next),
            _ => self.apply(next),
        }
        if !notices.is_empty() {
            self.say("notice", &format!("Some settings in the link were changed: {}", notices.join(" ")));
        }
    }

    /// The restart question (one for every way a model can be discarded): `why`, then any
    /// `notices` about clamped settings, with "Restart now" and "Keep the current model".
    fn ask_restart(&self, why: &str, notices: &[String]) {
        let clamped = if notices.is_empty() { String::new() } else { format!(" {}", notices.join(" ")) };
        self.say_with_actions(
            "notice",
            &format!("{why}{clamped}"),
            &[("confirm-restart", "Restart now"), ("cancel-restart", "Keep the current model")],
        );
    }

    /// A preset or a "Try this" (`name`): its whole experiment from new random weights, since
    /// that is what its one-liner describes. A model that has trained is discarded only after
    /// asking, with the same question as a new shape.
    pub(crate) fn propose_experiment(&mut self, next: Params, name: &str) {
        let steps = self.session().trainer().steps();
        if steps == 0 {
            self.start_experiment(next);
            return;
        }
        self.form.write(&next);
        self.question = Some(Question::Experiment(next));
        self.ask_restart(
            &format!(
                "“{name}” trains a new model from new random weights, so that what it shows holds: the current \
                 model (step {steps}) is discarded."
            ),
            &[],
        );
    }

    /// A preset's or a "Try this"'s whole experiment, playing.
    fn start_experiment(&mut self, next: Params) {
        match self.install(next, true, None, None) {
            Ok(()) => self.set_running(true),
            Err(e) => self.say("error", &format!("Restart failed: {e}. The current model is kept.")),
        }
    }

    /// "Continue where you left off?" is on screen.
    fn offer_open(&self) -> bool {
        matches!(self.question, Some(Question::Offer))
    }

    /// Shows the settings everywhere they appear: controls, hidden panels, layout, the link.
    fn show_params(&mut self) {
        self.form.write(&self.params);
        self.classify.show(self.params.data == Dataset::Digits);
        self.lanes.show(&self.params.models, &self.params.lane_names(), self.session().followed());
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
        let trainer = self.session().trainer();
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
        let loaded = saved::load(text).map_err(|e| e.to_string()).and_then(|(params, steps, _)| {
            let mut params = Params { hide: self.params.hide.clone(), layout: self.params.layout, ..params };
            if params.data == Dataset::Own && self.host.own().0.is_empty() {
                params.data = Dataset::Natural;
                note = " It was trained on its owner's pictures, which the file does not hold: it continues on the \
                        dead-leaves images.";
            } else if params.data == Dataset::Own {
                note = " It continues on the pictures you uploaded.";
            }
            self.install(params, false, None, Some(text.to_string()))?;
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
        self.offer_pictures(results, false);
    }

    /// [`App::use_pictures`]; with `camera`, confirming makes the camera the data stream.
    fn offer_pictures(&mut self, results: Vec<Result<Picture, String>>, camera: bool) {
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
            Some(Question::Shape(shape) | Question::Pictures(shape, ..)) => shape,
            _ => self.params.clone(),
        };
        self.question = Some(Question::Pictures(Params { data: Dataset::Own, ..base }, images, camera));
        let skipped = if refused.is_empty() { String::new() } else { format!(" Not used: {refused}") };
        let (what, yes) = if camera {
            (
                format!(
                    "Ready to train on the camera: a new frame every second replaces the oldest of the last \
                     {FRAMES_KEPT}, so the filters follow what the camera sees."
                ),
                "Train on the camera",
            )
        } else {
            (
                format!(
                    "Ready to train on your {count} picture{s}: {list}.",
                    s = if count == 1 { "" } else { "s" },
                    list = names.join(", ")
                ),
                "Train on them now",
            )
        };
        self.say_with_actions(
            "notice",
            &format!("{what} Training restarts from new random weights and the current model is discarded.{skipped}"),
            &[("confirm-restart", yes), ("cancel-restart", "Keep the current model")],
        );
    }

    /// The camera opened (or not) for a snapshot, or, with `live`, to become the data stream.
    /// A snapshot joins the user's pictures (the oldest go beyond eight) and training on them
    /// is offered as for uploads; the camera is then closed.
    pub(crate) fn camera_opened(&mut self, camera: Result<Camera, String>, live: bool) {
        let frame = camera.and_then(|c| c.frame().map(|f| (c, f)));
        let (camera, frame) = match frame {
            Ok(x) => x,
            Err(why) => {
                self.say(
                    "error",
                    &format!("Could not use the camera: {why}. The current data and model are unchanged."),
                );
                return;
            }
        };
        self.feed.stop();
        if live {
            self.feed.hold(camera);
            self.offer_pictures(vec![Ok(Picture { name: "the camera".into(), image: frame })], true);
        } else {
            let (own, _) = self.host.own();
            let keep = own.len().min(super::upload::MAX_IMAGES - 1);
            let mut pictures: Vec<Result<Picture, String>> = own[own.len() - keep..]
                .iter()
                .enumerate()
                .map(|(i, image)| Ok(Picture { name: format!("your picture {}", i + 1), image: image.clone() }))
                .collect();
            pictures.push(Ok(Picture { name: "a camera snapshot".into(), image: frame }));
            self.offer_pictures(pictures, false);
        }
        self.show_camera();
    }

    /// "Stop the camera": training goes on, on the last frames.
    pub(crate) fn stop_camera(&mut self) {
        if self.feed.live() {
            self.say_unless_asking("The camera is off; training goes on with its last frames.");
        }
        self.feed.stop();
        self.show_camera();
    }

    /// Whether training follows the camera.
    pub(crate) fn camera_live(&self) -> bool {
        self.feed.live()
    }

    /// A new camera frame while training follows the camera: it replaces the oldest.
    fn camera_frame(&mut self, frame: Result<Image, String>) {
        if self.params.data != Dataset::Own {
            // the user chose another dataset: the camera has no more to do
            return self.stop_camera();
        }
        let result = frame.and_then(|image| {
            let (own, generation) = self.host.own();
            let keep = own.len().min(FRAMES_KEPT - 1);
            let mut frames = own[own.len() - keep..].to_vec();
            frames.push(image);
            let count = frames.len();
            self.command(Command::Frames(OwnPictures::new(generation + 1, &frames)))?;
            self.form.set_own_pictures(count);
            Ok(())
        });
        if let Err(why) = result {
            self.feed.stop();
            self.show_camera();
            self.say("error", &format!("The camera stopped: {why}. Training goes on with the frames it had."));
        }
    }

    /// The camera button says what it does now.
    fn show_camera(&self) {
        let live = self.feed.live();
        let b = &self.ui.camera_live;
        b.set_text_content(Some(if live { "Stop the camera" } else { "Train on the camera" }));
        b.set_attribute("aria-pressed", if live { "true" } else { "false" }).ok();
    }

    /// Downloads the model (settings, weights, step count) as JSON.
    pub(crate) fn save_model(&self) {
        let trainer = self.session().trainer();
        let json = saved::save(&self.params, trainer.steps(), trainer.model());
        if let Err(e) = download::download_text("sae-lab-model.json", "application/json", &json) {
            self.say("error", &format!("Saving failed: {}. Nothing was changed.", dom::describe(&e)));
        }
    }

    /// The file input for loading models.
    pub(crate) fn load_input(&self) -> &HtmlInputElement {
        &self.ui.load
    }

    /// A message with buttons; the buttons' ids are handled in [`super::events`].
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
            self.command(Command::Select(unit)).ok();
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
                let lanes = chart_lanes(self.session());
                let data = ChartData { lanes: &lanes, followed: self.session().followed(), full: self.loss_full };
                let canvas = self.loss.canvas();
                loss::loss_svg(&data, canvas.width(), canvas.height())
                    .map_err(js)
                    .and_then(|svg| download::download_text("sae-lab-cost.svg", "image/svg+xml", &svg))
            }
            _ => {
                let trainer = self.session().trainer();
                let lanes: Vec<CsvLane> = (0..trainer.lanes())
                    .map(|i| CsvLane {
                        key: trainer.lane_config(i).spec.key,
                        penalty_names: trainer.model_at(i).penalty_names(),
                        points: self.session().history(i).points(),
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
        self.session().trainer()
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
        self.session().history(lane)
    }

    /// The cost history of the lane the readouts follow.
    pub fn history(&self) -> &LossHistory {
        self.session().history(self.session().followed())
    }

    /// Every setting in force.
    pub fn params(&self) -> &Params {
        &self.params
    }
}
