//! Minibatch training with the page's own [`Trainer`]: the same steps, in the same order,
//! as the page takes with the same settings and seed.

use sae_lab::model::Cost;
use sae_lab::train::{Diverged, Trainer};

use crate::progress::{terms, Progress};

/// Steps run between two progress updates; also how far back a divergence rolls.
const CHUNK: u64 = 100;

/// Runs `steps` steps, or until training diverges: then the trainer holds the weights from
/// the start of the chunk in which it did (at most [`CHUNK`] steps back), all finite.
/// Returns the mean cost terms of the last chunk (lane 0's: the trainer's one model).
pub fn train(trainer: &mut Trainer, steps: u64, progress: &mut Progress) -> Result<Cost, Diverged> {
    let mut last = Cost::default();
    let mut done = 0;
    let names = trainer.model().penalty_names();
    while done < steps {
        let k = CHUNK.min(steps - done) as u32;
        // an unlimited budget on a stopped clock: exactly k steps, rolled back on divergence
        let slice = trainer.run_budgeted(&mut || 0.0, f64::INFINITY, k);
        if let Some(d) = slice.diverged {
            return Err(d);
        }
        done += u64::from(slice.steps);
        last = slice.mean[0];
        progress.update(done, &terms(&last, names));
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sae_lab::data::Dataset;
    use sae_lab::model::Hyper;
    use sae_lab::train::Setup;

    fn trainer(lr: f64) -> Trainer {
        let hyper = Hyper { lr, ..Hyper::default() }.validate().unwrap();
        let setup = Setup { patch: 4, hidden: 6, batch: 32, ..Setup::default() };
        Trainer::new(setup, hyper, Dataset::Bars.builtin(1, true).unwrap()).unwrap()
    }

    #[test]
    fn runs_exactly_the_steps_the_page_would() {
        let mut t = trainer(1e-2);
        let mut page = trainer(1e-2);
        let mean = train(&mut t, 250, &mut Progress::new(250, "step", 1000, false)).unwrap();
        for _ in 0..250 {
            page.step().unwrap();
        }
        assert_eq!(t.steps(), 250);
        assert_eq!(t.model().theta(), page.model().theta(), "same weights as stepping one by one");
        assert!(mean.is_finite() && mean.total() > 0.0);
    }

    #[test]
    fn divergence_keeps_finite_weights() {
        let mut t = trainer(1.0);
        t.model_mut().theta_mut()[0] = 1e30;
        let d = train(&mut t, 300, &mut Progress::new(300, "step", 1000, false)).unwrap_err();
        assert_eq!(d.lr, 1.0);
        assert!(t.steps() <= d.step && t.model().is_finite());
    }
}
