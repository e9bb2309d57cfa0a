//! The models side by side and what only some models have: each lane's name, what it learns
//! (measured) and its own diagnostics beside its filters; the second lane's filter grid with
//! its edge verdict; and, when a lane infers its code by optimisation (sparse coding), that
//! inference for the shown patch. The first lane's filters are the main
//! [`super::filters::FilterView`], which the other panels follow unless told otherwise.

use nalgebra::DMatrix;
use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlCanvasElement, HtmlElement, HtmlSelectElement};

use super::filters::FilterView;
use super::inference::InferenceView;
use crate::model::registry;
use crate::raster::l0_per_iteration;
use crate::readouts::EdgeWatch;
use crate::train::Trainer;
use crate::web::dom;
use crate::web::dom::find;
use crate::web::panels::VERDICT_BUDGET_MS;

/// Lane names, lessons, diagnostics, the second lane's panel and the inference panel.
pub struct LanesView {
    names: [HtmlElement; 2],
    lessons: [HtmlElement; 2],
    costs: [HtmlElement; 2],
    diags: [HtmlElement; 2],
    second: HtmlElement,
    readout_choice: HtmlElement,
    readout_lane: HtmlSelectElement,
    filters: FilterView,
    verdict: HtmlElement,
    edges: EdgeWatch,
    inference_panel: HtmlElement,
    inference: InferenceView,
    inference_l0: HtmlElement,
    /// The second lane's filters, reused every frame.
    rows: DMatrix<f32>,
}

impl LanesView {
    /// Finds the lane elements under `root`.
    pub fn new(root: &Element) -> Result<Self, JsValue> {
        Ok(LanesView {
            names: [find(root, "#lane1-name")?, find(root, "#lane2-name")?],
            lessons: [find(root, "#lane1-lesson")?, find(root, "#lane2-lesson")?],
            costs: [find(root, "#lane1-cost")?, find(root, "#lane2-cost")?],
            diags: [find(root, "#lane1-diag")?, find(root, "#lane2-diag")?],
            second: find(root, "#lane2-panel")?,
            readout_choice: find(root, "#readout-choice")?,
            readout_lane: find(root, "#readout-lane")?,
            filters: FilterView::new(find::<HtmlCanvasElement>(root, "#filters-2")?)?,
            verdict: find(root, "#lane2-verdict")?,
            edges: EdgeWatch::default(),
            inference_panel: find(root, "#inference-panel")?,
            inference: InferenceView::new(find::<HtmlCanvasElement>(root, "#inference")?)?,
            inference_l0: find(root, "#inference-l0")?,
            rows: DMatrix::zeros(0, 0),
        })
    }

    /// Names each lane (`names`, see `Params::lane_names`), its model's cost and what it learns; shows the second panel and the readout
    /// choice (set to `readout_lane`) only when there is a second lane. Call when the
    /// settings change.
    pub fn show(&self, models: &[&str], names: &[String], readout_lane: usize) {
        self.readout_lane.set_value(&readout_lane.to_string());
        for (i, (name, lesson)) in self.names.iter().zip(&self.lessons).enumerate() {
            let spec = models.get(i).and_then(|k| registry::spec(k));
            name.set_text_content(names.get(i).map(String::as_str));
            lesson.set_text_content(spec.map(|s| s.lesson));
            self.costs[i].set_text_content(spec.map(|s| s.cost));
            self.diags[i].set_text_content(None);
        }
        self.second.set_hidden(models.len() < 2);
        self.readout_choice.set_hidden(models.len() < 2);
        self.inference_panel.set_hidden(true);
    }

    /// Draws the second lane's filters; with `readout_due` also every lane's `diagnostics`,
    /// the second lane's edge verdict and the inference of `shown` by a lane that optimises
    /// its code.
    pub fn draw(
        &mut self,
        trainer: &mut Trainer,
        diagnostics: &[Vec<(String, f64)>],
        shown: &[f32],
        readout_due: bool,
    ) -> Result<(), JsValue> {
        let p = trainer.setup().patch;
        if trainer.lanes() > 1 {
            trainer.model_at(1).filters_into(&mut self.rows);
            self.filters.draw(&self.rows, p)?;
            if readout_due {
                let verdict = self.edges.update(&self.rows, p, &mut dom::now_ms, VERDICT_BUDGET_MS);
                self.verdict.set_text_content(Some(&verdict.text));
            }
        }
        if !readout_due {
            return Ok(());
        }
        for (el, diag) in self.diags.iter().zip(diagnostics).take(trainer.lanes()) {
            let text: Vec<String> = diag.iter().map(|(name, v)| format!("{name} {}", short(*v))).collect();
            el.set_text_content(Some(&text.join(" · ")));
        }
        let mut shown_inference = false;
        for i in 0..trainer.lanes() {
            let (model, ctx) = trainer.model_ctx_mut(i);
            if let Some(trajectory) = model.inference_trajectory(shown, &ctx) {
                self.inference.draw(&trajectory)?;
                let l0 = l0_per_iteration(&trajectory);
                let path: Vec<String> = l0.iter().map(usize::to_string).collect();
                self.inference_l0.set_text_content(Some(&format!(
                    "Atoms in use after each of {} iterations: {} (of {}).",
                    l0.len(),
                    path.join(" → "),
                    model.hidden()
                )));
                shown_inference = true;
                break;
            }
        }
        self.inference_panel.set_hidden(!shown_inference);
        Ok(())
    }
}

/// A diagnostic value in a few significant digits (whole numbers as they are).
fn short(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e6 {
        format!("{v}")
    } else {
        format!("{v:.3}")
    }
}
