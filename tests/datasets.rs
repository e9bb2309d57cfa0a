//! The teaching datasets do what the page says they do: bars give bar detectors, white
//! noise gives no edges, strokes give localized filters.

use nalgebra::DMatrix;
use sae_lab::data::Dataset;
use sae_lab::model::{edges, Hyper};
use sae_lab::train::{Setup, Trainer};

fn trained(data: Dataset, setup: Setup, hyper: Hyper, steps: u32) -> Trainer {
    let images = data.builtin(1, true).unwrap();
    let mut t = Trainer::new(setup, hyper.validate().unwrap(), images).unwrap();
    for _ in 0..steps {
        t.step().expect("training stays finite");
    }
    t
}

/// For each filter (a row of W1, p×p), the single bar (a whole row or column of the patch)
/// it matches best, and how well: the squared cosine between the mean-removed filter and
/// the mean-removed bar. 1 = exactly one bar; a random filter scores ~1/p.
fn bar_match(w1: &DMatrix<f32>, p: usize) -> Vec<(usize, f32)> {
    let bars: Vec<Vec<f32>> = (0..2 * p)
        .map(|b| {
            let on = |i: usize| if b < p { i / p == b } else { i % p == b - p };
            let v: Vec<f32> = (0..p * p).map(|i| if on(i) { 1.0 } else { 0.0 }).collect();
            centred(&v)
        })
        .collect();
    (0..w1.nrows())
        .map(|j| {
            let f = centred(&w1.row(j).iter().copied().collect::<Vec<_>>());
            let ff: f32 = f.iter().map(|v| v * v).sum();
            (0..2 * p)
                .map(|b| {
                    let dot: f32 = f.iter().zip(&bars[b]).map(|(a, c)| a * c).sum();
                    let bb: f32 = bars[b].iter().map(|v| v * v).sum();
                    (b, dot * dot / (ff * bb))
                })
                .fold((0, 0.0), |a, x| if x.1 > a.1 { x } else { a })
        })
        .collect()
}

fn centred(v: &[f32]) -> Vec<f32> {
    let m = v.iter().sum::<f32>() / v.len() as f32;
    v.iter().map(|x| x - m).collect()
}

#[test]
fn bars_give_one_unit_per_bar() {
    let p = 8;
    let setup = Setup { patch: p, hidden: 25, ..Setup::default() };
    let hyper = Hyper { rho: 0.1, ..Hyper::default() };
    let t = trained(Dataset::Bars, setup, hyper, 3000);
    let matches = bar_match(&t.sae().w1, p);
    let good: Vec<usize> = matches.iter().filter(|m| m.1 > 0.6).map(|m| m.0).collect();
    let mut distinct = good.clone();
    distinct.sort_unstable();
    distinct.dedup();
    println!("bar matches {matches:?}");
    println!("{} units are single-bar detectors, covering {} of the 16 bars", good.len(), distinct.len());
    assert!(good.len() >= 12, "most units detect a single bar: {matches:?}");
    assert!(distinct.len() >= 12, "and between them they cover most bars: {distinct:?}");
    let random = bar_match(&trained(Dataset::Bars, setup, hyper, 0).sae().w1, p);
    assert!(random.iter().all(|m| m.1 < 0.6), "random filters are not bars: {random:?}");
}

#[test]
fn white_noise_gives_no_edges() {
    let t = trained(Dataset::Noise, Setup::default(), Hyper::default(), 3000);
    let share = edges::edge_share(&t.sae().w1, 8);
    println!("noise edge share {share}");
    assert!(share < 0.1, "no edge detectors on white noise, got {share}");
}

#[test]
fn strokes_give_localized_filters() {
    let loc0 = edges::mean_localization(&trained(Dataset::Strokes, Setup::default(), Hyper::default(), 0).sae().w1, 8);
    let t = trained(Dataset::Strokes, Setup::default(), Hyper::default(), 3000);
    let loc = edges::mean_localization(&t.sae().w1, 8);
    let share = edges::edge_share(&t.sae().w1, 8);
    println!("strokes localization {loc0} → {loc}, edge share {share}");
    assert!(loc > loc0 + 0.1, "stroke fragments are local: {loc0} → {loc}");
}
