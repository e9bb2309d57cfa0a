//! Event wiring. Each handler borrows the app only for the moment it records a change; the
//! next animation frame does the work.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventTarget, HtmlElement, KeyboardEvent, MouseEvent};

use super::app::App;
use super::dom::{self, find, listen};
use super::persist;
use crate::state::{presets, Params};

/// The settings form's controls that act when their value is committed ("change").
const FORM_CONTROLS: [&str; 13] = [
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
    on("#speed", "input", |app, _| app.on_form_change())?;
    on("#preset", "change", |app, _| {
        if let Some(p) = app.form.chosen_preset() {
            use_preset(app, p)
        }
    })?;

    // "Try this": each loads the preset its text describes
    for (button, preset) in [
        ("#try-beta0", "no-sparsity"),
        ("#try-rho03", "too-dense"),
        ("#try-hidden100", "overcomplete"),
        ("#try-defaults", "ufldl"),
    ] {
        let a = app.clone();
        let target: EventTarget = find(root, button)?;
        listen(&target, "click", move |_| {
            if let Some(p) = presets().iter().find(|p| p.id == preset) {
                use_preset(&mut a.borrow_mut(), (p.params)());
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

    on("#export-png", "click", |app, _| app.export("png"))?;
    on("#export-svg", "click", |app, _| app.export("svg"))?;
    on("#export-csv", "click", |app, _| app.export("csv"))?;

    // hover or click a filter tile: that unit goes into the detail panel
    let pick = |app: &mut App, e: &Event| {
        if let Some(m) = e.dyn_ref::<MouseEvent>() {
            if let Some(unit) = app.filter_view().unit_at(m.offset_x() as f64, m.offset_y() as f64) {
                app.select_unit(unit);
            }
        }
    };
    on("#filters", "mousemove", pick)?;
    on("#filters", "click", pick)?;

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
    // keep the latest model when the tab closes
    let a = app.clone();
    listen(&dom::window(), "pagehide", move |_| a.borrow().autosave())?;
    Ok(())
}

fn toggle_play(app: &mut App) {
    let run = !app.running();
    app.set_running(run);
}

/// A preset replaces the experiment but keeps how the page is shown and paced.
fn use_preset(app: &mut App, preset: Params) {
    let p = app.params();
    let next =
        Params { hide: p.hide.clone(), layout: p.layout, step_ms: p.step_ms, stop_after: p.stop_after, ..preset };
    app.apply(next);
    app.set_running(true);
}

/// True when the key goes to a field or button (space and arrows belong to it there).
fn typing(e: &Event) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return false };
    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON")
}
