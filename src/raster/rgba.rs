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
        self.blit_rgba_with(x0, y0, vw, vh, scale, |x, y| {
            let g = grey(x, y);
            [g, g, g, 255]
        });
    }

    /// Like [`Rgba::blit_with`], but `colour(x, y)` gives a full RGBA pixel (colour maps such
    /// as [`super::heat`]). Enlarged by nearest neighbour, clipped at the buffer edges.
    pub fn blit_rgba_with(
        &mut self,
        x0: usize,
        y0: usize,
        vw: usize,
        vh: usize,
        scale: usize,
        colour: impl Fn(usize, usize) -> [u8; 4],
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
                px.copy_from_slice(&colour(i / scale, vy));
            }
            // ...then copy it down for the other scale−1 rows (cheaper than re-mapping).
            for dy in 1..scale.min(self.height - py0) {
                let dst = 4 * ((py0 + dy) * self.width + x0);
                self.data.copy_within(start..start + row_bytes, dst);
            }
        }
    }

    /// Fills the `w × h` rectangle with top-left corner (x, y), clipped at the buffer edges.
    pub fn fill_rect(&mut self, x: usize, y: usize, w: usize, h: usize, rgba: [u8; 4]) {
        let (x1, y1) = (x.saturating_add(w).min(self.width), y.saturating_add(h).min(self.height));
        for py in y.min(y1)..y1 {
            let row = 4 * py * self.width;
            for px in self.data[row + 4 * x.min(x1)..row + 4 * x1].chunks_exact_mut(4) {
                px.copy_from_slice(&rgba);
            }
        }
    }

    /// A one-pixel outline just outside the `w × h` rectangle at (x, y) (a frame around an
    /// image), clipped at the buffer edges; sides that would fall off the top/left are skipped.
    pub fn frame(&mut self, x: usize, y: usize, w: usize, h: usize, rgba: [u8; 4]) {
        let (left, top) = (x.checked_sub(1), y.checked_sub(1));
        let (x_from, y_from) = (left.unwrap_or(x), top.unwrap_or(y));
        let (span_w, span_h) = (x + w + 1 - x_from, y + h + 1 - y_from);
        if let Some(top) = top {
            self.fill_rect(x_from, top, span_w, 1, rgba);
        }
        self.fill_rect(x_from, y + h, span_w, 1, rgba);
        if let Some(left) = left {
            self.fill_rect(left, y_from, 1, span_h, rgba);
        }
        self.fill_rect(x + w, y_from, 1, span_h, rgba);
    }

    /// A dashed horizontal line on row `y` from column `x0` up to (not including) `x1`:
    /// `dash` pixels on, `gap` off, starting with a dash. A zero `dash` draws nothing.
    pub fn dashed_hline(&mut self, x0: usize, x1: usize, y: usize, dash: usize, gap: usize, rgba: [u8; 4]) {
        if dash == 0 {
            return;
        }
        let mut x = x0;
        while x < x1 {
            self.fill_rect(x, y, dash.min(x1 - x), 1, rgba);
            x = x.saturating_add(dash + gap);
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
    fn colour_blit_puts_each_source_pixel_where_the_grey_blit_would() {
        let mut img = Rgba::new(6, 4);
        img.fill(BG);
        img.blit_rgba_with(1, 1, 2, 1, 2, |x, y| [x as u8 + 10, y as u8 + 20, 7, 200]);
        assert_eq!(img.get(1, 1), Some([10, 20, 7, 200]));
        assert_eq!(img.get(2, 2), Some([10, 20, 7, 200]));
        assert_eq!(img.get(3, 1), Some([11, 20, 7, 200]));
        assert_eq!(img.get(4, 2), Some([11, 20, 7, 200]));
        assert_eq!(img.get(5, 1), Some(BG));
        assert_eq!(img.get(1, 3), Some(BG), "one source row at scale 2 covers rows 1 and 2 only");
    }

    #[test]
    fn fill_rect_clips_and_frame_surrounds() {
        let mut img = Rgba::new(6, 5);
        img.fill(BG);
        img.fill_rect(4, 3, 10, 10, [9; 4]);
        assert_eq!(img.get(4, 3), Some([9; 4]));
        assert_eq!(img.get(5, 4), Some([9; 4]));
        assert_eq!(img.get(3, 3), Some(BG));
        assert_eq!(img.get(4, 2), Some(BG));
        img.fill_rect(9, 9, 3, 3, [9; 4]); // entirely outside: no panic
        img.fill_rect(usize::MAX, 0, usize::MAX, 2, [9; 4]);

        let mut img = Rgba::new(6, 5);
        img.fill(BG);
        img.frame(1, 1, 2, 2, [5; 4]); // image at x 1..3, y 1..3: frame on 0 and 3
        for (x, y) in [(0, 0), (3, 0), (0, 3), (3, 3), (1, 0), (0, 2), (3, 1), (2, 3)] {
            assert_eq!(img.get(x, y), Some([5; 4]), "({x}, {y}) is on the frame");
        }
        for (x, y) in [(1, 1), (2, 2), (4, 1), (1, 4)] {
            assert_eq!(img.get(x, y), Some(BG), "({x}, {y}) is not");
        }
        img.frame(0, 0, 6, 5, [5; 4]); // touching every edge: only what fits, no panic
    }

    #[test]
    fn dashes_alternate_and_stop_at_the_end() {
        let mut img = Rgba::new(12, 2);
        img.fill(BG);
        img.dashed_hline(1, 10, 1, 3, 2, [7; 4]);
        let on: Vec<bool> = (0..12).map(|x| img.get(x, 1) == Some([7; 4])).collect();
        let want = [0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0].map(|b| b == 1);
        assert_eq!(on, want);
        assert!((0..12).all(|x| img.get(x, 0) == Some(BG)), "other rows untouched");
        img.dashed_hline(0, 12, 1, 0, 2, [1; 4]); // zero dash: nothing, and no endless loop
        assert_eq!(img.get(0, 1), Some(BG));
    }

    #[test]
    fn patch_grey_clamps() {
        assert_eq!(patch_to_grey(-0.5), 0);
        assert_eq!(patch_to_grey(0.5), 128);
        assert_eq!(patch_to_grey(1.5), 255);
        assert_eq!(patch_to_grey(f32::NAN), 0);
    }
}
