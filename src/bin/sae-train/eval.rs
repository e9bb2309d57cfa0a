//! `sae-train eval MODEL.json`: a saved model of any kind on a fresh set of patches: its own
//! cost terms (named as the model names them) under its own settings and knobs, the
//! statistics of its code (what "active" means depends on the kind of code), and the edge
//! indicator.

use nalgebra::DMatrix;
use sae_lab::data::{Dataset, DIGIT_SIDE};
use sae_lab::model::registry::{self, ModelSpec};
use sae_lab::model::{CodeKind, Cost, Model, ValidHyper};
use sae_lab::readouts::code_kind::{active_rule, is_active, GAUSSIAN_ACTIVE};
use sae_lab::readouts::features::{Accuracy, DigitPatches};
use sae_lab::readouts::{edge_verdict, HeldOut, ACTIVE_THRESHOLD};
use sae_lab::state::saved::MAX_BYTES;
use sae_lab::state::{load, LoadError, Params};
use sae_lab::train::{LaneConfig, Trainer};
use serde_json::{json, Map, Value};

use crate::cli::EvalArgs;
use crate::models::knob_list;
use crate::{input, Failure};
use sae_lab::words::Word;

/// Largest evaluation set (200 000 16×16 patches and their activations are ~500 MB).
const MAX_PATCHES: usize = 200_000;

/// Everything `eval` reports.
#[derive(Debug)]
pub struct Evaluation {
    /// The model's registry entry.
    pub spec: &'static ModelSpec,
    /// Its penalty names ([`sae_lab::model::Model::penalty_names`]), in [`Cost`] order.
    pub names: &'static [&'static str],
    /// What its code values mean.
    pub kind: CodeKind,
    /// Cost terms under the model's settings and knobs.
    pub parts: Cost,
    /// Mean code of each unit over the patches (of |a| for signed and Gaussian codes, whose mean is ~0).
    pub unit_mean: Vec<f64>,
    /// Share of patches on which each unit is active ([`is_active`]).
    pub active: Vec<f64>,
    /// Units that are localized, oriented edge detectors.
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
    let (params, steps, model) = load(&text)
        .map_err(|e| Failure::input(format!("“{name}” cannot be loaded: {}", lower_first(&e.to_string()))))?;
    if !(1..=MAX_PATCHES).contains(&args.patches) {
        return Err(Failure::input(format!("--patches must be from 1 to {MAX_PATCHES}, not {}.", args.patches)));
    }
    let spec = registry::spec(model.key()).expect("load returns registered models only");
    let source = input::load(&args.data, params.data, params.whiten)?;
    let hyper = params.hyper().validate().map_err(|e| Failure::input(format!("The model's settings: {e}.")))?;
    // the trainer the model came from normalises patches with this σ, and its lane holds the
    // model's knobs: use the same ones
    let trainer =
        Trainer::with_lanes(params.setup(), hyper, &[lane_of(spec, &params)], source.images).map_err(Failure::input)?;
    let mut set = HeldOut::from_sampler(trainer.sampler(), args.patches, args.seed).map_err(Failure::input)?;
    let parts = set.evaluate(model.as_ref(), &trainer.ctx(0));
    let kind = model.code_kind();
    let (unit_mean, active) = unit_rates(set.activations().expect("evaluated just now").0, kind);
    let verdict = edge_verdict(&model.filters(), params.patch);
    let names = model.penalty_names();
    let edge_units = verdict.edge_units;
    let e = Evaluation { spec, names, kind, parts, unit_mean, active, edge_units, verdict: verdict.text };
    let table = if args.classify { Some(classify(&params, hyper, lane_of(spec, &params), model)?) } else { None };
    if args.json {
        let mut report = to_json(&e, &params, steps, &name, args.patches, &source.describe);
        if let (Some(rows), Some(object)) = (&table, report.as_object_mut()) {
            let rows: Vec<Value> = rows
                .iter()
                .map(|r| json!({ "input": r.input, "dims": r.dims, "test": r.test, "train": r.train }))
                .collect();
            object.insert("classify".into(), rows.into());
        }
        println!("{report}");
    } else {
        print_text(&e, &params, steps, &name, args.patches, &source.describe);
        for r in table.iter().flatten() {
            println!("classify       {:34} {:3} numbers: test {:.3}, train {:.3}", r.input, r.dims, r.test, r.train);
        }
    }
    Ok(())
}

fn lane_of(spec: &'static ModelSpec, params: &Params) -> LaneConfig {
    LaneConfig { spec, knobs: params.knobs_of(spec.key).to_vec(), noise: None }
}

/// The digits table for `model`: the digits normalised as a trainer of the model's settings
/// on the digits normalises them (so a model trained on digits sees its own σ), then raw
/// pixels, PCA with as many components as units, and the model's codes (a trained stack's
/// layer-2 codes, then the stack fine-tuned with the classifier on top).
fn classify(
    params: &Params,
    hyper: ValidHyper,
    lane: LaneConfig,
    mut model: Box<dyn Model<f32>>,
) -> Result<Vec<Accuracy>, Failure> {
    if params.patch != DIGIT_SIDE {
        return Err(Failure::input(format!(
            "--classify needs a model of {DIGIT_SIDE}×{DIGIT_SIDE} patches (the digits are {DIGIT_SIDE}×{DIGIT_SIDE}); this one has {p}×{p}.",
            p = params.patch
        )));
    }
    let digits = Dataset::Digits.builtin(params.setup().seed, false).expect("built in");
    let t = Trainer::with_lanes(params.setup(), hyper, &[lane], digits).map_err(Failure::input)?;
    let d = DigitPatches::new(t.sampler().sigma());
    let name = t.lane_config(0).spec.name;
    Ok(d.table(name, model.as_mut(), &t.ctx(0)))
}

/// The word for a kind of code in the JSON report.
fn kind_word(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::Unit => "unit",
        CodeKind::NonNegative => "non-negative",
        CodeKind::Signed => "signed",
        CodeKind::Gaussian => "gaussian",
    }
}

/// Per unit (row of `codes`, h×m): mean code (of |a| for signed codes) and share of
/// patches on which it is active.
pub fn unit_rates(codes: &DMatrix<f32>, kind: CodeKind) -> (Vec<f64>, Vec<f64>) {
    let m = codes.ncols().max(1) as f64;
    let size = |a: f32| if matches!(kind, CodeKind::Signed | CodeKind::Gaussian) { a.abs() } else { a };
    codes
        .row_iter()
        .map(|row| {
            let mean = row.iter().map(|&a| f64::from(size(a))).sum::<f64>() / m;
            let fires = row.iter().filter(|&&a| is_active(kind, a)).count() as f64 / m;
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

/// "sae, 64 → 25 → 64 (sigmoid output)" or "topk (k = 4, auxk = 1, lr = 0.003), 64 → 25 → 64".
fn describe_model(e: &Evaluation, p: &Params) -> String {
    let n = p.patch * p.patch;
    if e.spec.key == registry::default_spec().key {
        format!("{}, {n} → {} → {n} ({} output)", e.spec.key, p.hidden, p.output.word())
    } else {
        format!("{} ({}), {n} → {} → {n}", e.spec.key, knob_list(e.spec, p.knobs_of(e.spec.key)), p.hidden)
    }
}

/// The label of the mean-code line, padded to the report's column (by hand: "ρ̂" is two
/// chars but one column): ρ̂ for sigmoid units, as UFLDL calls it.
fn mean_label(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::Unit => "mean ρ̂         ",
        CodeKind::NonNegative => "mean code      ",
        CodeKind::Signed => "mean |code|    ",
        CodeKind::Gaussian => "mean |μ|       ",
    }
}

fn print_text(e: &Evaluation, p: &Params, steps: u64, name: &str, count: usize, data: &str) {
    let sae = e.spec.key == registry::default_spec().key;
    let (lo, hi) = range(&e.unit_mean);
    let dead = e.active.iter().filter(|&&f| f == 0.0).count();
    println!("model          {name}: {}, {steps} steps", describe_model(e, p));
    println!("patches        {count} of {}×{} from {data}", p.patch, p.patch);
    println!("reconstruction {:.6}", e.parts.recon);
    for (term, v) in e.names.iter().zip(e.parts.penalties) {
        let how = if sae { format!(" ({} penalty)", p.penalty.word()) } else { String::new() };
        println!("{term:<14} {v:.6}{how}");
    }
    println!("weight decay   {:.6}", e.parts.decay);
    println!("total cost     {:.6}", e.parts.total());
    let target = if sae { format!(" (target ρ = {})", p.rho) } else { String::new() };
    println!("{}{:.5}{target}, range {lo:.5} to {hi:.5}", mean_label(e.kind), mean(&e.unit_mean));
    println!(
        "firing         {:.2} % of patches per unit on average ({}), L0 {:.2} units per patch; {dead} of {} units never fire (dead)",
        100.0 * mean(&e.active),
        active_rule(e.kind),
        e.active.iter().sum::<f64>(),
        p.hidden
    );
    println!("edges          {:.0} %: {}", 100.0 * e.edge_units as f64 / p.hidden.max(1) as f64, e.verdict);
}

/// The JSON report. The field names of the sparse-autoencoder report are kept for every
/// model: "sparsity" is the sum of the penalties, "rho_hat_*" the mean code per unit,
/// "firing_mean" the share of patches where a unit is active, "active_units_per_patch"
/// the L0 and "units_never_firing" the dead units; "penalties" names each term.
fn to_json(e: &Evaluation, p: &Params, steps: u64, name: &str, count: usize, data: &str) -> Value {
    let sae = e.spec.key == registry::default_spec().key;
    let (lo, hi) = range(&e.unit_mean);
    let penalties: Map<String, Value> =
        e.names.iter().zip(e.parts.penalties).map(|(n, v)| (n.to_string(), v.into())).collect();
    let knobs: Map<String, Value> =
        e.spec.knobs.iter().zip(p.knobs_of(e.spec.key)).map(|(k, &v)| (k.key.to_string(), v.into())).collect();
    // the f32 constant's shortest decimal (0.1), not its f64 widening (0.10000000149…)
    let shortest = |t: f32| t.to_string().parse::<f64>().unwrap_or(f64::NAN);
    let threshold = match e.kind {
        CodeKind::Unit => shortest(ACTIVE_THRESHOLD),
        CodeKind::Gaussian => shortest(GAUSSIAN_ACTIVE),
        CodeKind::NonNegative | CodeKind::Signed => 0.0,
    };
    json!({
        "model": name,
        "model_key": e.spec.key,
        "model_name": e.spec.name,
        "knobs": knobs,
        "steps": steps,
        "inputs": p.patch * p.patch,
        "hidden": p.hidden,
        "patches": count,
        "data": data,
        "reconstruction": e.parts.recon,
        "penalties": penalties,
        "sparsity": e.parts.penalty_sum(),
        "weight_decay": e.parts.decay,
        "total": e.parts.total(),
        "rho": if sae { Value::from(p.rho) } else { Value::Null },
        "code_kind": kind_word(e.kind),
        "rho_hat_mean": mean(&e.unit_mean),
        "rho_hat_min": lo,
        "rho_hat_max": hi,
        "active_rule": active_rule(e.kind),
        "active_threshold": threshold,
        "firing_mean": mean(&e.active),
        "active_units_per_patch": e.active.iter().sum::<f64>(),
        "units_never_firing": e.active.iter().filter(|&&f| f == 0.0).count(),
        "unit_mean": e.unit_mean,
        "unit_active": e.active,
        "edge_units": e.edge_units,
        "edge_share": e.edge_units as f64 / p.hidden.max(1) as f64,
        "verdict": e.verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_per_unit() {
        // unit 0 always at 0.2 (fires), unit 1 at 0.05 on half the patches and 0 on the rest
        let a1 = DMatrix::from_row_slice(2, 4, &[0.2, 0.2, 0.2, 0.2, 0.05, 0.0, 0.05, 0.0]);
        let (rho, fire) = unit_rates(&a1, CodeKind::Unit);
        assert!((rho[0] - 0.2).abs() < 1e-7 && (rho[1] - 0.025).abs() < 1e-7, "{rho:?}");
        assert_eq!(fire, vec![1.0, 0.0]);
        assert_eq!(range(&rho), (rho[1], rho[0]));
        assert_eq!(lower_first("The file is not JSON."), "the file is not JSON.");
    }

    #[test]
    fn active_means_what_the_kind_of_code_says() {
        let codes = DMatrix::from_row_slice(2, 4, &[0.05, 0.0, 0.0, 0.0, -0.5, 0.5, 0.0, 0.0]);
        // a ReLU code is active above 0, however small; a sigmoid unit only above 0.1
        assert_eq!(unit_rates(&codes, CodeKind::NonNegative).1, vec![0.25, 0.25]);
        assert_eq!(unit_rates(&codes, CodeKind::Unit).1, vec![0.0, 0.25]);
        // a signed code counts both signs, and its mean size is of |a| (its mean would be 0)
        let (size, active) = unit_rates(&codes, CodeKind::Signed);
        assert_eq!((size[1], active[1]), (0.25, 0.5));
        assert_eq!(active_rule(CodeKind::Unit), "a > 0.1");
    }
}
