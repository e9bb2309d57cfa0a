//! The settings form: every knob of [`Params`] as a labelled control, read and written in
//! one place. Reading goes through the URL format so that clamping and its notices are
//! the same for a typed value as for a link.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::dom::find;
use crate::data::Dataset;
use crate::model::MODELS;
use crate::sliders::{rho_to_slider, slider_to_rho, speed_label, speed_ms, speed_position};
use crate::state::params::{fields_in, Place, BESIDE_NOISE};
use crate::state::{from_hash, presets, to_hash, Field, Params, Value};
use crate::words::Word;

/// The form's controls.
pub struct SettingsForm {
    rho: HtmlInputElement,
    rho_out: HtmlElement,
    beta: HtmlInputElement,
    beta_out: HtmlElement,
    /// The controls made from the settings table ([`fields_in`]), each with its field.
    fields: Vec<(&'static Field, Control)>,
    speed: HtmlInputElement,
    speed_out: HtmlElement,
    preset: HtmlSelectElement,
    preset_desc: HtmlElement,
    data: HtmlSelectElement,
    whiten: HtmlInputElement,
    data_desc: HtmlElement,
    model: HtmlSelectElement,
    compare: HtmlSelectElement,
    /// (model index, knob index, its field's row, its input), every registered model's knobs.
    knobs: Vec<(usize, usize, HtmlElement, HtmlInputElement)>,
    /// The same for the second lane when it trains the same model as the first.
    twin_knobs: Vec<(usize, usize, HtmlElement, HtmlInputElement)>,
    /// The second lane's own input noise (empty: the page's) and its row.
    beside_noise: HtmlInputElement,
    beside_noise_row: HtmlElement,
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
            fields: table_controls(root)?,
            speed: find(root, "#speed")?,
            speed_out: find(root, "#speed-out")?,
            preset: find(root, "#preset")?,
            preset_desc: find(root, "#preset-desc")?,
            data: find(root, "#data")?,
            whiten: find(root, "#whiten")?,
            data_desc: find(root, "#data-desc")?,
            model: find(root, "#model")?,
            compare: find(root, "#compare")?,
            knobs: knob_inputs(root, "knob")?,
            twin_knobs: knob_inputs(root, "knob2")?,
            beside_noise: find(root, &format!("#{}", BESIDE_NOISE.ui.name))?,
            beside_noise_row: find(root, "#beside-noise-row")?,
            sae_only: sae_only(root)?,
        })
    }

    /// Shows `p` in every control and readout.
    pub fn write(&self, p: &Params) {
        self.rho.set_value_as_number(rho_to_slider(p.rho));
        self.beta.set_value_as_number(p.beta);
        for (field, control) in &self.fields {
            control.write(field, p);
        }
        self.speed.set_value_as_number(speed_position(p.step_ms) as f64);
        self.data.set_value(p.data.word());
        self.whiten.set_checked(p.whiten);
        self.model.set_value(p.models[0]);
        self.compare.set_value(p.models.get(1).copied().unwrap_or(""));
        for (i, j, row, input) in &self.knobs {
            input.set_value(&p.knobs[*i][*j].to_string());
            row.set_hidden(!p.models.contains(&MODELS[*i].key));
        }
        let twin = p.twin().then(|| p.lanes()[1].knobs.clone());
        for (i, j, row, input) in &self.twin_knobs {
            // hidden rows hold the first lane's values, so becoming a twin starts from them
            let shown = twin.as_ref().filter(|_| p.models[1] == MODELS[*i].key);
            row.set_hidden(shown.is_none());
            input.set_value(&shown.map_or(p.knobs[*i][*j], |values| values[*j]).to_string());
        }
        self.beside_noise.set_value(&p.beside.noise.map_or_else(String::new, |v| v.to_string()));
        self.beside_noise_row.set_hidden(p.models.len() < 2);
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
        let desc = preset.map_or_else(
            || {
                "Your own settings. Pick a preset to load a ready-made experiment; it trains a fresh model (the page \
                asks first when the current one has trained)."
                    .to_string()
            },
            |pr| format!("{} (A fresh model from new random weights.)", pr.what_it_shows),
        );
        self.preset_desc.set_text_content(Some(&desc));
    }

    /// The settings the controls show, on top of `base` (unreadable fields keep their value);
    /// out-of-range values are clamped, with a notice for each.
    pub fn read(&self, base: &Params) -> (Params, Vec<String>) {
        let num = |el: &HtmlInputElement| Some(el.value_as_number()).filter(|v| v.is_finite());
        let mut p = base.clone();
        p.rho = slider_to_rho(self.rho.value_as_number());
        p.beta = num(&self.beta).unwrap_or(p.beta);
        for (field, control) in &self.fields {
            control.read(field, &mut p);
        }
        p.step_ms = speed_ms(self.speed.value_as_number());
        p.data = Dataset::from_word(&self.data.value()).unwrap_or(p.data);
        p.whiten = self.whiten.checked();
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
        if p.twin() {
            let model = MODELS.iter().position(|m| m.key == p.models[1]);
            let mut values = p.lanes()[1].knobs.clone();
            for (_, j, _, input) in self.twin_knobs.iter().filter(|k| Some(k.0) == model) {
                if let Some(v) = num(input) {
                    values[*j] = v;
                }
            }
            p.beside.knobs = Some(values);
        }
        // empty: the second model's noise is the page's
        p.beside.noise = num(&self.beside_noise).filter(|_| !self.beside_noise.value().trim().is_empty());
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

    /// The preset picked in the menu (its name and settings), if any.
    pub fn chosen_preset(&self) -> Option<(&'static str, Params)> {
        let id = self.preset.value();
        presets().iter().find(|p| p.id == id).map(|p| (p.name, (p.params)()))
    }
}

/// A control made from the settings table: a number field or a menu.
enum Control {
    Number(HtmlInputElement),
    Menu(HtmlSelectElement),
}

impl Control {
    /// Shows field `f` of `p`.
    fn write(&self, f: &Field, p: &Params) {
        match (self, f.value) {
            (Control::Number(el), Value::Int { get, .. }) => el.set_value(&get(p).to_string()),
            (Control::Number(el), Value::Float { get, .. }) => el.set_value(&get(p).to_string()),
            (Control::Menu(el), Value::Word { words, get, .. }) => el.set_value(words[get(p)]),
            _ => {}
        }
    }

    /// Sets field `f` of `p` from the control; an empty or unreadable entry keeps the value
    /// (ranges are the link format's to check, see [`SettingsForm::read`]).
    fn read(&self, f: &Field, p: &mut Params) {
        match (self, f.value) {
            (Control::Number(el), Value::Int { set, .. }) => {
                if let Some(v) = Some(el.value_as_number()).filter(|v| v.is_finite()) {
                    set(p, v.round().max(0.0) as u64);
                }
            }
            (Control::Number(el), Value::Float { set, .. }) => {
                if let Some(v) = Some(el.value_as_number()).filter(|v| v.is_finite()) {
                    set(p, v);
                }
            }
            (Control::Menu(el), Value::Word { words, set, .. }) => {
                if let Some(i) = words.iter().position(|w| *w == el.value()) {
                    set(p, i);
                }
            }
            _ => {}
        }
    }
}

/// The controls [`super::markup`] made from the settings table, with their fields.
fn table_controls(root: &Element) -> Result<Vec<(&'static Field, Control)>, JsValue> {
    let mut out = Vec::new();
    for place in [Place::Live, Place::Shape, Place::Speed] {
        for f in fields_in(place) {
            let selector = format!("#{}", f.ui.name);
            let control = match f.value {
                Value::Word { .. } => Control::Menu(find(root, &selector)?),
                _ => Control::Number(find(root, &selector)?),
            };
            out.push((f, control));
        }
    }
    Ok(out)
}

/// The rows of the sparse autoencoder's own controls (its sliders and the table's
/// `Scope::Sae` fields), hidden while no sparse autoencoder trains.
fn sae_only(root: &Element) -> Result<Vec<HtmlElement>, JsValue> {
    let rows = root.query_selector_all(".sae-only")?;
    Ok((0..rows.length()).filter_map(|i| rows.item(i)?.dyn_into().ok()).collect())
}

/// Every model's knob inputs under `root` with ids `<prefix>-<model>-<knob>`, in registry order.
fn knob_inputs(root: &Element, prefix: &str) -> Result<Vec<(usize, usize, HtmlElement, HtmlInputElement)>, JsValue> {
    let mut out = Vec::new();
    for (i, m) in MODELS.iter().enumerate() {
        for (j, k) in m.knobs.iter().enumerate() {
            let input: HtmlInputElement = find(root, &format!("#{prefix}-{}-{}", m.key, k.key))?;
            let row: HtmlElement = input.parent_element().ok_or("a knob input has its row")?.dyn_into()?;
            out.push((i, j, row, input));
        }
    }
    Ok(out)
}

/// The selectors of every model's knob inputs, both lanes', and the second lane's noise (for
/// wiring their events).
pub fn knob_selectors() -> Vec<String> {
    let knobs = ["knob", "knob2"].into_iter().flat_map(|prefix| {
        MODELS.iter().flat_map(move |m| m.knobs.iter().map(move |k| format!("#{prefix}-{}-{}", m.key, k.key)))
    });
    knobs.chain([format!("#{}", BESIDE_NOISE.ui.name)]).collect()
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
