//! The page's end of the training worker (see [`super::worker`] for the other end): starts
//! it, sends it commands, asks for one snapshot at a time and keeps the latest reply.
//!
//! The worker is `www/worker.js`, a file of this origin (the Content-Security-Policy allows
//! `worker-src 'self'`, no blob: URLs). boot.js starts it during page load and hands it the
//! WebAssembly module it compiled, so no request is made after load (`window.saeWasm`).
//! Asking for the next snapshot only once the last one has come keeps messages from
//! queueing when either side is slow; a worker that stops answering counts as failed.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, MessageEvent, Worker};

use super::dom;
use crate::session::snapshot::HeldBack;
use crate::session::{Command, Snapshot};
use js_sys::Reflect;

/// How long a snapshot may take before the worker counts as stuck, at least. A snapshot waits
/// for the step under way, and one step of the convolutional autoencoder at the largest
/// settings takes seconds (10–40 s on a busy 2-core machine), so the patience is also
/// [`PATIENCE_PER_WAIT`] times the longest wait seen so far, and before the first snapshot
/// (the first step, after the pictures are made) [`FIRST_ANSWER_WITHIN_MS`]. A worker that
/// fails says so at once (its error event); this is for one that hangs.
const ANSWER_WITHIN_MS: f64 = 30_000.0;
/// See [`ANSWER_WITHIN_MS`].
const FIRST_ANSWER_WITHIN_MS: f64 = 120_000.0;
/// See [`ANSWER_WITHIN_MS`].
const PATIENCE_PER_WAIT: f64 = 3.0;
/// How long its script may take to say it loaded.
const ALIVE_WITHIN_MS: f64 = 3_000.0;
/// Why there is no worker on a page boot.js did not start (the browser tests mount the app
/// themselves): there is no compiled module to share.
pub const NO_LOADER: &str = "the page was not started by its loader";

/// What came back from the worker.
#[derive(Default)]
struct Inbox {
    /// The latest snapshot and when it came.
    snapshot: Option<(Vec<f64>, f64)>,
    /// The worker's script has loaded.
    alive: bool,
    /// Why the worker cannot go on, once it said so (or failed to load).
    failed: Option<String>,
}

/// See the module docs.
pub struct WorkerLink {
    worker: Worker,
    inbox: Rc<RefCell<Inbox>>,
    /// Commands sent so far.
    sent: u64,
    /// The count when the last Build was sent: snapshots from before it are of another model.
    built_at: u64,
    /// Snapshots that came while a Pause was on its way.
    held: HeldBack,
    /// A snapshot has come: the worker has started.
    answered: bool,
    /// When the snapshot on its way was asked for, and the longest wait for one so far.
    waiting: Option<f64>,
    longest_wait: f64,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl WorkerLink {
    /// Takes over the worker boot.js started, or says why there is none (no loader, e.g. a
    /// test page; no Worker; its script refused or failed).
    pub fn start() -> Result<WorkerLink, String> {
        let shared = Reflect::get(&dom::window(), &"saeWasm".into()).map_err(|e| dom::describe(&e))?;
        if shared.is_undefined() {
            return Err(NO_LOADER.into());
        }
        if let Some(problem) = Reflect::get(&shared, &"problem".into()).ok().and_then(|p| p.as_string()) {
            return Err(problem);
        }
        let worker: Worker = Reflect::get(&shared, &"worker".into())
            .ok()
            .and_then(|w| w.dyn_into().ok())
            .ok_or("this browser could not start a Web Worker")?;
        // it may have said so before this page took it over (boot.js noted it)
        let alive = Reflect::get(&shared, &"alive".into()).ok().and_then(|a| a.as_bool()).unwrap_or(false);
        let inbox = Rc::new(RefCell::new(Inbox { alive, ..Inbox::default() }));
        let on_message = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let data = e.data();
                let mut inbox = inbox.borrow_mut();
                if let Some(array) = data.dyn_ref::<js_sys::Float64Array>() {
                    inbox.snapshot = Some((array.to_vec(), dom::now_ms()));
                } else if let Some(text) = data.as_string() {
                    inbox.failed.get_or_insert(text);
                } else {
                    inbox.alive = true;
                }
            })
        };
        let on_error = {
            let inbox = inbox.clone();
            // a script that fails to load fires a plain Event, with no message
            Closure::<dyn FnMut(Event)>::new(move |e: Event| {
                let message = Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string());
                let why = message.filter(|m| !m.is_empty()).unwrap_or_else(|| "its script did not load".into());
                inbox.borrow_mut().failed.get_or_insert(why);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerLink {
            worker,
            inbox,
            sent: 0,
            built_at: 0,
            held: HeldBack::default(),
            answered: false,
            waiting: None,
            longest_wait: 0.0,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends `command` (the worker applies commands in order).
    pub fn send(&mut self, command: &Command) {
        match serde_json::to_string(command) {
            Ok(text) => {
                if let Err(e) = self.worker.post_message(&text.into()) {
                    self.fail(&dom::describe(&e));
                }
                self.sent += 1;
                match command {
                    Command::Build { .. } => {
                        self.built_at = self.sent;
                        self.held = HeldBack::default();
                    }
                    Command::Pause { .. } => self.held.pause_sent(self.sent),
                    _ => {}
                }
            }
            Err(e) => self.fail(&e.to_string()),
        }
    }

    /// Asks for the next snapshot (with the readouts if `readouts`) at time `now`, unless one
    /// is on its way.
    pub fn request(&mut self, readouts: bool, now: f64) {
        match self.waiting {
            None => {
                if self.worker.post_message(&JsValue::from_bool(readouts)).is_ok() {
                    self.waiting = Some(now);
                }
            }
            Some(asked) if !self.inbox.borrow().alive && now - asked > ALIVE_WITHIN_MS => {
                self.fail("the training worker's script did not load")
            }
            Some(asked) if now - asked > self.patience() => self.fail("the training worker stopped answering"),
            Some(_) => {}
        }
    }

    /// The snapshot that came since the last call, if any and if it is of the model in use,
    /// and whether it predates a command sent since (then its play/pause state is stale).
    pub fn take(&mut self) -> Option<Result<(Snapshot, bool), String>> {
        let (data, came) = self.inbox.borrow_mut().snapshot.take()?;
        if let Some(asked) = self.waiting.take() {
            self.longest_wait = self.longest_wait.max(came - asked);
        }
        if !self.answered {
            self.answered = true;
            set_training_attr("worker");
        }
        match Snapshot::decode(&data) {
            Ok(s) if s.seq < self.built_at => None,
            Ok(s) => {
                let s = self.held.take(s)?;
                let stale = s.seq < self.sent;
                Some(Ok((s, stale)))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// How long the snapshot on its way may take (see [`ANSWER_WITHIN_MS`]).
    fn patience(&self) -> f64 {
        match self.answered {
            false => FIRST_ANSWER_WITHIN_MS,
            true => ANSWER_WITHIN_MS.max(PATIENCE_PER_WAIT * self.longest_wait),
        }
    }

    /// True once a snapshot has come (the worker trained).
    pub fn answered(&self) -> bool {
        self.answered
    }

    /// Why the worker stopped, if it did.
    pub fn failed(&self) -> Option<String> {
        self.inbox.borrow().failed.clone()
    }

    fn fail(&self, why: &str) {
        self.inbox.borrow_mut().failed.get_or_insert(why.to_string());
    }
}

/// Where training runs, on the body for tests: "starting" (the worker has not answered yet),
/// "worker", or "page".
pub fn set_training_attr(value: &str) {
    if let Some(body) = dom::document().body() {
        body.set_attribute("data-training", value).ok();
    }
}

impl Drop for WorkerLink {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
