//! The app's controls and canvases. Built by Rust into whatever root it is mounted on, so
//! the page and the browser tests get exactly the same DOM.

use crate::sliders::{BETA_MAX, RHO_STEPS};

/// The app's inner HTML.
pub fn html() -> String {
    format!(
        r##"
<div class="message" id="message" role="status" aria-live="polite"></div>
<section class="controls" aria-label="Training controls">
  <button id="play" type="button" aria-pressed="false">Play</button>
  <button id="reset" type="button" title="New random weights, same seed and settings">Reset</button>
  <div class="slider">
    <label for="rho">ρ</label>
    <input id="rho" type="range" min="0" max="{rho_steps}" step="1">
    <output id="rho-out" for="rho"></output>
    <span class="hint">sparsity target: how often each unit should fire</span>
  </div>
  <div class="slider">
    <label for="beta">β</label>
    <input id="beta" type="range" min="0" max="{beta_max}" step="0.1">
    <output id="beta-out" for="beta"></output>
    <span class="hint">weight of the sparsity penalty</span>
  </div>
  <div class="status" id="status" aria-live="off"></div>
</section>
<div class="panels">
  <section class="panel">
    <h2>Learned filters</h2>
    <canvas id="filters" width="320" height="320" aria-label="Grid of learned filters, one tile per hidden unit"></canvas>
    <p class="explain">Each tile is one hidden unit's input weights (grey = 0). With sparsity they become small,
      oriented edge detectors, like simple cells in the visual cortex.</p>
  </section>
  <section class="panel">
    <h2>Network</h2>
    <canvas id="diagram" width="640" height="300" aria-label="Input patch, hidden unit activations and reconstruction"></canvas>
    <p class="explain">A patch goes in, each hidden unit lights up as much as it responds (ρ̂ is its mean
      over a batch), and the decoder rebuilds the patch from those few active units.</p>
  </section>
  <section class="panel wide">
    <h2>Cost</h2>
    <canvas id="loss" width="1000" height="260" aria-label="Reconstruction, sparsity and total cost over training steps"></canvas>
    <p class="explain">Reconstruction error falls as the filters learn; the sparsity penalty β·ΣKL(ρ‖ρ̂) stays small
      while each unit's mean activation ρ̂ stays near ρ. Log scale.</p>
  </section>
</div>
"##,
        rho_steps = RHO_STEPS,
        beta_max = BETA_MAX
    )
}
