//! The app's controls, canvases and explanations. Built by Rust into whatever root it is
//! mounted on, so the page and the browser tests get exactly the same DOM.

use crate::data::Dataset;
use crate::model::{KnobKind, MODELS};
use crate::sliders::{BETA_MAX, RHO_STEPS};
use crate::state::params::{fields_in, Place, Scope, Value, BESIDE_NOISE};
use crate::state::presets;
use crate::words::Word;

/// The app's inner HTML.
pub fn html() -> String {
    format!(
        r##"
<div class="message" id="message" role="status" aria-live="polite"></div>
<section class="controls" aria-label="Training controls">
  <button id="play" type="button" aria-pressed="false">Play</button>
  <button id="reset" type="button" title="New random weights, same seed and settings">Reset</button>
  <button id="step" type="button" title="One training step (→)">Step</button>
  <div class="slider sae-only" data-hide="rho">
    <label for="rho">ρ</label>
    <input id="rho" type="range" min="0" max="{rho_steps}" step="1">
    <output id="rho-out" for="rho"></output>
    <span class="hint">sparsity target: how often each unit should fire</span>
  </div>
  <div class="slider sae-only" data-hide="beta">
    <label for="beta">β</label>
    <input id="beta" type="range" min="0" max="{beta_max}" step="0.1">
    <output id="beta-out" for="beta"></output>
    <span class="hint">weight of the sparsity penalty</span>
  </div>
  <div class="data-choice" data-hide="data">
    <label for="data">data</label>
    <select id="data">{data_options}</select>
    <label class="check" data-hide="whiten" title="Flatten the 1/f spectrum of photographs (Olshausen &amp; Field)"><input type="checkbox" id="whiten"> whiten</label>
    <input type="file" id="upload" accept="image/*" multiple>
    <label class="file-button" for="upload">Use your own pictures…</label>
    <button type="button" id="camera-snap" data-hide="camera" title="Add a picture from your camera to your pictures">Take a snapshot</button>
    <button type="button" id="camera-live" data-hide="camera" aria-pressed="false" title="Train on what the camera sees: a new frame every second">Train on the camera</button>
    <span class="hint" id="data-desc"></span>
  </div>
  <div class="model-choice" data-hide="model">
    <label for="model">model</label>
    <select id="model">{model_options}</select>
    <label for="compare">beside it, on the same patches</label>
    <select id="compare"><option value="">nothing</option>{model_options}</select>
    <span id="readout-choice" hidden><label for="readout-lane">readouts follow</label>
      <select id="readout-lane"><option value="0">the first model</option><option value="1">the second model</option></select></span>
  </div>
  <div class="status" id="status" aria-live="off"></div>
</section>
<details class="settings" id="settings-box">
  <summary>All settings, presets, speed, save and load</summary>
  <div class="settings-grid">
    <fieldset data-hide="presets"><legend>Presets</legend>
      <label for="preset">Experiment</label>
      <select id="preset">{preset_options}</select>
      <p class="hint" id="preset-desc"></p>
    </fieldset>
    <fieldset><legend>Live: act on the next step</legend>
      {live_fields}
    </fieldset>
    <fieldset data-hide="model"><legend>The models' own knobs: live</legend>
      {knob_fields}
    </fieldset>
    <fieldset><legend>Shape: changing these restarts training</legend>
      {shape_fields}
    </fieldset>
    <fieldset><legend>Speed</legend>
      <div class="field" data-hide="speed"><label for="speed">speed</label>
        <input id="speed" type="range" min="0" max="10" step="1"><output id="speed-out" for="speed"></output></div>
      {speed_fields}
      <p class="hint">Keys: space play/pause, → one step, r reset.</p>
    </fieldset>
    <fieldset data-hide="save"><legend>Save and load</legend>
      <button type="button" id="save">Save model (JSON)</button>
      <label class="file-button" for="load">Load model…</label>
      <input type="file" id="load" accept=".json,application/json">
      <button type="button" id="copy-link">Copy link to this experiment</button>
      <p class="hint">The address bar always holds every setting and the seed: share it to reproduce this run.</p>
    </fieldset>
  </div>
</details>
<div class="verdict" id="verdict" role="status" aria-live="polite"></div>
<div class="panels">
  <section data-hide="filters" class="panel">
    <h2>Learned filters: <span id="lane1-name"></span> <span class="sub" id="filters-help">hover or click a tile, or use the arrow keys</span></h2>
    <canvas id="filters" width="320" height="320" tabindex="0" role="slider" aria-label="Learned filters, one tile per hidden unit: choose the unit shown in Unit detail"
      aria-describedby="filters-help" aria-valuemin="0" aria-valuemax="24" aria-valuenow="0" aria-valuetext="unit 0"></canvas>
    <p class="explain">Each tile is one unit's filter (grey = the tile's mean, each tile has its own contrast).
      With sparsity they become small, oriented edge detectors, like simple cells in the visual cortex.</p>
    <p class="lane-diag" id="lane1-diag" aria-live="off"></p>
    <p class="explain formula" id="lane1-cost"></p>
    <p class="explain lesson" id="lane1-lesson"></p>
  </section>
  <section data-hide="filters" class="panel" id="lane2-panel" hidden>
    <h2>Beside it: <span id="lane2-name"></span></h2>
    <canvas id="filters-2" width="320" height="320" role="img" aria-label="Filters of the second model, trained on the same patches"></canvas>
    <p class="lane-verdict" id="lane2-verdict" aria-live="off"></p>
    <p class="lane-diag" id="lane2-diag" aria-live="off"></p>
    <p class="explain formula" id="lane2-cost"></p>
    <p class="explain lesson" id="lane2-lesson"></p>
  </section>
  <section data-hide="diagram" class="panel">
    <h2>Network</h2>
    <canvas id="diagram" width="640" height="300" role="img" aria-label="The network on the shown patch: the input patch, one disc per hidden unit lit as much as it responds, and the reconstruction"></canvas>
    <p class="explain">A patch goes in; each hidden unit lights up as much as it responds to it (amber to white-hot, with a ring when active).
      With a small ρ only a few units answer any one patch, and the decoder rebuilds the patch from those few.</p>
  </section>
  <section data-hide="inference" class="panel" id="inference-panel" hidden>
    <h2>Inference is an optimisation <span class="sub">sparse coding, the shown patch</span></h2>
    <canvas id="inference" width="330" height="280" role="img" aria-label="The code of the shown patch after each FISTA iteration"></canvas>
    <p class="lane-verdict" id="inference-l0" aria-live="off"></p>
    <p class="explain">Sparse coding has no encoder: a patch's code is the a that minimises ½‖x − Da‖² + λ‖a‖₁, found by
      FISTA. Each column is the code after one more iteration, one row per atom (amber positive, blue negative, dark exactly
      zero). The soft threshold switches most atoms off within a few iterations; the few left explain the patch. An
      autoencoder's encoder gives its code in one pass instead: it learns to approximate this optimisation.</p>
  </section>
</div>
<div class="panels even">
  <section data-hide="unit" class="panel">
    <h2>Unit detail</h2>
    <canvas id="unit" width="560" height="200" role="img" aria-describedby="unit-text" aria-label="The selected hidden unit: its filter, mean activation, weight norm and the patches that excite it most"></canvas>
    <p class="sr-only" id="unit-text"></p>
    <p class="explain">The selected unit's filter, its mean activation ρ̂ against the target ρ, its weight norm,
      and the recent patches that excite it most: they share the filter's edge.</p>
  </section>
  <section data-hide="recon" class="panel">
    <h2>Reconstruction of the shown patch</h2>
    <canvas id="recon-patch" width="420" height="170" role="img" aria-label="The shown patch, its reconstruction and the error between them, enlarged"></canvas>
    <p class="explain">Input, the decoder's reconstruction x̂ = σ(W2·a + b2), and where they differ.</p>
  </section>
  <section data-hide="rho-bars" class="panel">
    <h2 id="rho-bars-title">Mean activation per unit, ρ̂<sub>j</sub></h2>
    <canvas id="rho-bars" width="560" height="180" role="img" aria-describedby="rho-bars-text" aria-label="One bar per hidden unit on a log scale: its mean activation against the target ρ (or how often it is active), dead and always-on units coloured"></canvas>
    <p class="sr-only" id="rho-bars-text"></p>
    <p class="explain" id="rho-bars-explain">The KL penalty pulls every bar to the dashed line ρ. Grey-red bars are units that almost never
      fire (dead); amber bars fire far too often. Log scale.</p>
  </section>
  <section data-hide="firing" class="panel">
    <h2>How sparse is the code?</h2>
    <canvas id="firing" width="560" height="180" role="img" aria-describedby="firing-text" aria-label="Histogram of how often the units fire (log scale), beside the number of dead units, L0 and the variance explained"></canvas>
    <p class="sr-only" id="firing-text"></p>
    <p class="explain">How often each unit fires (activation above 0.1) over recent patches, the number of dead units, L0 (units
      active per patch) and the share of patch variance the reconstruction explains: the numbers modern
      sparse-autoencoder work watches.</p>
  </section>
  <section data-hide="loss" class="panel wide">
    <h2>Cost <span class="sub" id="loss-scale">fitted to the run, step axis in log scale</span></h2>
    <div class="chart-controls">
      <label class="check" for="loss-full"><input type="checkbox" id="loss-full"> full range, log scale</label>
      <span class="hint">every step and every term on one log axis, from the first step</span>
    </div>
    <canvas id="loss" width="1000" height="340" role="img" aria-label="Total and reconstruction cost of each model over training steps, the held-out cost, and the penalty terms and weight decay of the model the readouts follow"></canvas>
    <p class="explain">J = (1/2m)Σ‖x̂−x‖² + (λ/2)(‖W1‖²+‖W2‖²) + β Σ<sub>j</sub> KL(ρ‖ρ̂<sub>j</sub>).
      The first steps cost far more (every unit starts half on, far from ρ), so by default the cost axis fits the run after
      its first 200 steps and the step axis is logarithmic: the plateau, while the net outputs the mean patch, and the drop
      as edges form fill the chart. The penalty terms and weight decay, much smaller, have the log panel under it.
      Reconstruction falls as the filters learn; the sparsity term stays small while every ρ̂<sub>j</sub> sits near ρ.
      With two models each has its colour and its own cost axis (left, right): each measures cost in its own scale.
      The held-out dots are the cost on patches never trained on (from a second picture of the same kind; for your own
      pictures, from those pictures): if they track the training cost, the code generalises.</p>
  </section>
  <section data-hide="image" class="panel wide">
    <h2>The whole image, rebuilt patch by patch</h2>
    <div class="test-controls">
      <label for="test-noise">add noise</label>
      <input id="test-noise" type="range" min="0" max="0.5" step="0.05" value="0">
      <output id="test-noise-out" for="test-noise">0</output>
      <button type="button" id="paste-object">Paste a foreign object</button>
      <button type="button" id="clear-test">Clear</button>
      <span class="hint" id="paint-hint">or drag on the image to paint on it (by keyboard: focus it, arrows move the
        brush, Space paints, Shift + arrows paint a line)</span>
    </div>
    <canvas id="image" class="painting" width="1000" height="330" tabindex="0" role="application"
      aria-roledescription="paintable image" aria-describedby="paint-hint"
      aria-label="Image, its patch-by-patch reconstruction and the reconstruction error map"></canvas>
    <p class="test-score" id="test-score" aria-live="off"></p>
    <p class="explain">Each 8×8 block is encoded and decoded on its own (after the same normalisation as training).
      The error map is what anomaly detection uses: paint on the image or paste an object, and the blocks unlike the
      training data are rebuilt badly and light up. Add noise to see how little of it gets through the narrow code
      into the reconstruction; the denoising preset trains for exactly that.</p>
  </section>
  <section data-hide="conv" class="panel wide" id="conv-panel" hidden>
    <h2>The whole image in one pass (convolutional autoencoder)</h2>
    <canvas id="conv-image" width="1000" height="330" role="img"
      aria-label="The test picture rebuilt tile by tile and in one pass, and the one pass's per-pixel error map"></canvas>
    <p class="test-score" id="conv-figures" aria-live="off"></p>
    <p class="explain">Tile by tile, each 8×8 tile of the picture above goes through the model's own pass on its own, as
      a training patch does (the panel above decodes each tile from its code alone, each map's largest value: a coarser
      sketch). In one pass the kernels run over the whole picture at once, so no pixel sits at a tile's border and the
      seams go. Paint on the picture above or paste an object: where it is unlike what the model learned, the error
      map lights up, which is what anomaly detection thresholds.</p>
    <canvas id="conv-maps" width="1000" height="600" role="img"
      aria-label="Each kernel beside its feature map over the test picture"></canvas>
    <p class="explain" id="conv-maps-caption"></p>
  </section>
  <section data-hide="latent" class="panel wide" id="latent-panel" hidden>
    <h2>The latent space (variational autoencoder)</h2>
    <div class="pair">
      <figure><canvas id="latent-grid" width="320" height="320" role="img" aria-label="Decodings over the latent space"></canvas>
        <figcaption>what the decoder draws</figcaption></figure>
      <figure id="latent-scatter-figure"><canvas id="latent-scatter" width="320" height="320" role="img" aria-label="Where the pictures land in the latent plane"></canvas>
        <figcaption>where the pictures land (μ)</figcaption></figure>
      <figure id="latent-traverse-figure" hidden><canvas id="latent-traverse" width="320" height="320" role="img" aria-label="Each latent alone, from low to high"></canvas>
        <figcaption>each latent alone, low → high</figcaption></figure>
    </div>
    <p class="explain" id="latent-caption"></p>
  </section>
  <section data-hide="classify" class="panel wide" id="classify-panel" hidden>
    <h2>Features for a classifier</h2>
    <p class="explain">What learned features are for (self-taught learning): a linear (softmax) classifier learns to
      tell the ten digits apart from 1 000 digits and is tested on the 797 it never saw, once on the raw pixels, once on
      their PCA codes of the same size as the model's code, and once on the model's codes as they are now. A stacked
      autoencoder whose layer 2 has trained (phase 2 or 3) gets a fourth row: the whole stack fine-tuned on the labels
      with the classifier on top.</p>
    <div class="test-controls">
      <button type="button" id="classify">Classify the 797 test digits</button>
      <span class="hint" id="classify-progress" aria-live="polite"></span>
    </div>
    <table class="classify">
      <thead><tr><th scope="col">the classifier reads</th><th scope="col">numbers per digit</th>
        <th scope="col">test digits right</th><th scope="col">training digits right</th></tr></thead>
      <tbody id="classify-rows"></tbody>
    </table>
  </section>
  <section data-hide="pca" class="panel wide">
    <h2>Compare with PCA</h2>
    <div class="pair">
      <figure><canvas id="filters-copy" width="320" height="320" role="img" aria-label="The learned filters"></canvas>
        <figcaption>the learned filters (the followed model's)</figcaption></figure>
      <figure><canvas id="pca" width="320" height="320" role="img" aria-label="Top principal components of the same patches"></canvas>
        <figcaption>top principal components of the same patches</figcaption></figure>
    </div>
    <p class="explain">An autoencoder with linear units and no penalty learns the same subspace as PCA. PCA's components are
      orthogonal directions of largest variance; for images, whose statistics are the same everywhere, those are global
      gratings spread over the whole patch, coarse ones first. Further down the list they are fine gratings, and at 8×8
      pixels two fine gratings of equal variance mix into a pattern that looks like pixel noise; whitened or not, none of
      them is local. The sparsity penalty instead asks for rare, independent causes of the image, and the rare causes of
      natural images are local edges.</p>
  </section>
  <section data-hide="explain" class="panel wide explain-panel">
    <h2>What the knobs do</h2>
    <dl>
      <dt>ρ (sparsity target)</dt><dd>The mean activation each hidden unit should have over many patches. ρ = 0.01: each
        unit fires on about 1 patch in 100.</dd>
      <dt>β (sparsity weight)</dt><dd>How hard the penalty β·Σ<sub>j</sub> KL(ρ‖ρ̂<sub>j</sub>) pushes. KL(ρ‖ρ̂) =
        ρ·log(ρ/ρ̂) + (1−ρ)·log((1−ρ)/(1−ρ̂)) is zero when ρ̂ = ρ and grows fast as ρ̂ drifts away.</dd>
      <dt>λ (weight decay)</dt><dd>(λ/2)(‖W1‖²+‖W2‖²) keeps weights small, so units cannot cheat the sparsity penalty
        with huge weights and tiny activations. 10<sup>−4</sup> by default, live under All settings.</dd>
    </dl>
    <h3>Try this</h3>
    <p class="hint">Each loads its preset and trains a fresh model from new random weights, since that is what its line
      describes (when the current model has trained, the page asks first).</p>
    <ul class="try">
      <li><button type="button" id="try-beta0">β = 0</button> No sparsity: the filters lose their edges and spread over
        the whole patch; every ρ̂ rises towards 0.5 and the verdict drops to "no edge detectors".</li>
      <li><button type="button" id="try-rho03">ρ = 0.3</button> A dense code: every unit's mean activation rises to
        about 0.3, and the filters lose their edges.</li>
      <li><button type="button" id="try-hidden100">100 hidden units</button> An overcomplete dictionary (more units
        than the 64 pixels): many more, finer edge detectors at more positions and orientations.</li>
      <li><button type="button" id="try-bars">Bars</button> Pictures made of random horizontal and vertical bars
        (Földiák), with ρ = 0.1 (a bar is present about 1 time in 8): a sparse code gives each bar a unit of its own.</li>
      <li><button type="button" id="try-noise">White noise</button> A control: noise has no structure, so no edge
        detectors should appear.</li>
      <li><button type="button" id="try-defaults">UFLDL defaults</button> Back to ρ = 0.01, β = 3, 25 units.</li>
    </ul>
  </section>
</div>
<section data-hide="export" class="exports" aria-label="Export">
  <span>Export:</span>
  <button type="button" id="export-png">Filters (PNG)</button>
  <button type="button" id="export-svg">Cost curves (SVG)</button>
  <button type="button" id="export-csv">Metric history (CSV)</button>
</section>
"##,
        rho_steps = RHO_STEPS,
        beta_max = BETA_MAX,
        preset_options = preset_options(),
        data_options = data_options(),
        model_options = model_options(),
        knob_fields = knob_fields(),
        live_fields = fields(Place::Live),
        shape_fields = fields(Place::Shape),
        speed_fields = fields(Place::Speed),
    )
}

/// One `<option>` per registered model.
fn model_options() -> String {
    MODELS.iter().map(|m| format!(r#"<option value="{}" title="{}">{}</option>"#, m.key, m.about, m.name)).collect()
}

/// Every model's own knobs, each as a number field with id `knob-<model>-<knob>` (the page
/// shows only those of the models in use), then the second model's own: its input noise
/// (`beside-noise`) and, for a model training twice, its knobs (`knob2-<model>-<knob>`).
fn knob_fields() -> String {
    let mut out = String::new();
    for (prefix, lane) in [("knob", ""), ("knob2", "beside it, ")] {
        out.push_str(&knob_rows(prefix, lane));
    }
    let noise = BESIDE_NOISE.ui;
    out.push_str(&format!(
        r#"<div class="field" id="beside-noise-row" hidden><label for="{id}">beside it: {label}</label>
        <input id="{id}" type="number" min="0" max="1" step="0.05" placeholder="as the first">
        <span class="hint">{help}</span></div>
      "#,
        id = noise.name,
        label = noise.label,
        help = escape(noise.help),
    ));
    out
}

/// One number field per knob of every model, ids `<prefix>-<model>-<knob>`, labels starting
/// with `lane` ("beside it, ").
fn knob_rows(prefix: &str, lane: &str) -> String {
    let mut out = String::new();
    for m in MODELS {
        for k in m.knobs {
            let (step, extra) = match k.kind {
                KnobKind::Float { .. } => ("any", ""),
                KnobKind::Int => ("1", ""),
                KnobKind::Switch => ("1", r#" title="1 = on, 0 = off""#),
            };
            out.push_str(&format!(
                r#"<div class="field knob" data-model="{key}" hidden><label for="{prefix}-{key}-{k}">{lane}{name}: {label}</label>
        <input id="{prefix}-{key}-{k}" type="number" min="{min}" max="{max}" step="{step}"{extra}>
        <span class="hint">{help}</span></div>
      "#,
                key = m.key,
                k = k.key,
                name = m.name,
                label = k.label,
                min = k.min,
                max = k.max,
                help = k.help,
            ));
        }
    }
    out
}

/// One `<option>` per dataset; "your pictures" stays disabled until some are uploaded.
fn data_options() -> String {
    Dataset::MENU
        .iter()
        .map(|&d| {
            let extra = if d == Dataset::Own { " disabled" } else { "" };
            format!(r#"<option value="{}"{extra}>{}</option>"#, d.word(), d.label())
        })
        .collect()
}

/// The form's controls for the settings of the table (`FIELDS`) placed in `place`, made from the table:
/// a number field for numbers, a menu for words. Each has the setting's control name as id
/// and `data-hide` name, and its help as tooltip; the sparse autoencoder's own settings are
/// marked `sae-only` (hidden while no sparse autoencoder trains).
fn fields(place: Place) -> String {
    let mut out = String::new();
    for f in fields_in(place) {
        let ui = &f.ui;
        let control = match f.value {
            Value::Int { min, max, .. } => {
                format!(r#"<input id="{}" type="number" min="{min}" max="{max}" step="{}">"#, ui.name, ui.step)
            }
            Value::Float { min, max, .. } => {
                format!(r#"<input id="{}" type="number" min="{min}" max="{max}" step="{}">"#, ui.name, ui.step)
            }
            Value::Word { words, labels, .. } => {
                let options: String =
                    words.iter().zip(labels).map(|(w, l)| format!(r#"<option value="{w}">{l}</option>"#)).collect();
                format!(r#"<select id="{}">{options}</select>"#, ui.name)
            }
            Value::Names { .. } => continue,
        };
        let class = if ui.scope == Scope::Sae { "field sae-only" } else { "field" };
        out.push_str(&format!(
            r#"<div class="{class}" data-hide="{name}" title="{help}"><label for="{name}">{label}</label>
        {control}</div>
      "#,
            name = ui.name,
            help = escape(ui.help),
            label = escape(ui.label),
        ));
    }
    out
}

/// `text` safe inside an HTML attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One `<option>` per preset, plus "custom" for anything else.
fn preset_options() -> String {
    let mut out = String::from(r#"<option value="custom">custom settings</option>"#);
    for p in presets() {
        out.push_str(&format!(r#"<option value="{}">{}</option>"#, p.id, p.name));
    }
    out
}
