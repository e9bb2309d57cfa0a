//! Tests of FISTA: optimality (KKT) conditions, limits of λ, descent, the Lipschitz estimate.

use super::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// A random n×h dictionary with unit columns and m standard-ish patches.
fn problem(n: usize, h: usize, m: usize, seed: u64) -> (DMatrix<f64>, DMatrix<f64>) {
    let mut rng = Pcg32::seed_from_u64(seed);
    let mut d = DMatrix::from_fn(n, h, |_, _| rng.random_range(-1.0..1.0));
    for mut col in d.column_iter_mut() {
        col /= col.norm();
    }
    let x = DMatrix::from_fn(n, m, |_, _| rng.random_range(-1.5..1.5));
    (d, x)
}

fn solve(d: &DMatrix<f64>, x: &DMatrix<f64>, lambda: f64, iters: usize) -> DMatrix<f64> {
    let mut codes = DMatrix::zeros(0, 0);
    Fista::new().solve(&mut Gram::new(d.ncols()), d.as_view(), x, lambda, iters, &mut codes);
    codes
}

#[test]
fn solution_meets_the_lasso_optimality_conditions() {
    // KKT of min ½‖x − Da‖² + λ‖a‖₁: c = Dᵀ(x − Da) has c_j = λ·sign(a_j) where a_j ≠ 0
    // and |c_j| ≤ λ where a_j = 0
    for (n, h, lambda) in [(64, 25, 0.5), (16, 24, 0.3), (9, 4, 1.0)] {
        let (d, x) = problem(n, h, 6, n as u64);
        let a = solve(&d, &x, lambda, 500);
        let corr = d.transpose() * (&x - &d * &a);
        let mut active = 0;
        for (&aj, &cj) in a.iter().zip(corr.iter()) {
            if aj != 0.0 {
                active += 1;
                assert!((cj - lambda * aj.signum()).abs() < 1e-4, "{n}×{h}: active a = {aj}, c = {cj}");
            } else {
                assert!(cj.abs() <= lambda + 1e-4, "{n}×{h}: zero code but |c| = {}", cj.abs());
            }
        }
        assert!(active > 0 && active < a.len(), "{n}×{h}: {active} of {} active, not a sparse case", a.len());
    }
}

#[test]
fn huge_lambda_gives_the_zero_code_and_zero_lambda_least_squares() {
    let (d, x) = problem(16, 8, 4, 1);
    // λ ≥ max|Dᵀx| makes 0 optimal; FISTA's first soft threshold already gives exact zeros
    let big = (d.transpose() * &x).abs().max() * 1.5;
    assert!(solve(&d, &x, big, 10).iter().all(|&a| a == 0.0));
    // λ = 0, h < n: the least-squares code, whose residual is orthogonal to every atom
    let a = solve(&d, &x, 0.0, 2000);
    assert!((d.transpose() * (&x - &d * &a)).abs().max() < 1e-8);
}

#[test]
fn the_objective_falls_below_the_first_ista_step() {
    let (d, x) = problem(64, 25, 8, 5);
    let lambda = 0.5;
    let f = |k| objective(d.as_view(), &x, &solve(&d, &x, lambda, k), lambda);
    let zero = objective(d.as_view(), &x, &DMatrix::zeros(25, 8), lambda);
    // iterate 1 is a plain ISTA step from 0 (no momentum yet)
    let first = f(1);
    assert!(first < zero);
    let (f5, f20, f200) = (f(5), f(20), f(200));
    assert!(f5 < first && f20 < f5 && f200 <= f20 + 1e-12, "{zero} {first} {f5} {f20} {f200}");
}

#[test]
fn lipschitz_bounds_the_top_eigenvalue_cold_and_warm() {
    for (n, h) in [(64, 25), (8, 16)] {
        let (mut d, _) = problem(n, h, 2, 9);
        let mut gram = Gram::new(h);
        for step in 0..3 {
            gram.refresh(&d.as_view());
            let top = (d.transpose() * &d).symmetric_eigenvalues().max();
            let l = gram.lipschitz();
            assert!(l >= top && l <= top * L_MARGIN * 1.0001, "{n}×{h} step {step}: L = {l}, λmax = {top}");
            gram.refresh(&d.as_view());
            assert_eq!(gram.lipschitz(), l, "an unchanged dictionary is not recomputed");
            // a small dictionary step, as training makes, for the warm start to follow
            d += DMatrix::from_fn(n, h, |i, j| 0.01 * ((i * 7 + j * 3 + step) as f64).sin());
        }
    }
}

#[test]
fn zero_dictionary_gives_zero_codes() {
    let (mut codes, zero) = (DMatrix::zeros(0, 0), DMatrix::<f64>::zeros(4, 3));
    Fista::new().solve(&mut Gram::new(3), zero.as_view(), &DMatrix::from_element(4, 2, 1.0), 0.1, 5, &mut codes);
    assert_eq!(codes, DMatrix::zeros(3, 2));
}

#[test]
fn trajectory_records_every_iterate_and_descends() {
    let (d, x) = problem(64, 25, 1, 11);
    let path = trajectory(&mut Gram::new(25), d.as_view(), x.as_slice(), 0.5, 30);
    assert_eq!(path.len(), 30);
    assert!(path.iter().all(|a| a.len() == 25));
    assert_eq!(path[29], solve(&d, &x, 0.5, 30).as_slice().to_vec(), "last entry = the batch solver's code");
    let f = |a: &Vec<f64>| objective(d.as_view(), &x, &DMatrix::from_column_slice(25, 1, a), 0.5);
    assert!(f(&path[29]) < f(&path[0]), "{} → {}", f(&path[0]), f(&path[29]));
}
