//! The picture in the whole-image panel, with what the user did to it: strokes painted on,
//! a foreign object pasted in (anomaly detection), and noise (denoising).
//!
//! Paint and objects change the picture itself, in its own grey units. Noise is added the
//! way the denoising autoencoder is trained: to the normalised patches, in patch units, from
//! a fixed field of standard normals, so moving the noise slider scales the same noise
//! rather than drawing new noise each time.

use crate::data::{standard_normals, Image};

/// Side of the pasted object in pixels.
pub const OBJECT_SIZE: usize = 12;
/// The pasted object's contrast, in standard deviations of the picture: a bright-and-dark
/// one-pixel checkerboard, a texture at the highest frequency, which no edge filter explains.
const OBJECT_CONTRAST: f32 = 2.5;
/// Painted strokes are this many standard deviations above the picture's mean: bright ink.
const INK: f32 = 3.0;
/// Where successive pasted objects go, as fractions of the picture's width and height.
const PASTE_SPOTS: [(f32, f32); 4] = [(0.6, 0.3), (0.25, 0.65), (0.7, 0.75), (0.3, 0.2)];

/// A crop of a training picture and the user's changes to it.
#[derive(Clone, Debug)]
pub struct TestImage {
    base: Image,
    /// The picture with paint and objects.
    edited: Image,
    /// Standard normals, one per pixel, scaled by `noise` when shown.
    noise_field: Vec<f32>,
    /// Noise σ in patch units (as the denoising setting).
    noise: f32,
    /// Objects pasted so far (each goes to the next of [`PASTE_SPOTS`]).
    pasted: usize,
    /// The picture's mean and standard deviation, which set the ink and the object's contrast.
    mean: f32,
    std: f32,
}

impl TestImage {
    /// The top-left `crop`×`crop` pixels of `img` (clamped to it), with noise from `seed`.
    pub fn new(img: &Image, crop: usize, seed: u64) -> TestImage {
        let (w, h) = (crop.min(img.width), crop.min(img.height));
        let pixels = (0..h).flat_map(|y| img.pixels[y * img.width..y * img.width + w].iter().copied()).collect();
        let base = Image { width: w, height: h, pixels };
        let noise_field = standard_normals(w * h, seed);
        let (mean, std) = (base.mean(), base.std().max(1e-3));
        TestImage { edited: base.clone(), base, noise_field, noise: 0.0, pasted: 0, mean, std }
    }

    /// The picture with paint and objects, without noise.
    pub fn image(&self) -> &Image {
        &self.edited
    }

    /// The fixed standard normals, one per pixel; the noise added is σ times these.
    pub fn noise_field(&self) -> &[f32] {
        &self.noise_field
    }

    /// Noise σ in patch units.
    pub fn noise_sigma(&self) -> f32 {
        self.noise
    }

    /// Sets the noise σ (patch units; negative or non-finite counts as 0).
    pub fn set_noise(&mut self, sigma: f32) {
        self.noise = if sigma.is_finite() { sigma.max(0.0) } else { 0.0 };
    }

    /// Whether anything was painted or pasted.
    pub fn edited(&self) -> bool {
        self.edited != self.base
    }

    /// Paints a bright disc of `radius` pixels centred at (`x`, `y`) (picture pixels; parts
    /// outside the picture are ignored).
    pub fn paint(&mut self, x: f32, y: f32, radius: f32) {
        let ink = self.mean + INK * self.std;
        let img = &mut self.edited;
        let r2 = radius * radius;
        // only the disc's bounding box (clamped to the picture; NaN clamps to an empty range)
        let span = |c: f32, len: usize| {
            let lo = (c - radius).floor().clamp(0.0, len as f32) as usize;
            let hi = (c + radius).ceil().clamp(0.0, len as f32) as usize;
            lo..hi
        };
        for py in span(y, img.height) {
            for px in span(x, img.width) {
                let (dx, dy) = (px as f32 + 0.5 - x, py as f32 + 0.5 - y);
                if dx * dx + dy * dy <= r2 {
                    img.pixels[py * img.width + px] = ink;
                }
            }
        }
    }

    /// Where an arrow key moves a keyboard brush at `at` (picture pixels): by `step` pixels,
    /// kept inside the picture; `None` for other keys. The keyboard's way to paint.
    pub fn brush_moved(&self, at: (f32, f32), key: &str, step: f32) -> Option<(f32, f32)> {
        let (dx, dy) = match key {
            "ArrowLeft" => (-step, 0.0),
            "ArrowRight" => (step, 0.0),
            "ArrowUp" => (0.0, -step),
            "ArrowDown" => (0.0, step),
            _ => return None,
        };
        let inside = |v: f32, len: usize| v.clamp(0.5, (len as f32 - 0.5).max(0.5));
        Some((inside(at.0 + dx, self.edited.width), inside(at.1 + dy, self.edited.height)))
    }

    /// The middle of the picture, where a keyboard brush starts.
    pub fn centre(&self) -> (f32, f32) {
        (self.edited.width as f32 / 2.0, self.edited.height as f32 / 2.0)
    }

    /// Paints a stroke from `from` to `to` (discs every half radius, so a fast drag leaves a
    /// line, not dots).
    pub fn paint_line(&mut self, from: (f32, f32), to: (f32, f32), radius: f32) {
        let len = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2)).sqrt();
        let n = if len.is_finite() { (2.0 * len / radius.max(0.5)).ceil().min(1000.0) as usize } else { 0 };
        for i in 0..=n {
            let t = if n == 0 { 1.0 } else { i as f32 / n as f32 };
            self.paint(from.0 + t * (to.0 - from.0), from.1 + t * (to.1 - from.1), radius);
        }
    }

    /// Pastes the foreign object (a fine checkerboard, [`OBJECT_SIZE`] square) with its top-left
    /// corner at (`x`, `y`), clipped to the picture.
    pub fn paste_object(&mut self, x: usize, y: usize) {
        let (m, s) = (self.mean, self.std);
        let img = &mut self.edited;
        for py in y..(y + OBJECT_SIZE).min(img.height) {
            for px in x..(x + OBJECT_SIZE).min(img.width) {
                let sign = if (px + py) % 2 == 0 { 1.0 } else { -1.0 };
                img.pixels[py * img.width + px] = m + sign * OBJECT_CONTRAST * s;
            }
        }
    }

    /// Pastes the foreign object at the next of a few spread-out places.
    pub fn paste_next_object(&mut self) {
        let (fx, fy) = PASTE_SPOTS[self.pasted % PASTE_SPOTS.len()];
        self.pasted += 1;
        let (w, h) = (self.edited.width as f32, self.edited.height as f32);
        self.paste_object((fx * w) as usize, (fy * h) as usize);
    }

    /// Undoes all paint and objects and sets the noise back to 0.
    pub fn clear(&mut self) {
        self.edited = self.base.clone();
        self.noise = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(w: usize, h: usize) -> Image {
        Image::new(w, h, (0..w * h).map(|i| (i % w) as f32 / w as f32).collect()).unwrap()
    }

    #[test]
    fn crop_paint_paste_and_clear() {
        let mut t = TestImage::new(&ramp(40, 30), 32, 1);
        assert_eq!((t.image().width, t.image().height), (32, 30));
        assert!(!t.edited());
        t.paint(5.0, 5.0, 2.0);
        assert!(t.edited());
        let ink = t.image().get(4, 4);
        assert!(ink > 1.0, "bright ink, got {ink}");
        assert_eq!(t.image().get(20, 20), ramp(40, 30).get(20, 20), "far pixels untouched");
        t.paint_line((2.0, 20.0), (28.0, 20.0), 1.0);
        assert!((3..27).all(|x| t.image().get(x, 19) > 1.0), "a continuous line");
        t.paint(f32::NAN, 5.0, 2.0); // off the picture or NaN: nothing, and no panic
        t.paint(-1e9, 1e9, 2.0);
        t.paste_object(25, 25); // clipped at the border: no panic
        assert!(t.image().get(25, 25) != t.image().get(26, 25), "a checkerboard alternates");
        t.set_noise(0.2);
        t.clear();
        assert!(!t.edited());
        assert_eq!(t.noise_sigma(), 0.0);
    }

    #[test]
    fn noise_is_a_fixed_field_scaled_by_sigma() {
        let mut t = TestImage::new(&ramp(64, 64), 64, 3);
        let noise = |t: &TestImage| t.noise_field().iter().map(|z| z * t.noise_sigma()).collect::<Vec<f32>>();
        t.set_noise(0.1);
        let a = noise(&t);
        t.set_noise(0.2);
        let b = noise(&t);
        assert!(a.iter().zip(&b).all(|(x, y)| (2.0 * x - y).abs() < 1e-6));
        let sd = (b.iter().map(|v| v * v).sum::<f32>() / b.len() as f32).sqrt();
        assert!((sd - 0.2).abs() < 0.02, "sd {sd}");
        t.set_noise(f32::NAN);
        assert_eq!(t.noise_sigma(), 0.0);
    }

    #[test]
    fn a_keyboard_brush_moves_by_its_step_and_stays_on_the_picture() {
        let t = TestImage::new(&ramp(40, 30), 32, 1);
        assert_eq!(t.centre(), (16.0, 15.0));
        assert_eq!(t.brush_moved((16.0, 15.0), "ArrowRight", 4.0), Some((20.0, 15.0)));
        assert_eq!(t.brush_moved((16.0, 15.0), "ArrowUp", 4.0), Some((16.0, 11.0)));
        assert_eq!(t.brush_moved((1.0, 29.0), "ArrowLeft", 4.0), Some((0.5, 29.0)), "stops at the left edge");
        assert_eq!(t.brush_moved((1.0, 29.0), "ArrowDown", 4.0), Some((1.0, 29.5)), "and at the bottom");
        assert_eq!(t.brush_moved((1.0, 1.0), "a", 4.0), None);
    }
}
