//! The files a run writes: the model JSON the page loads, and the filter grid as PNG,
//! drawn by the same code as the page's filter view.

use std::path::Path;

use nalgebra::DMatrix;
use sae_lab::model::Model;
use sae_lab::raster::{draw_filter_grid, Rgba};
use sae_lab::state::{save, Params};

/// Checks, before any work, that `path` can be created: its folder exists and it is not
/// a folder itself. (Writing can still fail later, e.g. on a full disk.)
pub fn check_destination(path: &Path) -> Result<(), String> {
    let name = path.display();
    if path.is_dir() {
        return Err(format!("“{name}” is a directory; give a file name to write to."));
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            Err(format!("The folder of “{name}” does not exist."))
        }
        _ => Ok(()),
    }
}

/// Writes the model file for `model` trained `steps` steps with `params`.
pub fn write_model(path: &Path, params: &Params, steps: u64, model: &dyn Model<f32>) -> Result<(), String> {
    write(path, save(params, steps, model).as_bytes())
}

/// Writes the rows of `w1` as the page's tile grid (each tile with its own contrast, 0 is
/// mid-grey) and returns the image size.
pub fn write_filters(path: &Path, w1: &DMatrix<f32>, patch: usize) -> Result<(usize, usize), String> {
    let img = filter_grid(w1, patch);
    write(path, &encode_png(&img))?;
    Ok((img.width, img.height))
}

/// The filter grid with 64-pixel tiles (8× for 8×8 patches, about as the page shows it)
/// and the page's gap rule.
pub fn filter_grid(w1: &DMatrix<f32>, patch: usize) -> Rgba {
    let scale = (64 / patch.max(1)).max(1);
    let gap = (scale / 3).max(1);
    let mut img = Rgba::default();
    draw_filter_grid(w1, patch, scale, gap, &mut img);
    img
}

/// An RGBA8 PNG of `img`.
pub fn encode_png(img: &Rgba) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, img.width as u32, img.height as u32);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().expect("writing to memory cannot fail");
    writer.write_image_data(&img.data).expect("the buffer holds width × height RGBA pixels");
    writer.finish().expect("writing to memory cannot fail");
    out
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("“{}” could not be written ({e}).", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_is_the_pages_grid() {
        let w1 = DMatrix::<f32>::from_fn(25, 64, |i, j| (i as f32 - 12.0) * (j as f32 - 30.0));
        let grid = filter_grid(&w1, 8);
        assert_eq!((grid.width, grid.height), (332, 332), "8× tiles with 2-pixel gaps, as the page at 360 px");
        let bytes = encode_png(&grid);
        let mut reader = png::Decoder::new(std::io::Cursor::new(&bytes)).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height, info.color_type), (332, 332, png::ColorType::Rgba));
        assert_eq!(&buf[..info.buffer_size()], &grid.data[..]);
        assert_eq!(filter_grid(&DMatrix::zeros(400, 256), 16).width, 20 * (16 * 4 + 1) + 1);
    }

    #[test]
    fn destinations_are_checked_before_the_work() {
        assert!(check_destination(Path::new("model.json")).is_ok());
        let e = check_destination(Path::new("/nonexistent-folder/model.json")).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
        assert!(check_destination(&std::env::temp_dir()).unwrap_err().contains("directory"));
    }
}
