//! A training session, with no browser types: the trainer and its lanes, each lane's cost
//! history, the pacing (play, pause, Step, slow motion, stop after N), divergence handling,
//! the clock of training time, the readouts' trackers ([`watch`]), when edges formed, and
//! the patch the diagram shows.
//!
//! The page talks to training only through it: [`Command`]s record intent ([`host`]), and
//! [`Session::tick`] does the work and says what the page must tell the user ([`Event`]).
//! The session runs in a Web Worker; the page holds a mirror built by the same commands and
//! brought up to date by a [`Snapshot`] per frame ([`snapshot`], encoded by [`wire`]).
//! Where no worker can start, the page's own session trains, a slice per frame.

pub mod host;
pub mod snapshot;
pub mod watch;
pub mod wire;

pub use host::{Command, Host, OwnPictures, Pictures};
pub use snapshot::Snapshot;
pub use watch::Readouts;

use nalgebra::DMatrix;

use crate::data::{Image, PatchSampler};
use crate::history::{LossHistory, LossPoint};
use crate::readouts::HeldOut;
use crate::state::Params;
use crate::train::{Diverged, Trainer, MAX_LANES};
use watch::Watch;

/// Points kept by each lane's loss history.
pub const HISTORY_POINTS: usize = 1500;
/// Upper bound on steps per tick, whatever the clock says.
pub const MAX_STEPS_PER_TICK: u32 = 2000;
/// How long each patch stays in the network diagram.
pub const PATCH_SHOWN_MS: f64 = 1200.0;
/// Steps an unbroken stretch of "formed" verdicts must last to count (see
/// [`Session::note_verdict`]).
pub const FORMED_FOR_STEPS: u64 = 300;
/// Fresh patches considered for each shown patch.
const DISPLAY_CANDIDATES: usize = 8;
/// Longest gap between ticks counted as training time (a background tab resumes after
/// seconds without training).
const MAX_TICK_GAP_MS: f64 = 100.0;
/// How often the held-out cost is measured while training (it is a point on the chart,
/// which redraws four times a second).
const HELD_OUT_MS: f64 = 250.0;
/// Steps at least this long can be undone by a Pause clicked while one runs (see
/// [`Session::pause_at`]); a shorter one ends soon enough that the Pause can wait for it. The
/// copy costs 5–8 ms in Chromium at 400 × 16×16 × 2048 (steps of 115–170 ms), 7 ms at
/// 100 × 12×12 × 1024 (steps of 22 ms, so not copied there).
pub const UNDO_STEP_MS: f64 = 60.0;

/// Something the page must tell the user after a tick.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Training paused itself at "stop after" this many steps.
    Stopped(u64),
    /// Training diverged: paused, every lane's weights are back from before the slice.
    Diverged(Diverged),
}

/// What one tick did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tick {
    /// Steps trained.
    pub steps: u32,
    /// What to tell the user, if anything.
    pub event: Option<Event>,
}

/// What a Pause can go back to (see [`Session::pause_at`]).
#[derive(Clone, Default)]
enum Undo {
    /// Nothing is kept: the page's own session, which never trains while a click waits.
    #[default]
    Off,
    /// Kept for the next long tick.
    Ready,
    /// The session as it was before its last tick, and when that tick ended.
    Kept(Box<Session>, f64),
}

/// Steps-per-second over a sliding one-second window.
#[derive(Clone, Debug, Default)]
struct Rate {
    since: f64,
    steps_then: u64,
    per_second: f64,
}

/// The session: see the module docs. A clone is exact: it trains on as the original would.
#[derive(Clone)]
pub struct Session {
    trainer: Trainer,
    /// One cost history per lane.
    histories: Vec<LossHistory>,
    running: bool,
    /// Steps asked for by Step (→), run by the next tick while paused.
    requested: u32,
    stop_after: u64,
    step_ms: f64,
    last_step_at: f64,
    last_tick: f64,
    /// Milliseconds of training so far (pauses excluded), for "edges after N s", and the last
    /// slice's.
    trained_ms: f64,
    slice_ms: f64,
    rate: Rate,
    /// Steps and training seconds when the edges first formed in this run (and stayed), and
    /// when the current unbroken stretch of "formed" verdicts began.
    edges_at: Option<(u64, f64)>,
    formed_since: Option<(u64, f64)>,
    /// The diagram's patches come from a stream of their own, so showing them does not change
    /// which patches training sees (a seed must reproduce a run exactly).
    display: PatchSampler,
    shown: DMatrix<f32>,
    candidates: DMatrix<f32>,
    shown_since: f64,
    watch: Watch,
    held_out_at: f64,
    /// What happened since the last snapshot: new cost points per lane, events, steps.
    unsent: snapshot::Unsent,
    /// What the readout panels draw (filled here, or received from a worker's session).
    readouts: Readouts,
    /// How long the last step took, in ms (NaN before the first).
    step_took_ms: f64,
    undo: Undo,
}

impl Session {
    /// A paused session of `trainer`, showing patches drawn by `display`; its held-out
    /// cost is measured on `held_out`.
    pub fn new(trainer: Trainer, display: PatchSampler, held_out: HeldOut) -> Self {
        let n = display.patch_size().pow(2);
        Session {
            watch: Watch::new(&trainer, held_out),
            held_out_at: f64::NEG_INFINITY,
            unsent: snapshot::Unsent::default(),
            readouts: Readouts::default(),
            trainer,
            histories: (0..MAX_LANES).map(|_| LossHistory::new(HISTORY_POINTS)).collect(),
            running: false,
            requested: 0,
            stop_after: 0,
            step_ms: 0.0,
            last_step_at: f64::NEG_INFINITY,
            last_tick: f64::NAN,
            trained_ms: 0.0,
            slice_ms: 0.0,
            rate: Rate::default(),
            edges_at: None,
            formed_since: None,
            display,
            shown: DMatrix::zeros(n, 1),
            candidates: DMatrix::zeros(n, DISPLAY_CANDIDATES),
            shown_since: f64::NEG_INFINITY,
            step_took_ms: f64::NAN,
            undo: Undo::Off,
        }
    }

    /// Starts training (a pending Step is dropped: playing covers it).
    pub fn play(&mut self) {
        self.running = true;
        self.requested = 0;
    }

    /// Pauses training.
    pub fn pause(&mut self) {
        self.running = false;
    }

    /// Pauses training as of time `at` (ms, this session's clock), the moment the user asked.
    /// A session that keeps an undo (see [`Session::keep_undo`]) and is still running a tick
    /// that ended after `at` goes back to how it was before that tick, exactly: a step of the
    /// largest networks takes longer than a click may wait, and the one under way when the
    /// user clicked is undone instead of shown. Returns whether it undid one.
    pub fn pause_at(&mut self, at: f64) -> bool {
        let undo = self.running && matches!(self.undo, Undo::Kept(_, ended) if ended > at);
        if let (true, Undo::Kept(before, _)) = (undo, std::mem::replace(&mut self.undo, Undo::Ready)) {
            *self = *before;
            self.undo = Undo::Ready;
        }
        self.pause();
        undo
    }

    /// From now on, keeps the session as it was before each tick of long steps (at least
    /// [`UNDO_STEP_MS`] each, or of unknown length), for [`Session::pause_at`]: the worker's
    /// session, which answers a click only between ticks.
    pub fn keep_undo(&mut self) {
        if matches!(self.undo, Undo::Off) {
            self.undo = Undo::Ready;
        }
    }

    /// Drops the kept session: a command since the tick changed what it would go back to.
    pub fn forget_undo(&mut self) {
        if matches!(self.undo, Undo::Kept(..)) {
            self.undo = Undo::Ready;
        }
    }

    /// Whether training is running.
    pub fn running(&self) -> bool {
        self.running
    }

    /// Whether a tick would train: playing, or a Step waiting.
    pub fn wants_to_train(&self) -> bool {
        self.running || self.requested > 0
    }

    /// Milliseconds between steps in slow motion (0 at full speed).
    pub fn step_ms(&self) -> f64 {
        self.step_ms
    }

    /// Step (→): pauses, and the next tick trains `steps` more steps (presses add up).
    pub fn request_steps(&mut self, steps: u32) {
        self.running = false;
        self.requested = self.requested.saturating_add(steps);
    }

    /// "Stop after" (0 = never) and milliseconds between steps (0 = as many as the budget
    /// holds; up to 2000 for slow motion).
    pub fn set_pacing(&mut self, stop_after: u64, step_ms: f64) {
        self.stop_after = stop_after;
        self.step_ms = step_ms;
    }

    /// One slice of work at time `now` (ms): up to `budget_ms` of training on `clock`. The
    /// followed lane's trackers see the slice's last batch, and its held-out cost goes into
    /// its history a few times a second.
    pub fn tick(&mut self, now: f64, clock: &mut dyn FnMut() -> f64, budget_ms: f64) -> Tick {
        let mut tick = Tick::default();
        if self.running && (now - self.last_tick).is_finite() {
            // a step may take seconds (the convolutional autoencoder at the largest sizes):
            // the last slice's own time counts in full
            self.trained_ms += (now - self.last_tick).clamp(0.0, MAX_TICK_GAP_MS + self.slice_ms);
        }
        self.last_tick = now;
        if self.running && self.stop_after > 0 && self.trainer.steps() >= self.stop_after {
            self.running = false;
            tick.event = Some(Event::Stopped(self.trainer.steps()));
        }
        let max_steps = if self.running { self.steps_allowed(now) } else { self.requested };
        self.forget_undo();
        if max_steps > 0 {
            // the first step's length is not known yet: kept
            let long = self.step_took_ms.is_nan() || self.step_took_ms >= UNDO_STEP_MS;
            let before = match self.undo {
                Undo::Ready if self.running && long => Some(self.clone()),
                _ => None,
            };
            self.last_step_at = now;
            // a Step runs exactly its steps, whatever the budget
            let budget = if self.running { budget_ms } else { f64::INFINITY };
            let measure = now - self.held_out_at >= HELD_OUT_MS || !self.running;
            tick.steps = self.train(max_steps, clock, budget, measure, &mut tick.event);
            if tick.steps > 0 && measure {
                self.held_out_at = now;
            }
            self.requested = 0;
            if let (Some(before), true) = (before, tick.steps > 0) {
                self.undo = Undo::Kept(Box::new(before), clock());
            }
        }
        self.unsent.record(&tick);
        tick
    }

    /// Whether the diagram shows a new patch at time `now` (each stays [`PATCH_SHOWN_MS`]).
    pub fn show_patches(&mut self, now: f64) -> bool {
        if now - self.shown_since < PATCH_SHOWN_MS {
            return false;
        }
        self.pick_display_patch();
        self.shown_since = now;
        true
    }

    /// Steps the pacing allows this tick: one every `step_ms` in slow motion, otherwise as
    /// many as the budget holds; never past "stop after".
    fn steps_allowed(&self, now: f64) -> u32 {
        let pace =
            if self.step_ms > 0.0 { u32::from(now - self.last_step_at >= self.step_ms) } else { MAX_STEPS_PER_TICK };
        match self.stop_after {
            0 => pace,
            stop => pace.min(stop.saturating_sub(self.trainer.steps()).min(u64::from(u32::MAX)) as u32),
        }
    }

    /// Runs up to `max_steps` within `budget_ms` and records each lane's mean costs, with
    /// the held-out cost of the followed lane if `measure`.
    fn train(
        &mut self,
        max_steps: u32,
        clock: &mut dyn FnMut() -> f64,
        budget_ms: f64,
        measure: bool,
        event: &mut Option<Event>,
    ) -> u32 {
        let slice = self.trainer.run_budgeted(clock, budget_ms, max_steps);
        self.slice_ms = if self.running { slice.ms } else { 0.0 };
        if slice.steps > 0 {
            self.step_took_ms = slice.ms / f64::from(slice.steps);
        }
        if let Some(d) = slice.diverged {
            self.running = false;
            *event = Some(Event::Diverged(d));
            return 0;
        }
        if slice.steps == 0 {
            return 0;
        }
        self.watch.observe(&self.trainer);
        let held_out = if measure { self.watch.held_out_cost(&self.trainer) } else { f32::NAN };
        let (step, followed) = (self.trainer.steps(), self.watch.lane());
        for (i, m) in slice.mean.iter().enumerate().take(self.trainer.lanes()) {
            let point = LossPoint {
                step,
                recon: m.recon as f32,
                penalties: m.penalties.map(|v| v as f32),
                decay: m.decay as f32,
                total: m.total() as f32,
                span: slice.steps,
                held_out: if i == followed { held_out } else { f32::NAN },
            };
            self.histories[i].push(point);
            self.unsent.points[i].push(point);
        }
        slice.steps
    }

    /// Shows the most contrasty of a few fresh patches: flat patches (common in the
    /// dead-leaves image) excite no unit and teach nothing.
    fn pick_display_patch(&mut self) {
        self.display.fill(&mut self.candidates);
        let contrast = |j: usize| {
            let col = self.candidates.column(j);
            let mean = col.mean();
            col.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>()
        };
        let best =
            (0..self.candidates.ncols())
                .fold((0, f32::MIN), |a, j| if contrast(j) > a.1 { (j, contrast(j)) } else { a });
        self.shown.copy_from(&self.candidates.column(best.0));
    }

    /// Shows a new patch on the next tick (after a rebuild or a load).
    pub fn refresh_patch(&mut self) {
        self.shown_since = f64::NEG_INFINITY;
    }

    /// Live settings from `params` (ρ, β, λ, learning rate, optimiser, each lane's knobs and
    /// noise, pacing); they act on the next step. An invalid set changes nothing.
    pub fn apply_live(&mut self, params: &Params) -> Result<(), String> {
        let valid = params.hyper().validate().map_err(|e| e.to_string())?;
        let trainer = &mut self.trainer;
        trainer.set_hyper(valid);
        trainer.set_optimizer(params.optimizer);
        for (i, lane) in params.lanes().iter().enumerate() {
            trainer.set_knobs(i, &lane.knobs);
            trainer.set_noise(i, lane.noise);
        }
        self.set_pacing(params.stop_after, params.step_ms);
        Ok(())
    }

    /// Trains and shows patches from `images` from now on, without a restart (camera frames).
    pub fn set_images(&mut self, images: Vec<Image>) -> Result<(), String> {
        crate::data::check_images(&images, self.display.patch_size())?;
        self.display.set_images(images.clone())?;
        self.trainer.set_images(images)
    }

    /// The readouts follow lane `lane` (clamped); their trackers start afresh.
    pub fn follow(&mut self, lane: usize) {
        self.watch.follow(&self.trainer, lane);
    }

    /// The lane the readouts follow.
    pub fn followed(&self) -> usize {
        self.watch.lane()
    }

    /// The readouts carry unit `unit`'s top patches.
    pub fn select(&mut self, unit: usize) {
        self.watch.select(&self.trainer, unit);
    }

    /// Brings [`Session::readouts`] up to date from the trackers (a few times a second).
    pub fn refresh_readouts(&mut self) {
        self.watch.fill(&self.trainer, &mut self.readouts);
    }

    /// What the readout panels draw, as of the last [`Session::refresh_readouts`] (or the
    /// last snapshot, in a mirror).
    pub fn readouts(&self) -> &Readouts {
        &self.readouts
    }

    /// The held-out patches.
    pub fn held_out(&self) -> &HeldOut {
        self.watch.held_out()
    }

    /// Records whether the edge verdict says "formed" now. Edges count as formed where an
    /// unbroken stretch of "formed" verdicts began, once it has lasted [`FORMED_FOR_STEPS`]:
    /// noisy early filters can pass the edge test for a moment (a VAE's do about step 100 on
    /// the photographs, then fall to a few percent), and that is not edges forming.
    pub fn note_verdict(&mut self, formed: bool) {
        let now = (self.trainer.steps(), self.trained_ms / 1000.0);
        if !formed {
            self.formed_since = None;
            return;
        }
        let since = *self.formed_since.get_or_insert(now);
        if self.edges_at.is_none() && now.0 >= since.0 + FORMED_FOR_STEPS {
            self.edges_at = Some(since);
        }
    }

    /// Steps and training seconds when edges first formed in this run (see [`Self::note_verdict`]).
    pub fn edges_at(&self) -> Option<(u64, f64)> {
        self.edges_at
    }

    /// Steps per second over the last second or so (0 while paused); call about once per
    /// status update.
    pub fn steps_per_second(&mut self, now: f64) -> f64 {
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
        self.rate.per_second
    }

    /// Seconds of training so far (pauses excluded).
    pub fn trained_seconds(&self) -> f64 {
        self.trained_ms / 1000.0
    }

    /// The trainer.
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The trainer, mutable (live settings, readouts that run a model).
    pub fn trainer_mut(&mut self) -> &mut Trainer {
        &mut self.trainer
    }

    /// The trainer, mutable, beside the held-out patches (readouts that run a model on them).
    pub fn trainer_and_held_out(&mut self) -> (&mut Trainer, &HeldOut) {
        (&mut self.trainer, self.watch.held_out())
    }

    /// The cost history of lane `lane` (the last lane's beyond those in use).
    pub fn history(&self, lane: usize) -> &LossHistory {
        &self.histories[lane.min(self.histories.len() - 1)]
    }

    /// The patch the diagram shows (n×1).
    pub fn shown(&self) -> &DMatrix<f32> {
        &self.shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::natural_images;
    use crate::model::registry;
    use crate::model::Hyper;
    use crate::train::{LaneConfig, Setup};

    fn session(lanes: &[&str]) -> Session {
        let lanes: Vec<LaneConfig> =
            lanes.iter().map(|k| LaneConfig::default_for(registry::spec(k).unwrap())).collect();
        let setup = Setup { batch: 32, ..Setup::default() };
        let trainer =
            Trainer::with_lanes(setup, Hyper::default().validate().unwrap(), &lanes, natural_images(1)).unwrap();
        let held_out = HeldOut::new(&natural_images(7), 8, trainer.sampler().sigma(), 64, 3).unwrap();
        Session::new(trainer, PatchSampler::new(natural_images(1), 8, 99).unwrap(), held_out)
    }

    /// A clock that moves 1 ms per reading: a budget of b ms allows about b steps.
    fn clock() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1.0;
            t
        }
    }

    fn tick(s: &mut Session, now: f64) -> Tick {
        s.tick(now, &mut clock(), 10.0)
    }

    /// Trains exactly `n` more steps (a tick trains about 10).
    fn train(s: &mut Session, n: u64) {
        let target = s.trainer().steps() + n;
        s.request_steps(n as u32);
        let mut now = 1e6;
        while s.trainer().steps() < target {
            now += 1.0;
            tick(s, now);
        }
    }

    #[test]
    fn paused_it_trains_nothing_and_step_trains_exactly_what_was_asked() {
        let mut s = session(&["sae"]);
        assert_eq!(tick(&mut s, 0.0).steps, 0, "a new session waits for play");
        s.request_steps(1);
        s.request_steps(2);
        let t = tick(&mut s, 16.0);
        assert_eq!((t.steps, s.trainer().steps(), s.running()), (3, 3, false), "presses add up, then it waits");
        assert_eq!(tick(&mut s, 32.0).steps, 0);
        assert_eq!(s.history(0).points().last().map(|p| (p.step, p.span)), Some((3, 3)));
        assert_eq!(s.trained_seconds(), 0.0, "a Step is not training time");
    }

    #[test]
    fn playing_trains_within_the_budget_and_stops_after_n_exactly() {
        let mut s = session(&["sae"]);
        s.set_pacing(25, 0.0);
        s.play();
        let first = tick(&mut s, 0.0);
        assert!((1..=11).contains(&first.steps), "about 10 ms of 1 ms steps: {}", first.steps);
        let mut now = 0.0;
        let mut events = Vec::new();
        for _ in 0..10 {
            now += 16.0;
            events.extend(tick(&mut s, now).event);
        }
        assert_eq!(s.trainer().steps(), 25, "never past stop after");
        assert_eq!(events, vec![Event::Stopped(25)], "said once");
        assert!(!s.running());
        assert!((s.trained_seconds() - 0.016 * 2.0).abs() < 0.05, "{}", s.trained_seconds());
    }

    #[test]
    fn slow_motion_takes_one_step_per_interval() {
        let mut s = session(&["sae"]);
        s.set_pacing(0, 500.0);
        s.play();
        let steps: Vec<u32> =
            [0.0, 100.0, 499.0, 500.0, 900.0, 1000.0].iter().map(|&t| tick(&mut s, t).steps).collect();
        assert_eq!(steps, vec![1, 0, 0, 1, 0, 1]);
    }

    /// A clock whose every reading is `ms` later, from `from`: each step takes `ms`.
    fn slow_clock(from: f64, ms: f64) -> impl FnMut() -> f64 {
        let mut t = from;
        move || {
            t += ms;
            t
        }
    }

    fn theta(s: &Session) -> Vec<f32> {
        s.trainer().model().theta().to_vec()
    }

    #[test]
    fn a_pause_clicked_during_a_long_step_undoes_that_step_exactly() {
        let (mut s, mut same) = (session(&["sae"]), session(&["sae"]));
        s.keep_undo();
        s.play();
        same.play();
        // one step a tick, 70 ms on a clock read three times: a tick at t ends at t + 210
        s.tick(1000.0, &mut slow_clock(1000.0, 70.0), 12.0);
        same.tick(1000.0, &mut slow_clock(1000.0, 70.0), 12.0);
        assert_eq!(s.trainer().steps(), 1);
        let (before, history) = (theta(&same), same.history(0).points().len());
        s.tick(1200.0, &mut slow_clock(1200.0, 70.0), 12.0);
        assert_eq!(s.trainer().steps(), 2);
        assert!(s.pause_at(1270.0), "clicked while step 2 ran: undone");
        assert_eq!((s.trainer().steps(), theta(&s), s.history(0).points().len()), (1, before, history));
        assert!(!s.running());
        assert!(!s.pause_at(1270.0), "once");
        // it trains on as if step 2 had never begun: the same patches, the same weights
        s.play();
        for t in [1400.0, 1600.0] {
            s.tick(t, &mut slow_clock(t, 70.0), 12.0);
            same.tick(t, &mut slow_clock(t, 70.0), 12.0);
        }
        assert_eq!((s.trainer().steps(), theta(&s)), (same.trainer().steps(), theta(&same)));
    }

    #[test]
    fn a_pause_after_the_step_ended_or_a_command_since_or_short_steps_keep_it() {
        let mut s = session(&["sae"]);
        s.keep_undo();
        s.play();
        s.tick(1000.0, &mut slow_clock(1000.0, 70.0), 12.0);
        assert!(!s.pause_at(1300.0), "the step had ended (at 1 210)");
        assert_eq!(s.trainer().steps(), 1);
        s.play();
        s.tick(1200.0, &mut slow_clock(1200.0, 70.0), 12.0);
        s.forget_undo();
        assert!(!s.pause_at(1210.0), "a command came between");
        s.play();
        // 1 ms steps: a click waits for them, and nothing is copied
        s.tick(1400.0, &mut slow_clock(1400.0, 1.0), 12.0);
        s.tick(1500.0, &mut slow_clock(1500.0, 1.0), 12.0);
        assert!(!s.pause_at(1400.0));
        assert!(s.trainer().steps() > 10);
        let mut page = session(&["sae"]);
        page.play();
        page.tick(1000.0, &mut slow_clock(1000.0, 70.0), 12.0);
        assert!(!page.pause_at(0.0), "the page's own session keeps no undo");
        assert_eq!(page.trainer().steps(), 1);
    }

    #[test]
    fn divergence_pauses_and_is_reported_once() {
        let mut s = session(&["sae"]);
        s.trainer_mut().model_mut().theta_mut()[0] = f32::NAN;
        s.play();
        let t = tick(&mut s, 0.0);
        assert!(matches!(t.event, Some(Event::Diverged(_))), "{t:?}");
        assert!(!s.running() && t.steps == 0);
        assert_eq!(tick(&mut s, 16.0).event, None);
    }

    #[test]
    fn every_lane_has_its_history_and_the_followed_one_gets_the_held_out_cost() {
        let mut s = session(&["sae", "sparse-coding"]);
        s.follow(1);
        s.request_steps(2);
        tick(&mut s, 0.0);
        let (a, b) = (s.history(0).points()[0], s.history(1).points()[0]);
        assert!(a.held_out.is_nan() && b.held_out.is_finite() && b.held_out > 0.0, "{a:?} {b:?}");
        assert!(a.total != b.total, "two models, two costs");
    }

    #[test]
    fn the_trackers_follow_one_lane_and_send_the_selected_units_top_patches() {
        let mut s = session(&["sae", "topk"]);
        s.select(3);
        s.play();
        for t in 0..5 {
            tick(&mut s, 16.0 * t as f64);
        }
        s.refresh_readouts();
        let r = s.readouts();
        assert_eq!((r.stats.rho_hat.len(), r.unit, r.diagnostics.len()), (25, 3, 2));
        assert!(!r.top.is_empty() && r.top.iter().all(|(_, p)| p.len() == 64));
        assert!(r.top.windows(2).all(|w| w[0].0 >= w[1].0), "strongest first");
        s.follow(1);
        s.refresh_readouts();
        assert!(s.readouts().stats.rho_hat.iter().all(|&v| v == 0.0), "a new lane's trackers start afresh");
    }

    #[test]
    fn the_shown_patch_changes_on_its_own_clock_and_edges_are_noted_once() {
        let mut s = session(&["sae"]);
        assert!(s.show_patches(0.0));
        let first = s.shown().clone();
        assert!(!s.show_patches(PATCH_SHOWN_MS / 2.0));
        assert!(s.show_patches(PATCH_SHOWN_MS));
        assert_ne!(s.shown(), &first);
        s.request_steps(5);
        tick(&mut s, PATCH_SHOWN_MS + 1.0);
        s.note_verdict(true);
        s.request_steps(5);
        tick(&mut s, PATCH_SHOWN_MS + 2.0);
        s.note_verdict(false);
        train(&mut s, FORMED_FOR_STEPS);
        s.note_verdict(true);
        assert_eq!(s.edges_at(), None, "a moment of edges at step 5 did not last; a new stretch starts");
        let from = s.trainer().steps();
        train(&mut s, FORMED_FOR_STEPS - 1);
        s.note_verdict(true);
        assert_eq!(s.edges_at(), None, "not yet lasted");
        train(&mut s, 1);
        s.note_verdict(true);
        s.note_verdict(false);
        assert_eq!(s.edges_at().map(|e| e.0), Some(from), "noted where the stretch began, and kept");
    }
}
