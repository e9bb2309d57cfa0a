//! Geometry of the network diagram (input patch → hidden units → reconstruction), kept pure
//! so "every node is on the canvas and no two overlap" is tested natively.

/// Space around the picture, in pixels.
pub const MARGIN: f64 = 12.0;
/// Height of the label row above the picture.
pub const LABEL_H: f64 = 24.0;
/// Largest distance between node centres: a few units should not become huge discs.
pub const MAX_PITCH: f64 = 36.0;

/// Where everything goes on a `width × height` canvas for `units` nodes and `patch²` inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiagramLayout {
    /// Number of hidden units laid out.
    pub units: usize,
    /// Side of each enlarged patch image in pixels (`patch * scale`).
    pub img: f64,
    /// Integer enlargement of the patches, so their pixels stay square and sharp.
    pub scale: usize,
    /// Top edge of both images.
    pub img_y: f64,
    /// Left edge of the input image.
    pub input_x: f64,
    /// Left edge of the reconstruction image.
    pub output_x: f64,
    /// Columns and rows of the node grid.
    pub cols: usize,
    /// See `cols`.
    pub rows: usize,
    /// Distance between neighbouring node centres.
    pub pitch: f64,
    /// Node radius.
    pub radius: f64,
    /// Centre of the top-left node cell.
    pub node_x: f64,
    /// See `node_x`.
    pub node_y: f64,
    /// Vertical centre of the label row.
    pub label_y: f64,
}

impl DiagramLayout {
    /// Lays out the diagram. Degenerate sizes (tiny canvas, zero units or patch) still give
    /// finite numbers; callers skip what has nothing to draw.
    pub fn new(width: f64, height: f64, units: usize, patch: usize) -> Self {
        let top = MARGIN + LABEL_H;
        let body_h = (height - top - MARGIN).max(1.0);
        // Patch images: about a quarter of the width each, as tall as the body allows.
        let target = body_h.min(width * 0.26);
        let scale = ((target / patch.max(1) as f64).floor() as usize).max(1);
        let img = (patch * scale) as f64;
        let img_y = top + ((body_h - img) / 2.0).max(0.0);
        let (input_x, output_x) = (MARGIN, (width - MARGIN - img).max(MARGIN + img));
        // Nodes use the middle 60 % between the images; the rest is left for the wedges.
        let free = (output_x - input_x - img).max(1.0);
        let (cols, rows, pitch) = node_grid(units, free * 0.6, body_h);
        let node_x = input_x + img + (free - pitch * (cols - 1) as f64) / 2.0;
        let node_y = top + (body_h - pitch * (rows - 1) as f64) / 2.0;
        let label_y = MARGIN + LABEL_H / 2.0 - 2.0;
        let radius = pitch * 0.38;
        DiagramLayout {
            units,
            img,
            scale,
            img_y,
            input_x,
            output_x,
            cols,
            rows,
            pitch,
            radius,
            node_x,
            node_y,
            label_y,
        }
    }

    /// Centre of node `j`. Units are dealt to columns as evenly as possible (26 in 5
    /// columns: 6, 5, 5, 5, 5) and each column is centred, so shorter columns sit half a
    /// pitch lower, like a staggered layer.
    pub fn node(&self, j: usize) -> (f64, f64) {
        let (base, extra) = (self.units / self.cols, self.units % self.cols);
        let long = extra * (base + 1); // the first `extra` columns hold base + 1 units
        let (col, row) = if j < long {
            (j / (base + 1), j % (base + 1))
        } else {
            let k = j - long;
            (extra + k / base.max(1), k % base.max(1))
        };
        let in_col = base + usize::from(col < extra);
        let offset = self.rows.saturating_sub(in_col) as f64 * self.pitch / 2.0;
        (self.node_x + col as f64 * self.pitch, self.node_y + row as f64 * self.pitch + offset)
    }

    /// Left, right, top and bottom of the node block, discs included (wedges end here).
    pub fn node_box(&self) -> (f64, f64, f64, f64) {
        let r = self.radius;
        let right = self.node_x + (self.cols - 1) as f64 * self.pitch;
        let bottom = self.node_y + (self.rows - 1) as f64 * self.pitch;
        (self.node_x - r, right + r, self.node_y - r, bottom + r)
    }
}

/// Columns, rows and pitch of the node grid in a `width × height` box. Picks the largest
/// pitch (capped at [`MAX_PITCH`]), but among column counts within 15 % of it prefers the
/// fewest empty cells, so 25 units make a 5 × 5 block and 100 a 10 × 10 one.
fn node_grid(units: usize, width: f64, height: f64) -> (usize, usize, f64) {
    let n = units.max(1);
    let pitch = |c: usize| (height / n.div_ceil(c) as f64).min(width / c as f64).min(MAX_PITCH);
    let best = (1..=n).map(pitch).fold(0.0, f64::max);
    let cols = (1..=n).filter(|&c| pitch(c) >= 0.85 * best).min_by_key(|&c| (c * n.div_ceil(c) - n, c)).unwrap_or(1);
    (cols, n.div_ceil(cols), pitch(cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_unit_counts_make_tidy_blocks() {
        let l = DiagramLayout::new(640.0, 300.0, 25, 8);
        assert_eq!((l.cols, l.rows), (5, 5));
        assert_eq!(l.scale, 20, "an 8×8 patch is shown at 160 px");
        let l = DiagramLayout::new(640.0, 300.0, 100, 8);
        assert_eq!((l.cols, l.rows), (10, 10));
        let l = DiagramLayout::new(640.0, 300.0, 7, 8);
        assert_eq!((l.cols, l.rows), (1, 7), "few units form one column");
    }

    #[test]
    fn nodes_stay_on_the_canvas_and_apart() {
        for &(w, h) in &[(640.0, 300.0), (360.0, 220.0), (1000.0, 400.0)] {
            for &patch in &[6, 8, 12, 16] {
                for units in 1..=400 {
                    let l = DiagramLayout::new(w, h, units, patch);
                    let (left, right, top, bottom) = l.node_box();
                    let ctx = format!("{w}×{h}, {units} units, patch {patch}");
                    assert!(left >= l.input_x + l.img && right <= l.output_x, "{ctx}: between the images");
                    assert!(top >= MARGIN + LABEL_H - 1e-9 && bottom <= h - MARGIN + 1e-9, "{ctx}: {top}..{bottom}");
                    assert!(l.radius > 0.0 && l.radius < l.pitch / 2.0, "{ctx}: discs do not touch");
                    let centres: Vec<_> = (0..units).map(|j| l.node(j)).collect();
                    for &(x, y) in &centres {
                        assert!(x - l.radius >= left - 1e-9 && x + l.radius <= right + 1e-9, "{ctx}");
                        assert!(y - l.radius >= top - 1e-9 && y + l.radius <= bottom + 1e-9, "{ctx}");
                    }
                    // Distinct cells: no two centres closer than one pitch (half, when staggered).
                    let mut sorted = centres.clone();
                    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
                    sorted.dedup_by(|a, b| (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6);
                    assert_eq!(sorted.len(), units, "{ctx}: every node has its own place");
                }
            }
        }
    }

    #[test]
    fn images_fit_and_do_not_overlap() {
        let l = DiagramLayout::new(640.0, 300.0, 25, 8);
        assert!(l.input_x + l.img < l.output_x);
        assert!(l.output_x + l.img <= 640.0 - MARGIN + 1e-9);
        assert!(l.img_y >= MARGIN + LABEL_H && l.img_y + l.img <= 300.0 - MARGIN);
        // Degenerate inputs give finite numbers, not NaN or a panic.
        let l = DiagramLayout::new(0.0, 0.0, 0, 0);
        assert!(l.pitch.is_finite() && l.node_x.is_finite() && l.node_y.is_finite());
    }
}
