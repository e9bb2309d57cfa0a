//! The teaching datasets do what the page says they do: bars give bar detectors, white
//! noise gives no edges, strokes give localized filters.

use sae_lab::data::Dataset;
use sae_lab::model::{edges, Hyper};
use sae_lab::readouts::{bar_match, BAR_MATCH_MIN};
use sae_lab::train::{Setup, Trainer};

fn trained(data: Dataset, setup: Setup, hyper: Hyper, steps: u32) -> Trainer {
    let images = data.builtin(1, true).unwrap();
    let mut t = Trainer::new(setup, hyper.validate().unwrap(), images).unwrap();
    for _ in 0..steps {
        t.step().expect("training stays finite");
    }
    t
}

#[test]
fn bars_give_one_unit_per_bar() {
    let p = 8;
    let setup = Setup { patch: p, hidden: 25, ..Setup::default() };
    let hyper = Hyper { rho: 0.1, ..Hyper::default() };
    let t = trained(Dataset::Bars, setup, hyper, 3000);
    let matches = bar_match(&t.model().filters(), p);
    let good: Vec<usize> = matches.iter().filter(|m| m.1 > BAR_MATCH_MIN).map(|m| m.0).collect();
    let mut distinct = good.clone();
    distinct.sort_unstable();
    distinct.dedup();
    println!("bar matches {matches:?}");
    println!("{} units are single-bar detectors, covering {} of the 16 bars", good.len(), distinct.len());
    assert!(good.len() >= 12, "most units detect a single bar: {matches:?}");
    assert!(distinct.len() >= 12, "and between them they cover most bars: {distinct:?}");
    let random = bar_match(&trained(Dataset::Bars, setup, hyper, 0).model().filters(), p);
    assert!(random.iter().all(|m| m.1 < BAR_MATCH_MIN), "random filters are not bars: {random:?}");
}

#[test]
fn white_noise_gives_no_edges() {
    let t = trained(Dataset::Noise, Setup::default(), Hyper::default(), 3000);
    let share = edges::edge_share(&t.model().filters(), 8);
    println!("noise edge share {share}");
    assert!(share < 0.1, "no edge detectors on white noise, got {share}");
}

#[test]
fn strokes_give_localized_filters() {
    let loc0 = edges::mean_localization(
        &trained(Dataset::Strokes, Setup::default(), Hyper::default(), 0).model().filters(),
        8,
    );
    let t = trained(Dataset::Strokes, Setup::default(), Hyper::default(), 3000);
    let loc = edges::mean_localization(&t.model().filters(), 8);
    let share = edges::edge_share(&t.model().filters(), 8);
    println!("strokes localization {loc0} → {loc}, edge share {share}");
    assert!(loc > loc0 + 0.1, "stroke fragments are local: {loc0} → {loc}");
}
