//! The built-in photographs: seven real scenes from scikit-image's sample data, each public
//! domain or CC0, grey, about 256 pixels a side, decoded from `assets/photos.dct` (see
//! `scripts/photos.py` for how that file is made from the scikit-image wheel, and
//! [`super::dct`] for its format). Six are trained on; the seventh gives the held-out patches.

use super::dct::decode;
use super::image::Image;

/// The file, built into the page and the native trainer (57 KB of the wasm after gzip -9).
const FILE: &[u8] = include_bytes!("../../assets/photos.dct");

/// A photograph's name in the file, what it shows and its licence, as scikit-image's
/// `skimage/data/_fetchers.py` states it.
pub struct Credit {
    /// Its name in the file and in scikit-image (`skimage.data.<name>`).
    pub name: &'static str,
    /// What it shows.
    pub what: &'static str,
    /// Its licence and author.
    pub licence: &'static str,
}

/// Every photograph in the file, in its order; the last is the held-out one.
pub const CREDITS: [Credit; 7] = [
    Credit { name: "camera", what: "a man with a camera on a tripod", licence: "CC0, Lav Varshney" },
    Credit { name: "astronaut", what: "the astronaut Eileen Collins", licence: "public domain, NASA" },
    Credit { name: "brick", what: "a brick wall", licence: "CC0, CC0Textures" },
    Credit { name: "grass", what: "grass", licence: "CC0, linolafett (DeviantArt)" },
    Credit { name: "chelsea", what: "Chelsea the cat", licence: "CC0, Stéfan van der Walt" },
    Credit { name: "rocket", what: "a Falcon 9 launch", licence: "public domain, SpaceX" },
    Credit { name: "coffee", what: "a cup of coffee", licence: "CC0, Rachel Michetti" },
];

/// The photographs, grey values in about [0, 1] (not whitened), in [`CREDITS`] order.
/// Decoding all seven takes a few milliseconds.
pub fn photographs() -> Vec<Image> {
    let named = decode(FILE).expect("the built-in photographs' file decodes (tested)");
    CREDITS
        .iter()
        .map(|c| {
            let (_, img) = named.iter().find(|(n, _)| n == c.name).expect("every credited photograph is in the file");
            img.clone()
        })
        .collect()
}

/// The six photographs training uses.
pub fn training_photographs() -> Vec<Image> {
    let mut all = photographs();
    all.pop();
    all
}

/// The held-out photograph (the coffee cup), never trained on.
pub fn held_out_photograph() -> Vec<Image> {
    vec![photographs().pop().expect("there are photographs")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_holds_exactly_the_credited_photographs_at_their_sizes() {
        let named = decode(FILE).unwrap();
        let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
        let mut credited: Vec<&str> = CREDITS.iter().map(|c| c.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        credited.sort();
        assert_eq!(sorted, credited);
        for (name, img) in &named {
            assert_eq!(img.height, 256, "{name}");
            assert!(img.width == 256 || img.width == 320, "{name}: {}", img.width);
            assert!(img.std() > 0.05, "{name}");
        }
        // the decoded means scripts/photos.py printed for its own reconstruction, in grey levels
        let means: [(&str, f64); 7] = [
            ("camera", 129.0620),
            ("astronaut", 115.4219),
            ("brick", 111.4424),
            ("grass", 118.2197),
            ("chelsea", 118.3066),
            ("coffee", 100.3477),
            ("rocket", 64.2598),
        ];
        for (name, mean) in means {
            let (_, img) = named.iter().find(|(n, _)| n == name).unwrap();
            let got = img.mean() as f64 * 255.0;
            assert!((got - mean).abs() < 2e-3, "{name}: {got} vs {mean}");
        }
        assert_eq!(training_photographs().len(), 6);
        assert_eq!(held_out_photograph()[0], photographs()[6]);
    }
}
