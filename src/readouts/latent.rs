//! A VAE's latent space, as Kingma & Welling (2014, Fig. 4) draw it: with two latents, the
//! decodings of a grid over the latent plane, its points placed through the inverse Gaussian
//! CDF so that each covers equal prior mass; with more, decodings of samples from the prior.
//! And where pictures land: each picture's posterior mean μ, for a scatter coloured by class.
//! And each latent alone: a traversal, one row per latent with the others held at the prior's
//! mean, so a student sees what each latent does and which ones the KL term has switched off.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;

use crate::model::vae::fill_normals;
use crate::model::{Ctx, Model};

/// Side of the latent-plane grid (and of the grid of prior samples).
pub const GRID: usize = 9;

/// Φ⁻¹(p), the standard normal quantile, for p in (0, 1) (Acklam's rational approximation,
/// relative error below 1.2·10⁻⁹; ±∞ at 0 and 1).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    const LOW: f64 = 0.02425;
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let tail = |q: f64| {
        let s = (-2.0 * q.ln()).sqrt();
        (((((C[0] * s + C[1]) * s + C[2]) * s + C[3]) * s + C[4]) * s + C[5])
            / ((((D[0] * s + D[1]) * s + D[2]) * s + D[3]) * s + 1.0)
    };
    if p < LOW {
        tail(p)
    } else if p > 1.0 - LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The latent codes to decode (h × GRID²): for two latents the plane's grid, z = (Φ⁻¹(u), Φ⁻¹(v))
/// at u, v = (i + ½)/GRID, row by row with z₂ falling down the rows (as a plot's y axis); for
/// any other number, GRID² draws from the prior N(0, I) (seeded, so the same every time).
pub fn latent_codes(h: usize) -> DMatrix<f32> {
    let k = GRID * GRID;
    if h == 2 {
        let at = |i: usize| normal_quantile((i as f64 + 0.5) / GRID as f64) as f32;
        return DMatrix::from_fn(2, k, |r, j| if r == 0 { at(j % GRID) } else { at(GRID - 1 - j / GRID) });
    }
    let mut z = DMatrix::zeros(h, k);
    fill_normals(z.as_mut_slice(), &mut Pcg32::seed_from_u64(PRIOR_SEED));
    z
}

/// Seed of the prior samples.
const PRIOR_SEED: u64 = 2014;

/// The decodings of [`latent_codes`] as tiles, one per row (GRID² × n), for the tile grid.
pub fn latent_tiles(model: &mut dyn Model<f32>) -> DMatrix<f32> {
    let z = latent_codes(model.hidden());
    let mut x = DMatrix::zeros(model.inputs(), z.ncols());
    model.decode(&z, &mut x);
    x.transpose()
}

/// Each picture's code (the VAE's posterior mean μ) in the plane of its first two latents.
pub fn latent_points(model: &mut dyn Model<f32>, ctx: &Ctx, x: &DMatrix<f32>) -> Vec<(f32, f32)> {
    let mut codes = DMatrix::zeros(model.hidden(), x.ncols());
    model.encode(x, ctx, &mut codes);
    codes.column_iter().map(|c| (c[0], c.get(1).copied().unwrap_or(0.0))).collect()
}

/// One row of a [`traversal`]: which latent, and how much its μ varies over the pictures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Traversed {
    pub latent: usize,
    /// Var over the pictures of μ_u (Burda et al. 2016 call a latent active above 0.01).
    pub variance: f64,
}

/// Each latent alone: the [`GRID`] latents whose μ varies most over `x` (most first), each a
/// row of GRID decodings at z_u = Φ⁻¹((i + ½)/GRID) with every other latent at 0. Returned as
/// GRID² tiles (rows of the matrix, as [`latent_tiles`]) and the latents shown; with fewer
/// than GRID latents the rows left over are NaN, which the picture grid leaves empty.
pub fn traversal(model: &mut dyn Model<f32>, ctx: &Ctx, x: &DMatrix<f32>) -> (DMatrix<f32>, Vec<Traversed>) {
    let h = model.hidden();
    let mut mu = DMatrix::zeros(h, x.ncols());
    model.encode(x, ctx, &mut mu);
    let m = x.ncols().max(1) as f64;
    let mut shown: Vec<Traversed> = mu
        .row_iter()
        .enumerate()
        .map(|(latent, r)| {
            let mean = r.iter().map(|&v| v as f64).sum::<f64>() / m;
            let variance = r.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / m;
            Traversed { latent, variance }
        })
        .collect();
    shown.sort_by(|a, b| b.variance.total_cmp(&a.variance).then(a.latent.cmp(&b.latent)));
    shown.truncate(GRID);
    let at = |i: usize| normal_quantile((i as f64 + 0.5) / GRID as f64) as f32;
    let z =
        DMatrix::from_fn(h, shown.len() * GRID, |r, j| if r == shown[j / GRID].latent { at(j % GRID) } else { 0.0 });
    let mut decoded = DMatrix::zeros(model.inputs(), z.ncols());
    model.decode(&z, &mut decoded);
    let mut tiles = DMatrix::from_element(GRID * GRID, model.inputs(), f32::NAN);
    tiles.rows_mut(0, z.ncols()).copy_from(&decoded.transpose());
    (tiles, shown)
}

/// How far apart the classes lie among `points` (one per picture, class in `labels`, 0–9):
/// the median distance between two classes' centres, and the mean spread (root mean square
/// distance to its centre) of a class.
pub fn class_separation(points: &[(f32, f32)], labels: &[u8]) -> (f32, f32) {
    let centres: Vec<((f32, f32), f32)> = (0..10u8)
        .map(|c| {
            let p: Vec<_> = points.iter().zip(labels).filter(|(_, &l)| l == c).map(|(p, _)| *p).collect();
            let n = p.len().max(1) as f32;
            let m = (p.iter().map(|q| q.0).sum::<f32>() / n, p.iter().map(|q| q.1).sum::<f32>() / n);
            let spread = (p.iter().map(|q| (q.0 - m.0).powi(2) + (q.1 - m.1).powi(2)).sum::<f32>() / n).sqrt();
            (m, spread)
        })
        .collect();
    let mut gaps: Vec<f32> = (0..10)
        .flat_map(|a| (a + 1..10).map(move |b| (a, b)))
        .map(|(a, b)| {
            let (p, q) = (centres[a].0, centres[b].0);
            ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt()
        })
        .collect();
    gaps.sort_by(f32::total_cmp);
    (gaps[gaps.len() / 2], centres.iter().map(|c| c.1).sum::<f32>() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quantile_inverts_the_normal_cdf() {
        assert_eq!(normal_quantile(0.5), 0.0);
        for (p, z) in [
            (0.975, 1.959963984540054),
            (0.841344746068543, 1.0),
            (0.001, -3.090232306167813),
            (0.02, -2.053748910631823),
        ] {
            assert!((normal_quantile(p) - z).abs() < 1e-8, "Φ⁻¹({p}) = {} ≠ {z}", normal_quantile(p));
            assert!((normal_quantile(1.0 - p) + z).abs() < 1e-8);
        }
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn a_traversal_moves_one_latent_at_a_time_most_varied_first() {
        use crate::model::hyper::Hyper;
        use crate::model::vae::Vae;
        let mut rng = Pcg32::seed_from_u64(5);
        let (n, h) = (16, 4);
        let mut model = Vae::<f32>::new(n, h, &mut rng);
        let hyper = Hyper::default().validate().unwrap();
        let ctx = Ctx { hyper: &hyper, knobs: &[1.0] };
        let mut x = DMatrix::zeros(n, 50);
        fill_normals(x.as_mut_slice(), &mut rng);
        let (tiles, shown) = traversal(&mut model, &ctx, &x);
        assert_eq!(tiles.shape(), (GRID * GRID, n));
        assert_eq!(shown.len(), h, "every latent, as there are fewer than GRID");
        assert!(shown.windows(2).all(|w| w[0].variance >= w[1].variance), "{shown:?}");
        let mut set: Vec<usize> = shown.iter().map(|t| t.latent).collect();
        set.sort();
        assert_eq!(set, (0..h).collect::<Vec<_>>());
        // the middle of every row is z = 0: the same picture, the decoder's mean
        let mut mean = DMatrix::zeros(n, 1);
        model.decode(&DMatrix::zeros(h, 1), &mut mean);
        for r in 0..h {
            let mid = tiles.row(r * GRID + GRID / 2).transpose();
            assert!((mid - &mean).abs().max() < 1e-6, "row {r}");
            assert!((tiles.row(r * GRID) - tiles.row(r * GRID + GRID - 1)).abs().max() > 1e-4, "row {r} moves");
        }
        assert!(tiles.rows(h * GRID, (GRID - h) * GRID).iter().all(|v| v.is_nan()), "padding rows are empty");
    }

    #[test]
    fn two_latents_give_a_symmetric_grid_and_more_give_prior_samples() {
        let z = latent_codes(2);
        assert_eq!(z.shape(), (2, GRID * GRID));
        let mid = GRID / 2;
        assert_eq!((z[(0, mid)], z[(1, mid * GRID)]), (0.0, 0.0), "the middle is the prior's mean");
        assert!(z[(0, 0)] < 0.0 && z[(1, 0)] > 0.0, "top left: z₁ low, z₂ high");
        assert_eq!(z[(0, 0)], -z[(0, GRID - 1)]);
        let s = latent_codes(25);
        assert_eq!(s, latent_codes(25), "seeded");
        let var = s.iter().map(|v| v * v).sum::<f32>() / s.len() as f32;
        assert!((var - 1.0).abs() < 0.1, "N(0, I): {var}");
    }
}
