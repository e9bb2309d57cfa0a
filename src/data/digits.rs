//! The handwritten digits: the 1 797 8×8 images of the test set of UCI's "Optical Recognition
//! of Handwritten Digits" (E. Alpaydin and C. Kaynak, 1998; UCI Machine Learning Repository,
//! CC BY 4.0), as scikit-learn ships them (`assets/digits.bin`, made by `scripts/digits.py`).
//!
//! Each pixel counts the set pixels of a 4×4 block of a 32×32 bitmap (0..16). A digit is a
//! whole 8×8 picture, so an 8×8 patch of it is the digit itself: the sampler's one position
//! per picture. The split is fixed, the first [`TRAIN`] digits to learn from and the rest to
//! test on, so every model's classifier accuracy is measured on the same 797 digits.

use super::image::Image;

/// The asset: per digit one byte for its class, then its 64 pixels row by row.
const RAW: &[u8] = include_bytes!("../../assets/digits.bin");
/// Bytes per digit in [`RAW`].
const RECORD: usize = 65;
/// Side of a digit in pixels.
pub const DIGIT_SIDE: usize = 8;
/// Digits in the training part of the split; the rest are the test part.
pub const TRAIN: usize = 1000;
/// The largest pixel value (a 4×4 block fully set).
const FULL: f32 = 16.0;

/// Digits with their classes (0..9).
#[derive(Clone, Debug, PartialEq)]
pub struct Digits {
    /// Each an 8×8 picture, ink 1, paper 0.
    pub images: Vec<Image>,
    /// The digit each picture shows.
    pub labels: Vec<u8>,
}

/// All 1 797 digits, in the file's order.
pub fn all_digits() -> Digits {
    let (images, labels) = RAW
        .chunks_exact(RECORD)
        .map(|r| {
            let pixels = r[1..].iter().map(|&v| v as f32 / FULL).collect();
            (Image { width: DIGIT_SIDE, height: DIGIT_SIDE, pixels }, r[0])
        })
        .unzip();
    Digits { images, labels }
}

/// The fixed split: (the first [`TRAIN`] digits, the other 797).
pub fn digit_split() -> (Digits, Digits) {
    let mut all = all_digits();
    let test = Digits { images: all.images.split_off(TRAIN), labels: all.labels.split_off(TRAIN) };
    (all, test)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digits_load_whole_with_every_class() {
        let d = all_digits();
        assert_eq!((d.images.len(), d.labels.len()), (1797, 1797));
        assert!(d.images.iter().all(|i| i.width == 8 && i.height == 8));
        assert!(d.images.iter().flat_map(|i| &i.pixels).all(|&v| (0.0..=1.0).contains(&v)));
        let mut per_class = [0usize; 10];
        d.labels.iter().for_each(|&l| per_class[l as usize] += 1);
        assert!(per_class.iter().all(|&n| (170..=190).contains(&n)), "{per_class:?}");
        // the first digit of scikit-learn's copy is a 0: a ring of ink around an empty middle
        assert_eq!(d.labels[..4], [0, 1, 2, 3]);
        assert!(d.images[0].get(4, 4) < 0.1 && d.images[0].get(3, 1) > 0.5);
        let (train, test) = digit_split();
        assert_eq!((train.images.len(), test.images.len()), (1000, 797));
        assert_eq!(test.images[0], d.images[1000]);
    }
}
