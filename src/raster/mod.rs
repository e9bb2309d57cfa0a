//! Pure pixel work for the views: RGBA buffers built in Rust, handed to a canvas in one call.
//!
//! - [`Rgba`]: a reusable pixel buffer with nearest-neighbour grey blits.
//! - [`draw_filter_grid`] and friends: the UFLDL-style grid of learned filters, and the
//!   inverse layout ([`tile_at`]) for hovering.
//! - [`DiagramLayout`]: where the network diagram's images and nodes go.
//! - [`log_range`] and friends: guarded axis ranges and tick labels for the loss chart;
//!   [`fitted_range`] and friends: its default view, fitted to the run.
//! - [`PlotBox`], [`draw_bars`] and friends: bar charts as pixels (ρ̂ per unit, firing).
//! - [`heat`], [`error_scale`]: the red error colour map and its robust scale.
//! - [`draw_feature_maps`]: a convolutional model's kernels, each beside its feature map.
//! - [`Triptych`], [`UnitDetailLayout`]: where the image views' pictures go.
//! - [`draw_trajectory`]: sparse coding's code over its FISTA iterations.
//! - [`write_sig`] and friends: label numbers written into reused strings.

mod bars;
mod chart;
mod colormap;
mod diagram;
mod feature_maps;
mod fit;
mod inference;
mod layout;
mod rgba;
mod text;
mod tiles;

pub use bars::{bar_span, draw_bars, integer_ticks, legend_lefts, log_frac, PlotBox};
pub use chart::{format_cost, log_range, step_range, MAX_DECADES};
pub use colormap::{abs_quantile, error_scale, heat, heat_of, PATCH_ERROR_FULL};
pub use diagram::{DiagramLayout, MARGIN as DIAGRAM_MARGIN};
pub use feature_maps::{draw_feature_maps, MapGrid, KEPT_PX};
pub use fit::{fit_start, fitted_range, format_linear, format_step, log_ticks, WARMUP_STEPS};
pub use inference::{code_colour, draw_trajectory, l0_per_iteration};
pub use layout::{Triptych, UnitDetailLayout, MARGIN as LAYOUT_MARGIN, MAX_TOP};
pub use rgba::{patch_to_grey, Rgba};
pub use text::{write_fixed, write_percent, write_sig};
pub use tiles::{
    draw_filter_grid, draw_picture_grid, draw_tile, fit_grid, grid_pixel_size, grid_shape, tile_at, GRID_BACKGROUND,
    MAX_SCALE,
};
