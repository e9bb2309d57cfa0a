//! The command line: `sae-train train [options]` and `sae-train eval MODEL.json [options]`.
//! Every setting of the page is an option with the page's default (taken from
//! [`Params::default`], so the two cannot drift apart) and the page's range (checked by
//! [`Params::check`], the same table the link and the model file go through).

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, Args, FromArgMatches, Parser, Subcommand};
use sae_lab::data::Dataset;
use sae_lab::state::hash::number;
use sae_lab::state::{Field, Params, Value, FIELDS};
use sae_lab::words::Word;

use crate::models::ModelArgs;

/// Trains the models of sae-lab natively (the sparse autoencoder and the rest of the family),
/// from the built-in images, PNG files or raw float frames, and writes the model file the
/// page's "Load model" accepts.
#[derive(Debug, Parser)]
#[command(name = "sae-train", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a network and write the model JSON and the filters as PNG.
    Train(TrainArgs),
    /// Measure a saved model on a set of patches: each cost term, mean activation, edges.
    Eval(EvalArgs),
}

/// `sae-train train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Minibatch steps to train (with --optimizer).
    #[arg(long, default_value_t = 20_000, conflicts_with = "lbfgs", help_heading = "Training")]
    pub steps: u64,
    /// Full-batch L-BFGS as in the UFLDL exercise instead of minibatches: a fixed set of
    /// --patches patches, --iters iterations, in f64 (--batch, --lr, --optimizer and --noise
    /// do not apply). The sparse autoencoder only.
    #[arg(long, help_heading = "Training")]
    pub lbfgs: bool,
    /// Patches in the L-BFGS training set.
    #[arg(long, default_value_t = 10_000, requires = "lbfgs", help_heading = "Training")]
    pub patches: usize,
    /// L-BFGS iterations.
    #[arg(long, default_value_t = 400, requires = "lbfgs", help_heading = "Training")]
    pub iters: usize,
    /// Also write the L-BFGS task (hyperparameters, starting θ and the training patches) as
    /// JSON, for another optimiser to solve the same problem (the benchmark's scipy row).
    #[arg(long, value_name = "FILE", requires = "lbfgs", help_heading = "Output")]
    pub write_task: Option<PathBuf>,
    /// Where to write the model (the JSON file the page loads).
    #[arg(long, value_name = "FILE", default_value = "sae-lab-model.json", help_heading = "Output")]
    pub out: PathBuf,
    /// Where to write the learned filters (one tile per unit) as a grid, as the page draws them.
    #[arg(long, value_name = "FILE", default_value = "sae-lab-filters.png", help_heading = "Output")]
    pub filters: PathBuf,
}

/// `sae-train eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A model file written by the page's "Save model" or by `sae-train train`.
    #[arg(value_name = "MODEL.json")]
    pub model: PathBuf,
    /// Without data options, the model's own dataset is used (its built-in set from
    /// --image-seed; a model trained on own pictures needs --png or --raw).
    #[command(flatten)]
    pub data: DataArgs,
    /// How many random patches to evaluate on.
    #[arg(long, default_value_t = 10_000)]
    pub patches: usize,
    /// Seed of the random patch positions.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the results as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also the self-taught-learning table on the handwritten digits (an 8×8 model): a softmax
    /// classifier on the model's codes against raw pixels and PCA, 1 000 digits to train, 797
    /// to test, as the page's "Features for a classifier" computes it; for a stacked model whose
    /// layer 2 has trained, its layer-2 codes and the stack fine-tuned with the classifier on top.
    #[arg(long)]
    pub classify: bool,
}

/// Where the pictures come from (shared by train and eval).
#[derive(Debug, Args)]
#[command(next_help_heading = "Data")]
pub struct DataArgs {
    /// A built-in set, generated from --image-seed (default: natural in train, the model's
    /// own set in eval): natural, photos, digits, bars, strokes or noise.
    #[arg(long, value_name = "SET", value_parser = parse_dataset, conflicts_with_all = ["png", "raw"])]
    pub data: Option<Dataset>,
    /// Seed of the built-in image.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub image_seed: u64,
    /// Your own pictures (any PNG: grey, colour, palette, 8 or 16 bits); each is turned grey
    /// and shrunk to at most 512 pixels a side, as in the page.
    #[arg(long, num_args = 1.., value_name = "FILE", conflicts_with = "raw")]
    pub png: Vec<PathBuf>,
    /// Raw little-endian 32-bit floats: --count frames of --width × --height, one after
    /// another, each row by row (pixel (x, y) of frame k is float number k·W·H + y·W + x).
    /// Used as given (already whitened, like UFLDL's IMAGES.mat) unless --whiten on.
    /// UFLDL's IMAGES.mat (512×512×10, column-major in MATLAB) exports to this layout with
    ///   python3 -c "import scipy.io; scipy.io.loadmat('IMAGES.mat')['IMAGES'].transpose(2, 0, 1).astype('<f4').tofile('IMAGES.f32')"
    /// and trains with --raw IMAGES.f32 --width 512 --height 512 --count 10.
    #[arg(long, value_name = "FILE", requires_all = ["width", "height", "count"], verbatim_doc_comment)]
    pub raw: Option<PathBuf>,
    /// Width of each raw frame in pixels.
    #[arg(long, value_name = "W", requires = "raw")]
    pub width: Option<usize>,
    /// Height of each raw frame in pixels.
    #[arg(long, value_name = "H", requires = "raw")]
    pub height: Option<usize>,
    /// Number of raw frames in the file.
    #[arg(long, value_name = "N", requires = "raw")]
    pub count: Option<usize>,
    /// Whiten the pictures first (Olshausen & Field). Applies to natural and own pictures;
    /// default on, except off for --raw (and, in eval, the model's own setting).
    #[arg(long, value_name = "on|off", value_parser = parse_switch)]
    pub whiten: Option<bool>,
}

/// Every setting of the page the native trainer reads: one option per entry of the page's
/// table ([`FIELDS`] entries marked `cli`), named as the page's control (`--optimizer`),
/// with the page's default, range and words. A setting added to the table appears here.
#[derive(Clone, Default)]
pub struct SettingsArgs {
    /// Each option's value (typed or default), in table order.
    values: Vec<(&'static Field, Given)>,
}

impl std::fmt::Debug for SettingsArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.values.iter().map(|(field, given)| (field.key, given))).finish()
    }
}

/// One option's parsed value.
#[derive(Clone, Copy, Debug)]
enum Given {
    Int(u64),
    Float(f64),
    /// The index into the field's words.
    Word(usize),
}

/// The fields that are options of `sae-train train`.
pub fn cli_fields() -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(|f| f.ui.cli)
}

/// The option of field `f`, defaulting to its value in `d`.
fn option(f: &'static Field, d: &Params) -> Arg {
    let arg = Arg::new(f.ui.name).long(f.ui.name);
    // clap keeps option texts for the whole run; leaking these few strings once is simplest
    let text = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    match f.value {
        Value::Int { min, max, get, .. } => arg
            .value_parser(clap::value_parser!(u64))
            .value_name("N")
            .help(format!("{} (whole number {min} to {max})", f.ui.help.trim_end_matches('.')))
            .default_value(text(get(d).to_string())),
        Value::Float { min, max, get, .. } => arg
            .value_parser(clap::value_parser!(f64))
            .value_name("X")
            .help(format!("{} ({min} to {max})", f.ui.help.trim_end_matches('.')))
            .default_value(text(number(get(d)))),
        Value::Word { words, get, .. } => arg
            .value_parser(PossibleValuesParser::new(words))
            .help(f.ui.help.trim_end_matches('.'))
            .default_value(words[get(d)]),
        Value::Names { .. } => unreachable!("no list setting is a command-line option"),
    }
}

impl Args for SettingsArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let d = Params::default();
        cmd.next_help_heading("Settings (as in the page)").args(cli_fields().map(|f| option(f, &d)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for SettingsArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let missing = || clap::Error::new(clap::error::ErrorKind::MissingRequiredArgument);
        let mut values = Vec::new();
        for f in cli_fields() {
            let name = f.ui.name;
            let given = match f.value {
                Value::Int { .. } => Given::Int(*m.get_one::<u64>(name).ok_or_else(missing)?),
                Value::Float { .. } => Given::Float(*m.get_one::<f64>(name).ok_or_else(missing)?),
                Value::Word { words, .. } => {
                    let w = m.get_one::<String>(name).ok_or_else(missing)?;
                    Given::Word(words.iter().position(|x| x == w).ok_or_else(missing)?)
                }
                Value::Names { .. } => continue,
            };
            values.push((f, given));
        }
        Ok(SettingsArgs { values })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl SettingsArgs {
    /// The page's settings with these values, checked against the page's ranges; the error
    /// names the first value out of range. The data fields are the page's defaults: set
    /// them once the pictures are loaded.
    pub fn params(&self) -> Result<Params, String> {
        let mut p = Params::default();
        for (f, given) in &self.values {
            match (f.value, *given) {
                (Value::Int { set, .. }, Given::Int(v)) => set(&mut p, v),
                (Value::Float { set, .. }, Given::Float(v)) => set(&mut p, v),
                (Value::Word { set, .. }, Given::Word(i)) => set(&mut p, i),
                _ => {}
            }
        }
        // the option names are the link keys or the controls' names, so the clause names
        // the option
        p.check().map_err(|e| format!("The setting {e} (see --help for the ranges)."))?;
        p.hyper().validate().map_err(|e| format!("The settings do not work together: {e}."))?;
        Ok(p)
    }
}

/// The built-in sets a command line can name (every dataset but the user's own pictures).
fn builtin_words() -> impl Iterator<Item = &'static str> {
    Dataset::WORDS.iter().copied().filter(|&w| w != Dataset::Own.word())
}

/// `--data WORD`.
fn parse_dataset(s: &str) -> Result<Dataset, String> {
    builtin_words()
        .find(|&w| w == s)
        .and_then(Dataset::from_word)
        .ok_or_else(|| format!("'{s}' is not a built-in set ({})", builtin_words().collect::<Vec<_>>().join(", ")))
}

/// `--whiten on|off`.
fn parse_switch(s: &str) -> Result<bool, String> {
    bool::from_word(s).ok_or_else(|| format!("'{s}' is neither on nor off"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn train(args: &[&str]) -> Result<TrainArgs, clap::Error> {
        let all = [&["sae-train", "train"], args].concat();
        Cli::try_parse_from(all).map(|c| match c.command {
            Command::Train(t) => t,
            Command::Eval(_) => unreachable!(),
        })
    }

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_are_the_pages() {
        let t = train(&[]).unwrap();
        let p = t.settings.params().unwrap();
        assert_eq!(p, Params::default());
        assert_eq!(p.output.word(), "sigmoid");
        assert_eq!((t.steps, t.lbfgs, t.data.image_seed), (20_000, false, 1));
    }

    #[test]
    fn every_option_is_a_field_of_the_pages_table() {
        let cmd = Cli::command();
        let sub = cmd.find_subcommand("train").unwrap();
        for f in cli_fields() {
            assert!(sub.get_arguments().any(|a| a.get_long() == Some(f.ui.name)), "--{}", f.ui.name);
        }
        assert!(sub.get_arguments().any(|a| a.get_long() == Some("optimizer")));
        let t = train_args(&["--penalty", "l1", "--data", "bars", "--whiten", "off"]);
        assert_eq!(t.settings.params().unwrap().penalty.word(), "l1");
        assert_eq!((t.data.data, t.data.whiten), (Some(Dataset::Bars), Some(false)));
        assert!(train(&["--penalty", "l2"]).is_err() && train(&["--data", "own"]).is_err());
    }

    fn train_args(args: &[&str]) -> TrainArgs {
        train(args).unwrap()
    }

    #[test]
    fn settings_are_read_and_range_checked_by_the_pages_table() {
        let t = train(&["--hidden", "100", "--rho", "0.05", "--optimizer", "sgd", "--output", "linear"]).unwrap();
        let p = t.settings.params().unwrap();
        assert_eq!((p.hidden, p.rho, p.optimizer.word(), p.output.word()), (100, 0.05, "sgd", "linear"));
        let e = train(&["--rho", "5"]).unwrap().settings.params().unwrap_err();
        assert!(e.contains("rho = 5 is above the largest allowed value 0.5"), "{e}");
        let e = train(&["--seed", "5000000000"]).unwrap().settings.params().unwrap_err();
        assert!(e.contains("seed"), "{e}");
    }

    #[test]
    fn conflicting_options_are_usage_errors() {
        assert!(train(&["--data", "bars", "--png", "a.png"]).is_err());
        assert!(train(&["--raw", "a.f32"]).is_err(), "raw needs width, height and count");
        assert!(train(&["--width", "4"]).is_err());
        assert!(train(&["--patches", "500"]).is_err(), "--patches belongs to --lbfgs");
        assert!(train(&["--lbfgs", "--steps", "5"]).is_err());
        assert!(train(&["--write-task", "t.json"]).is_err(), "--write-task belongs to --lbfgs");
        assert!(train(&["--lbfgs", "--patches", "500", "--iters", "30"]).is_ok());
    }
}
