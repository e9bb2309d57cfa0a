//! Saving what the page shows: text (an SVG chart, a CSV) and canvases (PNG) as downloads.
//!
//! Both go through a temporary `<a download>` that is clicked and removed at once. Text is
//! wrapped in a `Blob` behind an object URL, which is revoked a little later rather than
//! immediately: some browsers start reading the blob only after `click()` returns.

use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, Url};

use crate::web::dom;

/// How long an object URL outlives its click, in milliseconds (FileSaver.js waits 40 s).
const REVOKE_AFTER_MS: i32 = 30_000;

/// Offers `text` as a file named `filename` with MIME type `mime` (e.g.
/// `"image/svg+xml"`, `"text/csv"`).
pub fn download_text(filename: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = Array::of1(&JsValue::from_str(text));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let clicked = click_link(&url, filename);
    // Revoke later (even when the click failed, so the blob is never leaked for good).
    let revoke = {
        let url = url.clone();
        Closure::once_into_js(move || {
            let _ = Url::revoke_object_url(&url);
        })
    };
    let scheduled =
        dom::window().set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), REVOKE_AFTER_MS);
    if scheduled.is_err() {
        Url::revoke_object_url(&url)?;
    }
    clicked
}

/// Offers the canvas's current pixels as a PNG named `filename`.
pub fn download_canvas_png(canvas: &HtmlCanvasElement, filename: &str) -> Result<(), JsValue> {
    let url = canvas.to_data_url_with_type("image/png")?;
    click_link(&url, filename)
}

/// Clicks a temporary, empty (so invisible) `<a href=url download=filename>` (attached to the body
/// for the click, since Firefox ignores clicks on detached links).
fn click_link(url: &str, filename: &str) -> Result<(), JsValue> {
    let document = dom::document();
    let a = document.create_element("a")?.dyn_into::<HtmlAnchorElement>()?;
    a.set_href(url);
    a.set_download(filename);
    let body = document.body().ok_or_else(|| JsValue::from_str("download: the page has no <body>"))?;
    body.append_child(&a)?;
    a.click();
    a.remove();
    Ok(())
}
