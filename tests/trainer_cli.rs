//! The native trainer `sae-train` run as a user runs it: small trainings of every model into
//! a temporary folder, the files it writes read back with the page's own loaders, bad input
//! refused with exit code 2, one sentence and no file written.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sae_lab::data::Dataset;
use sae_lab::model::knob::defaults;
use sae_lab::model::MODELS;
use sae_lab::raster::grid_pixel_size;
use sae_lab::state::load;

/// A fresh, empty folder for one test (removed when dropped).
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("sae-train-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Folder(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `sae-train` in `dir` with `args`.
fn run(dir: &Folder, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sae-train")).current_dir(&dir.0).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Width and height of a PNG file.
fn png_size(path: &Path) -> (u32, u32) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let reader = png::Decoder::new(file).read_info().unwrap();
    (reader.info().width, reader.info().height)
}

fn write_png(path: &Path, w: u32, h: u32, grey: impl Fn(u32, u32) -> u8) {
    let data: Vec<u8> = (0..h).flat_map(|y| (0..w).map(move |x| (x, y))).map(|(x, y)| grey(x, y)).collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.write_header().unwrap().write_image_data(&data).unwrap();
    std::fs::write(path, out).unwrap();
}

const SMALL: &[&str] = &["--hidden", "16", "--patch", "6", "--batch", "64"];

#[test]
fn trains_writes_what_the_page_loads_and_evaluates_it() {
    let dir = Folder::new("train");
    let args =
        [&["train", "--data", "bars", "--steps", "200", "--out", "m.json", "--filters", "f.png"], SMALL].concat();
    let out = run(&dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("trained  200 steps") && stdout.contains("final    cost"), "{stdout}");
    // not a terminal: plain progress lines, the last at 100 %
    assert!(text(&out.stderr).contains("step 200/200  cost"), "{}", text(&out.stderr));

    let (params, steps, sae) = load(&std::fs::read_to_string(dir.path("m.json")).unwrap()).unwrap();
    assert_eq!((params.hidden, params.patch, params.batch, params.data, steps), (16, 6, 64, Dataset::Bars, 200));
    assert_eq!((sae.hidden(), sae.inputs()), (16, 36));
    let (w, h) = grid_pixel_size(16, 6, 10, 3);
    assert_eq!(png_size(&dir.path("f.png")), (w as u32, h as u32));

    let out = run(&dir, &["eval", "m.json", "--patches", "2000"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    for term in ["reconstruction", "sparsity", "weight decay", "total cost", "mean ρ̂", "firing", "edges"] {
        assert!(report.contains(term), "{term} missing from:\n{report}");
    }
    assert!(report.contains("2000 of 6×6 from bars (image seed 1)"), "{report}");

    let out = run(&dir, &["eval", "m.json", "--patches", "500", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sum = ["reconstruction", "sparsity", "weight_decay"].iter().map(|k| v[k].as_f64().unwrap()).sum::<f64>();
    assert!((sum - v["total"].as_f64().unwrap()).abs() < 1e-9, "{v}");
    assert!(v["edge_share"].as_f64().unwrap() >= 0.0 && v["rho_hat_mean"].as_f64().unwrap() > 0.0, "{v}");
    assert_eq!(v["patches"], 500);
}

#[test]
fn a_model_trained_on_the_digits_is_classified_by_its_codes() {
    let dir = Folder::new("digits");
    let args =
        ["train", "--data", "digits", "--steps", "300", "--hidden", "16", "--out", "d.json", "--filters", "d.png"];
    let out = run(&dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&dir, &["eval", "d.json", "--patches", "500", "--classify", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["classify"].as_array().unwrap();
    let inputs: Vec<&str> = rows.iter().map(|r| r["input"].as_str().unwrap()).collect();
    assert_eq!(inputs, ["raw pixels", "PCA, 16 components", "Sparse autoencoder codes"], "{v}");
    assert_eq!(rows.iter().map(|r| r["dims"].as_u64().unwrap()).collect::<Vec<_>>(), [64, 16, 16]);
    for r in rows {
        let acc = r["test"].as_f64().unwrap();
        assert!((0.5..=1.0).contains(&acc), "well above chance (0.1): {r}");
    }
    // a 6×6 model cannot read 8×8 digits: one sentence, exit 2
    let small =
        [&["train", "--data", "bars", "--steps", "20", "--out", "b.json", "--filters", "b.png"], SMALL].concat();
    assert!(run(&dir, &small).status.success());
    let out = run(&dir, &["eval", "b.json", "--patches", "100", "--classify"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--classify needs a model of 8×8 patches"), "{}", text(&out.stderr));
}

#[test]
fn own_pictures_train_and_are_needed_again_to_evaluate() {
    let dir = Folder::new("own");
    write_png(&dir.path("stripes.png"), 64, 48, |x, y| if (x + 2 * y) % 9 < 4 { 230 } else { 20 });
    let args =
        [&["train", "--png", "stripes.png", "--steps", "50", "--out", "m.json", "--filters", "f.png"], SMALL].concat();
    let out = run(&dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 PNG file, whitened"), "{}", text(&out.stdout));
    let (params, _, _) = load(&std::fs::read_to_string(dir.path("m.json")).unwrap()).unwrap();
    assert_eq!((params.data, params.whiten), (Dataset::Own, true));

    let out = run(&dir, &["eval", "m.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--png or --raw"), "{}", text(&out.stderr));
    let out = run(&dir, &["eval", "m.json", "--png", "stripes.png", "--patches", "300"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn raw_frames_train_as_given() {
    let dir = Folder::new("raw");
    // 3 frames of 40×32 floats: a smooth pattern that differs per frame
    let floats: Vec<f32> = (0..3 * 40 * 32).map(|i| ((i % 40) as f32 * 0.3 + (i / 1280) as f32).sin()).collect();
    std::fs::write(dir.path("frames.f32"), floats.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>()).unwrap();
    let raw = ["--raw", "frames.f32", "--width", "40", "--height", "32", "--count", "3"];
    let args = [&["train", "--steps", "20", "--out", "m.json", "--filters", "f.png"], &raw[..], SMALL].concat();
    let out = run(&dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 raw frames of 40×32, not whitened"), "{}", text(&out.stdout));
}

#[test]
fn bad_input_is_one_sentence_exit_2_and_no_file() {
    let dir = Folder::new("bad");
    std::fs::write(dir.path("notes.txt"), "this is text, not a picture").unwrap();
    std::fs::write(dir.path("short.f32"), [0u8; 100]).unwrap();
    std::fs::write(dir.path("tiny.f32"), [0u8; 4 * 4 * 4]).unwrap();
    std::fs::write(dir.path("nan.f32"), f32::NAN.to_le_bytes().repeat(64 * 64)).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["train", "--png", "missing.png"], "“missing.png” does not exist."),
        (&["train", "--raw", "short.f32", "--width", "64", "--height", "64", "--count", "2"], "holds 100 bytes"),
        (&["train", "--raw", "nan.f32", "--width", "64", "--height", "64", "--count", "1"], "non-finite"),
        (&["train", "--raw", "tiny.f32", "--width", "4", "--height", "4", "--count", "1"], "too small for 8×8 patches"),
        (&["train", "--png", "notes.txt"], "“notes.txt” is not a PNG image"),
        (&["train", "--rho", "5"], "rho = 5 is above the largest allowed value 0.5"),
        (&["train", "--hidden", "1000"], "hidden = 1000"),
        (&["train", "--out", "no/such/folder/m.json"], "does not exist"),
        (&["eval", "missing.json"], "“missing.json” does not exist."),
        (&["eval", "notes.txt"], "cannot be loaded: the file is not JSON"),
        (&["train", "--data", "mnist"], "invalid value 'mnist'"),
    ];
    assert_refused(&dir, cases);
    // our own errors are a single line
    let out = run(&dir, &["train", "--rho", "5"]);
    assert_eq!(text(&out.stderr).lines().count(), 1, "{}", text(&out.stderr));
}

/// Each case exits with code 2 and an error on stderr containing its text, and writes nothing.
fn assert_refused(dir: &Folder, cases: &[(&[&str], &str)]) {
    let before = dir.files();
    for (args, want) in cases {
        let out = run(dir, args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: ") && err.contains(want), "{args:?}: {err}");
        assert!(out.stdout.is_empty() || !text(&out.stdout).contains("wrote"), "{args:?}");
        assert_eq!(dir.files(), before, "{args:?} wrote a file");
    }
}

#[test]
fn every_other_model_trains_writes_what_the_page_loads_and_evaluates_itself() {
    let dir = Folder::new("family");
    for spec in MODELS.iter().filter(|m| m.key != "sae") {
        let (json, png) = (format!("{}.json", spec.key), format!("{}.png", spec.key));
        let train =
            ["train", "--model", spec.key, "--data", "bars", "--steps", "300", "--out", &json, "--filters", &png];
        let out = run(&dir, &[&train[..], SMALL].concat());
        assert!(out.status.success(), "{}: {}", spec.key, text(&out.stderr));
        let (params, steps, model) = load(&std::fs::read_to_string(dir.path(&json)).unwrap()).unwrap();
        assert_eq!((model.key(), &params.models[..], steps), (spec.key, &[spec.key][..], 300));
        assert_eq!((model.hidden(), model.inputs(), params.data), (16, 36, Dataset::Bars));
        assert_eq!(params.knobs_of(spec.key), defaults(spec.knobs), "{}: the page's default knobs", spec.key);
        let (w, h) = grid_pixel_size(16, 6, 10, 3);
        assert_eq!(png_size(&dir.path(&png)), (w as u32, h as u32));

        // progress and final lines name the model's own terms, not the sparse autoencoder's
        let names = model.penalty_names();
        let stdout = text(&out.stdout);
        let last = stdout.lines().find(|l| l.starts_with("final    cost")).unwrap_or_else(|| panic!("{stdout}"));
        let stderr = text(&out.stderr);
        let step = stderr.lines().find(|l| l.starts_with("step 300/300  cost")).unwrap_or_else(|| panic!("{stderr}"));
        for line in [last, step] {
            assert!(names.iter().all(|n| line.contains(&format!(" + {n} "))), "{}: {line}", spec.key);
            assert!(line.contains(" + decay ") && !line.contains("sparsity"), "{}: {line}", spec.key);
        }

        let out = run(&dir, &["eval", &json, "--patches", "1000"]);
        assert!(out.status.success(), "{}: {}", spec.key, text(&out.stderr));
        let report = text(&out.stdout);
        for term in names.iter().copied().chain(["reconstruction", "weight decay", "total cost", "firing", "edges"]) {
            assert!(report.lines().any(|l| l.starts_with(term)), "{}: {term} missing from:\n{report}", spec.key);
        }
        assert!(report.contains(&format!("{json}: {}", spec.key)), "{report}");

        let out = run(&dir, &["eval", &json, "--patches", "500", "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["model_key"], spec.key);
        let penalties = v["penalties"].as_object().unwrap();
        assert!(penalties.keys().eq(names.iter().copied().collect::<std::collections::BTreeSet<_>>()), "{v}");
        let sum = v["reconstruction"].as_f64().unwrap()
            + penalties.values().map(|p| p.as_f64().unwrap()).sum::<f64>()
            + v["weight_decay"].as_f64().unwrap();
        assert!((sum - v["total"].as_f64().unwrap()).abs() < 1e-9, "{v}");
        assert_eq!(v["unit_active"].as_array().unwrap().len(), 16);
        let l0 = v["active_units_per_patch"].as_f64().unwrap();
        // the stacked model's phase 1 is the sparse autoencoder at ρ = 0.01: after 300 steps its 16
        // units all stay under the 0.1 activity threshold, as the sparse autoencoder's own do (L0 0)
        let quiet = spec.key == "stacked";
        assert!((l0 > 0.0 || quiet) && l0 <= 16.0, "{}: L0 {l0}", spec.key);
    }
}

#[test]
fn a_knob_on_the_command_line_reaches_the_model_file() {
    let dir = Folder::new("knob");
    let args = [&["train", "--model", "topk", "--set", "topk.k=2", "--data", "bars", "--steps", "50"], SMALL].concat();
    let out = run(&dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("model    TopK autoencoder (topk): k = 2, auxk = 1, lr = 0.003"));
    let (params, _, model) = load(&std::fs::read_to_string(dir.path("sae-lab-model.json")).unwrap()).unwrap();
    assert_eq!((model.key(), params.knobs_of("topk")[0]), ("topk", 2.0));
    let out = run(&dir, &["eval", "sae-lab-model.json", "--patches", "500", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // k = 2 of 16 units per patch, exactly (TopK keeps k codes, all of them positive or 0)
    assert_eq!(v["knobs"]["k"], 2.0);
    assert!(v["active_units_per_patch"].as_f64().unwrap() <= 2.0 + 1e-9, "{v}");
}

#[test]
fn bad_models_and_knobs_are_one_sentence_exit_2_and_no_file() {
    let dir = Folder::new("bad-model");
    let all = format!(
        "the models are {}.",
        sae_lab::model::registry::MODELS.iter().map(|m| m.key).collect::<Vec<_>>().join(", ")
    );
    assert!(all.starts_with("the models are sae, sparse-coding,") && all.contains("conv"), "{all}");
    let cases: &[(&[&str], &str)] = &[
        (&["train", "--model", "hopfield"], &all),
        (&["train", "--model", "topk", "--set", "topk.k=99"], "topk.k=99 is outside 1–64"),
        (&["train", "--model", "topk", "--knob", "topk.q=1"], "the topk model has no knob 'q'"),
        (&["train", "--model", "relu-l1", "--set", "relu-l1.l1=lots"], "relu-l1.l1=lots is not a finite number"),
        (&["train", "--set", "topk.k=4"], "a knob of the topk model, but --model is sae"),
        (&["train", "--model", "topk", "--lbfgs"], "--lbfgs trains the sparse autoencoder only"),
        (&["train", "--model", "sparse-coding", "--lr", "0.5"], "--set sparse-coding.lr=VALUE"),
        (&["train", "--model", "relu-l1", "--rho", "0.1"], "--rho is a setting of the sparse autoencoder"),
    ];
    assert_refused(&dir, cases);
    let out = run(&dir, &["train", "--model", "hopfield"]);
    assert_eq!(text(&out.stderr).lines().count(), 1, "{}", text(&out.stderr));
    // the help lists every model and knob, from the registry
    let help = text(&run(&dir, &["train", "--help"]).stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for m in MODELS {
        assert!(help.contains(&format!("{} {}:", m.key, m.name)), "{} missing from the help", m.key);
        for k in m.knobs {
            assert!(help.contains(&format!("{}.{} = ", m.key, k.key)), "{}.{} missing from the help", m.key, k.key);
        }
    }
    assert!(help.contains("topk.k = whole number 1 to 64, default 4"), "{help}");
}

#[test]
fn lbfgs_lowers_the_full_batch_cost_every_iteration() {
    let dir = Folder::new("lbfgs");
    let args = ["train", "--lbfgs", "--data", "bars", "--patches", "500", "--iters", "30", "--hidden", "16"];
    let out = run(&dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // "iter 10/30  cost 0.566760  (…)" every 10 iterations
    let costs: Vec<f64> = text(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("iter "))
        .map(|l| l.split_whitespace().nth(3).unwrap().parse().unwrap())
        .collect();
    assert_eq!(costs.len(), 3, "{}", text(&out.stderr));
    assert!(costs.windows(2).all(|w| w[1] < w[0]), "{costs:?}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("L-BFGS   30 iterations"), "{stdout}");
    let (params, steps, sae) = load(&std::fs::read_to_string(dir.path("sae-lab-model.json")).unwrap()).unwrap();
    assert_eq!((params.hidden, steps, sae.hidden()), (16, 30, 16));
    assert!(dir.path("sae-lab-filters.png").exists());
}
