//! The settings form: every knob of [`Params`] as a labelled control, read and written in
//! one place. Reading goes through the URL format so that clamping and its notices are
//! the same for a typed value as for a link.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::dom::find;
use crate::data::Dataset;
use crate::model::{OptimizerKind, Output, Penalty, MODELS};
use crate::sliders::{rho_to_slider, slider_to_rho, speed_label, speed_ms, speed_position};
use crate::state::{from_hash, presets, to_hash, Params};

/// The form's controls.
pub struct SettingsForm {
    rho: HtmlInputElement,
    rho_out: HtmlElement,
    beta: HtmlInputElement,
    beta_out: HtmlElement,
    lr: HtmlInputElement,
    lambda: HtmlInputElement,
    penalty: HtmlSelectElement,
    l1: HtmlInputElement,
    noise: HtmlInputElement,
    optimizer: HtmlSelectElement,
    hidden: HtmlInputElement,
    patch: HtmlInputElement,
    batch: HtmlInputElement,
    output: HtmlSelectElement,
    seed: HtmlInputElement,
    speed: HtmlInputElement,
    speed_out: HtmlElement,
    stop: HtmlInputElement,
    preset: HtmlSelectElement,
    preset_desc: HtmlElement,
    data: HtmlSelectElement,
    whiten: HtmlInputElement,
    data_desc: HtmlElement,
    model: HtmlSelectElement,
    compare: HtmlSelectElement,
    /// (model index, knob index, its field's row, its input), every registered model's knobs.
    knobs: Vec<(usize, usize, HtmlElement, HtmlInputElement)>,
    /// The sparse autoencoder's own sliders (ρ, β), shown only while one trains.
    sae_only: Vec<HtmlElement>,
}

impl SettingsForm {
    /// Finds the controls under `root`.
    pub fn new(root: &Element) -> Result<Self, JsValue> {
        Ok(SettingsForm {
            rho: find(root, "#rho")?,
            rho_out: find(root, "#rho-out")?,
            beta: find(root, "#beta")?,
            beta_out: find(root, "#beta-out")?,
            lr: find(root, "#lr")?,
            lambda: find(root, "#lambda")?,
            penalty: find(root, "#penalty")?,
            l1: find(root, "#l1")?,
            noise: find(root, "#noise")?,
            optimizer: find(root, "#optimizer")?,
            hidden: find(root, "#hidden")?,
            patch: find(root, "#patch")?,
            batch: find(root, "#batch")?,
            output: find(root, "#output")?,
            seed: find(root, "#seed")?,
            speed: find(root, "#speed")?,
            speed_out: find(root, "#speed-out")?,
            stop: find(root, "#stop")?,
            preset: find(root, "#preset")?,
            preset_desc: find(root, "#preset-desc")?,
            data: find(root, "#data")?,
            whiten: find(root, "#whiten")?,
            data_desc: find(root, "#data-desc")?,
            model: find(root, "#model")?,
            compare: find(root, "#compare")?,
            knobs: knob_inputs(root)?,
            sae_only: vec![find(root, "#rho")?, find(root, "#beta")?]
                .into_iter()
                .filter_map(|el: HtmlElement| el.parent_element()?.dyn_into().ok())
                .collect(),
        })
    }

    /// Shows `p` in every control and readout.
    pub fn write(&self, p: &Params) {
        self.rho.set_value_as_number(rho_to_slider(p.rho));
        self.beta.set_value_as_number(p.beta);
        self.lr.set_value(&p.lr.to_string());
        self.lambda.set_value(&p.lambda.to_string());
        self.penalty.set_value(if p.penalty == Penalty::L1 { "l1" } else { "kl" });
        self.l1.set_value(&p.l1.to_string());
        self.noise.set_value(&p.noise.to_string());
        self.optimizer.set_value(if p.optimizer == OptimizerKind::Sgd { "sgd" } else { "adam" });
        self.hidden.set_value(&p.hidden.to_string());
        self.patch.set_value(&p.patch.to_string());
        self.batch.set_value(&p.batch.to_string());
        self.output.set_value(if p.output == Output::Linear { "linear" } else { "sigmoid" });
        self.seed.set_value(&p.seed.to_string());
        self.speed.set_value_as_number(speed_position(p.step_ms) as f64);
        self.stop.set_value(&p.stop_after.to_string());
        self.data.set_value(p.data.key());
        self.whiten.set_checked(p.whiten);
        self.model.set_value(p.models[0]);
        self.compare.set_value(p.models.get(1).copied().unwrap_or(""));
        for (i, j, row, input) in &self.knobs {
            input.set_value(&p.knobs[*i][*j].to_string());
            row.set_hidden(!p.models.contains(&MODELS[*i].key));
        }
        for el in &self.sae_only {
            el.set_hidden(!p.models.contains(&crate::model::registry::default_spec().key));
        }
        self.write_readouts(p);
    }

    /// Updates only the value readouts (not the controls, which may be under the user's hand).
    pub fn write_readouts(&self, p: &Params) {
        let rho = p.rho.to_string();
        let beta = format!("{:.1}", p.beta);
        self.rho_out.set_text_content(Some(&rho));
        self.beta_out.set_text_content(Some(&beta));
        self.rho.set_attribute("aria-valuetext", &format!("sparsity target ρ = {rho}")).ok();
        self.beta.set_attribute("aria-valuetext", &format!("penalty weight β = {beta}")).ok();
        let speed = speed_label(p.step_ms);
        self.speed_out.set_text_content(Some(&speed));
        self.speed.set_attribute("aria-valuetext", &format!("speed: {speed}")).ok();
        self.whiten.set_disabled(!p.data.whitens());
        let whitening = match (p.data.whitens(), p.whiten) {
            (false, _) => " (Whitening applies to photographs only.)",
            (true, true) => " Whitened: flat spectrum, so edges matter more than smooth shading.",
            (true, false) => " Not whitened: the filters chase smooth, low-frequency shading instead of edges.",
        };
        self.data_desc.set_text_content(Some(&format!("{}{whitening}", p.data.what_it_shows())));
        let preset = presets().iter().find(|pr| same_experiment(&(pr.params)(), p));
        self.preset.set_value(preset.map_or("custom", |pr| pr.id));
        self.preset_desc.set_text_content(Some(
            preset.map_or("Your own settings. Pick a preset to load a ready-made experiment.", |pr| pr.what_it_shows),
        ));
    }

    /// The settings the controls show, on top of `base` (unreadable fields keep their value);
    /// out-of-range values are clamped, with a notice for each.
    pub fn read(&self, base: &Params) -> (Params, Vec<String>) {
        let num = |el: &HtmlInputElement| Some(el.value_as_number()).filter(|v| v.is_finite());
        let mut p = base.clone();
        p.rho = slider_to_rho(self.rho.value_as_number());
        p.beta = num(&self.beta).unwrap_or(p.beta);
        p.lr = num(&self.lr).unwrap_or(p.lr);
        p.lambda = num(&self.lambda).unwrap_or(p.lambda);
        p.penalty = if self.penalty.value() == "l1" { Penalty::L1 } else { Penalty::Kl };
        p.l1 = num(&self.l1).unwrap_or(p.l1);
        p.noise = num(&self.noise).unwrap_or(p.noise);
        p.optimizer = if self.optimizer.value() == "sgd" { OptimizerKind::Sgd } else { OptimizerKind::Adam };
        let int = |el: &HtmlInputElement, old: u64| num(el).map_or(old, |v| v.round().max(0.0) as u64);
        p.hidden = int(&self.hidden, p.hidden as u64) as usize;
        p.patch = int(&self.patch, p.patch as u64) as usize;
        p.batch = int(&self.batch, p.batch as u64) as usize;
        p.output = if self.output.value() == "linear" { Output::Linear } else { Output::Sigmoid };
        p.seed = int(&self.seed, p.seed);
        p.step_ms = speed_ms(self.speed.value_as_number());
        p.data = Dataset::from_key(&self.data.value()).unwrap_or(p.data);
        p.whiten = self.whiten.checked();
        p.stop_after = int(&self.stop, p.stop_after);
        let chosen = |v: String| MODELS.iter().find(|m| m.key == v).map(|m| m.key);
        p.models = chosen(self.model.value()).into_iter().chain(chosen(self.compare.value())).collect();
        if p.models.is_empty() {
            p.models = base.models.clone();
        }
        for (i, j, _, input) in &self.knobs {
            if let Some(v) = num(input) {
                p.knobs[*i][*j] = v;
            }
        }
        // the link format owns the ranges: a round trip clamps and explains
        let (mut checked, notices) = from_hash(&to_hash(&p));
        // the link carries only the knobs of models in use: keep the others as they were, so
        // switching to another model and back finds its knobs unchanged
        for (i, values) in checked.knobs.iter_mut().enumerate() {
            if !checked.models.contains(&MODELS[i].key) {
                values.clone_from(&p.knobs[i]);
            }
        }
        (checked, notices)
    }

    /// Enables "your pictures" in the data menu once `count` pictures are loaded.
    pub fn set_own_pictures(&self, count: usize) {
        if let Ok(Some(opt)) = self.data.query_selector(r#"option[value="own"]"#) {
            opt.set_text_content(Some(&format!("your pictures ({count})")));
            if count > 0 {
                opt.remove_attribute("disabled").ok();
            }
        }
    }

    /// The preset picked in the menu, if any.
    pub fn chosen_preset(&self) -> Option<Params> {
        let id = self.preset.value();
        presets().iter().find(|p| p.id == id).map(|p| (p.params)())
    }
}

/// Every model's knob inputs under `root`, in registry order.
fn knob_inputs(root: &Element) -> Result<Vec<(usize, usize, HtmlElement, HtmlInputElement)>, JsValue> {
    let mut out = Vec::new();
    for (i, m) in MODELS.iter().enumerate() {
        for (j, k) in m.knobs.iter().enumerate() {
            let input: HtmlInputElement = find(root, &format!("#knob-{}-{}", m.key, k.key))?;
            let row: HtmlElement = input.parent_element().ok_or("a knob input has its row")?.dyn_into()?;
            out.push((i, j, row, input));
        }
    }
    Ok(out)
}

/// The selectors of every model's knob inputs (for wiring their events).
pub fn knob_selectors() -> Vec<String> {
    MODELS.iter().flat_map(|m| m.knobs.iter().map(move |k| format!("#knob-{}-{}", m.key, k.key))).collect()
}

/// Same experiment: everything but how it is shown (hide, layout) and paced (speed, stop).
pub fn same_experiment(a: &Params, b: &Params) -> bool {
    let strip = |p: &Params| Params {
        hide: Default::default(),
        layout: Default::default(),
        step_ms: 0.0,
        stop_after: 0,
        ..p.clone()
    };
    strip(a) == strip(b)
}
