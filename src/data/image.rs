//! A greyscale image: the unit the data pipeline passes around.

/// A single-channel image stored row-major: pixel `(x, y)` lives at `y * width + x`.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    /// Number of columns.
    pub width: usize,
    /// Number of rows.
    pub height: usize,
    /// Row-major grey values, `width * height` of them.
    pub pixels: Vec<f32>,
}

impl Image {
    /// Wraps row-major `pixels` as a `width` × `height` image.
    ///
    /// Fails if either size is zero or `pixels.len() != width * height`.
    pub fn new(width: usize, height: usize, pixels: Vec<f32>) -> Result<Image, String> {
        if width == 0 || height == 0 {
            return Err(format!("An image needs a nonzero width and height, but got {width}×{height}."));
        }
        // checked_mul: a corrupt size must produce an error, not an overflow panic.
        let expected = width
            .checked_mul(height)
            .ok_or_else(|| format!("An image of {width}×{height} pixels is too large to address."))?;
        if pixels.len() != expected {
            return Err(format!("A {width}×{height} image needs {expected} pixels, but {} were given.", pixels.len()));
        }
        Ok(Image { width, height, pixels })
    }

    /// Grey value at column `x`, row `y`. Panics if the pixel is outside the image.
    #[inline]
    pub fn get(&self, x: usize, y: usize) -> f32 {
        assert!(
            x < self.width && y < self.height,
            "pixel ({x}, {y}) is outside a {}×{} image",
            self.width,
            self.height
        );
        self.pixels[y * self.width + x]
    }

    /// Mean grey value (accumulated in f64 so large images do not lose precision).
    pub fn mean(&self) -> f32 {
        mean_f64(&self.pixels) as f32
    }

    /// Population standard deviation of the grey values.
    pub fn std(&self) -> f32 {
        let m = mean_f64(&self.pixels);
        let ss: f64 = self
            .pixels
            .iter()
            .map(|&v| {
                let d = v as f64 - m;
                d * d
            })
            .sum();
        (ss / self.pixels.len() as f64).sqrt() as f32
    }

    /// A copy shifted and scaled to mean 0 and standard deviation 1.
    ///
    /// A constant image has no contrast to scale, so it becomes all zeros rather than NaN.
    pub fn standardized(&self) -> Image {
        let m = mean_f64(&self.pixels);
        let s = self.std() as f64;
        let inv = if s > 0.0 { 1.0 / s } else { 0.0 };
        Image {
            width: self.width,
            height: self.height,
            pixels: self.pixels.iter().map(|&v| ((v as f64 - m) * inv) as f32).collect(),
        }
    }
}

fn mean_f64(values: &[f32]) -> f64 {
    values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_validates_sizes() {
        assert!(Image::new(0, 3, vec![]).is_err());
        assert!(Image::new(3, 0, vec![]).is_err());
        assert!(Image::new(2, 3, vec![0.0; 5]).is_err());
        assert!(Image::new(2, 3, vec![0.0; 7]).is_err());
        assert!(Image::new(2, 3, vec![0.0; 6]).is_ok());
    }

    #[test]
    fn get_is_row_major() {
        let img = Image::new(3, 2, vec![0.0, 1.0, 2.0, 10.0, 11.0, 12.0]).unwrap();
        assert_eq!(img.get(0, 0), 0.0);
        assert_eq!(img.get(2, 0), 2.0);
        assert_eq!(img.get(0, 1), 10.0);
        assert_eq!(img.get(1, 1), 11.0);
    }

    #[test]
    #[should_panic(expected = "outside")]
    fn get_out_of_range_panics() {
        let img = Image::new(2, 2, vec![0.0; 4]).unwrap();
        img.get(2, 0);
    }

    #[test]
    fn mean_std_and_standardized() {
        let img = Image::new(2, 2, vec![1.0, 3.0, 1.0, 3.0]).unwrap();
        assert!((img.mean() - 2.0).abs() < 1e-6);
        assert!((img.std() - 1.0).abs() < 1e-6);
        let s = Image::new(2, 2, vec![5.0, 7.0, 9.0, 11.0]).unwrap().standardized();
        assert!(s.mean().abs() < 1e-6);
        assert!((s.std() - 1.0).abs() < 1e-6);
        let flat = Image::new(2, 2, vec![4.0; 4]).unwrap().standardized();
        assert!(flat.pixels.iter().all(|&v| v == 0.0));
    }
}
