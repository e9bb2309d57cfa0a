//! The words that name an enum's values in links, saved files, the form's menus and the
//! native trainer's options, each spelled once, in the enum's own impl of [`Word`].

use crate::model::{OptimizerKind, Output, Penalty};

/// An enum whose values have a word (`kl`) and a label for menus (`KL(ρ‖ρ̂) with ρ, β`).
pub trait Word: Copy + PartialEq + 'static {
    /// Every value, in menu order.
    const ALL: &'static [Self];
    /// Each value's word (lower case), in the order of [`Word::ALL`].
    const WORDS: &'static [&'static str];
    /// Each value's menu label, in the order of [`Word::ALL`].
    const LABELS: &'static [&'static str];

    /// Its position in [`Word::ALL`].
    fn index(self) -> usize {
        Self::ALL.iter().position(|v| *v == self).expect("ALL lists every value")
    }

    /// Its word.
    fn word(self) -> &'static str {
        Self::WORDS[self.index()]
    }

    /// Its menu label.
    fn label(self) -> &'static str {
        Self::LABELS[self.index()]
    }

    /// The value named `word`, if any.
    fn from_word(word: &str) -> Option<Self> {
        Self::WORDS.iter().position(|w| *w == word).map(|i| Self::ALL[i])
    }
}

impl Word for Output {
    const ALL: &'static [Self] = &[Output::Sigmoid, Output::Linear];
    const WORDS: &'static [&'static str] = &["sigmoid", "linear"];
    const LABELS: &'static [&'static str] = &["sigmoid", "linear"];
}

impl Word for OptimizerKind {
    const ALL: &'static [Self] = &[OptimizerKind::Adam, OptimizerKind::Sgd];
    const WORDS: &'static [&'static str] = &["adam", "sgd"];
    const LABELS: &'static [&'static str] = &["Adam", "SGD"];
}

impl Word for Penalty {
    const ALL: &'static [Self] = &[Penalty::Kl, Penalty::L1];
    const WORDS: &'static [&'static str] = &["kl", "l1"];
    const LABELS: &'static [&'static str] = &["KL(ρ‖ρ̂) with ρ, β", "L1 on activations"];
}

/// A switch: `on` / `off`.
impl Word for bool {
    const ALL: &'static [Self] = &[true, false];
    const WORDS: &'static [&'static str] = &["on", "off"];
    const LABELS: &'static [&'static str] = &["on", "off"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Dataset;
    use crate::state::Layout;

    fn round_trips<T: Word + std::fmt::Debug>() {
        assert_eq!((T::WORDS.len(), T::LABELS.len()), (T::ALL.len(), T::ALL.len()));
        for &v in T::ALL {
            assert_eq!(T::from_word(v.word()), Some(v));
            assert!(v.word().chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{v:?}");
        }
        assert_eq!(T::from_word("no-such-word"), None);
    }

    #[test]
    fn every_word_reads_back_as_its_value() {
        round_trips::<Output>();
        round_trips::<OptimizerKind>();
        round_trips::<Penalty>();
        round_trips::<bool>();
        round_trips::<Dataset>();
        round_trips::<Layout>();
    }
}
