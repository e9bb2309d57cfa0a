//! `sae-train train`: checks everything first, trains (minibatch steps of any model of the
//! family, or full-batch L-BFGS for the sparse autoencoder), then writes the model and the
//! filters.

use sae_lab::model::registry;
use sae_lab::model::sparse_ae::SparseAe;
use sae_lab::model::{Cost, Model};
use sae_lab::readouts::edge_verdict;
use sae_lab::state::Params;
use sae_lab::train::Trainer;

use crate::cli::TrainArgs;
use crate::models::{knob_list, optimizer};
use crate::progress::{terms, Progress};
use crate::{full_batch, input, minibatch, output, Failure};
use sae_lab::words::Word;

/// Largest L-BFGS training set (10 000 is the exercise's; 200 000 16×16 patches are 400 MB).
const MAX_PATCHES: usize = 200_000;

/// Runs the command. Usage and input errors come back before anything is trained or
/// written; a diverged run writes its last finite model and then fails.
pub fn run(args: TrainArgs) -> Result<(), Failure> {
    let mut params = args.settings.params()?;
    let spec = args.model.apply(&mut params)?;
    let sae_model = spec.key == registry::default_spec().key;
    if args.lbfgs && !sae_model {
        return Err(Failure::input(format!(
            "--lbfgs trains the sparse autoencoder only (the UFLDL exercise); the {} model trains with \
             minibatch steps, so leave out --lbfgs. Nothing was trained.",
            spec.key
        )));
    }
    if args.lbfgs {
        if !(1..=MAX_PATCHES).contains(&args.patches) || args.iters == 0 {
            return Err(Failure::input(format!(
                "L-BFGS needs from 1 to {MAX_PATCHES} patches and at least 1 iteration, not {} and {}.",
                args.patches, args.iters
            )));
        }
        if params.noise > 0.0 {
            return Err(Failure::input("Full-batch L-BFGS trains a plain autoencoder: leave --noise at 0."));
        }
    }
    output::check_destination(&args.out)?;
    output::check_destination(&args.filters)?;
    if let Some(path) = &args.write_task {
        output::check_destination(path)?;
    }
    let source = input::load(&args.data, params.data, params.whiten)?;
    (params.data, params.whiten) = (source.dataset, source.whiten);
    let hyper = params.hyper().validate().map_err(|e| Failure::input(format!("{e}.")))?;
    // one lane: with the sparse autoencoder this is exactly Trainer::new
    let mut trainer =
        Trainer::with_lanes(params.setup(), hyper, &params.lanes(), source.images).map_err(Failure::input)?;
    let (h, p) = (params.hidden, params.patch);
    println!("data     {}", source.describe);
    if sae_model {
        let output = params.output.word();
        println!("network  {} → {h} → {} ({output} output), seed {}", p * p, p * p, params.seed);
    } else {
        println!("model    {} ({}): {}", spec.name, spec.key, knob_list(spec, params.knobs_of(spec.key)));
        println!("network  {} → {h} → {}, seed {}", p * p, p * p, params.seed);
    }

    let (sae, steps, parts, failure) = if args.lbfgs {
        if let Some(path) = &args.write_task {
            full_batch::write_task(&trainer, args.patches, path)
                .map_err(|e| Failure::input(format!("Could not write the task to {}: {e}.", path.display())))?;
            println!("wrote    the L-BFGS task to {}", path.display());
        }
        println!("training full-batch L-BFGS on {} patches, {} iterations (f64)", args.patches, args.iters);
        let mut progress = Progress::new(args.iters as u64, "iter", full_batch::LOG_EVERY, true);
        let run = full_batch::train(&trainer, args.patches, args.iters, &mut progress);
        progress.finish();
        let r = run.report;
        println!(
            "L-BFGS   {} iterations, {} evaluations, cost {:.6}, stopped: {:?}, {:.1} s",
            r.iters,
            r.evals,
            r.cost,
            r.stop,
            progress.seconds()
        );
        (Box::new(SparseAe::new(run.sae)) as Box<dyn Model<f32>>, r.iters as u64, run.parts, None)
    } else {
        let opt = optimizer(spec, &params).word();
        let lr = trainer.lane_config(0).lr(trainer.hyper());
        println!("training {} steps of {opt} (lr {lr}) on batches of {}", args.steps, params.batch);
        let mut progress = Progress::steps(args.steps);
        let result = minibatch::train(&mut trainer, args.steps, &mut progress);
        progress.finish();
        let secs = progress.seconds();
        let done = trainer.steps();
        println!("trained  {done} steps in {secs:.1} s ({:.0} steps/s)", done as f64 / secs.max(1e-9));
        match result {
            Ok(last) => (trainer.model().boxed_clone(), done, last, None),
            Err(d) => {
                let lr = if trainer.lane_config(0).spec.knobs.iter().any(|k| k.key == "lr") {
                    format!("--set {}.lr", spec.key)
                } else {
                    "--lr".to_string()
                };
                let why = format!(
                    "Training diverged at step {} with learning rate {} (the cost became NaN or infinite); \
                     the last finite model, from step {done}, was written: try a lower {lr}.",
                    d.step, d.lr
                );
                (trainer.model().boxed_clone(), done, Cost::default(), Some(Failure::diverged(why)))
            }
        }
    };
    if failure.is_none() {
        let over = if args.lbfgs { "all training patches" } else { "the last 100 steps" };
        println!("final    {} (over {over})", terms(&parts, sae.penalty_names()));
    }
    finish(&args, &params, steps, sae.as_ref())?;
    failure.map_or(Ok(()), Err)
}

/// Writes both files and says what the filters look like.
fn finish(args: &TrainArgs, params: &Params, steps: u64, model: &dyn Model<f32>) -> Result<(), Failure> {
    let filters = model.filters();
    println!("edges    {}", edge_verdict(&filters, params.patch).text);
    output::write_model(&args.out, params, steps, model)?;
    let (w, h) = output::write_filters(&args.filters, &filters, params.patch)?;
    println!("wrote    {} and {} ({w}×{h})", args.out.display(), args.filters.display());
    Ok(())
}
