//! The cost on a fixed set of patches, for a second, smooth curve beside the training loss.
//!
//! Each training step reports the cost on a fresh random batch, so the training curve is
//! noisy, and it is measured just before the update on that same batch. A fixed set drawn
//! once and never used for an update gives a curve whose every wiggle is the network
//! changing, not the batch. Draw it from an image the trainer does not sample (e.g.
//! [`crate::data::natural_images`] with another seed) to make it truly held out: random
//! positions from the training image are almost all visited by training sooner or later.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;

use crate::data::{check_images, draw_patches, normalize_patches, Image, PatchSampler};
use crate::model::{Cost, Ctx, Model};

/// Default number of held-out patches: 4× a training batch, for a steadier estimate.
pub const DEFAULT_COUNT: usize = 1024;

/// A fixed set of normalised patches and a copy of the model to evaluate on them (its own
/// buffers, sized for this set once, so the training model's are never resized).
pub struct HeldOut {
    x: DMatrix<f32>,
    copy: Option<Box<dyn Model<f32>>>,
    rng: Pcg32,
}

impl Clone for HeldOut {
    fn clone(&self) -> Self {
        HeldOut { x: self.x.clone(), copy: self.copy.as_ref().map(|m| m.boxed_clone()), rng: self.rng.clone() }
    }
}

impl std::fmt::Debug for HeldOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldOut").field("patches", &self.x.shape()).finish_non_exhaustive()
    }
}

impl HeldOut {
    /// Draws `count` random `patch`×`patch` patches from `images` once, with a generator
    /// seeded by `seed` (uniform image, uniform top-left corner, as the training sampler
    /// does), and normalises them with `sigma`: pass the trainer's
    /// [`PatchSampler::sigma`] so both sets are scaled identically. Errors, in a sentence,
    /// on no images, an image too small or malformed, a zero patch size or count, or a σ
    /// that is not a positive normal number.
    pub fn new(images: &[Image], patch: usize, sigma: f32, count: usize, seed: u64) -> Result<Self, String> {
        if count == 0 {
            return Err("The held-out set needs a count of at least 1, got 0.".into());
        }
        if !(sigma > 0.0 && sigma.is_normal()) {
            return Err(format!("The held-out set needs a positive normalisation σ, got {sigma}."));
        }
        check_images(images, patch)?;
        let mut x = DMatrix::zeros(patch * patch, count);
        // the training sampler's own drawing, on a stream of its own
        draw_patches(images, patch, &mut Pcg32::seed_from_u64(seed), &mut x);
        normalize_patches(&mut x, sigma);
        // no copy yet: the first evaluate makes one of its model
        Ok(HeldOut { copy: None, rng: Pcg32::seed_from_u64(seed ^ 0xE7A1), x })
    }

    /// [`HeldOut::new`] on the sampler's own images, patch size and σ. Convenient, but the
    /// patches come from the training images (see the module docs).
    pub fn from_sampler(sampler: &PatchSampler, count: usize, seed: u64) -> Result<Self, String> {
        Self::new(sampler.images(), sampler.patch_size(), sampler.sigma(), count, seed)
    }

    /// The cost terms of `model` on the held-out patches under `ctx`. Allocates only on the
    /// first call, or when the model or its shape changes. Panics if the model does not take
    /// this set's patch size (a programming error: rebuild the set with the model).
    pub fn evaluate(&mut self, model: &dyn Model<f32>, ctx: &Ctx) -> Cost {
        assert_eq!(model.inputs(), self.x.nrows(), "held-out patches have {} pixels", self.x.nrows());
        let same = self.copy.as_ref().is_some_and(|c| c.key() == model.key() && c.layout() == model.layout());
        let copy = match &mut self.copy {
            Some(c) if same => {
                c.theta_mut().copy_from_slice(model.theta());
                c
            }
            slot => slot.insert(model.boxed_clone()),
        };
        copy.evaluate(&self.x, &self.x, ctx, &mut self.rng)
    }

    /// The patches, n×count, one per column.
    pub fn patches(&self) -> &DMatrix<f32> {
        &self.x
    }

    /// Codes (h×count) and reconstructions (n×count) from the latest [`HeldOut::evaluate`],
    /// e.g. for a [`crate::readouts::CodeTracker`] on held-out data; `None` before the first.
    pub fn activations(&self) -> Option<(&DMatrix<f32>, &DMatrix<f32>)> {
        self.copy.as_ref().map(|c| (c.last_codes(), c.last_recon()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::natural_images;
    use crate::model::sparse_ae::{family_cost, SparseAe};
    use crate::model::{evaluate, Hyper, Output, Sae, Workspace};
    use crate::train::{Setup, Trainer};
    use rand::Rng;

    fn noise(w: usize, h: usize, seed: u64) -> Image {
        let mut rng = Pcg32::seed_from_u64(seed);
        Image::new(w, h, (0..w * h).map(|_| rng.random::<f32>()).collect()).unwrap()
    }

    #[test]
    fn fixed_normalised_and_seeded() {
        let imgs = [noise(30, 20, 1), noise(16, 40, 2)];
        let a = HeldOut::new(&imgs, 6, 0.3, 50, 9).unwrap();
        assert_eq!(a.patches().shape(), (36, 50));
        assert!(a.patches().iter().all(|&v| (0.1..=0.9).contains(&v)));
        assert_eq!(a.patches(), HeldOut::new(&imgs, 6, 0.3, 50, 9).unwrap().patches());
        assert_ne!(a.patches(), HeldOut::new(&imgs, 6, 0.3, 50, 10).unwrap().patches());
        // σ is the one given, not re-estimated
        assert_ne!(a.patches(), HeldOut::new(&imgs, 6, 0.6, 50, 9).unwrap().patches());
        let s = PatchSampler::new(imgs.to_vec(), 6, 3).unwrap();
        let b = HeldOut::from_sampler(&s, 50, 9).unwrap();
        assert_eq!(b.patches(), HeldOut::new(&imgs, 6, s.sigma(), 50, 9).unwrap().patches());
    }

    #[test]
    fn evaluate_matches_the_model_and_adapts_to_the_network() {
        let imgs = [noise(32, 32, 3)];
        let mut h = HeldOut::new(&imgs, 4, 0.3, 64, 1).unwrap();
        let hyper = Hyper::default().validate().unwrap();
        let ctx = Ctx { hyper: &hyper, knobs: &[] };
        assert!(h.activations().is_none());
        for hidden in [5, 7] {
            let sae = Sae::init(16, hidden, Output::Sigmoid, &mut Pcg32::seed_from_u64(hidden as u64));
            let mut ws = Workspace::new(16, hidden, 64);
            let want = family_cost(evaluate(&sae, h.patches(), &hyper, &mut ws));
            let model = SparseAe::new(sae);
            assert_eq!(h.evaluate(&model, &ctx), want);
            assert_eq!(h.evaluate(&model, &ctx), want, "the set does not change between calls");
            assert_eq!(h.activations().unwrap().0.shape(), (hidden, 64));
        }
    }

    #[test]
    fn rejects_bad_input() {
        let img = [noise(8, 8, 0)];
        assert!(HeldOut::new(&[], 4, 1.0, 10, 0).unwrap_err().contains("at least one image"));
        assert!(HeldOut::new(&img, 0, 1.0, 10, 0).is_err());
        assert!(HeldOut::new(&img, 4, 1.0, 0, 0).is_err());
        assert!(HeldOut::new(&img, 4, 0.0, 10, 0).unwrap_err().contains("σ"));
        assert!(HeldOut::new(&img, 9, 1.0, 10, 0).unwrap_err().contains("Image 0"));
        assert!(HeldOut::new(&img, 8, 1.0, 10, 0).is_ok());
    }

    #[test]
    fn training_lowers_the_held_out_cost_on_another_image() {
        let mut t = Trainer::new(Setup::default(), Hyper::default().validate().unwrap(), natural_images(1)).unwrap();
        let mut h = HeldOut::new(&natural_images(2), 8, t.sampler().sigma(), DEFAULT_COUNT, 5).unwrap();
        let before = h.evaluate(t.model(), &t.ctx(0)).total();
        for _ in 0..300 {
            t.step().unwrap();
        }
        let after = h.evaluate(t.model(), &t.ctx(0)).total();
        assert!(after < 0.5 * before, "held-out cost {before} → {after}");
    }
}
