//! Native speed of one training step: `cargo run --release --example bench`.
//!
//! The step is the page's: 8×8 patches (n = 64 inputs), sigmoid hidden layer, KL sparsity +
//! weight decay, Adam. Rows are (batch B, hidden h). Each repeat times as many steps as fit
//! in ~0.5 s after a warm-up; the table gives the median and spread (min–max) of 5 repeats,
//! and GFLOP/s by the convention 12·B·n·h flops per step (five B×n×h matrix products at
//! 2 flops per multiply-add, plus the elementwise passes).
//! Patches are drawn once and reused, so the row measures the maths, not the sampler.

use std::time::Instant;

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg32;
use sae_lab::data::{natural_images, PatchSampler};
use sae_lab::model::{cost_and_grad, Hyper, Optimizer, OptimizerKind, Output, Sae, Workspace};

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
        // warm up and size each repeat to ~0.5 s
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
        let median = rates[REPEATS / 2];
        let gflops = median * 12.0 * (batch * N * hidden) as f64 / 1e9;
        println!(
            "{batch:>6} {hidden:>7} {median:>14.0} {:>20} {gflops:>9.2}",
            format!("{:.0}–{:.0}", rates[0], rates[REPEATS - 1])
        );
    }
}
