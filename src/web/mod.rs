//! Everything that touches the browser: the only module that imports web-sys.
//!
//! - [`app`]: state; [`events`]: event wiring; [`frame`]: the requestAnimationFrame loop.
//! - [`panels`]: the readouts that explain sparsity (ρ̂ bars, firing, unit detail, PCA…).
//! - [`markup`]: the page's controls and canvases; [`dom`]: small DOM helpers.
//! - [`view`]: one module per canvas, each drawing from plain data.
//! - [`fatal`]: panic hook and the error panel.

pub mod app;
pub mod dom;
pub mod events;
pub mod fatal;
pub mod frame;
pub mod markup;
pub mod panels;
pub mod view;

/// Entry point of the page: installs the panic hook, mounts the app into `#app` and starts
/// the animation loop. Any failure is shown in the page.
pub fn start() {
    fatal::install_panic_hook();
    let result = dom::document()
        .get_element_by_id("app")
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("the page has no element with id \"app\""))
        .and_then(|root| app::mount(&root))
        .and_then(|app| {
            app.borrow_mut().set_running(true);
            frame::run(app)
        });
    if let Err(e) = result {
        fatal::show(&format!("sae-lab could not start: {}", dom::describe(&e)));
    }
}
