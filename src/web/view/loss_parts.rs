//! The cost chart's pieces, shared by its two views: the data it draws, colours, which cost a
//! curve reads, how it is stroked, the curves of each panel and the legend (see [`super::loss`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::history::LossPoint;

/// The page background (#111318).
pub const BG: RGBColor = RGBColor(17, 19, 24);
/// Chart text.
pub const TEXT: RGBColor = RGBColor(201, 206, 216);
/// Notes and captions, quieter than [`TEXT`].
pub const MUTED: RGBColor = RGBColor(140, 146, 158);
/// Axis lines, and the neutral line-style key when several lanes share the chart.
pub const AXIS: RGBColor = RGBColor(120, 126, 138);
/// The chart's font family.
pub const FONT: &str = "sans-serif";
/// One colour per lane (model), used for its curves, its axis and its name: cyan and pink
/// are told apart by every common colour-vision deficiency.
pub const LANE_COLOURS: [RGBColor; 4] =
    [RGBColor(90, 200, 250), RGBColor(255, 120, 170), RGBColor(150, 220, 110), RGBColor(250, 210, 90)];

/// Which cost of a [`LossPoint`] a curve shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Term {
    /// The total cost.
    Total,
    /// The reconstruction term.
    Recon,
    /// The total on held-out patches (measured now and then; NaN elsewhere).
    HeldOut,
    /// The model's penalty term `k`, named by its `penalty_names()[k]`.
    Penalty(usize),
    /// Weight decay.
    Decay,
}

impl Term {
    /// Colours of the penalty terms, in order.
    pub const PENALTY_COLOURS: [RGBColor; 3] =
        [RGBColor(255, 170, 70), RGBColor(240, 225, 110), RGBColor(230, 110, 80)];
    /// Colour of weight decay.
    pub const DECAY_COLOUR: RGBColor = RGBColor(150, 155, 165);

    /// This term of `p`.
    pub fn value(self, p: &LossPoint) -> f32 {
        match self {
            Term::Total => p.total,
            Term::Recon => p.recon,
            Term::HeldOut => p.held_out,
            Term::Penalty(k) => p.penalties.get(k).copied().unwrap_or(f32::NAN),
            Term::Decay => p.decay,
        }
    }

    /// Its name in the legend; penalty terms by the model's own names.
    pub fn label(self, penalty_names: &[&str]) -> String {
        match self {
            Term::Total => "total".into(),
            Term::Recon => "reconstruction".into(),
            Term::HeldOut => "held-out total".into(),
            Term::Penalty(k) => penalty_names.get(k).copied().unwrap_or("penalty").into(),
            Term::Decay => "weight decay".into(),
        }
    }
}

/// How a curve is drawn: the total solid, the reconstruction dashed, the held-out cost (a
/// measurement now and then, not a series of averages) as dots.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stroke {
    /// A solid line this many pixels wide.
    Solid(u32),
    /// A dashed line.
    Dashed,
    /// A dot at each point.
    Dots,
}

/// One curve: lane `lane`'s `term`, in `colour`, drawn as `stroke`.
#[derive(Clone, Copy, Debug)]
pub struct Curve {
    /// The lane whose history it reads.
    pub lane: usize,
    /// Which cost.
    pub term: Term,
    /// Its colour.
    pub colour: RGBColor,
    /// Its line style.
    pub stroke: Stroke,
}

/// Draws `line` (in the chart's coordinates) as `stroke` in `colour`.
pub fn draw_line<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    stroke: Stroke,
    line: Vec<(f64, f64)>,
    colour: RGBColor,
) -> Result<(), String>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let drawn = match stroke {
        Stroke::Solid(w) => chart.draw_series(LineSeries::new(line, colour.stroke_width(w))).map(|_| ()),
        Stroke::Dashed => chart.draw_series(DashedLineSeries::new(line, 6, 4, colour.stroke_width(1))).map(|_| ()),
        Stroke::Dots => chart.draw_series(line.into_iter().map(|p| Circle::new(p, 2, colour.filled()))).map(|_| ()),
    };
    drawn.map_err(|e| format!("loss chart: {e}"))
}

/// A right-aligned row of legend entries ending at `right`, centred on `y`. Widths are
/// measured at the unscaled size, the size the text is finally shown at on either backend
/// (the SVG backend shrinks its text by `text_scale`), so the spacing matches on screen and
/// in the SVG.
pub fn legend_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, Stroke)],
    right: i32,
    y: i32,
    text_scale: f64,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("loss chart: {e}");
    let anchor = Pos::new(HPos::Left, VPos::Center);
    let measure = (FONT, 12.0).into_font().color(&TEXT).pos(anchor);
    let style = (FONT, 12.0 * text_scale).into_font().color(&TEXT).pos(anchor);
    let mut right = right;
    for (name, colour, stroke) in entries.iter().rev() {
        let (text_w, _) = root.estimate_text_size(name, &measure).map_err(err)?;
        let text_x = right - text_w as i32;
        root.draw_text(name, &style, (text_x, y)).map_err(err)?;
        let (a, b) = (text_x - 24, text_x - 6);
        match stroke {
            Stroke::Solid(w) => root.draw(&PathElement::new([(a, y), (b, y)], colour.stroke_width(*w))),
            Stroke::Dashed => root
                .draw(&PathElement::new([(a, y), (a + 6, y)], colour.stroke_width(1)))
                .and_then(|_| root.draw(&PathElement::new([(a + 10, y), (b, y)], colour.stroke_width(1)))),
            Stroke::Dots => root.draw(&Circle::new(((a + b) / 2, y), 2, colour.filled())),
        }
        .map_err(err)?;
        right = a - 18;
    }
    Ok(())
}

/// Height of the legend row above the plot area.
pub const LEGEND_H: u32 = 28;
/// Width of a y axis' label area.
pub const Y_LABELS: u32 = 64;

/// One lane's curves.
#[derive(Clone, Copy, Debug)]
pub struct LaneCurves<'a> {
    /// The model's name, for the legend and the lane's axis.
    pub name: &'a str,
    /// The model's penalty terms' names, in the order of [`LossPoint::penalties`].
    pub penalty_names: &'a [&'a str],
    /// The lane's history, oldest first.
    pub points: &'a [LossPoint],
}

/// Everything the chart shows.
#[derive(Clone, Copy, Debug)]
pub struct ChartData<'a> {
    /// Each lane's curves, in lane order (lane `i` gets colour `i`).
    pub lanes: &'a [LaneCurves<'a>],
    /// The lane the readouts follow: its penalty terms and held-out cost are shown.
    pub followed: usize,
    /// The full view: every step and term on one log axis.
    pub full: bool,
}

/// The total and reconstruction of every lane, and the followed lane's held-out cost.
pub fn cost_curves(data: &ChartData) -> Vec<Curve> {
    let mut out = Vec::new();
    for lane in 0..data.lanes.len() {
        let colour = LANE_COLOURS[lane % LANE_COLOURS.len()];
        out.push(Curve { lane, term: Term::Recon, colour, stroke: Stroke::Dashed });
        out.push(Curve { lane, term: Term::Total, colour, stroke: Stroke::Solid(2) });
    }
    let colour = LANE_COLOURS[data.followed % LANE_COLOURS.len()];
    out.push(Curve { lane: data.followed, term: Term::HeldOut, colour, stroke: Stroke::Dots });
    out
}

/// The followed lane's penalty terms, by name, and its weight decay.
pub fn penalty_curves(data: &ChartData) -> Vec<Curve> {
    let lane = data.followed;
    let names = data.lanes.get(lane).map_or(0, |l| l.penalty_names.len());
    let mut out: Vec<Curve> = (0..names.min(Term::PENALTY_COLOURS.len()))
        .map(|k| Curve { lane, term: Term::Penalty(k), colour: Term::PENALTY_COLOURS[k], stroke: Stroke::Solid(2) })
        .collect();
    out.push(Curve { lane, term: Term::Decay, colour: Term::DECAY_COLOUR, stroke: Stroke::Solid(1) });
    out
}

/// The legend: the lanes' names in their colours on the left, what each line style means on
/// the right (with `extra` entries, e.g. the penalty terms, after it).
pub fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    curves: &[Curve],
    y: i32,
    text_scale: f64,
) -> Result<(), String> {
    let (w, _) = root.dim_in_pixel();
    let names: Vec<(String, RGBColor)> = data
        .lanes
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name.to_string(), LANE_COLOURS[i % LANE_COLOURS.len()]))
        .collect();
    let mut x = 12 + Y_LABELS as i32 / 2;
    for (name, colour) in &names {
        let style = (FONT, 13.0 * text_scale).into_font().style(FontStyle::Bold).color(colour);
        let style = style.pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(name, &style, (x, y)).map_err(err)?;
        let measure = (FONT, 13.0).into_font().style(FontStyle::Bold).color(colour);
        x += root.estimate_text_size(name, &measure).map_err(err)?.0 as i32 + 18;
    }
    let key: Vec<(String, RGBColor, Stroke)> = curves
        .iter()
        .filter(|c| c.lane == data.followed || matches!(c.term, Term::Total | Term::Recon))
        .filter(|c| c.lane == data.followed || data.lanes.len() == 1)
        .map(|c| {
            // one lane: the key is in its colour; more: the line styles in neutral grey
            let colour =
                if data.lanes.len() > 1 && matches!(c.term, Term::Total | Term::Recon) { AXIS } else { c.colour };
            (c.term.label(data.lanes[c.lane].penalty_names), colour, c.stroke)
        })
        .collect();
    legend_row(root, &key, w as i32 - 12, y, text_scale)
}

/// A plotters error as the message the chart returns.
pub fn err(e: impl std::fmt::Display) -> String {
    format!("loss chart: {e}")
}
