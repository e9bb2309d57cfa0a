//! The FFTs whitening needs, without rustfft's planner.
//!
//! `rustfft::FftPlanner` chooses among every algorithm and butterfly of the crate at run time,
//! so all of them (≈ 240 KB of wasm, a sixth of the page's code) were linked into the page for
//! the few lengths it ever plans. [`Planner`] builds the same algorithm as `FftPlannerScalar`
//! (rustfft 6.4, `plan.rs`, `design_radixn`) for the lengths of the built-in images, so their
//! whitening is bit for bit what it was (the test below compares against the planner):
//! 32 (a butterfly), every power of two from 64 (`Radix4` on an 8 or 16 butterfly) and
//! 5·4^k from 320 (`Radix4` on a 5 butterfly: the photographs' 320 px width). Any other length
//! (an uploaded picture's side) goes through Bluestein's algorithm on a power-of-two `Radix4`,
//! exact to f32 rounding like the planner's choice.

use std::sync::Arc;

use rustfft::algorithm::butterflies::{Butterfly16, Butterfly32, Butterfly5, Butterfly8};
use rustfft::algorithm::{BluesteinsAlgorithm, Radix4};
use rustfft::{Fft, FftDirection};

/// Plans f32 FFTs, caching each (length, direction).
#[derive(Default)]
pub struct Planner {
    cache: Vec<(usize, FftDirection, Arc<dyn Fft<f32>>)>,
}

impl Planner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn plan_fft_forward(&mut self, len: usize) -> Arc<dyn Fft<f32>> {
        self.plan(len, FftDirection::Forward)
    }

    pub fn plan_fft_inverse(&mut self, len: usize) -> Arc<dyn Fft<f32>> {
        self.plan(len, FftDirection::Inverse)
    }

    fn plan(&mut self, len: usize, dir: FftDirection) -> Arc<dyn Fft<f32>> {
        if let Some((_, _, f)) = self.cache.iter().find(|(l, d, _)| *l == len && *d == dir) {
            return Arc::clone(f);
        }
        let fft = radix4(len, dir).unwrap_or_else(|| {
            let inner = radix4((2 * len - 1).next_power_of_two().max(64), dir).expect("a power of two ≥ 64");
            Arc::new(BluesteinsAlgorithm::new(len, inner))
        });
        self.cache.push((len, dir, Arc::clone(&fft)));
        fft
    }
}

/// rustfft's own plan for `len` when it is 32, a power of two ≥ 64 or 5·4^k ≥ 320.
fn radix4(len: usize, dir: FftDirection) -> Option<Arc<dyn Fft<f32>>> {
    if len == 32 {
        return Some(Arc::new(Butterfly32::new(dir)));
    }
    let (base, base_len): (Arc<dyn Fft<f32>>, usize) = if len.is_power_of_two() && len >= 64 {
        // design_radixn: an odd power of two leaves 4^k over an 8, an even one over a 16
        if len.trailing_zeros() % 2 == 1 {
            (Arc::new(Butterfly8::new(dir)), 8)
        } else {
            (Arc::new(Butterfly16::new(dir)), 16)
        }
    } else if len.is_multiple_of(5)
        && len >= 320
        && (len / 5).is_power_of_two()
        && (len / 5).trailing_zeros().is_multiple_of(2)
    {
        // below 320, 5·4^k is a butterfly product (80 = 5 × 16), which is not built here
        (Arc::new(Butterfly5::new(dir)), 5)
    } else {
        return None;
    };
    let k = (len / base_len).trailing_zeros() / 2;
    Some(Arc::new(Radix4::new_with_base(k, base)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustfft::num_complex::Complex;
    use rustfft::FftPlanner;

    fn signal(len: usize) -> Vec<Complex<f32>> {
        (0..len).map(|i| Complex::new(((i * 37 % 101) as f32 - 50.0) / 7.0, ((i * 13 % 17) as f32) / 3.0)).collect()
    }

    #[test]
    fn the_built_in_lengths_match_rustffts_planner_bit_for_bit() {
        let (mut ours, mut theirs) = (Planner::new(), FftPlanner::<f32>::new());
        for len in [32, 64, 128, 256, 320, 512, 1024, 1280, 2048] {
            assert!(radix4(len, FftDirection::Forward).is_some(), "{len}");
            let (mut a, mut b) = (signal(len), signal(len));
            ours.plan_fft_forward(len).process(&mut a);
            theirs.plan_fft_forward(len).process(&mut b);
            assert_eq!(a, b, "forward {len}");
            ours.plan_fft_inverse(len).process(&mut a);
            theirs.plan_fft_inverse(len).process(&mut b);
            assert_eq!(a, b, "inverse {len}");
        }
    }

    #[test]
    fn other_lengths_agree_with_rustfft_to_rounding() {
        let (mut ours, mut theirs) = (Planner::new(), FftPlanner::<f32>::new());
        for len in [33, 48, 80, 100, 160, 240, 333, 375, 500, 511, 640] {
            let (mut a, mut b) = (signal(len), signal(len));
            ours.plan_fft_forward(len).process(&mut a);
            theirs.plan_fft_forward(len).process(&mut b);
            let scale = b.iter().map(|c| c.norm()).fold(0.0f32, f32::max);
            let worst = a.iter().zip(&b).map(|(x, y)| (x - y).norm()).fold(0.0f32, f32::max);
            assert!(worst <= 1e-4 * scale, "{len}: {worst} of {scale}");
        }
    }
}
