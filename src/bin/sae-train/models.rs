//! The model family on the command line: `--model KEY` and `--set model.knob=value`.
//!
//! Everything here is read from the registry ([`MODELS`] and each model's knob table): the
//! valid keys, the knobs, their ranges, defaults and help, and the parsing of a knob value,
//! which is the link's own ([`set_knob`]). A new model or knob appears in the CLI without a
//! change to this file.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches};
use sae_lab::model::registry::{self, ModelSpec, MODELS};
use sae_lab::model::{Knob, KnobKind, OptimizerKind};
use sae_lab::state::hash::set_knob;
use sae_lab::state::Params;

use crate::cli::{cli_fields, Cli, Command};
use sae_lab::state::params::Scope;
use sae_lab::words::Word;

/// The page options only the sparse autoencoder reads (the table's `Scope::Sae` fields: its
/// sparsity, output and update rule; `lr` only where a model has no `lr` knob of its own).
/// `--lambda` and `--noise` are not among them: weight decay and input noise apply to every
/// model that has them.
fn sae_options() -> impl Iterator<Item = &'static str> {
    cli_fields().filter(|f| f.ui.scope == Scope::Sae).map(|f| f.ui.name)
}

/// `--model` and `--set`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Model (the keys and knobs are listed at the end)")]
pub struct ModelArgs {
    /// Which model of the family to train.
    #[arg(long, value_name = "KEY", default_value = registry::default_spec().key)]
    pub model: String,
    /// One of the model's own knobs, written as in the page's link (repeatable). A value
    /// outside the knob's range is refused.
    #[arg(long = "set", visible_alias = "knob", value_name = "MODEL.KNOB=VALUE")]
    pub set: Vec<String>,
    /// The sparse-autoencoder options typed on the command line (filled in by [`parse`]:
    /// a default value is not a request, a typed one is).
    #[arg(skip)]
    pub given: Vec<&'static str>,
}

impl ModelArgs {
    /// The model to train. `params.models` becomes that one model and its knobs are set
    /// from `--set`. Errors, as a sentence, on an unknown key, a refused knob value, a knob
    /// of another model, or a sparse-autoencoder option typed for another model.
    pub fn apply(&self, params: &mut Params) -> Result<&'static ModelSpec, String> {
        let spec = registry::spec(&self.model).ok_or_else(|| {
            format!("--model {} is not a model of sae-lab; the models are {}. Nothing was trained.", self.model, keys())
        })?;
        params.models = vec![spec.key];
        for entry in &self.set {
            let owner = set_knob(params, entry).map_err(|e| {
                format!("--set {entry} is refused: {e}; nothing was trained (see --help for each model's knobs).")
            })?;
            if owner != spec.key {
                return Err(format!(
                    "--set {entry} is a knob of the {owner} model, but --model is {}; nothing was trained.",
                    spec.key
                ));
            }
        }
        if spec.key != registry::default_spec().key {
            let own_lr = lr_knob(spec);
            if let Some(id) = self.given.iter().find(|&&id| id != "lr" || own_lr.is_some()) {
                return Err(not_read(spec, id, own_lr));
            }
        }
        Ok(spec)
    }
}

/// Why option `--id` is refused for `spec`, and what to use instead.
fn not_read(spec: &ModelSpec, id: &str, own_lr: Option<&Knob>) -> String {
    match own_lr {
        Some(k) if id == "lr" => format!(
            "--lr is the sparse autoencoder's learning rate; the {key} model has its own: --set {key}.lr=VALUE \
             (default {}). Nothing was trained.",
            k.default,
            key = spec.key
        ),
        _ => {
            let own: Vec<String> = spec.knobs.iter().map(|k| format!("{}.{}", spec.key, k.key)).collect();
            format!(
                "--{id} is a setting of the sparse autoencoder, which the {} model does not read; its own \
                 settings are --set {}. Nothing was trained.",
                spec.key,
                own.join(", ")
            )
        }
    }
}

fn lr_knob(spec: &ModelSpec) -> Option<&'static Knob> {
    spec.knobs.iter().find(|k| k.key == "lr")
}

fn keys() -> String {
    MODELS.iter().map(|m| m.key).collect::<Vec<_>>().join(", ")
}

/// "k = 4, auxk = 1, lr = 0.003": a model's knobs with their values, for the reports.
pub fn knob_list(spec: &ModelSpec, values: &[f64]) -> String {
    let parts: Vec<String> = spec.knobs.iter().zip(values).map(|(k, v)| format!("{} = {v}", k.key)).collect();
    parts.join(", ")
}

/// The update rule a model trains with (the sparse autoencoder's is `--optimizer`).
pub fn optimizer(spec: &ModelSpec, params: &Params) -> OptimizerKind {
    if spec.key == registry::default_spec().key {
        params.optimizer
    } else {
        spec.optimizer
    }
}

/// The end of `train --help`: every model with its `about`, and every knob with its range,
/// default and help, from the registry.
pub fn models_help() -> String {
    let sae = registry::default_spec().key;
    let width = MODELS.iter().map(|m| m.key.len()).max().unwrap_or(0);
    let mut out = format!("Models (--model KEY, default {sae}; a model's own knobs with --set KEY.KNOB=VALUE):\n");
    out += &wrap(
        "--lambda and --noise apply to every model that has weight decay or takes noise. --rho, --beta, --penalty, \
         --l1, --output, --optimizer and --lbfgs belong to the sparse autoencoder, and so does --lr when a model \
         has an lr knob of its own.",
        "",
    );
    for m in MODELS {
        let rule = if m.key == sae { "--optimizer".to_string() } else { m.optimizer.word().to_string() };
        let about = format!("{}: {} Trains with {rule}.", m.name, sentence(m.about));
        out += &format!("\n  {:width$}  {}", m.key, wrap(&about, &" ".repeat(width + 4)));
        if m.knobs.is_empty() {
            out += &format!("  {:width$}  Its settings are the options under \"Settings\" above.\n", "");
        }
        for k in m.knobs {
            let line = format!("{}.{} = {}: {}", m.key, k.key, range(k), sentence(k.help));
            out += &format!("  {:width$}    {}", "", wrap(&line, &" ".repeat(width + 8)));
        }
    }
    out
}

/// `text` broken into lines of at most ~100 characters, every line after the first
/// starting with `indent` (clap prints `after_help` as it is given).
fn wrap(text: &str, indent: &str) -> String {
    const WIDTH: usize = 100;
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > 0 && indent.len() + line + 1 + len > WIDTH {
            out += "\n";
            out += indent;
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out += word;
        line += len;
    }
    out + "\n"
}

/// "0 to 10, default 2", "whole number 1 to 200, default 10", "0 or 1, default 1".
fn range(k: &Knob) -> String {
    match k.kind {
        KnobKind::Float { .. } => format!("{} to {}, default {}", k.min, k.max, k.default),
        KnobKind::Int => format!("whole number {} to {}, default {}", k.min, k.max, k.default),
        KnobKind::Switch => format!("0 (off) or 1 (on), default {}", k.default),
    }
}

/// The text with exactly one final full stop (the tables' lines are written both ways).
fn sentence(s: &str) -> String {
    format!("{}.", s.trim_end_matches('.'))
}

/// The command with the model list at the end of `train --help`.
pub fn command() -> clap::Command {
    Cli::command().mut_subcommand("train", |c| c.after_help(models_help()))
}

/// Parses the command line (clap's own errors exit with code 2, as before) and records which
/// sparse-autoencoder options were typed.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let (Command::Train(args), Some(("train", m))) = (&mut cli.command, matches.subcommand()) {
        args.model.given = typed(m);
    }
    cli
}

/// The [`sae_options`] given on the command line (not by default).
fn typed(m: &ArgMatches) -> Vec<&'static str> {
    sae_options().filter(|id| m.value_source(id) == Some(ValueSource::CommandLine)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(args: &[&str]) -> Result<(&'static str, Params), String> {
        let matches = command().try_get_matches_from([&["sae-train", "train"], args].concat()).unwrap();
        let Command::Train(mut t) = Cli::from_arg_matches(&matches).unwrap().command else { unreachable!() };
        t.model.given = typed(matches.subcommand_matches("train").unwrap());
        let mut p = t.settings.params()?;
        t.model.apply(&mut p).map(|s| (s.key, p))
    }

    #[test]
    fn the_help_lists_every_model_and_knob_from_the_tables() {
        command().debug_assert();
        // the lines are wrapped: compare with single spaces
        let help = models_help().split_whitespace().collect::<Vec<_>>().join(" ");
        for m in MODELS {
            assert!(help.contains(m.key) && help.contains(m.name), "{}", m.key);
            for k in m.knobs {
                assert!(help.contains(&format!("{}.{} = {}", m.key, k.key, range(k))), "{}.{}", m.key, k.key);
            }
        }
        assert!(help.contains("topk.k = whole number 1 to 64, default 4: Units kept per patch"), "{help}");
    }

    #[test]
    fn model_and_knobs_are_read_through_the_registry() {
        let (key, p) = apply(&[]).unwrap();
        assert_eq!((key, p), ("sae", Params::default()));
        let (key, p) = apply(&["--model", "topk", "--set", "topk.k=2", "--knob", "topk.auxk=0"]).unwrap();
        assert_eq!((key, p.models.clone(), &p.knobs_of("topk")[..2]), ("topk", vec!["topk"], &[2.0, 0.0][..]));
        assert_eq!(knob_list(registry::spec("topk").unwrap(), p.knobs_of("topk")), "k = 2, auxk = 0, lr = 0.003");
        // the sparse autoencoder's options stay usable for it, and --lambda for everyone
        assert!(apply(&["--rho", "0.05", "--lr", "0.001"]).is_ok());
        assert!(apply(&["--model", "contractive", "--lambda", "0.001", "--noise", "0.1"]).is_ok());
    }

    #[test]
    fn bad_models_knobs_and_foreign_options_are_sentences() {
        let all = format!("the models are {}.", registry::MODELS.iter().map(|m| m.key).collect::<Vec<_>>().join(", "));
        assert!(all.contains("sae, sparse-coding") && all.contains("conv"), "{all}");
        let cases: &[(&[&str], &str)] = &[
            (&["--model", "hopfield"], &all),
            (&["--model", "topk", "--set", "topk.k=99"], "topk.k=99 is outside 1–64; nothing was trained"),
            (&["--set", "topk.k=4"], "is a knob of the topk model, but --model is sae"),
            (&["--model", "topk", "--rho", "0.1"], "--rho is a setting of the sparse autoencoder"),
            (&["--model", "relu-l1", "--lr", "0.1"], "--set relu-l1.lr=VALUE (default 0.003)"),
        ];
        for (args, want) in cases {
            let e = apply(args).unwrap_err();
            assert!(e.contains(want), "{args:?}: {e}");
        }
    }
}
