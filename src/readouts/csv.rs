//! The loss curves as CSV, for a "download" button and for plotting elsewhere.

use std::fmt::Write;

use crate::history::LossPoint;

/// The header row, in column order.
pub const HEADER: &str = "step,steps_averaged,reconstruction,sparsity,weight_decay,total,held_out_total";

/// One row per history point, oldest first, under [`HEADER`]. `held_out_total` is empty on
/// rows where the held-out cost was not measured. Numbers use Rust's
/// shortest round-trip formatting, so parsing a cell gives back the exact f32.
pub fn history_csv(points: &[LossPoint]) -> String {
    let mut out = String::with_capacity(HEADER.len() + 1 + points.len() * 64);
    out.push_str(HEADER);
    out.push('\n');
    for p in points {
        // writing to a String cannot fail
        let _ = write!(out, "{},{},{},{},{},{},", p.step, p.span, p.recon, p.sparsity, p.decay, p.total);
        if p.held_out.is_finite() {
            let _ = write!(out, "{}", p.held_out);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(step: u64, span: u32, recon: f32, held_out: f32) -> LossPoint {
        LossPoint { step, recon, sparsity: recon / 3.0, decay: 1e-4, total: recon * 4.0 / 3.0 + 1e-4, span, held_out }
    }

    #[test]
    fn round_trips_through_a_parser() {
        let points = [pt(10, 1, 0.123_456_78, f32::NAN), pt(20, 2, 0.05, 0.1), pt(40, 4, 1.0 / 3.0, 0.0625)];
        let csv = history_csv(&points);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(HEADER));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 3, "one row per point");
        for (row, p) in rows.iter().zip(&points) {
            assert_eq!(row.len(), 7);
            assert_eq!(row[0].parse::<u64>().unwrap(), p.step);
            assert_eq!(row[1].parse::<u32>().unwrap(), p.span);
            let f = |i: usize| row[i].parse::<f32>().unwrap();
            assert_eq!((f(2), f(3), f(4), f(5)), (p.recon, p.sparsity, p.decay, p.total), "exact round trip");
        }
        assert_eq!(rows[0][6], "", "NaN held-out value is left empty");
        assert_eq!(rows[1][6].parse::<f32>().unwrap(), 0.1);
        assert_eq!(rows[2][6].parse::<f32>().unwrap(), 0.0625);
        assert!(csv.ends_with('\n'));
    }

    #[test]
    fn empty_history_is_just_the_header() {
        assert_eq!(history_csv(&[]), format!("{HEADER}\n"));
    }
}
