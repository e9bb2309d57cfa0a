//! `sae-train eval MODEL.json`: the model's cost terms under its own hyperparameters, its
//! mean activations and firing, and the edge indicator, on a fresh set of patches.

use nalgebra::DMatrix;
use sae_lab::model::Cost;
use sae_lab::readouts::{edge_verdict, HeldOut, ACTIVE_THRESHOLD};
use sae_lab::state::saved::MAX_BYTES;
use sae_lab::state::{load, LoadError, Params};
use sae_lab::train::Trainer;
use serde_json::json;

use crate::cli::{word, EvalArgs, OutputArg, PenaltyArg};
use crate::{input, Failure};

/// Largest evaluation set (200 000 16×16 patches and their activations are ~500 MB).
const MAX_PATCHES: usize = 200_000;

/// Everything `eval` reports.
#[derive(Debug)]
pub struct Evaluation {
    /// Cost terms under the model's hyperparameters.
    pub parts: Cost,
    /// Mean activation ρ̂_j of each unit over the patches.
    pub rho_hat: Vec<f64>,
    /// Share of patches on which each unit fires (a > [`ACTIVE_THRESHOLD`]).
    pub firing: Vec<f64>,
    /// Units that are localized, oriented edge detectors, and the indicator's sentence.
    pub edge_units: usize,
    /// The page's edge verdict.
    pub verdict: String,
}

/// Runs the command.
pub fn run(args: EvalArgs) -> Result<(), Failure> {
    let path = &args.model;
    let name = path.display().to_string();
    let size = std::fs::metadata(path).map_err(|e| input::io_sentence(path, &e))?.len();
    if size > MAX_BYTES as u64 {
        let e = LoadError::TooLarge { bytes: size.try_into().unwrap_or(usize::MAX) };
        return Err(Failure::input(format!("“{name}” cannot be loaded: {}", lower_first(&e.to_string()))));
    }
    let text = String::from_utf8(input::read_file(path)?)
        .map_err(|_| Failure::input(format!("“{name}” is not a model file: it is not text.")))?;
    let (params, steps, sae) = load(&text)
        .map_err(|e| Failure::input(format!("“{name}” cannot be loaded: {}", lower_first(&e.to_string()))))?;
    if !(1..=MAX_PATCHES).contains(&args.patches) {
        return Err(Failure::input(format!("--patches must be from 1 to {MAX_PATCHES}, not {}.", args.patches)));
    }
    let source = input::load(&args.data, params.data, params.whiten)?;
    let hyper = params.hyper().validate().map_err(|e| Failure::input(format!("The model's settings: {e}.")))?;
    // the trainer the model came from normalises patches with this σ: use the same one
    let trainer = Trainer::new(params.setup(), hyper, source.images).map_err(Failure::input)?;
    let mut set = HeldOut::from_sampler(trainer.sampler(), args.patches, args.seed).map_err(Failure::input)?;
    let parts = set.evaluate(sae.as_ref(), &trainer.ctx(0));
    let (rho_hat, firing) = unit_rates(set.activations().expect("evaluated just now").0);
    let verdict = edge_verdict(&sae.filters(), params.patch);
    let e = Evaluation { parts, rho_hat, firing, edge_units: verdict.edge_units, verdict: verdict.text };
    if args.json {
        println!("{}", to_json(&e, &params, steps, &name, args.patches, &source.describe));
    } else {
        print_text(&e, &params, steps, &name, args.patches, &source.describe);
    }
    Ok(())
}

/// Per unit (row of `a1`, h×m): mean activation and share of patches with a > threshold.
pub fn unit_rates(a1: &DMatrix<f32>) -> (Vec<f64>, Vec<f64>) {
    let m = a1.ncols().max(1) as f64;
    a1.row_iter()
        .map(|row| {
            let mean = row.iter().map(|&a| f64::from(a)).sum::<f64>() / m;
            let fires = row.iter().filter(|&&a| a > ACTIVE_THRESHOLD).count() as f64 / m;
            (mean, fires)
        })
        .unzip()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn range(v: &[f64]) -> (f64, f64) {
    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

fn print_text(e: &Evaluation, p: &Params, steps: u64, name: &str, count: usize, data: &str) {
    let n = p.patch * p.patch;
    let (lo, hi) = range(&e.rho_hat);
    let dead = e.firing.iter().filter(|&&f| f == 0.0).count();
    let output = word(OutputArg::from(p.output));
    println!("model          {name}: {n} → {} → {n} ({output} output), {steps} steps", p.hidden);
    println!("patches        {count} of {}×{} from {data}", p.patch, p.patch);
    println!("reconstruction {:.6}", e.parts.recon);
    println!("sparsity       {:.6} ({} penalty)", e.parts.penalty_sum(), word(PenaltyArg::from(p.penalty)));
    println!("weight decay   {:.6}", e.parts.decay);
    println!("total cost     {:.6}", e.parts.total());
    println!("mean ρ̂         {:.5} (target ρ = {}), range {lo:.5} to {hi:.5}", mean(&e.rho_hat), p.rho);
    println!(
        "firing         {:.2} % of patches per unit on average (a > {ACTIVE_THRESHOLD}), {:.2} units per patch; {dead} of {} units never fire",
        100.0 * mean(&e.firing),
        e.firing.iter().sum::<f64>(),
        p.hidden
    );
    println!("edges          {:.0} %: {}", 100.0 * e.edge_units as f64 / p.hidden.max(1) as f64, e.verdict);
}

fn to_json(e: &Evaluation, p: &Params, steps: u64, name: &str, count: usize, data: &str) -> String {
    let (lo, hi) = range(&e.rho_hat);
    json!({
        "model": name,
        "steps": steps,
        "inputs": p.patch * p.patch,
        "hidden": p.hidden,
        "patches": count,
        "data": data,
        "reconstruction": e.parts.recon,
        "sparsity": e.parts.penalty_sum(),
        "weight_decay": e.parts.decay,
        "total": e.parts.total(),
        "rho": p.rho,
        "rho_hat_mean": mean(&e.rho_hat),
        "rho_hat_min": lo,
        "rho_hat_max": hi,
        // the f32 constant's shortest decimal (0.1), not its f64 widening (0.10000000149…)
        "active_threshold": ACTIVE_THRESHOLD.to_string().parse::<f64>().unwrap_or(f64::NAN),
        "firing_mean": mean(&e.firing),
        "active_units_per_patch": e.firing.iter().sum::<f64>(),
        "units_never_firing": e.firing.iter().filter(|&&f| f == 0.0).count(),
        "edge_units": e.edge_units,
        "edge_share": e.edge_units as f64 / p.hidden.max(1) as f64,
        "verdict": e.verdict,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_per_unit() {
        // unit 0 always at 0.2 (fires), unit 1 at 0.05 on half the patches and 0 on the rest
        let a1 = DMatrix::from_row_slice(2, 4, &[0.2, 0.2, 0.2, 0.2, 0.05, 0.0, 0.05, 0.0]);
        let (rho, fire) = unit_rates(&a1);
        assert!((rho[0] - 0.2).abs() < 1e-7 && (rho[1] - 0.025).abs() < 1e-7, "{rho:?}");
        assert_eq!(fire, vec![1.0, 0.0]);
        assert_eq!(range(&rho), (rho[1], rho[0]));
        assert_eq!(lower_first("The file is not JSON."), "the file is not JSON.");
    }
}
