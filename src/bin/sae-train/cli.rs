//! The command line: `sae-train train [options]` and `sae-train eval MODEL.json [options]`.
//! Every setting of the page is an option with the page's default (taken from
//! [`Params::default`], so the two cannot drift apart) and the page's range (checked by
//! [`Params::check`], the same table the link and the model file go through).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sae_lab::data::Dataset;
use sae_lab::model::{OptimizerKind, Output, Penalty};
use sae_lab::state::Params;

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
}

/// Where the pictures come from (shared by train and eval).
#[derive(Debug, Args)]
#[command(next_help_heading = "Data")]
pub struct DataArgs {
    /// A built-in set, generated from --image-seed (default: natural in train, the model's own set in eval).
    #[arg(long, value_enum, conflicts_with_all = ["png", "raw"])]
    pub data: Option<DataArg>,
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
    #[arg(long, value_enum)]
    pub whiten: Option<OnOff>,
}

/// Every setting of the page (defaults and ranges as in the page).
#[derive(Debug, Args)]
#[command(next_help_heading = "Settings (as in the page)")]
pub struct SettingsArgs {
    /// Hidden units.
    #[arg(long, default_value_t = Params::default().hidden)]
    pub hidden: usize,
    /// Patch side in pixels (inputs = patch²).
    #[arg(long, default_value_t = Params::default().patch)]
    pub patch: usize,
    /// Patches per minibatch step.
    #[arg(long, default_value_t = Params::default().batch)]
    pub batch: usize,
    /// Seed of the initial weights and the patch stream.
    #[arg(long, default_value_t = Params::default().seed)]
    pub seed: u64,
    /// Output activation.
    #[arg(long, value_enum, default_value_t = Params::default().output.into())]
    pub output: OutputArg,
    /// Update rule of the minibatch steps.
    #[arg(long, value_enum, default_value_t = Params::default().optimizer.into())]
    pub optimizer: OptimizerArg,
    /// Sparsity penalty.
    #[arg(long, value_enum, default_value_t = Params::default().penalty.into())]
    pub penalty: PenaltyArg,
    /// Sparsity target ρ (KL penalty).
    #[arg(long, default_value_t = Params::default().rho)]
    pub rho: f64,
    /// Weight β of the KL penalty.
    #[arg(long, default_value_t = Params::default().beta)]
    pub beta: f64,
    /// Weight of the L1 activation penalty.
    #[arg(long, default_value_t = Params::default().l1)]
    pub l1: f64,
    /// Weight decay λ.
    #[arg(long, default_value_t = Params::default().lambda)]
    pub lambda: f64,
    /// Learning rate (a model with an lr knob of its own takes --set KEY.lr instead).
    #[arg(long, default_value_t = Params::default().lr)]
    pub lr: f64,
    /// Standard deviation of Gaussian input noise (a denoising autoencoder); 0 = none.
    #[arg(long, default_value_t = Params::default().noise)]
    pub noise: f64,
}

impl SettingsArgs {
    /// The page's settings with these values, checked against the page's ranges; the error
    /// names the first value out of range. The data fields are the page's defaults: set
    /// them once the pictures are loaded.
    pub fn params(&self) -> Result<Params, String> {
        let p = Params {
            hidden: self.hidden,
            patch: self.patch,
            batch: self.batch,
            seed: self.seed,
            output: self.output.into(),
            optimizer: self.optimizer.into(),
            penalty: self.penalty.into(),
            rho: self.rho,
            beta: self.beta,
            l1: self.l1,
            lambda: self.lambda,
            lr: self.lr,
            noise: self.noise,
            ..Params::default()
        };
        // the option names are the link keys, so the clause names the option
        p.check().map_err(|e| format!("The setting {e} (see --help for the ranges)."))?;
        p.hyper().validate().map_err(|e| format!("The settings do not work together: {e}."))?;
        Ok(p)
    }
}

/// Defines a command-line enum mirroring a core enum, with conversions both ways.
macro_rules! mirror {
    ($(#[$doc:meta])* $name:ident => $core:ty { $($variant:ident),* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
        pub enum $name { $($variant),* }
        impl From<$name> for $core {
            fn from(v: $name) -> $core {
                match v { $($name::$variant => <$core>::$variant),* }
            }
        }
        impl From<$core> for $name {
            fn from(v: $core) -> $name {
                match v { $(<$core>::$variant => $name::$variant),* }
            }
        }
    };
}

mirror!(
    /// `--output`.
    OutputArg => Output { Sigmoid, Linear }
);
mirror!(
    /// `--optimizer`.
    OptimizerArg => OptimizerKind { Adam, Sgd }
);
mirror!(
    /// `--penalty`.
    PenaltyArg => Penalty { Kl, L1 }
);

/// `--data`: the built-in sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DataArg {
    /// Dead-leaves images with the statistics of photographs (UFLDL's experiment).
    Natural,
    /// Horizontal and vertical bars (Földiák).
    Bars,
    /// Handwriting-like pen strokes.
    Strokes,
    /// White noise (a control: no edges should form).
    Noise,
    /// The built-in photographs (scikit-image's public-domain and CC0 samples).
    Photos,
}

impl From<DataArg> for Dataset {
    fn from(d: DataArg) -> Dataset {
        match d {
            DataArg::Natural => Dataset::Natural,
            DataArg::Bars => Dataset::Bars,
            DataArg::Strokes => Dataset::Strokes,
            DataArg::Noise => Dataset::Noise,
            DataArg::Photos => Dataset::Photos,
        }
    }
}

/// `--whiten on|off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// The command-line word of a value ("sigmoid", "kl", "adam").
pub fn word<T: ValueEnum>(v: T) -> String {
    v.to_possible_value().map_or_else(String::new, |p| p.get_name().to_string())
}

impl From<OnOff> for bool {
    fn from(v: OnOff) -> bool {
        v == OnOff::On
    }
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
        assert_eq!(word(OutputArg::from(p.output)), "sigmoid");
        assert_eq!((t.steps, t.lbfgs, t.data.image_seed), (20_000, false, 1));
    }

    #[test]
    fn settings_are_read_and_range_checked_by_the_pages_table() {
        let t = train(&["--hidden", "100", "--rho", "0.05", "--optimizer", "sgd", "--output", "linear"]).unwrap();
        let p = t.settings.params().unwrap();
        assert_eq!((p.hidden, p.rho, p.optimizer, p.output), (100, 0.05, OptimizerKind::Sgd, Output::Linear));
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
        assert!(train(&["--lbfgs", "--patches", "500", "--iters", "30"]).is_ok());
    }
}
