//! The reference edge measure: an exhaustive least-squares Gabor fit per filter, in f64, the
//! standard test of the V1 literature, against which the page's fast measure
//! (`sae_lab::model::edges`, one seeded descent in f32) is checked.
//!
//! Same family and bounds as the page (they define what "edge" means: at most
//! `MAX_CYCLES` = 1.5 visible cycles, 4σ_a·f; σ_a ≤ p/8 across the carrier, σ_l ≤ p/2 along
//! it), but a different search: a grid of 10 centres × 12 orientations × 3 widths × 3
//! lengths × 4 cycle counts, then coordinate descent from the best 6 of them, 8 rounds each.
//! Slow (≈ 5 ms per 8×8 filter in release), so the labels are computed once and stored in
//! the fixture.

// each test binary uses only part of this module
#![allow(dead_code)]

use nalgebra::{Matrix3, Vector3};
use sae_lab::model::gabor::{sigma_bounds, MAX_CYCLES};
use std::f64::consts::PI;

/// Variance explained and orientedness from which the reference says "edge".
pub const EXPLAINED_MIN: f64 = 0.70;
/// See [`EXPLAINED_MIN`].
pub const ORIENTEDNESS_MIN: f64 = 0.45;

/// (x0, y0, θ, f, σ_a, σ_l).
type Shape = [f64; 6];

/// The reference's verdict on one filter.
#[derive(Clone, Copy, Debug)]
pub struct Reference {
    /// Variance explained by the best bounded Gabor.
    pub explained: f64,
    /// Structure-tensor coherence of that Gabor drawn on the grid.
    pub orientedness: f64,
    /// Its envelope's width across the carrier, as a share of the patch side.
    pub across: f64,
}

impl Reference {
    /// An edge or bar detector.
    pub fn is_edge(&self) -> bool {
        self.explained >= EXPLAINED_MIN && self.orientedness >= ORIENTEDNESS_MIN
    }
}

/// Fits one p×p filter (row-major).
pub fn reference(f: &[f32], p: usize) -> Reference {
    let mean = f.iter().map(|&v| v as f64).sum::<f64>() / f.len() as f64;
    let w: Vec<f64> = f.iter().map(|&v| v as f64 - mean).collect();
    let sst: f64 = w.iter().map(|v| v * v).sum();
    if sst < 1e-12 {
        return Reference { explained: 0.0, orientedness: 0.0, across: 1.0 };
    }
    let ps = p as f64;
    let s = ps / 8.0;
    let (cx, cy) = w
        .iter()
        .enumerate()
        .fold((0.0, 0.0), |(x, y), (i, v)| (x + (i % p) as f64 * v * v / sst, y + (i / p) as f64 * v * v / sst));
    let mut centres = vec![(cx, cy)];
    for a in [0.25, 0.5, 0.75] {
        for b in [0.25, 0.5, 0.75] {
            centres.push((a * (ps - 1.0), b * (ps - 1.0)));
        }
    }
    let mut starts: Vec<(f64, Shape)> = Vec::new();
    for &(x0, y0) in &centres {
        for t in 0..12 {
            for sa in [0.6 * s, 1.0 * s, 1.6 * s] {
                for sl in [0.8 * s, 1.6 * s, 3.2 * s] {
                    for cycles in [0.25, 0.75, 1.25, 1.5] {
                        let g = clamp([x0, y0, t as f64 * PI / 12.0, cycles / (4.0 * sa), sa, sl], p);
                        starts.push((explained(&w, p, sst, &g).0, g));
                    }
                }
            }
        }
    }
    starts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (e, g) = starts.iter().take(6).map(|&st| descend(&w, p, sst, st)).max_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
    let drawn = explained(&w, p, sst, &g).1;
    Reference { explained: e.clamp(0.0, 1.0), orientedness: coherence(&drawn, p), across: g[4] / p as f64 }
}

/// Keeps a shape inside the family's bounds.
fn clamp(mut g: Shape, p: usize) -> Shape {
    let ((sa_lo, sa_hi), (sl_lo, sl_hi)) = sigma_bounds(p);
    let ps = p as f64;
    g[0] = g[0].clamp(0.0, ps - 1.0);
    g[1] = g[1].clamp(0.0, ps - 1.0);
    g[4] = g[4].clamp(sa_lo as f64, sa_hi as f64);
    g[5] = g[5].clamp(sl_lo as f64, sl_hi as f64);
    g[3] = g[3].clamp(0.0, (MAX_CYCLES as f64 / (4.0 * g[4])).min(0.5));
    g
}

/// Coordinate descent, trying both directions of every parameter each round.
fn descend(w: &[f64], p: usize, sst: f64, (mut e, mut g): (f64, Shape)) -> (f64, Shape) {
    let ps = p as f64;
    let mut steps = [0.5 * ps / 8.0, 0.5 * ps / 8.0, PI / 24.0, 0.25, 0.2, 0.25];
    for _ in 0..8 {
        for k in 0..6 {
            for sign in [1.0, -1.0] {
                let mut t = g;
                if k >= 3 {
                    t[k] = t[k].max(0.005) * (sign * steps[k]).exp();
                } else {
                    t[k] += sign * steps[k];
                }
                let t = clamp(t, p);
                let te = explained(w, p, sst, &t).0;
                if te > e {
                    (e, g) = (te, t);
                }
            }
        }
        steps.iter_mut().for_each(|s| *s *= 0.6);
    }
    (e, g)
}

/// Variance explained by the best (a, b, c) for shape `g`, and the fitted pattern.
fn explained(w: &[f64], p: usize, sst: f64, g: &Shape) -> (f64, Vec<f64>) {
    let [x0, y0, th, f, sa, sl] = *g;
    let cols: Vec<Vector3<f64>> = (0..w.len())
        .map(|i| {
            let (dx, dy) = ((i % p) as f64 - x0, (i / p) as f64 - y0);
            let (u, v) = (dx * th.cos() + dy * th.sin(), -dx * th.sin() + dy * th.cos());
            let env = (-u * u / (2.0 * sa * sa) - v * v / (2.0 * sl * sl)).exp();
            Vector3::new(env * (2.0 * PI * f * u).cos(), env * (2.0 * PI * f * u).sin(), 1.0)
        })
        .collect();
    let mut gram = Matrix3::zeros();
    let mut rhs = Vector3::zeros();
    for (c, &wi) in cols.iter().zip(w) {
        gram += c * c.transpose();
        rhs += c * wi;
    }
    gram += Matrix3::identity() * 1e-9 * gram.trace();
    let Some(coef) = gram.cholesky().map(|ch| ch.solve(&rhs)) else { return (0.0, vec![0.0; w.len()]) };
    let drawn: Vec<f64> = cols.iter().map(|c| c.dot(&coef)).collect();
    let ssr: f64 = drawn.iter().zip(w).map(|(d, wi)| (d - wi).powi(2)).sum();
    (1.0 - ssr / sst, drawn)
}

/// Structure-tensor coherence of a p×p pattern.
fn coherence(f: &[f64], p: usize) -> f64 {
    let (mut jxx, mut jyy, mut jxy) = (0.0, 0.0, 0.0);
    for y in 0..p - 1 {
        for x in 0..p - 1 {
            let (a, b, c, d) = (f[y * p + x], f[y * p + x + 1], f[(y + 1) * p + x], f[(y + 1) * p + x + 1]);
            let (gx, gy) = (0.5 * (b - a + d - c), 0.5 * (c - a + d - b));
            jxx += gx * gx;
            jyy += gy * gy;
            jxy += gx * gy;
        }
    }
    let tr = jxx + jyy;
    if tr > 0.0 {
        ((jxx - jyy).powi(2) + 4.0 * jxy * jxy).sqrt() / tr
    } else {
        0.0
    }
}
