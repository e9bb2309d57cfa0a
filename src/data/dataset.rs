//! Which pictures the network learns from: the built-in sets, each made from a seed, or
//! the user's own.

use super::bars::bars;
use super::dead_leaves::dead_leaves;
use super::digits::digit_split;
use super::image::Image;
use super::noise::white_noise;
use super::photos::{held_out_photograph, training_photographs};
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
    /// Real photographs built in (scikit-image's public-domain and CC0 samples).
    Photos,
    /// The 8×8 handwritten digits (UCI, via scikit-learn): whole digits as patches.
    Digits,
}

impl Dataset {
    /// Every dataset, in the order of their words in links (new ones are appended, so the
    /// words never move).
    pub const ALL: [Dataset; 7] = [
        Dataset::Natural,
        Dataset::Bars,
        Dataset::Strokes,
        Dataset::Noise,
        Dataset::Own,
        Dataset::Photos,
        Dataset::Digits,
    ];

    /// Every dataset, in the order the page lists them: the two kinds of natural image first,
    /// the photographs (the default) before the synthetic dead leaves.
    pub const MENU: [Dataset; 7] = [
        Dataset::Photos,
        Dataset::Natural,
        Dataset::Digits,
        Dataset::Bars,
        Dataset::Strokes,
        Dataset::Noise,
        Dataset::Own,
    ];

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
            Dataset::Photos => {
                "Seven real photographs from scikit-image's sample data, in grey: the camera man (CC0, Lav \
                 Varshney), the astronaut Eileen Collins (public domain, NASA), a brick wall (CC0, CC0Textures), \
                 grass (CC0, linolafett), Chelsea the cat (CC0, Stéfan van der Walt), a Falcon 9 launch (public \
                 domain, SpaceX); the coffee cup (CC0, Rachel Michetti) is held out. Edges form, longer than \
                 on dead leaves."
            }
            Dataset::Digits => {
                "1 797 handwritten digits of 8×8 pixels (UCI's optical digits, E. Alpaydin and C. Kaynak 1998, \
                 CC BY 4.0, as scikit-learn ships them), each digit whole as one patch and not whitened: units \
                 learn strokes and parts of digits. 1 000 train, 797 are kept to test a classifier on the codes."
            }
        }
    }

    /// Whether the whitening setting applies: it flattens the 1/f spectrum of photographs;
    /// the synthetic sets are used as drawn (whitening bars or strokes would only add ringing,
    /// and white noise is already white).
    pub fn whitens(self) -> bool {
        matches!(self, Dataset::Natural | Dataset::Own | Dataset::Photos)
    }

    /// The images of a built-in set for `seed`, standardised (mean 0, std 1) and whitened if
    /// `whiten` is set and the set is a photograph; `None` for [`Dataset::Own`], whose
    /// pictures come from the user (see [`prepare`]). The photographs are the same for
    /// every seed.
    pub fn builtin(self, seed: u64, whiten: bool) -> Option<Vec<Image>> {
        let size = NATURAL_IMAGE_SIZE;
        let img = match self {
            Dataset::Natural => dead_leaves(size, seed),
            Dataset::Bars => bars(size, seed),
            Dataset::Strokes => strokes(size, seed),
            Dataset::Noise => white_noise(size, seed),
            Dataset::Photos => return Some(prepare(&training_photographs(), whiten)),
            // ink 1 on paper 0, as drawn: a patch is a whole digit, and the sampler removes its mean
            Dataset::Digits => return Some(digit_split().0.images),
            Dataset::Own => return None,
        };
        Some(prepare(&[img], whiten && self.whitens()))
    }

    /// Pictures never trained on, for the held-out cost: a generated set made from another
    /// `seed`, or the photograph kept out of training.
    pub fn held_out(self, seed: u64, whiten: bool) -> Option<Vec<Image>> {
        match self {
            Dataset::Photos => Some(prepare(&held_out_photograph(), whiten)),
            Dataset::Digits => Some(digit_split().1.images),
            _ => self.builtin(seed, whiten),
        }
    }
}

/// Greyscale pictures ready for the patch sampler: each whitened, or just standardised
/// (mean 0, std 1, so toggling whitening changes the spectrum and not the contrast).
pub fn prepare(images: &[Image], whitened: bool) -> Vec<Image> {
    images.iter().map(|img| if whitened { whiten(img) } else { img.standardized() }).collect()
}

impl Word for Dataset {
    const ALL: &'static [Self] = &Dataset::ALL;
    const WORDS: &'static [&'static str] = &["natural", "bars", "strokes", "noise", "own", "photos", "digits"];
    const LABELS: &'static [&'static str] = &[
        "dead leaves (synthetic)",
        "bars (Földiák)",
        "pen strokes",
        "white noise (control)",
        "your pictures (upload first)",
        "photographs",
        "handwritten digits (8×8)",
    ];
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
        let mut menu = Dataset::MENU.to_vec();
        menu.sort_by_key(|d| *d as usize);
        assert_eq!(menu, Dataset::ALL);
        // old links keep their words; new sets are appended
        assert_eq!(Dataset::ALL.map(Dataset::key)[..5], ["natural", "bars", "strokes", "noise", "own"]);
    }

    #[test]
    fn photographs_are_whitened_credited_and_held_out_apart() {
        let train = Dataset::Photos.builtin(1, true).unwrap();
        assert_eq!(train, Dataset::Photos.builtin(9, true).unwrap(), "the same for every seed");
        assert_eq!(train.len(), 6);
        for img in &train {
            assert!(img.mean().abs() < 1e-3 && (img.std() - 1.0).abs() < 1e-3);
        }
        assert_ne!(train, Dataset::Photos.builtin(1, false).unwrap());
        let held = Dataset::Photos.held_out(7, true).unwrap();
        assert_eq!(held.len(), 1);
        assert!(train.iter().all(|t| t != &held[0]));
        assert_eq!(Dataset::Natural.held_out(7, true), Dataset::Natural.builtin(7, true));
        let text = Dataset::Photos.what_it_shows();
        for c in super::super::photos::CREDITS {
            assert!(text.contains(c.licence.split(" (").next().unwrap()), "{}", c.licence);
        }
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
