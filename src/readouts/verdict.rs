//! "Have edges formed?" as one sentence for the page, from the filters alone (see
//! [`crate::model::edges`] for what counts as a localized, oriented edge detector).

use nalgebra::DMatrix;

use crate::data::Dataset;
use crate::model::edges::{filter_shape, filter_shapes};
use crate::model::CodeKind;

/// Edge share from which the verdict is [`VerdictLevel::Formed`].
pub const FORMED_SHARE: f32 = 0.3;
/// Edge share from which the verdict is [`VerdictLevel::Emerging`].
pub const EMERGING_SHARE: f32 = 0.1;

/// How far the filters have come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerdictLevel {
    /// Fewer than 10 % of the units are edge detectors.
    None,
    /// At least 10 %, fewer than 30 %.
    Emerging,
    /// At least 30 % (a default run on dead leaves reaches ~70 % by 3 000 steps; some units
    /// stay blobs or noisy, so 100 % is not the goal).
    Formed,
}

/// The indicator: the numbers and the sentence shown to the reader.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeVerdict {
    /// Share of units that are edge detectors, in [0, 1].
    pub share: f32,
    /// How many units are edge detectors.
    pub edge_units: usize,
    /// How many units there are.
    pub units: usize,
    /// The level the share falls in.
    pub level: VerdictLevel,
    /// A plain-language sentence saying so.
    pub text: String,
}

/// Judges the encoder filters `w1` (h×p², one filter per row) of p×p patches.
/// Allocates a little (one shape per unit and the sentence); call it a few times per second.
pub fn edge_verdict(w1: &DMatrix<f32>, patch: usize) -> EdgeVerdict {
    verdict_of(filter_shapes(w1, patch).iter().filter(|s| s.is_edge()).count(), w1.nrows())
}

/// The verdict on `units` filters of which `edge_units` are edge detectors.
fn verdict_of(edge_units: usize, units: usize) -> EdgeVerdict {
    let share = edge_units as f32 / units.max(1) as f32;
    let level = if share >= FORMED_SHARE {
        VerdictLevel::Formed
    } else if share >= EMERGING_SHARE {
        VerdictLevel::Emerging
    } else {
        VerdictLevel::None
    };
    let verb = if edge_units == 1 {
        "is a localized, oriented edge detector"
    } else {
        "are localized, oriented edge detectors"
    };
    let text = match level {
        VerdictLevel::Formed => format!("Edges formed: {edge_units} of {units} units {verb}."),
        VerdictLevel::Emerging => format!("Edges emerging: {edge_units} of {units} units {verb} so far."),
        VerdictLevel::None => "No edge detectors yet: filters are noisy or global.".to_string(),
    };
    EdgeVerdict { share, edge_units, units, level, text }
}

/// [`edge_verdict`] within a time budget, for the page: one Gabor fit per filter costs about
/// 0.2 ms at 16×16 in wasm, so 400 of them would freeze a frame. Each update judges filters
/// from where the last one stopped until the budget is spent, and the verdict counts the
/// latest judgement of every filter (all of them each time at the default 25 × 8×8).
#[derive(Clone, Debug, Default)]
pub struct EdgeWatch {
    is_edge: Vec<bool>,
    next: usize,
}

impl EdgeWatch {
    /// Judges filters of `w1` (h×p², one per row) for up to `budget_ms` on `clock` (at least
    /// one), then gives the verdict; a new shape starts over.
    pub fn update(
        &mut self,
        w1: &DMatrix<f32>,
        patch: usize,
        clock: &mut dyn FnMut() -> f64,
        budget_ms: f64,
    ) -> EdgeVerdict {
        let h = w1.nrows();
        if self.is_edge.len() != h {
            *self = EdgeWatch { is_edge: vec![false; h], next: 0 };
        }
        let mut row = vec![0.0; w1.ncols()];
        let start = clock();
        for _ in 0..h {
            let j = self.next;
            row.iter_mut().zip(w1.row(j).iter()).for_each(|(r, &v)| *r = v);
            self.is_edge[j] = filter_shape(&row, patch).is_edge();
            self.next = (j + 1) % h;
            if clock() - start >= budget_ms {
                break;
            }
        }
        verdict_of(self.is_edge.iter().filter(|&&e| e).count(), h)
    }
}

/// Steps before which "no edges" means the run has barely started (edges form after about
/// 1 500 steps at the defaults).
pub const EARLY_STEPS: u64 = 1000;

/// What the banner knows about a run, to say why it shows no edges.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunFacts {
    /// The data it trains on.
    pub data: Dataset,
    /// Steps so far.
    pub steps: u64,
    /// What the followed model's codes are.
    pub kind: CodeKind,
    /// For the sparse autoencoder, its β and ρ; `None` for the other models.
    pub sae: Option<(f64, f64)>,
}

impl EdgeVerdict {
    /// The sentence fitted to the run when no edges show: on white noise that is the expected
    /// outcome of a control; early on the filters are still forming; β = 0, a dense target ρ
    /// or a Gaussian prior is the reason itself; otherwise, too little sparsity or too short.
    pub fn for_run(mut self, run: &RunFacts) -> EdgeVerdict {
        if self.level == VerdictLevel::Emerging && run.kind == CodeKind::Gaussian {
            // what tests/edges_vae.rs measures: a VAE's global directions pass the edge test
            // a few percent of the time, and that is not edges emerging
            self.text = format!(
                "Hardly any edges: {} of {} filters pass the edge test, as a few of a Gaussian prior's global, \
                 PCA-like directions do by chance (see the lesson beside them).",
                self.edge_units, self.units
            );
        }
        if self.level != VerdictLevel::None {
            return self;
        }
        let steps = run.steps;
        self.text = match (run.data, run.kind, run.sae) {
            (Dataset::Noise, ..) => "No edge detectors, as expected: white noise has no structure for a filter to \
                                     find (a control)."
                .to_string(),
            (Dataset::Digits, ..) => "No edge detectors: whole digits are not natural images, so the units learn \
                                      strokes and parts of digits (what they are good for: Features for a classifier)."
                .to_string(),
            _ if steps < EARLY_STEPS => {
                format!("No edge detectors yet: at step {steps} the filters are still forming from their random start.")
            }
            (_, _, Some((0.0, _))) => {
                "No edge detectors: with β = 0 there is no sparsity penalty, so the filters stay spread-out mixtures."
                    .to_string()
            }
            (_, _, Some((_, rho))) if rho >= DENSE_RHO => format!(
                "No edge detectors: a target activity of ρ = {rho} is hardly sparse, so the filters stay blurry mixtures."
            ),
            (_, CodeKind::Gaussian, _) => "No edge detectors: a Gaussian prior is not sparse, so the filters stay \
                                           global, PCA-like directions (see the lesson beside them)."
                .to_string(),
            _ => format!(
                "No edge detectors after {steps} steps: the filters are noisy or global (too little sparsity for \
                 this data, or it needs longer)."
            ),
        };
        self
    }
}

/// A target activity from which the sparse autoencoder's code is hardly sparse.
const DENSE_RHO: f64 = 0.2;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::natural_images;
    use crate::model::{Hyper, Output, Sae};
    use crate::train::{Setup, Trainer};
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg32;

    /// A windowed step edge at angle θ (as in model::edges' tests).
    fn edge(p: usize, theta: f32) -> Vec<f32> {
        let (s, c) = theta.sin_cos();
        (0..p * p)
            .map(|i| {
                let (x, y) = ((i % p) as f32 - 3.5, (i / p) as f32 - 4.0);
                (-(x * x + y * y) / (2.0 * 1.3 * 1.3)).exp() * (x * c + y * s).tanh()
            })
            .collect()
    }

    /// `edges` edge filters followed by noise filters, `units` rows in all.
    fn filters(units: usize, edges: usize) -> DMatrix<f32> {
        let mut rng = Pcg32::seed_from_u64(4);
        let mut w = DMatrix::from_fn(units, 64, |_, _| rng.random_range(-1.0..1.0));
        for j in 0..edges {
            let e = edge(8, j as f32 * 0.4);
            w.row_mut(j).iter_mut().zip(e).for_each(|(w, e)| *w = e);
        }
        w
    }

    #[test]
    fn the_budgeted_watch_agrees_with_the_verdict_once_every_filter_was_judged() {
        let w = filters(40, 20);
        let whole = edge_verdict(&w, 8);
        let mut watch = EdgeWatch::default();
        // a clock that says each fit took 1 ms: a 5 ms budget judges 5 filters per update
        let mut t = 0.0;
        let mut clock = || {
            t += 1.0;
            t
        };
        let first = watch.update(&w, 8, &mut clock, 5.0);
        assert_eq!(first.edge_units, 5, "the first five filters only");
        for _ in 0..6 {
            watch.update(&w, 8, &mut clock, 5.0);
        }
        assert_eq!(watch.update(&w, 8, &mut clock, 5.0), whole, "after a full round");
        let all_at_once = EdgeWatch::default().update(&w, 8, &mut || 0.0, 10.0);
        assert_eq!(all_at_once, whole, "a clock that never moves: every filter in one update");
    }

    #[test]
    fn levels_follow_the_share() {
        let v = edge_verdict(&filters(10, 3), 8);
        assert_eq!((v.edge_units, v.units, v.level), (3, 10, VerdictLevel::Formed));
        assert_eq!(v.text, "Edges formed: 3 of 10 units are localized, oriented edge detectors.");
        let v = edge_verdict(&filters(10, 1), 8);
        assert_eq!(v.level, VerdictLevel::Emerging);
        assert_eq!(v.text, "Edges emerging: 1 of 10 units is a localized, oriented edge detector so far.");
        let v = edge_verdict(&filters(11, 1), 8);
        assert_eq!(v.level, VerdictLevel::None, "1 of 11 is below 10 %");
        assert!(v.text.starts_with("No edge detectors yet"));
        assert_eq!(edge_verdict(&DMatrix::zeros(0, 64), 8).level, VerdictLevel::None);
    }

    #[test]
    fn random_initial_weights_have_no_edges() {
        let sae: Sae<f32> = Sae::init(64, 25, Output::Sigmoid, &mut Pcg32::seed_from_u64(1));
        let v = edge_verdict(&sae.w1().into_owned(), 8);
        assert_eq!(v.level, VerdictLevel::None, "{v:?}");
    }

    fn trained(hyper: Hyper, steps: usize) -> EdgeVerdict {
        let mut t = Trainer::new(Setup::default(), hyper.validate().unwrap(), natural_images(1)).unwrap();
        for _ in 0..steps {
            t.step().unwrap();
        }
        edge_verdict(&t.model().filters(), t.setup().patch)
    }

    #[test]
    fn a_default_run_forms_edges() {
        let v = trained(Hyper::default(), 3000);
        assert_eq!(v.level, VerdictLevel::Formed, "{v:?}");
    }

    #[test]
    fn without_sparsity_no_edges_form() {
        let v = trained(Hyper { beta: 0.0, ..Default::default() }, 2000);
        assert_eq!(v.level, VerdictLevel::None, "{v:?}");
    }

    #[test]
    fn the_reason_for_no_edges_fits_the_run() {
        let random = edge_verdict(&DMatrix::from_fn(25, 64, |i, j| ((i * 31 + j * 17) % 13) as f32 - 6.0), 8);
        assert_eq!(random.level, VerdictLevel::None);
        let sae = RunFacts { data: Dataset::Natural, steps: 5000, kind: CodeKind::Unit, sae: Some((3.0, 0.01)) };
        let why = |run: RunFacts| random.clone().for_run(&run).text;
        let noise = why(RunFacts { data: Dataset::Noise, ..sae });
        assert!(noise.contains("as expected") && !noise.contains("random start"), "{noise}");
        assert!(why(RunFacts { steps: 200, ..sae }).contains("random start"));
        let beta0 = why(RunFacts { sae: Some((0.0, 0.01)), ..sae });
        assert!(beta0.contains("β = 0") && !beta0.contains("random"), "{beta0}");
        assert!(why(RunFacts { sae: Some((3.0, 0.3)), ..sae }).contains("ρ = 0.3"));
        let vae = why(RunFacts { kind: CodeKind::Gaussian, sae: None, ..sae });
        assert!(vae.contains("Gaussian prior") && !vae.contains("sparsity"), "{vae}");
        assert!(why(sae).contains("after 5000 steps"));
        assert!(why(RunFacts { data: Dataset::Digits, ..sae }).contains("strokes and parts of digits"));
        let formed = edge_verdict(&DMatrix::from_fn(25, 64, |_, j| edge(8, 0.3)[j]), 8);
        assert_eq!(
            formed.clone().for_run(&RunFacts { data: Dataset::Noise, ..sae }),
            formed,
            "only \"no edges\" is explained"
        );
        let vae_run = RunFacts { kind: CodeKind::Gaussian, sae: None, ..sae };
        let few = edge_verdict(&filters(25, 4), 8);
        assert_eq!(few.level, VerdictLevel::Emerging);
        let text = few.clone().for_run(&vae_run).text;
        assert!(text.contains("4 of 25 filters pass") && text.contains("by chance"), "{text}");
        assert_eq!(few.clone().for_run(&sae), few, "a sparse model's few edges are emerging");
        assert_eq!(formed.clone().for_run(&vae_run), formed, "a VAE's many edges are edges");
    }
}
