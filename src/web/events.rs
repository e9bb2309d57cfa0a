//! Event wiring. Each handler borrows the app only for the moment it records a change; the
//! next animation frame does the work.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget, MouseEvent};

use super::app::App;
use super::dom::{find, listen};
use crate::model::Hyper;
use crate::train::Setup;

/// Connects every control under `root` to `app`.
pub fn wire(app: &Rc<RefCell<App>>, root: &Element) -> Result<(), JsValue> {
    let on = |selector: &str, event: &str, f: fn(&mut App, &web_sys::Event)| -> Result<(), JsValue> {
        let a = app.clone();
        let target: EventTarget = find(root, selector)?;
        listen(&target, event, move |e| f(&mut a.borrow_mut(), &e))
    };
    on("#play", "click", |app, _| {
        let run = !app.running();
        app.set_running(run)
    })?;
    on("#reset", "click", |app, _| app.reset())?;
    on("#rho", "input", |app, _| app.on_slider())?;
    on("#beta", "input", |app, _| app.on_slider())?;

    // "Try this": each sets what its text promises, on top of the UFLDL defaults
    on("#try-beta0", "click", |app, _| try_hyper(app, Hyper { beta: 0.0, ..Hyper::default() }))?;
    on("#try-rho03", "click", |app, _| try_hyper(app, Hyper { rho: 0.3, ..Hyper::default() }))?;
    on("#try-hidden100", "click", |app, _| {
        let setup = Setup { hidden: 100, ..*app.setup() };
        app.rebuild(setup);
        app.set_running(true);
    })?;
    on("#try-defaults", "click", |app, _| {
        try_hyper(app, Hyper::default());
        if *app.setup() != Setup::default() {
            app.rebuild(Setup::default());
        }
    })?;

    on("#export-png", "click", |app, _| app.export("png"))?;
    on("#export-svg", "click", |app, _| app.export("svg"))?;
    on("#export-csv", "click", |app, _| app.export("csv"))?;

    // hover or click a filter tile: that unit goes into the detail panel
    let pick = |app: &mut App, e: &web_sys::Event| {
        if let Some(m) = e.dyn_ref::<MouseEvent>() {
            if let Some(unit) = app.filter_view().unit_at(m.offset_x() as f64, m.offset_y() as f64) {
                app.select_unit(unit);
            }
        }
    };
    on("#filters", "mousemove", pick)?;
    on("#filters", "click", pick)?;
    Ok(())
}

fn try_hyper(app: &mut App, h: Hyper) {
    app.set_hyper(h);
    app.sync_controls();
    app.set_running(true);
}
