//! The uses the page demonstrates, end to end on the built-in natural image: a foreign
//! object lights up in the reconstruction-error map (anomaly detection), and noise mostly
//! does not get through the code (denoising).

use sae_lab::data::Dataset;
use sae_lab::model::Hyper;
use sae_lab::readouts::{noise_passed, reconstruct_image, reconstruct_noisy, TestImage};
use sae_lab::train::{Setup, Trainer};

const CROP: usize = 128;

fn trained(hyper: Hyper, steps: u32) -> Trainer {
    let images = Dataset::Natural.builtin(1, true).unwrap();
    let mut t = Trainer::new(Setup::default(), hyper.validate().unwrap(), images).unwrap();
    for _ in 0..steps {
        t.step().unwrap();
    }
    t
}

#[test]
fn a_pasted_object_has_the_largest_reconstruction_errors() {
    let mut t = trained(Hyper::default(), 1500);
    let mut test = TestImage::new(&t.sampler().images()[0], CROP, 1);
    // the 12×12 object covers tile (6, 4) wholly and its neighbours to the right and below in part
    test.paste_object(48, 32);
    let sigma = t.sampler().sigma();
    let (model, ctx) = t.model_ctx_mut(0);
    let r = reconstruct_image(model, &ctx, test.image(), 8, sigma, CROP);
    let (gx, gy) = r.grid(8);
    let tile = |b: usize| r.error[(b / gx) * 8 * r.width + (b % gx) * 8];
    let on_object = |b: usize| (6..8).contains(&(b % gx)) && (4..6).contains(&(b / gx));
    let mut others: Vec<f32> = (0..gx * gy).filter(|&b| !on_object(b)).map(tile).collect();
    others.sort_by(f32::total_cmp);
    let (whole, worst_other) = (tile(4 * gx + 6), others[others.len() - 1]);
    println!("object tile {whole:.4}; other tiles: median {:.4}, max {worst_other:.4}", others[others.len() / 2]);
    assert!(whole > 1.3 * worst_other, "the object stands out: {whole} vs at most {worst_other} elsewhere");
}

#[test]
fn little_of_the_noise_gets_through_the_code() {
    let mut t = trained(Hyper::default(), 1500);
    let mut test = TestImage::new(&t.sampler().images()[0], CROP, 1);
    test.set_noise(0.3);
    let (p, sigma) = (8, t.sampler().sigma());
    let (model, ctx) = t.model_ctx_mut(0);
    let noisy = reconstruct_noisy(model, &ctx, test.image(), p, sigma, CROP, test.noise_field(), test.noise_sigma());
    let clean = reconstruct_image(model, &ctx, test.image(), p, sigma, CROP);
    let (noise_in, noise_out) = noise_passed(&noisy, &clean);
    println!("noise: input {noise_in:.4}, reconstruction {noise_out:.4}");
    assert!(noise_out < 0.2 * noise_in, "{noise_out} of {noise_in} got through");
}
