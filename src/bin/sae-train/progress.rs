//! Progress on stderr: a bar when stderr is a terminal, plain lines otherwise (logs, CI,
//! pipes), so the output of a long run is readable in both places.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sae_lab::model::Cost;

/// Reports how far a run of `total` steps or iterations has come.
pub struct Progress {
    bar: Option<ProgressBar>,
    unit: &'static str,
    total: u64,
    /// Plain lines are printed every this many steps (and at the end).
    every: u64,
    /// Print the lines even when the bar is shown (the L-BFGS log).
    lines_with_bar: bool,
    next_line: u64,
    start: Instant,
}

impl Progress {
    /// Progress of `total` `unit`s ("step", "iter"), with a plain line every `every` of them.
    pub fn new(total: u64, unit: &'static str, every: u64, lines_with_bar: bool) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            // wide_msg is cut to the terminal's width, so the bar stays on one line
            let style = ProgressStyle::with_template("{bar:20} {pos}/{len} [{elapsed}, eta {eta}] {wide_msg}")
                .expect("the template is valid")
                .progress_chars("█▌ ");
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let every = every.max(1);
        Progress { bar, unit, total, every, lines_with_bar, next_line: every, start: Instant::now() }
    }

    /// Progress of `total` steps with a plain line every 5 %.
    pub fn steps(total: u64) -> Self {
        Self::new(total, "step", total.div_ceil(20), false)
    }

    /// Reached `done` of the total; `what` says how it is going ("cost 0.45 = …").
    pub fn update(&mut self, done: u64, what: &str) {
        let secs = self.start.elapsed().as_secs_f64();
        let rate = done as f64 / secs.max(1e-9);
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            bar.set_message(format!("{rate:.0} {}s/s, {what}", self.unit));
        }
        let due = done >= self.next_line || done == self.total;
        if due && (self.bar.is_none() || self.lines_with_bar) {
            while self.next_line <= done {
                self.next_line += self.every;
            }
            let (unit, total) = (self.unit, self.total);
            self.line(&format!("{unit} {done}/{total}  {what}  ({secs:.1} s, {rate:.0} {unit}s/s)"));
        }
    }

    /// Prints a line without breaking the bar.
    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// Removes the bar (the lines stay).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Seconds since the start.
    pub fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

/// "cost 0.451234 = recon 0.012345 + sparsity 0.432100 + decay 0.006789": the total and
/// each term, the penalties under the model's own names (`names`, [`Model::penalty_names`]).
///
/// [`Model::penalty_names`]: sae_lab::model::Model::penalty_names
pub fn terms(p: &Cost, names: &[&str]) -> String {
    let mut out = format!("cost {:.6} = recon {:.6}", p.total(), p.recon);
    for (name, v) in names.iter().zip(p.penalties) {
        out += &format!(" + {name} {v:.6}");
    }
    out + &format!(" + decay {:.6}", p.decay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_named_by_the_model() {
        let c = Cost { recon: 1.0, penalties: [0.25, 0.5, 0.0], decay: 0.125 };
        assert_eq!(
            terms(&c, &["l1", "auxk"]),
            "cost 1.875000 = recon 1.000000 + l1 0.250000 + auxk 0.500000 + decay 0.125000"
        );
    }
}
