//! A reusable RGBA pixel buffer: images are composed here in Rust and handed to a canvas in
//! one `put_image_data`, instead of one browser call per pixel.

/// Row-major RGBA8 pixels, `width * height * 4` bytes, ready for `ImageData`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rgba {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height * 4` bytes, pixel (x, y) at `4 * (y * width + x)`.
    pub data: Vec<u8>,
}

impl Rgba {
    /// A transparent-black buffer of `width × height` pixels.
    pub fn new(width: usize, height: usize) -> Self {
        Rgba { width, height, data: vec![0; width * height * 4] }
    }

    /// Changes the size, keeping the allocation when it is large enough (frames reuse one
    /// buffer). Pixel contents are unspecified afterwards: callers `fill` or overwrite.
    pub fn resize(&mut self, width: usize, height: usize) {
        self.width = width;
        self.height = height;
        self.data.resize(width * height * 4, 0);
    }

    /// Sets every pixel to `rgba`.
    pub fn fill(&mut self, rgba: [u8; 4]) {
        for px in self.data.chunks_exact_mut(4) {
            px.copy_from_slice(&rgba);
        }
    }

    /// Sets pixel (x, y); coordinates outside the buffer are ignored.
    pub fn set(&mut self, x: usize, y: usize, rgba: [u8; 4]) {
        if x < self.width && y < self.height {
            let i = 4 * (y * self.width + x);
            self.data[i..i + 4].copy_from_slice(&rgba);
        }
    }

    /// Pixel (x, y), or `None` outside the buffer.
    pub fn get(&self, x: usize, y: usize) -> Option<[u8; 4]> {
        if x < self.width && y < self.height {
            let i = 4 * (y * self.width + x);
            Some([self.data[i], self.data[i + 1], self.data[i + 2], self.data[i + 3]])
        } else {
            None
        }
    }

    /// Draws a `vw × vh` grey image (row-major `values`) enlarged `scale` times by nearest
    /// neighbour with its top-left corner at (x0, y0), clipped at the buffer edges. `map`
    /// turns a value into a grey level. Rows missing from a short `values` are skipped.
    #[allow(clippy::too_many_arguments)] // position, image shape, scale, map: all needed
    pub fn blit_grey(
        &mut self,
        x0: usize,
        y0: usize,
        values: &[f32],
        vw: usize,
        vh: usize,
        scale: usize,
        map: impl Fn(f32) -> u8,
    ) {
        let vh = values.len().checked_div(vw).map_or(0, |full_rows| vh.min(full_rows));
        self.blit_with(x0, y0, vw, vh, scale, |x, y| map(values[y * vw + x]));
    }

    /// Like [`Rgba::blit_grey`], but pixel (x, y) of the source image is `grey(x, y)`; lets
    /// callers read strided data (a matrix row) without copying it into a slice first.
    pub fn blit_with(
        &mut self,
        x0: usize,
        y0: usize,
        vw: usize,
        vh: usize,
        scale: usize,
        grey: impl Fn(usize, usize) -> u8,
    ) {
        if scale == 0 || x0 >= self.width || y0 >= self.height {
            return;
        }
        // Pixels that fit horizontally, and the byte span of one enlarged row.
        let visible_w = (vw * scale).min(self.width - x0);
        let row_bytes = 4 * visible_w;
        for vy in 0..vh {
            let py0 = y0 + vy * scale;
            if py0 >= self.height {
                break;
            }
            // Write the first pixel row of this source row...
            let start = 4 * (py0 * self.width + x0);
            let row = &mut self.data[start..start + row_bytes];
            for (i, px) in row.chunks_exact_mut(4).enumerate() {
                let g = grey(i / scale, vy);
                px.copy_from_slice(&[g, g, g, 255]);
            }
            // ...then copy it down for the other scale−1 rows (cheaper than re-mapping).
            for dy in 1..scale.min(self.height - py0) {
                let dst = 4 * ((py0 + dy) * self.width + x0);
                self.data.copy_within(start..start + row_bytes, dst);
            }
        }
    }
}

/// Grey level of a normalised patch value: patches live in [0, 1] (training patches in
/// [0.1, 0.9], the sigmoid's output range), so clamp to [0, 1] and scale to 0–255. NaN → 0.
pub fn patch_to_grey(v: f32) -> u8 {
    if v.is_nan() {
        0
    } else {
        (v.clamp(0.0, 1.0) * 255.0).round() as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BG: [u8; 4] = [1, 2, 3, 255];

    #[test]
    fn blit_grey_enlarges_by_nearest_neighbour() {
        let mut img = Rgba::new(10, 10);
        img.fill(BG);
        // 2×2 image [0, 1; 2, 3] scaled 3× at (1, 2): value v → grey 10·v.
        img.blit_grey(1, 2, &[0.0, 1.0, 2.0, 3.0], 2, 2, 3, |v| (v * 10.0) as u8);
        assert_eq!(img.get(0, 2), Some(BG), "left of the image is untouched");
        assert_eq!(img.get(1, 1), Some(BG), "above the image is untouched");
        assert_eq!(img.get(1, 2), Some([0, 0, 0, 255]));
        assert_eq!(img.get(3, 4), Some([0, 0, 0, 255]), "last pixel of the first 3×3 block");
        assert_eq!(img.get(4, 2), Some([10, 10, 10, 255]));
        assert_eq!(img.get(6, 4), Some([10, 10, 10, 255]));
        assert_eq!(img.get(1, 5), Some([20, 20, 20, 255]));
        assert_eq!(img.get(6, 7), Some([30, 30, 30, 255]));
        assert_eq!(img.get(7, 7), Some(BG), "right of the image is untouched");
        assert_eq!(img.get(6, 8), Some(BG), "below the image is untouched");
    }

    #[test]
    fn blit_grey_clips_at_the_edges() {
        let mut img = Rgba::new(5, 4);
        img.fill(BG);
        // 2×2 at scale 2 from (3, 2) would cover x 3..7, y 2..6: only x 3..5, y 2..4 fit.
        img.blit_grey(3, 2, &[0.1, 0.2, 0.3, 0.4], 2, 2, 2, patch_to_grey);
        assert_eq!(img.get(3, 2), Some([26, 26, 26, 255]));
        assert_eq!(img.get(4, 3), Some([26, 26, 26, 255]));
        assert_eq!(img.get(2, 2), Some(BG));
        assert_eq!(img.get(4, 1), Some(BG));
        assert_eq!(img.data.len(), 5 * 4 * 4, "the buffer never grows");
        // Entirely outside: nothing happens, nothing panics.
        img.blit_grey(9, 9, &[1.0], 1, 1, 4, patch_to_grey);
        img.blit_grey(0, 0, &[1.0], 1, 3, 2, patch_to_grey); // short values: 1 row drawn
        assert_eq!(img.get(1, 1), Some([255, 255, 255, 255]));
        assert_eq!(img.get(0, 2), Some(BG));
    }

    #[test]
    fn resize_keeps_the_allocation_and_set_ignores_outside() {
        let mut img = Rgba::new(8, 8);
        let cap = img.data.capacity();
        img.resize(4, 4);
        img.resize(8, 8);
        assert_eq!(img.data.capacity(), cap);
        assert_eq!(img.data.len(), 256);
        img.set(8, 0, [9; 4]);
        img.set(7, 7, [9; 4]);
        assert_eq!(img.get(7, 7), Some([9; 4]));
        assert_eq!(img.get(8, 0), None);
    }

    #[test]
    fn patch_grey_clamps() {
        assert_eq!(patch_to_grey(-0.5), 0);
        assert_eq!(patch_to_grey(0.5), 128);
        assert_eq!(patch_to_grey(1.5), 255);
        assert_eq!(patch_to_grey(f32::NAN), 0);
    }
}
