//! A model's own knob, declared once in the model's file. The link (`topk.k=4`), the form,
//! the saved file and the native trainer's `--knob` options are all made from these tables.

/// How a knob's value is entered and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnobKind {
    /// A real number; the slider moves on a log scale when `log` is set.
    Float {
        /// Slider on a log scale (for weights spanning decades).
        log: bool,
    },
    /// A whole number.
    Int,
    /// On (1) or off (0).
    Switch,
}

/// One knob of a model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knob {
    /// Its key inside the model's namespace (`k` in `topk.k`).
    pub key: &'static str,
    /// Its label in the page ("k (active units)").
    pub label: &'static str,
    /// One sentence on what it does, for the explanation and the CLI's help.
    pub help: &'static str,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// The default, where the model works as the literature says.
    pub default: f64,
    /// How it is entered.
    pub kind: KnobKind,
}

/// The key of every model's own learning-rate knob (the trainer looks it up by this key).
pub const LR_KEY: &str = "lr";

impl Knob {
    /// A model's learning-rate knob: log slider from `min` to `max`, one line of `help`.
    pub const fn learning_rate(min: f64, max: f64, default: f64, help: &'static str) -> Knob {
        Knob { key: LR_KEY, label: "learning rate", help, min, max, default, kind: KnobKind::Float { log: true } }
    }

    /// `v` clamped into range (and rounded for whole numbers and switches); `None` when `v`
    /// is not a finite number.
    pub fn clamp(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        let v = v.clamp(self.min, self.max);
        Some(match self.kind {
            KnobKind::Float { .. } => v,
            KnobKind::Int => v.round(),
            KnobKind::Switch => {
                if v >= 0.5 {
                    1.0
                } else {
                    0.0
                }
            }
        })
    }
}

/// The default values of a knob table, in order.
pub fn defaults(knobs: &[Knob]) -> Vec<f64> {
    knobs.iter().map(|k| k.default).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamp_keeps_values_in_range_and_whole() {
        let k = Knob { key: "k", label: "k", help: "", min: 1.0, max: 10.0, default: 4.0, kind: KnobKind::Int };
        assert_eq!(k.clamp(3.6), Some(4.0));
        assert_eq!(k.clamp(99.0), Some(10.0));
        assert_eq!(k.clamp(f64::NAN), None);
        let s = Knob { kind: KnobKind::Switch, min: 0.0, max: 1.0, ..k };
        assert_eq!(s.clamp(0.7), Some(1.0));
        assert_eq!(defaults(&[k, s]), vec![4.0, 4.0]);
    }
}
