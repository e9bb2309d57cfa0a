//! One `model.knob=value` entry read strictly, for the native trainer's `--set`.
//!
//! The value goes through the link's own parsing and clamping ([`super::apply_knob`]), so
//! the ranges live only in the models' [`crate::model::Knob`] tables. The difference is the
//! remedy: a link clamps or rounds and carries on (it may be old or hand-edited), while on a
//! command line the same value is a typo, so any problem is refused and nothing changes.

use super::{apply_knob, knob_index, short};
use crate::model::registry::{self, MODELS};
use crate::state::Params;

/// Sets one model knob of `p` from `entry` (`topk.k=4`), parsed and range-checked exactly as
/// the link reads `topk.k=4`, and returns the key of the model it belongs to. On any problem
/// `p` is left as it was and the error is a clause saying what was wrong ("topk.k=99 is
/// outside 1–64", "the topk model has no knob 'q' (its knobs are k, auxk, lr)").
pub fn set_knob(p: &mut Params, entry: &str) -> Result<&'static str, String> {
    let Some((key, raw)) = entry.split_once('=') else {
        return Err(format!("'{}' is not of the form model.knob=value", short(entry)));
    };
    let key = key.trim();
    let Some((i, j)) = knob_index(key) else { return Err(unknown(key)) };
    let mut problems = Vec::new();
    let mut changed = p.clone();
    apply_knob(i, j, raw, &mut changed, &mut problems);
    match problems.into_iter().next() {
        Some(problem) => Err(problem.what),
        None => {
            *p = changed;
            Ok(MODELS[i].key)
        }
    }
}

/// Why `key` names no knob: no such model, or no such knob of that model.
fn unknown(key: &str) -> String {
    let (model, knob) = key.split_once('.').unwrap_or((key, ""));
    let Some(spec) = registry::spec(model) else {
        let known: Vec<&str> = MODELS.iter().map(|m| m.key).collect();
        return format!(
            "'{}' does not start with a model (model.knob=value, the models being {})",
            short(key),
            known.join(", ")
        );
    };
    if spec.knobs.is_empty() {
        return format!("the {} model has no knobs of its own", spec.key);
    }
    let knobs: Vec<&str> = spec.knobs.iter().map(|k| k.key).collect();
    format!("the {} model has no knob '{}' (its knobs are {})", spec.key, short(knob), knobs.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_knob_is_set_as_the_link_sets_it() {
        let mut p = Params::default();
        assert_eq!(set_knob(&mut p, "topk.k=2"), Ok("topk"));
        assert_eq!(set_knob(&mut p, "relu-l1.l1 = 0.5"), Ok("relu-l1"));
        assert_eq!((p.knobs_of("topk")[0], p.knobs_of("relu-l1")[0]), (2.0, 0.5));
        assert_eq!(p.models, ["sae"], "the models are the caller's to choose");
    }

    #[test]
    fn what_a_link_would_clamp_is_refused_and_changes_nothing() {
        let mut p = Params::default();
        let cases = [
            ("topk.k=99", "topk.k=99 is outside 1–64"),
            ("topk.k=2.5", "topk.k=2.5 is not a whole number"),
            ("topk.lr=fast", "topk.lr=fast is not a finite number"),
            ("topk.q=1", "the topk model has no knob 'q' (its knobs are k, auxk, lr)"),
            ("sae.rho=0.1", "the sae model has no knobs of its own"),
            ("hopfield.beta=1", "'hopfield.beta' does not start with a model"),
            ("topk.k", "'topk.k' is not of the form model.knob=value"),
        ];
        for (entry, want) in cases {
            let e = set_knob(&mut p, entry).unwrap_err();
            assert!(e.starts_with(want), "{entry}: {e}");
        }
        assert_eq!(p, Params::default());
    }
}
