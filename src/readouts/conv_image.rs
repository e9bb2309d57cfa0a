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

use nalgebra::{DMatrix, DMatrixView};

use super::image_recon::{cut_tiles, untile};
use super::ImageRecon;
use crate::data::{normalize_patches, Image};
use crate::model::conv::{select, Grid, Maps, Select, SAME};
use crate::model::family::{standardize, unstandardize};
use crate::model::{Ctx, Model};

/// A convolutional model's view of the crop: rebuilt in one pass and tile by tile, and the
/// one pass's feature maps.
#[derive(Clone, Debug)]
pub struct ConvWhole {
    /// The crop in one pass; `error` is each pixel's (x̂ − x)².
    pub whole: ImageRecon,
    /// The same crop cut into p×p tiles, each normalised as a training patch and through the
    /// model's own pass (its whole maps, as in training); `error` per pixel too.
    pub tiles: ImageRecon,
    /// The one pass's feature maps.
    pub maps: FeatureMaps,
}

/// Feature maps over a picture: what each kernel answers at every position, for the
/// strongest few kernels.
#[derive(Clone, Debug, Default)]
pub struct FeatureMaps {
    /// Map width and height (the picture's: "same" maps have one position per pixel).
    pub width: usize,
    /// See `width`.
    pub height: usize,
    /// The maps' units, in the model's order.
    pub units: Vec<usize>,
    /// Their kernels, one row each (k×k, row-major).
    pub kernels: DMatrix<f32>,
    /// ReLU(W_j ⋆ x + b_j) before the sparsity, map after map (`width`·`height` each).
    pub response: Vec<f32>,
    /// Where the sparsity keeps that value (what the decoder draws from), in the same layout.
    pub kept: Vec<bool>,
}

/// A convolutional model's kernels, their biases and the output bias, read from θ.
struct Kernels<'a> {
    w: DMatrixView<'a, f32>,
    b: &'a [f32],
    b_out: f32,
    k: usize,
}

impl<'a> Kernels<'a> {
    /// `None` when `model` has no `kernels` block (it is not convolutional).
    fn of(model: &'a dyn Model<f32>) -> Option<Self> {
        let l = model.layout();
        let (wi, bi, oi) = (l.index("kernels")?, l.index("b_maps")?, l.index("b_out")?);
        let th = model.theta();
        let w = l.view(th, wi);
        let k = (w.ncols() as f64).sqrt().round() as usize;
        Some(Kernels { w, b: &th[l.range(bi)], b_out: th[l.range(oi)][0], k })
    }

    fn forward(&self, grid: (usize, usize), xs: &DMatrix<f32>, select: Select) -> Maps<f32> {
        let mut maps = Maps::default();
        let g = Grid { w: grid.0, h: grid.1, k: self.k, same: SAME };
        maps.forward(g, &self.w, self.b, self.b_out, xs, select);
        maps
    }
}

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
    let (width, height) = (crop.min(img.width), crop.min(img.height));
    Some(one_pass(model, ctx, img, sigma, (width, height), 0)?.0)
}

/// [`reconstruct_whole`] on the crop rounded down to whole p×p tiles, beside the same crop
/// tile by tile, with the feature maps of the `max_maps` kernels that answer most (largest
/// mean response). Allocates; call on demand (about once a second).
pub fn conv_whole(
    model: &dyn Model<f32>,
    ctx: &Ctx,
    img: &Image,
    sigma: f32,
    crop: usize,
    max_maps: usize,
) -> Option<ConvWhole> {
    let p = (model.inputs() as f64).sqrt().round() as usize;
    let (gx, gy) = (crop.min(img.width) / p.max(1), crop.min(img.height) / p.max(1));
    let (whole, maps) = one_pass(model, ctx, img, sigma, (gx * p, gy * p), max_maps)?;
    // the tiles exactly as training patches: their own mean removed, the model's own pass
    let kernels = Kernels::of(model)?;
    let mut x = cut_tiles(img, p, gx, gy);
    normalize_patches(&mut x, sigma);
    let mut xs = x.clone();
    standardize(&x, &mut xs);
    let pass = kernels.forward((p, p), &xs, select(ctx));
    let mut recon = x.clone();
    unstandardize(&pass.xhat, &mut recon);
    let (original, recon) = (untile(&x, p, gx), untile(&recon, p, gx));
    let tiles = ImageRecon {
        width: gx * p,
        height: gy * p,
        error: squared_error(&original, &recon),
        clean: original.clone(),
        original,
        recon,
    };
    Some(ConvWhole { whole, tiles, maps })
}

/// The one pass over the `width`×`height` crop, and its `max_maps` strongest feature maps.
fn one_pass(
    model: &dyn Model<f32>,
    ctx: &Ctx,
    img: &Image,
    sigma: f32,
    (width, height): (usize, usize),
    max_maps: usize,
) -> Option<(ImageRecon, FeatureMaps)> {
    let kernels = Kernels::of(model)?;
    let (k, p) = (kernels.k, (model.inputs() as f64).sqrt().round() as usize);
    if k == 0 || width < k || height < k || sigma.is_nan() || sigma <= 0.0 {
        return None;
    }
    let mut px = Vec::with_capacity(width * height);
    for y in 0..height {
        px.extend_from_slice(&img.pixels[y * img.width..y * img.width + width]);
    }
    let mean = px.iter().map(|&v| v as f64).sum::<f64>() / px.len() as f64;
    let xs = DMatrix::from_iterator(px.len(), 1, px.iter().map(|&v| ((v - mean as f32) / sigma).clamp(-3.0, 3.0)));
    let select = match select(ctx) {
        Select::Winners(n) => Select::LocalMax(((p as f64 / (n as f64).sqrt()).round() as usize).max(1)),
        all => all,
    };
    let maps = kernels.forward((width, height), &xs, select);
    let shown = |v: f32| 0.5 + v / 7.5;
    let original: Vec<f32> = xs.iter().map(|&v| shown(v)).collect();
    let recon: Vec<f32> = maps.xhat.iter().map(|&v| shown(v)).collect();
    let error = squared_error(&original, &recon);
    let recon = ImageRecon { width, height, clean: original.clone(), original, recon, error };
    Some((recon, strongest_maps(&kernels.w, &maps, (width, height), max_maps)))
}

/// The `max_maps` maps of largest mean response (in the model's order), from a pass's
/// pre-activations and sparse maps (h × positions, one column per position).
fn strongest_maps(
    w: &DMatrixView<'_, f32>,
    maps: &Maps<f32>,
    (width, height): (usize, usize),
    max_maps: usize,
) -> FeatureMaps {
    let (h, npos) = (maps.pre.nrows(), width * height);
    let mut total = vec![0.0f32; h];
    for pos in maps.pre.as_slice().chunks_exact(h) {
        total.iter_mut().zip(pos).for_each(|(t, &v)| *t += v.max(0.0));
    }
    let mut units: Vec<usize> = (0..h).collect();
    units.sort_by(|&a, &b| total[b].total_cmp(&total[a]));
    units.truncate(max_maps);
    units.sort_unstable();
    // position-major (h values per position) to map-major (`npos` values per map)
    let (mut response, mut kept) = (vec![0.0; units.len() * npos], vec![false; units.len() * npos]);
    let positions = maps.pre.as_slice().chunks_exact(h).zip(maps.a.as_slice().chunks_exact(h));
    for (s, (pre, a)) in positions.enumerate() {
        for (i, &j) in units.iter().enumerate() {
            response[i * npos + s] = pre[j].max(0.0);
            kept[i * npos + s] = a[j] > 0.0;
        }
    }
    let kernels = DMatrix::from_fn(units.len(), w.ncols(), |i, c| w[(units[i], c)]);
    FeatureMaps { width, height, units, kernels, response, kept }
}

/// (x̂ − x)² per pixel.
fn squared_error(original: &[f32], recon: &[f32]) -> Vec<f32> {
    original.iter().zip(recon).map(|(a, r)| (r - a) * (r - a)).collect()
}

/// Mean per-pixel squared error (x̂ − x)² on the p-pixel patch grid's lines (the first and
/// last row and column of every tile) and inside the tiles (2 pixels or more from their
/// border), away from the picture's own border (where the kernels reach outside it): their
/// ratio is ≈ 1 without seams. NaN when the picture is too small to have both.
pub fn seam_and_inside(r: &ImageRecon, p: usize) -> (f32, f32) {
    let (mut seam, mut inside) = ((0.0, 0), (0.0, 0));
    for y in p..r.height.saturating_sub(p) {
        for x in p..r.width.saturating_sub(p) {
            let e = (r.recon[y * r.width + x] - r.original[y * r.width + x]).powi(2);
            let (tx, ty) = (x % p, y % p);
            if tx == 0 || tx == p - 1 || ty == 0 || ty == p - 1 {
                seam = (seam.0 + e, seam.1 + 1);
            } else if (2..p - 2).contains(&tx) && (2..p - 2).contains(&ty) {
                inside = (inside.0 + e, inside.1 + 1);
            }
        }
    }
    (seam.0 / seam.1 as f32, inside.0 / inside.1 as f32)
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
