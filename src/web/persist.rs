//! What outlives the page: the URL hash (every setting and the seed), the browser's storage
//! (the latest model, offered back after a reload), and files the user picks.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{FileReader, HtmlInputElement};

use super::dom;

/// The largest model file the page reads (checked before reading it).
pub const MAX_FILE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
/// Storage key of the latest model.
const LAST_MODEL_KEY: &str = "sae-lab:last-model";

/// The URL hash without its '#', or "" (the page's settings link).
pub fn read_hash() -> String {
    dom::window().location().hash().unwrap_or_default().trim_start_matches('#').to_string()
}

/// Replaces the URL hash without adding a history entry (moving a slider must not fill the
/// back button's history).
pub fn write_hash(hash: &str) {
    if let Ok(history) = dom::window().history() {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{hash}"))).ok();
    }
}

/// The latest model saved in this browser, if any (storage may be disabled: then none).
pub fn load_last_model() -> Option<String> {
    dom::window().local_storage().ok().flatten()?.get_item(LAST_MODEL_KEY).ok().flatten()
}

/// Keeps `json` as the latest model; quietly does nothing when storage is unavailable or full.
pub fn save_last_model(json: &str) {
    if let Ok(Some(storage)) = dom::window().local_storage() {
        storage.set_item(LAST_MODEL_KEY, json).ok();
    }
}

/// Forgets the latest model ("start fresh").
pub fn forget_last_model() {
    if let Ok(Some(storage)) = dom::window().local_storage() {
        storage.remove_item(LAST_MODEL_KEY).ok();
    }
}

/// Reads the file chosen in `input` as text and hands the result to `done`. Files over
/// [`MAX_FILE_BYTES`] are refused before reading.
pub fn read_chosen_file(input: &HtmlInputElement, done: impl FnOnce(Result<(String, String), String>) + 'static) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        let mb = file.size() / 1024.0 / 1024.0;
        done(Err(format!("{name} is {mb:.0} MB; the largest model sae-lab loads is 16 MB.")));
        return;
    }
    let reader = match FileReader::new() {
        Ok(r) => r,
        Err(e) => return done(Err(format!("the browser cannot read files here ({})", dom::describe(&e)))),
    };
    let r = reader.clone();
    let mut done = Some(done);
    let onload = Closure::<dyn FnMut()>::new(move || {
        let text = r.result().ok().and_then(|v| v.as_string());
        if let Some(done) = done.take() {
            done(text.map(|t| (name.clone(), t)).ok_or_else(|| format!("{name} could not be read as text.")));
        }
    });
    reader.set_onloadend(Some(onload.as_ref().unchecked_ref()));
    onload.forget(); // one per chosen file: small, and it must live until the read ends
                     // read_as_text only throws for a reader already busy, which this fresh one is not
    reader.read_as_text(&file).ok();
}
