//! The user's own pictures: RGBA pixels from the browser's decoder (or a PNG file) turned
//! into a greyscale [`Image`] of a size the page can train on.
//!
//! Large photos are shrunk by block averaging, which also removes the sensor noise and JPEG
//! blocking a 8×8 patch would otherwise be dominated by; tiny and flat pictures are refused
//! with a sentence saying why.

use super::image::Image;

/// Longest side kept; larger images are shrunk to fit (a 512² image has 250 000 patch positions).
pub const MAX_SIDE: usize = 512;
/// Shortest side accepted, after shrinking: smaller pictures hold too few distinct patches.
pub const MIN_SIDE: usize = 32;
/// Largest decoded image accepted, in pixels (a 100-megapixel photo is 400 MB of RGBA).
pub const MAX_PIXELS: u64 = 100_000_000;

/// The block size that brings `width` × `height` within [`MAX_SIDE`]: 1 for images that fit.
pub fn shrink_factor(width: usize, height: usize) -> usize {
    width.max(height).div_ceil(MAX_SIDE).max(1)
}

/// The size `name` (`width` × `height`) will be trained at, or why it cannot be: no
/// pixels, more than [`MAX_PIXELS`], or under [`MIN_SIDE`] on a side after shrinking.
/// The page calls this before decoding to full RGBA, so a huge photo is drawn straight at
/// the fitted size.
pub fn fit(name: &str, width: usize, height: usize) -> Result<(usize, usize), String> {
    if width == 0 || height == 0 {
        return Err(format!("“{name}” has no pixels ({width}×{height})."));
    }
    if (width as u64).saturating_mul(height as u64) > MAX_PIXELS {
        return Err(format!(
            "“{name}” is {width}×{height} pixels, more than the {} megapixels the page accepts.",
            MAX_PIXELS / 1_000_000
        ));
    }
    let k = shrink_factor(width, height);
    let (w, h) = (width / k, height / k);
    if w < MIN_SIDE || h < MIN_SIDE {
        let shrunk = if k > 1 { format!(" after shrinking to {w}×{h}") } else { String::new() };
        return Err(format!(
            "“{name}” is {width}×{height} pixels{shrunk}; images need at least {MIN_SIDE} pixels on each side."
        ));
    }
    Ok((w, h))
}

/// A greyscale image from row-major RGBA bytes (`width` × `height` × 4), shrunk to fit
/// [`MAX_SIDE`]. Grey is Rec. 601 luma of the colour composited over white, in [0, 1].
///
/// `name` is only used in the error, which says what is wrong: a size [`fit`] refuses, a
/// byte count that does not match the size, or a single flat colour.
pub fn image_from_rgba(name: &str, width: usize, height: usize, rgba: &[u8]) -> Result<Image, String> {
    let (w, h) = fit(name, width, height)?;
    let k = shrink_factor(width, height);
    if rgba.len() as u64 != width as u64 * height as u64 * 4 {
        return Err(format!(
            "“{name}” should hold {} bytes of RGBA for {width}×{height} pixels but holds {}.",
            width * height * 4,
            rgba.len()
        ));
    }
    let luma = |i: usize| {
        let px = &rgba[4 * i..4 * i + 4];
        let a = px[3] as f32 / 255.0;
        let grey = (0.299 * px[0] as f32 + 0.587 * px[1] as f32 + 0.114 * px[2] as f32) / 255.0;
        // transparent parts show the page's white, as the picture looks in a viewer
        grey * a + (1.0 - a)
    };
    let mut pixels = vec![0.0f32; w * h];
    let inv = 1.0 / (k * k) as f32;
    for (y, row) in pixels.chunks_exact_mut(w).enumerate() {
        for (x, out) in row.iter_mut().enumerate() {
            let mut sum = 0.0;
            for dy in 0..k {
                let start = (y * k + dy) * width + x * k;
                sum += (start..start + k).map(luma).sum::<f32>();
            }
            *out = sum * inv;
        }
    }
    let img = Image { width: w, height: h, pixels };
    if img.std() < 1e-3 {
        return Err(format!("“{name}” is a single flat colour: there is no structure to learn from."));
    }
    Ok(img)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(w: usize, h: usize, f: impl Fn(usize, usize) -> [u8; 4]) -> Vec<u8> {
        (0..w * h).flat_map(|i| f(i % w, i / w)).collect()
    }

    #[test]
    fn grey_is_luma_over_white() {
        let px = rgba(40, 40, |x, _| if x < 20 { [255, 0, 0, 255] } else { [0, 0, 0, 0] });
        let img = image_from_rgba("a.png", 40, 40, &px).unwrap();
        assert_eq!((img.width, img.height), (40, 40));
        assert!((img.get(0, 0) - 0.299).abs() < 1e-3);
        assert!((img.get(39, 0) - 1.0).abs() < 1e-6, "transparent shows white");
    }

    #[test]
    fn big_images_are_block_averaged_to_fit() {
        assert_eq!(fit("a", 4000, 3000), Ok((500, 375)));
        assert_eq!(fit("a", 512, 100), Ok((512, 100)));
        assert_eq!(fit("a", 513, 100), Ok((256, 50)));
        // a 2-pixel checkerboard averages to flat grey at k = 2; the right half is black
        let px = rgba(1024, 64, |x, y| {
            let v = if (x + y) % 2 == 0 { 255 } else { 0 };
            let v = if x < 512 { v } else { 0 };
            [v, v, v, 255]
        });
        let img = image_from_rgba("big.png", 1024, 64, &px).unwrap();
        assert_eq!((img.width, img.height), (512, 32));
        assert!((img.get(0, 0) - 0.5).abs() < 1e-3 && img.get(300, 10) == 0.0);
    }

    #[test]
    fn bad_images_say_what_is_wrong() {
        let e = image_from_rgba("tiny.png", 20, 15, &[0; 20 * 15 * 4]).unwrap_err();
        assert!(e.contains("20×15") && e.contains("at least 32"), "{e}");
        let e = image_from_rgba("flat.png", 64, 64, &[200; 64 * 64 * 4]).unwrap_err();
        assert!(e.contains("flat"), "{e}");
        let e = image_from_rgba("cut.png", 64, 64, &[0; 100]).unwrap_err();
        assert!(e.contains("bytes"), "{e}");
        let e = image_from_rgba("strip.png", 40_000, 40, &[]).unwrap_err();
        assert!(e.contains("after shrinking"), "{e}");
        assert!(image_from_rgba("huge.png", 100_000, 100_000, &[]).unwrap_err().contains("megapixels"));
        assert!(image_from_rgba("none.png", 0, 5, &[]).unwrap_err().contains("no pixels"));
    }

    /// Property tests run natively only (proptest is a native dev-dependency).
    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// No image size or byte count crashes the decoder's back end; an accepted image is
            /// within the size bounds and its grey values are in [0, 1].
            #[test]
            fn any_dimensions_give_an_image_or_a_sentence(
                w in 0usize..2100, h in 0usize..700, extra in -8i64..8, seed in any::<u8>()
            ) {
                let len = ((w * h * 4) as i64 + extra).max(0) as usize;
                let bytes: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect();
                match image_from_rgba("p.png", w, h, &bytes) {
                    Ok(img) => {
                        prop_assert!(extra == 0);
                        prop_assert!(img.width >= MIN_SIDE && img.height >= MIN_SIDE);
                        prop_assert!(img.width <= MAX_SIDE && img.height <= MAX_SIDE);
                        prop_assert!(img.pixels.iter().all(|v| (0.0..=1.0).contains(v)));
                    }
                    Err(e) => prop_assert!(e.starts_with("“p.png”")),
                }
            }

            #[test]
            fn huge_claimed_sizes_are_refused_without_allocating(w in 0usize..usize::MAX, h in 0usize..usize::MAX) {
                let r = image_from_rgba("p.png", w, h, &[0; 16]);
                prop_assert!(r.is_err() || (w * h * 4 == 16));
            }
        }
    }
}
