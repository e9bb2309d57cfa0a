//! Number formatting for view labels, written into a caller's reused `String` so a redraw
//! allocates nothing once the string has grown to size.

use std::fmt::Write;

/// Appends `v` with `sig` significant digits (at least 1), trailing zeros trimmed:
/// 0.0123 → "0.012", 0.01 → "0.01", 3.0 → "3", 42.7 → "43". Zero is "0"; NaN and ±∞
/// are "–" (views show a dash rather than "NaN").
pub fn write_sig(out: &mut String, v: f64, sig: usize) {
    if !v.is_finite() {
        out.push('–');
        return;
    }
    if v == 0.0 {
        out.push('0');
        return;
    }
    let magnitude = v.abs().log10().floor() as i64;
    let decimals = (sig.max(1) as i64 - 1 - magnitude).clamp(0, 20) as usize;
    let start = out.len();
    let _ = write!(out, "{v:.decimals$}"); // writing to a String cannot fail
    if out[start..].contains('.') {
        let trimmed = out.trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(trimmed);
    }
}

/// Appends a fraction as a whole percentage, "72 %" for 0.72; "– %" when not finite.
pub fn write_percent(out: &mut String, fraction: f64) {
    if fraction.is_finite() {
        let _ = write!(out, "{:.0} %", fraction * 100.0);
    } else {
        out.push_str("– %");
    }
}

/// Appends `v` with exactly `decimals` decimals ("3.41"), or "–" when not finite.
pub fn write_fixed(out: &mut String, v: f64, decimals: usize) {
    if v.is_finite() {
        let _ = write!(out, "{v:.decimals$}");
    } else {
        out.push('–');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(v: f64, n: usize) -> String {
        let mut s = String::from("x = ");
        write_sig(&mut s, v, n);
        s
    }

    #[test]
    fn significant_digits_are_trimmed_and_keep_the_prefix() {
        assert_eq!(sig(0.0123, 2), "x = 0.012");
        assert_eq!(sig(0.01, 2), "x = 0.01");
        assert_eq!(sig(0.05, 2), "x = 0.05");
        assert_eq!(sig(3.0, 2), "x = 3");
        assert_eq!(sig(42.7, 2), "x = 43");
        assert_eq!(sig(0.1 * 3.0, 2), "x = 0.3");
        assert_eq!(sig(-0.25, 2), "x = -0.25");
        assert_eq!(sig(1e-6, 2), "x = 0.000001");
        assert_eq!(sig(0.0, 2), "x = 0");
        assert_eq!(sig(f64::NAN, 2), "x = –");
        assert_eq!(sig(f64::INFINITY, 2), "x = –");
        assert_eq!(sig(1.0, 0), "x = 1", "at least one digit");
    }

    #[test]
    fn percent_and_fixed() {
        let mut s = String::new();
        write_percent(&mut s, 0.7234);
        assert_eq!(s, "72 %");
        s.clear();
        write_percent(&mut s, f64::NAN);
        assert_eq!(s, "– %");
        s.clear();
        write_fixed(&mut s, 3.4149, 2);
        assert_eq!(s, "3.41");
        s.clear();
        write_fixed(&mut s, f64::NEG_INFINITY, 1);
        assert_eq!(s, "–");
    }

    #[test]
    fn rewriting_a_grown_string_does_not_reallocate() {
        let mut s = String::with_capacity(32);
        let (ptr, cap) = (s.as_ptr(), s.capacity());
        for v in [0.0123, 123456.0, f64::NAN, 1e-9] {
            s.clear();
            write_sig(&mut s, v, 3);
        }
        assert_eq!((s.as_ptr(), s.capacity()), (ptr, cap));
    }
}
