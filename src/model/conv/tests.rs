use rand::SeedableRng;

use super::*;
use crate::model::gradcheck::test_patches;
use crate::model::hyper::Hyper;

fn ctx_with<'a>(hyper: &'a crate::model::ValidHyper, knobs: &'a [f64]) -> Ctx<'a> {
    Ctx { hyper, knobs }
}

#[test]
fn gradient_matches_central_differences() {
    for (name, gap) in gradcheck() {
        println!("conv gradcheck {name}: {gap:.3e}");
        assert!(gap < 1e-8, "{name}: relative difference {gap:e}");
    }
}

/// A 3×3 patch, one 2×2 kernel, valid maps, all values kept, by hand. x = 7.5·(patch − 0.5):
/// rows (3, 0, −1.5), (0, 1.5, 0), (−3, 0, 0); W = (1, 0; 0, 1) (the diagonal), b = −1:
/// pre = (3 + 1.5, 0 + 0, 0 + 0, 1.5 + 0) − 1 = (3.5, −1, −1, 0.5) → A = (3.5, 0, 0, 0.5);
/// x̂ = Σ A·W pasted at its place, c = 0: (3.5, 0, 0; 0, 4, 0; 0, 0, 0.5).
#[test]
fn hand_computed_cost() {
    let mut model = Conv::<f64>::new(3, 2, 1, &mut Pcg32::seed_from_u64(0)).valid();
    model.theta_mut().copy_from_slice(&[1.0, 0.0, 0.0, 1.0, -1.0, 0.0]);
    let px = [3.0, 0.0, -1.5, 0.0, 1.5, 0.0, -3.0, 0.0, 0.0];
    let x = DMatrix::from_iterator(9, 1, px.iter().map(|v| 0.5 + v / 7.5));
    let hyper = Hyper { lambda: 0.0, ..Hyper::default() }.validate().unwrap();
    let cost = model.evaluate(&x, &x, &ctx_with(&hyper, &[2.0, 0.0]), &mut Pcg32::seed_from_u64(0));
    let xhat = [3.5, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.5];
    let want: f64 = px.iter().zip(xhat).map(|(a, b)| (a - b) * (a - b)).sum::<f64>() / 2.0;
    assert!((cost.recon - want).abs() < 1e-12, "{cost:?} vs {want}");
    assert!((cost.penalties[0] - 2.0 * 4.0).abs() < 1e-12, "l1 · ΣA = 2 · 4: {cost:?}");
    assert!((model.last_codes()[0] - 3.5).abs() < 1e-12, "the code is the map's largest value");
    assert!((model.last_recon()[4] - (0.5 + 4.0 / 7.5)).abs() < 1e-12);
    // one winner keeps 3.5 alone: x̂ = 3.5·W at (0, 0)
    let cost = model.evaluate(&x, &x, &ctx_with(&hyper, &[0.0, 1.0]), &mut Pcg32::seed_from_u64(0));
    let xhat = [3.5, 0.0, 0.0, 0.0, 3.5, 0.0, 0.0, 0.0, 0.0];
    let want: f64 = px.iter().zip(xhat).map(|(a, b)| (a - b) * (a - b)).sum::<f64>() / 2.0;
    assert!((cost.recon - want).abs() < 1e-12 && cost.penalties[0] == 0.0, "{cost:?}");
    // "same" maps: zeros after the last row and column, 9 positions; the one at (2, 2) sees
    // x(2, 2) = 0 and the padding, pre = −1, and every pixel is reached by both kernel pixels
    let mut same = Conv::<f64>::new(3, 2, 1, &mut Pcg32::seed_from_u64(0));
    same.theta_mut().copy_from_slice(&[1.0, 0.0, 0.0, 1.0, -1.0, 0.0]);
    same.evaluate(&x, &x, &ctx_with(&hyper, &[0.0, 0.0]), &mut Pcg32::seed_from_u64(0));
    let pre = [3.5, -1.0, -2.5, -1.0, 0.5, -1.0, -4.0, -1.0, -1.0];
    for (s, &p) in pre.iter().enumerate() {
        assert!((same.last_maps().pre[s] - p).abs() < 1e-12, "position {s}: {:?}", same.last_maps().pre);
    }
}

#[test]
fn filters_are_the_kernels_centred_and_decode_draws_them() {
    let mut model = Conv::<f64>::new(8, 5, 4, &mut Pcg32::seed_from_u64(2));
    let f = model.filters();
    assert_eq!(f.shape(), (4, 64));
    let w = model.layout().view(model.theta(), W).into_owned();
    for j in 0..4 {
        assert!((w.row(j).norm() - INIT_KERNEL_NORM).abs() < 1e-12);
        assert!((f.row(j).norm() - w.row(j).norm()).abs() < 1e-12, "nothing but the kernel in the tile");
        // kernel pixel (a, b) sits at tile pixel (1 + a, 1 + b)
        assert_eq!(f[(j, 3 * 8 + 1 + 4)], w[(j, 2 * 5 + 4)]);
    }
    // decoding the code e_1 draws kernel 1's tile (plus the output bias, 0 here)
    let mut codes = DMatrix::zeros(4, 1);
    codes[1] = 1.0;
    let mut x_hat = DMatrix::zeros(0, 0);
    model.decode(&codes, &mut x_hat);
    for i in 0..64 {
        assert!((x_hat[i] - (0.5 + f[(1, i)] / 7.5)).abs() < 1e-12);
    }
}

#[test]
fn winner_take_all_keeps_one_value_per_map_and_buffers_are_reused() {
    let hyper = Hyper::default().validate().unwrap();
    let ctx = ctx_with(&hyper, &[0.0, 1.0, 3e-3]);
    let x = test_patches(64, 10, 4);
    let mut model = Conv::<f64>::new(8, 5, 6, &mut Pcg32::seed_from_u64(3));
    let mut grad = vec![0.0; model.theta().len()];
    model.cost_and_grad(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0), &mut grad);
    let kept = model.last_maps().a.iter().filter(|&&v| v > 0.0).count();
    assert!(kept <= 6 * 10, "at most one value per map and patch: {kept}");
    assert_eq!(model.diagnostics(&x)[0].1, kept as f64 / 60.0);
    let ptrs =
        |m: &Conv<f64>| [m.train.cols.as_ptr(), m.train.pre.as_ptr(), m.train.a.as_ptr(), m.xs.as_ptr(), m.xc.as_ptr()];
    let before = ptrs(&model);
    model.cost_and_grad(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0), &mut grad);
    assert_eq!(ptrs(&model), before, "the training path allocates once per batch size");
    // encode gives the training pass's codes, from its own buffers
    let mut codes = DMatrix::zeros(6, 10);
    model.encode(&x, &ctx, &mut codes);
    assert_eq!(&codes, model.last_codes());
}

/// A batch too large for one pass is encoded in chunks, with the same cost, gradient, codes
/// and reconstruction as in one pass.
#[test]
fn chunks_of_the_batch_give_what_one_pass_gives() {
    let hyper = Hyper { lambda: 1e-3, ..Hyper::default() }.validate().unwrap();
    let ctx = ctx_with(&hyper, &[0.2, 2.0, 3e-3]);
    let x = test_patches(64, 10, 5);
    let whole = Conv::<f64>::new(8, 5, 4, &mut Pcg32::seed_from_u64(6));
    // (2·25 + 2·4)·64 values per patch: 3 patches per chunk, 4 chunks
    let chunked = Conv { chunk_values: 3 * 58 * 64, ..whole.clone() };
    assert_eq!(chunks(10, chunked.chunk_size()).map(|c| c.len()).collect::<Vec<_>>(), [3, 3, 3, 1]);
    let mut out = [whole, chunked].map(|mut m| {
        let mut grad = vec![0.0; m.theta().len()];
        let cost = m.cost_and_grad(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0), &mut grad);
        let mut codes = DMatrix::zeros(4, 10);
        m.encode(&x, &ctx, &mut codes);
        (cost, grad, m.last_codes().clone(), m.last_recon().clone(), codes)
    });
    let (b, a) = (out[1].clone(), &mut out[0]);
    assert!((a.0.total() - b.0.total()).abs() < 1e-12 * a.0.total(), "{:?} vs {:?}", a.0, b.0);
    assert!(crate::model::gradcheck::relative_difference(&a.1, &b.1) < 1e-12);
    assert!((&a.2 - &b.2).abs().max() < 1e-12 && (&a.3 - &b.3).abs().max() < 1e-12);
    assert!((&a.4 - &b.4).abs().max() < 1e-12 && (&a.4 - &a.2).abs().max() < 1e-12, "encode = the training codes");
}

#[test]
fn registry_builds_the_default_model() {
    use crate::model::registry::{spec, Shape};
    let s = spec("conv").expect("registered");
    let shape = Shape { inputs: 64, hidden: 25, output: crate::model::Output::Linear };
    let model = (s.build)(&shape, &crate::model::knob::defaults(s.knobs), &mut Pcg32::seed_from_u64(1));
    assert_eq!((model.key(), model.inputs(), model.hidden()), ("conv", 64, 25));
    assert_eq!(model.theta().len(), 25 * 25 + 25 + 1, "25 kernels of 5×5, their biases, one output bias");
    assert_eq!(model.code_kind(), CodeKind::NonNegative);
    assert_eq!((kernel_size(4), kernel_size(8), kernel_size(16)), (3, 5, 9));
}

/// The sparse path (kept values only) and the dense products give the same gradient.
#[test]
fn sparse_and_dense_paths_agree() {
    let hyper = Hyper::default().validate().unwrap();
    let ctx = ctx_with(&hyper, &[0.2, 1.0, 3e-3]);
    let x = test_patches(64, 6, 8);
    let mut model = Conv::<f64>::new(8, 5, 5, &mut Pcg32::seed_from_u64(4));
    let mut grads = [vec![0.0; model.theta().len()], vec![0.0; model.theta().len()]];
    for (dense, grad) in grads.iter_mut().enumerate() {
        model.evaluate(&x, &x, &ctx, &mut Pcg32::seed_from_u64(0));
        model.load_chunk(0..6);
        model.forward_chunk(&ctx, 0..6);
        assert!(model.train.sparse, "one winner per map of 64 positions is sparse");
        model.train.sparse = dense == 0;
        model.backward_chunk(&ctx, 1.0 / 6.0, grad);
    }
    let gap = crate::model::gradcheck::relative_difference(&grads[0], &grads[1]);
    assert!(gap < 1e-12, "{gap:e}");
}

#[test]
#[ignore]
fn bench_step() {
    let hyper = Hyper::default().validate().unwrap();
    let x = test_patches(64, 256, 8).map(|v| v as f32);
    for knobs in [[0.0, 1.0, 3e-3], [0.0, 0.0, 3e-3]] {
        let ctx = ctx_with(&hyper, &knobs);
        let mut model = Conv::<f32>::new(8, 5, 25, &mut Pcg32::seed_from_u64(4));
        let mut grad = vec![0.0; model.theta().len()];
        let mut rng = Pcg32::seed_from_u64(0);
        model.cost_and_grad(&x, &x, &ctx, &mut rng, &mut grad);
        let t = std::time::Instant::now();
        for _ in 0..100 {
            model.cost_and_grad(&x, &x, &ctx, &mut rng, &mut grad);
        }
        let full = t.elapsed().as_secs_f64() * 10.0;
        let t = std::time::Instant::now();
        for _ in 0..100 {
            model.evaluate(&x, &x, &ctx, &mut rng);
        }
        let fwd = t.elapsed().as_secs_f64() * 10.0;
        let g = model.grid();
        let t = std::time::Instant::now();
        for _ in 0..100 {
            g.pad(&model.xs, &mut model.train.xp);
            maps::im2col(g.windows(), &model.train.xp, &mut model.train.cols);
        }
        let i2c = t.elapsed().as_secs_f64() * 10.0;
        let w = model.layout().view(model.theta(), W).into_owned();
        let t = std::time::Instant::now();
        for _ in 0..100 {
            gemm(1.0f32, &w, Op::N, &model.train.cols, Op::N, 0.0, &mut model.train.pre);
        }
        let gm = t.elapsed().as_secs_f64() * 10.0;
        let t = std::time::Instant::now();
        for _ in 0..100 {
            model.train.select(g.windows(), select(&ctx));
        }
        let sel = t.elapsed().as_secs_f64() * 10.0;
        println!("gemm {gm:.2} ms, select {sel:.2} ms");
        println!(
            "{knobs:?}: step {full:.2} ms, forward {fwd:.2} ms, pad+im2col {i2c:.2} ms, sparse {}",
            model.train.sparse
        );
    }
}
