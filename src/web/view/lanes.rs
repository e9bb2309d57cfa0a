//! The models side by side: each lane's name and what it learns (measured) beside its
//! filters, and the second lane's filter grid with its own edge verdict. The first lane's
//! filters are the main [`super::filters::FilterView`], which every other panel follows.

use nalgebra::DMatrix;
use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

use super::filters::FilterView;
use crate::model::registry;
use crate::readouts::edge_verdict;
use crate::train::Trainer;
use crate::web::dom::find;

/// Lane names, lessons, and the second lane's panel.
pub struct LanesView {
    names: [HtmlElement; 2],
    lessons: [HtmlElement; 2],
    second: HtmlElement,
    filters: FilterView,
    verdict: HtmlElement,
    /// The second lane's filters, reused every frame.
    rows: DMatrix<f32>,
}

impl LanesView {
    /// Finds the lane elements under `root`.
    pub fn new(root: &Element) -> Result<Self, JsValue> {
        Ok(LanesView {
            names: [find(root, "#lane1-name")?, find(root, "#lane2-name")?],
            lessons: [find(root, "#lane1-lesson")?, find(root, "#lane2-lesson")?],
            second: find(root, "#lane2-panel")?,
            filters: FilterView::new(find::<HtmlCanvasElement>(root, "#filters-2")?)?,
            verdict: find(root, "#lane2-verdict")?,
            rows: DMatrix::zeros(0, 0),
        })
    }

    /// Names each lane's model and what it learns; shows the second panel only when there
    /// is a second lane. Call when the trainer changes.
    pub fn show(&self, models: &[&str]) {
        for (i, (name, lesson)) in self.names.iter().zip(&self.lessons).enumerate() {
            let spec = models.get(i).and_then(|k| registry::spec(k));
            name.set_text_content(spec.map(|s| s.name));
            lesson.set_text_content(spec.map(|s| s.lesson));
        }
        self.second.set_hidden(models.len() < 2);
    }

    /// Draws the second lane's filters, and with `verdict_due` its edge verdict.
    pub fn draw(&mut self, trainer: &Trainer, verdict_due: bool) -> Result<(), JsValue> {
        if trainer.lanes() < 2 {
            return Ok(());
        }
        let p = trainer.setup().patch;
        self.rows = trainer.model_at(1).filters();
        self.filters.draw(&self.rows, p)?;
        if verdict_due {
            self.verdict.set_text_content(Some(&edge_verdict(&self.rows, p).text));
        }
        Ok(())
    }
}
