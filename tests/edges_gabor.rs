//! The page's edge measure against the reference Gabor fit, on a labelled set of filters.
//!
//! `tests/fixtures/edge_filters.csv` holds 8×8 and 16×16 filters from every situation the page
//! meets: the sparse autoencoder trained on the built-in photographs (several step counts and
//! seeds), on dead leaves, bars and strokes; random initial weights; β = 0 and ρ = 0.3 runs;
//! white noise; PCA components; pure gratings. Each row: set, patch side, the reference's
//! label (1 = edge or bar detector), its variance explained and orientedness, and the filter
//! scaled to max |w| = 127 as signed bytes in hex (row-major). The labels are the reference's
//! (`tests/gabor_ref`), computed on those bytes. Regenerate (≈ 1 min in release):
//!
//! ```sh
//! cargo test --release --test edges_gabor -- --ignored write_fixture --nocapture
//! ```

mod gabor_ref;

use gabor_ref::reference;
use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;
use sae_lab::data::{Dataset, PatchSampler};
use sae_lab::model::edges::filter_shape;
use sae_lab::model::Hyper;
use sae_lab::readouts::pca::principal_components;
use sae_lab::train::{Setup, Trainer};
use std::f32::consts::PI;
use std::fmt::Write;

const FIXTURE: &str = "tests/fixtures/edge_filters.csv";

/// One labelled filter.
struct Row {
    set: String,
    patch: usize,
    label: bool,
    filter: Vec<f32>,
}

fn rows() -> Vec<Row> {
    include_str!("fixtures/edge_filters.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let c: Vec<&str> = line.split(',').collect();
            let filter = (0..c[5].len() / 2)
                .map(|i| u8::from_str_radix(&c[5][2 * i..2 * i + 2], 16).unwrap() as i8 as f32 / 127.0)
                .collect();
            Row { set: c[0].into(), patch: c[1].parse().unwrap(), label: c[2] == "1", filter }
        })
        .collect()
}

/// The fast measure agrees with the reference on ≥ 95 % of the set and on every control
/// (random weights, gratings, noise, PCA): measured 2026-12-01, see the README.
#[test]
fn the_page_measure_agrees_with_the_gabor_fit() {
    let rows = rows();
    assert!(rows.len() > 500, "{}", rows.len());
    let mut sets: Vec<(String, usize, usize, usize, usize)> = Vec::new(); // set, n, agree, edges by ref, by page
    for r in &rows {
        let page = filter_shape(&r.filter, r.patch).is_edge();
        let key = format!("{}×{} {}", r.patch, r.patch, r.set);
        let i = sets.iter().position(|s| s.0 == key).unwrap_or_else(|| {
            sets.push((key, 0, 0, 0, 0));
            sets.len() - 1
        });
        let s = &mut sets[i];
        s.1 += 1;
        s.2 += (page == r.label) as usize;
        s.3 += r.label as usize;
        s.4 += page as usize;
    }
    let mut report = String::new();
    for (set, n, agree, by_ref, by_page) in &sets {
        writeln!(report, "{set:32} {n:3} filters, agree {agree:3}, edges: reference {by_ref:3}, page {by_page:3}")
            .unwrap();
    }
    let agree = sets.iter().map(|s| s.2).sum::<usize>() as f64 / rows.len() as f64;
    println!("{report}overall agreement {agree:.3} over {} filters", rows.len());
    assert!(agree >= 0.95, "{report}agreement {agree}");
    for s in sets.iter().filter(|s| ["random", "grating", "noise"].iter().any(|c| s.0.contains(c))) {
        assert_eq!(s.4, 0, "a control counted as edges: {report}");
    }
}

/// The stored labels are the reference's: a few rows refitted (the reference is slow
/// in a debug build).
#[test]
fn stored_labels_are_the_reference_fit() {
    let rows = rows();
    for r in rows.iter().step_by(97) {
        let fit = reference(&r.filter, r.patch);
        assert_eq!(fit.is_edge(), r.label, "{} {}×{}: {fit:?}", r.set, r.patch, r.patch);
    }
}

/// The sets: (name, patch, filters as rows of a matrix).
fn collect() -> Vec<(String, usize, DMatrix<f32>)> {
    let mut out = Vec::new();
    let mut train = |name: &str, data: Dataset, patch: usize, seed: u64, hyper: Hyper, checkpoints: &[u64]| {
        let setup = Setup { patch, seed, ..Setup::default() };
        let mut t = Trainer::new(setup, hyper.validate().unwrap(), data.builtin(1, true).unwrap()).unwrap();
        for &c in checkpoints {
            while t.steps() < c {
                t.step().unwrap();
            }
            let set = if c == 0 { format!("random seed {seed}") } else { format!("{name} seed {seed} step {c}") };
            out.push((set, patch, t.model().filters()));
        }
    };
    let d = Hyper::default();
    train("photos", Dataset::Photos, 8, 1, d, &[0, 300, 1000, 3000]);
    train("photos", Dataset::Photos, 8, 2, d, &[0, 1000, 3000]);
    train("dead leaves", Dataset::Natural, 8, 1, d, &[1000, 3000]);
    train("bars", Dataset::Bars, 8, 1, Hyper { rho: 0.1, ..d }, &[3000]);
    train("strokes", Dataset::Strokes, 8, 1, d, &[3000]);
    train("photos β=0", Dataset::Photos, 8, 1, Hyper { beta: 0.0, ..d }, &[2000]);
    train("dead leaves β=0", Dataset::Natural, 8, 1, Hyper { beta: 0.0, ..d }, &[2000]);
    train("photos ρ=0.3", Dataset::Photos, 8, 1, Hyper { rho: 0.3, ..d }, &[2000]);
    train("noise", Dataset::Noise, 8, 1, d, &[3000]);
    train("photos", Dataset::Photos, 16, 1, d, &[0, 1000, 3000]);
    train("dead leaves", Dataset::Natural, 16, 1, d, &[3000]);
    train("dead leaves β=0", Dataset::Natural, 16, 1, Hyper { beta: 0.0, ..d }, &[2000]);
    train("noise", Dataset::Noise, 16, 1, d, &[2000]);
    for (data, name, patch, k) in [
        (Dataset::Photos, "photos", 8, 24),
        (Dataset::Natural, "dead leaves", 8, 16),
        (Dataset::Photos, "photos", 16, 24),
    ] {
        let mut s = PatchSampler::new(data.builtin(1, true).unwrap(), patch, 5).unwrap();
        let mut batch = DMatrix::zeros(patch * patch, 8192);
        s.fill(&mut batch);
        out.push((format!("pca {name}"), patch, principal_components(&batch, k).0));
    }
    let mut rng = Pcg32::seed_from_u64(11);
    for (patch, n) in [(8, 30), (16, 20)] {
        let mut g = Vec::with_capacity(n * patch * patch);
        for _ in 0..n {
            // 1.6 to 7 cycles across the patch, any angle and phase
            let (th, f, ph) =
                (rng.random_range(0.0..PI), rng.random_range(0.2..0.45f32), rng.random_range(0.0..2.0 * PI));
            let (s, c) = th.sin_cos();
            g.extend((0..patch * patch).map(|i| {
                let (x, y) = ((i % patch) as f32, (i / patch) as f32);
                (2.0 * PI * f * (x * c + y * s) + ph).cos()
            }));
        }
        out.push(("grating".into(), patch, DMatrix::from_row_slice(n, patch * patch, &g)));
    }
    out
}

#[test]
#[ignore]
fn write_fixture() {
    let mut csv = String::from("set,patch,label,explained,orientedness,filter\n");
    let t = std::time::Instant::now();
    for (set, patch, filters) in collect() {
        let mut edges = 0;
        for row in filters.row_iter() {
            let max = row.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-12);
            let bytes: Vec<i8> = row.iter().map(|v| (v / max * 127.0).round() as i8).collect();
            let f: Vec<f32> = bytes.iter().map(|&b| b as f32 / 127.0).collect();
            let r = reference(&f, patch);
            edges += r.is_edge() as usize;
            let hex: String = bytes.iter().map(|b| format!("{:02x}", *b as u8)).collect();
            writeln!(csv, "{set},{patch},{},{:.3},{:.3},{hex}", r.is_edge() as u8, r.explained, r.orientedness)
                .unwrap();
        }
        println!("{set:32} {patch:2}: {edges:3} of {} edges by the reference ({:.0?})", filters.nrows(), t.elapsed());
    }
    std::fs::write(FIXTURE, csv).unwrap();
}

/// Recomputes the reference labels of the stored filters (after a change to the family):
/// `cargo test --test edges_gabor -- --ignored relabel_fixture --nocapture`.
#[test]
#[ignore]
fn relabel_fixture() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let mut csv = String::from("set,patch,label,explained,orientedness,filter\n");
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for (line, r) in text.lines().skip(1).zip(rows()) {
        let fit = reference(&r.filter, r.patch);
        let c: Vec<&str> = line.split(',').collect();
        writeln!(
            csv,
            "{},{},{},{:.3},{:.3},{}",
            c[0],
            c[1],
            fit.is_edge() as u8,
            fit.explained,
            fit.orientedness,
            c[5]
        )
        .unwrap();
        let key = format!("{}×{} {}", r.patch, r.patch, r.set);
        match counts.iter_mut().find(|k| k.0 == key) {
            Some(k) => (k.1, k.2) = (k.1 + 1, k.2 + fit.is_edge() as usize),
            None => counts.push((key, 1, fit.is_edge() as usize)),
        }
    }
    for (k, n, e) in counts {
        println!("{k:36} {e:3} of {n} edges by the reference");
    }
    std::fs::write(FIXTURE, csv).unwrap();
}
