//! Native speed of one training step: `cargo run --release --example bench`.
//!
//! The step is the page's: 8×8 patches (n = 64 inputs), sigmoid hidden layer, KL sparsity +
//! weight decay, Adam. Rows are (batch B, hidden h). Each repeat times as many steps as fit
//! in ~0.5 s after a warm-up; the table gives the median and spread (min–max) of 5 repeats,
//! and GFLOP/s by the convention 12·B·n·h flops per step (five B×n×h matrix products at
//! 2 flops per multiply-add, plus the elementwise passes).
//! Patches are drawn once and reused, so the row measures the maths, not the sampler.
//!
//! A second table times every model of the family at the page's defaults (batch 256, 25
//! units, 8×8, each model's default knobs) through `Trainer::step`, as the page trains:
//! fresh patches from the sampler every step, so its rows include sampling. Its last row is
//! the page's compare mode, the sparse autoencoder and sparse coding as two lanes on one
//! stream, given per lane ÷ the sparse autoencoder's one-lane rate. Its rows start with a
//! model's key, so `bench/report.mjs`, which reads the first table's numeric rows, skips them.

use std::time::Instant;

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;
use sae_lab::data::{natural_images, Dataset, PatchSampler};
use sae_lab::model::registry::{self, MODELS};
use sae_lab::model::{cost_and_grad, Hyper, Optimizer, OptimizerKind, Output, Sae, Workspace};
use sae_lab::train::{LaneConfig, Setup, Trainer};

const REPEATS: usize = 5;
const N: usize = 64;

fn main() {
    let images = natural_images(1);
    let hyper = Hyper::default().validate().expect("defaults are valid");
    println!("sae-lab native step benchmark (n = {N}, sigmoid, KL + weight decay, Adam), {REPEATS} repeats");
    println!("{:>6} {:>7} {:>14} {:>20} {:>9}", "batch", "hidden", "steps/s (med)", "spread (min–max)", "GFLOP/s");
    for &(batch, hidden) in &[(256, 25), (256, 256), (32, 25)] {
        let mut sampler = PatchSampler::new(images.clone(), 8, 7).expect("built-in image gives 8×8 patches");
        let mut x = DMatrix::zeros(N, batch);
        sampler.fill(&mut x);
        let mut sae: Sae<f32> = Sae::init(N, hidden, Output::Sigmoid, &mut Pcg32::seed_from_u64(1));
        let mut opt = Optimizer::new(OptimizerKind::Adam, sae.param_count());
        let mut ws = Workspace::new(N, hidden, batch);
        let mut g = vec![0.0; sae.param_count()];
        let mut step = || {
            cost_and_grad(&sae, &x, &hyper, &mut ws, &mut g);
            opt.step(sae.theta_mut(), &g, 1e-3);
        };
        let rates = measure(&mut step);
        let median = rates[REPEATS / 2];
        let gflops = median * 12.0 * (batch * N * hidden) as f64 / 1e9;
        println!(
            "{batch:>6} {hidden:>7} {median:>14.0} {:>20} {gflops:>9.2}",
            format!("{:.0}–{:.0}", rates[0], rates[REPEATS - 1])
        );
    }
    family();
}

/// Steps/s of every model through `Trainer::step` at the page's defaults, then two lanes.
fn family() {
    let setup = Setup::default();
    let hyper = Hyper::default().validate().expect("defaults are valid");
    // the page's default pictures: the natural image, whitened
    let images = Dataset::Natural.builtin(1, true).expect("a built-in set");
    println!();
    println!(
        "Each model at the page's defaults (batch {}, {} units, {}×{}, its default knobs), through Trainer::step \
         (fresh patches from the sampler every step), {REPEATS} repeats",
        setup.batch, setup.hidden, setup.patch, setup.patch
    );
    println!("{:<30} {:>14} {:>20} {:>7}", "model", "steps/s (med)", "spread (min–max)", "÷ sae");
    let sae = registry::default_spec();
    let mut sae_rate = f64::NAN;
    let compare =
        [LaneConfig::default_for(sae), LaneConfig::default_for(registry::spec("sparse-coding").expect("registered"))];
    let rows = MODELS.iter().map(|m| (m.key.to_string(), vec![LaneConfig::default_for(m)]));
    for (name, lanes) in
        rows.chain([(format!("{} + {} (per lane)", compare[0].spec.key, compare[1].spec.key), compare.to_vec())])
    {
        let mut trainer = Trainer::with_lanes(setup, hyper, &lanes, images.clone()).expect("the defaults train");
        // every lane takes one step per call, so the trainer's rate is each lane's rate
        let rates = measure(&mut || {
            trainer.step().expect("the defaults do not diverge");
        });
        let median = rates[REPEATS / 2];
        if name == sae.key {
            sae_rate = median;
        }
        println!(
            "{name:<30} {median:>14.0} {:>20} {:>7.2}",
            format!("{:.0}–{:.0}", rates[0], rates[REPEATS - 1]),
            median / sae_rate
        );
    }
}

/// Rates (steps/s, sorted) of `REPEATS` repeats of `step`, each sized to ~0.5 s after a warm-up.
fn measure(step: &mut dyn FnMut()) -> Vec<f64> {
    let t = Instant::now();
    let mut calib = 0u32;
    while t.elapsed().as_secs_f64() < 0.2 {
        step();
        calib += 1;
    }
    let per_repeat = ((calib as f64 / t.elapsed().as_secs_f64()) * 0.5).max(1.0) as u32;
    let mut rates: Vec<f64> = (0..REPEATS)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..per_repeat {
                step();
            }
            per_repeat as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(|a, b| a.partial_cmp(b).expect("rates are finite"));
    rates
}
