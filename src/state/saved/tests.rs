//! Tests of the model file: exact round trip, one test per error, properties.

use super::*;
use crate::model::sparse_ae::SparseAe;
use crate::model::{Output, Penalty, Sae};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// A small trained-looking network with awkward values in it (subnormal, huge, −0).
fn network(p: &Params, seed: u64) -> SparseAe<f32> {
    let mut rng = Pcg32::seed_from_u64(seed);
    let mut sae = Sae::init(p.patch * p.patch, p.hidden, p.output, &mut rng);
    for v in sae.theta_mut() {
        *v = f32::from_bits(rng.random::<u32>());
        if !v.is_finite() {
            *v = rng.random_range(-1.0..1.0);
        }
    }
    let w2 = sae.layout().range(crate::model::sae::W2).start;
    let b2 = sae.layout().range(crate::model::sae::B2).start;
    let theta = sae.theta_mut();
    theta[0] = -0.0;
    theta[1] = f32::MIN_POSITIVE / 3.0;
    theta[w2] = f32::MAX;
    theta[b2] = 0.1;
    SparseAe::new(sae)
}

/// The same network as a version-1 file (blocks at the top level, no "model"), as the page
/// wrote them before the model family.
fn v1_file(p: &Params, steps: u64, m: &dyn Model<f32>) -> String {
    let o = match serde_json::from_str(&save(p, steps, m)).unwrap() {
        Value::Object(o) => o,
        _ => unreachable!(),
    };
    let mut v1 = Map::new();
    v1.insert("format".into(), FORMAT.into());
    v1.insert("version".into(), 1.into());
    v1.insert("settings".into(), o["settings"].clone());
    v1.insert("steps".into(), steps.into());
    for name in V1_BLOCKS {
        v1.insert(name.into(), o["blocks"][name].clone());
    }
    Value::Object(v1).to_string()
}

fn small() -> Params {
    Params {
        hidden: 9,
        patch: 4,
        batch: 16,
        seed: 7,
        output: Output::Linear,
        penalty: Penalty::L1,
        ..Params::default()
    }
}

fn bits(m: &dyn Model<f32>) -> Vec<u32> {
    m.theta().iter().map(|v| v.to_bits()).collect()
}

#[test]
fn a_saved_model_loads_back_bit_for_bit() {
    let mut p = small();
    p.hide.insert("pca".into());
    let sae = network(&p, 1);
    let text = save(&p, 12345, &sae);
    let (p2, steps, sae2) = load(&text).unwrap();
    assert_eq!((p2, steps), (p.clone(), 12345));
    assert_eq!(bits(sae2.as_ref()), bits(&sae));
    assert_eq!((sae2.key(), sae2.layout()), ("sae", sae.layout()));
    // readable: the header and each list on its own line, in the order the docs give
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], r#"  "format": "sae-lab-model","#);
    assert_eq!(lines[2], r#"  "version": 2,"#);
    assert_eq!(lines[3], r#"  "model": "sae","#);
    assert!(lines[4].starts_with(r#"  "settings": "hidden=9&patch=4&"#));
    assert_eq!(lines[7], r#"  "blocks": {"#);
    assert!(lines[8].starts_with(r#"    "w1": ["#) && lines[10].starts_with(r#"    "w2": ["#));
    let model = SavedModel::from_json(&text).unwrap();
    assert_eq!(model, SavedModel::new(&p, 12345, &sae));
}

#[test]
fn filters_are_written_for_other_tools_row_major_per_unit() {
    let p = small();
    let sae = network(&p, 1);
    let o: Value = serde_json::from_str(&save(&p, 0, &sae)).unwrap();
    let filters = o["filters"].as_array().unwrap();
    assert_eq!(filters.len(), 9, "one list per unit");
    let w1 = sae.net().w1();
    for (j, f) in filters.iter().enumerate() {
        let f: Vec<f32> = f.as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
        assert_eq!(f.len(), 16, "p² numbers");
        // pixel (x, y) at y·p + x is input y·p + x of unit j: W1 row j
        for (i, v) in f.iter().enumerate() {
            assert_eq!(v.to_bits(), w1[(j, i)].to_bits());
        }
    }
}

#[test]
fn a_version_1_file_still_loads_as_the_sparse_autoencoder() {
    let p = small();
    let sae = network(&p, 4);
    let (p2, steps, back) = load(&v1_file(&p, 300, &sae)).unwrap();
    assert_eq!((p2, steps, back.key()), (p, 300, "sae"));
    assert_eq!(bits(back.as_ref()), bits(&sae));
    // and a damaged v1 file names the v1 block
    let mut o: Map<String, Value> = serde_json::from_str(&v1_file(&small(), 1, &sae)).unwrap();
    o.insert("w2".into(), serde_json::json!([1]));
    assert!(matches!(load(&Value::Object(o).to_string()), Err(LoadError::Shape { name: "w2", .. })));
}

#[test]
fn an_unknown_model_is_refused_with_its_name() {
    let e = load_with(|o| drop(o.insert("model".into(), "hopfield".into())));
    assert!(e.to_string().contains("\"hopfield\", which this page does not have (sae"), "{e}");
    assert_eq!(load_with(|o| drop(o.remove("model"))), LoadError::Entry("model", "text"));
}

#[test]
fn the_default_model_round_trips_and_is_small() {
    let p = Params { hidden: 400, patch: 16, ..Params::default() };
    let sae = SparseAe::new(Sae::init(256, 400, Output::Sigmoid, &mut Pcg32::seed_from_u64(3)));
    let text = save(&p, 0, &sae);
    assert!(text.len() < MAX_BYTES / 4, "the largest model is {} bytes", text.len());
    assert_eq!(bits(load(&text).unwrap().2.as_ref()), bits(&sae));
}

/// The file for `small()` as a JSON object, to damage one entry at a time.
fn object() -> Map<String, Value> {
    let p = small();
    match serde_json::from_str(&save(&p, 5, &network(&p, 2))).unwrap() {
        Value::Object(o) => o,
        _ => unreachable!(),
    }
}

fn load_with(edit: impl FnOnce(&mut Map<String, Value>)) -> LoadError {
    let mut o = object();
    edit(&mut o);
    load(&Value::Object(o).to_string()).unwrap_err()
}

#[test]
fn each_problem_gets_its_sentence() {
    let big = "x".repeat(17 * 1024 * 1024);
    assert_eq!(load(&big).unwrap_err().to_string(), "The file is 17 MB; the largest model sae-lab loads is 16 MB.");
    assert_eq!(
        load("hello, I am not JSON").unwrap_err().to_string(),
        "The file is not JSON (expected value at line 1 column 1)."
    );
    let not_model = r#"This is not an sae-lab model file (no "format": "sae-lab-model")."#;
    assert_eq!(load(r#"{"hello": "world"}"#).unwrap_err().to_string(), not_model);
    assert_eq!(load("[1, 2]").unwrap_err(), LoadError::NotModel);
    assert_eq!(
        load_with(|o| drop(o.insert("version".into(), 7.into()))).to_string(),
        "Version 7 of the model format is newer than this page understands (2)."
    );
    assert_eq!(load_with(|o| drop(o.insert("version".into(), "1".into()))), LoadError::BadVersion);
    assert_eq!(load_with(|o| drop(o.remove("version"))), LoadError::BadVersion);
    assert_eq!(
        load_with(|o| drop(o.insert("settings".into(), "hidden=9&patch=4&rho=5".into()))).to_string(),
        "The model's settings are not valid: rho=5 is above the largest allowed value 0.5."
    );
    assert!(matches!(load_with(|o| drop(o.insert("settings".into(), "lr=abc".into()))), LoadError::Settings(_)));
    assert_eq!(load_with(|o| drop(o.remove("steps"))), LoadError::Entry("steps", "a whole number"));
    assert_eq!(load_with(|o| o["blocks"]["b1"] = "1, 2".into()), LoadError::Entry("b1", "a list of numbers"));
    assert_eq!(load_with(|o| drop(o.remove("blocks"))), LoadError::Entry("blocks", "an object of lists"));
    assert_eq!(
        load_with(|o| o["blocks"]["w1"] = serde_json::json!([1, 2, 3])).to_string(),
        "The weights do not fit the settings: w1 has 3 numbers but 9 hidden units × 16 inputs need 144."
    );
    assert_eq!(
        load_with(|o| drop(o.insert("settings".into(), "hidden=25".into()))).to_string(),
        "The weights do not fit the settings: w1 has 144 numbers but 25 hidden units × 64 inputs need 1600."
    );
    let nan_in_w2 = "The model contains a non-finite number (NaN or infinity) in w2.";
    assert_eq!(load_with(|o| o["blocks"]["w2"][3] = Value::Null).to_string(), nan_in_w2);
    assert_eq!(load_with(|o| o["blocks"]["w2"][3] = serde_json::json!(1e39)).to_string(), nan_in_w2, "beyond f32");
}

#[test]
fn numbers_beyond_any_float_and_unknown_entries() {
    // the page's test edits the first number of w2 to 1e999
    let p = small();
    let text = save(&p, 5, &network(&p, 2));
    let at = text.find("\"w2\": [").unwrap() + 7;
    let end = at + text[at..].find(',').unwrap();
    let e = load(&format!("{}1e999{}", &text[..at], &text[end..])).unwrap_err();
    assert!(matches!(e, LoadError::NumberTooLarge(_)), "{e}");
    assert!(e.to_string().starts_with("The file holds a number too large to use (number out of range at line"), "{e}");
    // unknown keys, in the file or in its settings, are skipped
    let mut o = object();
    o.insert("comment".into(), "trained in class".into());
    let s = o["settings"].as_str().unwrap().to_string();
    o.insert("settings".into(), format!("{s}&future=1&hide=pca,future-panel").into());
    let (p2, _, _) = load(&Value::Object(o).to_string()).unwrap();
    assert_eq!(p2.hide.len(), 1);
}

#[test]
fn checks_run_in_order_size_json_format_settings_shape_finiteness() {
    // each file is wrong in two ways; the earlier check speaks
    let mut huge_json = save(&small(), 0, &network(&small(), 1));
    huge_json.push_str(&" ".repeat(MAX_BYTES));
    assert!(matches!(load(&huge_json), Err(LoadError::TooLarge { .. })));
    assert!(matches!(load("{\"format\": 1"), Err(LoadError::NotJson(_))));
    let e = load_with(|o| {
        o.insert("format".into(), "other".into());
        o.insert("version".into(), 9.into());
    });
    assert_eq!(e, LoadError::NotModel);
    let e = load_with(|o| {
        o.insert("version".into(), 3.into());
        o.insert("settings".into(), "rho=7".into());
    });
    assert_eq!(e, LoadError::TooNew(3));
    let e = load_with(|o| {
        o.insert("settings".into(), "hidden=9&patch=4&beta=-1".into());
        o["blocks"]["w1"] = serde_json::json!([1]);
    });
    assert!(matches!(e, LoadError::Settings(_)), "{e}");
    let e = load_with(|o| {
        o["blocks"]["w1"] = serde_json::json!([1]);
        o["blocks"]["w2"][0] = Value::Null;
    });
    assert!(matches!(e, LoadError::Shape { name: "w1", .. }), "{e}");
}

#[test]
fn sizes_are_said_in_megabytes() {
    assert_eq!(megabytes(16 * 1024 * 1024), "16 MB");
    assert_eq!(megabytes(33 * 512 * 1024), "16.5 MB");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn valid_file() -> String {
        let p = Params { hidden: 4, patch: 4, ..Params::default() };
        save(&p, 77, &network(&p, 5))
    }

    /// Whatever `load` accepts is a consistent, finite model.
    fn consistent(text: &str) -> Result<(), TestCaseError> {
        if let Ok((p, _, sae)) = load(text) {
            prop_assert_eq!(p.check(), Ok(()));
            prop_assert_eq!((sae.hidden(), sae.inputs()), (p.hidden, p.patch * p.patch));
            prop_assert!(sae.is_finite());
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_text_is_loaded_or_refused_without_a_panic(s in "\\PC*") {
            consistent(&s)?;
        }

        #[test]
        fn damaged_files_are_loaded_or_refused_without_a_panic(
            edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..6),
            cut in any::<proptest::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let mut bytes = valid_file().into_bytes();
            for (at, b) in edits {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len()));
            }
            consistent(&String::from_utf8_lossy(&bytes))?;
        }

        #[test]
        fn random_weights_round_trip_bit_for_bit(seed in any::<u64>()) {
            let p = Params { hidden: 4, patch: 4, ..Params::default() };
            let sae = network(&p, seed);
            let (_, _, back) = load(&save(&p, 0, &sae)).unwrap();
            prop_assert_eq!(bits(back.as_ref()), bits(&sae));
        }
    }
}

#[test]
fn a_file_names_only_the_model_it_holds() {
    // saved beside a second model: loading must not build a second, untrained lane
    let p = Params { models: vec!["sae", "topk"], ..small() };
    let (back, _, m) = load(&save(&p, 20, &network(&small(), 3))).unwrap();
    assert_eq!((back.models, m.key()), (vec!["sae"], "sae"));
}
