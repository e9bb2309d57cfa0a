//! The grid of learned filters: W1's rows as tiles, composed in Rust and pushed with one
//! `put_image_data` per frame.
//!
//! The drawing lives in [`TileGridView`], shared with the PCA comparison
//! ([`super::pca_tiles::PcaView`]) so both grids look and hover alike.

use super::tile_grid::TileGridView;

/// Draws W1 (hidden × patch²) as a grid of filter tiles on one canvas:
/// `FilterView::new(canvas)`, `draw(&mut self, w1, patch)`, `unit_at(css_x, css_y)` (the
/// hidden unit under the mouse) and `canvas()`. See [`TileGridView`].
pub type FilterView = TileGridView;
