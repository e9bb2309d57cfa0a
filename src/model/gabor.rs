//! A least-squares fit of one Gabor function to one filter, fast enough for the page to judge
//! 400 filters a few times a second.
//!
//! The family: g(x, y) = e^(−u²/2σ_a² − v²/2σ_l²) · (a·cos 2πfu + b·sin 2πfu) + c, with u across
//! the carrier (angle θ, centre x0, y0) and v along it. a, b, c enter linearly, so for given
//! (x0, y0, θ, f, σ_a, σ_l) the best fit is a 3×3 least-squares solve; only those six are
//! searched. The bandwidth is bounded, which is what makes the fit mean "edge or bar":
//! - at most [`MAX_CYCLES`] visible cycles across the envelope (4σ_a·f, its ±2σ span), so a
//!   grating or a PCA component (many cycles, or one spread over the whole patch) cannot be fit;
//! - σ_a ≤ p/8, so the envelope's ±2σ_a span covers at most half the patch across the carrier
//!   (the leading PCA components fill it, an edge does not); σ_l ≤ p/2, so it may be long
//!   along it (the edges learned from photographs run across most of the patch).
//!
//! Searched from one seed, not exhaustively: the centre starts at the centroid of the filter's
//! energy and θ at its gradient orientation (structure tensor), then a few sizes and
//! frequencies, then coordinate descent with shrinking steps. The exhaustive multi-start fit
//! in `tests/gabor_ref` is the reference this is checked against.

use std::f32::consts::PI;

/// Largest number of visible cycles, 4σ_a·f.
pub const MAX_CYCLES: f32 = 1.5;

/// The search stops once a fit explains this much: above the edge verdict's threshold, so
/// the verdict is the same, and most trained filters stop after the first grid.
pub const GOOD_ENOUGH: f32 = 0.85;

/// A fitted Gabor's shape (its linear coefficients are not kept).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gabor {
    /// Centre column.
    pub x0: f32,
    /// Centre row.
    pub y0: f32,
    /// Direction of the carrier (across the edge), radians.
    pub theta: f32,
    /// Carrier frequency, cycles per pixel.
    pub freq: f32,
    /// Envelope width across the carrier, pixels.
    pub sigma_across: f32,
    /// Envelope length along the carrier's crests, pixels.
    pub sigma_along: f32,
}

/// The result: the Gabor, the share of the filter's variance it explains, and how oriented
/// the fitted pattern is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GaborFit {
    /// The fitted shape.
    pub gabor: Gabor,
    /// Variance explained, 1 − SSR/Σ(w − w̄)², in [0, 1].
    pub explained: f32,
    /// Structure-tensor coherence of the fitted pattern, in [0, 1]: near 0 for a round blob,
    /// high for an edge or a bar.
    pub orientedness: f32,
}

/// The bounds of the envelope for p×p filters: (min, max) of σ_a, of σ_l.
pub fn sigma_bounds(p: usize) -> ((f32, f32), (f32, f32)) {
    let p = p as f32;
    ((0.5, (0.125 * p).max(0.6)), (0.5, p / 2.0))
}

/// Fits one p×p filter (row-major). A flat filter explains nothing.
pub fn fit(f: &[f32], p: usize) -> GaborFit {
    assert_eq!(f.len(), p * p, "filter must have p² weights");
    let mean = f.iter().sum::<f32>() / f.len() as f32;
    let w: Vec<f32> = f.iter().map(|v| v - mean).collect();
    let sst: f32 = w.iter().map(|v| v * v).sum();
    let flat = Gabor { x0: 0.0, y0: 0.0, theta: 0.0, freq: 0.0, sigma_across: 1.0, sigma_along: 1.0 };
    if sst <= f32::EPSILON {
        return GaborFit { gabor: flat, explained: 0.0, orientedness: 0.0 };
    }
    let ps = p as f32;
    let ((sa_lo, sa_hi), (sl_lo, sl_hi)) = sigma_bounds(p);
    let sc = ps / 8.0;
    let shape = |cx: f32, cy: f32, theta: f32, sa: f32, sl: f32, cycles: f32| {
        let sa = sa.clamp(sa_lo, sa_hi);
        Gabor {
            x0: cx,
            y0: cy,
            theta,
            freq: cycles / (4.0 * sa),
            sigma_across: sa,
            sigma_along: sl.clamp(sl_lo, sl_hi),
        }
    };
    let mut best = (f32::MIN, flat);
    let keep = |g: Gabor, best: &mut (f32, Gabor)| {
        let e = explained(&w, p, sst, &g);
        if e > best.0 {
            *best = (e, g);
        }
    };
    // which seed and angle: a middle size at three cycle counts
    for (cx, cy, theta) in seeds(&w, p, sst) {
        for dt in [-PI / 8.0, 0.0, PI / 8.0] {
            for cycles in [0.3, 0.8, 1.4] {
                keep(shape(cx, cy, theta + dt, sc, 1.6 * sc, cycles), &mut best);
            }
        }
    }
    // then sizes around the best of those
    let g0 = best.1;
    for sa in [0.7 * sc, 1.2 * sc] {
        for sl in [1.0 * sc, 2.4 * sc] {
            for cycles in [0.3, 0.8, 1.4] {
                keep(shape(g0.x0, g0.y0, g0.theta, sa, sl, cycles), &mut best);
            }
        }
    }
    // noise stays noise: no descent from a seed this poor
    if (0.3..GOOD_ENOUGH).contains(&best.0) {
        best = descend(&w, p, sst, best);
    }
    let (e, g) = best;
    GaborFit { gabor: g, explained: e.clamp(0.0, 1.0), orientedness: fitted_orientedness(&w, p, &g) }
}

/// Where to start, (x0, y0, θ): the centroid of the energy w² with the filter's gradient
/// orientation, the strongest weight, and the strongest gradient with its own direction (a
/// filter with a flat plateau beside its edge pulls the centroid off the edge).
fn seeds(w: &[f32], p: usize, sst: f32) -> [(f32, f32, f32); 3] {
    let (mut cx, mut cy) = (0.0, 0.0);
    for (i, v) in w.iter().enumerate() {
        cx += (i % p) as f32 * v * v;
        cy += (i / p) as f32 * v * v;
    }
    let theta = tensor(w, p).1;
    let peak = (0..w.len()).max_by(|&a, &b| w[a].abs().total_cmp(&w[b].abs())).unwrap_or(0);
    let (mut g_best, mut g_at) = (-1.0f32, (0.0, 0.0, 0.0));
    for y in 0..p - 1 {
        for x in 0..p - 1 {
            let (a, b, c, d) = (w[y * p + x], w[y * p + x + 1], w[(y + 1) * p + x], w[(y + 1) * p + x + 1]);
            let (gx, gy) = (0.5 * ((b - a) + (d - c)), 0.5 * ((c - a) + (d - b)));
            if gx * gx + gy * gy > g_best {
                g_best = gx * gx + gy * gy;
                g_at = (x as f32 + 0.5, y as f32 + 0.5, gy.atan2(gx));
            }
        }
    }
    [(cx / sst, cy / sst, theta), ((peak % p) as f32, (peak / p) as f32, theta), g_at]
}

/// Coordinate descent on (x0, y0, θ, ln f, ln σ_a, ln σ_l), steps halved when no move helps.
fn descend(w: &[f32], p: usize, sst: f32, start: (f32, Gabor)) -> (f32, Gabor) {
    let ((sa_lo, sa_hi), (sl_lo, sl_hi)) = sigma_bounds(p);
    let ps = p as f32;
    let (mut e, mut g) = start;
    let mut steps = [0.5 * ps / 8.0, 0.5 * ps / 8.0, PI / 16.0, 0.3, 0.2, 0.3];
    for _round in 0..4 {
        for (k, step) in steps.iter().enumerate() {
            for sign in [1.0f32, -1.0] {
                let mut t = g;
                let d = sign * step;
                match k {
                    0 => t.x0 = (t.x0 + d).clamp(0.0, ps - 1.0),
                    1 => t.y0 = (t.y0 + d).clamp(0.0, ps - 1.0),
                    2 => t.theta += d,
                    3 => t.freq = (t.freq.max(0.01) * d.exp()).min(0.5),
                    4 => t.sigma_across = (t.sigma_across * d.exp()).clamp(sa_lo, sa_hi),
                    _ => t.sigma_along = (t.sigma_along * d.exp()).clamp(sl_lo, sl_hi),
                }
                t.freq = t.freq.min(MAX_CYCLES / (4.0 * t.sigma_across));
                let te = explained(w, p, sst, &t);
                if te > e {
                    (e, g) = (te, t);
                    break;
                }
            }
            if e >= GOOD_ENOUGH {
                return (e, g);
            }
        }
        steps.iter_mut().for_each(|s| *s *= 0.5);
    }
    (e, g)
}

/// Share of Σw² (w zero-mean, Σw² = `sst`) explained by the best a, b, c for shape `g`.
pub fn explained(w: &[f32], p: usize, sst: f32, g: &Gabor) -> f32 {
    let (st, ct) = g.theta.sin_cos();
    let (ka, kl) = (0.5 / (g.sigma_across * g.sigma_across), 0.5 / (g.sigma_along * g.sigma_along));
    let k = 2.0 * PI * g.freq;
    // Gram matrix of (cos, sin, 1) and their products with w
    let (mut cc, mut ss, mut cs, mut c1, mut s1, mut cw, mut sw) = (0.0f32, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, &wi) in w.iter().enumerate() {
        let (dx, dy) = ((i % p) as f32 - g.x0, (i / p) as f32 - g.y0);
        let (u, v) = (dx * ct + dy * st, -dx * st + dy * ct);
        let t = u * u * ka + v * v * kl;
        // beyond e^−10 the envelope adds nothing: skipping it is most of the speed
        if t > 10.0 {
            continue;
        }
        let env = (-t).exp();
        let (sn, cn) = (k * u).sin_cos();
        let (c, s) = (env * cn, env * sn);
        cc += c * c;
        ss += s * s;
        cs += c * s;
        c1 += c;
        s1 += s;
        cw += c * wi;
        sw += s * wi;
    }
    let n = w.len() as f32;
    // a tiny ridge keeps f = 0 (sin ≡ 0) solvable
    let r = 1e-6 * (cc + ss + n);
    let m = [[cc + r, cs, c1], [cs, ss + r, s1], [c1, s1, n + r]];
    let b = [cw, sw, 0.0];
    let coef = solve3(m, b);
    (coef[0] * b[0] + coef[1] * b[1]) / sst
}

/// Solves the symmetric positive 3×3 system m·x = b by Cramer's rule (zero if singular).
fn solve3(m: [[f32; 3]; 3], b: [f32; 3]) -> [f32; 3] {
    let det = |a: [[f32; 3]; 3]| {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    };
    let d = det(m);
    if d.abs() <= f32::MIN_POSITIVE {
        return [0.0; 3];
    }
    let mut x = [0.0; 3];
    for (j, xj) in x.iter_mut().enumerate() {
        let mut mj = m;
        for i in 0..3 {
            mj[i][j] = b[i];
        }
        *xj = det(mj) / d;
    }
    x
}

/// Coherence of the fitted pattern: the best a, b, c for `g` drawn on the grid, then its
/// structure tensor.
fn fitted_orientedness(w: &[f32], p: usize, g: &Gabor) -> f32 {
    let (st, ct) = g.theta.sin_cos();
    let (ka, kl) = (0.5 / (g.sigma_across * g.sigma_across), 0.5 / (g.sigma_along * g.sigma_along));
    let k = 2.0 * PI * g.freq;
    let basis: Vec<(f32, f32)> = (0..w.len())
        .map(|i| {
            let (dx, dy) = ((i % p) as f32 - g.x0, (i / p) as f32 - g.y0);
            let (u, v) = (dx * ct + dy * st, -dx * st + dy * ct);
            let env = (-u * u * ka - v * v * kl).exp();
            let (sn, cn) = (k * u).sin_cos();
            (env * cn, env * sn)
        })
        .collect();
    // a, b by least squares on (cos, sin) (c is a constant and has no gradient)
    let (mut cc, mut ss, mut cs, mut cw, mut sw) = (0.0f32, 0.0, 0.0, 0.0, 0.0);
    for (&(c, s), &wi) in basis.iter().zip(w) {
        cc += c * c;
        ss += s * s;
        cs += c * s;
        cw += c * wi;
        sw += s * wi;
    }
    let r = 1e-6 * (cc + ss);
    let det = (cc + r) * (ss + r) - cs * cs;
    if det <= f32::MIN_POSITIVE {
        return 0.0;
    }
    let (a, b) = (((ss + r) * cw - cs * sw) / det, ((cc + r) * sw - cs * cw) / det);
    let drawn: Vec<f32> = basis.iter().map(|&(c, s)| a * c + b * s).collect();
    tensor(&drawn, p).0
}

/// Structure tensor of a p×p pattern: (coherence in [0, 1], gradient orientation in radians).
pub fn tensor(f: &[f32], p: usize) -> (f32, f32) {
    let (mut jxx, mut jyy, mut jxy) = (0.0f32, 0.0f32, 0.0f32);
    for y in 0..p - 1 {
        for x in 0..p - 1 {
            // forward differences averaged over the 2×2 cell, so gx and gy share a centre
            let (a, b, c, d) = (f[y * p + x], f[y * p + x + 1], f[(y + 1) * p + x], f[(y + 1) * p + x + 1]);
            let gx = 0.5 * ((b - a) + (d - c));
            let gy = 0.5 * ((c - a) + (d - b));
            jxx += gx * gx;
            jyy += gy * gy;
            jxy += gx * gy;
        }
    }
    let trace = jxx + jyy;
    let coherence = if trace > 0.0 { ((jxx - jyy).powi(2) + 4.0 * jxy * jxy).sqrt() / trace } else { 0.0 };
    (coherence, 0.5 * (2.0 * jxy).atan2(jxx - jyy))
}
