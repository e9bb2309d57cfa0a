//! A convolutional model's feature maps over a picture, as one grid: each cell is a kernel
//! (its own contrast, as in the filter grid) with its map beside it. The maps share one grey
//! scale, so a kernel that answers weakly looks weak; the values the sparsity keeps are amber.

use nalgebra::DMatrix;

use super::colormap::error_scale;
use super::tiles::{draw_tile, grid_shape, GRID_BACKGROUND};
use super::Rgba;

/// The values the sparsity keeps: the page's amber.
pub const KEPT_PX: [u8; 4] = [255, 180, 84, 255];
/// Pixels between cells and around the grid, and between a kernel and its map.
const GAP: usize = 6;
/// Largest enlargement of a map.
const MAX_SCALE: usize = 4;

/// Where the cells go: maps enlarged `scale` times, or (at scale 1) every `shrink`-th pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapGrid {
    /// Cells across and down.
    pub cols: usize,
    /// See `cols`.
    pub rows: usize,
    /// Map enlargement (≥ 1).
    pub scale: usize,
    /// Map reduction (≥ 1; > 1 only at scale 1): each shown pixel covers `shrink`² map pixels.
    pub shrink: usize,
    /// Kernel side, and its pixel size.
    pub k: usize,
    /// See `k`.
    pub kernel_scale: usize,
    /// Shown map size.
    pub map_w: usize,
    /// See `map_w`.
    pub map_h: usize,
}

impl MapGrid {
    /// The largest layout of `maps` maps of `w`×`h` with `k`×`k` kernels at most `width`
    /// pixels wide (the smallest when none fits: CSS shrinks the rest).
    pub fn fit(maps: usize, w: usize, h: usize, k: usize, width: usize) -> MapGrid {
        let (cols, rows) = grid_shape(maps);
        let layouts = (1..=MAX_SCALE).rev().map(|s| (s, 1)).chain((2..=8).map(|d| (1, d)));
        let at = |(scale, shrink): (usize, usize)| {
            let (map_w, map_h) = (w.div_ceil(shrink) * scale, h.div_ceil(shrink) * scale);
            // the kernel a third of the map's height: readable, and the map stays the larger
            let kernel_scale = (map_h / (3 * k.max(1))).max(1);
            MapGrid { cols, rows, scale, shrink, k, kernel_scale, map_w, map_h }
        };
        layouts.clone().map(at).find(|g| g.size().0 <= width).unwrap_or_else(|| at(layouts.last().expect("layouts")))
    }

    /// A cell's width and height.
    fn cell(&self) -> (usize, usize) {
        let side = self.k * self.kernel_scale;
        (side + GAP + self.map_w, self.map_h.max(side))
    }

    /// The grid's pixel size.
    pub fn size(&self) -> (usize, usize) {
        let (cw, ch) = self.cell();
        (self.cols * (cw + GAP) + GAP, self.rows * (ch + GAP) + GAP)
    }
}

/// Draws map i of `response` (maps of `w`×`h`, one after another) beside kernel i (row i of
/// `kernels`, k×k) in [`MapGrid::fit`]'s layout for `width` pixels, into `out` (resized).
/// Grey is the response on one scale for all maps (its 99th percentile is white; reduced maps
/// show each block's largest value); where `kept` is true a [`KEPT_PX`] dot is drawn.
pub fn draw_feature_maps(
    kernels: &DMatrix<f32>,
    response: &[f32],
    kept: &[bool],
    (w, h): (usize, usize),
    width: usize,
    out: &mut Rgba,
) {
    let (n, k) = (kernels.nrows(), (kernels.ncols() as f64).sqrt().round() as usize);
    let g = MapGrid::fit(n, w, h, k, width);
    let (bw, bh) = g.size();
    out.resize(bw, bh);
    out.fill(GRID_BACKGROUND);
    if w == 0 || h == 0 || response.len() < n * w * h || kept.len() < n * w * h {
        return;
    }
    let full = error_scale(response, &mut Vec::new());
    let (cw, ch) = g.cell();
    let d = g.shrink;
    for i in 0..n {
        let (x0, y0) = (GAP + (i % g.cols) * (cw + GAP), GAP + (i / g.cols) * (ch + GAP));
        let kernel = kernels.row(i);
        draw_tile(out, x0, y0, k, g.kernel_scale, |j| kernel[j]);
        let (map, keep) = (&response[i * w * h..(i + 1) * w * h], &kept[i * w * h..(i + 1) * w * h]);
        let mx = x0 + k * g.kernel_scale + GAP;
        out.blit_with(mx, y0, w.div_ceil(d), h.div_ceil(d), g.scale, |x, y| {
            let block = (y * d..(y * d + d).min(h)).flat_map(|v| (x * d..(x * d + d).min(w)).map(move |u| v * w + u));
            let top = block.fold(0.0f32, |m, at| m.max(map[at]));
            ((top / full).min(1.0) * 255.0) as u8
        });
        // each kept value as a dot a shown pixel wider than its pixel on every side: a single
        // pixel would be lost at 1:1
        let s = g.scale;
        for at in keep.iter().enumerate().filter(|(_, &k)| k).map(|(at, _)| at) {
            let (x, y) = (mx + (at % w / d) * s, y0 + (at / w / d) * s);
            out.fill_rect(x.saturating_sub(1), y.saturating_sub(1), s + 2, s + 2, KEPT_PX);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_fit_the_width_and_sit_beside_their_kernels() {
        // 25 maps of 128×128 with 5×5 kernels: 1:1 fits 1000 pixels, ×2 does not
        let g = MapGrid::fit(25, 128, 128, 5, 1000);
        assert_eq!((g.cols, g.rows, g.scale, g.shrink), (5, 5, 1, 1));
        assert!(g.size().0 <= 1000 && MapGrid::fit(25, 128, 128, 5, 2000).scale == 2);
        let small = MapGrid::fit(25, 128, 128, 5, 400);
        assert!(small.shrink > 1 && small.size().0 <= 400, "{small:?}");

        let kernels = DMatrix::from_fn(2, 9, |i, j| if j == 4 { 1.0 + i as f32 } else { 0.0 });
        let (w, h) = (6, 6);
        let mut response = vec![0.0; 2 * w * h];
        response[w * h + 7] = 2.0; // map 1, pixel (1, 1)
        let mut kept = vec![false; 2 * w * h];
        kept[3] = true; // map 0, pixel (3, 0)
        let mut out = Rgba::default();
        draw_feature_maps(&kernels, &response, &kept, (w, h), 1000, &mut out);
        let g = MapGrid::fit(2, w, h, 3, 1000);
        assert_eq!((out.width, out.height), g.size());
        let (ks, s) = (g.kernel_scale, g.scale);
        let map_x = |cell: usize| GAP + cell * (3 * ks + GAP + g.map_w + GAP) + 3 * ks + GAP;
        assert_eq!(out.get(map_x(0) + 3 * s, GAP), Some(KEPT_PX), "kept value of map 0");
        assert_eq!(out.get(map_x(1) + s, GAP + s), Some([255, 255, 255, 255]), "map 1's peak is white");
        assert_eq!(out.get(map_x(1), GAP), Some([0, 0, 0, 255]), "no response is black");
        assert_eq!(out.get(GAP + ks, GAP + ks), Some([255, 255, 255, 255]), "kernel 0's centre");
    }
}
