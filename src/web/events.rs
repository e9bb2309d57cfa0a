//! Event wiring. Each handler borrows the app for one command (see [`super::app`] for which
//! commands do work at once); steady training and drawing wait for the next animation frame.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    DragEvent, Element, Event, EventTarget, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent, MouseEvent,
};

use super::app::App;
use super::dom::{self, find, listen};
use super::{persist, upload};
use crate::data::Dataset;
use crate::state::{presets, Params};

/// The settings form's controls that act when their value is committed ("change").
const FORM_CONTROLS: [&str; 17] = [
    "#model",
    "#compare",
    "#data",
    "#whiten",
    "#lr",
    "#lambda",
    "#penalty",
    "#l1",
    "#noise",
    "#optimizer",
    "#hidden",
    "#patch",
    "#batch",
    "#output",
    "#seed",
    "#speed",
    "#stop",
];

/// Connects every control under `root` to `app`.
pub fn wire(app: &Rc<RefCell<App>>, root: &Element) -> Result<(), JsValue> {
    let on = |selector: &str, event: &str, f: fn(&mut App, &Event)| -> Result<(), JsValue> {
        let a = app.clone();
        let target: EventTarget = find(root, selector)?;
        listen(&target, event, move |e| f(&mut a.borrow_mut(), &e))
    };
    on("#play", "click", |app, _| toggle_play(app))?;
    on("#reset", "click", |app, _| app.reset())?;
    on("#step", "click", |app, _| app.step_once())?;
    // ρ and β act while dragging; the rest when a value is committed
    on("#rho", "input", |app, _| app.on_form_change())?;
    on("#beta", "input", |app, _| app.on_form_change())?;
    for id in FORM_CONTROLS {
        on(id, "change", |app, _| app.on_form_change())?;
    }
    for id in super::settings::knob_selectors() {
        on(&id, "change", |app, _| app.on_form_change())?;
    }
    on("#speed", "input", |app, _| app.on_form_change())?;
    on("#preset", "change", |app, _| {
        if let Some((name, p)) = app.form.chosen_preset() {
            use_preset(app, p, name)
        }
    })?;

    // "Try this": each loads the preset its text describes
    for (button, preset) in [
        ("#try-beta0", "no-sparsity"),
        ("#try-rho03", "too-dense"),
        ("#try-hidden100", "overcomplete"),
        ("#try-bars", "bars"),
        ("#try-noise", "noise"),
        ("#try-defaults", "ufldl"),
    ] {
        let a = app.clone();
        let target: EventTarget = find(root, button)?;
        listen(&target, "click", move |_| {
            if let Some(p) = presets().iter().find(|p| p.id == preset) {
                use_preset(&mut a.borrow_mut(), (p.params)(), p.name);
            }
        })?;
    }

    // buttons inside messages (restart? continue?) are made on demand: one delegated listener
    on("#message", "click", |app, e| {
        let id = e.target().and_then(|t| t.dyn_into::<Element>().ok()).map(|el| el.id()).unwrap_or_default();
        match id.as_str() {
            "confirm-restart" => app.resolve_pending(true),
            "cancel-restart" => app.resolve_pending(false),
            "continue-last" => match persist::load_last_model() {
                Some(text) => app.load_model("the model this browser kept", &text),
                None => app.say("error", "The kept model is gone (browser storage was cleared)."),
            },
            "start-fresh" => app.decline_last_model(),
            _ => {}
        }
    })?;

    on("#save", "click", |app, _| app.save_model())?;
    on("#copy-link", "click", |app, _| {
        app.flush_hash();
        let url = dom::window().location().href().unwrap_or_default();
        // the promise may be refused (no permission): the link is in the message either way
        let _ = dom::window().navigator().clipboard().write_text(&url);
        app.say("notice", &format!("Link to this experiment, copied to the clipboard: {url}"));
    })?;
    let a = app.clone();
    let load: EventTarget = find(root, "#load")?;
    listen(&load, "change", move |_| {
        let input = a.borrow().load_input().clone();
        let a2 = a.clone();
        persist::read_chosen_file(&input, move |result| {
            let mut app = a2.borrow_mut();
            match result {
                Ok((name, text)) => app.load_model(&name, &text),
                Err(e) => app.say("error", &format!("{e} The current model and settings are unchanged.")),
            }
        });
        input.set_value(""); // choosing the same file again must fire "change" again
    })?;

    // own pictures: from the file picker, or dropped anywhere on the page
    let a = app.clone();
    let upload: HtmlInputElement = find(root, "#upload")?;
    let input = upload.clone();
    listen(&upload, "change", move |_| {
        if let Some(list) = input.files() {
            decode_then_use(&a, upload::files_of(&list));
        }
        input.set_value(""); // the same files chosen again must fire "change" again
    })?;
    let body = dom::document().body().ok_or_else(|| JsValue::from_str("the page has no body"))?;
    listen(&body, "dragover", |e| {
        e.prevent_default(); // allows the drop
        set_dragging(true);
    })?;
    listen(&body, "dragleave", |_| set_dragging(false))?;
    let a = app.clone();
    listen(&body, "drop", move |e| {
        e.prevent_default(); // the browser would otherwise open the file and leave the page
        set_dragging(false);
        let files = e.dyn_ref::<DragEvent>().and_then(|d| d.data_transfer()).and_then(|t| t.files());
        if let Some(list) = files {
            decode_then_use(&a, upload::files_of(&list));
        }
    })?;

    // the camera: a snapshot for your pictures, or the camera as the data stream
    for (button, live) in [("#camera-snap", false), ("#camera-live", true)] {
        let a = app.clone();
        let target: EventTarget = find(root, button)?;
        listen(&target, "click", move |_| {
            if live && a.borrow().camera_live() {
                return a.borrow_mut().stop_camera();
            }
            a.borrow().say_unless_asking("Asking for the camera…");
            let a = a.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let camera = super::camera::Camera::open().await;
                a.borrow_mut().camera_opened(camera, live);
            });
        })?;
    }

    // which lane the readout panels follow (only offered with two models side by side)
    let a = app.clone();
    let lane: HtmlSelectElement = find(root, "#readout-lane")?;
    let choice = lane.clone();
    listen(&lane, "change", move |_| {
        let i = choice.value().parse().unwrap_or(0);
        a.borrow_mut().follow_lane(i);
    })?;

    // the whole-image panel: paint, paste an object, add noise (anomalies and denoising)
    let a = app.clone();
    let noise: HtmlInputElement = find(root, "#test-noise")?;
    let noise_out: HtmlElement = find(root, "#test-noise-out")?;
    let (slider, out) = (noise.clone(), noise_out.clone());
    listen(&noise, "input", move |_| {
        let v = slider.value_as_number();
        out.set_text_content(Some(&format!("{v:.2}")));
        let mut app = a.borrow_mut();
        app.panels.test.set_noise(v as f32);
        app.test_image_changed();
    })?;
    on("#classify", "click", |app, _| app.classify.want())?;
    on("#paste-object", "click", |app, _| {
        app.panels.test.paste_next_object();
        app.test_image_changed();
    })?;
    let a = app.clone();
    let clear: EventTarget = find(root, "#clear-test")?;
    listen(&clear, "click", move |_| {
        noise.set_value("0");
        noise_out.set_text_content(Some("0"));
        let mut app = a.borrow_mut();
        app.panels.test.clear();
        app.test_image_changed();
    })?;
    let paint = |app: &mut App, e: &Event| {
        let Some(m) = e.dyn_ref::<MouseEvent>() else { return };
        // pointermove paints only while the button (or a finger) is down
        let down = e.type_() == "pointerdown";
        if (down || m.buttons() & 1 == 1) && app.panels.paint_at(m.offset_x() as f64, m.offset_y() as f64, down) {
            e.prevent_default();
            app.test_image_changed();
        }
    };
    on("#image", "pointerdown", paint)?;
    on("#image", "pointermove", paint)?;
    // the keyboard's way: on the focused image arrows move a brush, Space or Enter paints
    on("#image", "focus", |app, _| {
        app.panels.show_key_brush(true);
        app.test_image_changed();
    })?;
    on("#image", "blur", |app, _| {
        app.panels.show_key_brush(false);
        app.test_image_changed();
    })?;
    on("#image", "keydown", |app, e| {
        let Some(k) = e.dyn_ref::<KeyboardEvent>() else { return };
        if k.ctrl_key() || k.meta_key() || k.alt_key() || !app.panels.key_paint(&k.key(), k.shift_key()) {
            return;
        }
        // these keys paint here, rather than play, step or scroll the page
        e.prevent_default();
        e.stop_propagation();
        app.test_image_changed();
    })?;

    // the cost chart's view: fitted (default) or every step on one log axis
    let a = app.clone();
    let full: HtmlInputElement = find(root, "#loss-full")?;
    let (check, scale): (HtmlInputElement, HtmlElement) = (full.clone(), find(root, "#loss-scale")?);
    listen(&full, "change", move |_| {
        let on = check.checked();
        scale.set_text_content(Some(if on {
            "every step, log scale"
        } else {
            "fitted to the run, step axis in log scale"
        }));
        a.borrow_mut().set_loss_full(on);
    })?;
    on("#export-png", "click", |app, _| app.export("png"))?;
    on("#export-svg", "click", |app, _| app.export("svg"))?;
    on("#export-csv", "click", |app, _| app.export("csv"))?;

    // hover or click a filter tile: that unit goes into the detail panel
    let pick = |app: &mut App, e: &Event| {
        if let Some(m) = e.dyn_ref::<MouseEvent>() {
            if let Some(unit) = app.filter_view().unit_at(m.offset_x() as f64, m.offset_y() as f64) {
                pick_unit(app, unit);
            }
        }
    };
    on("#filters", "mousemove", pick)?;
    on("#filters", "click", pick)?;
    // the keyboard's way to the same: arrows on the focused grid move the selection
    app.borrow().filter_view().set_selected(0);
    on("#filters", "keydown", |app, e| {
        let Some(k) = e.dyn_ref::<KeyboardEvent>() else { return };
        if k.ctrl_key() || k.meta_key() || k.alt_key() {
            return;
        }
        let (units, cols) = (app.trainer().model().hidden(), app.filter_view().columns().max(1));
        let now = app.filter_view().selected().unwrap_or(0).min(units.saturating_sub(1));
        let Some(next) = moved(now, &k.key(), units, cols) else { return };
        // arrows here move the selection, not the page's → (one step) or the scroll position
        e.prevent_default();
        e.stop_propagation();
        pick_unit(app, next);
    })?;

    // keyboard: space play/pause, → one step, r reset (not while typing in a field)
    let a = app.clone();
    listen(&dom::document(), "keydown", move |e| {
        let Some(k) = e.dyn_ref::<KeyboardEvent>() else { return };
        if k.ctrl_key() || k.meta_key() || k.alt_key() || typing(&e) {
            return;
        }
        let mut app = a.borrow_mut();
        match k.key().as_str() {
            " " => toggle_play(&mut app),
            "ArrowRight" => app.step_once(),
            "r" | "R" => app.reset(),
            _ => return,
        }
        e.prevent_default();
    })?;
    // a link pasted into this tab changes only the hash: the page does not reload
    let a = app.clone();
    listen(&dom::window(), "hashchange", move |_| a.borrow_mut().on_link_change())?;
    // keep the latest model when the tab closes
    let a = app.clone();
    listen(&dom::window(), "pagehide", move |_| a.borrow().autosave())?;
    Ok(())
}

/// Decodes the files (asynchronously: the browser's decoder runs off the main thread) and
/// hands the pictures to the app.
fn decode_then_use(app: &Rc<RefCell<App>>, files: Vec<web_sys::File>) {
    if files.is_empty() {
        return;
    }
    app.borrow().say_unless_asking(&format!(
        "Reading {} file{}…",
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    ));
    let a = app.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let pictures = upload::decode_all(files).await;
        a.borrow_mut().use_pictures(pictures);
    });
}

/// Marks the page while files are dragged over it, so it shows where they can go.
fn set_dragging(on: bool) {
    if let Some(body) = dom::document().body() {
        body.class_list().toggle_with_force("dragging", on).ok();
    }
}

/// Selects `unit` for the detail panel and outlines it on the filter grid.
fn pick_unit(app: &mut App, unit: usize) {
    app.select_unit(unit);
    app.filter_view().set_selected(app.panels.selected);
}

/// Where `key` moves the selection from unit `now` on a grid of `units` tiles in `cols`
/// columns: arrows by one tile (up and down by a row), Home and End to the ends; `None` for
/// other keys. Stops at the edges.
fn moved(now: usize, key: &str, units: usize, cols: usize) -> Option<usize> {
    let last = units.checked_sub(1)?;
    Some(match key {
        "ArrowLeft" => now.saturating_sub(1),
        "ArrowRight" => (now + 1).min(last),
        "ArrowUp" if now >= cols => now - cols,
        "ArrowUp" => now,
        "ArrowDown" if now + cols <= last => now + cols,
        "ArrowDown" => now,
        "Home" => 0,
        "End" => last,
        _ => return None,
    })
}

fn toggle_play(app: &mut App) {
    let run = !app.running();
    app.set_running(run);
}

/// A preset replaces the experiment but keeps how the page is shown and paced, and keeps
/// training on the user's own pictures unless it is about other data (bars, noise, digits): a
/// preset that names the photographs or dead leaves means "natural pictures" to someone who
/// brought their own. Otherwise its data is the one its claim was measured on.
fn use_preset(app: &mut App, preset: Params, name: &str) {
    let p = app.params();
    let (data, whiten) = match (p.data, preset.data) {
        (Dataset::Own, Dataset::Photos | Dataset::Natural) => (p.data, p.whiten),
        _ => (preset.data, preset.whiten),
    };
    let next = Params {
        hide: p.hide.clone(),
        layout: p.layout,
        step_ms: p.step_ms,
        stop_after: p.stop_after,
        data,
        whiten,
        ..preset
    };
    app.propose_experiment(next, name);
}

/// True when the key goes to a field or button (space and arrows belong to it there).
fn typing(e: &Event) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return false };
    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON")
}
