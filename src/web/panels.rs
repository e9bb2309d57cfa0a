//! The readout panels: everything that explains what sparsity does, beside the filters.
//!
//! The trackers live in the session (`crate::session::watch`, beside training, in the worker
//! when there is one); the views redraw from its [`crate::session::Readouts`] a few times a
//! second, the whole-image reconstruction once a second, PCA once per run. Views draw from
//! plain data computed by `crate::readouts`.

use nalgebra::DMatrix;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

use super::conv_panel::ConvPanel;
use super::dom::find;
use super::view::{
    filters::FilterView, firing::FiringView, image_view::ImageView, pca_tiles::PcaView, recon_patch::ReconPatchView,
    rho_bars::RhoBarsView, unit_detail::UnitDetailView,
};
use crate::data::Dataset;
use crate::model::CodeKind;
use crate::readouts::{
    bar_verdict, firing_histogram, noise_passed, principal_components, reconstruct_image, reconstruct_noisy,
    unit_status, EdgeVerdict, EdgeWatch, RunFacts, TestImage, UnitStatus, VerdictLevel,
};
use crate::session::Session;

/// Histogram bins of log10 firing frequency, from [`FIRING_MIN_LOG10`] to 0.
const FIRING_BINS: usize = 16;
/// Lowest log10 firing frequency on the histogram.
pub const FIRING_MIN_LOG10: f32 = -4.0;
/// Side of the whole-image crop rebuilt patch by patch.
const IMAGE_CROP: usize = 128;
/// Seed of the test picture's noise field.
const TEST_NOISE_SEED: u64 = 11;
/// Radius of the paint brush, in picture pixels.
const BRUSH: f32 = 2.5;
/// How far an arrow key moves the keyboard brush, in picture pixels.
const KEY_STEP: f32 = 4.0;
/// Milliseconds of edge judging per readout (see [`EdgeWatch`]).
pub const VERDICT_BUDGET_MS: f64 = 4.0;
/// Principal components shown beside the filters.
const PCA_COMPONENTS: usize = 25;

/// The readout views and the state behind them.
pub struct Panels {
    rho_bars: RhoBarsView,
    firing: FiringView,
    recon_patch: ReconPatchView,
    image: ImageView,
    unit: UnitDetailView,
    pca: PcaView,
    filters_copy: FilterView,
    verdict: HtmlElement,
    test_score: HtmlElement,
    /// A convolutional model's whole image in one pass and its feature maps.
    conv: ConvPanel,
    /// The whole-image panel's picture, with the user's paint, objects and noise.
    pub test: TestImage,
    /// Where the current paint stroke is, to join it to the next point.
    brush_at: Option<(f32, f32)>,
    /// The keyboard's brush, shown while the image has the focus.
    key_brush: Option<(f32, f32)>,
    status: Vec<u8>,
    edges: EdgeWatch,
    pca_components: Option<DMatrix<f32>>,
    /// The seed the held-out set was drawn with.
    seed: u64,
    /// The unit shown in the detail panel (hover or click on a filter tile).
    pub selected: usize,
    rho_title: HtmlElement,
    rho_explain: HtmlElement,
}

/// The ρ̂ panel's title and explanation for a model's code kind.
fn rho_panel_text(kind: CodeKind) -> (&'static str, &'static str) {
    match kind {
        CodeKind::Unit => (
            "Mean activation per unit, ρ̂ⱼ",
            "The KL penalty pulls every bar to the dashed line ρ. Grey-red: dead, not active (a > 0.1) on any of \
             the last few thousand patches, the same units the dead count beside counts; amber: far above ρ. Log \
             scale.",
        ),
        CodeKind::Gaussian => (
            "How often each latent leaves the prior",
            "The share of recent patches on which each latent's posterior mean |μ| exceeds 0.3 of the prior's σ. \
             A Gaussian code is dense: every latent the KL has not collapsed is active on about half the patches or \
             more. Grey-red: collapsed onto the prior, |μ| ≤ 0.3 on all of the last few thousand patches (the dead \
             count beside). Log scale.",
        ),
        _ => (
            "How often each unit is active",
            "The share of recent patches on which each unit's code is not zero. This model has no target rate: its \
             penalty (or its k) sets how few units answer each patch. Grey-red: dead, not active on any of the last \
             few thousand patches (the dead count beside); amber: active on more than half the patches. Log scale.",
        ),
    }
}

impl Panels {
    /// Finds the panels' canvases under `root`, for the readouts of `session`.
    pub fn new(root: &Element, session: &Session) -> Result<Self, JsValue> {
        let trainer = session.trainer();
        let h = trainer.setup().hidden;
        let mut panels = Panels {
            rho_bars: RhoBarsView::new(find::<HtmlCanvasElement>(root, "#rho-bars")?)?,
            firing: FiringView::new(find::<HtmlCanvasElement>(root, "#firing")?)?,
            recon_patch: ReconPatchView::new(find::<HtmlCanvasElement>(root, "#recon-patch")?)?,
            image: ImageView::new(find::<HtmlCanvasElement>(root, "#image")?)?,
            unit: UnitDetailView::new(find::<HtmlCanvasElement>(root, "#unit")?)?,
            pca: PcaView::new(find::<HtmlCanvasElement>(root, "#pca")?)?,
            filters_copy: FilterView::new(find::<HtmlCanvasElement>(root, "#filters-copy")?)?,
            verdict: find(root, "#verdict")?,
            test_score: find(root, "#test-score")?,
            conv: ConvPanel::new(root)?,
            test: TestImage::new(&trainer.sampler().images()[0], IMAGE_CROP, TEST_NOISE_SEED),
            brush_at: None,
            key_brush: None,
            status: Vec::with_capacity(h),
            edges: EdgeWatch::default(),
            pca_components: None,
            seed: trainer.setup().seed,
            selected: 0,
            rho_title: find(root, "#rho-bars-title")?,
            rho_explain: find(root, "#rho-bars-explain")?,
        };
        panels.follow(session);
        Ok(panels)
    }

    /// Titles the ρ̂ panel for the lane the session's readouts follow.
    pub fn follow(&mut self, session: &Session) {
        let kind = session.trainer().model_at(session.followed()).code_kind();
        let (title, explain) = rho_panel_text(kind);
        self.rho_title.set_text_content(Some(title));
        self.rho_explain.set_text_content(Some(explain));
    }

    /// Starts over for a new session (reset or a new shape); `new_data` says it trains on
    /// other pictures than the last one.
    pub fn restart(&mut self, session: &Session, new_data: bool) {
        let trainer = session.trainer();
        // a new run starts with the readouts on its first model (the page's menu says so too)
        self.follow(session);
        // PCA depends on the held-out patches, so on the pictures, the patch size and the seed
        let n = trainer.setup().patch.pow(2);
        let pca_stale = self.pca_components.as_ref().is_some_and(|c| c.ncols() != n);
        if new_data || pca_stale || self.seed != trainer.setup().seed {
            if new_data {
                // a new picture, with the noise the slider still shows
                let sigma = self.test.noise_sigma();
                self.test = TestImage::new(&trainer.sampler().images()[0], IMAGE_CROP, TEST_NOISE_SEED);
                self.test.set_noise(sigma);
            }
            self.seed = trainer.setup().seed;
            self.pca_components = None;
        }
        self.selected = self.selected.min(trainer.setup().hidden - 1);
        // a new model: no judgement of the old one's filters carries over
        self.edges = EdgeWatch::default();
    }

    /// Redraws the fast readouts and the verdict; returns the verdict.
    /// The banner speaks of edges, or of bars when `data` is the bars dataset; the returned
    /// verdict is always the edge one (the status line counts edge detectors).
    pub fn draw(
        &mut self,
        session: &Session,
        data: Dataset,
        rho: f32,
        shown: &[f32],
        recon: &[f32],
    ) -> Result<EdgeVerdict, JsValue> {
        let trainer = session.trainer();
        let p = trainer.setup().patch;
        let model = trainer.model_at(session.followed());
        let kind = model.code_kind();
        let filters = model.filters();
        let readouts = session.readouts();
        let stats = &readouts.stats;
        // before any batch was observed, every unit reads as silent
        let silent: Vec<f32>;
        let (rho_hat, firing, is_dead) = if stats.rho_hat.len() == model.hidden() {
            (&stats.rho_hat, &stats.firing, &stats.is_dead)
        } else {
            silent = vec![0.0; model.hidden()];
            (&silent, &silent, &Vec::new())
        };
        // a sigmoid unit's mean activation has the target ρ; other codes have no target, so
        // the bars show how often each unit is active, flagged when never or mostly active
        let (bars, target, judge_at) = match kind {
            CodeKind::Unit => (rho_hat, rho, rho),
            // a dense code is meant to be active: only a collapsed latent is flagged
            CodeKind::Gaussian => (firing, f32::NAN, 1.0),
            _ => (firing, f32::NAN, 0.1),
        };
        self.status.clear();
        self.status.extend(bars.iter().zip(is_dead.iter().chain(std::iter::repeat(&false))).map(|(&r, &dead)| {
            match unit_status(r, judge_at, dead) {
                UnitStatus::Ok => 0,
                UnitStatus::Dead => 1,
                UnitStatus::AlwaysOn => 2,
            }
        }));
        self.rho_bars.draw(bars, target, &self.status)?;
        let hist = firing_histogram(firing, FIRING_BINS, FIRING_MIN_LOG10);
        self.firing.draw(&hist, FIRING_MIN_LOG10, stats.dead, stats.l0, stats.fve, model.hidden())?;
        self.recon_patch.draw(shown, recon, p)?;

        let j = self.selected.min(model.hidden() - 1);
        let filter: Vec<f32> = filters.row(j).iter().copied().collect();
        let norm = filter.iter().map(|w| w * w).sum::<f32>().sqrt();
        // the selected unit's patches arrive with the readouts after a selection
        let top: Vec<(f32, &[f32])> = match readouts.unit == j {
            true => readouts.top.iter().map(|(a, patch)| (*a, patch.as_slice())).collect(),
            false => Vec::new(),
        };
        let unit_rho = if kind == CodeKind::Unit { rho } else { f32::NAN };
        self.unit.draw(j, &filter, p, rho_hat.get(j).copied().unwrap_or(f32::NAN), unit_rho, norm, &top)?;
        self.filters_copy.draw(&filters, p)?;

        let verdict = self.edges.update(&filters, p, &mut super::dom::now_ms, VERDICT_BUDGET_MS);
        // on bars the edge indicator does not apply (a bar spans the patch): say what does
        let sae = model.key() == crate::model::sparse_ae::SPEC.key;
        let hyper = trainer.ctx(session.followed()).hyper.get();
        let run = RunFacts { data, steps: trainer.steps(), kind, sae: sae.then_some((hyper.beta, hyper.rho)) };
        let banner = if data == Dataset::Bars { bar_verdict(&filters, p) } else { verdict.clone().for_run(&run) };
        let class = match banner.level {
            VerdictLevel::None => "verdict none",
            VerdictLevel::Emerging => "verdict emerging",
            VerdictLevel::Formed => "verdict formed",
        };
        self.verdict.set_class_name(class);
        self.verdict.set_text_content(Some(&banner.text));
        Ok(verdict)
    }

    /// Redraws the slow views: the whole image rebuilt, and PCA (computed once per shape).
    pub fn draw_slow(&mut self, session: &mut Session) -> Result<(), JsValue> {
        let followed = session.followed();
        if self.pca_components.is_none() {
            let k = PCA_COMPONENTS.min(session.held_out().patches().nrows());
            self.pca_components = Some(principal_components(session.held_out().patches(), k).0);
        }
        let trainer = session.trainer_mut();
        let p = trainer.setup().patch;
        let sigma = trainer.sampler().sigma();
        let test = &self.test;
        let (model, ctx) = trainer.model_ctx_mut(followed);
        let rec =
            reconstruct_noisy(model, &ctx, test.image(), p, sigma, IMAGE_CROP, test.noise_field(), test.noise_sigma());
        self.image.draw(
            &rec.original,
            &rec.recon,
            &rec.error,
            (rec.width, rec.height),
            self.key_brush.map(|at| (at, BRUSH)),
        )?;
        let score = if test.noise_sigma() > 0.0 {
            let clean = reconstruct_image(model, &ctx, test.image(), p, sigma, IMAGE_CROP);
            let (noise_in, noise_out) = noise_passed(&rec, &clean);
            format!(
                "Noise σ = {:.2} changes the input by {noise_in:.4} (mean square) and the reconstruction by \
                 {noise_out:.4}: {:.0} % of the noise gets through the code.",
                test.noise_sigma(),
                100.0 * noise_out / noise_in.max(f32::MIN_POSITIVE)
            )
        } else if test.edited() {
            "Painted and pasted blocks are unlike anything in training: they light up in the error map.".into()
        } else {
            String::new()
        };
        self.test_score.set_text_content(Some(&score));
        if let Some(c) = &self.pca_components {
            self.pca.draw(c, p)?;
        }
        Ok(())
    }

    /// The convolutional model's whole-image panel (hidden unless the followed model is one).
    pub fn draw_conv(&mut self, session: &Session) -> Result<(), JsValue> {
        self.conv.draw(session, &self.test, IMAGE_CROP)
    }

    /// Paints on the test picture at the pointer (CSS offset on the image canvas), joined to
    /// the previous point unless `new_stroke`; true if it hit the picture.
    pub fn paint_at(&mut self, css_x: f64, css_y: f64, new_stroke: bool) -> bool {
        let Some(at) = self.image.picture_at(css_x, css_y) else {
            self.brush_at = None;
            return false;
        };
        let from = if new_stroke { at } else { self.brush_at.unwrap_or(at) };
        self.test.paint_line(from, at, BRUSH);
        self.brush_at = Some(at);
        true
    }

    /// Shows the keyboard brush (at the picture's middle the first time) or hides it.
    pub fn show_key_brush(&mut self, on: bool) {
        self.key_brush = if on { Some(self.key_brush.unwrap_or_else(|| self.test.centre())) } else { None };
    }

    /// The keyboard's way to paint: arrows move the brush (painting along with Shift), Space
    /// or Enter paints where it is. True if `key` was one of those.
    pub fn key_paint(&mut self, key: &str, shift: bool) -> bool {
        let at = self.key_brush.unwrap_or_else(|| self.test.centre());
        if key == " " || key == "Enter" {
            self.test.paint(at.0, at.1, BRUSH);
        } else if let Some(next) = self.test.brush_moved(at, key, KEY_STEP) {
            if shift {
                self.test.paint_line(at, next, BRUSH);
            }
            self.key_brush = Some(next);
        } else {
            return false;
        }
        self.key_brush.get_or_insert(at);
        true
    }
}
