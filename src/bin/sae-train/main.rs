//! `sae-train`: the page's trainer without the browser. It trains any model of the family
//! (`--model`, with its knobs as `--set`) from the built-in images, PNG files or raw f32
//! frames with every setting of the page, or the sparse autoencoder with full-batch L-BFGS
//! as in the UFLDL exercise, and writes the model file the page loads plus the filters as
//! PNG; `sae-train eval` measures a saved model of any kind.
//!
//! - [`cli`]: the options (the page's settings, defaults and ranges).
//! - [`models`]: `--model` and `--set`, and their help, from the model registry.
//! - [`input`]: built-in sets, PNG files, raw f32 frames.
//! - [`minibatch`]: Adam/SGD steps with the page's `Trainer`.
//! - [`full_batch`] and [`lbfgs`]: the UFLDL exercise's L-BFGS on a fixed set of patches.
//! - [`progress`]: a bar on a terminal, plain lines otherwise.
//! - [`output`]: the model JSON and the filter PNG.
//! - [`train`], [`eval`]: the two subcommands.
//!
//! Exit codes: 0 done, 1 training diverged (the last finite model is still written), 2 a
//! usage or input error (one sentence on stderr, nothing written).
//!
//! Native only: on wasm32 (the page's build) this binary is an empty stub, because
//! `wasm-pack test` builds every binary target along with the integration tests.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod eval;
#[cfg(not(target_arch = "wasm32"))]
mod full_batch;
#[cfg(not(target_arch = "wasm32"))]
mod input;
#[cfg(not(target_arch = "wasm32"))]
mod lbfgs;
#[cfg(not(target_arch = "wasm32"))]
mod minibatch;
#[cfg(not(target_arch = "wasm32"))]
mod models;
#[cfg(not(target_arch = "wasm32"))]
mod output;
#[cfg(not(target_arch = "wasm32"))]
mod progress;
#[cfg(not(target_arch = "wasm32"))]
mod train;

/// Why the program stops without success: the exit code and one sentence for stderr.
#[derive(Debug)]
pub struct Failure {
    /// 1 for a diverged run, 2 for a usage or input error.
    pub code: u8,
    /// What went wrong, as a sentence.
    pub message: String,
}

impl Failure {
    /// A usage or input error (exit code 2).
    pub fn input(message: impl Into<String>) -> Self {
        Failure { code: 2, message: message.into() }
    }

    /// Training diverged (exit code 1).
    pub fn diverged(message: impl Into<String>) -> Self {
        Failure { code: 1, message: message.into() }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::input(message)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let cli = models::parse();
    let result = match cli.command {
        cli::Command::Train(args) => train::run(args),
        cli::Command::Eval(args) => eval::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            std::process::ExitCode::from(f.code)
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
