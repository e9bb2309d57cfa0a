//! The top principal components of the same patches, drawn as the same tile grid as the
//! learned filters, for comparison: PCA finds global, Fourier-like components where the
//! sparse autoencoder finds local edges.

use super::tile_grid::TileGridView;

/// Draws PCA components (k × patch², one component per row, strongest first) as a grid of
/// tiles, each with its own contrast: `PcaView::new(canvas)`,
/// `draw(&mut self, components, patch)`, `unit_at(css_x, css_y)` (the component under the
/// mouse) and `canvas()`. See [`TileGridView`].
pub type PcaView = TileGridView;
