//! Softmax regression: the linear classifier of self-taught learning (Raina et al. 2007; UFLDL's
//! "Self-Taught Learning" exercise), trained on features to tell which class a picture shows.
//!
//! Each feature is first standardised with the training set's mean and deviation (codes of
//! different models live on very different scales, and one step size must suit them all).
//! The cost is the mean cross-entropy plus (λ/2)‖W‖² (not on the biases), minimised by full-batch
//! gradient descent with Nesterov momentum from W = 0, in f64 and in a fixed order, so the same
//! features give the same classifier natively and in the page. [`Softmax::step`] runs a few
//! iterations at a time, so the page can show the fit progressing.

use nalgebra::{DMatrix, DVector};

/// Weight decay λ on the class weights.
pub const DECAY: f64 = 1e-3;
/// Step size, in units of the standardised features.
pub const LEARNING_RATE: f64 = 0.5;
/// Nesterov momentum.
const MOMENTUM: f64 = 0.9;
/// Iterations of a full fit (a second or so at 1 000 pictures × 400 features in wasm).
pub const ITERATIONS: usize = 300;

/// A softmax classifier being fitted to one training set.
#[derive(Clone, Debug)]
pub struct Softmax {
    /// Standardised features with a final row of ones (d+1 × m).
    x: DMatrix<f64>,
    labels: Vec<usize>,
    /// Per feature: training mean and 1/deviation (1 for a constant feature).
    mean: Vec<f64>,
    inv_std: Vec<f64>,
    /// Class weights and biases (k × d+1), and their velocity.
    w: DMatrix<f64>,
    v: DMatrix<f64>,
    /// Scratch: class probabilities (k×m) and the gradient (k × d+1).
    p: DMatrix<f64>,
    grad: DMatrix<f64>,
    iterations: usize,
    cost: f64,
}

impl Softmax {
    /// A classifier of `classes` classes for `features` (d×m, one picture per column) labelled
    /// `labels` (each < `classes`), at W = 0.
    pub fn new(features: &DMatrix<f32>, labels: &[u8], classes: usize) -> Softmax {
        let (d, m) = features.shape();
        assert_eq!(labels.len(), m, "one label per picture");
        let mut mean = vec![0.0; d];
        let mut inv_std = vec![1.0; d];
        for (i, row) in features.row_iter().enumerate() {
            let mu = row.iter().map(|&v| v as f64).sum::<f64>() / m.max(1) as f64;
            let var = row.iter().map(|&v| (v as f64 - mu).powi(2)).sum::<f64>() / m.max(1) as f64;
            mean[i] = mu;
            inv_std[i] = if var > 1e-12 { 1.0 / var.sqrt() } else { 1.0 };
        }
        let mut s = Softmax {
            x: DMatrix::zeros(d + 1, m),
            labels: labels.iter().map(|&l| l as usize).collect(),
            mean,
            inv_std,
            w: DMatrix::zeros(classes, d + 1),
            v: DMatrix::zeros(classes, d + 1),
            p: DMatrix::zeros(classes, m),
            grad: DMatrix::zeros(classes, d + 1),
            iterations: 0,
            cost: f64::NAN,
        };
        s.x = s.standardised(features);
        s
    }

    /// `features` standardised as the training set was, with the row of ones.
    fn standardised(&self, features: &DMatrix<f32>) -> DMatrix<f64> {
        let (d, m) = features.shape();
        DMatrix::from_fn(d + 1, m, |i, j| {
            if i == d {
                1.0
            } else {
                (features[(i, j)] as f64 - self.mean[i]) * self.inv_std[i]
            }
        })
    }

    /// Runs up to `n` more iterations (to [`ITERATIONS`] in all); returns the cost before the last.
    pub fn step(&mut self, n: usize) -> f64 {
        let m = self.x.ncols().max(1) as f64;
        for _ in 0..n.min(ITERATIONS - self.iterations.min(ITERATIONS)) {
            // Nesterov: the gradient at the look-ahead point W + μV
            let ahead = &self.w + MOMENTUM * &self.v;
            self.p = &ahead * &self.x;
            let loss = cross_entropy_deltas(&mut self.p, &self.labels);
            self.grad = &self.p * self.x.transpose() / m;
            let d = self.x.nrows() - 1;
            let mut decay = 0.0;
            for c in 0..self.grad.nrows() {
                for i in 0..d {
                    self.grad[(c, i)] += DECAY * ahead[(c, i)];
                    decay += ahead[(c, i)] * ahead[(c, i)];
                }
            }
            self.cost = loss / m + 0.5 * DECAY * decay;
            self.v = MOMENTUM * &self.v - LEARNING_RATE * &self.grad;
            self.w += &self.v;
            self.iterations += 1;
        }
        self.cost
    }

    /// The fitted weights (k × d+1, the biases last) and the standardisation they read the
    /// features through: per feature, the training mean and 1/deviation.
    pub fn parts(&self) -> (&DMatrix<f64>, &[f64], &[f64]) {
        (&self.w, &self.mean, &self.inv_std)
    }

    /// Fits to the end.
    pub fn fit(mut self) -> Softmax {
        self.step(ITERATIONS);
        self
    }

    /// Iterations run so far.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Whether the fit has run all its iterations.
    pub fn done(&self) -> bool {
        self.iterations >= ITERATIONS
    }

    /// The class with the highest score for each picture of `features` (d×m).
    pub fn predict(&self, features: &DMatrix<f32>) -> Vec<usize> {
        let scores = &self.w * self.standardised(features);
        scores.column_iter().map(|c| DVector::from_iterator(c.len(), c.iter().copied()).argmax().0).collect()
    }

    /// Share of `features`' pictures whose predicted class is their label.
    pub fn accuracy(&self, features: &DMatrix<f32>, labels: &[u8]) -> f64 {
        let right = self.predict(features).iter().zip(labels).filter(|(p, &l)| **p == l as usize).count();
        right as f64 / labels.len().max(1) as f64
    }
}

/// Turns class scores `p` (k×m, one picture per column) into P − Y, the cross-entropy's
/// gradient with respect to the scores (softmax probabilities minus the one-hot labels), and
/// returns the summed cross-entropy −Σⱼ log P(labelⱼ).
pub fn cross_entropy_deltas(p: &mut DMatrix<f64>, labels: &[usize]) -> f64 {
    let mut loss = 0.0;
    for (mut col, &label) in p.column_iter_mut().zip(labels) {
        let top = col.max();
        col.iter_mut().for_each(|z| *z = (*z - top).exp());
        let sum = col.sum();
        col /= sum;
        loss -= col[label].max(f64::MIN_POSITIVE).ln();
        col[label] -= 1.0;
    }
    loss
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three well-separated clusters in 2-D, with a useless constant third feature.
    fn clusters(m: usize) -> (DMatrix<f32>, Vec<u8>) {
        let centres = [(0.0, 0.0), (4.0, 0.0), (0.0, 4.0)];
        let labels: Vec<u8> = (0..m).map(|j| (j % 3) as u8).collect();
        let x = DMatrix::from_fn(3, m, |i, j| {
            let (cx, cy) = centres[j % 3];
            let wobble = (((j * 37 + i * 11) % 17) as f32 - 8.0) / 8.0;
            match i {
                0 => cx + wobble,
                1 => cy - wobble,
                _ => 7.0,
            }
        });
        (x, labels)
    }

    #[test]
    fn it_separates_separable_classes_and_its_cost_falls() {
        let (x, y) = clusters(300);
        let mut s = Softmax::new(&x, &y, 3);
        let first = s.step(1);
        assert!((first - 3f64.ln()).abs() < 1e-12, "W = 0 starts at ln 3: {first}");
        let later = s.step(50);
        assert!(later < 0.2 * first, "{first} → {later}");
        let s = s.fit();
        assert!(s.done() && s.iterations() == ITERATIONS);
        assert_eq!(s.accuracy(&x, &y), 1.0);
        let (x2, y2) = clusters(99);
        assert_eq!(s.accuracy(&x2, &y2), 1.0, "and on new points of the same clusters");
    }

    #[test]
    fn the_same_features_give_the_same_classifier() {
        let (x, y) = clusters(120);
        let (a, b) = (Softmax::new(&x, &y, 3).fit(), Softmax::new(&x, &y, 3).fit());
        assert_eq!(a.w, b.w);
        // shuffled labels cannot be learned beyond chance on new points
        let noise: Vec<u8> = (0..120).map(|j| ((j * 7 + j / 5) % 3) as u8).collect();
        let c = Softmax::new(&x, &noise, 3).fit();
        assert!(c.accuracy(&x, &y) < 0.7, "{}", c.accuracy(&x, &y));
    }
}
