//! The requestAnimationFrame loop: one [`App::frame`] per display frame, rescheduled from
//! inside itself (the Rc<RefCell<Option<Closure>>> pattern of the wasm-bindgen examples).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::app::App;
use super::{dom, fatal};

type FrameClosure = Closure<dyn FnMut(f64)>;

/// Starts the loop; it runs for the life of the page, or stops with a message in the page
/// if a frame fails.
pub fn run(app: Rc<RefCell<App>>) -> Result<(), JsValue> {
    let slot: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
    let next = slot.clone();
    *slot.borrow_mut() = Some(Closure::new(move |_ts: f64| {
        if let Err(e) = app.borrow_mut().frame(dom::now_ms()) {
            fatal::show(&format!("sae-lab stopped drawing: {}. Reload the page to start again.", dom::describe(&e)));
            return;
        }
        if let Some(cb) = next.borrow().as_ref() {
            request(cb).ok();
        }
    }));
    let first = slot.borrow();
    request(first.as_ref().expect("the frame closure was just stored")).map(|_| ())
}

fn request(cb: &FrameClosure) -> Result<i32, JsValue> {
    dom::window().request_animation_frame(cb.as_ref().unchecked_ref())
}
