//! What learned features are for: self-taught learning on the digits. A softmax classifier
//! ([`super::softmax`]) is trained on the 1 000 training digits and tested on the other 797,
//! on three kinds of input of the same pictures: the raw pixels, their PCA codes with as many
//! components as the model has units, and the model's codes. The digits are normalised as the
//! sampler normalises every patch (its σ), so the model sees them as it saw them in training.

use nalgebra::DMatrix;

use super::pca::principal_components;
use super::softmax::Softmax;
use crate::data::{digit_split, normalize_patches, Digits};
use crate::model::{Ctx, Model};

/// Digit classes.
pub const CLASSES: usize = 10;

/// One row of the accuracy table.
#[derive(Clone, Debug, PartialEq)]
pub struct Accuracy {
    /// What the classifier read ("raw pixels", "PCA", or the model's name).
    pub input: String,
    /// How many numbers per digit.
    pub dims: usize,
    /// Share of the 797 test digits classified right.
    pub test: f64,
    /// Share of the training digits classified right.
    pub train: f64,
}

/// The normalised digits of the fixed split as patch matrices (64×m each), with their labels.
#[derive(Clone, Debug)]
pub struct DigitPatches {
    /// Training digits (64×1000) and their classes.
    pub train: DMatrix<f32>,
    pub train_labels: Vec<u8>,
    /// Test digits (64×797) and their classes.
    pub test: DMatrix<f32>,
    pub test_labels: Vec<u8>,
}

impl DigitPatches {
    /// The split, normalised with the sampler's `sigma`.
    pub fn new(sigma: f32) -> DigitPatches {
        let (train, test) = digit_split();
        let as_patches = |d: &Digits| {
            let n = d.images.first().map_or(0, |i| i.pixels.len());
            let mut m = DMatrix::from_fn(n, d.images.len(), |i, j| d.images[j].pixels[i]);
            normalize_patches(&mut m, sigma);
            m
        };
        DigitPatches {
            train: as_patches(&train),
            train_labels: train.labels,
            test: as_patches(&test),
            test_labels: test.labels,
        }
    }

    /// A classifier fitted to `train_features` (d×1000) and its row of the table, tested on
    /// `test_features`.
    pub fn score(&self, input: &str, train_features: &DMatrix<f32>, test_features: &DMatrix<f32>) -> Accuracy {
        let s = Softmax::new(train_features, &self.train_labels, CLASSES).fit();
        Accuracy {
            input: input.to_string(),
            dims: train_features.nrows(),
            test: s.accuracy(test_features, &self.test_labels),
            train: s.accuracy(train_features, &self.train_labels),
        }
    }

    /// The raw pixels' row.
    pub fn raw(&self) -> Accuracy {
        self.score("raw pixels", &self.train, &self.test)
    }

    /// The row of the `k` leading principal components (of the training digits).
    pub fn pca(&self, k: usize) -> Accuracy {
        let (pcs, _) = principal_components(&self.train, k);
        let project = |x: &DMatrix<f32>| &pcs * x;
        self.score(&format!("PCA, {} components", pcs.nrows()), &project(&self.train), &project(&self.test))
    }

    /// The codes of `model` (named `name`) as features.
    pub fn codes(&self, name: &str, model: &mut dyn Model<f32>, ctx: &Ctx) -> Accuracy {
        let encode = |model: &mut dyn Model<f32>, x: &DMatrix<f32>| {
            let mut codes = DMatrix::zeros(model.hidden(), x.ncols());
            model.encode(x, ctx, &mut codes);
            codes
        };
        let (train, test) = (encode(model, &self.train), encode(model, &self.test));
        self.score(&format!("{name} codes"), &train, &test)
    }
}
