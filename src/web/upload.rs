//! The user's own pictures: files from the picker or a drop, decoded by the browser
//! (`createImageBitmap`, so PNG, JPEG and whatever else it reads), drawn at the size
//! training uses and handed to the pure [`image_from_rgba`] for greyscale.
//!
//! Every file gets a verdict: an image, or a sentence saying why not. The app decides what
//! to do with them; nothing here touches the current dataset.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, File, FileList, HtmlCanvasElement, ImageBitmap};

use super::dom;
use crate::data::{fit, image_from_rgba, Image};

/// Largest picture file read (a photo straight from a camera is under 20 MB).
const MAX_IMAGE_FILE_BYTES: f64 = 50.0 * 1024.0 * 1024.0;
/// Pictures up to this many pixels are read at full size (64 MB of RGBA) and shrunk in Rust.
const MAX_FULL_PIXELS: usize = 16_000_000;
/// Most pictures used at once (each is up to 512×512 and is whitened on its own).
pub const MAX_IMAGES: usize = 8;

/// A decoded picture with its file name.
pub struct Picture {
    /// The file's name, for messages.
    pub name: String,
    /// The greyscale picture at training size.
    pub image: Image,
}

/// The files of a file list, in order.
pub fn files_of(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Decodes `files` one after another: each becomes a [`Picture`] or a sentence saying what
/// was wrong with it. More than [`MAX_IMAGES`] files: the rest are refused by name.
pub async fn decode_all(files: Vec<File>) -> Vec<Result<Picture, String>> {
    let mut out = Vec::with_capacity(files.len());
    for (i, file) in files.iter().enumerate() {
        if i >= MAX_IMAGES {
            out.push(Err(format!("“{}” was not used: at most {MAX_IMAGES} pictures at a time.", file.name())));
            continue;
        }
        out.push(decode(file).await.map(|image| Picture { name: file.name(), image }));
    }
    out
}

/// One file to a greyscale image at the size [`fit`] chooses.
async fn decode(file: &File) -> Result<Image, String> {
    let name = file.name();
    let kind = file.type_();
    if !kind.is_empty() && !kind.starts_with("image/") {
        return Err(format!("“{name}” is not a picture (its type is {kind}); use PNG or JPEG files."));
    }
    if file.size() > MAX_IMAGE_FILE_BYTES {
        let mb = file.size() / 1024.0 / 1024.0;
        return Err(format!("“{name}” is {mb:.0} MB; pictures up to 50 MB are read."));
    }
    let promise = dom::window()
        .create_image_bitmap_with_blob(file)
        .map_err(|e| format!("“{name}” could not be opened: {}", dom::describe(&e)))?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| format!("“{name}” could not be decoded as a picture (is it a PNG or JPEG?)."))?
        .dyn_into()
        .map_err(|_| format!("“{name}” did not decode to a picture."))?;
    let (bw, bh) = (bitmap.width() as usize, bitmap.height() as usize);
    let fitted = fit(&name, bw, bh)?;
    // block averaging in Rust is exact; only pictures too big to hold as RGBA are shrunk by
    // the browser's own (coarser) scaling first
    let (w, h) = if bw * bh <= MAX_FULL_PIXELS { (bw, bh) } else { fitted };
    let rgba = draw_at(&bitmap, w, h).map_err(|e| format!("“{name}” could not be drawn: {}", dom::describe(&e)));
    bitmap.close();
    image_from_rgba(&name, w, h, &rgba?)
}

/// The bitmap drawn at `w` × `h`, as RGBA bytes.
fn draw_at(bitmap: &ImageBitmap, w: usize, h: usize) -> Result<Vec<u8>, JsValue> {
    let canvas: HtmlCanvasElement = dom::document().create_element("canvas")?.dyn_into()?;
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or_else(|| JsValue::from_str("no 2-D canvas"))?.dyn_into()?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, w as f64, h as f64)?;
    Ok(ctx.get_image_data(0.0, 0.0, w as f64, h as f64)?.data().0)
}
