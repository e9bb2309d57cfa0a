//! The app's controls, canvases and explanations. Built by Rust into whatever root it is
//! mounted on, so the page and the browser tests get exactly the same DOM.

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
<div class="verdict" id="verdict" role="status" aria-live="polite"></div>
<div class="panels">
  <section class="panel">
    <h2>Learned filters <span class="sub">hover or click a tile</span></h2>
    <canvas id="filters" width="320" height="320" aria-label="Grid of learned filters, one tile per hidden unit"></canvas>
    <p class="explain">Each tile is one hidden unit's input weights W1 (grey = 0, each tile has its own contrast).
      With sparsity they become small, oriented edge detectors, like simple cells in the visual cortex.</p>
  </section>
  <section class="panel">
    <h2>Network</h2>
    <canvas id="diagram" width="640" height="300" aria-label="Input patch, hidden unit activations and reconstruction"></canvas>
    <p class="explain">A patch goes in; each hidden unit lights up as much as it responds to it (amber = active).
      With a small ρ only a few units answer any one patch, and the decoder rebuilds the patch from those few.</p>
  </section>
</div>
<div class="panels even">
  <section class="panel">
    <h2>Unit detail</h2>
    <canvas id="unit" width="560" height="200" aria-label="The selected hidden unit: its filter, mean activation and the patches that excite it most"></canvas>
    <p class="explain">The selected unit's filter, its mean activation ρ̂ against the target ρ, its weight norm,
      and the recent patches that excite it most: they share the filter's edge.</p>
  </section>
  <section class="panel">
    <h2>Reconstruction of the shown patch</h2>
    <canvas id="recon-patch" width="420" height="170" aria-label="Input patch, its reconstruction and the error"></canvas>
    <p class="explain">Input, the decoder's reconstruction x̂ = σ(W2·a + b2), and where they differ.</p>
  </section>
  <section class="panel">
    <h2>Mean activation per unit, ρ̂<sub>j</sub></h2>
    <canvas id="rho-bars" width="560" height="180" aria-label="Mean activation of each hidden unit against the target rho"></canvas>
    <p class="explain">The KL penalty pulls every bar to the dashed line ρ. Grey-red bars are units that almost never
      fire (dead); amber bars fire far too often. Log scale.</p>
  </section>
  <section class="panel">
    <h2>How sparse is the code?</h2>
    <canvas id="firing" width="560" height="180" aria-label="Histogram of firing frequencies, dead units, L0 and variance explained"></canvas>
    <p class="explain">How often each unit fires (activation above 0.1) over recent patches, the number of dead units, L0 (units
      active per patch) and the share of patch variance the reconstruction explains: the numbers modern
      sparse-autoencoder work watches.</p>
  </section>
  <section class="panel wide">
    <h2>Cost <span class="sub">log scale</span></h2>
    <canvas id="loss" width="1000" height="260" aria-label="Reconstruction, sparsity, weight decay, total and held-out cost over training steps"></canvas>
    <p class="explain">J = (1/2m)Σ‖x̂−x‖² + (λ/2)(‖W1‖²+‖W2‖²) + β Σ<sub>j</sub> KL(ρ‖ρ̂<sub>j</sub>).
      Reconstruction falls as the filters learn; the sparsity term stays small while every ρ̂<sub>j</sub> sits near ρ.
      The held-out curve is the cost on patches never trained on: if it tracks the training cost, the code generalises.</p>
  </section>
  <section class="panel wide">
    <h2>The whole image, rebuilt patch by patch</h2>
    <canvas id="image" width="1000" height="330" aria-label="Image, its patch-by-patch reconstruction and the reconstruction error map"></canvas>
    <p class="explain">Each 8×8 block is encoded and decoded on its own (after the same normalisation as training).
      The error map is what anomaly detection uses: regions unlike the training data are rebuilt badly and light up.</p>
  </section>
  <section class="panel wide">
    <h2>Compare with PCA</h2>
    <div class="pair">
      <figure><canvas id="filters-copy" width="320" height="320" aria-label="Learned sparse filters"></canvas>
        <figcaption>sparse autoencoder filters</figcaption></figure>
      <figure><canvas id="pca" width="320" height="320" aria-label="Top principal components of the same patches"></canvas>
        <figcaption>top principal components of the same patches</figcaption></figure>
    </div>
    <p class="explain">An autoencoder with linear units and no penalty learns the same subspace as PCA. PCA's components are
      orthogonal directions of largest variance; for images, whose statistics are the same everywhere, those are global
      gratings spread over the whole patch. The sparsity penalty instead asks for rare, independent causes of the image,
      and the rare causes of natural images are local edges.</p>
  </section>
  <section class="panel wide explain-panel">
    <h2>What the knobs do</h2>
    <dl>
      <dt>ρ (sparsity target)</dt><dd>The mean activation each hidden unit should have over many patches. ρ = 0.01: each
        unit fires on about 1 patch in 100.</dd>
      <dt>β (sparsity weight)</dt><dd>How hard the penalty β·Σ<sub>j</sub> KL(ρ‖ρ̂<sub>j</sub>) pushes. KL(ρ‖ρ̂) =
        ρ·log(ρ/ρ̂) + (1−ρ)·log((1−ρ)/(1−ρ̂)) is zero when ρ̂ = ρ and grows fast as ρ̂ drifts away.</dd>
      <dt>λ (weight decay)</dt><dd>(λ/2)(‖W1‖²+‖W2‖²) keeps weights small, so units cannot cheat the sparsity penalty
        with huge weights and tiny activations. Fixed at 10<sup>−4</sup> here.</dd>
    </dl>
    <h3>Try this</h3>
    <ul class="try">
      <li><button type="button" id="try-beta0">β = 0</button> No sparsity: filters lose locality and turn into blurry,
        global patterns; every ρ̂ rises towards 0.5 and the verdict drops to "no edge detectors".</li>
      <li><button type="button" id="try-rho03">ρ = 0.3</button> A dense code: units fire on a third of all patches,
        filters get blurrier and less local.</li>
      <li><button type="button" id="try-hidden100">100 hidden units</button> An overcomplete dictionary (more units
        than the 64 pixels): many more, finer edge detectors at more positions and orientations (restarts training).</li>
      <li><button type="button" id="try-defaults">UFLDL defaults</button> Back to ρ = 0.01, β = 3, 25 units.</li>
    </ul>
  </section>
</div>
<section class="exports" aria-label="Export">
  <span>Export:</span>
  <button type="button" id="export-png">Filters (PNG)</button>
  <button type="button" id="export-svg">Cost curves (SVG)</button>
  <button type="button" id="export-csv">Metric history (CSV)</button>
</section>
"##,
        rho_steps = RHO_STEPS,
        beta_max = BETA_MAX
    )
}
