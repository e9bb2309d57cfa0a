//! The whole-image view of a convolutional model: its kernels run over the whole crop at
//! once, so the reconstruction has no patch seams, and its per-pixel error map is what
//! anomaly detection thresholds. The patch-by-patch view ([`super::image_recon`]) rebuilds
//! each p×p tile on its own, whose border pixels are reached by fewer kernel positions inside
//! the tile than the pixels at its centre.
//!
//! The crop is normalised as the training patches are, with one mean for the whole crop
//! instead of one per patch (the whitened pictures have next to no brightness left to
//! remove): (v − mean)/σ clipped at ±3, shown as 0.5 + that/7.5 in the sampler's range.
//! Winner-take-all, "the largest value of each map in the patch", becomes "the largest value
//! of its map within the p×p positions centred on it" ([`Select::LocalMax`]): the same density,
//! with no patch grid to make seams.

use nalgebra::DMatrix;

use super::ImageRecon;
use crate::data::Image;
use crate::model::conv::{Grid, Maps, Select, KNOB_WINNERS, SPEC};
use crate::model::{Ctx, Model};

/// The top-left `crop`×`crop` pixels of `img` (clamped to it) encoded and decoded at once by a
/// convolutional `model`, normalised with `sigma` (the trainer's); `None` when `model` is not
/// convolutional (it has no `kernels` block) or nothing fits. `clean` is `original` (no noise
/// here); `error` is each pixel's (x̂ − x)² in the sampler's range. Allocates; call on demand.
pub fn reconstruct_whole(
    model: &dyn Model<f32>,
    ctx: &Ctx,
    img: &Image,
    sigma: f32,
    crop: usize,
) -> Option<ImageRecon> {
    let l = model.layout();
    let (wi, bi, oi) = (l.index("kernels")?, l.index("b_maps")?, l.index("b_out")?);
    let th = model.theta();
    let w = l.view(th, wi);
    let k = (w.ncols() as f64).sqrt().round() as usize;
    let p = (model.inputs() as f64).sqrt().round() as usize;
    let (width, height) = (crop.min(img.width), crop.min(img.height));
    if k == 0 || width < k || height < k || sigma.is_nan() || sigma <= 0.0 {
        return None;
    }
    let mut px = Vec::with_capacity(width * height);
    for y in 0..height {
        px.extend_from_slice(&img.pixels[y * img.width..y * img.width + width]);
    }
    let mean = px.iter().map(|&v| v as f64).sum::<f64>() / px.len() as f64;
    let xs = DMatrix::from_iterator(px.len(), 1, px.iter().map(|&v| ((v - mean as f32) / sigma).clamp(-3.0, 3.0)));
    let select = match ctx.knob(KNOB_WINNERS, SPEC.knobs[KNOB_WINNERS].default).round() as usize {
        0 => Select::All,
        n => Select::LocalMax(((p as f64 / (n as f64).sqrt()).round() as usize).max(1)),
    };
    let mut maps = Maps::default();
    let grid = Grid { w: width, h: height, k, same: true };
    maps.forward(grid, &w, &th[l.range(bi)], th[l.range(oi)][0], &xs, select);
    let shown = |v: f32| 0.5 + v / 7.5;
    let original: Vec<f32> = xs.iter().map(|&v| shown(v)).collect();
    let recon: Vec<f32> = maps.xhat.iter().map(|&v| shown(v)).collect();
    let error = original.iter().zip(&recon).map(|(a, r)| (r - a) * (r - a)).collect();
    Some(ImageRecon { width, height, clean: original.clone(), original, recon, error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::conv::Conv;
    use crate::model::ValidHyper;
    use rand::SeedableRng;
    use rand_pcg::Pcg32;

    const HYPER: ValidHyper = ValidHyper::DEFAULT;

    /// Where the patches are the whole picture, the whole-image pass is the patch pass.
    #[test]
    fn one_patch_is_the_models_own_reconstruction() {
        let mut model = Conv::<f32>::new(8, 5, 6, &mut Pcg32::seed_from_u64(3));
        let px: Vec<f32> = (0..64).map(|i| ((i * 37) % 11) as f32 / 11.0 - 0.5).collect();
        let img = Image::new(8, 8, px.clone()).unwrap();
        let knobs = [0.0, 0.0, 3e-3];
        let ctx = Ctx { hyper: &HYPER, knobs: &knobs };
        let sigma = 0.2;
        let r = reconstruct_whole(&model, &ctx, &img, sigma, 64).unwrap();
        assert_eq!((r.width, r.height), (8, 8));
        // the sampler's normalisation of the same patch, through the model's own pass
        let mut x = DMatrix::from_column_slice(64, 1, &px);
        crate::data::normalize_patches(&mut x, sigma);
        model.evaluate(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0));
        for i in 0..64 {
            assert!((r.original[i] - x[i]).abs() < 1e-5, "pixel {i}");
            assert!((r.recon[i] - model.last_recon()[i]).abs() < 1e-5, "pixel {i}");
        }
        let sae = crate::model::sparse_ae::SparseAe::new(crate::model::Sae::init(
            64,
            4,
            crate::model::Output::Sigmoid,
            &mut Pcg32::seed_from_u64(1),
        ));
        assert!(reconstruct_whole(&sae, &ctx, &img, sigma, 64).is_none(), "not a convolutional model");
    }
}
