//! What a session training elsewhere (in the page's Web Worker) tells the page each frame, and
//! how the page's mirror takes it in: the step count and weights, the new cost points, what
//! happened (stopped, diverged) and, a few times a second, the readouts. Small on purpose:
//! no batch, no image.

use super::wire::{Reader, Writer};
use super::{Event, Readouts, Session, Tick};
use crate::history::LossPoint;
use crate::model::family::MAX_PENALTIES;
use crate::model::registry;
use crate::readouts::CodeStats;
use crate::train::{Diverged, MAX_LANES};

/// Points a lane may collect between two snapshots before the oldest are dropped (a page
/// that stops asking, e.g. a background tab, must not grow the worker's memory).
const MAX_UNSENT_POINTS: usize = 2048;
/// Events likewise.
const MAX_UNSENT_EVENTS: usize = 16;

/// See the module docs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// How many commands the session had applied when this was taken.
    pub seq: u64,
    pub steps: u64,
    pub running: bool,
    pub trained_ms: f64,
    /// Steps trained since the last snapshot.
    pub stepped: u64,
    /// What to tell the user, oldest first.
    pub events: Vec<Event>,
    /// Every lane's weights; empty when nothing changed them since the last snapshot.
    pub thetas: Vec<Vec<f32>>,
    /// Every lane's new cost points.
    pub points: Vec<Vec<LossPoint>>,
    /// The readouts, when asked for.
    pub readouts: Option<Readouts>,
}

/// What happened since the last snapshot (bounded: a session nobody mirrors keeps only the
/// latest).
#[derive(Clone, Debug)]
pub(super) struct Unsent {
    pub(super) points: Vec<Vec<LossPoint>>,
    events: Vec<Event>,
    stepped: u64,
}

impl Default for Unsent {
    fn default() -> Self {
        Unsent { points: vec![Vec::new(); MAX_LANES], events: Vec::new(), stepped: 0 }
    }
}

impl Unsent {
    pub(super) fn record(&mut self, tick: &Tick) {
        self.stepped += u64::from(tick.steps);
        self.events.extend(tick.event.clone());
        if self.events.len() > MAX_UNSENT_EVENTS {
            self.events.remove(0);
        }
        for p in &mut self.points {
            // in chunks, so a full buffer is not shifted on every tick
            if p.len() >= 2 * MAX_UNSENT_POINTS {
                p.drain(..p.len() - MAX_UNSENT_POINTS);
            }
        }
    }
}

impl Session {
    /// Everything since the last snapshot; `seq` is the number of commands applied so far,
    /// and `readouts` asks for the readouts too.
    pub fn snapshot(&mut self, seq: u64, readouts: bool) -> Snapshot {
        let unsent = &mut self.unsent;
        let lanes = self.trainer.lanes();
        let changed = unsent.stepped > 0 || !unsent.events.is_empty();
        let snap = Snapshot {
            seq,
            steps: self.trainer.steps(),
            running: self.running,
            trained_ms: self.trained_ms,
            stepped: std::mem::take(&mut unsent.stepped),
            events: std::mem::take(&mut unsent.events),
            thetas: if changed {
                (0..lanes).map(|i| self.trainer.model_at(i).theta().to_vec()).collect()
            } else {
                vec![]
            },
            points: unsent.points.iter_mut().take(lanes).map(std::mem::take).collect(),
            readouts: None,
        };
        if readouts {
            self.refresh_readouts();
            return Snapshot { readouts: Some(self.readouts.clone()), ..snap };
        }
        snap
    }

    /// Takes in a snapshot of the session this one mirrors: weights, step count, cost points,
    /// readouts, and whether it runs (unless `keep_running`: the page has sent a play or
    /// pause the snapshot predates). What the page must show is returned as a [`Tick`].
    pub fn absorb(&mut self, snap: Snapshot, keep_running: bool) -> Result<Tick, String> {
        self.trainer.mirror(snap.steps, &snap.thetas)?;
        for (history, points) in self.histories.iter_mut().zip(&snap.points) {
            for &p in points {
                history.push(p);
            }
        }
        if !keep_running {
            self.running = snap.running;
        }
        self.trained_ms = snap.trained_ms;
        if let Some(r) = snap.readouts {
            self.readouts = r;
        }
        let steps = u32::try_from(snap.stepped).unwrap_or(u32::MAX);
        Ok(Tick { steps, event: snap.events.last().cloned() })
    }
}

/// The page's side of a Pause: snapshots taken before the worker applied it are held back until
/// one taken after comes, since the Pause may have undone the step they show (see
/// [`Session::pause_at`]); then those still valid come with it, as one.
#[derive(Debug, Default)]
pub struct HeldBack {
    /// The count of commands sent when the unanswered Pause was.
    pause: Option<u64>,
    held: Vec<Snapshot>,
}

impl HeldBack {
    /// A Pause went out as command number `seq`.
    pub fn pause_sent(&mut self, seq: u64) {
        self.pause = Some(seq);
    }

    /// The snapshot to take in now, if any: `snap` (with the held ones still valid before it),
    /// or nothing while it predates the Pause.
    pub fn take(&mut self, snap: Snapshot) -> Option<Snapshot> {
        if self.pause.is_some_and(|p| snap.seq < p) {
            self.held.push(snap);
            return None;
        }
        self.pause = None;
        // one further on than the Pause's answer showed the step the Pause undid; its cost
        // points from before that step come again, with the answer
        let steps = snap.steps;
        Some(self.held.drain(..).filter(|h| h.steps <= steps).rev().fold(snap, |later, h| h.then(later)))
    }
}

impl Snapshot {
    /// This snapshot followed by `later`, as one: what both carried, with `later`'s state.
    pub fn then(self, later: Snapshot) -> Snapshot {
        let mut points = self.points;
        points.resize(later.points.len().max(points.len()), Vec::new());
        for (p, new) in points.iter_mut().zip(later.points) {
            p.extend(new);
        }
        Snapshot {
            stepped: self.stepped + later.stepped,
            events: [self.events, later.events].concat(),
            thetas: if later.thetas.is_empty() { self.thetas } else { later.thetas },
            points,
            readouts: later.readouts.or(self.readouts),
            ..later
        }
    }

    /// The snapshot as numbers (see [`super::wire`]).
    pub fn encode(&self) -> Vec<f64> {
        let mut w = Writer::default();
        w.num(self.seq as f64);
        w.num(self.steps as f64);
        w.flag(self.running);
        w.num(self.trained_ms);
        w.num(self.stepped as f64);
        w.count(self.events.len());
        for e in &self.events {
            match e {
                Event::Stopped(step) => {
                    w.count(0);
                    w.num(*step as f64);
                }
                Event::Diverged(d) => {
                    w.count(1);
                    w.num(d.step as f64);
                    w.num(d.lr);
                    w.text(d.model);
                }
            }
        }
        w.count(self.thetas.len());
        for t in &self.thetas {
            w.floats(t);
        }
        w.count(self.points.len());
        for lane in &self.points {
            w.count(lane.len());
            for p in lane {
                w.num(p.step as f64);
                w.num(f64::from(p.recon));
                w.floats(&p.penalties);
                w.num(f64::from(p.decay));
                w.num(f64::from(p.total));
                w.count(p.span as usize);
                w.num(f64::from(p.held_out));
            }
        }
        w.flag(self.readouts.is_some());
        if let Some(r) = &self.readouts {
            let s = &r.stats;
            w.floats(&s.rho_hat);
            w.floats(&s.firing);
            w.count(s.dead);
            w.floats(&s.is_dead.iter().map(|&d| f32::from(u8::from(d))).collect::<Vec<_>>());
            w.num(f64::from(s.l0));
            w.num(f64::from(s.fve));
            w.count(r.unit);
            w.count(r.top.len());
            for (a, patch) in &r.top {
                w.num(f64::from(*a));
                w.floats(patch);
            }
            w.count(r.diagnostics.len());
            for lane in &r.diagnostics {
                w.count(lane.len());
                for (name, v) in lane {
                    w.text(name);
                    w.num(*v);
                }
            }
        }
        w.finish()
    }

    /// Reads back what [`Snapshot::encode`] wrote; anything else is an error.
    pub fn decode(data: &[f64]) -> Result<Snapshot, String> {
        let mut r = Reader::new(data);
        let mut snap = Snapshot {
            seq: r.step()?,
            steps: r.step()?,
            running: r.flag()?,
            trained_ms: r.num()?,
            stepped: r.step()?,
            ..Snapshot::default()
        };
        for _ in 0..r.count(1 << 16)? {
            snap.events.push(match r.count(1)? {
                0 => Event::Stopped(r.step()?),
                _ => {
                    let (step, lr, name) = (r.step()?, r.num()?, r.text()?);
                    // the name of a model of the registry, spelled once there
                    let model = registry::MODELS.iter().find(|s| s.name == name).map_or("model", |s| s.name);
                    Event::Diverged(Diverged { step, lr, model })
                }
            });
        }
        for _ in 0..r.count(MAX_LANES)? {
            snap.thetas.push(r.floats()?);
        }
        for _ in 0..r.count(MAX_LANES)? {
            let mut lane = Vec::new();
            for _ in 0..r.count(2 * MAX_UNSENT_POINTS)? {
                let step = r.step()?;
                let recon = r.num()? as f32;
                let pen = r.floats()?;
                let mut penalties = [0.0; MAX_PENALTIES];
                if pen.len() != MAX_PENALTIES {
                    return Err(format!("a cost point has {} penalty terms, not {MAX_PENALTIES}", pen.len()));
                }
                penalties.copy_from_slice(&pen);
                let (decay, total) = (r.num()? as f32, r.num()? as f32);
                let span = r.count(u32::MAX as usize)? as u32;
                lane.push(LossPoint { step, recon, penalties, decay, total, span, held_out: r.num()? as f32 });
            }
            snap.points.push(lane);
        }
        if r.flag()? {
            let (rho_hat, firing, dead) = (r.floats()?, r.floats()?, r.count(usize::MAX)?);
            let is_dead = r.floats()?.iter().map(|&d| d != 0.0).collect();
            let (l0, fve) = (r.num()? as f32, r.num()? as f32);
            let stats = CodeStats { rho_hat, firing, dead, is_dead, l0, fve };
            let unit = r.count(usize::MAX)?;
            let mut top = Vec::new();
            for _ in 0..r.count(1 << 16)? {
                top.push((r.num()? as f32, r.floats()?));
            }
            let mut diagnostics = Vec::new();
            for _ in 0..r.count(MAX_LANES)? {
                let mut lane = Vec::new();
                for _ in 0..r.count(1 << 8)? {
                    lane.push((r.text()?, r.num()?));
                }
                diagnostics.push(lane);
            }
            snap.readouts = Some(Readouts { stats, unit, top, diagnostics });
        }
        if !r.done() {
            return Err("the message has more values than a snapshot".into());
        }
        Ok(snap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Command, Host};
    use crate::state::Params;

    /// Two hosts given the same commands: `worker` trains, `page` mirrors it from snapshots
    /// sent through the wire format.
    fn pair(params: &Params) -> (Host, Host) {
        let mut hosts = (Host::new(params).unwrap(), Host::new(params).unwrap());
        for c in [Command::build(params, None, false), Command::Select(2)] {
            hosts.0.apply(c.clone()).unwrap();
            hosts.1.apply(c).unwrap();
        }
        (hosts.0, hosts.1)
    }

    fn clock() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1.0;
            t
        }
    }

    #[test]
    fn a_mirror_fed_snapshots_has_the_weights_history_and_readouts_of_the_session_it_mirrors() {
        let params = Params { models: vec!["sae", "topk"], batch: 32, ..Params::default() };
        let (mut worker, mut page) = pair(&params);
        worker.apply(Command::Play).unwrap();
        page.apply(Command::Play).unwrap();
        for frame in 0..6 {
            let w = worker.session_mut();
            w.tick(16.0 * frame as f64, &mut clock(), 5.0);
            let sent = Snapshot::decode(&w.snapshot(2, frame % 2 == 1).encode()).unwrap();
            page.session_mut().absorb(sent, false).unwrap();
        }
        let (w, p) = (worker.session(), page.session());
        assert!(w.trainer().steps() > 0);
        assert_eq!(p.trainer().steps(), w.trainer().steps());
        for lane in 0..2 {
            assert_eq!(p.trainer().model_at(lane).theta(), w.trainer().model_at(lane).theta(), "lane {lane}");
            assert_eq!(p.history(lane).points().len(), w.history(lane).points().len());
            for (a, b) in p.history(lane).points().iter().zip(w.history(lane).points()) {
                assert_eq!((a.step, a.total, a.held_out.to_bits()), (b.step, b.total, b.held_out.to_bits()));
            }
        }
        let mut w = worker;
        w.session_mut().refresh_readouts();
        assert_eq!(p.readouts().unit, 2);
        assert_eq!(p.readouts(), w.session().readouts(), "the last snapshot carried the readouts");
        assert!(p.running() && (p.trained_seconds() - w.session().trained_seconds()).abs() < 1e-12);
    }

    /// Each reading 70 ms after the last, from `from`.
    fn slow_clock(from: f64) -> impl FnMut() -> f64 {
        let mut t = from;
        move || {
            t += 70.0;
            t
        }
    }

    #[test]
    fn the_page_holds_back_snapshots_a_pause_may_undo_and_ends_up_as_the_worker_is() {
        for (at, undone) in [(1220.0, true), (1500.0, false)] {
            let params = Params { batch: 32, ..Params::default() };
            let (mut worker, mut page) = pair(&params);
            worker.session_mut().keep_undo();
            worker.apply(Command::Play).unwrap();
            page.apply(Command::Play).unwrap();
            let mut held = HeldBack::default();
            let w = worker.session_mut();
            w.tick(1000.0, &mut slow_clock(1000.0), 12.0);
            let first = held.take(w.snapshot(3, false)).expect("no Pause on its way");
            page.session_mut().absorb(first, false).unwrap();
            // a step ending at 1 410 on its clock, and its snapshot, asked for before the click at `at`
            w.tick(1200.0, &mut slow_clock(1200.0), 12.0);
            let before_pause = w.snapshot(3, false);
            held.pause_sent(4);
            assert_eq!(held.take(before_pause), None, "held back");
            worker.apply(Command::Pause { at }).unwrap();
            let answer = held.take(worker.session_mut().snapshot(4, false)).expect("the Pause's answer");
            page.session_mut().absorb(answer, false).unwrap();
            let (w, p) = (worker.session(), page.session());
            assert_eq!(w.trainer().steps(), if undone { 1 } else { 2 }, "at {at}");
            assert_eq!(p.trainer().steps(), w.trainer().steps());
            assert_eq!(p.trainer().model().theta(), w.trainer().model().theta());
            let steps = |s: &Session| s.history(0).points().iter().map(|p| (p.step, p.total)).collect::<Vec<_>>();
            assert_eq!(steps(p), steps(w), "every cost point once, none of the undone step");
            assert!(!p.running() && !w.running());
        }
    }

    #[test]
    fn events_and_steps_travel_once_and_an_idle_snapshot_carries_no_weights() {
        let params = Params { batch: 16, stop_after: 3, ..Params::default() };
        let (mut worker, mut page) = pair(&params);
        worker.apply(Command::Play).unwrap();
        let w = worker.session_mut();
        let mut events = Vec::new();
        for frame in 0..4 {
            w.tick(16.0 * frame as f64, &mut clock(), 50.0);
            let tick = page.session_mut().absorb(w.snapshot(3, false), false).unwrap();
            events.extend(tick.event);
        }
        assert_eq!(events, vec![Event::Stopped(3)]);
        assert!(!page.session().running(), "the pause came with the snapshot");
        let idle = w.snapshot(3, false);
        assert!(idle.thetas.is_empty() && idle.stepped == 0 && idle.points.iter().all(Vec::is_empty));
    }

    #[test]
    fn a_diverged_run_says_which_model_and_bad_messages_are_errors() {
        let d = Diverged { step: 4, lr: 0.5, model: registry::MODELS[1].name };
        let snap = Snapshot { events: vec![Event::Diverged(d.clone())], ..Snapshot::default() };
        let back = Snapshot::decode(&snap.encode()).unwrap();
        assert_eq!(back.events, vec![Event::Diverged(d)]);
        let data = snap.encode();
        assert!(Snapshot::decode(&data[..data.len() - 1]).is_err());
        assert!(Snapshot::decode(&[data.as_slice(), &[1.0]].concat()).is_err());
        let (mut worker, mut page) = pair(&Params { batch: 16, ..Params::default() });
        let wrong = Snapshot { thetas: vec![vec![0.0; 3]], ..worker.session_mut().snapshot(0, false) };
        let before = page.session().trainer().model().theta().to_vec();
        assert!(page.session_mut().absorb(wrong, false).is_err());
        assert_eq!(page.session().trainer().model().theta(), before.as_slice(), "nothing taken from a bad snapshot");
    }
}
