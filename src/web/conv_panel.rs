//! The convolutional autoencoder's whole-image panel, shown only while the readouts follow a
//! convolutional model: the test picture rebuilt tile by tile and in one pass with the one
//! pass's per-pixel error map, the seam figures of both, and each kernel's feature map.
//! Computed on the slow readout cadence (about once a second) from plain data
//! ([`conv_whole`]); its cost is timed and said in the figures.

use std::fmt::Write;

use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

use super::dom::{find, now_ms};
use super::view::{feature_maps::FeatureMapView, image_view::ImageView};
use crate::model::conv::{select, Select};
use crate::readouts::{conv_whole, seam_and_inside, TestImage};
use crate::session::Session;

/// Feature maps shown at most (the strongest kernels; 25 by default, so all of them).
const MAX_MAPS: usize = 36;
/// The triptych's captions.
const CAPTIONS: [&str; 3] = ["rebuilt tile by tile", "rebuilt in one pass", "error of the one pass"];
/// The note under the error map's caption.
const ERROR_NOTE: &str = "(per pixel: paint on the picture above)";

/// The panel, its two canvases and its figures.
pub struct ConvPanel {
    panel: HtmlElement,
    image: ImageView,
    maps: FeatureMapView,
    figures: HtmlElement,
    maps_caption: HtmlElement,
}

impl ConvPanel {
    /// Finds the panel under `root`.
    pub fn new(root: &Element) -> Result<Self, JsValue> {
        Ok(ConvPanel {
            panel: find(root, "#conv-panel")?,
            image: ImageView::with_captions(find::<HtmlCanvasElement>(root, "#conv-image")?, (CAPTIONS, ERROR_NOTE))?,
            maps: FeatureMapView::new(find::<HtmlCanvasElement>(root, "#conv-maps")?)?,
            figures: find(root, "#conv-figures")?,
            maps_caption: find(root, "#conv-maps-caption")?,
        })
    }

    /// Redraws from the followed model over `test`'s picture with the crop `crop`, or hides
    /// the panel when that model is not convolutional.
    pub fn draw(&mut self, session: &Session, test: &TestImage, crop: usize) -> Result<(), JsValue> {
        let trainer = session.trainer();
        let followed = session.followed();
        let model = trainer.model_at(followed);
        let is_conv = model.key() == crate::model::conv::SPEC.key;
        self.panel.set_hidden(!is_conv);
        if !is_conv {
            return Ok(());
        }
        let (p, sigma) = (trainer.setup().patch, trainer.sampler().sigma());
        let start = now_ms();
        let ctx = trainer.ctx(followed);
        let Some(v) = conv_whole(model, &ctx, test.image(), sigma, crop, MAX_MAPS) else { return Ok(()) };
        let computed = now_ms();
        let (w, h) = (v.whole.width, v.whole.height);
        self.image.draw(&v.tiles.recon, &v.whole.recon, &v.whole.error, (w, h), None)?;
        self.maps.draw(&v.maps)?;
        let drawn = now_ms();

        let ((ws, wi), (ts, ti)) = (seam_and_inside(&v.whole, p), seam_and_inside(&v.tiles, p));
        let mut text = format!(
            "Seams (mean squared error on the {p}-pixel grid's lines ÷ inside the tiles): in one pass ×{:.2}, tile \
             by tile ×{:.2}. Inside the tiles: {wi:.4} in one pass, {ti:.4} tile by tile. ",
            ws / wi,
            ts / ti,
        );
        write!(text, "Computed in {:.0} ms, drawn in {:.0} ms.", computed - start, drawn - computed).ok();
        self.figures.set_text_content(Some(&text));
        self.figures.set_attribute("data-seams", &format!("{} {}", ws / wi, ts / ti))?;

        let kept = v.maps.kept.iter().filter(|&&k| k).count() as f64 / v.maps.units.len().max(1) as f64;
        let of = if v.maps.units.len() < model.hidden() {
            format!("the {} strongest of {} kernels", v.maps.units.len(), model.hidden())
        } else {
            format!("all {} kernels", model.hidden())
        };
        let rule = match select(&ctx) {
            Select::All => "With winners = 0 every positive value is kept.".to_string(),
            _ => format!(
                "In training, winner-take-all keeps each map's largest values in each patch; over the whole picture \
                 a value stays where it is the largest of its map within a patch's reach: about {kept:.0} per map \
                 here ({:.1} per {p}×{p} patch).",
                kept * (p * p) as f64 / (w * h).max(1) as f64
            ),
        };
        let caption = format!(
            "Each kernel ({of}) beside its feature map over the {w}×{h} picture: the kernel's ReLU response at every \
             position, before the sparsity, on one grey scale for all maps. Amber: the values the sparsity keeps, \
             which the decoder draws from. {rule}"
        );
        self.maps_caption.set_text_content(Some(&caption));
        Ok(())
    }
}
