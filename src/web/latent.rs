//! "The latent space", a VAE's panel (hidden unless the followed model is a VAE): with two
//! latents the decodings over the plane and where the pictures land; with more, decodings of
//! prior samples and a traversal of each latent alone ([`crate::readouts::latent`]).

use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

use super::dom::find;
use super::view::{latent_scatter::LatentScatterView, tile_grid::TileGridView};
use crate::data::Dataset;
use crate::readouts::features::DigitPatches;
use crate::readouts::latent::{latent_points, latent_tiles, normal_quantile, traversal, Traversed, GRID};
use crate::session::Session;

/// The panel, its views and the digits it places (kept for the sampler's σ they were
/// normalised with).
pub struct LatentPanel {
    section: HtmlElement,
    tiles: TileGridView,
    scatter_figure: HtmlElement,
    scatter: LatentScatterView,
    traverse_figure: HtmlElement,
    traverse: TileGridView,
    caption: HtmlElement,
    digits: Option<(f32, DigitPatches)>,
}

impl LatentPanel {
    /// Finds the panel's elements under `root`.
    pub fn new(root: &Element) -> Result<Self, JsValue> {
        Ok(LatentPanel {
            section: find(root, "#latent-panel")?,
            tiles: TileGridView::new(find::<HtmlCanvasElement>(root, "#latent-grid")?)?,
            scatter_figure: find(root, "#latent-scatter-figure")?,
            scatter: LatentScatterView::new(find::<HtmlCanvasElement>(root, "#latent-scatter")?)?,
            traverse_figure: find(root, "#latent-traverse-figure")?,
            traverse: TileGridView::new(find::<HtmlCanvasElement>(root, "#latent-traverse")?)?,
            caption: find(root, "#latent-caption")?,
            digits: None,
        })
    }

    /// Redraws from the followed model (about once a second); the pictures it places are the
    /// test digits on the digits, the held-out patches otherwise.
    pub fn draw(&mut self, session: &mut Session, data: Dataset) -> Result<(), JsValue> {
        let followed = session.followed();
        let is_vae = session.trainer().model_at(followed).key() == crate::model::vae::SPEC.key;
        self.section.set_hidden(!is_vae);
        if !is_vae {
            return Ok(());
        }
        let sigma = session.trainer().sampler().sigma();
        if data == Dataset::Digits && self.digits.as_ref().is_none_or(|(s, _)| *s != sigma) {
            self.digits = Some((sigma, DigitPatches::new(sigma)));
        }
        let (trainer, held_out) = session.trainer_and_held_out();
        let (pictures, labels) = match (&self.digits, data) {
            (Some((_, d)), Dataset::Digits) => (&d.test, Some(&d.test_labels[..])),
            _ => (held_out.patches(), None),
        };
        let p = trainer.setup().patch;
        let (model, ctx) = trainer.model_ctx_mut(followed);
        self.tiles.draw_pictures(&latent_tiles(model), p)?;
        let two = model.hidden() == 2;
        self.scatter_figure.set_hidden(!two);
        self.traverse_figure.set_hidden(two);
        let caption = if two {
            self.scatter.draw(&latent_points(model, &ctx, pictures), labels)?;
            let what = if labels.is_some() {
                "the 797 test digits, coloured by digit. The decoder is linear: each picture is the mean digit plus \
                 z₁ and z₂ times two fixed pictures, so the plane blends smoothly, as probabilistic PCA does."
            } else {
                "the held-out patches."
            };
            format!(
                "Left: the decoder's picture at each point of a {GRID} × {GRID} grid over the latent plane, spaced by \
                 the prior's quantiles (Kingma & Welling 2014, Fig. 4), on one grey scale. Right: the posterior means \
                 μ of {what}"
            )
        } else {
            let (tiles, shown) = traversal(model, &ctx, pictures);
            self.traverse.draw_pictures(&tiles, p)?;
            traversal_caption(model.hidden(), &shown)
        };
        self.caption.set_text_content(Some(&caption));
        Ok(())
    }
}

/// What the prior samples and the traversal show, with each traversed latent's Var(μ).
fn traversal_caption(h: usize, shown: &[Traversed]) -> String {
    let active = shown.iter().filter(|t| t.variance > crate::model::vae::ACTIVE_VARIANCE).count();
    let list: Vec<String> = shown.iter().map(|t| format!("{} ({:.2})", t.latent + 1, t.variance)).collect();
    let reach = normal_quantile(0.5 / GRID as f64).abs();
    format!(
        "Left: decodings of {} samples z ~ N(0, I) from the prior ({h} latents). Right: each latent alone, one row \
         each, from z = −{reach:.1} to +{reach:.1} with the others at 0, the {} whose posterior mean μ varies most over \
         the pictures, most first: latent (Var μ) {}. {active} of these are active (Var μ > 0.01, Burda et al. 2016); \
         a row that does not change is a latent the KL term has switched off. With 2 latents (hidden = 2) the page \
         shows the latent plane itself and where each picture lands in it.",
        GRID * GRID,
        shown.len(),
        list.join(", ")
    )
}
