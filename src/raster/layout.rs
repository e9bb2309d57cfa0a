//! Where images go in the image views: three images side by side with captions above
//! ([`Triptych`]: patch input | reconstruction | error, and the whole-image version), and the
//! selected unit's panel ([`UnitDetailLayout`]). Pure, so "everything fits on the canvas and
//! nothing overlaps" is tested natively.

/// Space around the pictures, in pixels.
pub const MARGIN: usize = 12;

/// Three equal images side by side under a caption band, enlarged (or, when even 1:1 does
/// not fit, shrunk) by an integer factor so pixels stay square and sharp, centred on the
/// canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Triptych {
    /// Each source pixel becomes `scale × scale` canvas pixels (≥ 1).
    pub scale: usize,
    /// Only every `shrink`-th source pixel is shown (≥ 1; > 1 only when `scale` is 1).
    pub shrink: usize,
    /// Source pixels shown across and down (`⌈w / shrink⌉`, `⌈h / shrink⌉`).
    pub src_w: usize,
    /// See `src_w`.
    pub src_h: usize,
    /// Displayed image width and height in canvas pixels.
    pub img_w: usize,
    /// See `img_w`.
    pub img_h: usize,
    /// Left edges of the three images.
    pub xs: [usize; 3],
    /// Top edge of the images.
    pub y: usize,
    /// Top of the caption band (captions are drawn from here down to `y`).
    pub caption_y: usize,
}

impl Triptych {
    /// Lays out three `w × h` images on a `width × height` canvas with a `caption_h`-pixel
    /// caption band above them and `gap` pixels between them. Zero-sized images or canvases
    /// give a valid layout (scale 1, nothing to draw) rather than a panic.
    pub fn new(width: usize, height: usize, w: usize, h: usize, caption_h: usize, gap: usize) -> Triptych {
        let avail_w = width.saturating_sub(2 * MARGIN + 2 * gap) / 3;
        let avail_h = height.saturating_sub(2 * MARGIN + caption_h);
        let (w1, h1) = (w.max(1), h.max(1));
        let up = (avail_w / w1).min(avail_h / h1);
        let (scale, shrink) = if up >= 1 {
            (up, 1)
        } else {
            // Too big even at 1:1: the smallest integer shrink that fits (at least 1).
            (1, w1.div_ceil(avail_w.max(1)).max(h1.div_ceil(avail_h.max(1))).max(1))
        };
        let (src_w, src_h) = (w.div_ceil(shrink), h.div_ceil(shrink));
        let (img_w, img_h) = (src_w * scale, src_h * scale);
        let total_w = 3 * img_w + 2 * gap;
        let x0 = width.saturating_sub(total_w) / 2;
        let band = caption_h + img_h;
        let caption_y = (height.saturating_sub(band) / 2).max(MARGIN.min(height));
        let y = caption_y + caption_h;
        Triptych {
            scale,
            shrink,
            src_w,
            src_h,
            img_w,
            img_h,
            xs: [x0, x0 + img_w + gap, x0 + 2 * (img_w + gap)],
            y,
            caption_y,
        }
    }

    /// Index into a row-major `w`-wide source image of displayed source pixel (x, y).
    pub fn source_index(&self, x: usize, y: usize, w: usize) -> usize {
        (y * self.shrink) * w + x * self.shrink
    }

    /// The source-image point under canvas point (`px`, `py`), in source pixels, if it lies
    /// on any of the three images (they show the same picture, so each answers alike).
    pub fn source_at(&self, px: f64, py: f64) -> Option<(f64, f64)> {
        let (w, h) = (self.img_w as f64, self.img_h as f64);
        let dy = py - self.y as f64;
        let x0 = self.xs.iter().map(|&x| x as f64).find(|&x| px >= x && px < x + w)?;
        if !(0.0..h).contains(&dy) {
            return None;
        }
        let per = self.shrink as f64 / self.scale as f64;
        Some(((px - x0) * per, dy * per))
    }
}

impl Triptych {
    /// The square of canvas pixels covering a source-image disc of `radius` around (`x`, `y`)
    /// on the first image, as (left, top, side), clipped to it: where the keyboard brush is drawn.
    pub fn brush_square(&self, x: f32, y: f32, radius: f32) -> Option<(usize, usize, usize)> {
        let per = self.scale as f32 / self.shrink as f32;
        let side = ((2.0 * radius * per).round() as usize).clamp(1, self.img_w.min(self.img_h).max(1));
        let at = |c: f32, len: usize| ((c - radius) * per).round().clamp(0.0, len.saturating_sub(side) as f32) as usize;
        (x.is_finite() && y.is_finite() && self.img_w > 0)
            .then(|| (self.xs[0] + at(x, self.img_w), self.y + at(y, self.img_h), side))
    }
}

/// The selected unit's panel: its filter enlarged on the left; to its right three text
/// lines, then a caption and a row of up to [`MAX_TOP`] exciting patches, each with its
/// activation written underneath.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitDetailLayout {
    /// Top-left corner of the enlarged filter.
    pub filter_x: usize,
    /// See `filter_x`.
    pub filter_y: usize,
    /// Enlargement of the filter (side = patch · scale).
    pub filter_scale: usize,
    /// Left edge of the text and the patch row.
    pub text_x: usize,
    /// Baselines-by-middle (canvas `textBaseline = "middle"`) of the three text lines.
    pub lines: [usize; 3],
    /// Middle of the caption line above the patch row.
    pub caption_y: usize,
    /// Top of the patch row.
    pub row_y: usize,
    /// Enlargement of each top patch.
    pub thumb_scale: usize,
    /// Distance between the left edges of neighbouring patches.
    pub thumb_pitch: usize,
    /// Middle of the activation labels under the patches.
    pub value_y: usize,
}

/// Most exciting patches shown for a unit.
pub const MAX_TOP: usize = 8;
/// Height of one text line.
const LINE_H: usize = 20;
/// Height reserved for the activation value under each patch.
const VALUE_H: usize = 18;
/// Largest filter side in pixels: beyond it the filter only crowds the text.
const MAX_FILTER: usize = 120;
/// Smallest gap between neighbouring patches.
const THUMB_GAP: usize = 8;

impl UnitDetailLayout {
    /// Lays out the panel on a `width × height` canvas for `patch × patch` images.
    pub fn new(width: usize, height: usize, patch: usize) -> UnitDetailLayout {
        let p = patch.max(1);
        let body_h = height.saturating_sub(2 * MARGIN);
        let filter_scale = (body_h.min(MAX_FILTER).min(width / 3) / p).max(1);
        let side = p * filter_scale;
        let filter_y = MARGIN + body_h.saturating_sub(side) / 2;
        let text_x = MARGIN + side + 2 * MARGIN;
        let lines = [MARGIN + LINE_H / 2, MARGIN + LINE_H * 3 / 2, MARGIN + LINE_H * 5 / 2];
        let caption_y = MARGIN + LINE_H * 7 / 2 + 4;
        let row_y = caption_y + LINE_H / 2 + 4;
        // Patches: as large as both the row's width and the room above the labels allow.
        let cell = width.saturating_sub(text_x + MARGIN) / MAX_TOP;
        let room_h = height.saturating_sub(row_y + VALUE_H + MARGIN / 2);
        let thumb_scale = (cell.saturating_sub(THUMB_GAP).min(room_h) / p).max(1);
        let thumb_pitch = (p * thumb_scale + THUMB_GAP).max(cell);
        let value_y = row_y + p * thumb_scale + VALUE_H / 2;
        UnitDetailLayout {
            filter_x: MARGIN,
            filter_y,
            filter_scale,
            text_x,
            lines,
            caption_y,
            row_y,
            thumb_scale,
            thumb_pitch,
            value_y,
        }
    }

    /// Left edge of top patch `i`.
    pub fn thumb_x(&self, i: usize) -> usize {
        self.text_x + i * self.thumb_pitch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_overlap(t: &Triptych, gap: usize) {
        assert!(t.xs[0] + t.img_w + gap <= t.xs[1] && t.xs[1] + t.img_w + gap <= t.xs[2], "{t:?}");
    }

    #[test]
    fn whole_image_triptych_uses_scale_two_on_the_wide_canvas() {
        let t = Triptych::new(1000, 330, 128, 128, 36, 24);
        assert_eq!((t.scale, t.shrink, t.img_w, t.img_h), (2, 1, 256, 256));
        no_overlap(&t, 24);
        assert!(t.xs[2] + t.img_w <= 1000 - MARGIN);
        assert!(t.caption_y >= MARGIN && t.y + t.img_h <= 330 - MARGIN, "{t:?}");
        assert_eq!(t.y, t.caption_y + 36);
        assert_eq!(t.xs[0], (1000 - 3 * 256 - 48) / 2, "centred");
    }

    #[test]
    fn patch_triptych_fills_the_small_canvas() {
        let t = Triptych::new(420, 170, 8, 8, 20, 16);
        assert_eq!(t.scale, 15, "an 8×8 patch at 120 px: limited by the height");
        no_overlap(&t, 16);
        assert!(t.xs[2] + t.img_w <= 420 && t.y + t.img_h <= 170 - MARGIN, "{t:?}");
        for patch in 1..=32 {
            let t = Triptych::new(420, 170, patch, patch, 20, 16);
            no_overlap(&t, 16);
            assert!(t.xs[2] + t.img_w <= 420 - MARGIN, "patch {patch}: {t:?}");
        }
    }

    #[test]
    fn images_too_big_for_the_canvas_are_shrunk() {
        let t = Triptych::new(1000, 330, 512, 512, 36, 24);
        assert_eq!((t.scale, t.shrink), (1, 2), "512 px in ~300 px of width: every 2nd pixel");
        assert_eq!((t.src_w, t.img_w), (256, 256));
        no_overlap(&t, 24);
        assert!(t.xs[2] + t.img_w <= 1000 && t.y + t.img_h <= 330, "{t:?}");
        assert_eq!(t.source_index(3, 2, 512), 4 * 512 + 6);
        let t = Triptych::new(1000, 330, 1000, 100, 36, 24);
        assert!(t.shrink >= 4 && t.xs[2] + t.img_w <= 1000, "{t:?}");
    }

    #[test]
    fn degenerate_triptychs_do_not_panic() {
        for (w, h, iw, ih) in [(0, 0, 0, 0), (10, 10, 128, 128), (1000, 330, 0, 5), (0, 0, 8, 8)] {
            let t = Triptych::new(w, h, iw, ih, 20, 16);
            assert!(t.scale >= 1 && t.shrink >= 1, "{t:?}");
        }
    }

    #[test]
    fn unit_panel_fits_and_nothing_overlaps() {
        for &(w, h) in &[(560, 200), (480, 180), (800, 260)] {
            for patch in [4, 6, 8, 12, 16] {
                let l = UnitDetailLayout::new(w, h, patch);
                let ctx = format!("{w}×{h}, patch {patch}: {l:?}");
                let side = patch * l.filter_scale;
                assert!(l.filter_y + side <= h && l.filter_x + side < l.text_x, "{ctx}");
                assert!(l.lines[2] < l.caption_y && l.caption_y < l.row_y, "{ctx}");
                let thumb = patch * l.thumb_scale;
                assert!(l.thumb_x(MAX_TOP - 1) + thumb <= w, "{ctx}: the last patch fits");
                assert!(l.thumb_pitch > thumb, "{ctx}: patches do not touch");
                assert!(l.row_y + thumb < l.value_y && l.value_y + 6 <= h, "{ctx}: labels fit below");
            }
        }
        let l = UnitDetailLayout::new(560, 200, 8);
        assert!(l.filter_scale >= 15 && l.thumb_scale >= 5, "the common case is legible: {l:?}");
        let _ = UnitDetailLayout::new(0, 0, 0); // no panic
    }

    #[test]
    fn source_at_maps_each_of_the_three_images_back_to_the_picture() {
        let t = Triptych::new(1000, 330, 128, 128, 36, 24);
        for x in t.xs {
            let (sx, sy) = t.source_at((x + 3 * t.scale) as f64 + 0.5, (t.y + 5 * t.scale) as f64).unwrap();
            assert_eq!((sx.floor(), sy.floor()), (3.0, 5.0));
        }
        assert_eq!(t.source_at(t.xs[0] as f64 - 1.0, t.y as f64), None, "left of the first image");
        assert_eq!(t.source_at(t.xs[1] as f64, t.y as f64 - 1.0), None, "in the caption band");
        assert_eq!(t.source_at(t.xs[2] as f64, (t.y + t.img_h) as f64), None, "below");
        assert_eq!(t.source_at(f64::NAN, 10.0), None);
    }

    #[test]
    fn the_brush_square_sits_on_the_first_image_around_its_point() {
        let t = Triptych::new(1000, 330, 128, 128, 36, 24);
        let (x, y, side) = t.brush_square(10.0, 20.0, 2.5).unwrap();
        assert_eq!(side, 5 * t.scale);
        assert_eq!(t.source_at(x as f64, y as f64).map(|(a, b)| (a.round(), b.round())), Some((8.0, 18.0)));
        let (x, y, side) = t.brush_square(127.5, 0.5, 2.5).unwrap();
        assert!(x + side <= t.xs[0] + t.img_w && y >= t.y, "clipped to the image");
        assert_eq!(t.brush_square(f32::NAN, 1.0, 2.5), None);
    }
}
