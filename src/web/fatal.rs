//! When something goes wrong, the page says so: a readable panel instead of a frozen page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Installs a panic hook that logs the panic to the console (console_error_panic_hook) and
/// also shows it in the page, since most visitors never open the console.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&format!("sae-lab stopped because of an internal error: {info}. Reload the page to start again."));
    }));
}

/// Shows `message` in a red panel at the top of the app (or of the body). Called from the
/// panic hook, so nothing here may panic: every failure just leaves something out.
pub fn show(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(loading) = doc.get_element_by_id("loading") {
        loading.remove();
    }
    let Ok(panel) = doc.create_element("div") else { return };
    panel.set_class_name("fatal");
    panel.set_attribute("role", "alert").ok();
    panel.set_text_content(Some(message));
    // every setting is in the address bar, so a reload brings the experiment back
    if let Ok(button) = doc.create_element("button") {
        button.set_text_content(Some("Reload with the same settings"));
        button.set_attribute("type", "button").ok();
        // a listener, not an onclick attribute: the page's Content-Security-Policy refuses
        // inline handlers
        let reload = Closure::once_into_js(|| {
            if let Some(window) = web_sys::window() {
                window.location().reload().ok();
            }
        });
        button.add_event_listener_with_callback("click", reload.unchecked_ref()).ok();
        panel.append_child(&button).ok();
    }
    let host = doc.get_element_by_id("app").or_else(|| doc.body().map(Into::into));
    if let Some(host) = host {
        host.prepend_with_node_1(&panel).ok();
    }
}
