//! Limited-memory BFGS with a strong-Wolfe line search, as minFunc runs it in the UFLDL
//! exercise (`options.Method = 'lbfgs'`, 100 corrections).
//!
//! Hand-written rather than taken from a crate: the whole method is the two-loop recursion
//! (Nocedal & Wright, Algorithm 7.4) and a bracketing line search with cubic interpolation
//! (Algorithms 3.5 and 3.6), about 150 lines on plain `&[f64]`. argmin would do the same
//! behind its `CostFunction`/`Gradient`/`Executor` traits, a state type and a dozen
//! dependencies, for one call site. The tests below pin the method on a quadratic and on
//! Rosenbrock's valley.

/// Settings of [`minimize`].
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Iterations (accepted steps) at most.
    pub max_iters: usize,
    /// Correction pairs kept (minFunc's default is 100).
    pub memory: usize,
    /// Stop when max |∂f/∂x_k| falls below this (minFunc's optTol).
    pub grad_tol: f64,
    /// Stop when an iteration lowers f by less than this (minFunc's progTol).
    pub progress_tol: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_iters: 400, memory: 100, grad_tol: 1e-5, progress_tol: 1e-9 }
    }
}

/// Why [`minimize`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The iteration budget is spent.
    MaxIters,
    /// The gradient is (numerically) zero.
    Gradient,
    /// The last iteration changed f by less than the progress tolerance.
    Progress,
    /// No step along the search direction lowered f (it is at its floating-point limit).
    LineSearch,
}

/// What [`minimize`] did.
#[derive(Clone, Copy, Debug)]
pub struct Report {
    /// Iterations done.
    pub iters: usize,
    /// Evaluations of f and its gradient, line searches included.
    pub evals: usize,
    /// f at the returned point.
    pub cost: f64,
    /// Why it stopped.
    pub stop: Stop,
}

/// Sufficient decrease (Armijo) and curvature constants of the strong Wolfe conditions.
const C1: f64 = 1e-4;
const C2: f64 = 0.9;
/// Evaluations one line search may spend.
const MAX_LS_EVALS: usize = 25;

/// Minimises f from `x` (overwritten with the result). `f(x, g)` returns f(x) and writes
/// ∇f(x) into `g`; a non-finite f counts as "too far" in the line search. `on_iter(k, f)`
/// is called after each accepted iteration k = 1, 2, …
pub fn minimize(
    x: &mut [f64],
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    opts: Options,
    mut on_iter: impl FnMut(usize, f64),
) -> Report {
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut fx = f(x, &mut g);
    let mut evals = 1;
    let (mut s_hist, mut y_hist, mut rho_hist): (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<f64>) = (vec![], vec![], vec![]);
    let (mut d, mut alpha) = (vec![0.0; n], vec![0.0; opts.memory]);
    let mut ls = LineSearch { x_new: vec![0.0; n], g_new: vec![0.0; n], g_lo: vec![0.0; n] };
    let report = |iters, evals, cost, stop| Report { iters, evals, cost, stop };
    for iter in 1..=opts.max_iters {
        if max_abs(&g) <= opts.grad_tol {
            return report(iter - 1, evals, fx, Stop::Gradient);
        }
        direction(&g, &s_hist, &y_hist, &rho_hist, &mut alpha, &mut d);
        let mut slope = dot(&g, &d);
        if slope >= 0.0 {
            // not a descent direction (rounding in the history): restart from steepest descent
            d.iter_mut().zip(&g).for_each(|(d, g)| *d = -g);
            (s_hist, y_hist, rho_hist) = (vec![], vec![], vec![]);
            slope = dot(&g, &d);
        }
        // the first step has no curvature information: keep it short (minFunc's choice)
        let t0 = if s_hist.is_empty() { (1.0 / g.iter().map(|v| v.abs()).sum::<f64>()).min(1.0) } else { 1.0 };
        let Some((t, f_new)) = ls.search(&mut f, x, fx, slope, &d, t0, &mut evals) else {
            return report(iter - 1, evals, fx, Stop::LineSearch);
        };
        // s = t·d, y = g_new − g; keep the pair only when the curvature is positive
        let s: Vec<f64> = d.iter().map(|v| t * v).collect();
        let y: Vec<f64> = ls.g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-10 && opts.memory > 0 {
            if s_hist.len() == opts.memory {
                s_hist.remove(0);
                y_hist.remove(0);
                rho_hist.remove(0);
            }
            s_hist.push(s);
            y_hist.push(y);
            rho_hist.push(1.0 / sy);
        }
        x.copy_from_slice(&ls.x_new);
        g.copy_from_slice(&ls.g_new);
        let change = fx - f_new;
        fx = f_new;
        on_iter(iter, fx);
        if change.abs() < opts.progress_tol {
            return report(iter, evals, fx, Stop::Progress);
        }
    }
    report(opts.max_iters, evals, fx, Stop::MaxIters)
}

/// d = −H·g by the two-loop recursion, with H₀ = (sᵀy / yᵀy)·I from the newest pair.
fn direction(g: &[f64], s: &[Vec<f64>], y: &[Vec<f64>], rho: &[f64], alpha: &mut [f64], d: &mut [f64]) {
    d.iter_mut().zip(g).for_each(|(d, g)| *d = -g);
    for i in (0..s.len()).rev() {
        alpha[i] = rho[i] * dot(&s[i], d);
        axpy(-alpha[i], &y[i], d);
    }
    if let (Some(sk), Some(yk)) = (s.last(), y.last()) {
        let gamma = dot(sk, yk) / dot(yk, yk);
        d.iter_mut().for_each(|v| *v *= gamma);
    }
    for i in 0..s.len() {
        let beta = rho[i] * dot(&y[i], d);
        axpy(alpha[i] - beta, &s[i], d);
    }
}

/// φ(t) = f(x + t·d) at one trial step: its value and slope φ′(t) = ∇f·d.
#[derive(Clone, Copy, Debug)]
struct Trial {
    t: f64,
    f: f64,
    slope: f64,
}

/// Buffers of the line search; after a successful search `x_new`, `g_new` hold the point.
struct LineSearch {
    x_new: Vec<f64>,
    g_new: Vec<f64>,
    /// Gradient at the best point of the bracket, in case the search ends there.
    g_lo: Vec<f64>,
}

impl LineSearch {
    /// A step t satisfying the strong Wolfe conditions (or, failing that within the budget,
    /// the best step with sufficient decrease), with f there; `None` if no step lowered f.
    #[allow(clippy::too_many_arguments)]
    fn search(
        &mut self,
        f: &mut impl FnMut(&[f64], &mut [f64]) -> f64,
        x: &[f64],
        f0: f64,
        slope0: f64,
        d: &[f64],
        t0: f64,
        evals: &mut usize,
    ) -> Option<(f64, f64)> {
        let mut eval = |t: f64, this: &mut Self| {
            this.x_new.iter_mut().zip(x).zip(d).for_each(|((xn, x), d)| *xn = x + t * d);
            let fv = f(&this.x_new, &mut this.g_new);
            *evals += 1;
            Trial { t, f: if fv.is_finite() { fv } else { f64::INFINITY }, slope: dot(&this.g_new, d) }
        };
        let armijo = |p: &Trial| p.f <= f0 + C1 * p.t * slope0;
        let curvature = |p: &Trial| p.slope.abs() <= -C2 * slope0;
        // bracketing phase: grow t until the bracket [prev, t] must hold a Wolfe point
        let mut prev = Trial { t: 0.0, f: f0, slope: slope0 };
        let mut t = t0;
        let (mut lo, mut hi);
        let mut used = 0;
        loop {
            let p = eval(t, self);
            used += 1;
            if !armijo(&p) || (prev.t > 0.0 && p.f >= prev.f) {
                // g_lo already holds prev's gradient (copied when prev was accepted below)
                (lo, hi) = (prev, p);
                break;
            }
            if curvature(&p) {
                return Some((p.t, p.f));
            }
            self.g_lo.copy_from_slice(&self.g_new);
            if p.slope >= 0.0 {
                (lo, hi) = (p, prev);
                break;
            }
            if used >= MAX_LS_EVALS {
                return Some((p.t, p.f));
            }
            prev = p;
            t *= 2.0;
        }
        // zoom phase: shrink [lo, hi] keeping lo the best point with sufficient decrease
        while used < MAX_LS_EVALS && (hi.t - lo.t).abs() > 1e-12 * lo.t.abs().max(hi.t.abs()) {
            let p = eval(cubic_min(&lo, &hi), self);
            used += 1;
            if !armijo(&p) || p.f >= lo.f {
                hi = p;
            } else {
                if curvature(&p) {
                    return Some((p.t, p.f));
                }
                if p.slope * (hi.t - lo.t) >= 0.0 {
                    hi = lo;
                }
                lo = p;
                self.g_lo.copy_from_slice(&self.g_new);
            }
        }
        // out of budget: settle for the best decrease found, if any
        (lo.t > 0.0).then(|| {
            self.x_new.iter_mut().zip(x).zip(d).for_each(|((xn, x), d)| *xn = x + lo.t * d);
            self.g_new.copy_from_slice(&self.g_lo);
            (lo.t, lo.f)
        })
    }
}

/// The minimiser of the cubic through both trials' values and slopes, kept inside the
/// middle 80 % of the interval; bisection when the cubic has none (or f is infinite).
fn cubic_min(a: &Trial, b: &Trial) -> f64 {
    let (left, right) = (a.t.min(b.t), a.t.max(b.t));
    let margin = 0.1 * (right - left);
    let d1 = a.slope + b.slope - 3.0 * (a.f - b.f) / (a.t - b.t);
    let disc = d1 * d1 - a.slope * b.slope;
    let t = if disc >= 0.0 {
        let d2 = (b.t - a.t).signum() * disc.sqrt();
        b.t - (b.t - a.t) * (b.slope + d2 - d1) / (b.slope - a.slope + 2.0 * d2)
    } else {
        f64::NAN
    };
    if t.is_finite() {
        t.clamp(left + margin, right - margin)
    } else {
        0.5 * (left + right)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// y ← y + a·x.
fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(y, x)| *y += a * x);
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_an_ill_conditioned_quadratic() {
        // f = ½Σ c_k (x_k − k)², condition number 1000: exact minimum at x_k = k
        let n = 20;
        let c: Vec<f64> = (0..n).map(|k| 1000f64.powf(k as f64 / (n - 1) as f64)).collect();
        let f = |x: &[f64], g: &mut [f64]| {
            let mut v = 0.0;
            for k in 0..n {
                let r = x[k] - k as f64;
                g[k] = c[k] * r;
                v += 0.5 * c[k] * r * r;
            }
            v
        };
        let mut x = vec![0.0; n];
        let mut costs = vec![];
        let r = minimize(&mut x, f, Options { max_iters: 200, ..Options::default() }, |_, c| costs.push(c));
        assert!(matches!(r.stop, Stop::Gradient | Stop::Progress), "{r:?}");
        assert!(x.iter().enumerate().all(|(k, v)| (v - k as f64).abs() < 1e-6), "{x:?}");
        assert!(costs.windows(2).all(|w| w[1] <= w[0]), "f never rises: {costs:?}");
        assert!(r.iters < 80, "L-BFGS needs far fewer than n·κ iterations: {r:?}");
    }

    #[test]
    fn follows_rosenbrocks_valley() {
        // f = (1 − a)² + 100(b − a²)² from the classic start (−1.2, 1): minimum 0 at (1, 1)
        let f = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        let mut x = vec![-1.2, 1.0];
        let opts = Options { max_iters: 200, grad_tol: 1e-9, progress_tol: 0.0, ..Options::default() };
        let mut last = f64::INFINITY;
        let r = minimize(&mut x, f, opts, |_, c| {
            assert!(c <= last, "f rose from {last} to {c}");
            last = c;
        });
        assert!((x[0] - 1.0).abs() < 1e-6 && (x[1] - 1.0).abs() < 1e-6, "{x:?} {r:?}");
        assert!(r.cost < 1e-12 && r.iters < 100, "{r:?}");
    }

    #[test]
    fn backs_off_from_infinities_and_stops_at_the_minimum() {
        // f = (x − 10)², but infinite beyond x = 3: the search must step back from ∞
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (x[0] - 10.0);
            if x[0] > 3.0 {
                f64::INFINITY
            } else {
                (x[0] - 10.0).powi(2)
            }
        };
        let mut x = vec![0.0];
        let mut costs = vec![];
        let r = minimize(&mut x, f, Options { max_iters: 50, ..Options::default() }, |_, c| costs.push(c));
        assert!(x[0] <= 3.0 && x[0] > 2.9 && r.cost.is_finite(), "{x:?} {r:?}");
        assert!(costs.windows(2).all(|w| w[1] <= w[0]), "{costs:?}");
        // a function at its minimum stops at once
        let mut x = vec![0.0];
        let square = |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * x[0];
            x[0] * x[0]
        };
        let r = minimize(&mut x, square, Options::default(), |_, _| {});
        assert_eq!((r.iters, r.evals, r.stop), (0, 1, Stop::Gradient));
    }

    #[test]
    fn cubic_step_finds_a_parabolas_minimum() {
        // φ(t) = (t − 0.3)²: slopes −0.6 at 0 and 1.4 at 1, minimum at 0.3
        let a = Trial { t: 0.0, f: 0.09, slope: -0.6 };
        let b = Trial { t: 1.0, f: 0.49, slope: 1.4 };
        assert!((cubic_min(&a, &b) - 0.3).abs() < 1e-12);
        assert!((cubic_min(&b, &a) - 0.3).abs() < 1e-12);
        let inf = Trial { t: 1.0, f: f64::INFINITY, slope: 0.0 };
        assert_eq!(cubic_min(&a, &inf), 0.5);
    }
}
