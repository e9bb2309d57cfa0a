//! Small DOM helpers, so the rest of `web` reads as what it does.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventTarget, Window};

/// The global window (always present in a page or a browser test).
pub fn window() -> Window {
    web_sys::window().expect("sae-lab runs in a browser window")
}

/// The window's document.
pub fn document() -> Document {
    window().document().expect("a browser window has a document")
}

/// High-resolution time in milliseconds, or 0 if the Performance API is missing.
pub fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Milliseconds since the epoch, at [`now_ms`]'s resolution: a time the worker, whose clock
/// has another origin, can compare with its own.
pub fn epoch_ms() -> f64 {
    window().performance().map(|p| p.time_origin() + p.now()).unwrap_or(0.0)
}

/// The first element under `root` matching `selector`, cast to `T`; an error names it.
pub fn find<T: JsCast>(root: &Element, selector: &str) -> Result<T, JsValue> {
    root.query_selector(selector)?
        .ok_or_else(|| JsValue::from_str(&format!("missing element {selector}")))?
        .dyn_into::<T>()
        .map_err(|_| JsValue::from_str(&format!("element {selector} has the wrong type")))
}

/// Adds an event listener that lives as long as the page (the app is never torn down).
pub fn listen(target: &EventTarget, event: &str, handler: impl FnMut(Event) + 'static) -> Result<(), JsValue> {
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())?;
    closure.forget();
    Ok(())
}

/// A readable sentence from a thrown JS value.
pub fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| e.dyn_ref::<js_sys::Error>().map(|err| String::from(err.message())))
        .unwrap_or_else(|| format!("{e:?}"))
}
