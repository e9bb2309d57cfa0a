//! Bar charts composed as pixels: the plot box, axis mappings (linear and log) and the bars
//! themselves, so the per-unit ρ̂ bars and the firing histogram go to the canvas in one
//! `put_image_data` and only their text is drawn by the browser.

use std::ops::RangeInclusive;

use super::Rgba;

/// A rectangle of the canvas in pixels: `left..left + width` × `top..top + height`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlotBox {
    /// First column inside the box.
    pub left: usize,
    /// First row inside the box.
    pub top: usize,
    /// Width in pixels (0 when the canvas is too small for the margins).
    pub width: usize,
    /// Height in pixels (0 when the canvas is too small for the margins).
    pub height: usize,
}

impl PlotBox {
    /// What is left of a `w × h` canvas after the margins; an empty box (zero width or
    /// height) rather than an underflow when they do not fit.
    pub fn inset(w: usize, h: usize, left: usize, top: usize, right: usize, bottom: usize) -> PlotBox {
        PlotBox {
            left: left.min(w),
            top: top.min(h),
            width: w.saturating_sub(left + right),
            height: h.saturating_sub(top + bottom),
        }
    }

    /// One past the last column.
    pub fn right(&self) -> usize {
        self.left + self.width
    }

    /// One past the last row: the x axis is drawn on this row.
    pub fn bottom(&self) -> usize {
        self.top + self.height
    }

    /// Height in pixels of a bar of fraction `f` of the box (clamped to [0, 1]; NaN → 0).
    pub fn bar_height(&self, f: f32) -> usize {
        let f = if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) };
        (f * self.height as f32).round() as usize
    }

    /// Row of a horizontal line at fraction `f` of the height: the top row of a bar of that
    /// fraction, kept inside the box (f = 0 → bottom row, f = 1 → top row).
    pub fn row_of(&self, f: f32) -> usize {
        let h = self.bar_height(f).max(1).min(self.height);
        self.bottom().saturating_sub(h).max(self.top)
    }

    /// Column at fraction `f` of the width (clamped; NaN → left edge), for axis ticks.
    pub fn col_of(&self, f: f32) -> usize {
        let f = if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) };
        self.left + (f * self.width.saturating_sub(1) as f32).round() as usize
    }
}

/// Fraction of a log10 axis from 10^lo_exp (0) to 10^hi_exp (1) at which `v` sits, clamped
/// to [0, 1]. Zero, negative and NaN values sit at the bottom (a log axis cannot show them);
/// +∞ at the top. A degenerate axis (hi ≤ lo) puts everything at the bottom.
pub fn log_frac(v: f32, lo_exp: f32, hi_exp: f32) -> f32 {
    let drawable = v > 0.0 && hi_exp > lo_exp; // false for NaN too
    if !drawable {
        return 0.0;
    }
    ((v.log10() - lo_exp) / (hi_exp - lo_exp)).clamp(0.0, 1.0)
}

/// Columns `[x0, x1)` (relative to the plot's left edge) of bar `j` of `n` spread evenly over
/// `width` pixels. Bars share the width exactly (no drift at 400 units on 456 px); when a bar
/// is at least 3 px wide the last column is left as a 1 px gap between neighbours.
/// `j ≥ n` gives an empty span.
pub fn bar_span(j: usize, n: usize, width: usize) -> (usize, usize) {
    if j >= n {
        return (width, width);
    }
    let (x0, x1) = (j * width / n, (j + 1) * width / n);
    if x1 - x0 >= 3 {
        (x0, x1 - 1)
    } else {
        (x0, x1)
    }
}

/// Draws `n` bars bottom-up in `plot`: bar j is `frac(j)` of the box tall (see
/// [`PlotBox::bar_height`]) and coloured `colour(j)`. Every bar is at least `min_px` tall, so
/// a unit whose value is below the axis still shows its colour as a stub.
pub fn draw_bars(
    out: &mut Rgba,
    plot: PlotBox,
    n: usize,
    min_px: usize,
    frac: impl Fn(usize) -> f32,
    colour: impl Fn(usize) -> [u8; 4],
) {
    for j in 0..n {
        let (x0, x1) = bar_span(j, n, plot.width);
        let h = plot.bar_height(frac(j)).max(min_px).min(plot.height);
        out.fill_rect(plot.left + x0, plot.bottom() - h, x1 - x0, h, colour(j));
    }
}

/// The integers in [lo, hi] (for axis ticks at whole decades), empty when there are none or
/// either end is not finite.
pub fn integer_ticks(lo: f32, hi: f32) -> RangeInclusive<i32> {
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        #[allow(clippy::reversed_empty_ranges)] // deliberately empty
        return 1..=0;
    }
    (lo.ceil() as i32)..=(hi.floor() as i32)
}

/// Left edges (x) of legend entries laid out right to left so the last one ends at `right`:
/// each entry is a `swatch`-pixel square, `pad` pixels, then its text estimated at
/// `char_w` pixels per character, with `spacing` pixels between entries. Returned in the
/// order of `labels`; an entry that would start left of 0 starts at 0.
pub fn legend_lefts<const N: usize>(
    labels: [&str; N],
    right: usize,
    swatch: usize,
    pad: usize,
    char_w: usize,
    spacing: usize,
) -> [usize; N] {
    let mut lefts = [0; N];
    let mut end = right;
    for (i, label) in labels.iter().enumerate().rev() {
        let w = swatch + pad + label.chars().count() * char_w;
        lefts[i] = end.saturating_sub(w);
        end = lefts[i].saturating_sub(spacing);
    }
    lefts
}

#[cfg(test)]
mod tests {
    use super::*;

    const BG: [u8; 4] = [0, 0, 0, 255];
    const BAR: [u8; 4] = [1, 2, 3, 255];

    #[test]
    fn inset_never_underflows() {
        let p = PlotBox::inset(560, 180, 44, 24, 60, 26);
        assert_eq!(p, PlotBox { left: 44, top: 24, width: 456, height: 130 });
        assert_eq!((p.right(), p.bottom()), (500, 154));
        let tiny = PlotBox::inset(10, 5, 44, 24, 60, 26);
        assert_eq!((tiny.width, tiny.height), (0, 0));
        assert!(tiny.left <= 10 && tiny.top <= 5);
    }

    #[test]
    fn log_axis_puts_decades_evenly() {
        let f = |v| log_frac(v, -4.0, 0.0);
        assert_eq!(f(1e-4), 0.0);
        assert!((f(1e-2) - 0.5).abs() < 1e-6);
        assert!((f(1e-3) - 0.25).abs() < 1e-6);
        assert_eq!(f(1.0), 1.0);
        assert_eq!(f(5.0), 1.0, "clamped above");
        assert_eq!(f(1e-7), 0.0, "clamped below");
        assert_eq!(f(0.0), 0.0);
        assert_eq!(f(-1.0), 0.0);
        assert_eq!(f(f32::NAN), 0.0);
        assert_eq!(f(f32::INFINITY), 1.0);
        assert_eq!(log_frac(0.5, 0.0, 0.0), 0.0, "degenerate axis");
    }

    #[test]
    fn rows_and_heights_agree() {
        let p = PlotBox { left: 0, top: 10, width: 5, height: 100 };
        assert_eq!(p.bar_height(0.5), 50);
        assert_eq!(p.row_of(0.5), 60, "top row of a half-height bar");
        assert_eq!(p.row_of(1.0), 10);
        assert_eq!(p.row_of(0.0), 109, "bottom row, still inside");
        assert_eq!(p.row_of(f32::NAN), 109);
        assert_eq!(p.bar_height(2.0), 100);
        assert_eq!((p.col_of(0.0), p.col_of(1.0), p.col_of(f32::NAN)), (0, 4, 0));
        let empty = PlotBox::default();
        assert_eq!((empty.row_of(0.5), empty.bar_height(1.0)), (0, 0));
    }

    #[test]
    fn bars_tile_the_width_without_overlap() {
        for &(n, width) in &[(400, 456), (25, 456), (7, 100), (1, 50), (600, 300)] {
            let mut prev_end = 0;
            for j in 0..n {
                let (x0, x1) = bar_span(j, n, width);
                assert!(x0 >= prev_end && x1 >= x0 && x1 <= width, "n {n}, bar {j}: {x0}..{x1}");
                prev_end = x1;
            }
            assert_eq!(bar_span(n - 1, n, width).0, (n - 1) * width / n);
        }
        assert_eq!(bar_span(0, 4, 40), (0, 9), "wide bars keep a 1 px gap");
        assert_eq!(bar_span(1, 400, 456), (1, 2), "thin bars touch");
        assert_eq!(bar_span(0, 2, 4), (0, 2), "2 px bars get no gap: it would halve them");
        assert_eq!(bar_span(0, 2, 6), (0, 2), "3 px bars give up one column");
        assert_eq!(bar_span(5, 4, 40), (40, 40));
    }

    #[test]
    fn bars_are_drawn_bottom_up_with_a_minimum_stub() {
        let p = PlotBox { left: 2, top: 1, width: 8, height: 10 };
        let mut img = Rgba::new(12, 12);
        img.fill(BG);
        let fracs = [0.5, 0.0];
        draw_bars(&mut img, p, 2, 2, |j| fracs[j], |_| BAR);
        // Bar 0: columns 2..5 (4 px span, last column a gap), rows 6..11.
        assert_eq!(img.get(2, 10), Some(BAR));
        assert_eq!(img.get(4, 6), Some(BAR));
        assert_eq!(img.get(4, 5), Some(BG), "above the bar");
        assert_eq!(img.get(5, 10), Some(BG), "gap column");
        assert_eq!(img.get(2, 11), Some(BG), "the axis row below the box");
        // Bar 1: zero, but a 2 px stub.
        assert_eq!(img.get(6, 10), Some(BAR));
        assert_eq!(img.get(6, 9), Some(BAR));
        assert_eq!(img.get(6, 8), Some(BG));
        // No bars, or an empty box: nothing drawn, no panic.
        draw_bars(&mut img, PlotBox::default(), 3, 2, |_| 1.0, |_| BAR);
        draw_bars(&mut img, p, 0, 2, |_| 1.0, |_| BAR);
    }

    #[test]
    fn integer_ticks_cover_the_range() {
        assert_eq!(integer_ticks(-4.5, 0.0).collect::<Vec<_>>(), vec![-4, -3, -2, -1, 0]);
        assert_eq!(integer_ticks(-3.0, 0.0).count(), 4);
        assert_eq!(integer_ticks(0.2, 0.8).count(), 0);
        assert_eq!(integer_ticks(f32::NAN, 0.0).count(), 0);
        assert_eq!(integer_ticks(0.0, -1.0).count(), 0);
    }

    #[test]
    fn legend_entries_end_at_the_right_and_do_not_overlap() {
        let labels = ["ok", "dead", "always on"];
        let l = legend_lefts(labels, 548, 10, 5, 7, 14);
        assert_eq!(l[2], 548 - (10 + 5 + 9 * 7));
        assert_eq!(l[1], l[2] - 14 - (10 + 5 + 4 * 7));
        assert_eq!(l[0], l[1] - 14 - (10 + 5 + 2 * 7));
        assert_eq!(legend_lefts(labels, 20, 10, 5, 7, 14), [0, 0, 0], "no room: clamped, no panic");
    }
}
