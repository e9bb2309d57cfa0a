//! The UFLDL exercise's way to train: one fixed set of patches (10 000 by default), the
//! exact cost and gradient over all of them, and L-BFGS for 400 iterations, in f64.
//!
//! The network starts from the same weights, and the patches are the first ones of the
//! same stream, as a minibatch run with the same seed (both come from [`Trainer::new`]).

use nalgebra::{DMatrix, DVector};
use sae_lab::model::cost::{backward_block, row_sums, sparsity_penalty, sum_sq_diff, weight_decay};
use sae_lab::model::sae::{W1, W2};
use sae_lab::model::sparse_ae::family_cost;
use sae_lab::model::{evaluate, Cost, Model, Output, Sae, ValidHyper, Workspace};
use sae_lab::train::Trainer;
use sae_lab::words::Word;

use crate::lbfgs::{self, Options, Report};
use crate::progress::Progress;

/// Iterations between two lines of the cost log, as minFunc prints them.
pub const LOG_EVERY: u64 = 10;

/// What a full-batch run produced.
pub struct FullBatch {
    /// The trained network, narrowed to f32 for the model file.
    pub sae: Sae<f32>,
    /// What L-BFGS did.
    pub report: Report,
    /// The cost terms of the final network on the training patches (in f64).
    pub parts: Cost,
}

/// Trains `trainer`'s initial network on the next `patches` patches of its stream with
/// `iters` L-BFGS iterations under its hyperparameters.
pub fn train(trainer: &Trainer, patches: usize, iters: usize, progress: &mut Progress) -> FullBatch {
    let x = training_set(trainer, patches);
    let n = x.nrows();
    let mut sae = widen(&sae_of(trainer.model(), trainer.setup().output));
    let hyper = *trainer.hyper();
    let mut theta = sae.to_flat();
    let opts = Options { max_iters: iters, ..Options::default() };
    let report = lbfgs::minimize(&mut theta, objective(sae.clone(), &x, hyper), opts, |k, cost| {
        progress.update(k as u64, &format!("cost {cost:.6}"));
    });
    sae.set_flat(&theta).expect("θ has the network's parameter count");
    let parts = evaluate(&sae, &x, &hyper, &mut Workspace::new(n, sae.hidden(), patches));
    FullBatch { sae: narrow(&sae), report, parts: family_cost(parts) }
}

/// The next `count` patches of `trainer`'s stream (normalised to [0.1, 0.9] like UFLDL's
/// sampleIMAGES), in f64, one per column; the trainer itself is left as it was.
pub fn training_set(trainer: &Trainer, count: usize) -> DMatrix<f64> {
    let mut sampler = trainer.sampler().clone();
    let n = sampler.patch_size() * sampler.patch_size();
    let mut x = DMatrix::<f32>::zeros(n, count);
    sampler.fill(&mut x);
    x.map(f64::from)
}

/// The L-BFGS task as JSON, for another optimiser to solve the same problem (the benchmark's
/// scipy row, bench/scipy_lbfgs.py): the hyperparameters, θ's blocks in order (each column by
/// column), the starting θ with its cost, and the `patches` patches (one after another).
pub fn write_task(trainer: &Trainer, patches: usize, path: &std::path::Path) -> std::io::Result<()> {
    let sae = sae_of(trainer.model(), trainer.setup().output);
    let x = training_set(trainer, patches);
    let cost0 = evaluate(&widen(&sae), &x, trainer.hyper(), &mut Workspace::new(sae.inputs(), sae.hidden(), patches));
    let h = trainer.hyper().get();
    let blocks: Vec<_> = sae.layout().blocks().iter().map(|b| serde_json::json!([b.name, b.rows, b.cols])).collect();
    let task = serde_json::json!({
        "inputs": sae.inputs(),
        "hidden": sae.hidden(),
        "output": trainer.setup().output.word(),
        "penalty": h.penalty.word(),
        "rho": h.rho,
        "beta": h.beta,
        "lambda": h.lambda,
        "blocks": blocks,
        "theta0": sae.theta(),
        "cost0": cost0.total(),
        "patches": patches,
        "x": x.as_slice(),
    });
    std::fs::write(path, task.to_string())
}

/// Column blocks the objective splits the patches into, each evaluated on its own thread
/// (the machine this was measured on has two cores).
pub const BLOCKS: usize = 2;

/// J(θ) and ∇J(θ) over all of `x` (one patch per column) for the network shaped like `sae`
/// with its parameters set from the flat θ ([`Sae::to_flat`] layout; the gradient comes out
/// in the same layout), over [`BLOCKS`] column blocks of `x` on as many threads.
pub fn objective(sae: Sae<f64>, x: &DMatrix<f64>, hyper: ValidHyper) -> impl FnMut(&[f64], &mut [f64]) -> f64 {
    objective_in(sae, x, hyper, BLOCKS)
}

/// One column block of the patches with everything its two passes write, allocated once.
struct Block {
    /// The block's patches (input and target alike).
    x: DMatrix<f64>,
    /// Its activations and errors.
    ws: Workspace<f64>,
    /// Pass 1: Σ‖x̂ − x‖² over the block.
    sq: f64,
    /// Pass 1: the row sums of the block's A1.
    a1_sums: Vec<f64>,
    /// Pass 2: the block's share of ∇J, without the λW terms.
    grad: Vec<f64>,
}

/// [`objective`] over `blocks` column blocks (as equal as they can be; at most one per patch).
///
/// The KL term couples the patches through ρ̂, the mean of A1 over all of them, so each
/// evaluation takes two passes over the blocks, each block on its own thread: the forward pass
/// (each block's squared error and row sums of A1), then, once ρ̂ and the sparsity gradient s
/// are known from every block's sums, the backward pass with that s and 1/m of the whole set.
/// The blocks' gradients are summed and λW added once. J and ∇J equal [`cost_and_grad`]'s
/// over all of `x` up to the order of the sums.
pub fn objective_in(
    mut sae: Sae<f64>,
    x: &DMatrix<f64>,
    hyper: ValidHyper,
    blocks: usize,
) -> impl FnMut(&[f64], &mut [f64]) -> f64 {
    let (n, hidden, m) = (sae.inputs(), sae.hidden(), x.ncols());
    let count = blocks.clamp(1, m.max(1));
    let mut parts: Vec<Block> = (0..count)
        .map(|k| {
            let (start, end) = (k * m / count, (k + 1) * m / count);
            Block {
                x: x.columns(start, end - start).into_owned(),
                ws: Workspace::new(n, hidden, end - start),
                sq: 0.0,
                a1_sums: vec![0.0; hidden],
                grad: vec![0.0; sae.param_count()],
            }
        })
        .collect();
    let (mut rho_hat, mut sparse_grad) = (DVector::zeros(hidden), DVector::zeros(hidden));
    let (inv_m, lambda) = (1.0 / m as f64, hyper.get().lambda);
    move |theta, grad| {
        sae.set_flat(theta).expect("θ has the network's parameter count");
        let net = sae.view();
        on_each(&mut parts, |b| {
            net.forward(&b.x, &mut b.ws);
            b.sq = sum_sq_diff(b.ws.a2.as_slice(), b.x.as_slice());
            row_sums(&b.ws.a1, &mut b.a1_sums);
        });
        rho_hat.fill(0.0);
        for b in &parts {
            rho_hat.iter_mut().zip(&b.a1_sums).for_each(|(r, s)| *r += s);
        }
        rho_hat *= inv_m;
        let sparsity = sparsity_penalty(&rho_hat, &hyper, &mut sparse_grad);
        let recon = parts.iter().map(|b| b.sq).sum::<f64>() * inv_m / 2.0;
        let decay = weight_decay(&sae, &hyper);
        for b in &mut parts {
            b.ws.sparse_grad.copy_from(&sparse_grad);
        }
        on_each(&mut parts, |b| backward_block(net, &b.x, &b.x, inv_m, None, &mut b.ws, &mut b.grad));
        grad.copy_from_slice(&parts[0].grad);
        for b in &parts[1..] {
            grad.iter_mut().zip(&b.grad).for_each(|(g, v)| *g += v);
        }
        for w in [W1, W2] {
            let range = sae.layout().range(w);
            grad[range.clone()].iter_mut().zip(&theta[range]).for_each(|(g, t)| *g += lambda * t);
        }
        recon + decay + sparsity
    }
}

/// Runs `f` on every block, the first on this thread and each other on a thread of its own.
fn on_each<B: Send>(blocks: &mut [B], f: impl Fn(&mut B) + Sync) {
    let Some((first, rest)) = blocks.split_first_mut() else { return };
    std::thread::scope(|scope| {
        let f = &f;
        for b in rest {
            scope.spawn(move || f(b));
        }
        f(first);
    });
}

/// The sparse autoencoder behind a model of the family, from its θ.
pub fn sae_of(m: &dyn Model<f32>, output: Output) -> Sae<f32> {
    let mut s = Sae::zeros(m.inputs(), m.hidden(), output);
    s.set_flat(m.theta()).expect("a sparse autoencoder's θ");
    s
}

/// The network in f64 (exact).
pub fn widen(s: &Sae<f32>) -> Sae<f64> {
    let mut out = Sae::zeros(s.inputs(), s.hidden(), s.output);
    let theta: Vec<f64> = s.theta().iter().map(|&v| f64::from(v)).collect();
    out.set_flat(&theta).expect("same shape");
    out
}

/// The network in f32 (rounded to nearest).
pub fn narrow(s: &Sae<f64>) -> Sae<f32> {
    let mut out = Sae::zeros(s.inputs(), s.hidden(), s.output);
    let theta: Vec<f32> = s.theta().iter().map(|&v| v as f32).collect();
    out.set_flat(&theta).expect("same shape");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg32;
    use sae_lab::data::Dataset;
    use sae_lab::model::gradcheck::{numerical_gradient, relative_difference};
    use sae_lab::model::sae::{B1, B2};
    use sae_lab::model::{cost_and_grad, Hyper, Penalty};
    use sae_lab::train::Setup;

    /// A small random network of `output` with non-zero biases, `patches` patches in
    /// [0.1, 0.9], and `penalty`'s hyperparameters.
    fn case(output: Output, penalty: Penalty, patches: usize) -> (Sae<f64>, DMatrix<f64>, ValidHyper) {
        let mut rng = Pcg32::seed_from_u64(3);
        let mut sae: Sae<f64> = Sae::init(16, 4, output, &mut rng);
        for block in [B1, B2] {
            let range = sae.layout().range(block);
            sae.theta_mut()[range].iter_mut().for_each(|b| *b = rng.random_range(-0.5..0.5));
        }
        let x = DMatrix::from_fn(16, patches, |_, _| rng.random_range(0.1..0.9));
        let hyper = Hyper { beta: 3.0, lambda: 1e-3, rho: 0.1, l1: 0.2, penalty, ..Hyper::default() };
        (sae, x, hyper.validate().unwrap())
    }

    const CASES: [(Output, Penalty); 4] = [
        (Output::Sigmoid, Penalty::Kl),
        (Output::Sigmoid, Penalty::L1),
        (Output::Linear, Penalty::Kl),
        (Output::Linear, Penalty::L1),
    ];

    #[test]
    fn the_blocks_together_are_cost_and_grad_over_every_patch() {
        for (output, penalty) in CASES {
            for (patches, blocks) in [(12, 2), (13, 2), (13, 3), (1, 2), (7, 1)] {
                let (sae, x, hyper) = case(output, penalty, patches);
                let theta = sae.to_flat();
                let mut g = vec![0.0; theta.len()];
                let want = cost_and_grad(&sae, &x, &hyper, &mut Workspace::new(16, 4, patches), &mut g).total();
                let mut f = objective_in(sae.clone(), &x, hyper, blocks);
                // twice: the blocks' buffers are reused, and nothing of the first call leaks
                for _ in 0..2 {
                    let mut got = vec![f64::NAN; theta.len()];
                    let cost = f(&theta, &mut got);
                    let what = format!("{output:?} {penalty:?}, {patches} patches in {blocks} blocks");
                    assert!((cost - want).abs() <= 1e-12 * want.abs(), "{what}: {cost} against {want}");
                    let diff = relative_difference(&got, &g);
                    assert!(diff < 1e-12, "{what}: relative difference {diff:e}");
                }
            }
        }
    }

    #[test]
    fn the_flat_gradient_is_backpropagation_in_the_flat_layout() {
        for (output, penalty) in CASES {
            let (sae, x, hyper) = case(output, penalty, 13);
            let mut theta = sae.to_flat();
            let mut f = objective(sae, &x, hyper);
            let mut analytic = vec![0.0; theta.len()];
            f(&theta, &mut analytic);
            let numeric = numerical_gradient(&mut theta, 1e-5, |t| f(t, &mut vec![0.0; t.len()]));
            let diff = relative_difference(&analytic, &numeric);
            assert!(diff < 1e-9, "{output:?} {penalty:?}: relative difference {diff:e}");
        }
    }

    #[test]
    fn the_task_file_holds_the_start_and_the_patches_lbfgs_starts_from() {
        let setup = Setup { patch: 4, hidden: 3, ..Setup::default() };
        let t =
            Trainer::new(setup, Hyper::default().validate().unwrap(), Dataset::Bars.builtin(1, true).unwrap()).unwrap();
        let path = std::env::temp_dir().join(format!("sae-train-task-{}.json", std::process::id()));
        write_task(&t, 50, &path).unwrap();
        let task: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        std::fs::remove_file(&path).unwrap();
        // serde_json writes the shortest decimal that round-trips; its own parser may miss by an ulp
        let same = |k: &str, want: &[f64]| {
            let got: Vec<f64> = match task[k].as_array() {
                Some(a) => a.iter().map(|v| v.as_f64().unwrap()).collect(),
                None => vec![task[k].as_f64().unwrap()],
            };
            assert_eq!(got.len(), want.len(), "{k}");
            assert!(got.iter().zip(want).all(|(a, b)| (a - b).abs() <= 1e-15 * b.abs()), "{k}");
        };
        let x = training_set(&t, 50);
        same("x", x.as_slice());
        let start = widen(&sae_of(t.model(), setup.output));
        same("theta0", start.theta());
        let cost0 = evaluate(&start, &x, t.hyper(), &mut Workspace::new(16, 3, 50)).total();
        same("cost0", &[cost0]);
        assert_eq!(
            (task["inputs"].as_u64(), task["hidden"].as_u64(), task["penalty"].as_str()),
            (Some(16), Some(3), Some("kl"))
        );
        let blocks: Vec<_> = task["blocks"].as_array().unwrap().iter().map(|b| b[0].as_str().unwrap()).collect();
        assert_eq!(blocks, ["w1", "b1", "w2", "b2"]);
    }

    #[test]
    fn widening_and_narrowing_round_trip() {
        let s: Sae<f32> = Sae::init(9, 3, Output::Linear, &mut Pcg32::seed_from_u64(1));
        assert_eq!(narrow(&widen(&s)), s);
        let mut w = widen(&s);
        w.set_flat(&s.to_flat().iter().map(|&v| f64::from(v)).collect::<Vec<_>>()).unwrap();
        assert_eq!(narrow(&w), s);
    }

    #[test]
    fn lbfgs_lowers_the_cost_far_below_the_start() {
        let setup = Setup { patch: 4, hidden: 5, ..Setup::default() };
        let images = Dataset::Bars.builtin(1, true).unwrap();
        let t = Trainer::new(setup, Hyper::default().validate().unwrap(), images).unwrap();
        let x = training_set(&t, 300);
        assert_eq!(x.shape(), (16, 300));
        assert!(x.iter().all(|v| (0.1..=0.9).contains(v)));
        let start =
            evaluate(&widen(&sae_of(t.model(), setup.output)), &x, t.hyper(), &mut Workspace::new(16, 5, 300)).total();
        let run = train(&t, 300, 30, &mut Progress::new(30, "iter", LOG_EVERY, true));
        assert_eq!(run.report.iters, 30, "{:?}", run.report);
        assert!((run.parts.total() - run.report.cost).abs() < 1e-12);
        assert!(run.parts.total() < 0.5 * start, "{start} → {}", run.parts.total());
    }
}
