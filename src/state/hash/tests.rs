//! Tests of the link format: exact round trips, every kind of bad entry, properties.

use super::*;
use crate::model::{OptimizerKind, Output, Penalty};
use crate::state::params::Layout;

#[test]
fn the_default_link_lists_every_field_in_order() {
    assert_eq!(
        to_hash(&Params::default()),
        "hidden=25&patch=8&batch=256&seed=1&data=photos&whiten=on&output=sigmoid&opt=adam&penalty=kl&rho=0.01&beta=3&l1=0.1\
         &lambda=0.0001&lr=0.01&noise=0&stop=0&step_ms=0&layout=normal"
    );
}

#[test]
fn every_field_is_written_and_read_back() {
    let mut p = Params {
        hidden: 36,
        patch: 12,
        batch: 2048,
        seed: 4_294_967_295,
        output: Output::Linear,
        optimizer: OptimizerKind::Sgd,
        penalty: Penalty::L1,
        rho: 0.001,
        beta: 10.0,
        l1: 0.3,
        lambda: 3e-7,
        lr: 1e-5,
        noise: 0.25,
        stop_after: 1_000_000_000,
        step_ms: 2000.0,
        layout: Layout::Present,
        ..Params::default()
    };
    p.hide.extend(["lr".to_string(), "pca".to_string(), "rho-bars".to_string()]);
    let h = to_hash(&p);
    assert!(h.contains("lambda=3e-7") && h.contains("lr=0.00001") && h.contains("hide=lr,pca,rho-bars"), "{h}");
    assert_eq!(from_hash(&h), (p.clone(), vec![]));
    assert_eq!(from_hash(&format!("#{h}")), (p, vec![]));
}

#[test]
fn empty_and_partial_links_fall_back_to_defaults() {
    assert_eq!(from_hash(""), (Params::default(), vec![]));
    assert_eq!(from_hash("#"), (Params::default(), vec![]));
    assert_eq!(from_hash("&&"), (Params::default(), vec![]));
    let (p, n) = from_hash("#rho=0.05&hidden=36");
    assert_eq!((p.rho, p.hidden, p.beta), (0.05, 36, 3.0));
    assert!(n.is_empty());
}

#[test]
fn out_of_range_numbers_are_clamped_with_a_notice() {
    let (p, n) = from_hash("#rho=5&hidden=9999&lr=0&batch=-3&seed=99999999999999999999999");
    assert_eq!((p.rho, p.hidden, p.lr, p.batch, p.seed), (0.5, 400, 1e-5, 16, 4_294_967_295));
    assert_eq!(n[0], "rho=5 is above the largest allowed value 0.5; using 0.5.");
    assert_eq!(n[1], "hidden=9999 is above the largest allowed value 400; using 400.");
    assert_eq!(n[2], "lr=0 is below the smallest allowed value 0.00001; using 0.00001.");
    assert_eq!(n[3], "batch=-3 is below the smallest allowed value 16; using 16.");
    assert_eq!(n.len(), 5);
}

#[test]
fn malformed_values_are_ignored_with_a_notice() {
    let (p, n) = from_hash("lr=abc&rho=NaN&beta=inf&hidden=25.5&output=tanh&patch=");
    assert_eq!(p, Params::default());
    assert_eq!(
        n,
        [
            "lr=abc is not a number; using the default 0.01.",
            "rho=NaN is not a finite number; using the default 0.01.",
            "beta=inf is not a finite number; using the default 3.",
            "hidden=25.5 is not a whole number; using the default 25.",
            "output=tanh is not one of sigmoid, linear; using the default sigmoid.",
            "patch= is not a number; using the default 8.",
        ]
    );
    // a later bad duplicate keeps the earlier good value, and says so
    let (p, n) = from_hash("lr=0.5&lr=oops");
    assert_eq!((p.lr, n), (0.5, vec!["lr=oops is not a number; keeping 0.5.".to_string()]));
}

#[test]
fn unknown_keys_and_hide_names_are_ignored_with_a_notice() {
    let (p, n) = from_hash("#foo=1&hide=nonsense,lr&bar");
    assert_eq!(p.hide, BTreeSet::from(["lr".to_string()]));
    assert_eq!(
        n,
        [
            "unknown setting 'foo' ignored.",
            "hide: 'nonsense' is not a control or panel of the page; it is ignored.",
            "unknown setting 'bar' ignored.",
        ]
    );
}

#[test]
fn values_are_percent_decoded_and_words_are_case_blind() {
    let (p, n) = from_hash("hide=lr%2Cpca%2C%20explain&opt=SGD&layout=Present&rho=%30.05");
    assert_eq!(p.hide.len(), 3);
    assert_eq!((p.optimizer, p.layout, p.rho), (OptimizerKind::Sgd, Layout::Present, 0.05));
    assert!(n.is_empty(), "{n:?}");
    // stray or broken escapes are kept literally, never a panic
    assert_eq!(decode("%"), "%");
    assert_eq!(decode("%4"), "%4");
    assert_eq!(decode("%zz%41"), "%zzA");
    assert_eq!(decode("%FF"), "\u{FFFD}");
    assert_eq!(encode("a b&c"), "a%20b%26c");
}

#[test]
fn integers_may_be_written_as_reals_and_the_last_duplicate_wins() {
    let (p, n) = from_hash("hidden=25.0&patch=1e1&hidden=36&stop=300");
    assert_eq!((p.hidden, p.patch, p.stop_after), (36, 10, 300));
    assert!(n.is_empty());
}

#[test]
fn long_outside_text_is_shortened_in_notices() {
    let (_, n) = from_hash(&format!("{}=1", "x".repeat(500)));
    assert!(n[0].chars().count() < 80, "{}", n[0]);
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use crate::state::params::tests::arb_params;
    use proptest::prelude::*;

    /// Key=value soups: real keys and junk, real words, numbers and junk.
    fn soup() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            proptest::sample::select(FIELDS.iter().map(|f| f.key).collect::<Vec<_>>()).prop_map(String::from),
            "[a-z%#=&]{0,6}",
        ];
        let value = prop_oneof![
            any::<f64>().prop_map(|x| x.to_string()),
            any::<i64>().prop_map(|x| x.to_string()),
            "(sigmoid|linear|adam|sgd|kl|l1|normal|present|NaN|inf|-inf|1e999|-0|25\\.0)",
            "[a-z,%0-9.eE+-]{0,12}",
            "\\PC{0,8}",
        ];
        proptest::collection::vec((key, value), 0..12)
            .prop_map(|kv| kv.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
    }

    proptest! {
        #[test]
        fn any_in_range_settings_round_trip_exactly(p in arb_params()) {
            let (back, notices) = from_hash(&to_hash(&p));
            prop_assert!(notices.is_empty(), "{:?}", notices);
            prop_assert_eq!(back, p);
        }

        #[test]
        fn any_text_gives_in_range_settings(s in "\\PC*") {
            let (p, _) = from_hash(&s);
            prop_assert_eq!(p.check(), Ok(()));
        }

        #[test]
        fn any_soup_gives_in_range_settings_that_round_trip(s in soup()) {
            let (p, _) = from_hash(&s);
            prop_assert_eq!(p.check(), Ok(()));
            prop_assert_eq!(from_hash(&to_hash(&p)), (p, vec![]));
        }
    }
}

#[test]
fn models_and_their_knobs_round_trip_and_bad_ones_get_notices() {
    use crate::model::MODELS;
    let topk = MODELS.iter().position(|m| m.key == "topk").unwrap();
    let mut p = Params { models: vec!["topk", "relu-l1"], ..Params::default() };
    p.knobs[topk][0] = 2.0;
    let link = to_hash(&p);
    assert!(link.contains("models=topk,relu-l1") && link.contains("topk.k=2"), "{link}");
    assert!(!link.contains("sparse-coding."), "only the knobs of models in use are written: {link}");
    assert_eq!(from_hash(&link), (p, vec![]));
    // an old link has no models: a lone sparse autoencoder, and its link is unchanged
    assert_eq!(from_hash("rho=0.05").0.models, vec!["sae"]);
    assert!(!to_hash(&Params::default()).contains("models="));
    let (q, notices) = from_hash("models=hopfield,topk&topk.k=999&topk.k2=1&topk.lr=abc");
    assert_eq!(q.models, vec!["topk"]);
    assert_eq!(q.knobs[topk][0], 64.0, "clamped to the knob's range");
    assert_eq!(notices.len(), 4, "{notices:?}");
    assert!(notices[0].contains("'hopfield' is not one of sae, sparse-coding"), "{notices:?}");
    assert!(notices[1].contains("topk.k=999 is outside 1–64; using 64"), "{notices:?}");
    assert!(notices[2].contains("unknown setting 'topk.k2'"), "{notices:?}");
    assert!(notices[3].contains("topk.lr=abc is not a finite number"), "{notices:?}");
    let (r, n) = from_hash("models=,,");
    assert_eq!((r.models, n.len()), (vec!["sae"], 1));
}

#[test]
fn a_vae_link_names_its_beta_apart_from_the_sparse_autoencoders() {
    let (p, notices) = from_hash("models=sae,vae&vae.beta=2&beta=5");
    assert_eq!(notices, Vec::<String>::new());
    assert_eq!((p.models.clone(), p.knobs_of("vae")[0], p.beta), (vec!["sae", "vae"], 2.0, 5.0));
    assert_eq!(from_hash(&to_hash(&p)), (p, vec![]));
    assert_eq!(from_hash("models=vae").0.models, vec!["vae"]);
}

#[test]
fn the_page_trains_two_models_at_most() {
    let (p, notices) = from_hash("models=sae,topk,relu-l1");
    assert_eq!(p.models, vec!["sae", "topk"]);
    assert!(notices[0].contains("shows 2 models side by side; 'relu-l1' is left out"), "{notices:?}");
}

#[test]
fn the_second_model_may_be_the_first_with_knobs_and_noise_of_its_own() {
    use crate::model::registry::MODELS;
    let topk = MODELS.iter().position(|m| m.key == "topk").unwrap();
    // the beside entries may come before the models they refer to
    let (p, notices) = from_hash("beside.auxk=0&models=topk,topk&topk.k=2&beside.noise=0.25");
    assert_eq!(notices, Vec::<String>::new());
    assert!(p.twin());
    let lanes = p.lanes();
    assert_eq!((lanes[0].knobs[..2].to_vec(), lanes[0].noise), (vec![2.0, 1.0], None));
    assert_eq!((lanes[1].knobs[..2].to_vec(), lanes[1].noise), (vec![2.0, 0.0], Some(0.25)), "k from the first");
    assert_eq!(p.knobs[topk][1], 1.0, "the first lane keeps AuxK");
    assert_eq!(from_hash(&to_hash(&p)), (p.clone(), vec![]), "exact round trip: {}", to_hash(&p));
    // without a twin the second lane's knobs mean nothing: a notice, and nothing changes
    let (q, notices) = from_hash("models=topk,relu-l1&beside.auxk=0&beside.noise=7");
    assert_eq!((q.beside.knobs.clone(), q.beside.noise), (None, Some(1.0)));
    assert!(notices[0].contains("beside.noise=7 is above the largest allowed value 1"), "{notices:?}");
    assert!(notices[1].contains("beside.auxk applies when the same model trains twice"), "{notices:?}");
    let (_, notices) = from_hash("models=topk,topk&beside.q=1&beside.k=0.5");
    assert!(notices[0].contains("the topk model has no such knob"), "{notices:?}");
    assert!(notices[1].contains("beside.k=0.5 is outside 1–64; using 1"), "{notices:?}");
}
