//! Numerical gradients by central differences, to check the analytic backpropagation.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::family::{Ctx, Model};

/// ∂f/∂θ_k ≈ (f(θ + εe_k) − f(θ − εe_k)) / 2ε for every k. `theta` is restored afterwards.
pub fn numerical_gradient(theta: &mut [f64], eps: f64, mut f: impl FnMut(&[f64]) -> f64) -> Vec<f64> {
    (0..theta.len())
        .map(|k| {
            let orig = theta[k];
            theta[k] = orig + eps;
            let plus = f(theta);
            theta[k] = orig - eps;
            let minus = f(theta);
            theta[k] = orig;
            (plus - minus) / (2.0 * eps)
        })
        .collect()
}

/// ‖a − b‖ / ‖a + b‖, UFLDL's measure of agreement between two gradients.
pub fn relative_difference(a: &[f64], b: &[f64]) -> f64 {
    let diff: f64 = a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt();
    let sum: f64 = a.iter().zip(b).map(|(x, y)| (x + y) * (x + y)).sum::<f64>().sqrt();
    diff / sum
}

/// (case, relative difference) between a model's analytic gradient and central differences
/// of its cost, on one batch. The model's generator is reseeded for every evaluation, so a
/// sampling model (a VAE's ε) sees the same noise throughout.
pub fn relative_gap<M: Model<f64> + ?Sized>(
    model: &mut M,
    input: &DMatrix<f64>,
    target: &DMatrix<f64>,
    ctx: &Ctx,
    name: &'static str,
) -> (&'static str, f64) {
    let mut analytic = vec![0.0; model.theta().len()];
    model.cost_and_grad(input, target, ctx, &mut Pcg32::seed_from_u64(0), &mut analytic);
    let mut theta = model.theta().to_vec();
    let numeric = numerical_gradient(&mut theta, 1e-5, |t| {
        model.theta_mut().copy_from_slice(t);
        model.evaluate(input, target, ctx, &mut Pcg32::seed_from_u64(0)).total()
    });
    model.theta_mut().copy_from_slice(&theta);
    (name, relative_difference(&analytic, &numeric))
}

/// `m` random patches of `n` pixels in the sampler's range [0.1, 0.9], seeded.
pub fn test_patches(n: usize, m: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = Pcg32::seed_from_u64(seed);
    DMatrix::from_fn(n, m, |_, _| rng.random_range(0.1..0.9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_of_a_known_function() {
        // f = x0² + 3·x0·x1 → ∇f = (2x0 + 3x1, 3x0)
        let mut th = vec![1.5, -2.0];
        let g = numerical_gradient(&mut th, 1e-5, |t| t[0] * t[0] + 3.0 * t[0] * t[1]);
        assert!(relative_difference(&g, &[3.0 - 6.0, 4.5]) < 1e-10);
        assert_eq!(th, vec![1.5, -2.0], "θ is restored");
    }
}
