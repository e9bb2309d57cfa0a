//! The convolutional autoencoder's whole-image view on the built-in natural image: rebuilt in
//! one pass it has no patch seams (the error at the patch grid's lines is no larger than
//! inside the tiles, where the patch-by-patch view's is), and a pasted object stands out in
//! its per-pixel error map.
//!
//! Measured (defaults, 1 500 steps, seed 1, the 128×128 crop): per-pixel squared error 0.0039
//! on the grid lines against 0.0040 inside the tiles for the whole image (×0.98); the model's
//! own pass tile by tile 0.0046 against 0.0026 (×1.77: its tiles' borders are reached by
//! fewer kernel positions); today's patch-by-patch view, which decodes each tile from its
//! codes alone (each map's largest value, drawn at the centre), 0.019 and 0.029. The pasted
//! checkerboard: 0.135 on its pixels against 0.004 elsewhere (99th percentile 0.042).

use sae_lab::data::Dataset;
use sae_lab::model::Hyper;
use sae_lab::readouts::{conv_whole, reconstruct_image, reconstruct_whole, seam_and_inside, TestImage};
use sae_lab::train::{LaneConfig, Setup, Trainer};

const CROP: usize = 128;
const P: usize = 8;

fn trained(steps: u32) -> Trainer {
    let images = Dataset::Natural.builtin(1, true).unwrap();
    let lanes = [LaneConfig::default_for(sae_lab::model::registry::spec("conv").unwrap())];
    let mut t = Trainer::with_lanes(Setup::default(), Hyper::default().validate().unwrap(), &lanes, images).unwrap();
    for _ in 0..steps {
        t.step().unwrap();
    }
    t
}

#[test]
fn the_whole_image_has_no_seams_and_a_pasted_object_stands_out() {
    let mut t = trained(1500);
    let sigma = t.sampler().sigma();
    let mut test = TestImage::new(&t.sampler().images()[0], CROP, 1);
    let (model, ctx) = t.model_ctx_mut(0);
    // the model's own pass over each tile keeps its whole maps; today's patch-by-patch view
    // decodes each tile from its codes (each map's largest value, drawn at the tile's centre)
    let views = conv_whole(model, &ctx, test.image(), sigma, CROP, 25).unwrap();
    let codes = reconstruct_image(model, &ctx, test.image(), P, sigma, CROP);
    assert_eq!(views.maps.units.len(), 25);
    assert_eq!(views.maps.response.len(), 25 * CROP * CROP, "one position per pixel");
    let (ws, wi) = seam_and_inside(&views.whole, P);
    let (ts, ti) = seam_and_inside(&views.tiles, P);
    let (cs, ci) = seam_and_inside(&codes, P);
    println!("whole image: error on the grid lines {ws:.5}, inside {wi:.5} (×{:.2})", ws / wi);
    println!("patch by patch, whole maps: on the grid lines {ts:.5}, inside {ti:.5} (×{:.2})", ts / ti);
    println!("patch by patch from the codes: on the grid lines {cs:.5}, inside {ci:.5} (×{:.2})", cs / ci);
    assert!(ws <= 1.1 * wi, "no seams: {ws} on the lines against {wi} inside");
    assert!(ts > 1.3 * ti, "patch by patch has them: {ts} vs {ti}");
    assert!(wi < 0.5 * ci, "the whole maps rebuild far better than the codes alone: {wi} vs {ci}");

    // the 12×12 checkerboard at (48, 32): its pixels against the rest, beyond a kernel's reach
    test.paste_object(48, 32);
    let r = reconstruct_whole(model, &ctx, test.image(), sigma, CROP).unwrap();
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for y in 0..r.height {
        for x in 0..r.width {
            let e = r.error[y * r.width + x];
            let near = (44..64).contains(&x) && (28..48).contains(&y);
            if (48..60).contains(&x) && (32..44).contains(&y) {
                on.push(e);
            } else if !near {
                off.push(e);
            }
        }
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    off.sort_by(f32::total_cmp);
    let p99 = off[off.len() * 99 / 100];
    println!("object: mean error {:.4}; elsewhere mean {:.4}, 99th percentile {p99:.4}", mean(&on), mean(&off));
    assert!(mean(&on) > 5.0 * mean(&off) && mean(&on) > p99, "the object stands out: {} vs {}", mean(&on), mean(&off));
}
