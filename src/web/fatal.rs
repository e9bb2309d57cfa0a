//! When something goes wrong, the page says so: a readable panel instead of a frozen page.

use super::dom;

/// Installs a panic hook that logs the panic to the console (console_error_panic_hook) and
/// also shows it in the page, since most visitors never open the console.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&format!("sae-lab stopped because of an internal error: {info}. Reload the page to start again."));
    }));
}

/// Shows `message` in a red panel at the top of the app (or of the body).
pub fn show(message: &str) {
    let doc = dom::document();
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
        button.set_attribute("onclick", "location.reload()").ok();
        panel.append_child(&button).ok();
    }
    let host = doc.get_element_by_id("app").or_else(|| doc.body().map(Into::into));
    if let Some(host) = host {
        host.prepend_with_node_1(&panel).ok();
    }
}
