//! The native trainer `sae-train` run as a user runs it: small trainings into a temporary
//! folder, the files it writes read back with the page's own loaders, bad input refused
//! with exit code 2, one sentence and no file written.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sae_lab::data::Dataset;
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
    let before = dir.files();
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
    for (args, want) in cases {
        let out = run(&dir, args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: ") && err.contains(want), "{args:?}: {err}");
        assert!(out.stdout.is_empty() || !text(&out.stdout).contains("wrote"), "{args:?}");
        assert_eq!(dir.files(), before, "{args:?} wrote a file");
    }
    // our own errors are a single line
    let out = run(&dir, &["train", "--rho", "5"]);
    assert_eq!(text(&out.stderr).lines().count(), 1, "{}", text(&out.stderr));
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
