//! The readout panels: everything that explains what sparsity does, beside the filters.
//!
//! Trackers observe every frame's last batch (cheap); the views redraw a few times a second,
//! the whole-image reconstruction once a second, PCA once per run. Views draw from plain
//! data computed by `crate::readouts`.

use nalgebra::DMatrix;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

use super::dom::find;
use super::view::{
    filters::FilterView, firing::FiringView, image_view::ImageView, pca_tiles::PcaView, recon_patch::ReconPatchView,
    rho_bars::RhoBarsView, unit_detail::UnitDetailView,
};
use crate::data::{Dataset, Image};
use crate::model::CodeKind;
use crate::readouts::code_kind::tracker_for;
use crate::readouts::{
    bar_verdict, edge_verdict, firing_histogram, noise_passed, principal_components, reconstruct_image,
    reconstruct_noisy, unit_status, CodeStats, CodeTracker, EdgeVerdict, HeldOut, TestImage, TopPatches, UnitStatus,
    VerdictLevel,
};
use crate::train::Trainer;

/// Histogram bins of log10 firing frequency, from [`FIRING_MIN_LOG10`] to 0.
const FIRING_BINS: usize = 16;
/// Lowest log10 firing frequency on the histogram.
pub const FIRING_MIN_LOG10: f32 = -4.0;
/// Patches the top-patches panel keeps per unit.
const TOP_K: usize = 8;
/// Held-out patches (never trained on: cut from a second image).
const HELD_OUT_COUNT: usize = 1024;
/// Side of the whole-image crop rebuilt patch by patch.
const IMAGE_CROP: usize = 128;
/// Seed of the test picture's noise field.
const TEST_NOISE_SEED: u64 = 11;
/// Radius of the paint brush, in picture pixels.
const BRUSH: f32 = 2.5;
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
    /// The whole-image panel's picture, with the user's paint, objects and noise.
    pub test: TestImage,
    /// Where the current paint stroke is, to join it to the next point.
    brush_at: Option<(f32, f32)>,
    tracker: CodeTracker,
    stats: CodeStats,
    top: TopPatches,
    held_out: HeldOut,
    status: Vec<u8>,
    pca_components: Option<DMatrix<f32>>,
    /// The seed the held-out set was drawn with.
    seed: u64,
    /// The unit shown in the detail panel (hover or click on a filter tile).
    pub selected: usize,
    /// Which lane (model) the panels read out.
    lane: usize,
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
        _ => (
            "How often each unit is active",
            "The share of recent patches on which each unit's code is not zero. This model has no target rate: its \
             penalty (or its k) sets how few units answer each patch. Grey-red: dead, not active on any of the last \
             few thousand patches (the dead count beside); amber: active on more than half the patches. Log scale.",
        ),
    }
}

impl Panels {
    /// Finds the panels' canvases under `root` and sets up trackers for `trainer`'s shape;
    /// held-out patches are cut from `held_out`.
    pub fn new(root: &Element, trainer: &Trainer, held_out: &[Image]) -> Result<Self, JsValue> {
        let (h, n) = (trainer.setup().hidden, trainer.setup().patch.pow(2));
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
            test: TestImage::new(&trainer.sampler().images()[0], IMAGE_CROP, TEST_NOISE_SEED),
            brush_at: None,
            tracker: CodeTracker::new(h),
            stats: CodeStats::default(),
            top: TopPatches::new(h, n, TOP_K),
            held_out: held_out_for(trainer, held_out)?,
            status: Vec::with_capacity(h),
            pca_components: None,
            seed: trainer.setup().seed,
            selected: 0,
            lane: 0,
            rho_title: find(root, "#rho-bars-title")?,
            rho_explain: find(root, "#rho-bars-explain")?,
        };
        panels.follow(trainer, 0);
        Ok(panels)
    }

    /// The lane the panels read out.
    pub fn lane(&self) -> usize {
        self.lane
    }

    /// Reads out lane `lane` of `trainer` from now on (clamped to its lanes); the trackers
    /// start afresh, since they described another model.
    pub fn follow(&mut self, trainer: &Trainer, lane: usize) {
        self.lane = lane.min(trainer.lanes() - 1);
        let (h, n) = (trainer.setup().hidden, trainer.setup().patch.pow(2));
        let kind = trainer.model_at(self.lane).code_kind();
        self.tracker = tracker_for(kind, h);
        self.top = TopPatches::new(h, n, TOP_K);
        let (title, explain) = rho_panel_text(kind);
        self.rho_title.set_text_content(Some(title));
        self.rho_explain.set_text_content(Some(explain));
    }

    /// Starts over for a new trainer (reset or a new shape); `new_data` says the held-out
    /// pictures `held_out` differ from the last ones.
    pub fn restart(&mut self, trainer: &Trainer, held_out: &[Image], new_data: bool) -> Result<(), JsValue> {
        let (h, n) = (trainer.setup().hidden, trainer.setup().patch.pow(2));
        // a new run starts with the readouts on its first model (the page's menu says so too)
        self.follow(trainer, 0);
        // the held-out set and PCA depend on the patch size and the seed: a link must
        // reproduce them exactly
        if new_data || self.held_out.patches().nrows() != n || self.seed != trainer.setup().seed {
            self.held_out = held_out_for(trainer, held_out)?;
            if new_data {
                // a new picture, with the noise the slider still shows
                let sigma = self.test.noise_sigma();
                self.test = TestImage::new(&trainer.sampler().images()[0], IMAGE_CROP, TEST_NOISE_SEED);
                self.test.set_noise(sigma);
            }
            self.seed = trainer.setup().seed;
            self.pca_components = None;
        }
        self.selected = self.selected.min(h - 1);
        Ok(())
    }

    /// Folds the trainer's latest batch into the running statistics (once per frame).
    pub fn observe(&mut self, trainer: &Trainer) {
        let (x, a1, a2) = trainer.last_batch_at(self.lane);
        self.tracker.observe(x, a1, a2);
        self.top.observe(x, a1);
    }

    /// Total cost on the held-out patches.
    pub fn held_out_cost(&mut self, trainer: &Trainer) -> f32 {
        self.held_out.evaluate(trainer.model_at(self.lane), &trainer.ctx(self.lane)).total() as f32
    }

    /// Redraws the fast readouts and the verdict; returns the verdict.
    /// The banner speaks of edges, or of bars when `data` is the bars dataset; the returned
    /// verdict is always the edge one (the status line counts edge detectors).
    pub fn draw(
        &mut self,
        trainer: &Trainer,
        data: Dataset,
        rho: f32,
        shown: &[f32],
        recon: &[f32],
    ) -> Result<EdgeVerdict, JsValue> {
        let p = trainer.setup().patch;
        let model = trainer.model_at(self.lane);
        let kind = model.code_kind();
        let filters = model.filters();
        self.tracker.stats_into(&mut self.stats);
        let stats = &self.stats;
        // before any batch was observed, show the latest batch's mean codes
        let latest: Vec<f32>;
        let rho_hat = if stats.rho_hat.is_empty() {
            latest = trainer.last_batch_at(self.lane).1.column_mean().iter().copied().collect();
            &latest
        } else {
            &stats.rho_hat
        };
        // a sigmoid unit's mean activation has the target ρ; other codes have no target, so
        // the bars show how often each unit is active, flagged when never or mostly active
        let (bars, target, judge_at) = match kind {
            CodeKind::Unit => (rho_hat, rho, rho),
            _ => (&stats.firing, f32::NAN, 0.1),
        };
        self.status.clear();
        self.status.extend(bars.iter().zip(&stats.is_dead).map(|(&r, &dead)| match unit_status(r, judge_at, dead) {
            UnitStatus::Ok => 0,
            UnitStatus::Dead => 1,
            UnitStatus::AlwaysOn => 2,
        }));
        self.rho_bars.draw(bars, target, &self.status)?;
        let hist = firing_histogram(&stats.firing, FIRING_BINS, FIRING_MIN_LOG10);
        self.firing.draw(&hist, FIRING_MIN_LOG10, stats.dead, stats.l0, stats.fve, model.hidden())?;
        self.recon_patch.draw(shown, recon, p)?;

        let j = self.selected.min(model.hidden() - 1);
        let filter: Vec<f32> = filters.row(j).iter().copied().collect();
        let norm = filter.iter().map(|w| w * w).sum::<f32>().sqrt();
        let top: Vec<(f32, &[f32])> = self.top.top(j).collect();
        let unit_rho = if kind == CodeKind::Unit { rho } else { f32::NAN };
        self.unit.draw(j, &filter, p, rho_hat.get(j).copied().unwrap_or(f32::NAN), unit_rho, norm, &top)?;
        self.filters_copy.draw(&filters, p)?;

        let verdict = edge_verdict(&filters, p);
        // on bars the edge indicator does not apply (a bar spans the patch): say what does
        let banner = if data == Dataset::Bars { bar_verdict(&filters, p) } else { verdict.clone().for_data(data) };
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
    pub fn draw_slow(&mut self, trainer: &mut Trainer) -> Result<(), JsValue> {
        let p = trainer.setup().patch;
        let sigma = trainer.sampler().sigma();
        let test = &self.test;
        let (model, ctx) = trainer.model_ctx_mut(self.lane);
        let rec =
            reconstruct_noisy(model, &ctx, test.image(), p, sigma, IMAGE_CROP, test.noise_field(), test.noise_sigma());
        self.image.draw(&rec.original, &rec.recon, &rec.error, rec.width, rec.height)?;
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
        if self.pca_components.is_none() {
            let k = PCA_COMPONENTS.min(p * p);
            self.pca_components = Some(principal_components(self.held_out.patches(), k).0);
        }
        if let Some(c) = &self.pca_components {
            self.pca.draw(c, p)?;
        }
        Ok(())
    }
}

impl Panels {
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
}

/// Held-out patches of `images` for the trainer's patch size and normalisation.
fn held_out_for(trainer: &Trainer, images: &[Image]) -> Result<HeldOut, JsValue> {
    let p = trainer.setup().patch;
    HeldOut::new(images, p, trainer.sampler().sigma(), HELD_OUT_COUNT, trainer.setup().seed)
        .map_err(|e| JsValue::from_str(&e))
}
