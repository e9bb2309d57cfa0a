//! What learned features are for: self-taught learning on the digits. A softmax classifier
//! ([`super::softmax`]) is trained on the 1 000 training digits and tested on the other 797,
//! on three kinds of input of the same pictures: the raw pixels, their PCA codes with as many
//! components as the model has units, and the model's codes. A stacked autoencoder whose layer 2
//! has trained gets one row more: the whole network fine-tuned with the classifier on top
//! ([`super::finetune`]), from its layer-2 codes' classifier. The digits are normalised as the
//! sampler normalises every patch (its σ), so the model sees them as it saw them in training.

use nalgebra::DMatrix;

use super::finetune::{Encoder, FineTune};
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

/// What one classifier reads: the features of the training and of the test digits.
#[derive(Clone, Debug)]
pub struct Features {
    /// Its row's name ("raw pixels", "PCA, 25 components", "Sparse autoencoder codes").
    pub input: String,
    /// d×1000 and d×797.
    pub train: DMatrix<f32>,
    pub test: DMatrix<f32>,
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

    /// A classifier fitted to `f`'s training features, and its row of the table.
    pub fn score(&self, f: &Features) -> Accuracy {
        self.row(f, &self.classifier(f).fit())
    }

    /// A classifier for `f`'s training features, not fitted yet (the page fits it a few
    /// iterations per frame).
    pub fn classifier(&self, f: &Features) -> Softmax {
        Softmax::new(&f.train, &self.train_labels, CLASSES)
    }

    /// The row of `f` with the fitted classifier `fit`.
    pub fn row(&self, f: &Features, fit: &Softmax) -> Accuracy {
        Accuracy {
            input: f.input.clone(),
            dims: f.train.nrows(),
            test: fit.accuracy(&f.test, &self.test_labels),
            train: fit.accuracy(&f.train, &self.train_labels),
        }
    }

    /// The raw pixels.
    pub fn raw(&self) -> Features {
        Features { input: "raw pixels".into(), train: self.train.clone(), test: self.test.clone() }
    }

    /// The `k` leading principal components (of the training digits).
    pub fn pca(&self, k: usize) -> Features {
        let (pcs, _) = principal_components(&self.train, k);
        Features {
            input: format!("PCA, {} components", pcs.nrows()),
            train: &pcs * &self.train,
            test: &pcs * &self.test,
        }
    }

    /// The codes of `model` (named `name`); a fine-tunable stack's are its layer 2's.
    pub fn codes(&self, name: &str, model: &mut dyn Model<f32>, ctx: &Ctx) -> Features {
        let input = match Encoder::of(model) {
            Some(_) => format!("{name} layer-2 codes (before fine-tune)"),
            None => format!("{name} codes"),
        };
        let mut encode = |x: &DMatrix<f32>| {
            let mut codes = DMatrix::zeros(model.hidden(), x.ncols());
            model.encode(x, ctx, &mut codes);
            codes
        };
        let (train, test) = (encode(&self.train), encode(&self.test));
        Features { input, train, test }
    }

    /// The network of `encoder` with `before`, the classifier fitted to its codes, on top, not
    /// fine-tuned yet (the page fine-tunes it a slice per frame).
    pub fn fine_tune(&self, encoder: &Encoder, before: &Softmax) -> FineTune {
        FineTune::new(encoder, before, &self.train, &self.train_labels)
    }

    /// The row of the fine-tuned network `tuned` of the model named `name`.
    pub fn tuned_row(&self, name: &str, tuned: &FineTune) -> Accuracy {
        Accuracy {
            input: format!("{name} fine-tuned with the classifier"),
            dims: tuned.hidden(),
            test: tuned.accuracy(&self.test, &self.test_labels),
            train: tuned.accuracy(&self.train, &self.train_labels),
        }
    }

    /// The whole table for `model`: raw pixels, PCA with as many components as it has units,
    /// its codes, and for a stack whose layer 2 has trained, the stack fine-tuned.
    pub fn table(&self, name: &str, model: &mut dyn Model<f32>, ctx: &Ctx) -> Vec<Accuracy> {
        let h = model.hidden();
        let mut rows: Vec<Accuracy> = [self.raw(), self.pca(h)].iter().map(|f| self.score(f)).collect();
        let codes = self.codes(name, model, ctx);
        let before = self.classifier(&codes).fit();
        rows.push(self.row(&codes, &before));
        if let Some(encoder) = Encoder::of(model) {
            rows.push(self.tuned_row(name, &self.fine_tune(&encoder, &before).fit()));
        }
        rows
    }
}
