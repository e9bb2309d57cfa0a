//! Everything that touches the browser: the only module that imports web-sys.
//!
//! - [`app`]: state; [`events`]: event wiring; [`frame`]: the requestAnimationFrame loop.
//! - [`panels`]: the readouts that explain sparsity (ρ̂ bars, firing, unit detail, PCA…);
//!   [`classify`] and [`latent`]: the digits' classifier and the VAE's latent space.
//! - [`markup`]: the page's controls and canvases; [`dom`]: small DOM helpers.
//! - [`settings`]: the settings form ↔ `Params`; [`persist`]: URL hash, browser storage, files.
//! - [`upload`]: the user's own pictures, decoded by the browser.
//! - [`view`]: one module per canvas, each drawing from plain data.
//! - [`fatal`]: panic hook and the error panel.
//! - [`worker`]: the training worker's end; [`worker_link`]: the page's end.
//! - [`bench`]: the training step exported for `./scripts/bench.sh` (not used by the page).

use wasm_bindgen::{JsCast, JsValue};

pub mod app;
pub mod bench;
pub mod camera;
mod classify;
mod conv_panel;
pub mod dom;
pub mod events;
pub mod fatal;
pub mod frame;
mod latent;
pub mod markup;
pub mod panels;
pub mod persist;
pub mod settings;
pub mod upload;
pub mod view;
pub mod worker;
pub mod worker_link;

/// Builds the app inside `root`, wires its events and draws the first frame.
pub fn mount(root: &web_sys::Element) -> Result<std::rc::Rc<std::cell::RefCell<app::App>>, JsValue> {
    let app = app::build(root)?;
    events::wire(&app, root)?;
    app.borrow_mut().frame(dom::now_ms())?;
    Ok(app)
}

/// Entry point of the page: installs the panic hook, mounts the app into `#app` and starts
/// the animation loop. Any failure is shown in the page. Without `#app` it does nothing.
pub fn start() {
    // the training worker loads this module too: it has no page to mount
    if js_sys::global().dyn_ref::<web_sys::Window>().is_none() {
        return;
    }
    fatal::install_panic_hook();
    // A page without #app (the benchmark page, test pages) only wants the exports.
    let Some(root) = dom::document().get_element_by_id("app") else { return };
    let result = mount(&root).and_then(|app| {
        app.borrow_mut().autostart();
        frame::run(app)
    });
    if let Err(e) = result {
        fatal::show(&format!("sae-lab could not start: {}", dom::describe(&e)));
    }
}
