//! sae-lab: a sparse autoencoder that trains live in the browser.
//!
//! Pure modules (no browser types, tested natively with `cargo test`):
//! - [`model`]: the autoencoder, its cost terms, analytic gradients, optimisers, edge metrics.
//! - [`data`]: built-in images, whitening, patch sampling and normalisation.
//! - [`train`]: the training step and the time-budgeted slice the page runs per frame.
//! - [`session`]: a training session: pacing, histories, divergence, the shown patch.
//! - [`history`]: bounded loss history for the curves.
//! - [`readouts`]: code statistics, PCA, whole-image reconstruction, top patches, edge verdict, CSV.
//! - [`raster`]: RGBA pixel buffers for the filter grid and patches.
//! - [`sliders`]: slider positions ↔ hyperparameter values.
//! - [`state`]: the settings, the link format, presets and the saved-model file.
//! - [`words`]: the words of enum values in links, files, menus and the CLI, spelled once.
//!
//! Only [`web`] (compiled for wasm32) touches the DOM.

pub mod data;
pub mod history;
pub mod model;
pub mod raster;
pub mod readouts;
pub mod session;
pub mod sliders;
pub mod state;
pub mod train;
pub mod words;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// The page's entry point (wasm-bindgen calls it when the module loads; the test runner
/// does not, so browser tests mount the app themselves).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    web::start();
}
