//! Browser tests: the app mounted into a test document in headless Chromium
//! (`wasm-pack test --headless --chrome -- --test web`). The runner never calls `start`, so
//! each test mounts its own app and drives `frame` by hand instead of waiting for rAF.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use sae_lab::raster::DiagramLayout;
use sae_lab::sliders::rho_to_slider;
use sae_lab::web::app::App;
use sae_lab::web::dom;
use sae_lab::web::mount;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, Element, Event, HtmlCanvasElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A new container in the test document. The tests share one page, so the URL hash another
/// test's app wrote is cleared first (mount reads its settings from it).
fn fresh_root() -> Element {
    sae_lab::web::persist::write_hash("");
    let doc = dom::document();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

/// The page's background, `#111318`, as RGB.
const BACKGROUND: [u8; 3] = [0x11, 0x13, 0x18];

fn pixels(root: &Element, id: &str) -> Vec<u8> {
    let canvas: HtmlCanvasElement = dom::find(root, id).unwrap();
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    ctx.get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64).unwrap().data().0
}

/// Runs `n` frames 300 ms apart (so the throttled loss chart redraws each time).
fn frames(app: &Rc<RefCell<App>>, n: usize) {
    let t0 = dom::now_ms();
    for i in 1..=n {
        app.borrow_mut().frame(t0 + 300.0 * i as f64).unwrap();
    }
}

#[wasm_bindgen_test]
fn app_mounts_trains_and_draws_filters_and_curves() {
    let root = fresh_root();
    let app = mount(&root).unwrap();
    let loss_before = pixels(&root, "#loss");
    assert!(!app.borrow().running(), "a mounted app waits for play");
    app.borrow_mut().set_running(true);
    frames(&app, 6);
    let steps = app.borrow().trainer().steps();
    assert!(steps >= 6, "at least one step per frame, got {steps}");
    assert!(app.borrow().history().len() >= 2);

    let filters = pixels(&root, "#filters");
    let opaque = filters.chunks(4).filter(|p| p[3] == 255).count();
    let greys: std::collections::BTreeSet<u8> = filters.chunks(4).map(|p| p[0]).collect();
    assert!(opaque * 2 > filters.len() / 4, "the filter grid covers its canvas");
    assert!(greys.len() > 50, "tiles show many grey levels, got {}", greys.len());

    let loss_after = pixels(&root, "#loss");
    let changed = loss_before.chunks(4).zip(loss_after.chunks(4)).filter(|(a, b)| a != b).count();
    assert!(changed > 200, "curves were drawn on the loss chart ({changed} pixels changed)");

    // the diagram's background fill alone is opaque everywhere: ask for the hidden units
    // themselves, pixels in their block that differ from the background colour
    let diagram = pixels(&root, "#diagram");
    let canvas: HtmlCanvasElement = dom::find(&root, "#diagram").unwrap();
    let (w, h) = (canvas.width() as usize, canvas.height() as usize);
    let units = app.borrow().trainer().model().hidden();
    let l = DiagramLayout::new(w as f64, h as f64, units, app.borrow().params().patch);
    let at = |x: f64, y: f64| {
        let i = 4 * (y as usize * w + x as usize);
        [diagram[i], diagram[i + 1], diagram[i + 2]]
    };
    let (left, right, top, bottom) = l.node_box();
    let mut drawn = 0;
    for y in top.ceil() as usize..bottom.floor() as usize {
        for x in left.ceil() as usize..right.floor() as usize {
            drawn += usize::from(at(x as f64, y as f64) != BACKGROUND);
        }
    }
    assert!(drawn > 100, "the hidden units are drawn ({drawn} pixels of their block differ from the background)");
    let lit = (0..units).filter(|&j| at(l.node(j).0, l.node(j).1) != BACKGROUND).count();
    assert!(
        lit > 0,
        "some unit's disc is filled by its activation (none of {units} centres differ from the background)"
    );
}

#[wasm_bindgen_test]
fn readout_panels_draw_and_the_verdict_speaks() {
    let root = fresh_root();
    let app = mount(&root).unwrap();
    app.borrow_mut().set_running(true);
    frames(&app, 4);
    for id in ["#rho-bars", "#firing", "#unit", "#recon-patch", "#image", "#pca", "#filters-copy"] {
        let px = pixels(&root, id);
        let colours: std::collections::BTreeSet<[u8; 4]> = px.chunks(4).map(|p| [p[0], p[1], p[2], p[3]]).collect();
        assert!(colours.len() > 3, "{id} shows a drawing, not a flat fill ({} colours)", colours.len());
    }
    // the figures the canvases draw are page text too (their aria-describedby twins)
    let twin = |id: &str| dom::find::<Element>(&root, id).unwrap().text_content().unwrap();
    assert!(twin("#firing-text").starts_with("Dead units: ") && twin("#firing-text").contains("L0: "));
    assert!(twin("#rho-bars-text").contains("of 25 units"), "{}", twin("#rho-bars-text"));
    assert!(twin("#unit-text").starts_with("Unit 0: "), "{}", twin("#unit-text"));
    let verdict: Element = dom::find(&root, "#verdict").unwrap();
    let text = verdict.text_content().unwrap();
    assert!(text.contains("edge detectors") || text.contains("Edges"), "verdict: {text}");
    // a random start is not yet an edge detector
    assert!(verdict.class_name().contains("none"), "{}", verdict.class_name());
}

#[wasm_bindgen_test]
fn try_this_buttons_change_the_run() {
    let root = fresh_root();
    let app = mount(&root).unwrap();
    let click = |id: &str| dom::find::<web_sys::HtmlElement>(&root, id).unwrap().click();
    click("#try-beta0");
    assert_eq!(app.borrow().trainer().hyper().get().beta, 0.0);
    let beta: HtmlInputElement = dom::find(&root, "#beta").unwrap();
    assert_eq!(beta.value_as_number(), 0.0, "the slider follows");
    click("#try-hidden100");
    assert_eq!(app.borrow().trainer().model().hidden(), 100, "nothing trained yet: no need to ask");
    frames(&app, 2);
    assert!(app.borrow().trainer().steps() > 0);
    click("#try-defaults");
    let message = dom::find::<web_sys::HtmlElement>(&root, "#message").unwrap().text_content().unwrap();
    assert!(message.contains("is discarded"), "a trained model is discarded only after asking: {message}");
    assert_eq!(app.borrow().trainer().model().hidden(), 100, "nothing restarts before the answer");
    click("#confirm-restart");
    assert_eq!(app.borrow().trainer().model().hidden(), 25);
    assert_eq!(app.borrow().trainer().hyper().get().beta, 3.0);
    assert_eq!(app.borrow().trainer().steps(), 0, "a fresh model, as the preset describes");
    assert!(app.borrow().running());
}

#[wasm_bindgen_test]
fn rho_and_beta_sliders_act_on_the_running_trainer_without_reset() {
    let root = fresh_root();
    let app = mount(&root).unwrap();
    app.borrow_mut().set_running(true);
    frames(&app, 3);
    let steps = app.borrow().trainer().steps();
    let w1 = app.borrow().trainer().model().theta().to_vec();

    let rho: HtmlInputElement = dom::find(&root, "#rho").unwrap();
    rho.set_value_as_number(rho_to_slider(0.1));
    rho.dispatch_event(&Event::new("input").unwrap()).unwrap();
    let beta: HtmlInputElement = dom::find(&root, "#beta").unwrap();
    beta.set_value_as_number(0.5);
    beta.dispatch_event(&Event::new("input").unwrap()).unwrap();

    let app_ref = app.borrow();
    let h = app_ref.trainer().hyper().get();
    assert!((h.rho - 0.1).abs() < 0.002, "trainer ρ = {}", h.rho);
    assert_eq!(h.beta, 0.5);
    assert_eq!(app_ref.trainer().steps(), steps, "no reset");
    assert_eq!(app_ref.trainer().model().theta(), &w1[..], "weights kept");
    let out: Element = dom::find(&root, "#rho-out").unwrap();
    assert_eq!(out.text_content().unwrap(), "0.1", "the readout shows the new value");
    assert!(rho.get_attribute("aria-valuetext").unwrap().contains("0.1"));
}

#[wasm_bindgen_test]
fn play_pause_and_reset_buttons() {
    let root = fresh_root();
    let app = mount(&root).unwrap();
    let play: web_sys::HtmlElement = dom::find(&root, "#play").unwrap();
    play.click();
    assert!(app.borrow().running());
    assert_eq!(play.text_content().unwrap(), "Pause");
    frames(&app, 2);
    play.click();
    assert!(!app.borrow().running());
    let steps = app.borrow().trainer().steps();
    frames(&app, 2);
    assert_eq!(app.borrow().trainer().steps(), steps, "paused: no training");
    let reset: web_sys::HtmlElement = dom::find(&root, "#reset").unwrap();
    reset.click();
    assert_eq!(app.borrow().trainer().steps(), 0);
    assert!(app.borrow().history().is_empty());
}

#[wasm_bindgen_test]
fn a_shape_change_asks_first_and_keeps_later_live_changes() {
    let root = fresh_root();
    let app = mount(&root).unwrap();
    let hidden: HtmlInputElement = dom::find(&root, "#hidden").unwrap();
    hidden.set_value("40");
    hidden.dispatch_event(&Event::new("change").unwrap()).unwrap();
    assert_eq!(app.borrow().trainer().model().hidden(), 25, "nothing restarts before the answer");
    let msg: Element = dom::find(&root, "#message").unwrap();
    assert!(msg.text_content().unwrap().contains("restarts"), "the page asks");
    // a live change while the question is open is kept by the restart
    let rho: HtmlInputElement = dom::find(&root, "#rho").unwrap();
    rho.set_value_as_number(rho_to_slider(0.05));
    rho.dispatch_event(&Event::new("input").unwrap()).unwrap();
    assert_eq!(hidden.value(), "40", "the asked-for shape stays in its field");
    dom::find::<web_sys::HtmlElement>(&root, "#confirm-restart").unwrap().click();
    let a = app.borrow();
    assert_eq!(a.trainer().model().hidden(), 40);
    assert!((a.params().rho - 0.05).abs() < 0.002, "ρ from after the question: {}", a.params().rho);
    assert_eq!(a.trainer().steps(), 0);
}

/// Pixels of `px` (RGBA) within a small distance of `colour`.
fn near(px: &[u8], colour: [u8; 3]) -> usize {
    px.chunks(4).filter(|p| (0..3).map(|i| (p[i] as i32 - colour[i] as i32).abs()).sum::<i32>() < 60).count()
}

#[wasm_bindgen_test]
fn the_cost_chart_draws_every_lane_and_toggles_to_the_full_view() {
    let root = fresh_root();
    sae_lab::web::persist::write_hash("models=sae,sparse-coding");
    let app = mount(&root).unwrap();
    assert_eq!(app.borrow().trainer().lanes(), 2);
    app.borrow_mut().set_running(true);
    frames(&app, 6);
    assert!(app.borrow().history_of(1).len() >= 2, "the second lane has its own history");
    let fitted = pixels(&root, "#loss");
    // each lane in its colour (src/web/view/loss_parts.rs: cyan, then pink)
    let (cyan, pink) = (near(&fitted, [90, 200, 250]), near(&fitted, [255, 120, 170]));
    assert!(cyan > 200 && pink > 200, "both lanes drawn: {cyan} cyan, {pink} pink pixels");

    let full: HtmlInputElement = dom::find(&root, "#loss-full").unwrap();
    full.set_checked(true);
    full.dispatch_event(&Event::new("change").unwrap()).unwrap();
    assert!(app.borrow().loss_full());
    app.borrow_mut().set_running(false);
    frames(&app, 1); // redrawn at once, even paused
    let shown = pixels(&root, "#loss");
    let changed = fitted.chunks(4).zip(shown.chunks(4)).filter(|(a, b)| a != b).count();
    assert!(changed > 1000, "the full view is another chart ({changed} pixels changed)");
    sae_lab::web::persist::write_hash("");
}
