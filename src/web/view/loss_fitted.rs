//! The cost chart's default view (see [`super::loss`]): the cost panel, linear and fitted to
//! the run after its warm-up, with a right axis for a second lane, over a small log panel of
//! the followed lane's penalty terms and weight decay, both on one log step axis.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::loss_parts::{
    cost_curves, draw_line, err, legend, legend_row, penalty_curves, ChartData, Stroke, AXIS, FONT, LANE_COLOURS,
    LEGEND_H, MUTED, TEXT, Y_LABELS,
};
use crate::history::LossPoint;
use crate::raster::{
    fit_start, fitted_range, format_cost, format_linear, format_step, log_range, log_ticks, step_range,
};

/// Share of the view's height (below the legend) that the cost panel takes; the penalty
/// panel gets the rest.
const MAIN_SHARE: f64 = 0.6;

/// The fitted view: the cost panel (linear, fitted; a right axis for a second lane) over the
/// penalty panel (log), both on a log step axis from the end of the warm-up.
pub(super) fn draw_fitted<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    text_scale: f64,
) -> Result<bool, String> {
    let font = |px: f64| (FONT, px * text_scale).into_font().color(&TEXT);
    let (_, h) = root.dim_in_pixel();
    let first = data.lanes.iter().filter_map(|l| l.points.first()).map(|p| p.first_step()).min().unwrap_or(0);
    let last = data.lanes.iter().filter_map(|l| l.points.last()).map(|p| p.step).max().unwrap_or(1);
    let mut start = fit_start(first, last);
    if !data.lanes.iter().flat_map(|l| l.points).any(|p| p.first_step() >= start) {
        start = first; // every point reaches back before it (a few long slices): fit them all
    }
    // the step axis starts at the first point the fit keeps, so no line runs in from off-axis
    let kept = |p: &&LossPoint| p.first_step() >= start;
    let x0 = data.lanes.iter().filter_map(|l| l.points.iter().find(kept)).map(|p| p.step).min().unwrap_or(start);
    let (x0, x1) = step_range(x0.max(1), last.max(1));
    let (x0, x1) = (x0 as f64, x1 as f64);
    let ticks = log_ticks(x0, x1);
    let x_axis = || (x0..x1).log_scale().with_key_points(ticks.clone());

    let costs = cost_curves(data);
    let lanes = data.lanes.len();
    // lane 0 on the left axis, every other lane on the right one
    let range_of = |on_left: bool| {
        let series = costs
            .iter()
            .filter(|c| (c.lane == 0) == on_left)
            .map(|c| data.lanes[c.lane].points.iter().map(move |p| (p.first_step(), p.step, c.term.value(p))));
        fitted_range(series, start).unwrap_or((0.0, 1.0))
    };
    let (left, right) = (range_of(true), if lanes > 1 { range_of(false) } else { range_of(true) });
    // room right of the plots: the second lane's axis, or enough for the last step label;
    // the same in both panels, so their step axes line up
    let right_pad = if lanes > 1 { Y_LABELS } else { 28 };

    let main_h = LEGEND_H + ((h - LEGEND_H) as f64 * MAIN_SHARE) as u32;
    let (top, bottom) = root.split_vertically(main_h);
    let mut chart = ChartBuilder::on(&top)
        .margin_left(12)
        .margin_right(12 + right_pad - if lanes > 1 { Y_LABELS } else { 0 })
        .margin_top(LEGEND_H)
        .x_label_area_size(6)
        .y_label_area_size(Y_LABELS)
        .right_y_label_area_size(if lanes > 1 { Y_LABELS } else { 0 })
        .build_cartesian_2d(x_axis(), left.0..left.1)
        .map_err(err)?
        .set_secondary_coord(x_axis(), right.0..right.1);
    let lane_font = |i: usize| font(12.0).color(&LANE_COLOURS[i % LANE_COLOURS.len()]);
    let name = |i: usize| if lanes > 1 { data.lanes[i].name.to_string() } else { "cost".to_string() };
    let (left_desc, right_desc) = (name(0), name(lanes.min(2) - 1));
    let span = (left.1 - left.0, right.1 - right.0);
    chart
        .configure_mesh()
        .y_desc(&left_desc)
        .x_labels(ticks.len())
        .y_labels(5)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|v| format_linear(*v, span.0))
        .label_style(if lanes > 1 { lane_font(0) } else { font(12.0) })
        .axis_desc_style(if lanes > 1 { lane_font(0) } else { font(13.0) })
        .axis_style(AXIS)
        .bold_line_style(WHITE.mix(0.08))
        .light_line_style(WHITE.mix(0.03))
        .max_light_lines(0)
        .draw()
        .map_err(err)?;
    if lanes > 1 {
        chart
            .configure_secondary_axes()
            .y_desc(&right_desc)
            .y_labels(5)
            .y_label_formatter(&|v| format_linear(*v, span.1))
            .label_style(lane_font(1))
            .axis_desc_style(lane_font(1))
            .axis_style(AXIS)
            .draw()
            .map_err(err)?;
    }
    // every curve is drawn in the left axis' coordinates: the right axis only labels them,
    // so other lanes' values are mapped from its range onto the left one
    let primary = std::ops::DerefMut::deref_mut(&mut chart);
    let mut shown = Vec::new();
    for c in &costs {
        let (lo, hi) = if c.lane == 0 { left } else { right };
        let to_left = |v: f64| left.0 + (v - lo) * (left.1 - left.0) / (hi - lo);
        let line: Vec<(f64, f64)> = data.lanes[c.lane]
            .points
            .iter()
            .filter(|p| p.step as f64 >= x0)
            .map(|p| (p.step as f64, c.term.value(p) as f64))
            .filter(|(_, v)| v.is_finite())
            .map(|(s, v)| (s, to_left(v.clamp(lo, hi))))
            .collect();
        if line.is_empty() {
            continue;
        }
        draw_line(primary, c.stroke, line, c.colour)?;
        shown.push(*c);
    }
    legend(root, data, &shown, LEGEND_H as i32 / 2, text_scale)?;
    draw_penalties(&bottom, data, (x0, x1, &ticks), start, right_pad, text_scale)?;
    Ok(true)
}

/// The fitted view's lower panel: the followed lane's penalty terms and weight decay on a log
/// axis fitted to the steps from `start` on, and the step axis' labels.
fn draw_penalties<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    (x0, x1, ticks): (f64, f64, &[f64]),
    start: u64,
    right_pad: u32,
    text_scale: f64,
) -> Result<(), String> {
    let font = |px: f64| (FONT, px * text_scale).into_font().color(&TEXT);
    // say where the view starts when the first steps are left out, and where they are
    let left_out = data.lanes.iter().filter_map(|l| l.points.first()).any(|p| (p.step as f64) < x0);
    let x_desc = if left_out {
        format!("step (log scale), from step {}: the first steps are in the full range view", format_step(x0))
    } else {
        "step (log scale)".to_string()
    };
    let curves = penalty_curves(data);
    let lane = &data.lanes[data.followed];
    let kept = |p: &&LossPoint| p.first_step() >= start;
    let values = curves.iter().flat_map(|c| lane.points.iter().filter(kept).map(|p| c.term.value(p)));
    let (lo, hi) = log_range(values).unwrap_or((1e-4, 1.0));
    let (lo, hi) = (lo * (1.0 - 1e-9), hi * (1.0 + 1e-9));
    let row: i32 = 18;
    let mut chart = ChartBuilder::on(area)
        .margin_left(12)
        .margin_right(12 + right_pad)
        .margin_bottom(6)
        .margin_top(row)
        .x_label_area_size(40)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d((x0..x1).log_scale().with_key_points(ticks.to_vec()), (lo..hi).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(&x_desc)
        .x_labels(ticks.len())
        .y_labels(3)
        .x_label_formatter(&|v| format_step(*v))
        .y_label_formatter(&|v| format_cost(*v))
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .axis_style(AXIS)
        .bold_line_style(WHITE.mix(0.08))
        .light_line_style(WHITE.mix(0.03))
        .max_light_lines(0)
        .draw()
        .map_err(err)?;
    let mut shown = Vec::new();
    for c in curves.iter().rev() {
        let line: Vec<(f64, f64)> = lane
            .points
            .iter()
            .filter(|p| p.step as f64 >= x0)
            .map(|p| (p.step as f64, c.term.value(p) as f64))
            .filter(|&(_, v)| v > 0.0 && v.is_finite())
            .map(|(s, v)| (s, v.clamp(lo, hi)))
            .collect();
        if line.is_empty() {
            continue;
        }
        draw_line(&mut chart, c.stroke, line, c.colour)?;
        shown.push(*c);
    }
    shown.reverse();
    let (w, _) = area.dim_in_pixel();
    let caption = format!("{}: penalty terms and weight decay (log scale)", lane.name);
    let style = font(11.0).color(&MUTED).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw_text(&caption, &style, (12 + Y_LABELS as i32, row / 2 + 2)).map_err(err)?;
    let key: Vec<(String, RGBColor, Stroke)> =
        shown.iter().map(|c| (c.term.label(lane.penalty_names), c.colour, c.stroke)).collect();
    legend_row(area, &key, w as i32 - 12, row / 2 + 2, text_scale)
}
