//! Which pictures the network learns from: the built-in sets, each made from a seed, or
//! the user's own.

use super::bars::bars;
use super::dead_leaves::dead_leaves;
use super::image::Image;
use super::noise::white_noise;
use super::strokes::strokes;
use super::whiten::whiten;
use super::NATURAL_IMAGE_SIZE;
use crate::words::Word;

/// A training set. Every built-in one is a single 512×512 image generated from a seed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dataset {
    /// Dead-leaves "natural" images: the UFLDL experiment; sparse codes learn edges.
    #[default]
    Natural,
    /// Földiák's horizontal and vertical bars: a sparse code finds single bars.
    Bars,
    /// Handwriting-like pen strokes: stroke fragments.
    Strokes,
    /// White noise: no structure, so no edges (a control).
    Noise,
    /// Pictures the user uploaded (or gave the native trainer).
    Own,
}

impl Dataset {
    /// Every dataset, in the order the page lists them.
    pub const ALL: [Dataset; 5] = [Dataset::Natural, Dataset::Bars, Dataset::Strokes, Dataset::Noise, Dataset::Own];

    /// Its name in links, files and on the command line.
    pub fn key(self) -> &'static str {
        self.word()
    }

    /// The dataset named `key`, if any.
    pub fn from_key(key: &str) -> Option<Dataset> {
        Dataset::from_word(key)
    }

    /// What to expect from it, in a sentence for the page.
    pub fn what_it_shows(self) -> &'static str {
        match self {
            Dataset::Natural => {
                "Dead-leaves images with the statistics of photographs: a sparse code learns localized, oriented edges."
            }
            Dataset::Bars => {
                "Random horizontal and vertical bars (Földiák 1990): each unit should pick out one single bar."
            }
            Dataset::Strokes => {
                "Pen strokes like handwriting: units learn stroke pieces at every angle, ends and bends."
            }
            Dataset::Noise => {
                "White noise has no structure, so no filter explains it better than another: no edges should \
                 form. A control."
            }
            Dataset::Own => "Your own pictures, in grey, cut into random patches.",
        }
    }

    /// Whether the whitening setting applies: it flattens the 1/f spectrum of photographs;
    /// the synthetic sets are used as drawn (whitening bars or strokes would only add ringing,
    /// and white noise is already white).
    pub fn whitens(self) -> bool {
        matches!(self, Dataset::Natural | Dataset::Own)
    }

    /// The images of a built-in set for `seed`, standardised (mean 0, std 1) and whitened if
    /// `whiten` is set and the set is a photograph; `None` for [`Dataset::Own`], whose
    /// pictures come from the user (see [`prepare`]).
    pub fn builtin(self, seed: u64, whiten: bool) -> Option<Vec<Image>> {
        let size = NATURAL_IMAGE_SIZE;
        let img = match self {
            Dataset::Natural => dead_leaves(size, seed),
            Dataset::Bars => bars(size, seed),
            Dataset::Strokes => strokes(size, seed),
            Dataset::Noise => white_noise(size, seed),
            Dataset::Own => return None,
        };
        Some(prepare(&[img], whiten && self.whitens()))
    }
}

/// Greyscale pictures ready for the patch sampler: each whitened, or just standardised
/// (mean 0, std 1, so toggling whitening changes the spectrum and not the contrast).
pub fn prepare(images: &[Image], whitened: bool) -> Vec<Image> {
    images.iter().map(|img| if whitened { whiten(img) } else { img.standardized() }).collect()
}

impl Word for Dataset {
    const ALL: &'static [Self] = &Dataset::ALL;
    const WORDS: &'static [&'static str] = &["natural", "bars", "strokes", "noise", "own"];
    const LABELS: &'static [&'static str] =
        &["natural images", "bars (Földiák)", "pen strokes", "white noise (control)", "your pictures (upload first)"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_own_is_not_builtin() {
        for d in Dataset::ALL {
            assert_eq!(Dataset::from_key(d.key()), Some(d));
        }
        assert_eq!(Dataset::from_key("mnist"), None);
        assert!(Dataset::Own.builtin(1, true).is_none());
    }

    #[test]
    fn builtin_sets_are_standardised_and_whitening_applies_to_photographs_only() {
        for d in [Dataset::Natural, Dataset::Bars, Dataset::Strokes, Dataset::Noise] {
            let imgs = d.builtin(3, true).unwrap();
            assert_eq!(imgs.len(), 1);
            let img = &imgs[0];
            assert_eq!((img.width, img.height), (NATURAL_IMAGE_SIZE, NATURAL_IMAGE_SIZE));
            assert!(img.mean().abs() < 1e-3 && (img.std() - 1.0).abs() < 1e-3, "{d:?}");
            assert_eq!(d.builtin(3, false).unwrap() != imgs, d.whitens(), "{d:?}");
        }
    }
}
