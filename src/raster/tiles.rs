//! The filter grid, as UFLDL's `display_network`: one tile per hidden unit showing its
//! incoming weights as a patch, each tile with its own contrast.

use nalgebra::DMatrix;

use super::Rgba;

/// Background between and around tiles: dark, so mid-grey tiles stand out.
pub const GRID_BACKGROUND: [u8; 4] = [20, 20, 24, 255];

/// Columns and rows of a near-square grid for `units` tiles: `cols = ⌈√units⌉`,
/// `rows = ⌈units / cols⌉` (26 → 6 × 5). Zero units give (0, 0).
pub fn grid_shape(units: usize) -> (usize, usize) {
    if units == 0 {
        return (0, 0);
    }
    // Integer ceil(sqrt): the float estimate is corrected so large counts stay exact.
    let mut cols = (units as f64).sqrt() as usize;
    while cols * cols < units {
        cols += 1;
    }
    while cols > 1 && (cols - 1) * (cols - 1) >= units {
        cols -= 1;
    }
    (cols, units.div_ceil(cols))
}

/// Pixel size (width, height) of the grid: each tile is `patch * scale` pixels square, with
/// `gap` pixels between tiles and around the edge.
pub fn grid_pixel_size(units: usize, patch: usize, scale: usize, gap: usize) -> (usize, usize) {
    let (cols, rows) = grid_shape(units);
    let step = patch * scale + gap;
    (cols * step + gap, rows * step + gap)
}

/// Largest enlargement [`fit_grid`] tries; beyond it tiles only get blurrier.
pub const MAX_SCALE: usize = 32;

/// The largest integer scale (≤ [`MAX_SCALE`], at least 1: CSS shrinks the rest) and its
/// gap whose grid is at most `width` pixels wide. Gaps are thin at small scales and a bit
/// wider when tiles are big (scale / 3, at least 1 pixel).
pub fn fit_grid(units: usize, patch: usize, width: usize) -> (usize, usize) {
    let gap = |s: usize| (s / 3).max(1);
    let scale = (1..=MAX_SCALE).rev().find(|&s| grid_pixel_size(units, patch, s, gap(s)).0 <= width).unwrap_or(1);
    (scale, gap(scale))
}

/// Which unit's tile lies under pixel (px, py) of the grid, or `None` over a gap, outside
/// the grid, or in an empty cell of the last row. Inverse of the layout used by
/// [`draw_filter_grid`] (for hovering).
pub fn tile_at(px: usize, py: usize, units: usize, patch: usize, scale: usize, gap: usize) -> Option<usize> {
    let tile = patch * scale;
    let step = tile + gap;
    if tile == 0 || px < gap || py < gap {
        return None;
    }
    let (cols, rows) = grid_shape(units);
    let (col, row) = ((px - gap) / step, (py - gap) / step);
    let inside = (px - gap) % step < tile && (py - gap) % step < tile;
    let unit = row * cols + col;
    (inside && col < cols && row < rows && unit < units).then_some(unit)
}

/// Grey level of weight `w` in a tile whose largest |weight| is `max_abs`: 0 → 128,
/// +max → 255, −max → 0. A flat (all-zero) tile is plain mid-grey.
fn weight_to_grey(w: f32, max_abs: f32) -> u8 {
    if max_abs > 0.0 && max_abs.is_finite() {
        ((w / max_abs + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8
    } else {
        128
    }
}

/// Draws the rows of `w1` (h × n, row j = unit j's weights over n = patch² inputs, input
/// index y·patch + x) as a grid of `patch × patch` tiles enlarged `scale` times, with `gap`
/// pixels of [`GRID_BACKGROUND`] between and around them, in [`grid_shape`] order.
///
/// `out` is resized to exactly [`grid_pixel_size`]; when its allocation is already large
/// enough nothing is allocated. Each tile is scaled by its own max |weight| so weak and
/// strong filters are equally readable (UFLDL's display_network does the same), after
/// removing its mean (see [`draw_tile`]). Inputs
/// beyond `w1.ncols()` (a patch size that does not match) are drawn as zero.
pub fn draw_filter_grid(w1: &DMatrix<f32>, patch: usize, scale: usize, gap: usize, out: &mut Rgba) {
    draw_grid(w1, patch, scale, gap, out, |out, x0, y0, patch, scale, v| draw_tile(out, x0, y0, patch, scale, v));
}

/// [`draw_filter_grid`] for pictures (a decoder's outputs): one grey scale for all of them,
/// the darkest value of the whole grid black and the brightest white, so brightness and
/// contrast compare across tiles (each tile's own contrast would hide how little a latent
/// moves the picture).
pub fn draw_picture_grid(rows: &DMatrix<f32>, patch: usize, scale: usize, gap: usize, out: &mut Rgba) {
    let (lo, hi) = rows.iter().filter(|v| v.is_finite()).fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let inv = if hi > lo { 1.0 / (hi - lo) } else { 0.0 };
    draw_grid(rows, patch, scale, gap, out, |out, x0, y0, patch, scale, v| {
        // a NaN picture is an empty cell (a latent traversal pads its grid to whole rows)
        if v(0).is_nan() {
            return;
        }
        out.blit_with(x0, y0, patch, patch, scale, |x, y| {
            ((v(y * patch + x) - lo) * inv * 255.0).clamp(0.0, 255.0) as u8
        })
    });
}

/// The grid of [`draw_filter_grid`], each tile drawn by `tile`.
fn draw_grid(
    w1: &DMatrix<f32>,
    patch: usize,
    scale: usize,
    gap: usize,
    out: &mut Rgba,
    tile: impl Fn(&mut Rgba, usize, usize, usize, usize, &dyn Fn(usize) -> f32),
) {
    let units = w1.nrows();
    let n = w1.ncols().min(patch * patch);
    let (w, h) = grid_pixel_size(units, patch, scale, gap);
    out.resize(w, h);
    out.fill(GRID_BACKGROUND);
    let (cols, _) = grid_shape(units);
    let step = patch * scale + gap;
    for j in 0..units {
        let row = w1.row(j);
        let (x0, y0) = (gap + (j % cols) * step, gap + (j / cols) * step);
        tile(out, x0, y0, patch, scale, &|i| if i < n { row[i] } else { 0.0 });
    }
}

/// Draws one filter as a `patch × patch` tile enlarged `scale` times with its top-left
/// corner at (x0, y0), with its own contrast: `weight(i)` is input i's weight (index
/// y·patch + x). The tile's mean weight is removed first: every training patch has the same
/// mean, so a filter's uniform part only shifts the unit's input like a bias and says nothing
/// about what it detects (a unit with nothing to learn, as on white noise, keeps a large
/// uniform part that would otherwise paint the tile flat black). Then the largest |weight|
/// is white or black and 0 is mid-grey. Callers return 0 for inputs they do not have.
/// Clipped at the buffer edges.
pub fn draw_tile(out: &mut Rgba, x0: usize, y0: usize, patch: usize, scale: usize, weight: impl Fn(usize) -> f32) {
    let n = patch * patch;
    let mean = if n > 0 { (0..n).map(&weight).sum::<f32>() / n as f32 } else { 0.0 };
    let centred = |i: usize| weight(i) - mean;
    let max_abs = (0..n).fold(0.0f32, |m, i| m.max(centred(i).abs()));
    out.blit_with(x0, y0, patch, patch, scale, |x, y| weight_to_grey(centred(y * patch + x), max_abs));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_near_square() {
        assert_eq!(grid_shape(25), (5, 5));
        assert_eq!(grid_shape(100), (10, 10));
        assert_eq!(grid_shape(26), (6, 5));
        assert_eq!(grid_shape(24), (5, 5));
        assert_eq!(grid_shape(1), (1, 1));
        assert_eq!(grid_shape(0), (0, 0));
        for units in 1..500 {
            let (c, r) = grid_shape(units);
            assert!(c * r >= units && (c - 1) * (c - 1) < units, "units {units}: {c}×{r}");
        }
    }

    #[test]
    fn pixel_size_counts_tiles_and_gaps() {
        // 5 tiles of 8·3 = 24 px plus 6 gaps of 2 px.
        assert_eq!(grid_pixel_size(25, 8, 3, 2), (5 * 24 + 6 * 2, 5 * 24 + 6 * 2));
        assert_eq!(grid_pixel_size(26, 8, 1, 1), (6 * 9 + 1, 5 * 9 + 1));
    }

    #[test]
    fn fit_grid_picks_the_largest_scale_that_fits() {
        // 25 units of 8×8 in a 360 px box: scale 8 with 2 px gaps is 332 px; 9 would be 378.
        assert_eq!(fit_grid(25, 8, 360), (8, 2));
        assert_eq!(grid_pixel_size(25, 8, 8, 2).0, 332);
        assert_eq!(grid_pixel_size(25, 8, 9, 3).0, 378);
        assert_eq!(fit_grid(400, 16, 100), (1, 1), "never below 1");
        assert_eq!(fit_grid(1, 1, 100_000).0, MAX_SCALE);
    }

    #[test]
    fn weights_map_to_grey_per_tile_at_the_right_pixels() {
        let (patch, scale, gap) = (8, 2, 1);
        let mut w1 = DMatrix::<f32>::zeros(25, 64);
        // Unit 0: max positive weight at input (x=3, y=1), a negative one at (0, 0).
        w1[(0, 8 + 3)] = 0.5;
        w1[(0, 0)] = -0.25;
        w1[(0, 63)] = -0.25; // tiles are drawn mean-removed: keep these filters zero-mean
                             // Unit 6 (column 1, row 1): max |w| is the negative one, at (x=7, y=7).
        w1[(6, 63)] = -4.0;
        w1[(6, 2 * 8 + 5)] = 4.0 * 0.5;
        w1[(6, 1)] = 2.0;
        let mut out = Rgba::default();
        draw_filter_grid(&w1, patch, scale, gap, &mut out);
        assert_eq!((out.width, out.height), grid_pixel_size(25, patch, scale, gap));

        let step = patch * scale + gap; // 17
        let grey = |g: u8| Some([g, g, g, 255]);
        // Tile 0 starts at (1, 1); input (3, 1) covers pixels x 7..9, y 3..5.
        assert_eq!(out.get(gap + 3 * scale, gap + scale), grey(255));
        assert_eq!(out.get(gap + 3 * scale + 1, gap + scale + 1), grey(255));
        assert_eq!(out.get(gap, gap), grey(64), "−0.25 / 0.5 → 127.5·0.5 = 63.75 → 64");
        assert_eq!(out.get(gap + scale, gap), grey(128), "zero weight is mid-grey");
        assert_eq!(out.get(0, 0), Some(GRID_BACKGROUND), "border gap");
        assert_eq!(out.get(step, 5), Some(GRID_BACKGROUND), "gap between tiles 0 and 1");
        // Tile 6 starts at (1 + 17, 1 + 17); its own contrast: −4 → 0, +2 → 191.
        let (x6, y6) = (gap + step, gap + step);
        assert_eq!(out.get(x6 + 7 * scale + 1, y6 + 7 * scale + 1), grey(0));
        assert_eq!(out.get(x6 + 5 * scale, y6 + 2 * scale), grey(191));
        assert_eq!(out.get(x6, y6), grey(128));
        // An all-zero unit (tile 1) is flat grey.
        assert_eq!(out.get(gap + step + 3, gap + 3), grey(128));
    }

    #[test]
    fn tiles_fill_row_by_row_and_tile_at_matches_the_drawing() {
        let (patch, scale, gap) = (4, 2, 1);
        let mut w1 = DMatrix::<f32>::zeros(25, 16);
        w1[(7, 0)] = 1.0; // unit 7: column 2, row 1 (not the transposed column 1, row 2)
        let mut out = Rgba::default();
        draw_filter_grid(&w1, patch, scale, gap, &mut out);
        let step = patch * scale + gap;
        assert_eq!(out.get(gap + 2 * step, gap + step), Some([255, 255, 255, 255]));
        assert_eq!(out.get(gap + step, gap + 2 * step), Some([128, 128, 128, 255]));
        // Every pixel is background exactly where tile_at finds no tile.
        for y in 0..out.height {
            for x in 0..out.width {
                let bg = out.get(x, y) == Some(GRID_BACKGROUND);
                assert_eq!(bg, tile_at(x, y, 25, patch, scale, gap).is_none(), "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn a_uniform_offset_does_not_change_a_tile() {
        // a unit that learned nothing but a uniform weight (as on white noise) still shows
        // its remaining structure, not a flat black tile
        let w = [0.3, -0.1, 0.05, 0.2];
        let (mut a, mut b) = (Rgba::new(4, 4), Rgba::new(4, 4));
        draw_tile(&mut a, 0, 0, 2, 2, |i| w[i]);
        draw_tile(&mut b, 0, 0, 2, 2, |i| w[i] - 10.0);
        for (x, y) in [(0, 0), (3, 0), (0, 3), (3, 3)] {
            let (pa, pb) = (a.get(x, y).unwrap()[0], b.get(x, y).unwrap()[0]);
            assert!(pa.abs_diff(pb) <= 1, "pixel ({x}, {y}): {pa} vs {pb}");
        }
        assert_eq!(a.get(2, 0), Some([0, 0, 0, 255]), "the largest centred |weight| (−0.2125) is black");
    }

    #[test]
    fn a_single_tile_has_its_own_contrast() {
        let mut out = Rgba::new(6, 6);
        out.fill(GRID_BACKGROUND);
        let w = [1.5, -2.0, 0.0, 0.5]; // 2×2 zero-mean filter; max |w| = 2
        draw_tile(&mut out, 1, 1, 2, 2, |i| w.get(i).copied().unwrap_or(0.0));
        let grey = |g: u8| Some([g, g, g, 255]);
        assert_eq!(out.get(1, 1), grey(223), "+1.5 of ±2");
        assert_eq!(out.get(4, 2), grey(0), "−2: black");
        assert_eq!(out.get(1, 3), grey(128), "0: mid-grey");
        assert_eq!(out.get(4, 4), grey(159));
        assert_eq!(out.get(0, 0), Some(GRID_BACKGROUND));
        assert_eq!(out.get(5, 5), Some(GRID_BACKGROUND));
        // NaN weights and an all-zero filter stay drawable (NaN max is ignored by f32::max).
        draw_tile(&mut out, 1, 1, 2, 2, |_| f32::NAN);
        draw_tile(&mut out, 1, 1, 2, 2, |_| 0.0);
        assert_eq!(out.get(1, 1), grey(128));
    }

    #[test]
    fn redrawing_does_not_reallocate() {
        let w1 = DMatrix::<f32>::from_fn(25, 64, |i, j| (i * 64 + j) as f32 - 800.0);
        let mut out = Rgba::default();
        draw_filter_grid(&w1, 8, 3, 2, &mut out);
        let (ptr, cap) = (out.data.as_ptr(), out.data.capacity());
        draw_filter_grid(&w1, 8, 3, 2, &mut out);
        assert_eq!((out.data.as_ptr(), out.data.capacity()), (ptr, cap));
    }

    #[test]
    fn tile_at_inverts_the_layout() {
        for &(units, patch, scale, gap) in &[(25, 8, 3, 2), (26, 6, 2, 1), (7, 4, 1, 3), (100, 8, 1, 0)] {
            let (cols, rows) = grid_shape(units);
            let tile = patch * scale;
            let step = tile + gap;
            for j in 0..units {
                let (x0, y0) = (gap + (j % cols) * step, gap + (j / cols) * step);
                let at = |x, y| tile_at(x, y, units, patch, scale, gap);
                assert_eq!(at(x0 + tile / 2, y0 + tile / 2), Some(j), "centre of tile {j}");
                assert_eq!(at(x0, y0), Some(j));
                assert_eq!(at(x0 + tile - 1, y0 + tile - 1), Some(j));
                if gap > 0 {
                    assert_eq!(at(x0 + tile, y0 + tile / 2), None, "gap right of tile {j}");
                    assert_eq!(at(x0 + tile / 2, y0 - 1), None, "gap above tile {j}");
                }
            }
            // Empty cells of the last row and pixels past the grid hit nothing.
            let (w, h) = grid_pixel_size(units, patch, scale, gap);
            if cols * rows > units {
                let j = cols * rows - 1;
                let (x0, y0) = (gap + (j % cols) * step, gap + (j / cols) * step);
                assert_eq!(tile_at(x0 + 1, y0 + 1, units, patch, scale, gap), None);
            }
            assert_eq!(tile_at(w, h / 2, units, patch, scale, gap), None);
            assert_eq!(tile_at(w / 2, h + 5, units, patch, scale, gap), None);
        }
    }
}
