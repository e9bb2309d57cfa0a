//! Pure pixel work for the views: RGBA buffers built in Rust, handed to a canvas in one call.
//!
//! - [`Rgba`]: a reusable pixel buffer with nearest-neighbour grey blits.
//! - [`draw_filter_grid`] and friends: the UFLDL-style grid of learned filters, and the
//!   inverse layout ([`tile_at`]) for hovering.
//! - [`DiagramLayout`]: where the network diagram's images and nodes go.
//! - [`log_range`] and friends: guarded axis ranges and tick labels for the loss chart.

mod chart;
mod diagram;
mod rgba;
mod tiles;

pub use chart::{format_cost, log_range, step_range, MAX_DECADES};
pub use diagram::{DiagramLayout, MARGIN as DIAGRAM_MARGIN};
pub use rgba::{patch_to_grey, Rgba};
pub use tiles::{draw_filter_grid, fit_grid, grid_pixel_size, grid_shape, tile_at, GRID_BACKGROUND, MAX_SCALE};
