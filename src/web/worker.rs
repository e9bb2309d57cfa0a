//! The worker's end (see [`super::worker_link`] for the page's): a [`Host`] that trains
//! without pause while it plays, in slices short enough that commands and snapshot requests
//! are answered within a few milliseconds.
//!
//! `www/worker.js` loads this same module and passes every message to [`worker_receive`]:
//! a command as JSON text, or a snapshot request as a boolean (with readouts or not). It
//! answers with a snapshot as a Float64Array (transferred, not copied), or with a string
//! when it cannot go on.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel};

use crate::session::{Command, Host};
use crate::state::from_hash;

/// Milliseconds of training per slice: long enough that scheduling costs little, short
/// enough that a click is answered at once.
const SLICE_MS: f64 = 12.0;

struct Worker {
    host: Option<Host>,
    /// Commands applied.
    seq: u64,
    /// A slice is scheduled.
    scheduled: bool,
    /// Wakes the loop with no delay (a zero setTimeout is clamped to 4 ms when nested).
    channel: MessageChannel,
    _wake: Closure<dyn FnMut()>,
}

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

/// One message from the page (see the module docs).
#[wasm_bindgen]
pub fn worker_receive(data: JsValue) {
    WORKER.with(|w| {
        let mut slot = w.borrow_mut();
        if slot.is_none() {
            match Worker::new() {
                Ok(worker) => *slot = Some(worker),
                Err(e) => return say(&format!("the worker could not start: {e:?}")),
            }
        }
        let worker = slot.as_mut().expect("just made");
        if let Some(readouts) = data.as_bool() {
            worker.send_snapshot(readouts);
        } else if let Some(text) = data.as_string() {
            if let Err(e) = worker.apply(&text) {
                say(&format!("the training worker refused a command: {e}"));
            }
        }
        worker.schedule();
    });
}

/// Tells the page that the worker cannot go on.
fn say(why: &str) {
    scope().post_message(&JsValue::from_str(why)).ok();
}

fn run_slice() {
    WORKER.with(|w| {
        if let Some(worker) = w.borrow_mut().as_mut() {
            worker.scheduled = false;
            if let Some(host) = &mut worker.host {
                host.session_mut().tick(now(), &mut now, SLICE_MS);
            }
            worker.schedule();
        }
    });
}

impl Worker {
    fn new() -> Result<Worker, JsValue> {
        // a panic is logged, and reaches the page as the worker's error event
        std::panic::set_hook(Box::new(console_error_panic_hook::hook));
        let channel = MessageChannel::new()?;
        let wake = Closure::<dyn FnMut()>::new(run_slice);
        channel.port2().set_onmessage(Some(wake.as_ref().unchecked_ref()));
        Ok(Worker { host: None, seq: 0, scheduled: false, channel, _wake: wake })
    }

    fn apply(&mut self, text: &str) -> Result<(), String> {
        let command = match serde_json::from_str(text).map_err(|e| e.to_string())? {
            // the page's moment, on this worker's clock
            Command::Pause { at } => Command::Pause { at: at - scope().performance().map_or(0.0, |p| p.time_origin()) },
            command => command,
        };
        self.seq += 1;
        let applied = match (&mut self.host, command) {
            (Some(host), command) => host.apply(command),
            // the first command builds the session the page built
            (None, Command::Build { link, play, .. }) => {
                let mut host = Host::new(&from_hash(&link).0)?;
                if play {
                    host.session_mut().play();
                }
                self.host = Some(host);
                Ok(())
            }
            (None, _) => Err("a command came before the session was built".into()),
        };
        // a click is answered only between slices, and a slice may be one step of seconds:
        // a Pause undoes the step under way when it was clicked (Session::pause_at)
        if let Some(host) = &mut self.host {
            host.session_mut().keep_undo();
        }
        applied
    }

    fn send_snapshot(&mut self, readouts: bool) {
        let Some(host) = &mut self.host else { return };
        let data = host.session_mut().snapshot(self.seq, readouts).encode();
        let array = js_sys::Float64Array::from(data.as_slice());
        let transfer = js_sys::Array::of1(&array.buffer());
        if let Err(e) = scope().post_message_with_transfer(&array, &transfer) {
            say(&format!("the training worker could not send its state: {e:?}"));
        }
    }

    /// Schedules the next slice while there is training to do: at once when playing at full
    /// speed, after a short wait in slow motion (the session takes a step when it is due).
    fn schedule(&mut self) {
        let Some(host) = &self.host else { return };
        let session = host.session();
        if self.scheduled || !session.wants_to_train() {
            return;
        }
        self.scheduled = true;
        let posted = match session.step_ms() {
            ms if ms > 0.0 && session.running() => {
                let wait = ms.min(16.0) as i32;
                scope().set_timeout_with_callback_and_timeout_and_arguments_0(self.wake_fn(), wait).map(|_| ())
            }
            _ => self.channel.port1().post_message(&JsValue::NULL),
        };
        self.scheduled = posted.is_ok();
    }

    fn wake_fn(&self) -> &js_sys::Function {
        self._wake.as_ref().unchecked_ref()
    }
}
