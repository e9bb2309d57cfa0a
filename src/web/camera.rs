//! The webcam: frames from `getUserMedia`, drawn at training size and turned grey by the
//! pure [`image_from_rgba`], as uploaded pictures are. The page asks for the camera only
//! when a button asks for it, and stops it when it is no longer used.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream, MediaStreamConstraints};

use super::dom;
use crate::data::{image_from_rgba, Image};

/// Longest side of a camera frame used for training: frames replace each other every second,
/// and each is whitened where training runs (a quarter of a 640×480 frame's pixels is plenty
/// of 8×8 patches).
const FRAME_SIDE: usize = 320;

/// An open camera.
pub struct Camera {
    video: HtmlVideoElement,
    stream: MediaStream,
    canvas: HtmlCanvasElement,
}

/// What the browser said, as a sentence for the page.
fn refused(e: JsValue) -> String {
    let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" => "the camera was not allowed (the browser or its settings refused it)".into(),
        "NotFoundError" | "OverconstrainedError" => "no camera was found".into(),
        "NotReadableError" => "the camera is in use by another program".into(),
        _ => format!("the camera could not be opened: {}", dom::describe(&e)),
    }
}

impl Camera {
    /// Asks for the camera and waits until it gives frames.
    pub async fn open() -> Result<Camera, String> {
        let devices = dom::window()
            .navigator()
            .media_devices()
            .map_err(|_| "this browser gives pages no camera (it needs https or localhost)".to_string())?;
        let constraints = MediaStreamConstraints::new();
        constraints.set_video(&JsValue::TRUE);
        let promise = devices.get_user_media_with_constraints(&constraints).map_err(refused)?;
        let stream: MediaStream = JsFuture::from(promise).await.map_err(refused)?.unchecked_into();
        let video: HtmlVideoElement = dom::document().create_element("video").map_err(refused)?.unchecked_into();
        video.set_muted(true);
        video.set_attribute("playsinline", "").ok();
        video.set_src_object(Some(&stream));
        let camera = Camera {
            video,
            stream,
            canvas: dom::document().create_element("canvas").map_err(refused)?.unchecked_into(),
        };
        let playing = camera.video.play().map_err(refused)?;
        JsFuture::from(playing).await.map_err(refused)?;
        Ok(camera)
    }

    /// The current frame in grey, at most [`FRAME_SIDE`] on its longer side; a frame that is
    /// not ready or is one flat colour (a covered lens) is an error saying so.
    pub fn frame(&self) -> Result<Image, String> {
        if !self.stream.active() {
            return Err("the camera stopped sending pictures (unplugged, or switched off)".into());
        }
        let (vw, vh) = (self.video.video_width() as usize, self.video.video_height() as usize);
        if vw == 0 || vh == 0 {
            return Err("the camera has not sent a picture yet".into());
        }
        let k = vw.max(vh).div_ceil(FRAME_SIDE).max(1);
        let (w, h) = (vw / k, vh / k);
        self.canvas.set_width(w as u32);
        self.canvas.set_height(h as u32);
        let draw = || -> Result<Vec<u8>, JsValue> {
            let ctx: CanvasRenderingContext2d =
                self.canvas.get_context("2d")?.ok_or_else(|| JsValue::from_str("no 2-D canvas"))?.dyn_into()?;
            ctx.draw_image_with_html_video_element_and_dw_and_dh(&self.video, 0.0, 0.0, w as f64, h as f64)?;
            Ok(ctx.get_image_data(0.0, 0.0, w as f64, h as f64)?.data().0)
        };
        let rgba = draw().map_err(|e| format!("the camera's picture could not be read: {}", dom::describe(&e)))?;
        image_from_rgba("the camera's picture", w, h, &rgba)
    }
}

impl Drop for Camera {
    /// Stops the camera (its light goes off).
    fn drop(&mut self) {
        for track in self.stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

/// How often a new camera frame joins the pictures while the camera is the data stream.
const FRAME_MS: f64 = 1000.0;
/// Frames kept: each new one replaces the oldest, so the class sees the last few seconds.
pub const FRAMES_KEPT: usize = 4;

/// The camera as the data stream: open while a question about it is on screen or while
/// training follows it, with a new frame due every [`FRAME_MS`].
#[derive(Default)]
pub struct Feed {
    camera: Option<Camera>,
    live: bool,
    last: f64,
}

impl Feed {
    /// Keeps `camera` open, not yet streaming (until the user confirms).
    pub fn hold(&mut self, camera: Camera) {
        self.camera = Some(camera);
        self.live = false;
    }

    /// Streams frames from the held camera, from time `now`.
    pub fn go_live(&mut self, now: f64) {
        self.live = self.camera.is_some();
        self.last = now;
    }

    /// Stops the camera.
    pub fn stop(&mut self) {
        self.camera = None;
        self.live = false;
    }

    /// Stops a camera that was only held for a question.
    pub fn stop_unless_live(&mut self) {
        if !self.live {
            self.stop();
        }
    }

    /// Whether training follows the camera.
    pub fn live(&self) -> bool {
        self.live
    }

    /// The next frame, when one is due at `now`.
    pub fn frame_due(&mut self, now: f64) -> Option<Result<Image, String>> {
        if !self.live || now - self.last < FRAME_MS {
            return None;
        }
        self.last = now;
        self.camera.as_ref().map(Camera::frame)
    }
}
