//! The loss curves as CSV, for a "download" button and for plotting elsewhere.
//!
//! Columns: `step,steps_averaged`, then one group per lane: `reconstruction`, the model's own
//! penalty terms by name (the sparse autoencoder's is `sparsity`, sparse coding's `l1`, …),
//! `weight_decay`, `total`, `held_out_total`. The first lane's group is unprefixed, so a
//! one-model sae file has exactly the columns it always had; a second lane's columns are
//! prefixed with its model's key (`sparse-coding.reconstruction`, …).

use std::fmt::Write;

use crate::history::LossPoint;
use crate::model::family::MAX_PENALTIES;

/// The columns before the lanes' groups.
const LEADING: &str = "step,steps_averaged";

/// One lane's curves: its model's key, its penalty terms' names and its history.
#[derive(Clone, Copy, Debug)]
pub struct CsvLane<'a> {
    /// The model's key ("sae", "sparse-coding"), the prefix of a further lane's columns.
    pub key: &'a str,
    /// The model's `penalty_names()`, one column each (at most [`MAX_PENALTIES`]).
    pub penalty_names: &'a [&'a str],
    /// The lane's history, oldest first.
    pub points: &'a [LossPoint],
}

impl CsvLane<'_> {
    fn penalties(&self) -> &[&str] {
        &self.penalty_names[..self.penalty_names.len().min(MAX_PENALTIES)]
    }
}

/// The header row for `lanes` (see the module docs).
pub fn header(lanes: &[CsvLane]) -> String {
    let mut out = String::from(LEADING);
    for (i, lane) in lanes.iter().enumerate() {
        let prefix = if i == 0 { String::new() } else { format!("{}.", lane.key) };
        let columns = ["reconstruction"].into_iter().chain(lane.penalties().iter().copied());
        for name in columns.chain(["weight_decay", "total", "held_out_total"]) {
            let _ = write!(out, ",{prefix}{name}");
        }
    }
    out
}

/// One row per step any lane has a point at, oldest first, under [`header`]. Lanes train in
/// lockstep, so their points normally share steps; a lane without a point at a row's step
/// (or a held-out cost not measured there) leaves its cells empty. Numbers use Rust's
/// shortest round-trip formatting, so parsing a cell gives back the exact f32.
pub fn history_csv(lanes: &[CsvLane]) -> String {
    let rows = lanes.first().map_or(0, |l| l.points.len());
    let mut out = String::with_capacity(64 + rows * 64 * lanes.len().max(1));
    out.push_str(&header(lanes));
    out.push('\n');
    let mut next = vec![0usize; lanes.len()]; // each lane's first point not yet written
    loop {
        let at = |(l, &i): (&CsvLane, &usize)| l.points.get(i).map(|p| p.step);
        let Some(step) = lanes.iter().zip(&next).filter_map(at).min() else { break };
        let mut span = None;
        let mut cells = String::new();
        for (lane, i) in lanes.iter().zip(next.iter_mut()) {
            match lane.points.get(*i).filter(|p| p.step == step) {
                Some(p) => {
                    *i += 1;
                    span.get_or_insert(p.span);
                    let _ = write!(cells, ",{}", p.recon);
                    for v in &p.penalties[..lane.penalties().len()] {
                        let _ = write!(cells, ",{v}");
                    }
                    let _ = write!(cells, ",{},{},", p.decay, p.total);
                    if p.held_out.is_finite() {
                        let _ = write!(cells, "{}", p.held_out);
                    }
                }
                None => cells.push_str(&",".repeat(lane.penalties().len() + 4)),
            }
        }
        // writing to a String cannot fail
        let _ = write!(out, "{step},{}{cells}", span.unwrap_or(0));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header sae files have always had: existing consumers read these columns.
    const SAE_HEADER: &str = "step,steps_averaged,reconstruction,sparsity,weight_decay,total,held_out_total";

    fn pt(step: u64, span: u32, recon: f32, held_out: f32) -> LossPoint {
        let penalties = [recon / 3.0, 0.0, 0.0];
        LossPoint { step, recon, penalties, decay: 1e-4, total: recon * 4.0 / 3.0 + 1e-4, span, held_out }
    }

    fn sae(points: &[LossPoint]) -> CsvLane<'_> {
        CsvLane { key: "sae", penalty_names: &["sparsity"], points }
    }

    #[test]
    fn one_sae_lane_keeps_the_old_columns_and_round_trips() {
        let points = [pt(10, 1, 0.123_456_78, f32::NAN), pt(20, 2, 0.05, 0.1), pt(40, 4, 1.0 / 3.0, 0.0625)];
        let csv = history_csv(&[sae(&points)]);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(SAE_HEADER));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 3, "one row per point");
        for (row, p) in rows.iter().zip(&points) {
            assert_eq!(row.len(), 7);
            assert_eq!(row[0].parse::<u64>().unwrap(), p.step);
            assert_eq!(row[1].parse::<u32>().unwrap(), p.span);
            let f = |i: usize| row[i].parse::<f32>().unwrap();
            assert_eq!((f(2), f(3), f(4), f(5)), (p.recon, p.penalties[0], p.decay, p.total), "exact round trip");
        }
        assert_eq!(rows[0][6], "", "NaN held-out value is left empty");
        assert_eq!(rows[1][6].parse::<f32>().unwrap(), 0.1);
        assert_eq!(rows[2][6].parse::<f32>().unwrap(), 0.0625);
        assert!(csv.ends_with('\n'));
    }

    #[test]
    fn columns_name_each_models_own_penalty_terms() {
        let one = [pt(5, 5, 0.5, f32::NAN)];
        let sc = CsvLane { key: "sparse-coding", penalty_names: &["l1"], points: &one };
        assert_eq!(header(&[sc]), "step,steps_averaged,reconstruction,l1,weight_decay,total,held_out_total");
        let two = CsvLane { key: "x", penalty_names: &["a", "b"], points: &one };
        assert_eq!(header(&[two]), "step,steps_averaged,reconstruction,a,b,weight_decay,total,held_out_total");
        let csv = history_csv(&[two]);
        let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(row.len(), 8);
        assert_eq!(row[4], "0", "the second penalty slot is its own column");
    }

    #[test]
    fn a_second_lane_gets_prefixed_columns_joined_by_step() {
        let a = [pt(10, 10, 0.5, 0.4), pt(20, 10, 0.4, f32::NAN)];
        let b = [pt(10, 10, 8.0, f32::NAN), pt(30, 10, 6.0, f32::NAN)];
        let sc = CsvLane { key: "sparse-coding", penalty_names: &["l1"], points: &b };
        let csv = history_csv(&[sae(&a), sc]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            format!(
                "{SAE_HEADER},sparse-coding.reconstruction,sparse-coding.l1,sparse-coding.weight_decay,\
                 sparse-coding.total,sparse-coding.held_out_total"
            )
        );
        let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 3, "steps 10, 20 and 30");
        assert!(rows.iter().all(|r| r.len() == 12), "every row has every column");
        assert_eq!((rows[0][0], rows[0][2], rows[0][6], rows[0][7]), ("10", "0.5", "0.4", "8"));
        assert_eq!((rows[1][0], rows[1][2], rows[1][7]), ("20", "0.4", ""), "lane 2 has no point at step 20");
        assert_eq!((rows[2][0], rows[2][1], rows[2][2], rows[2][7]), ("30", "10", "", "6"));
    }

    #[test]
    fn empty_history_is_just_the_header() {
        assert_eq!(history_csv(&[sae(&[])]), format!("{SAE_HEADER}\n"));
        assert_eq!(history_csv(&[]), "step,steps_averaged\n");
    }
}
