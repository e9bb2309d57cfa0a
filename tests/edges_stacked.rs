//! What the stacked autoencoder's layer 2 learns from layer 1's edges (exploration).

mod common;

use std::time::Instant;

use common::trainer;
use sae_lab::model::gabor;
use sae_lab::model::knob::defaults;
use sae_lab::model::stacked::{top_inputs, KNOB_PHASE, SPEC};
use sae_lab::model::Hyper;
use sae_lab::train::{Setup, Trainer};

const P: usize = 12;
const H: usize = 100;

fn knobs(phase: f64, over: &[(usize, f64)]) -> Vec<f64> {
    let mut k = defaults(SPEC.knobs);
    k[KNOB_PHASE] = phase;
    for &(i, v) in over {
        k[i] = v;
    }
    k
}

fn edges(t: &Trainer) -> Vec<Option<gabor::GaborFit>> {
    let f = t.model().filters();
    (0..f.nrows())
        .map(|k| {
            let row: Vec<f32> = f.row(k).iter().copied().collect();
            let g = gabor::fit(&row, P);
            (g.explained >= 0.7 && g.orientedness >= 0.45).then_some(g)
        })
        .collect()
}

fn angle(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(std::f32::consts::PI);
    d.min(std::f32::consts::PI - d).to_degrees()
}

fn classify(a: &gabor::GaborFit, b: &gabor::GaborFit) -> &'static str {
    let (ga, gb) = (a.gabor, b.gabor);
    let dt = angle(ga.theta, gb.theta);
    let (dx, dy) = (gb.x0 - ga.x0, gb.y0 - ga.y0);
    let d = (dx * dx + dy * dy).sqrt();
    let th = ga.theta; // carrier direction (across the edge)
    let across = (dx * th.cos() + dy * th.sin()).abs();
    let along = (-dx * th.sin() + dy * th.cos()).abs();
    if dt < 20.0 {
        if d < 1.5 {
            "same"
        } else if along > across {
            "collinear"
        } else {
            "parallel"
        }
    } else if dt >= 30.0 {
        if d <= P as f32 / 2.0 {
            "angle"
        } else {
            "far angle"
        }
    } else {
        "other"
    }
}

fn tally(pairs: &[&'static str]) -> Vec<(&'static str, f32)> {
    let names = ["same", "collinear", "parallel", "angle", "far angle", "other"];
    names.iter().map(|&n| (n, pairs.iter().filter(|&&p| p == n).count() as f32 / pairs.len().max(1) as f32)).collect()
}

/// ½Σⱼ Var(aⱼ) of layer 1's codes on the last batch: the cost of reconstructing them by their mean.
fn code_variance(t: &Trainer) -> f64 {
    let (x, _, _) = t.last_batch();
    let m = t.model();
    let l = m.layout();
    let w1 = l.view(m.theta(), 0).into_owned();
    let b1 = l.view(m.theta(), 1).into_owned();
    let mut z = &w1 * x;
    for mut col in z.column_iter_mut() {
        for (v, b) in col.iter_mut().zip(b1.iter()) {
            *v = 1.0 / (1.0 + (-(*v + b)).exp());
        }
    }
    let mcols = z.ncols() as f64;
    z.row_iter()
        .map(|r| {
            let mean = r.iter().map(|&v| v as f64).sum::<f64>() / mcols;
            r.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / mcols
        })
        .sum::<f64>()
        / 2.0
}

fn analyse(t: &Trainer, l1: &[Option<gabor::GaborFit>]) {
    let m = t.model();
    let v1 = m.layout().view(m.theta(), m.layout().index("v1").unwrap()).into_owned();
    let mut pairs = Vec::new();
    for k in 0..H {
        let row: Vec<f32> = v1.row(k).iter().copied().collect();
        let top = top_inputs(&row, 3);
        let e: Vec<_> = top.iter().filter_map(|&(j, _)| l1[j]).collect();
        if e.len() >= 2 {
            pairs.push(classify(&e[0], &e[1]));
        }
    }
    let pics = t.model().filters();
    let pic_edges = (0..H)
        .filter(|&k| {
            let g = gabor::fit(&pics.row(k).iter().copied().collect::<Vec<_>>(), P);
            g.explained >= 0.7 && g.orientedness >= 0.45
        })
        .count();
    println!(
        "   |V1|={:.3} pairs ({}): {:?}; pictures that are edges {pic_edges}",
        v1.norm(),
        pairs.len(),
        tally(&pairs)
    );
}

#[test]
fn grid() {
    let t0 = Instant::now();
    for rho1 in [0.01, 0.05] {
        let setup = Setup { patch: P, hidden: H, batch: 256, seed: 1, ..Setup::default() };
        let mut t = trainer("stacked", &[("rho", rho1)], setup, Hyper::default());
        for _ in 0..4000 {
            t.step().unwrap();
        }
        let l1 = edges(&t);
        let all: Vec<_> = l1.iter().flatten().collect();
        let mut base = Vec::new();
        for i in 0..all.len() {
            for j in i + 1..all.len() {
                base.push(classify(all[i], all[j]));
            }
        }
        println!(
            "rho1 {rho1}: layer-1 edges {}, code variance/2 {:.4}; random pairs {:?}",
            all.len(),
            code_variance(&t),
            tally(&base)
        );
        let start = t.model().boxed_clone();
        for (rho2, beta2, lr, lambda) in [
            (0.02, 3.0, 1e-2, 1e-4),
            (0.05, 0.3, 1e-2, 1e-4),
            (0.05, 0.3, 1e-3, 1e-4),
            (0.1, 3.0, 1e-3, 1e-4),
            (0.02, 0.1, 1e-3, 0.0),
            (0.05, 1.0, 3e-3, 0.0),
        ] {
            t.restore(start.boxed_clone(), 4000).unwrap();
            t.set_hyper(Hyper { lambda, ..Hyper::default() }.validate().unwrap());
            t.set_knobs(0, &knobs(2.0, &[(1, rho1), (3, rho2), (4, beta2), (5, lr)]));
            let mut c = None;
            for _ in 0..2000 {
                c = Some(t.step().unwrap());
            }
            let d = t.model().diagnostics(t.last_batch().0);
            println!(" rho2 {rho2} beta2 {beta2} lr {lr} lambda {lambda}: {:?} {:?}", c.unwrap(), &d[2..]);
            analyse(&t, &l1);
        }
        println!("({:.1} s)", t0.elapsed().as_secs_f64());
    }
}

#[test]
#[ignore]
fn explore() {
    let t0 = Instant::now();
    let setup = Setup { patch: P, hidden: H, batch: 256, seed: 1, ..Setup::default() };
    let mut t = trainer("stacked", &[], setup, Hyper::default());
    for s in 1..=4000 {
        t.step().unwrap();
        if s % 1000 == 0 {
            let e = edges(&t);
            println!(
                "step {s}: layer-1 edges {} of {H}  ({:.1} s)",
                e.iter().flatten().count(),
                t0.elapsed().as_secs_f64()
            );
        }
    }
    let l1 = edges(&t);
    let recon1 = t.last_cost().recon;
    t.set_knobs(0, &knobs(2.0, &[]));
    for s in 1..=3000 {
        let c = t.step().unwrap();
        if s % 500 == 0 {
            let d = t.model().diagnostics(t.last_batch().0);
            println!("phase 2 step {s}: {c:?} {d:?} ({:.1} s)", t0.elapsed().as_secs_f64());
        }
    }
    let m = t.model();
    let v1 = m.layout().view(m.theta(), m.layout().index("v1").unwrap()).into_owned();
    let mut pairs = Vec::new();
    let mut single = 0;
    for k in 0..H {
        let row: Vec<f32> = v1.row(k).iter().copied().collect();
        let top = top_inputs(&row, 3);
        let e: Vec<_> = top.iter().filter_map(|&(j, _)| l1[j]).collect();
        if top.len() >= 2 && top[1].1 < 0.3 * top[0].1 {
            single += 1;
        }
        if e.len() >= 2 {
            pairs.push(classify(&e[0], &e[1]));
        }
    }
    let all: Vec<_> = l1.iter().flatten().collect();
    let mut base = Vec::new();
    for i in 0..all.len() {
        for j in i + 1..all.len() {
            base.push(classify(all[i], all[j]));
        }
    }
    println!("layer 2 top-2 pairs ({}): {:?}", pairs.len(), tally(&pairs));
    println!("random layer-1 pairs ({}): {:?}", base.len(), tally(&base));
    println!("single-input units {single}");
    let pics = t.model().filters();
    let pic_edges = (0..H)
        .filter(|&k| {
            let g = gabor::fit(&pics.row(k).iter().copied().collect::<Vec<_>>(), P);
            g.explained >= 0.7 && g.orientedness >= 0.45
        })
        .count();
    println!("layer-2 pictures that are single edges: {pic_edges}");
    // fine-tune
    let before = {
        t.set_knobs(0, &knobs(1.0, &[]));
        let _ = recon1;
        0.0
    };
    let _ = before;
    t.set_knobs(0, &knobs(3.0, &[]));
    for s in 1..=1000 {
        let c = t.step().unwrap();
        if s == 1 || s % 250 == 0 {
            println!("phase 3 step {s}: {c:?}");
        }
    }
    println!("{:.1} s", t0.elapsed().as_secs_f64());
}
