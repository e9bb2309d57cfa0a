//! Sparse coding's inference as a picture: the code of one patch after each FISTA iteration,
//! one column per iteration and one row per atom. Positive codes are amber, negative ones
//! blue, zeros stay dark; brightness is |a| over the largest |a| anywhere in the strip, so a
//! code that grows, shrinks or is switched off by the soft threshold is visible as it happens.

use super::rgba::Rgba;

/// Background of cells whose code is exactly zero.
pub const ZERO_CELL: [u8; 4] = [24, 27, 34, 255];

/// Colour of a code `a` on a scale where `full` is full brightness.
pub fn code_colour(a: f32, full: f32) -> [u8; 4] {
    if a == 0.0 || full.is_nan() || full <= 0.0 || !a.is_finite() {
        return ZERO_CELL;
    }
    let t = (a.abs() / full).min(1.0);
    let mix = |lo: u8, hi: u8| (lo as f32 + (hi as f32 - lo as f32) * (0.25 + 0.75 * t)).round() as u8;
    if a > 0.0 {
        [mix(24, 255), mix(27, 176), mix(34, 60), 255]
    } else {
        [mix(24, 90), mix(27, 160), mix(34, 255), 255]
    }
}

/// Draws `trajectory` (one code per iteration, each h long) into `out` with `cell`-pixel
/// square cells and a 1-pixel gap: width = iterations·(cell + 1), height = h·(cell + 1).
pub fn draw_trajectory(trajectory: &[Vec<f32>], cell: usize, out: &mut Rgba) {
    let iters = trajectory.len();
    let h = trajectory.first().map_or(0, Vec::len);
    let step = cell + 1;
    out.resize(iters * step, h * step);
    out.fill([17, 19, 24, 255]);
    let full = trajectory.iter().flatten().fold(0.0f32, |m, a| if a.is_finite() { m.max(a.abs()) } else { m });
    for (t, code) in trajectory.iter().enumerate() {
        for (j, &a) in code.iter().enumerate() {
            out.fill_rect(t * step, j * step, cell, cell, code_colour(a, full));
        }
    }
}

/// The number of nonzero codes after each iteration.
pub fn l0_per_iteration(trajectory: &[Vec<f32>]) -> Vec<usize> {
    trajectory.iter().map(|code| code.iter().filter(|&&a| a != 0.0).count()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_show_sign_and_zero() {
        let traj = vec![vec![0.0, 1.0], vec![-2.0, 0.0]];
        let mut img = Rgba::default();
        draw_trajectory(&traj, 3, &mut img);
        assert_eq!((img.width, img.height), (8, 8));
        assert_eq!(img.get(0, 0), Some(ZERO_CELL), "iteration 1, atom 1 is zero");
        let warm = img.get(1, 5).unwrap();
        assert!(warm[0] > warm[2], "a positive code is amber: {warm:?}");
        let cool = img.get(5, 1).unwrap();
        assert!(cool[2] > cool[0] && cool == code_colour(-2.0, 2.0), "the largest negative code is full blue");
        assert_eq!(img.get(3, 0), Some([17, 19, 24, 255]), "gaps between cells");
        assert_eq!(l0_per_iteration(&traj), vec![1, 1]);
        assert_eq!(code_colour(f32::NAN, 1.0), ZERO_CELL);
    }
}
