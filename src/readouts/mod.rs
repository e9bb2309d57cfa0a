//! Readouts: numbers and pictures that say what the network has learned, computed from the
//! trainer's public state (its latest batch, its weights, its patch sampler). Pure, like
//! [`crate::model`]: the page calls them a few times per second, never per training step.
//!
//! - [`code_stats`]: how sparse the code is (ρ̂, firing rates, dead units, L0) and how much
//!   of the patches' variance the reconstruction explains, over a window of recent batches.
//! - [`pca`]: principal components of a batch of patches, the non-sparse baseline.
//! - [`image_recon`]: a whole image cut into patches, reconstructed, with a per-patch error map.
//! - [`conv_image`]: a convolutional model's kernels over the whole image at once: no seams,
//!   a per-pixel error map, its feature maps, and the seams tile by tile beside it.
//! - [`top_patches`]: for each hidden unit, the recent patches that excite it most.
//! - [`bars`]: the same for the bars dataset: units that pick out a single bar.
//! - [`verdict`]: "edges formed?" in a sentence, from [`crate::model::edges`].
//! - [`csv`]: the loss history (and a held-out series) as CSV for download.
//! - [`held_out`]: the cost on a fixed set of patches that training never updates on.
//! - [`features`] and [`softmax`]: what codes are for, a digit classifier on them against raw
//!   pixels and PCA (self-taught learning).
//! - [`finetune`]: the stacked autoencoder and that classifier as one network, fine-tuned on
//!   the labels (UFLDL's stacked-autoencoder exercise). Here rather than beside the model: it
//!   is a classifier read off a trained model, which it copies and never changes.
//! - [`latent`]: a VAE's latent plane (decodings over a grid, prior samples) and where pictures land.
//! - [`test_image`]: the whole-image panel's picture with paint, a pasted object and noise.

pub mod bars;
pub mod code_kind;
pub mod code_stats;
pub mod conv_image;
pub mod csv;
pub mod features;
pub mod finetune;
pub mod held_out;
pub mod image_recon;
pub mod latent;
pub mod pca;
pub mod softmax;
pub mod test_image;
pub mod top_patches;
pub mod verdict;

pub use bars::{bar_match, bar_verdict, BAR_MATCH_MIN};
pub use code_stats::{firing_histogram, unit_status, CodeStats, CodeTracker, UnitStatus, ACTIVE_THRESHOLD};
pub use conv_image::{conv_whole, reconstruct_whole, seam_and_inside, ConvWhole, FeatureMaps};
pub use csv::{history_csv, CsvLane};
pub use held_out::HeldOut;
pub use image_recon::{noise_passed, reconstruct_image, reconstruct_noisy, ImageRecon};
pub use pca::principal_components;
pub use test_image::TestImage;
pub use top_patches::TopPatches;
pub use verdict::{edge_verdict, EdgeVerdict, EdgeWatch, RunFacts, VerdictLevel};
