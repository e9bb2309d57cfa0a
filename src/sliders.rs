//! How slider positions map to hyperparameters (pure, so it is tested natively).

/// Range of the ρ slider: log-scaled between these values.
pub const RHO_MIN: f64 = 0.001;
/// See [`RHO_MIN`].
pub const RHO_MAX: f64 = 0.5;
/// Resolution of the ρ slider (its `max`; `min` is 0).
pub const RHO_STEPS: f64 = 1000.0;
/// Largest β offered by its slider.
pub const BETA_MAX: f64 = 10.0;

/// Slider position (0..=RHO_STEPS) for a value of ρ: log scale, so 0.001, 0.01 and 0.1 are
/// evenly spaced and the interesting small targets get most of the travel.
pub fn rho_to_slider(rho: f64) -> f64 {
    let t = (rho.clamp(RHO_MIN, RHO_MAX).ln() - RHO_MIN.ln()) / (RHO_MAX.ln() - RHO_MIN.ln());
    (t * RHO_STEPS).round()
}

/// ρ for a slider position, rounded to 2 significant digits so displayed and used agree.
pub fn slider_to_rho(v: f64) -> f64 {
    let t = (v / RHO_STEPS).clamp(0.0, 1.0);
    let rho = (RHO_MIN.ln() + t * (RHO_MAX.ln() - RHO_MIN.ln())).exp();
    let scale = 10f64.powi(1 - rho.log10().floor() as i32);
    (rho * scale).round() / scale
}

/// Milliseconds per step at each position of the speed slider: slow motion on the left
/// (one step every 2 s, to watch single updates), 0 = as fast as the frame budget allows.
pub const SPEED_MS: [f64; 11] = [2000.0, 1000.0, 500.0, 300.0, 200.0, 100.0, 50.0, 20.0, 10.0, 5.0, 0.0];

/// Speed slider position for a step interval (the nearest position).
pub fn speed_position(step_ms: f64) -> usize {
    (0..SPEED_MS.len())
        .min_by(|&a, &b| (SPEED_MS[a] - step_ms).abs().total_cmp(&(SPEED_MS[b] - step_ms).abs()))
        .unwrap_or(SPEED_MS.len() - 1)
}

/// Step interval for a speed slider position (clamped to the slider's range).
pub fn speed_ms(position: f64) -> f64 {
    SPEED_MS[(position.max(0.0) as usize).min(SPEED_MS.len() - 1)]
}

/// "max speed", "5 steps/s", "1 step every 2 s": the speed readout.
pub fn speed_label(step_ms: f64) -> String {
    if step_ms <= 0.0 {
        "max".into()
    } else if step_ms >= 1000.0 {
        format!("1 step / {:.0} s", step_ms / 1000.0)
    } else {
        format!("{:.0} steps/s", 1000.0 / step_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_slider_positions_round_trip() {
        for (i, &ms) in SPEED_MS.iter().enumerate() {
            assert_eq!(speed_position(ms), i);
            assert_eq!(speed_ms(i as f64), ms);
        }
        assert_eq!(speed_position(8.0), 8, "nearest: 8 ms is closer to 10 than to 5");
        assert_eq!(speed_ms(99.0), 0.0);
        assert_eq!(speed_ms(-3.0), 2000.0);
        assert_eq!(speed_label(0.0), "max");
        assert_eq!(speed_label(100.0), "10 steps/s");
        assert_eq!(speed_label(2000.0), "1 step / 2 s");
    }

    #[test]
    fn rho_slider_is_logarithmic_and_round_trips() {
        assert_eq!(rho_to_slider(RHO_MIN), 0.0);
        assert_eq!(rho_to_slider(RHO_MAX), RHO_STEPS);
        // 0.01 sits well left of the middle: small targets get most of the travel
        let mid = rho_to_slider(0.01);
        assert!(mid > 300.0 && mid < 400.0, "{mid}");
        assert_eq!(slider_to_rho(0.0), 0.001);
        assert_eq!(slider_to_rho(RHO_STEPS), 0.5);
        for rho in [0.001, 0.01, 0.05, 0.1, 0.3, 0.5] {
            let back = slider_to_rho(rho_to_slider(rho));
            assert!((back - rho).abs() / rho < 0.02, "{rho} → {back}");
        }
        assert_eq!(slider_to_rho(-5.0), 0.001, "out-of-range positions clamp");
        assert_eq!(rho_to_slider(7.0), RHO_STEPS);
    }
}
