//! "Features for a classifier", the digits' panel: a softmax classifier on the followed
//! model's codes against the same classifier on raw pixels and on PCA codes of the same size
//! ([`crate::readouts::features`]), the table `sae-train eval --classify` prints. The three
//! fits run a few milliseconds per frame, so the page answers while they run; the codes are
//! those of the page's copy of the trained model when the button is pressed. A stacked model
//! whose layer 2 has trained gets a fourth row, the whole stack fine-tuned with the classifier
//! on top ([`crate::readouts::finetune`]), a slice of its gradient at a time.

use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlButtonElement, HtmlElement};

use super::dom::{self, find};
use crate::readouts::features::{Accuracy, DigitPatches, Features};
use crate::readouts::finetune::{self, Encoder, FineTune};
use crate::readouts::softmax::{Softmax, ITERATIONS};
use crate::session::Session;

/// Milliseconds of fitting per frame.
const BUDGET_MS: f64 = 6.0;
/// Iterations between clock reads.
const CHUNK: usize = 5;

/// The fits under way: the features left, the one being fitted, the rows done; for a stack,
/// its encoders (until its codes' classifier is done) and then its fine-tune.
struct Job {
    digits: DigitPatches,
    left: Vec<Features>,
    fitting: Option<(Features, Softmax)>,
    rows: Vec<Accuracy>,
    name: &'static str,
    encoder: Option<Encoder>,
    tuning: Option<FineTune>,
}

/// The panel and its fits.
pub struct ClassifyPanel {
    section: HtmlElement,
    button: HtmlButtonElement,
    progress: HtmlElement,
    rows: Element,
    job: Option<Job>,
    /// Pressed since the last frame (the handler only records it).
    wanted: bool,
}

impl ClassifyPanel {
    /// Finds the panel's elements under `root`.
    pub fn new(root: &Element) -> Result<ClassifyPanel, JsValue> {
        Ok(ClassifyPanel {
            section: find(root, "#classify-panel")?,
            button: find(root, "#classify")?,
            progress: find(root, "#classify-progress")?,
            rows: find(root, "#classify-rows")?,
            job: None,
            wanted: false,
        })
    }

    /// Shown only while the digits are the data (the only pictures with classes).
    pub fn show(&self, digits: bool) {
        self.section.set_hidden(!digits);
    }

    /// The button was pressed: the next frame starts the fits.
    pub fn want(&mut self) {
        self.wanted = true;
    }

    /// A new model or data: the table belonged to the old one.
    pub fn clear(&mut self) {
        self.job = None;
        self.wanted = false;
        self.rows.set_inner_html("");
        self.progress.set_text_content(Some(""));
        self.button.set_disabled(false);
    }

    /// Starts the fits if asked, then fits for a few milliseconds; call once per frame.
    pub fn frame(&mut self, session: &mut Session) {
        if std::mem::take(&mut self.wanted) && self.job.is_none() {
            self.job = Some(start(session));
            self.button.set_disabled(true);
        }
        let Some(job) = self.job.as_mut() else { return };
        let t0 = dom::now_ms();
        while dom::now_ms() - t0 < BUDGET_MS {
            if let Some(tune) = job.tuning.as_mut() {
                tune.step(1);
                if tune.done() {
                    job.rows.push(job.digits.tuned_row(job.name, tune));
                    job.tuning = None;
                }
                continue;
            }
            let (features, fit) = match job.fitting.as_mut() {
                Some(f) => f,
                None => {
                    let Some(next) = job.left.pop() else { break };
                    let fit = job.digits.classifier(&next);
                    job.fitting.insert((next, fit))
                }
            };
            fit.step(CHUNK);
            if fit.done() {
                job.rows.push(job.digits.row(features, fit));
                // the codes are fitted last: the stack's fine-tune starts from their classifier
                if let Some(encoder) = job.left.is_empty().then(|| job.encoder.take()).flatten() {
                    job.tuning = Some(job.digits.fine_tune(&encoder, fit));
                }
                job.fitting = None;
            }
        }
        self.render();
    }

    /// The rows done, and what is being fitted.
    fn render(&mut self) {
        let Some(job) = &self.job else { return };
        let cell = |s: &str| format!("<td>{s}</td>");
        let html: String = job
            .rows
            .iter()
            .map(|r| {
                format!(
                    "<tr>{}{}{}{}</tr>",
                    cell(&r.input),
                    cell(&r.dims.to_string()),
                    cell(&format!("{:.1} %", 100.0 * r.test)),
                    cell(&format!("{:.1} %", 100.0 * r.train))
                )
            })
            .collect();
        self.rows.set_inner_html(&html);
        let text = match (&job.fitting, &job.tuning) {
            (_, Some(tune)) => format!(
                "Fine-tuning the {} with the classifier on top: {} of {} iterations…",
                job.name,
                tune.iterations(),
                finetune::ITERATIONS
            ),
            (Some((f, fit)), None) => {
                format!("Fitting the classifier on the {}: {} of {ITERATIONS} iterations…", f.input, fit.iterations())
            }
            (None, None) if job.left.is_empty() => {
                self.button.set_disabled(false);
                let done = summary(&job.rows);
                self.job = None;
                done
            }
            (None, None) => String::new(),
        };
        self.progress.set_text_content(Some(&text));
    }
}

/// The table's three inputs from the followed model as it is now (the last is fitted first).
fn start(session: &mut Session) -> Job {
    let followed = session.followed();
    let trainer = session.trainer_mut();
    let digits = DigitPatches::new(trainer.sampler().sigma());
    let name = trainer.lane_config(followed).spec.name;
    let (model, ctx) = trainer.model_ctx_mut(followed);
    let left = vec![digits.codes(name, model, &ctx), digits.pca(model.hidden()), digits.raw()];
    let encoder = Encoder::of(model);
    Job { digits, left, fitting: None, rows: Vec::new(), name, encoder, tuning: None }
}

/// One sentence on the finished table: how the codes (or the fine-tuned stack) compare with
/// the pixels.
fn summary(rows: &[Accuracy]) -> String {
    match rows {
        [raw, _, before, tuned] => {
            let verb = if tuned.test > raw.test { "beats" } else { "does not beat" };
            format!(
                "Done: fine-tuned with the classifier, the stack reads {:.1} % of the 797 test digits (from {:.1} % on its layer-2 codes before) and {verb} the raw pixels ({:.1} %).",
                100.0 * tuned.test,
                100.0 * before.test,
                100.0 * raw.test
            )
        }
        [raw, _, codes] => {
            let verb = if codes.test > raw.test { "beat" } else { "do not beat" };
            format!(
                "Done: the {} {verb} the raw pixels on the 797 test digits ({:.1} % against {:.1} %).",
                codes.input,
                100.0 * codes.test,
                100.0 * raw.test
            )
        }
        _ => String::new(),
    }
}
